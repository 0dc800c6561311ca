-- marts.price_structure: how each seller structures a model's current prices (marts.latest_prices, global region,
-- base conditions), per (provider, model) and price-list currency:
--   output_input_ratio      output / input (standard, base context tier)
--   cache_read_discount     1 - cache_read / input
--   batch_discount          1 - batch input / standard input
--   long_context_premium    input at the lowest long-context tier / base input, with that tier's threshold
--   cny_usd_gap             for sellers with a CNY and a USD list: CNY list in USD (ECB) / USD list - 1
CREATE OR REPLACE TABLE marts.price_structure AS
WITH lp AS (
    SELECT * FROM marts.latest_prices WHERE region IN ('global', 'cn-mainland', 'intl') AND conditions = ''
),
base AS (
    SELECT provider, model, currency,
           max(usd_per_mtok) FILTER (WHERE price_kind = 'input' AND service_tier = 'standard' AND tier_min_tokens = 0) AS input,
           max(usd_per_mtok) FILTER (WHERE price_kind = 'output' AND service_tier = 'standard' AND tier_min_tokens = 0) AS output,
           max(usd_per_mtok) FILTER (WHERE price_kind = 'cache_read' AND service_tier = 'standard' AND tier_min_tokens = 0) AS cache_read,
           max(usd_per_mtok) FILTER (WHERE price_kind = 'input' AND service_tier = 'batch' AND tier_min_tokens = 0) AS batch_input,
           min(tier_min_tokens) FILTER (WHERE price_kind = 'input' AND service_tier = 'standard' AND tier_min_tokens > 0) AS long_context_tier
    FROM lp GROUP BY ALL
),
long_ctx AS (
    SELECT b.provider, b.model, b.currency, l.usd_per_mtok AS long_input
    FROM base b JOIN lp l ON l.provider = b.provider AND l.model = b.model AND l.currency = b.currency
     AND l.price_kind = 'input' AND l.service_tier = 'standard' AND l.tier_min_tokens = b.long_context_tier
),
usd AS (SELECT provider, model, input AS usd_input FROM base WHERE currency = 'USD')
SELECT b.provider, b.model, b.currency,
       CAST(b.input AS DOUBLE) AS input_usd_per_mtok,
       CAST(b.output AS DOUBLE) AS output_usd_per_mtok,
       round(CAST(b.output AS DOUBLE) / nullif(CAST(b.input AS DOUBLE), 0), 4) AS output_input_ratio,
       round(1 - CAST(b.cache_read AS DOUBLE) / nullif(CAST(b.input AS DOUBLE), 0), 4) AS cache_read_discount,
       round(1 - CAST(b.batch_input AS DOUBLE) / nullif(CAST(b.input AS DOUBLE), 0), 4) AS batch_discount,
       b.long_context_tier,
       round(CAST(l.long_input AS DOUBLE) / nullif(CAST(b.input AS DOUBLE), 0), 4) AS long_context_premium,
       CASE WHEN b.currency <> 'USD' THEN round(CAST(b.input AS DOUBLE) / nullif(CAST(u.usd_input AS DOUBLE), 0) - 1, 4)
       END AS cny_usd_gap
FROM base b
LEFT JOIN long_ctx l USING (provider, model, currency)
LEFT JOIN usd u USING (provider, model)
WHERE b.input IS NOT NULL
ORDER BY provider, model, currency;
