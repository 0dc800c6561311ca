-- Re-import of one dataset, step 1 (in the caller's transaction): drop its earlier rows everywhere.
DELETE FROM staging.imported_price_runs WHERE source = $source;
DELETE FROM staging.quarantined_runs WHERE source = $source;
