-- Every name a source uses for a model it prices: the seller's id, the page's display name, the dataset's key.
SELECT DISTINCT source, provider, model, model AS alias, 'model id' AS alias_kind FROM staging.price_quotes
UNION
SELECT DISTINCT source, provider, model, model_name, 'display name' FROM staging.price_quotes
WHERE model_name IS NOT NULL AND model_name <> model
UNION
SELECT DISTINCT source, provider, model, model, 'model id' FROM staging.unit_prices
UNION
SELECT DISTINCT source, provider, model, model, 'model id' FROM staging.imported_price_runs
UNION
SELECT DISTINCT source, provider, model, split_part(source_key, '|', 1), 'dataset key' FROM staging.imported_price_runs
WHERE split_part(source_key, '|', 1) <> model
ORDER BY source, provider, model, alias;
