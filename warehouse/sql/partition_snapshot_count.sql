-- Rows of raw.page_snapshots in one daily partition (raw/page_snapshots metadata).
SELECT count(*) FROM raw.page_snapshots WHERE partition_date = $partition_date;
