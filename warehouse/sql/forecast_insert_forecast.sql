INSERT INTO forecasts.price_forecast (series, month, yhat, lo80, hi80, lo95, hi95, model)
SELECT series, CAST(month AS DATE), yhat, lo80, hi80, lo95, hi95, model FROM new_rows;
