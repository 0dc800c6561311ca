-- Before a family of series is rewritten: drop its index rows from forecasts.market_index (the series the family
-- wrote last time, and those it writes now, registered as the view new_series).
DELETE FROM forecasts.market_index
WHERE series IN (SELECT series FROM forecasts.monthly_series WHERE family = $family)
   OR series IN (SELECT series FROM new_series);
