-- Calibration of the chosen models (forecasts/backtest): coverage per horizon with the number of origins.
SELECT series, model, horizon, coverage80, coverage95, n_origins, verdict FROM forecasts.calibration
ORDER BY series, horizon;
