-- Each profile's cheapest option per month (rank 1 of marts.workload_costs), oldest first.
SELECT profile, month, covered, total, currency, provider, model, region
FROM marts.workload_costs
WHERE rank = 1
ORDER BY profile, month;
