-- The figures `tokenprices demo` / `run` print at the end (pipelines/cli/main.py _print_summary), in one row.
SELECT
    (SELECT count(DISTINCT provider) FROM staging.price_quotes)                      AS providers,
    (SELECT count(DISTINCT provider || '/' || model) FROM staging.price_quotes)      AS models,
    (SELECT count(*) FROM staging.price_quotes)                                      AS quotes,
    (SELECT count(*) FROM raw.page_snapshots)                                        AS snapshots,
    (SELECT coalesce(sum(bytes), 0) FROM raw.page_snapshots)                         AS raw_bytes,
    (SELECT count(*) FROM marts.price_history)                                       AS history_rows,
    (SELECT count(*) FROM marts.source_price_history)                                AS source_history_rows,
    (SELECT count(DISTINCT provider || '/' || model) FROM marts.price_history)       AS history_models,
    (SELECT count(*) FROM marts.latest_prices)                                       AS latest,
    (SELECT count(*) FROM marts.price_changes)                                       AS changes,
    (SELECT count(DISTINCT series) FROM forecasts.price_decline)                     AS decline_series;
