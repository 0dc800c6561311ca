-- The same source's token prices from its most recent earlier partition with quotes (for the magnitude guard).
SELECT provider, model, price_kind, service_tier, tier_min_tokens, region, original_currency,
       coalesce(conditions, '') AS conditions, usd_per_mtok
FROM staging.price_quotes
WHERE source = $source
  AND partition_date = (SELECT max(partition_date) FROM staging.price_quotes
                        WHERE source = $source AND partition_date < $partition_date);
