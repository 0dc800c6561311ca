-- Blended price (3 input : 1 output, the Artificial Analysis / Epoch AI weighting) per (provider, model)
-- in force on the last day of each month, USD per 1M tokens, standard tier, base context tier, global
-- region, USD price lists, for the sellers in $providers, from the reconciled history (marts.price_history: one true
-- price per key and day, pipelines/history/reconcile.py), not from any one source's runs. Months run from
-- $first_month to $last_month (first days).
WITH months AS (
    SELECT CAST(m AS DATE) AS month, CAST(m + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE) AS month_end
    FROM range(CAST($first_month AS DATE), CAST($last_month AS DATE) + INTERVAL 1 DAY, INTERVAL 1 MONTH) t(m)
),
in_force AS (
    SELECT m.month, h.provider, h.model, h.price_kind, h.usd_per_mtok
    FROM months m
    JOIN marts.price_history h
      ON h.valid_from <= m.month_end AND (h.valid_to IS NULL OR h.valid_to > m.month_end)
    WHERE h.service_tier = 'standard' AND h.tier_min_tokens = 0 AND h.region = 'global' AND h.currency = 'USD'
      AND h.conditions = ''
      AND h.price_kind IN ('input', 'output')
      AND list_contains($providers, h.provider)
),
pivoted AS (
    SELECT month, provider, model,
           max(usd_per_mtok) FILTER (WHERE price_kind = 'input') AS input,
           max(usd_per_mtok) FILTER (WHERE price_kind = 'output') AS output
    FROM in_force GROUP BY ALL
)
SELECT month, provider, model,
       CAST(input AS DOUBLE) AS input, CAST(output AS DOUBLE) AS output,
       (3 * CAST(input AS DOUBLE) + CAST(output AS DOUBLE)) / 4 AS blended
FROM pivoted
WHERE input > 0 AND output > 0
ORDER BY month, provider, model;
