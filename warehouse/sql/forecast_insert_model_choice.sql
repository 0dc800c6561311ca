INSERT INTO forecasts.model_choice (series, status, model, criterion, score, n_obs, "window", warnings, fallbacks)
SELECT series, status, model, criterion, score, n_obs, "window", warnings, fallbacks FROM new_rows;
