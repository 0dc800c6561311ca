-- marts.price_discrepancies: where two sources (or two price lists of one seller) disagree on the same price while
-- both are in force. Every pair of runs of marts.source_price_history (each source's own runs) for the same (provider, model, price_kind,
-- service_tier, tier_min_tokens, region, conditions) from two sources — or from one source in two currencies
-- (DeepSeek's CNY and USD pages) — whose spans overlap is compared in USD per 1M tokens (a CNY/EUR list at the ECB
-- rate of its run's first observation), on every day they overlap, not only on capture days: a 2024 page capture
-- still in force against a dataset's 2025 cut is a disagreement (issue 20). One row per overlapping pair; `day` is
-- the first day both are in force. Side a is the better-ranked source (staging.source_precedence, then source and
-- currency), side b the other; ratio = usd_b / usd_a. Listed when they differ by more than $tolerance (relative),
-- largest disagreement first (|ln ratio|), then the longest-standing.
CREATE OR REPLACE TABLE marts.price_discrepancies AS
WITH runs AS (
    SELECT h.*, coalesce(p.rank, 1) AS rank
    FROM marts.source_price_history h LEFT JOIN staging.source_precedence p ON p.source = h.source
    WHERE h.usd_per_mtok > 0
),
pairs AS (
    SELECT greatest(a.valid_from, b.valid_from) AS day, a.provider, a.model, a.price_kind, a.service_tier,
           a.tier_min_tokens, a.region, a.conditions,
           a.source AS source_a, a.currency AS currency_a, a.original_amount AS amount_a, a.usd_per_mtok AS usd_a,
           b.source AS source_b, b.currency AS currency_b, b.original_amount AS amount_b, b.usd_per_mtok AS usd_b
    FROM runs a
    JOIN runs b
      ON b.provider = a.provider AND b.model = a.model AND b.price_kind = a.price_kind
     AND b.service_tier = a.service_tier AND b.tier_min_tokens = a.tier_min_tokens AND b.region = a.region
     AND b.conditions = a.conditions
     AND (a.rank, a.source, a.currency) < (b.rank, b.source, b.currency)
     AND a.valid_from < coalesce(b.valid_to, DATE '9999-12-31')
     AND b.valid_from < coalesce(a.valid_to, DATE '9999-12-31')
)
SELECT day, provider, model, price_kind, service_tier, tier_min_tokens, region, conditions,
       source_a, currency_a, amount_a, usd_a, source_b, currency_b, amount_b, usd_b,
       round(CAST(usd_b AS DOUBLE) / CAST(usd_a AS DOUBLE), 6) AS ratio
FROM pairs
WHERE abs(CAST(usd_b AS DOUBLE) / CAST(usd_a AS DOUBLE) - 1) > $tolerance
ORDER BY abs(ln(CAST(usd_b AS DOUBLE) / CAST(usd_a AS DOUBLE))) DESC, day, provider, model, price_kind, source_b;
