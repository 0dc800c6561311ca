-- The demo summary's quality-adjusted line: the log-linear decline of each monthly cheapest-at-capability series
-- (the same figure as the forecast page's "quality-adjusted" headline), with its 95% CI and months.
SELECT series, factor, ci_low, ci_high, n_obs
FROM forecasts.price_decline
WHERE series LIKE 'cheapest_at_lmarena/%' AND method = $method AND factor IS NOT NULL AND status = 'ok';
