-- Rates of an ECB file (registered as new_rows). Published rates are not revised: a day already stored keeps the
-- row (and provenance) of its first fetch.
INSERT INTO raw.ecb_rates (rate_date, currency, per_eur, source_url, fetched_at)
SELECT CAST(rate_date AS DATE), currency, CAST(per_eur AS DECIMAL(18,6)), source_url, CAST(fetched_at AS TIMESTAMP)
FROM new_rows
ON CONFLICT DO NOTHING;
