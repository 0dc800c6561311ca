-- Asset check marts/latest_prices one_price_per_key: at most one price in force per price key (provider, model,
-- price_kind, service_tier, tier_min_tokens, region, currency, conditions). One row per duplicated key.
SELECT provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions, count(*) AS n
FROM marts.latest_prices
GROUP BY ALL
HAVING count(*) > 1
ORDER BY ALL;
