-- Bulk insert: the rows are a registered Arrow table named new_rows (pipelines.warehouse.insert_rows).
INSERT INTO staging.quarantine
    (partition_date, observed_at, source, provider, model, price_kind, service_tier, tier_min_tokens, region,
     usd_per_mtok, original_amount, original_currency, original_unit, reason, source_url, snapshot_sha256, location)
SELECT partition_date, observed_at, source, provider, model, price_kind, service_tier, tier_min_tokens, region,
     usd_per_mtok, original_amount, original_currency, original_unit, reason, source_url, snapshot_sha256, location
FROM new_rows;
