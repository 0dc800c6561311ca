-- Offers of marts.billing_offers usable on each day of $days (a list of UTC dates; pipelines/cost/workload.py): first
-- seen on or before it and within their stated window (valid_from / valid_until, inclusive; NULL = open). One row per
-- (day, offer): column 1 is the day, the others are in the order of pipelines.cost.workload.Offer.
WITH days AS (
    SELECT unnest(CAST($days AS DATE[])) AS day
)
SELECT d.day, o.provider, o.model, o.region, o.offer_kind, o.amount, o.currency, o.amount_per_mtok, o.quantity,
       o.quantity_unit, o.unit, o.price_kind, o.service_tier, o.tier_min_tokens, o.valid_days, o.conditions
FROM days d
JOIN marts.billing_offers o
  ON o.first_seen <= d.day
 AND (o.valid_from IS NULL OR o.valid_from <= d.day)
 AND (o.valid_until IS NULL OR o.valid_until >= d.day)
ORDER BY d.day, o.provider, o.model, o.region, o.offer_kind, o.price_kind, o.service_tier;
