-- Rows of staging.price_quotes, in all and in one daily partition (staging/price_quotes metadata).
SELECT count(*), count(*) FILTER (WHERE partition_date = $partition_date) FROM staging.price_quotes;
