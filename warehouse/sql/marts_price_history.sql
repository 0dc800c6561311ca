-- marts.price_history: effective-dated prices from every source.
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
-- Imported runs (staging.imported_price_runs) are runs already, cleaned on import (zero-length runs, spikes,
-- implausible values quarantined; flaps merged: pipelines/importers/sanity.py). Where several dataset keys
-- map to one model (LiteLLM `deepseek-chat` and `deepseek/deepseek-chat`) the key whose runs cover the most
-- days is used (ties: the one seen first), so two keys never give overlapping runs for one price.
CREATE OR REPLACE TABLE marts.price_history AS
WITH obs AS (
    SELECT provider, model, price_kind, service_tier, tier_min_tokens, region,
           original_currency AS currency, coalesce(conditions, '') AS conditions, source,
           CAST(observed_at AS DATE) AS obs_date,
           usd_per_mtok, original_amount, original_unit, source_url, snapshot_sha256, model_name
    FROM staging.price_quotes
    QUALIFY row_number() OVER (
        PARTITION BY provider, model, price_kind, service_tier, tier_min_tokens, region, original_currency, coalesce(conditions, ''), source,
                     CAST(observed_at AS DATE)
        ORDER BY observed_at DESC, usd_per_mtok DESC) = 1
),
source_days AS (
    SELECT DISTINCT source, currency, obs_date FROM obs
),
keys AS (
    SELECT provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions, source,
           min(obs_date) AS first_date
    FROM obs GROUP BY ALL
),
grid AS (
    SELECT k.provider, k.model, k.price_kind, k.service_tier, k.tier_min_tokens, k.region, k.currency, k.conditions,
           k.source,
           d.obs_date
    FROM keys k JOIN source_days d ON d.source = k.source AND d.currency = k.currency AND d.obs_date >= k.first_date
),
filled AS (
    SELECT g.*, o.original_amount, o.usd_per_mtok, o.original_unit, o.source_url, o.snapshot_sha256
    FROM grid g LEFT JOIN obs o USING (provider, model, price_kind, service_tier, tier_min_tokens, region, currency,
                                       conditions, source, obs_date)
),
grouped AS (  -- each present observation with the absent ones that follow it
    SELECT *,
           count(original_amount) OVER (
               PARTITION BY provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions, source
               ORDER BY obs_date ROWS UNBOUNDED PRECEDING) AS present_grp
    FROM filled
),
bridged AS (  -- short absences (< $delist_after observations) carry the last value: not a delisting
    SELECT * REPLACE (
               CASE WHEN original_amount IS NULL AND absent_len < $delist_after THEN carried
                    ELSE original_amount END AS original_amount)
    FROM (
        SELECT *,
               count(*) FILTER (WHERE original_amount IS NULL) OVER g AS absent_len,
               first_value(original_amount) OVER (g ORDER BY obs_date) AS carried
        FROM grouped
        WINDOW g AS (PARTITION BY provider, model, price_kind, service_tier, tier_min_tokens, region, currency,
                     conditions, source, present_grp)
    )
),
flagged AS (
    SELECT *,
           CASE WHEN original_amount IS NOT DISTINCT FROM lag(original_amount) OVER w THEN 0 ELSE 1 END AS is_start
    FROM bridged
    WINDOW w AS (PARTITION BY provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions, source
                 ORDER BY obs_date)
),
numbered AS (
    SELECT *, sum(is_start) OVER (
        PARTITION BY provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions, source
        ORDER BY obs_date ROWS UNBOUNDED PRECEDING) AS run_no
    FROM flagged
),
islands AS (
    SELECT provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions, source, run_no,
           min(obs_date) AS valid_from,
           max(obs_date) AS last_observed,
           count(usd_per_mtok) AS n_observations,
           arg_min(original_amount, obs_date) AS original_amount,
           arg_min(usd_per_mtok, obs_date) AS usd_per_mtok,
           arg_min(original_unit, obs_date) AS original_unit,
           arg_min(source_url, obs_date) AS source_url,
           arg_min(snapshot_sha256, obs_date) AS snapshot_sha256
    FROM numbered GROUP BY ALL
),
observed_runs AS (
    SELECT provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions, source,
           valid_from,
           lead(valid_from) OVER (
               PARTITION BY provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions, source
               ORDER BY valid_from) AS valid_to,
           usd_per_mtok, original_amount, original_unit, source_url, snapshot_sha256,
           n_observations, last_observed
    FROM islands
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
FROM observed_runs WHERE original_amount IS NOT NULL
UNION ALL
SELECT * FROM imported
ORDER BY provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions, source, valid_from;
