-- tokenprices latest: every price in force (marts.latest_prices, the current runs of the reconciled history), of one
-- seller ($provider) or all (NULL), with the source that dated it, how many sources agree and the day it was last
-- confirmed. Without $all, prices only an aggregator shows (every source that showed the value has the kind
-- 'aggregator' in staging.source_precedence: LiteLLM's price map and its history) are left out.
WITH agg AS (SELECT list(source) AS aggregators FROM staging.source_precedence WHERE kind = 'aggregator')
SELECT provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions,
       usd_per_mtok, source, n_sources, last_confirmed, valid_from
FROM marts.latest_prices, agg
WHERE ($provider IS NULL OR provider = $provider) AND ($all OR NOT list_has_all(agg.aggregators, sources))
ORDER BY provider, model, service_tier, tier_min_tokens, price_kind;
