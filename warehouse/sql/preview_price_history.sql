-- The preview of marts/price_history (reconciled) in the Dagster UI: OpenAI gpt-4o's standard base-tier runs.
SELECT provider, model, price_kind, valid_from, valid_to, usd_per_mtok, source, n_sources, last_confirmed
FROM marts.price_history
WHERE provider = 'openai' AND model = 'gpt-4o' AND service_tier = 'standard' AND tier_min_tokens = 0
ORDER BY price_kind, valid_from LIMIT 12;
