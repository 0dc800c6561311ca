-- The cut model's 12-month forecasts of the series it describes (written by forecasts/cut_probability).
SELECT series, month, yhat, lo80, hi80, lo95, hi95, model FROM forecasts.cut_series_forecast ORDER BY series, month;
