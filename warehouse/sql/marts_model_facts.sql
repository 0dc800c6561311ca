-- marts.model_facts: every model fact of every source, one row per (provider, model, fact, source), with the one
-- used marked `chosen`. Inputs: staging.model_facts (pages and price APIs: the latest observation of each source's
-- value) and the registered view dataset_facts (genai-prices, LiteLLM's map: pipelines/history/facts.py).
-- Precedence (docs/model-facts.md): the source's rank in staging.source_precedence (pages and price APIs 1,
-- curated datasets 2, LiteLLM 3), then the latest as_of, then the source name.
CREATE OR REPLACE TABLE marts.model_facts AS
WITH pages AS (
    SELECT provider, model, fact, value, stated, source, source_url, CAST(observed_at AS DATE) AS as_of, location
    FROM staging.model_facts
    QUALIFY row_number() OVER (PARTITION BY provider, model, fact, source ORDER BY observed_at DESC, source_url) = 1
),
everything AS (
    SELECT * FROM pages
    UNION ALL
    SELECT provider, model, fact, value, stated, source, source_url, CAST(as_of AS DATE), location FROM dataset_facts
),
ranked AS (
    SELECT e.*, coalesce(sp.rank, 1) AS rank,
           row_number() OVER (PARTITION BY e.provider, e.model, e.fact
                              ORDER BY coalesce(sp.rank, 1), e.as_of DESC, e.source) = 1 AS chosen,
           count(DISTINCT e.value) OVER (PARTITION BY e.provider, e.model, e.fact) > 1 AS sources_disagree
    FROM everything e LEFT JOIN staging.source_precedence sp ON sp.source = e.source
)
SELECT provider, model, fact, value,
       CASE WHEN fact IN ('context_window', 'max_output_tokens') THEN CAST(value AS BIGINT) END AS tokens,
       stated, source, rank, source_url, as_of, location, chosen, sources_disagree
FROM ranked
ORDER BY provider, model, fact, rank, source;
