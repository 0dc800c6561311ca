-- Whether the warehouse_job's output is there and newer than every parse (pipelines/incremental.py): the marts and
-- forecasts exist and the newest forecast (forecasts.forecast_archive, written by price_forecast) was made after the
-- newest parse run. A missing table raises a CatalogException, which the caller reads as "not built".
SELECT (SELECT count(*) FROM marts.price_history) > 0
   AND (SELECT count(*) FROM marts.latest_prices) > 0
   AND (SELECT count(*) FROM forecasts.price_forecast) > 0
   AND coalesce((SELECT max(made_at) FROM forecasts.forecast_archive)
                >= (SELECT coalesce(max(parsed_at), TIMESTAMP '1970-01-01') FROM staging.parse_runs), false);
