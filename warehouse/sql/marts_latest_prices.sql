-- marts.latest_prices: the price in force on $as_of (today) per (provider, model, price_kind, service_tier,
-- tier_min_tokens, region, currency, conditions): among the runs in force that day, the best-ranked source
-- (staging.source_precedence: override > the seller's own page or API > curated dataset > aggregator; sources
-- not listed there are provider pages, rank 1), then the run that started last. Announced future prices
-- (valid_from after $as_of) are not current yet.
CREATE OR REPLACE TABLE marts.latest_prices AS
SELECT h.provider, h.model, h.price_kind, h.service_tier, h.tier_min_tokens, h.region, h.currency, h.conditions,
       h.usd_per_mtok, h.original_amount, h.original_unit, h.source, h.source_url, h.valid_from, h.last_observed,
       coalesce(p.rank, 1) AS source_rank
FROM marts.price_history h
LEFT JOIN staging.source_precedence p ON p.source = h.source
WHERE h.valid_from <= CAST($as_of AS DATE) AND (h.valid_to IS NULL OR h.valid_to > CAST($as_of AS DATE))
QUALIFY row_number() OVER (
    PARTITION BY h.provider, h.model, h.price_kind, h.service_tier, h.tier_min_tokens, h.region, h.currency,
                 h.conditions
    ORDER BY coalesce(p.rank, 1), h.valid_from DESC, h.source) = 1
ORDER BY provider, model, price_kind, service_tier, tier_min_tokens;
