-- Snapshots staging/billing_offers reads: per (partition_date, source, url) of the sources in $sources the latest
-- fetch, with the status of its latest parse (staging.parse_runs). Only 'ok' parses give offers: a page whose prices
-- failed their check (parse error, layout drift) gives no offers either.
WITH snaps AS (
    SELECT partition_date, source, url, sha256, fetched_at
    FROM raw.page_snapshots
    WHERE list_contains(CAST($sources AS VARCHAR[]), source)
    QUALIFY row_number() OVER (PARTITION BY partition_date, source, url ORDER BY fetched_at DESC, ingested_at DESC) = 1
),
runs AS (
    SELECT partition_date, source, url, snapshot_sha256, status
    FROM staging.parse_runs
    QUALIFY row_number() OVER (PARTITION BY partition_date, source, url ORDER BY parsed_at DESC) = 1
)
SELECT s.partition_date, s.source, s.url, s.sha256, s.fetched_at, coalesce(r.status, 'not parsed') AS status
FROM snaps s
LEFT JOIN runs r ON r.partition_date = s.partition_date AND r.source = s.source AND r.url = s.url
                AND r.snapshot_sha256 = s.sha256
ORDER BY s.partition_date, s.source, s.url;
