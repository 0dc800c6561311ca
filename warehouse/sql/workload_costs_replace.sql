-- marts.workload_costs is rebuilt as a whole by marts/workload_costs (rows registered as the view new_rows).
DELETE FROM marts.workload_costs;
