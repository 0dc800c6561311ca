-- marts.models: one row per model identity (creator, model), with the names and sellers that join to it.
-- Reads marts.model_aliases (written just before by the model_aliases asset), marts.source_price_history,
-- marts.model_delistings and the registered view deprecations (creator, model, deprecation_date).
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
removed AS (  -- taken off the creator's own page and not back
    SELECT i.creator, i.canonical_model, max(d.delisted_at) AS removed_at
    FROM ids i JOIN marts.model_delistings d ON d.provider = i.provider AND d.model = i.model
    WHERE i.provider = i.creator AND d.relisted_at IS NULL
    GROUP BY ALL
)
SELECT n.creator, n.canonical_model AS model, n.display_names, h.sellers, h.sources, n.n_aliases,
       h.first_seen, h.last_seen, h.currently_priced, d.deprecation_date, r.removed_at
FROM names n
LEFT JOIN hist h USING (creator, canonical_model)
LEFT JOIN deprecations d USING (creator, canonical_model)
LEFT JOIN removed r USING (creator, canonical_model)
ORDER BY creator, model;
