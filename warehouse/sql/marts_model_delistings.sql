-- marts.model_delistings: a model taken off a source's page. Recorded when the model (any of its prices) is
-- absent from $delist_after or more consecutive observations of that source (same price-list currency);
-- delisted_at is the first day it was missing, last_seen the last day it was there, relisted_at the day it
-- came back (NULL if it has not). Fewer consecutive absences are not a delisting.
CREATE OR REPLACE TABLE marts.model_delistings AS
WITH obs AS (
    SELECT DISTINCT provider, model, source, original_currency AS currency, CAST(observed_at AS DATE) AS obs_date
    FROM staging.price_quotes
),
source_days AS (SELECT DISTINCT source, currency, obs_date FROM obs),
models AS (SELECT provider, model, source, currency, min(obs_date) AS first_date FROM obs GROUP BY ALL),
grid AS (
    SELECT m.provider, m.model, m.source, m.currency, d.obs_date,
           EXISTS (SELECT 1 FROM obs o WHERE o.provider = m.provider AND o.model = m.model AND o.source = m.source
                   AND o.currency = m.currency AND o.obs_date = d.obs_date) AS present
    FROM models m JOIN source_days d ON d.source = m.source AND d.currency = m.currency AND d.obs_date >= m.first_date
),
grouped AS (
    SELECT *, count(*) FILTER (WHERE present) OVER (
               PARTITION BY provider, model, source, currency ORDER BY obs_date ROWS UNBOUNDED PRECEDING) AS grp
    FROM grid
),
streaks AS (
    SELECT provider, model, source, currency, grp,
           max(obs_date) FILTER (WHERE present) AS last_seen,
           min(obs_date) FILTER (WHERE NOT present) AS delisted_at,
           count(*) FILTER (WHERE NOT present) AS absent_observations
    FROM grouped GROUP BY ALL
)
SELECT s.provider, s.model, s.source, s.currency, s.last_seen, s.delisted_at, s.absent_observations,
       (SELECT min(g.obs_date) FROM grouped g WHERE g.provider = s.provider AND g.model = s.model
          AND g.source = s.source AND g.currency = s.currency AND g.present AND g.obs_date > s.delisted_at)
         AS relisted_at
FROM streaks s
WHERE s.absent_observations >= $delist_after
ORDER BY delisted_at, provider, model;
