-- staging.source_precedence: which source wins when several price the same thing (lower rank wins).
--   0 override             a person's correction (overrides/price_overrides.csv)
--   1 provider page/API    the seller's own pricing page or price API (every scraped source except LiteLLM's map),
--                          and OpenRouter's own /api/v1/models history
--   2 curated dataset      hand-curated from the providers' docs (genai-prices, simonw llm-prices)
--   3 aggregator           LiteLLM's price map and its history (a gateway's table of many sellers)
CREATE OR REPLACE TABLE staging.source_precedence AS
SELECT * FROM (VALUES
    ('override', 0, 'override'),
    ('openrouter_snapshots', 1, 'provider price API history'),
    ('genai_prices', 2, 'curated dataset'),
    ('simonw_llm_prices', 2, 'curated dataset'),
    ('litellm', 3, 'aggregator'),
    ('litellm_price_map', 3, 'aggregator')
) AS t(source, rank, kind);
