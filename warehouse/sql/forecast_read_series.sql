-- Every monthly series to model, in month order: series, family, month, value, unit.
SELECT series, family, month, value, unit FROM forecasts.monthly_series ORDER BY family, series, month;
