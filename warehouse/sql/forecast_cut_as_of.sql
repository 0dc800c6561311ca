-- The last month of the overall matched-model index: the month the cut model forecasts from (NULL without it).
SELECT max(month) FROM forecasts.monthly_series WHERE series = $series;
