-- One fetched document. Re-running the same fetch (same source, url, fetched_at and body) adds nothing;
-- a different body for the same fetch time (an archive capture replaced) is a new row, and the newest
-- ingested one is what staging parses.
INSERT INTO raw.page_snapshots
    (partition_date, source, url, final_url, fetched_at, fetch_mode, http_status, content_type, bytes, sha256,
     capture_file, etag, last_modified, ingested_at)
VALUES ($partition_date, $source, $url, $final_url, $fetched_at, $fetch_mode, $http_status, $content_type, $bytes,
        $sha256, $capture_file, $etag, $last_modified, now() AT TIME ZONE 'UTC')
ON CONFLICT DO NOTHING;
