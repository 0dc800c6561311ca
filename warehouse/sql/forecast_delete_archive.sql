-- A re-run for the same origin replaces that origin's archived forecasts (keeps reruns idempotent).
DELETE FROM forecasts.forecast_archive
WHERE (series, origin_month) IN (SELECT DISTINCT series, CAST(origin_month AS DATE) FROM new_rows);
