-- Re-import of one dataset (in the caller's transaction): drop its earlier runs.
DELETE FROM staging.imported_price_runs WHERE source = $source;
