-- marts.models: one row per model identity (creator, model), with the names and sellers that join to it.
-- Reads marts.model_aliases (written just before by the model_aliases asset), marts.source_price_history,
-- marts.model_delistings and marts.model_facts. A fact of the identity is the chosen value (marts.model_facts) of
-- the creator's own id first (the canonical id before dated snapshots), then of another seller's id, by the
-- facts' precedence; deprecation and retirement dates only from the creator's own ids (a reseller's date is about
-- its own offer).
CREATE OR REPLACE TABLE marts.models AS
WITH ids AS (SELECT DISTINCT provider, model, creator, canonical_model FROM marts.model_aliases),
hist AS (
    SELECT i.creator, i.canonical_model,
           min(h.valid_from) AS first_seen,
           max(coalesce(h.last_observed, h.valid_to, h.valid_from)) AS last_seen,
           bool_or(h.valid_to IS NULL) AS currently_priced,
           list(DISTINCT h.provider ORDER BY h.provider) AS sellers,
           list(DISTINCT h.source ORDER BY h.source) AS sources
    FROM ids i JOIN marts.source_price_history h ON h.provider = i.provider AND h.model = i.model
    GROUP BY ALL
),
names AS (
    SELECT creator, canonical_model,
           list(DISTINCT alias ORDER BY alias) FILTER (WHERE alias_kind = 'display name') AS display_names,
           count(DISTINCT alias) AS n_aliases
    FROM marts.model_aliases GROUP BY ALL
),
facts AS (
    SELECT i.creator, i.canonical_model, f.fact, f.value, f.source
    FROM ids i JOIN marts.model_facts f ON f.provider = i.provider AND f.model = i.model AND f.chosen
    WHERE f.fact NOT IN ('deprecation_date', 'retirement_date') OR i.provider = i.creator
    QUALIFY row_number() OVER (PARTITION BY i.creator, i.canonical_model, f.fact
                               ORDER BY i.provider = i.creator DESC, i.model = i.canonical_model DESC, f.rank,
                                        CASE WHEN f.fact LIKE '%_date' THEN f.value END, f.provider, f.model) = 1
),
fact_cols AS (
    SELECT creator, canonical_model,
           CAST(any_value(value) FILTER (WHERE fact = 'context_window') AS BIGINT) AS context_window,
           any_value(source) FILTER (WHERE fact = 'context_window') AS context_window_source,
           CAST(any_value(value) FILTER (WHERE fact = 'max_output_tokens') AS BIGINT) AS max_output_tokens,
           any_value(source) FILTER (WHERE fact = 'max_output_tokens') AS max_output_tokens_source,
           any_value(value) FILTER (WHERE fact = 'input_modalities') AS input_modalities,
           any_value(value) FILTER (WHERE fact = 'output_modalities') AS output_modalities,
           CAST(any_value(value) FILTER (WHERE fact = 'deprecation_date') AS DATE) AS deprecation_date,
           CAST(any_value(value) FILTER (WHERE fact = 'retirement_date') AS DATE) AS retirement_date
    FROM facts GROUP BY ALL
),
removed AS (  -- taken off the creator's own page and not back
    SELECT i.creator, i.canonical_model, max(d.delisted_at) AS removed_at
    FROM ids i JOIN marts.model_delistings d ON d.provider = i.provider AND d.model = i.model
    WHERE i.provider = i.creator AND d.relisted_at IS NULL
    GROUP BY ALL
)
SELECT n.creator, n.canonical_model AS model, n.display_names, h.sellers, h.sources, n.n_aliases,
       h.first_seen, h.last_seen, h.currently_priced, d.deprecation_date, r.removed_at,
       d.context_window, d.context_window_source, d.max_output_tokens, d.max_output_tokens_source,
       d.input_modalities, d.output_modalities, d.retirement_date
FROM names n
LEFT JOIN hist h USING (creator, canonical_model)
LEFT JOIN fact_cols d USING (creator, canonical_model)
LEFT JOIN removed r USING (creator, canonical_model)
ORDER BY creator, model;
