-- For each series of $family: the value of its latest month beside the forecast made one month earlier for that
-- month (archived, origin_month = latest month - 1, the most recent run). lo95/hi95 are NULL when there is no
-- such forecast (first run, or no new month since the last one).
WITH latest AS (
    SELECT series, max(month) AS month FROM forecasts.monthly_series WHERE family = $family GROUP BY series
),
cur AS (
    SELECT s.series, s.month, s.value FROM forecasts.monthly_series s JOIN latest l USING (series, month)
),
arch AS (
    SELECT a.series, a.yhat, a.lo95, a.hi95, a.model, a.origin_month
    FROM forecasts.forecast_archive a
    JOIN cur c ON a.series = c.series AND a.month = c.month
     AND a.origin_month = CAST(c.month - INTERVAL 1 MONTH AS DATE)
    QUALIFY row_number() OVER (PARTITION BY a.series ORDER BY a.made_at DESC) = 1
)
SELECT c.series, c.month, c.value, a.origin_month, a.yhat, a.lo95, a.hi95, a.model
FROM cur c LEFT JOIN arch a USING (series)
ORDER BY c.series;
