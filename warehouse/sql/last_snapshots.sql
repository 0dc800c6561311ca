-- The latest stored snapshot of each (source, URL): its body hash and the validators for a conditional request
-- (a 304 answer reuses this sha256). Every source at once: a scrape reads it once, before its fetches.
SELECT source, url, sha256, bytes, etag, last_modified, content_type
FROM raw.page_snapshots
QUALIFY row_number() OVER (PARTITION BY source, url ORDER BY fetched_at DESC, ingested_at DESC) = 1;
