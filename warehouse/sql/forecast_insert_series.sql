-- The rows of the registered view new_series into forecasts.monthly_series.
INSERT INTO forecasts.monthly_series (series, family, month, value, unit, n_items, detail)
SELECT series, family, CAST(month AS DATE), value, unit, n_items, detail FROM new_series;
