-- One dataset's runs in staging.imported_price_runs: how many, of how many models, first and last valid_from.
SELECT count(*), count(DISTINCT provider || '/' || model), min(valid_from), max(valid_from)
FROM staging.imported_price_runs WHERE source = $source;
