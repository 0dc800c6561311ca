-- The current forecasts are recomputed together: drop the previous ones (the view new_rows is then inserted).
DELETE FROM forecasts.price_forecast;
