-- The headline decline factor of the summary: the overall matched-model index.
SELECT series, factor, ci_low, ci_high, n_obs, "window" FROM forecasts.price_decline
WHERE series = 'matched_model_blended' ORDER BY series;
