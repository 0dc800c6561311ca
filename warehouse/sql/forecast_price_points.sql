-- Dated blended prices (3 input : 1 output, USD per 1M tokens) of every (provider, model) of the sellers in
-- $providers: one row per day on which its input or output list price took effect (a run's valid_from) up to
-- $last_day, with the prices in force that day. Standard tier, base context tier, global region, USD lists,
-- no conditions; from the reconciled history (marts.price_history: one true price per key and day, the change dated
-- at its earliest evidence; pipelines/history/reconcile.py), not from any one source's runs. The input of the
-- running-minimum (Epoch AI) method on our own history (pipelines.forecast.capability / pipelines.forecast.epoch).
WITH runs AS (
    SELECT h.provider, h.model, h.price_kind, h.valid_from, h.valid_to, CAST(h.usd_per_mtok AS DOUBLE) AS usd
    FROM marts.price_history h
    WHERE service_tier = 'standard' AND tier_min_tokens = 0 AND region = 'global' AND currency = 'USD'
      AND conditions = '' AND price_kind IN ('input', 'output')
      AND list_contains($providers, provider)
),
days AS (
    SELECT DISTINCT provider, model, valid_from AS day FROM runs WHERE valid_from <= CAST($last_day AS DATE)
),
in_force AS (
    SELECT d.provider, d.model, d.day, r.price_kind, r.usd
    FROM days d
    JOIN runs r ON r.provider = d.provider AND r.model = d.model
     AND r.valid_from <= d.day AND (r.valid_to IS NULL OR r.valid_to > d.day)
),
pivoted AS (
    SELECT provider, model, day,
           max(usd) FILTER (WHERE price_kind = 'input') AS input,
           max(usd) FILTER (WHERE price_kind = 'output') AS output
    FROM in_force GROUP BY ALL
)
SELECT day, provider, model, input, output, (3 * input + output) / 4 AS blended
FROM pivoted
WHERE input > 0 AND output > 0
ORDER BY day, provider, model;
