-- Epoch AI's running-minimum trend on our prices, per capability threshold.
SELECT series, reference, epoch_threshold, n_points, factor, ci90_low, ci90_high, note
FROM forecasts.capability_trend ORDER BY series;
