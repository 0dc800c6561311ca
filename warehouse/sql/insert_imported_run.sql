-- Bulk insert: the rows are a registered Arrow table named new_rows (pipelines.warehouse.insert_rows).
INSERT INTO staging.imported_price_runs
    (source, provider, model, source_key, price_kind, service_tier, tier_min_tokens, region, currency, usd_per_mtok,
     original_amount, original_unit, valid_from, valid_to, source_url, source_ref)
SELECT source, provider, model, source_key, price_kind, service_tier, tier_min_tokens, region, currency, usd_per_mtok,
     original_amount, original_unit, valid_from, valid_to, source_url, source_ref
FROM new_rows;
