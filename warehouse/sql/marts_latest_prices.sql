-- marts.latest_prices: the price in force on $as_of (today) per (provider, model, price_kind, service_tier,
-- tier_min_tokens, region, currency, conditions): among the runs in force that day, the best-ranked source
-- (staging.source_precedence: override > the seller's own page or API > curated dataset > aggregator; sources
-- not listed there are provider pages, rank 1), then the run that started last. Announced future prices
-- (valid_from after $as_of) are not current yet.
-- A run no longer counts once another source has shown a *change* of the same price after the run was last seen
-- (issue 20: a better rank wins among evidence of the same period, not forever): a page captured once in 2024 is
-- not today's price when a dataset recorded a cut in 2026. A change is a run whose source had another value for
-- the same key right before it; a first sighting or a source repeating the same value supersedes nothing.
-- A run showing a value that another source had already changed away from before the run began is lagging, not
-- evidence (simonw's 2026 file still at Mistral Large's 2025 price after LiteLLM recorded the 2026 cut).
CREATE OR REPLACE TABLE marts.latest_prices AS
WITH in_force AS (
    SELECT h.*, coalesce(p.rank, 1) AS source_rank
    FROM marts.price_history h
    LEFT JOIN staging.source_precedence p ON p.source = h.source
    WHERE h.valid_from <= CAST($as_of AS DATE) AND (h.valid_to IS NULL OR h.valid_to > CAST($as_of AS DATE))
),
changes AS (  -- runs that start where the same source's previous run of the key ended with another value
    SELECT c.provider, c.model, c.price_kind, c.service_tier, c.tier_min_tokens, c.region, c.currency, c.conditions,
           c.source, c.valid_from, c.usd_per_mtok
    FROM marts.price_history c
    JOIN marts.price_history prev
      ON prev.provider = c.provider AND prev.model = c.model AND prev.price_kind = c.price_kind
     AND prev.service_tier = c.service_tier AND prev.tier_min_tokens = c.tier_min_tokens
     AND prev.region = c.region AND prev.currency = c.currency AND prev.conditions = c.conditions
     AND prev.source = c.source AND prev.valid_to = c.valid_from AND prev.usd_per_mtok <> c.usd_per_mtok
    WHERE c.valid_from <= CAST($as_of AS DATE)
),
left_values AS (  -- (key, source, value, day): the source changed away from the value on that day
    SELECT x.provider, x.model, x.price_kind, x.service_tier, x.tier_min_tokens, x.region, x.currency, x.conditions,
           x.source, x.usd_per_mtok, c.valid_from AS left_on
    FROM marts.price_history x
    JOIN changes c
      ON c.provider = x.provider AND c.model = x.model AND c.price_kind = x.price_kind
     AND c.service_tier = x.service_tier AND c.tier_min_tokens = x.tier_min_tokens AND c.region = x.region
     AND c.currency = x.currency AND c.conditions = x.conditions AND c.source = x.source
     AND c.valid_from = x.valid_to
),
current_runs AS (
    SELECT i.* FROM in_force i
    WHERE NOT EXISTS (
        SELECT 1 FROM changes c
        WHERE c.provider = i.provider AND c.model = i.model AND c.price_kind = i.price_kind
          AND c.service_tier = i.service_tier AND c.tier_min_tokens = i.tier_min_tokens AND c.region = i.region
          AND c.currency = i.currency AND c.conditions = i.conditions AND c.source <> i.source
          AND c.valid_from > coalesce(i.last_observed, i.valid_from) AND c.usd_per_mtok <> i.usd_per_mtok)
      AND NOT EXISTS (
        SELECT 1 FROM left_values l
        WHERE l.provider = i.provider AND l.model = i.model AND l.price_kind = i.price_kind
          AND l.service_tier = i.service_tier AND l.tier_min_tokens = i.tier_min_tokens AND l.region = i.region
          AND l.currency = i.currency AND l.conditions = i.conditions AND l.source <> i.source
          AND l.usd_per_mtok = i.usd_per_mtok AND l.left_on <= i.valid_from)
)
SELECT provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions,
       usd_per_mtok, original_amount, original_unit, source, source_url, valid_from, last_observed, source_rank
FROM current_runs
QUALIFY row_number() OVER (
    PARTITION BY provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions
    ORDER BY source_rank, valid_from DESC, source) = 1
ORDER BY provider, model, price_kind, service_tier, tier_min_tokens;
