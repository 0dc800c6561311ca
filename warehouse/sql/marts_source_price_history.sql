-- marts.source_price_history: each source's own effective-dated prices (the evidence the reconciled history,
-- marts.price_history, is built from: pipelines/history/reconcile.py; it explains why the one true price is what it is).
-- Several sources' runs of one price overlap here: to ask "what was the price on a day", read marts.price_history.
-- One row per run of an unchanged price per
--   (provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions, source);
-- conditions ('' when none) tells apart prices a page gives for the same key under stated conditions
-- (an output-length band, thinking vs non-thinking output, an off-peak window).
-- valid_from inclusive, valid_to exclusive (NULL while current), UTC dates.
--
-- Observed quotes (staging.price_quotes) become runs like this:
--   * one value per key per day (the last observation of the day);
--   * a run changes when the ORIGINAL amount changes (so a CNY price does not "change" when only the FX
--     rate moves); usd_per_mtok of a run is the converted value at its first observation;
--   * a key absent from $delist_after or more consecutive later observations of the same source (same
--     currency) ends its run on the first of those days: the model was taken off the page. Absent from fewer
--     (one bad day, a page that briefly hid a table) it is not delisted: the run continues. Seen again after a
--     real absence with the same value, it starts a new run (the gap is real).
-- last_observed is the last day a page showed the run's price (bridged absences are not observations).
-- How (one sort per step, on an integer key): every key gets a dense key_id once; each source's observation
-- days are numbered (day_no) per currency, so the absences between two observations of a key are
-- day_no - previous day_no - 1 and no key x day grid is built.
-- Imported runs (staging.imported_price_runs) are runs already, cleaned on import (zero-length runs, spikes,
-- implausible values quarantined; flaps merged: pipelines/history/importers/sanity.py). Where several dataset keys
-- map to one model (LiteLLM `deepseek-chat` and `deepseek/deepseek-chat`) the key whose runs cover the most
-- days is used (ties: the one seen first), so two keys never give overlapping runs for one price.
CREATE OR REPLACE TABLE marts.source_price_history AS
WITH quotes AS (
    SELECT provider, model, price_kind, service_tier, tier_min_tokens, region, original_currency AS currency,
           coalesce(conditions, '') AS conditions, source, observed_at, CAST(observed_at AS DATE) AS obs_date,
           usd_per_mtok, original_amount, original_unit, source_url, snapshot_sha256
    FROM staging.price_quotes
),
keys AS (
    SELECT *, row_number() OVER () AS key_id
    FROM (SELECT DISTINCT provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions,
                          source
          FROM quotes)
),
obs AS (  -- one value per key per day: the last observation of the day (ties: the higher price, then URL)
    SELECT k.key_id, k.source, k.currency, q.obs_date, q.usd_per_mtok, q.original_amount, q.original_unit,
           q.source_url, q.snapshot_sha256
    FROM quotes q
    JOIN keys k USING (provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions, source)
    QUALIFY row_number() OVER (PARTITION BY k.key_id, q.obs_date
                               ORDER BY q.observed_at DESC, q.usd_per_mtok DESC, q.source_url, q.snapshot_sha256) = 1
),
source_days AS (  -- the days each source was observed (per currency), numbered
    SELECT source, currency, obs_date,
           row_number() OVER (PARTITION BY source, currency ORDER BY obs_date) AS day_no,
           count(*) OVER (PARTITION BY source, currency) AS n_days
    FROM (SELECT DISTINCT source, currency, obs_date FROM obs)
),
flagged AS (
    SELECT o.*, d.day_no, d.n_days,
           lag(o.original_amount) OVER w AS prev_amount,
           lag(d.day_no) OVER w AS prev_day_no,
           lead(d.day_no) OVER w AS next_day_no
    FROM obs o JOIN source_days d USING (source, currency, obs_date)
    WINDOW w AS (PARTITION BY o.key_id ORDER BY o.obs_date)
),
numbered AS (  -- a run starts at a key's first observation, after an absence of $delist_after or more of its
               -- source's observation days (a delisting), and where the original amount changes
    SELECT *,
           sum(CASE WHEN prev_day_no IS NULL OR day_no - prev_day_no - 1 >= $delist_after
                         OR original_amount IS DISTINCT FROM prev_amount THEN 1 ELSE 0 END)
               OVER (PARTITION BY key_id ORDER BY obs_date ROWS UNBOUNDED PRECEDING) AS run_no
    FROM flagged
),
islands AS (
    SELECT key_id, run_no, any_value(source) AS source, any_value(currency) AS currency,
           min(obs_date) AS valid_from,
           max(obs_date) AS last_observed,
           count(*) AS n_observations,
           max(day_no) AS last_day_no,
           arg_max_null(next_day_no, obs_date) AS next_day_no,  -- _null: NULL (no later observation) counts
           any_value(n_days) AS n_days,
           arg_min(original_amount, obs_date) AS original_amount,
           arg_min(usd_per_mtok, obs_date) AS usd_per_mtok,
           arg_min(original_unit, obs_date) AS original_unit,
           arg_min(source_url, obs_date) AS source_url,
           arg_min(snapshot_sha256, obs_date) AS snapshot_sha256
    FROM numbered GROUP BY key_id, run_no
),
ended AS (  -- a run ends where the next one starts, or on the first day of an absence of $delist_after or more
    SELECT i.*,
           CASE WHEN coalesce(i.next_day_no - 1, i.n_days) - i.last_day_no >= $delist_after THEN i.last_day_no + 1
           END AS end_day_no,
           lead(i.valid_from) OVER (PARTITION BY i.key_id ORDER BY i.valid_from) AS next_from
    FROM islands i
),
observed_runs AS (
    SELECT k.provider, k.model, k.price_kind, k.service_tier, k.tier_min_tokens, k.region, k.currency, k.conditions,
           k.source, e.valid_from, coalesce(d.obs_date, e.next_from) AS valid_to,
           e.usd_per_mtok, e.original_amount, e.original_unit, e.source_url, e.snapshot_sha256,
           e.n_observations, e.last_observed
    FROM ended e
    JOIN keys k USING (key_id)
    LEFT JOIN source_days d ON d.source = e.source AND d.currency = e.currency AND d.day_no = e.end_day_no
),
imported_keys AS (
    SELECT provider, model, source, source_key, min(valid_from) AS key_first,
           sum(coalesce(valid_to, current_date) - valid_from) AS covered_days
    FROM staging.imported_price_runs GROUP BY ALL
),
chosen_keys AS (
    SELECT * FROM imported_keys
    QUALIFY row_number() OVER (PARTITION BY provider, model, source ORDER BY covered_days DESC, key_first, source_key) = 1
),
imported AS (
    SELECT r.provider, r.model, r.price_kind, r.service_tier, r.tier_min_tokens, r.region, r.currency,
           '' AS conditions, r.source,
           r.valid_from, r.valid_to, r.usd_per_mtok, CAST(r.original_amount AS DECIMAL(38, 12)) AS original_amount,
           r.original_unit, r.source_url, CAST(NULL AS VARCHAR) AS snapshot_sha256,
           CAST(NULL AS BIGINT) AS n_observations, CAST(NULL AS DATE) AS last_observed
    FROM staging.imported_price_runs r
    JOIN chosen_keys c USING (provider, model, source, source_key)
)
SELECT provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions, source,
       valid_from, valid_to, usd_per_mtok, original_amount, original_unit, source_url, snapshot_sha256,
       n_observations, last_observed
FROM observed_runs
UNION ALL
SELECT * FROM imported
ORDER BY provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions, source, valid_from;
