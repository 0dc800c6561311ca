DELETE FROM forecasts.capability_trend;
