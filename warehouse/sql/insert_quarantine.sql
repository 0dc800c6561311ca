INSERT INTO staging.quarantine
    (partition_date, observed_at, source, provider, model, price_kind, service_tier, tier_min_tokens, region,
     usd_per_mtok, original_amount, original_currency, original_unit, reason, source_url, snapshot_sha256, location)
VALUES ($partition_date, $observed_at, $source, $provider, $model, $price_kind, $service_tier, $tier_min_tokens,
        $region, $usd_per_mtok, $original_amount, $original_currency, $original_unit, $reason, $source_url,
        $snapshot_sha256, $location);
