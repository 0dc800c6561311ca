-- Bulk insert: the rows are a registered Arrow table named new_rows (pipelines.warehouse.insert_rows).
INSERT INTO staging.unit_prices
    (partition_date, observed_at, source, provider, model, model_name, price_kind, service_tier, region, unit,
     usd_per_unit, original_amount, original_currency, fx_rate, fx_date, conditions, source_url, snapshot_sha256,
     location)
SELECT partition_date, observed_at, source, provider, model, model_name, price_kind, service_tier, region, unit,
     usd_per_unit, original_amount, original_currency, fx_rate, fx_date, conditions, source_url, snapshot_sha256,
     location
FROM new_rows;
