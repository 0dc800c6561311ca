-- The preview of staging/price_quotes in the Dagster UI: a dozen quotes of one partition.
SELECT provider, model, price_kind, service_tier, tier_min_tokens, usd_per_mtok, original_amount, original_currency
FROM staging.price_quotes WHERE partition_date = $partition_date
ORDER BY provider, model, price_kind LIMIT 12;
