-- Idempotent partition write: drop what an earlier run of this partition wrote for this source.
DELETE FROM staging.unit_prices WHERE partition_date = $partition_date AND source = $source;
