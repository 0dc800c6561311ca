-- Context window of each seller id ($p, $m; both NULL: of every id): the id's own chosen fact
-- (marts.model_facts), else its model identity's (marts.models: the creator's own id first). `own` says which.
WITH own AS (
    SELECT provider, model, tokens, source, stated
    FROM marts.model_facts
    WHERE fact = 'context_window' AND chosen AND ($p IS NULL OR (provider = $p AND model = $m))
),
ident AS (
    SELECT DISTINCT a.provider, a.model, m.context_window AS tokens, m.context_window_source AS source
    FROM marts.model_aliases a JOIN marts.models m ON m.creator = a.creator AND m.model = a.canonical_model
    WHERE m.context_window IS NOT NULL AND ($p IS NULL OR (a.provider = $p AND a.model = $m))
)
SELECT provider, model, coalesce(o.tokens, i.tokens) AS tokens, coalesce(o.source, i.source) AS source,
       o.tokens IS NOT NULL AS own
FROM own o FULL JOIN ident i USING (provider, model)
ORDER BY provider, model;
