INSERT INTO forecasts.backtest (series, model, horizon, mae_log, mase_naive, mase_drift, coverage80, coverage95, n_origins, note)
SELECT series, model, horizon, mae_log, mase_naive, mase_drift, coverage80, coverage95, n_origins, note FROM new_rows;
