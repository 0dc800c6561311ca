-- The index series (unit 'index') of the registered view new_series into forecasts.market_index.
INSERT INTO forecasts.market_index (series, month, index_value, n_models)
SELECT series, CAST(month AS DATE), value, n_items FROM new_series WHERE unit = 'index';
