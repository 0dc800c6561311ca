-- The cut model's backtest rows of the series it describes (written by forecasts/cut_probability).
SELECT series, model, horizon, mae_log, mase_naive, mase_drift, coverage80, coverage95, n_origins, note
FROM forecasts.cut_series_backtest ORDER BY series, horizon;
