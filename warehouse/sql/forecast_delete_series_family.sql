-- Drop every monthly series of one family (the asset that writes it) before it is rewritten.
DELETE FROM forecasts.monthly_series WHERE family = $family;
