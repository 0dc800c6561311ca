-- marts.latest_prices: the price in force on $as_of (today) per (provider, model, price_kind, service_tier,
-- tier_min_tokens, region, currency, conditions): the current run of the reconciled history (marts.price_history,
-- rules in pipelines/history/reconcile.py and docs/price-semantics.md), so it is the same answer as
-- `tokenprices price NAME`. A page captured once in 2024 is not today's price when a dataset recorded a cut since;
-- a dataset still showing a value a page already replaced does not bring it back. Announced future prices
-- (valid_from after $as_of) are not current yet; a model no source lists any more has no current price.
-- Which sources it shows, per row: `source` is the evidence that dated the price (its rank in source_rank:
-- 0 override, 1 the seller's own page or API, 2 curated dataset, 3 aggregator), `sources`/`n_sources` every source
-- that showed the same value during the run, `last_confirmed` the last day one of them was seen showing it (a feed
-- read once carries the feed's own date, e.g. genai-prices' commit date, not the day the warehouse was built).
CREATE OR REPLACE TABLE marts.latest_prices AS
SELECT provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions,
       usd_per_mtok, original_amount, original_unit, source, source_url, valid_from, source_rank,
       sources, n_sources, last_confirmed
FROM marts.price_history
WHERE valid_from <= CAST($as_of AS DATE) AND (valid_to IS NULL OR valid_to > CAST($as_of AS DATE))
ORDER BY provider, model, price_kind, service_tier, tier_min_tokens;
