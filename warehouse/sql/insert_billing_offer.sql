-- Bulk insert: the rows are a registered Arrow table named new_rows (pipelines.warehouse.insert_rows).
INSERT INTO staging.billing_offers BY NAME
SELECT partition_date, observed_at, source, provider, model, model_name, offer_kind, price_kind,
    service_tier, tier_min_tokens, region, amount, currency, unit, amount_per_mtok, quantity,
    quantity_unit, usd_amount, usd_per_mtok, fx_rate, fx_date, valid_days, valid_from, valid_until,
    conditions, source_url, snapshot_sha256, location
FROM new_rows;
