-- The preview of marts/price_changes in the Dagster UI: the latest standard base-tier changes.
SELECT provider, model, price_kind, changed_at, old_usd_per_mtok, new_usd_per_mtok, pct_change, source
FROM marts.price_changes WHERE service_tier = 'standard' AND tier_min_tokens = 0
ORDER BY changed_at DESC LIMIT 12;
