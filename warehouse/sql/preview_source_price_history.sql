-- The preview of marts/source_price_history in the Dagster UI: OpenAI gpt-4o's standard base-tier runs, per source.
SELECT provider, model, price_kind, source, valid_from, valid_to, usd_per_mtok FROM marts.source_price_history
WHERE provider = 'openai' AND model = 'gpt-4o' AND service_tier = 'standard' AND tier_min_tokens = 0
ORDER BY price_kind, valid_from LIMIT 12;
