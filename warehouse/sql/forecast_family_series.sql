-- The series one family (the asset writing it) wrote to forecasts.monthly_series last time.
SELECT DISTINCT series FROM forecasts.monthly_series WHERE family = $family ORDER BY series;
