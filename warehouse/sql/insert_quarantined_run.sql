INSERT INTO staging.quarantined_runs
    (source, provider, model, source_key, price_kind, service_tier, tier_min_tokens, region, currency, usd_per_mtok,
     original_amount, original_unit, valid_from, valid_to, source_url, source_ref, reason)
VALUES ($source, $provider, $model, $source_key, $price_kind, $service_tier, $tier_min_tokens, $region, $currency,
        $usd_per_mtok, $original_amount, $original_unit, $valid_from, $valid_to, $source_url, $source_ref, $reason);
