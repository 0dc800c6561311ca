-- The prices the LiteLLM-compatible export carries (tokenprices export --format litellm): USD list prices of the
-- global region with no conditions, from marts.latest_prices (the reconciled prices in force), with their evidence
-- (the source that dated each, URL, valid_from, the day a source last confirmed it).
SELECT provider, model, price_kind, service_tier, tier_min_tokens, usd_per_mtok, source, source_url, valid_from,
       last_confirmed
FROM marts.latest_prices
WHERE currency = 'USD' AND region = 'global' AND conditions = '' ORDER BY ALL;
