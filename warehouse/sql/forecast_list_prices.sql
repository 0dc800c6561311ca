-- Blended price (3 input : 1 output) per (provider, model) in force on the last day of each month, in the price
-- list's own currency per 1M tokens (original amounts, rescaled exactly from per-1K/per-token units), for every
-- seller with a list in $currency: standard tier, base context tier, conditions in $conditions ('' = none).
-- Region: per model and month the first of $regions (in that order of preference) with both prices.
-- Months run from $first_month to $last_month (first days). From the reconciled history (marts.price_history, one
-- true price per key and day; original amounts as the source that dated each run wrote them).
WITH months AS (
    SELECT CAST(m AS DATE) AS month, CAST(m + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE) AS month_end
    FROM range(CAST($first_month AS DATE), CAST($last_month AS DATE) + INTERVAL 1 DAY, INTERVAL 1 MONTH) t(m)
),
in_force AS (
    SELECT m.month, h.provider, h.model, h.region, h.price_kind,
           CAST(h.original_amount AS DOUBLE) * CASE h.original_unit
               WHEN 'per 1M tokens' THEN 1 WHEN 'per 1K tokens' THEN 1000 WHEN 'per token' THEN 1000000 END AS amount,
           list_position($regions, h.region) AS region_rank
    FROM months m
    JOIN marts.price_history h
      ON h.valid_from <= m.month_end AND (h.valid_to IS NULL OR h.valid_to > m.month_end)
    WHERE h.currency = $currency AND h.service_tier = 'standard' AND h.tier_min_tokens = 0
      AND list_contains($regions, h.region) AND list_contains($conditions, h.conditions)
      AND h.price_kind IN ('input', 'output')
),
pivoted AS (
    SELECT month, provider, model, region, region_rank,
           max(amount) FILTER (WHERE price_kind = 'input') AS input,
           max(amount) FILTER (WHERE price_kind = 'output') AS output
    FROM in_force GROUP BY ALL
),
best AS (
    SELECT * FROM pivoted WHERE input > 0 AND output > 0
    QUALIFY row_number() OVER (PARTITION BY month, provider, model ORDER BY region_rank) = 1
)
SELECT month, provider, model, region, input, output, (3 * input + output) / 4 AS blended
FROM best
ORDER BY month, provider, model;
