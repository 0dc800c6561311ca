-- Every capture parsed without error or drift by one code version, by partition day: what the replay loop compares
-- a day's captures with to skip an unchanged day (pipelines/incremental.py).
SELECT DISTINCT partition_date, source, url, snapshot_sha256
FROM staging.parse_runs
WHERE status = 'ok' AND code_version = $code_version;
