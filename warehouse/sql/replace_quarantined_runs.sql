-- Re-import of one dataset (in the caller's transaction): drop its earlier quarantined runs.
DELETE FROM staging.quarantined_runs WHERE source = $source;
