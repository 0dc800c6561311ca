-- Synthetic staging.price_quotes for the scale benchmark: $n_models models x $n_days daily observations from $start.
-- One input price per model and day (USD, per 1M tokens, standard tier, base context tier), spread over 50 sellers
-- and 20 sources. Each model's price steps down 3% every 60-149 days (so runs are long, as on real pages) and
-- 1 model in 50 is taken off its page after two years (delistings). Deterministic.
INSERT INTO staging.price_quotes
SELECT d.day AS partition_date,
       CAST(d.day AS TIMESTAMP) AS observed_at,
       'synthetic_' || (m.i % 20) AS source,
       'seller' || (m.i % 50) AS provider,
       'model-' || m.i AS model,
       'Model ' || m.i AS model_name,
       'input' AS price_kind,
       'standard' AS service_tier,
       0 AS tier_min_tokens,
       'global' AS region,
       CAST(round((0.1 + (m.i % 97) * 0.37) * pow(0.97, floor(d.n / (60 + m.i % 90))), 6) AS DECIMAL(38, 12)) AS usd_per_mtok,
       CAST(round((0.1 + (m.i % 97) * 0.37) * pow(0.97, floor(d.n / (60 + m.i % 90))), 6) AS DECIMAL(38, 12)) AS original_amount,
       'USD' AS original_currency,
       'per 1M tokens' AS original_unit,
       CAST(1 AS DECIMAL(38, 18)) AS fx_rate,
       d.day AS fx_date,
       NULL AS conditions,
       'https://example.invalid/' || (m.i % 20) || '/pricing' AS source_url,
       'sha-' || (m.i % 20) || '-' || d.n AS snapshot_sha256,
       'table 0 row ' || m.i AS location
FROM (SELECT range AS i FROM range($n_models)) m
CROSS JOIN (SELECT range AS n, CAST($start AS DATE) + CAST(range AS INTEGER) AS day FROM range($n_days)) d
WHERE NOT (m.i % 50 = 7 AND d.n >= 730);
