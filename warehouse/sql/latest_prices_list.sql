-- tokenprices latest: every price in force, of one seller ($provider) or all (NULL); LiteLLM's rows only with $all.
SELECT provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions,
       usd_per_mtok, source, valid_from
FROM marts.latest_prices
WHERE ($provider IS NULL OR provider = $provider) AND ($all OR source <> 'litellm')
ORDER BY provider, model, service_tier, tier_min_tokens, price_kind;
