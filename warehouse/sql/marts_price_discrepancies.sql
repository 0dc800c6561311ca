-- marts.price_discrepancies: where two sources (or two price lists of one seller) disagree on the same price on
-- the same day. For every day a page observed a price, each other run in force that day for the same
-- (provider, model, price_kind, service_tier, tier_min_tokens, region) — another source, or the same source in
-- another currency (DeepSeek's CNY and USD pages) — is compared in USD per 1M tokens (CNY/EUR at the ECB rate of
-- the observation day). Listed when they differ by more than $tolerance (relative); ratio = value_b / value_a.
CREATE OR REPLACE TABLE marts.price_discrepancies AS
WITH observed AS (
    SELECT DISTINCT CAST(observed_at AS DATE) AS day, provider, model, price_kind, service_tier, tier_min_tokens,
           region, coalesce(conditions, '') AS conditions, source AS source_a, original_currency AS currency_a,
           usd_per_mtok AS usd_a, original_amount AS amount_a, fx_rate AS fx_a
    FROM staging.price_quotes
),
pairs AS (
    SELECT o.*, h.source AS source_b, h.currency AS currency_b, h.original_amount AS amount_b,
           h.usd_per_mtok AS usd_b_at_start, h.valid_from AS b_valid_from
    FROM observed o
    JOIN marts.price_history h
      ON h.provider = o.provider AND h.model = o.model AND h.price_kind = o.price_kind
     AND h.service_tier = o.service_tier AND h.tier_min_tokens = o.tier_min_tokens AND h.region = o.region
     AND h.conditions = o.conditions
     AND h.valid_from <= o.day AND (h.valid_to IS NULL OR h.valid_to > o.day)
     AND (h.source <> o.source_a OR h.currency <> o.currency_a)
),
same_day_fx AS (  -- a CNY/EUR list on the other side is converted at that day's rate, not its run's first day
    SELECT p.*,
           CASE WHEN p.currency_b = 'USD' THEN p.usd_b_at_start
                ELSE coalesce(
                    (SELECT any_value(q.usd_per_mtok) FROM staging.price_quotes q
                     WHERE q.provider = p.provider AND q.model = p.model AND q.price_kind = p.price_kind
                       AND q.service_tier = p.service_tier AND q.tier_min_tokens = p.tier_min_tokens
                       AND q.region = p.region AND q.source = p.source_b AND q.original_currency = p.currency_b
                       AND CAST(q.observed_at AS DATE) = p.day),
                    p.usd_b_at_start) END AS usd_b
    FROM pairs p
)
SELECT day, provider, model, price_kind, service_tier, tier_min_tokens, region, conditions,
       source_a, currency_a, amount_a, usd_a, source_b, currency_b, amount_b, usd_b,
       round(CAST(usd_b AS DOUBLE) / CAST(usd_a AS DOUBLE), 6) AS ratio
FROM same_day_fx
WHERE usd_a > 0 AND abs(CAST(usd_b AS DOUBLE) / CAST(usd_a AS DOUBLE) - 1) > $tolerance
  -- one row per unordered pair: the page observation is side a; page-vs-page pairs are kept once
  AND NOT (source_b IN (SELECT DISTINCT source FROM staging.price_quotes)
           AND (source_b, currency_b) < (source_a, currency_a)
           AND EXISTS (SELECT 1 FROM observed o2 WHERE o2.day = same_day_fx.day AND o2.source_a = same_day_fx.source_b
                       AND o2.currency_a = same_day_fx.currency_b AND o2.provider = same_day_fx.provider
                       AND o2.model = same_day_fx.model AND o2.price_kind = same_day_fx.price_kind))
ORDER BY day, provider, model, price_kind, source_b;
