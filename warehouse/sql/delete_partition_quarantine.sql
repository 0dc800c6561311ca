DELETE FROM staging.quarantine WHERE partition_date = $partition_date AND source = $source;
