INSERT INTO staging.unit_prices
    (partition_date, observed_at, source, provider, model, model_name, price_kind, service_tier, region, unit,
     usd_per_unit, original_amount, original_currency, fx_rate, fx_date, conditions, source_url, snapshot_sha256,
     location)
VALUES ($partition_date, $observed_at, $source, $provider, $model, $model_name, $price_kind, $service_tier, $region,
        $unit, $usd_per_unit, $original_amount, $original_currency, $fx_rate, $fx_date, $conditions, $source_url,
        $snapshot_sha256, $location);
