-- The evidence of one seller's model ($p, $m; both NULL: of every model) for the reconciliation (pipelines/history/reconcile.py): every run of
-- every source series, with the source's rank (staging.source_precedence; unlisted sources are seller pages, 1).
--   * page and API captures: the observed runs of marts.source_price_history (n_observations is set), series = source;
--     last_observed is the last day a capture showed the value;
--   * imported datasets and overrides: every key's runs from staging.imported_price_runs (as cleaned on import),
--     series = source|source_key, so two keys of one dataset (LiteLLM `deepseek-chat` and `deepseek/deepseek-chat`)
--     each keep their own history and the first of them to show a change dates it. A dataset run's last_observed is
--     the day before it ended if it ended by the dataset's newest dated row on or before $today (the closest this
--     table comes to the day the dataset was read), else the day it began: a feed read on 2026-08-21 that announces
--     a change for 2027-01-01 confirmed the price in between on 2026-08-21, not every day until then.
WITH read_day AS (
    SELECT source, max(valid_from) AS day FROM staging.imported_price_runs
    WHERE valid_from <= CAST($today AS DATE) GROUP BY source
),
ev AS (
    SELECT provider, model, source AS series, source, price_kind, service_tier, tier_min_tokens, region, currency, conditions,
           usd_per_mtok, valid_from, valid_to, last_observed, source_url, original_amount, original_unit
    FROM marts.source_price_history
    WHERE ($p IS NULL OR (provider = $p AND model = $m)) AND n_observations IS NOT NULL
    UNION ALL
    SELECT provider, model, source || '|' || source_key, source, price_kind, service_tier, tier_min_tokens, region, currency, '',
           usd_per_mtok, valid_from, valid_to,
           CASE WHEN valid_to IS NOT NULL AND valid_to <= rd.day THEN CAST(valid_to - 1 AS DATE) ELSE valid_from END,
           source_url, CAST(original_amount AS DECIMAL(38, 12)), original_unit
    FROM staging.imported_price_runs LEFT JOIN read_day rd USING (source)
    WHERE ($p IS NULL OR (provider = $p AND model = $m))
)
SELECT ev.provider, ev.model, ev.series, ev.source, coalesce(sp.rank, 1) AS rank, ev.price_kind, ev.service_tier, ev.tier_min_tokens,
       ev.region, ev.currency, ev.conditions, ev.usd_per_mtok, ev.valid_from, ev.valid_to, ev.last_observed,
       ev.source_url, ev.original_amount, ev.original_unit
FROM ev LEFT JOIN staging.source_precedence sp ON sp.source = ev.source
ORDER BY ALL;
