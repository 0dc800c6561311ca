-- marts.billing_offers: the offers of each (source, url)'s latest observation in staging.billing_offers, with the
-- first day the same offer (same source and identity: provider, model / model_name, kind, price_kind, service_tier,
-- tier, region, unit, quantity unit, window, conditions) was seen and the page's last observation.
DELETE FROM marts.billing_offers;
INSERT INTO marts.billing_offers
WITH latest AS (
    SELECT source, source_url, max(partition_date) AS partition_date
    FROM staging.billing_offers GROUP BY ALL
),
firsts AS (
    SELECT source, provider, coalesce(model, '(' || model_name || ')') AS ident, offer_kind,
           coalesce(price_kind, '') AS pk, coalesce(service_tier, '') AS st, tier_min_tokens, region, unit,
           coalesce(quantity_unit, '') AS qu, coalesce(CAST(valid_from AS VARCHAR), '') AS vf,
           coalesce(CAST(valid_until AS VARCHAR), '') AS vu, coalesce(conditions, '') AS cond,
           min(CAST(observed_at AS DATE)) AS first_seen
    FROM staging.billing_offers GROUP BY ALL
)
SELECT o.provider, o.model, o.model_name, o.offer_kind, o.price_kind, o.service_tier, o.tier_min_tokens, o.region,
       o.amount, o.currency, o.unit, o.amount_per_mtok, o.quantity, o.quantity_unit, o.usd_amount, o.usd_per_mtok,
       o.valid_days, o.valid_from, o.valid_until, o.conditions, f.first_seen, CAST(o.observed_at AS DATE) AS last_seen,
       o.source, o.source_url, o.snapshot_sha256, o.location
FROM staging.billing_offers o
JOIN latest l USING (source, source_url, partition_date)
JOIN firsts f ON f.source = o.source AND f.provider = o.provider
             AND f.ident = coalesce(o.model, '(' || o.model_name || ')') AND f.offer_kind = o.offer_kind
             AND f.pk = coalesce(o.price_kind, '') AND f.st = coalesce(o.service_tier, '')
             AND f.tier_min_tokens = o.tier_min_tokens AND f.region = o.region AND f.unit = o.unit
             AND f.qu = coalesce(o.quantity_unit, '') AND f.vf = coalesce(CAST(o.valid_from AS VARCHAR), '')
             AND f.vu = coalesce(CAST(o.valid_until AS VARCHAR), '') AND f.cond = coalesce(o.conditions, '')
ORDER BY o.provider, o.model, o.offer_kind, o.region, o.price_kind, o.service_tier;
