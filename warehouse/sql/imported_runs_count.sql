-- Rows of one dataset in staging.imported_price_runs (0 if never imported).
SELECT count(*) FROM staging.imported_price_runs WHERE source = $source;
