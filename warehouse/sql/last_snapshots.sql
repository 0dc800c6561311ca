-- The latest stored snapshot of each URL of a source: its body hash and the validators for a conditional
-- request (a 304 answer reuses this sha256).
SELECT url, sha256, bytes, etag, last_modified, content_type
FROM raw.page_snapshots
WHERE source = $source
QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC, ingested_at DESC) = 1;
