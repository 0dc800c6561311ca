DELETE FROM forecasts.workload_cost_forecast;
DELETE FROM forecasts.workload_cost_decline;
