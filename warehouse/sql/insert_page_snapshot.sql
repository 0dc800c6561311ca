-- One fetched document; a re-run of the same fetch (same source, url, fetched_at) adds nothing.
INSERT INTO raw.page_snapshots
    (partition_date, source, url, final_url, fetched_at, fetch_mode, http_status, content_type, bytes, sha256, capture_file)
VALUES ($partition_date, $source, $url, $final_url, $fetched_at, $fetch_mode, $http_status, $content_type, $bytes, $sha256, $capture_file)
ON CONFLICT DO NOTHING;
