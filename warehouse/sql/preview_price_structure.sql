-- The preview of marts/price_structure in the Dagster UI: four first-party sellers' models.
SELECT provider, model, currency, output_input_ratio, cache_read_discount, batch_discount,
       long_context_premium, cny_usd_gap
FROM marts.price_structure WHERE provider IN ('openai', 'anthropic', 'google', 'deepseek')
ORDER BY provider, model LIMIT 12;
