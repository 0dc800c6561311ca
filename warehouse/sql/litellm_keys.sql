-- LiteLLM's own key and litellm_provider of each (provider, model) imported from LiteLLM's history (source_key
-- "<key>|<litellm_provider>"), so the export keys an entry LiteLLM knows exactly as LiteLLM does. A key LiteLLM
-- moved to another provider over time (amazon.nova-lite-v1:0: bedrock_converse, then bedrock) belongs to the
-- provider of its latest run only; the other (provider, model) keeps no LiteLLM key (the export's convention).
WITH runs AS (
    SELECT provider, model, regexp_extract(source_key, '^(.*)\|([^|]*)$', 1) AS litellm_key,
           regexp_extract(source_key, '^(.*)\|([^|]*)$', 2) AS litellm_provider, valid_from
    FROM staging.imported_price_runs
    WHERE source = 'litellm'
),
owners AS (
    SELECT litellm_key, arg_max(litellm_provider, valid_from) AS litellm_provider FROM runs GROUP BY litellm_key
)
SELECT r.provider, r.model, r.litellm_key, r.litellm_provider
FROM runs r JOIN owners o USING (litellm_key, litellm_provider)
QUALIFY row_number() OVER (PARTITION BY r.provider, r.model ORDER BY r.valid_from DESC, r.litellm_key) = 1;
