-- The most recent good parse of a URL before a partition: how many models it gave (for the drift check).
SELECT n_models, partition_date, snapshot_sha256
FROM staging.parse_runs
WHERE source = $source AND url = $url AND status = 'ok' AND partition_date < $partition_date
ORDER BY partition_date DESC, parsed_at DESC
LIMIT 1;
