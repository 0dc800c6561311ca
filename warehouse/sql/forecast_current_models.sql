-- Models on each first-party seller's own price page, as of each month: for every month from $first_month to
-- $last_month (first days) and every seller in $providers, the models with a standard-tier input or output
-- token price in the latest observation on or before the month's last day of each of the seller's own page
-- sources (rank 1 in staging.source_precedence: not LiteLLM's map). A (month, provider) absent here had no page
-- observed yet.
WITH months AS (
    SELECT CAST(m AS DATE) AS month, CAST(m + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE) AS month_end
    FROM range(CAST($first_month AS DATE), CAST($last_month AS DATE) + INTERVAL 1 DAY, INTERVAL 1 MONTH) t(m)
),
obs AS (
    SELECT DISTINCT q.source, q.provider, CAST(q.observed_at AS DATE) AS day
    FROM staging.price_quotes q
    LEFT JOIN staging.source_precedence p ON p.source = q.source
    WHERE list_contains($providers, q.provider) AND coalesce(p.rank, 1) = 1
),
latest AS (
    SELECT m.month, o.source, o.provider, max(o.day) AS day
    FROM months m JOIN obs o ON o.day <= m.month_end
    GROUP BY ALL
)
SELECT DISTINCT l.month, l.provider, q.model, l.day AS page_day
FROM latest l
JOIN staging.price_quotes q
  ON q.source = l.source AND q.provider = l.provider AND CAST(q.observed_at AS DATE) = l.day
WHERE q.service_tier = 'standard' AND q.price_kind IN ('input', 'output')
ORDER BY l.month, l.provider, q.model;
