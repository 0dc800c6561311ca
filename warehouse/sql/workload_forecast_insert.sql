INSERT INTO forecasts.workload_cost_forecast
SELECT profile, month, yhat, lo80, hi80, lo95, hi95, model, currency FROM new_forecast;
INSERT INTO forecasts.workload_cost_decline
SELECT profile, currency, status, model, factor, ci_low, ci_high, half_life_months, n_obs, "window", last_month,
       last_value, cheapest, yhat_12, lo95_12, hi95_12
FROM new_decline;
