-- Token prices in force on the days of $days (a list of UTC dates), for the workload cost (pipelines/cost/workload.py):
-- input, cache_read and output prices at the standard, batch and off_peak tiers, one per
-- (day, provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions) from the reconciled
-- history (marts.price_history has one run per key and day; the ordering below only keeps the query total). Amounts are as the
-- price list writes them (original_amount in original_unit, in the list's currency).
-- One row per price with the list of the days it is in force on (`days`, ascending): a price unchanged for months
-- is one row, not one per day.
WITH days AS (
    SELECT unnest(CAST($days AS DATE[])) AS day
),
per_day AS (
    SELECT d.day, h.provider, h.model, h.region, h.currency, h.price_kind, h.service_tier, h.tier_min_tokens,
           h.conditions, h.original_amount, h.original_unit
    FROM days d
    JOIN marts.price_history h
      ON h.valid_from <= d.day AND (h.valid_to IS NULL OR h.valid_to > d.day)
    LEFT JOIN staging.source_precedence p ON p.source = h.source
    WHERE h.price_kind IN ('input', 'cache_read', 'output')
      AND h.service_tier IN ('standard', 'batch', 'off_peak')
    QUALIFY row_number() OVER (
        PARTITION BY d.day, h.provider, h.model, h.price_kind, h.service_tier, h.tier_min_tokens, h.region, h.currency,
                     h.conditions
        ORDER BY coalesce(p.rank, 1), h.valid_from DESC, h.source) = 1
)
SELECT provider, model, region, currency, price_kind, service_tier, tier_min_tokens, conditions, original_amount,
       original_unit, list(day ORDER BY day) AS days
FROM per_day
GROUP BY ALL
ORDER BY provider, model, region, currency, price_kind, service_tier, tier_min_tokens, conditions, original_amount,
         original_unit;
