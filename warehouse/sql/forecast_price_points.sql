-- Dated blended prices (3 input : 1 output, USD per 1M tokens) of every (provider, model) of the sellers in
-- $providers: one row per day on which its input or output list price took effect (a run's valid_from) up to
-- $last_day, with the prices in force that day. Standard tier, base context tier, global region, USD lists,
-- no conditions; per day the best-ranked source in force (staging.source_precedence: override > provider page >
-- curated dataset > aggregator; unlisted sources rank as pages). The input of the
-- running-minimum (Epoch AI) method on our own history (pipelines.forecast.capability / pipelines.forecast.epoch).
WITH runs AS (
    SELECT h.provider, h.model, h.price_kind, h.valid_from, h.valid_to, CAST(h.usd_per_mtok AS DOUBLE) AS usd,
           coalesce(p.rank, 1) AS source_rank
    FROM marts.price_history h
    LEFT JOIN staging.source_precedence p ON p.source = h.source
    WHERE service_tier = 'standard' AND tier_min_tokens = 0 AND region = 'global' AND currency = 'USD'
      AND conditions = '' AND price_kind IN ('input', 'output')
      AND list_contains($providers, provider)
),
days AS (
    SELECT DISTINCT provider, model, valid_from AS day FROM runs WHERE valid_from <= CAST($last_day AS DATE)
),
in_force AS (
    SELECT d.provider, d.model, d.day, r.price_kind, r.usd, r.source_rank
    FROM days d
    JOIN runs r ON r.provider = d.provider AND r.model = d.model
     AND r.valid_from <= d.day AND (r.valid_to IS NULL OR r.valid_to > d.day)
),
best AS (
    SELECT * FROM in_force
    QUALIFY rank() OVER (PARTITION BY provider, model, day ORDER BY source_rank) = 1
),
pivoted AS (
    SELECT provider, model, day,
           max(usd) FILTER (WHERE price_kind = 'input') AS input,
           max(usd) FILTER (WHERE price_kind = 'output') AS output
    FROM best GROUP BY ALL
)
SELECT day, provider, model, input, output, (3 * input + output) / 4 AS blended
FROM pivoted
WHERE input > 0 AND output > 0
ORDER BY day, provider, model;
