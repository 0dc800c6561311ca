-- Asset check marts/source_price_history valid_from_before_valid_to: every run starts before it ends (valid_to is
-- exclusive, NULL while current) and has a start.
SELECT provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions, source,
       valid_from, valid_to
FROM marts.source_price_history
WHERE valid_from IS NULL OR valid_to <= valid_from
ORDER BY ALL;
