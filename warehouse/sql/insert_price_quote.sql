INSERT INTO staging.price_quotes
    (partition_date, observed_at, source, provider, model, model_name, price_kind, service_tier, tier_min_tokens,
     region, usd_per_mtok, original_amount, original_currency, original_unit, fx_rate, fx_date, conditions,
     source_url, snapshot_sha256, location)
VALUES ($partition_date, $observed_at, $source, $provider, $model, $model_name, $price_kind, $service_tier,
        $tier_min_tokens, $region, $usd_per_mtok, $original_amount, $original_currency, $original_unit, $fx_rate,
        $fx_date, $conditions, $source_url, $snapshot_sha256, $location);
