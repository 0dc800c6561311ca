INSERT INTO forecasts.forecast_archive (series, origin_month, month, yhat, lo80, hi80, lo95, hi95, model, run_id, made_at)
SELECT series, CAST(origin_month AS DATE), CAST(month AS DATE), yhat, lo80, hi80, lo95, hi95, model, run_id, made_at
FROM new_rows;
