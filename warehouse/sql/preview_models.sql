-- The preview of marts/model_aliases in the Dagster UI: the models most sellers offer.
SELECT creator, model, len(sellers) AS sellers, n_aliases, first_seen, deprecation_date
FROM marts.models ORDER BY len(sellers) DESC NULLS LAST LIMIT 10;
