-- The preview of marts/latest_prices in the Dagster UI: the dearest standard input prices of sellers' own pages.
SELECT provider, model, price_kind, service_tier, tier_min_tokens, usd_per_mtok, source
FROM marts.latest_prices WHERE source_rank <= 1 AND service_tier = 'standard' AND price_kind = 'input'
ORDER BY usd_per_mtok DESC LIMIT 12;
