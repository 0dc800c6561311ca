INSERT INTO forecasts.capability_matches (lmarena_model, organization, provider, model, rule, reasoning)
SELECT lmarena_model, organization, provider, model, rule, reasoning FROM new_rows;
