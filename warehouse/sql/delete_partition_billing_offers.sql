-- Idempotent partition write of staging/price_quotes: drop the offers an earlier run of this partition wrote for this
-- source (its offers are read in the same pass as its quotes and replaced with them).
DELETE FROM staging.billing_offers WHERE partition_date = $partition_date AND source = $source;
