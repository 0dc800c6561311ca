-- Idempotent partition write, step 1: drop what an earlier run of this partition wrote for this source.
DELETE FROM staging.price_quotes WHERE partition_date = $partition_date AND source = $source;
