-- The rows of the registered view new_rows into forecasts.price_decline.
INSERT INTO forecasts.price_decline (series, method, factor, ci_low, ci_high, half_life_months, n_obs, "window")
SELECT series, method, factor, ci_low, ci_high, half_life_months, n_obs, "window" FROM new_rows;
