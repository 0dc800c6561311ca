-- Offers of marts.billing_offers usable on $day (pipelines/workload.py): first seen on or before it and within
-- their stated window (valid_from / valid_until, inclusive; NULL = open). Column order = pipelines.workload.Offer.
SELECT provider, model, region, offer_kind, amount, currency, amount_per_mtok, quantity, quantity_unit, unit,
       price_kind, service_tier, tier_min_tokens, valid_days, conditions
FROM marts.billing_offers
WHERE first_seen <= CAST($day AS DATE)
  AND (valid_from IS NULL OR valid_from <= CAST($day AS DATE))
  AND (valid_until IS NULL OR valid_until >= CAST($day AS DATE))
ORDER BY provider, model, region, offer_kind, price_kind, service_tier;
