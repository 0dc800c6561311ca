-- marts.latest_prices: the price in force now per (provider, model, price_kind, service_tier,
-- tier_min_tokens, region, currency, conditions): the current run (valid_to IS NULL) of the best-ranked source.
-- Precedence: the provider's own page (rank 1) > public datasets of prices (LiteLLM, rank 2); among equals,
-- the run that started last.
CREATE OR REPLACE TABLE marts.latest_prices AS
SELECT provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions,
       usd_per_mtok, original_amount, original_unit, source, source_url, valid_from, last_observed,
       CASE WHEN source = 'litellm' THEN 2 ELSE 1 END AS source_rank
FROM marts.price_history
WHERE valid_to IS NULL
QUALIFY row_number() OVER (
    PARTITION BY provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions
    ORDER BY CASE WHEN source = 'litellm' THEN 2 ELSE 1 END, valid_from DESC, source) = 1
ORDER BY provider, model, price_kind, service_tier, tier_min_tokens;
