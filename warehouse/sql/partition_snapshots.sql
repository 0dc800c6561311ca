-- The latest snapshot of each (source, URL) of one daily partition: what staging/price_quotes parses.
SELECT source, url, sha256, fetched_at FROM raw.page_snapshots WHERE partition_date = $partition_date
QUALIFY row_number() OVER (PARTITION BY source, url ORDER BY fetched_at DESC, ingested_at DESC) = 1
ORDER BY source, url;
