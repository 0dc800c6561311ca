-- The preview of marts/model_delistings in the Dagster UI: the latest delistings.
SELECT provider, model, source, last_seen, delisted_at, relisted_at FROM marts.model_delistings
ORDER BY delisted_at DESC LIMIT 12;
