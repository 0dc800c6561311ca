-- Asset check marts/price_history valid_from_before_valid_to: every reconciled run starts before it ends (valid_to
-- is exclusive, NULL while current), has a start, and was last confirmed within it (not before it began).
SELECT provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions, source,
       valid_from, valid_to, last_confirmed
FROM marts.price_history
WHERE valid_from IS NULL OR valid_to <= valid_from OR last_confirmed < valid_from
   OR (valid_to IS NOT NULL AND last_confirmed >= valid_to)
ORDER BY ALL;
