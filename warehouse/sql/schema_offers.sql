-- Billing offers and workload costs (issue 7; pipelines/cost/offers.py, pipelines/cost/workload.py). Idempotent.
-- Amounts are as the page states them (amount in currency per unit); usd_* at the ECB rate of the observation day.

-- One row per offer stated by a parsed snapshot (free quotas, free tiers, TPM packs, model units, promotions, batch
-- discounts, regional uplifts): written by staging/price_quotes with the quotes of each partition and source.
CREATE TABLE IF NOT EXISTS staging.billing_offers (
    partition_date   DATE NOT NULL,        -- daily partition of the snapshot (UTC)
    observed_at      TIMESTAMP NOT NULL,   -- UTC; capture date for replayed pages
    source           VARCHAR NOT NULL,
    provider         VARCHAR NOT NULL,     -- seller slug
    model            VARCHAR,              -- seller's API model id; NULL for an offer not tied to a model
    model_name       VARCHAR,              -- as on the page (the machine type of a model unit)
    offer_kind       VARCHAR NOT NULL,     -- free_quota | free_tier | resource_pack | provisioned_throughput |
                                           -- model_unit | promotion | batch_discount | regional_uplift
    price_kind       VARCHAR,              -- the token price it concerns (input TPM, promotional output price)
    service_tier     VARCHAR,              -- standard | batch | ... (promotions, the tab of a free tier)
    tier_min_tokens  BIGINT NOT NULL,      -- long-context tier of a promotional price (0 = base)
    region           VARCHAR NOT NULL,
    amount           DECIMAL(38, 12) NOT NULL, -- as written; 0 for free quotas/tiers; percent for discounts/uplifts
    currency         VARCHAR,              -- ISO 4217; NULL for a percentage
    unit             VARCHAR NOT NULL,     -- per 1K tokens | per 1M tokens | one-off | per hour | per day | per month |
                                           -- percent off | percent uplift
    amount_per_mtok  DECIMAL(38, 12),      -- token-priced offers: amount per 1M tokens in currency (per 1K x 1000)
    quantity         DECIMAL(38, 6),       -- what one unit of the offer gives: 1000000 (tokens), 10000 (TPM), ...
    quantity_unit    VARCHAR,              -- tokens | TPM | model units | images | seconds | characters | requests |
                                           -- voices | grounded prompts
    usd_amount       DECIMAL(38, 12),      -- amount in USD (ECB rate of fx_date)
    usd_per_mtok     DECIMAL(38, 12),      -- amount_per_mtok in USD
    fx_rate          DECIMAL(38, 18),      -- units of currency per 1 USD; NULL for a percentage
    fx_date          DATE,
    valid_days       INTEGER,              -- validity after activation (free quotas), days
    valid_from       DATE,                 -- calendar window of a promotion (inclusive), NULL = open
    valid_until      DATE,
    conditions       VARCHAR,              -- the page's wording of what else the offer depends on
    source_url       VARCHAR NOT NULL,
    snapshot_sha256  VARCHAR NOT NULL,
    location         VARCHAR               -- table/row/cell on the page
);

-- The offers of each source page's latest observation, with the first and last day each was seen.
CREATE TABLE IF NOT EXISTS marts.billing_offers (
    provider         VARCHAR NOT NULL,
    model            VARCHAR,
    model_name       VARCHAR,
    offer_kind       VARCHAR NOT NULL,
    price_kind       VARCHAR,
    service_tier     VARCHAR,
    tier_min_tokens  BIGINT NOT NULL,
    region           VARCHAR NOT NULL,
    amount           DECIMAL(38, 12) NOT NULL,
    currency         VARCHAR,
    unit             VARCHAR NOT NULL,
    amount_per_mtok  DECIMAL(38, 12),
    quantity         DECIMAL(38, 6),
    quantity_unit    VARCHAR,
    usd_amount       DECIMAL(38, 12),
    usd_per_mtok     DECIMAL(38, 12),
    valid_days       INTEGER,
    valid_from       DATE,
    valid_until      DATE,
    conditions       VARCHAR,
    first_seen       DATE NOT NULL,        -- first observation (UTC day) of this offer on this page
    last_seen        DATE NOT NULL,        -- the page's latest observation
    source           VARCHAR NOT NULL,
    source_url       VARCHAR NOT NULL,
    snapshot_sha256  VARCHAR NOT NULL,
    location         VARCHAR
);

-- What each bundled workload profile costs per month with each option, 2024 -> today (marts/workload_costs).
CREATE TABLE IF NOT EXISTS marts.workload_costs (
    profile          VARCHAR NOT NULL,     -- profiles/<profile>.yaml
    month            DATE NOT NULL,        -- first day of the month
    priced_on        DATE NOT NULL,        -- prices in force on this day: the month's last day, today for this month
    covered          BOOLEAN NOT NULL,     -- the month ends within the data (forecast_data_end); the forecasts use these
    rank             INTEGER NOT NULL,     -- 1 = the cheapest option that month
    provider         VARCHAR NOT NULL,
    model            VARCHAR NOT NULL,
    region           VARCHAR NOT NULL,
    list_currency    VARCHAR NOT NULL,     -- currency of the price list the option is priced from
    currency         VARCHAR NOT NULL,     -- the buyer's currency: every amount below
    input            DECIMAL(38, 6) NOT NULL, -- uncached input at base-tier standard prices
    cache            DECIMAL(38, 6) NOT NULL, -- cache reads (or as input without a cache price)
    output           DECIMAL(38, 6) NOT NULL,
    tier_surcharge   DECIMAL(38, 6) NOT NULL, -- what long-context tiers add (cliff)
    discounts        DECIMAL(38, 6) NOT NULL, -- batch and off-peak savings (<= 0)
    free_quota       DECIMAL(38, 6) NOT NULL, -- free-quota savings (<= 0; profiles with free_quotas: true)
    total            DECIMAL(38, 6) NOT NULL, -- the month's cost
    fx_rate          DECIMAL(38, 18) NOT NULL, -- buyer-currency units per list-currency unit (ECB)
    fx_date          DATE,                 -- date of that ECB rate (NULL: same currency)
    free_tokens      DECIMAL(38, 6) NOT NULL, -- free tokens a month counted
    notes            VARCHAR
);

-- 12-month forecasts of each profile's cheapest-option monthly cost (forecasts/workload_cost_forecast).
CREATE TABLE IF NOT EXISTS forecasts.workload_cost_forecast (
    profile  VARCHAR NOT NULL,
    month    DATE NOT NULL,                -- first day of a month after the last covered month
    yhat     DOUBLE NOT NULL,              -- forecast median, buyer's currency per month
    lo80     DOUBLE NOT NULL,
    hi80     DOUBLE NOT NULL,
    lo95     DOUBLE NOT NULL,
    hi95     DOUBLE NOT NULL,
    model    VARCHAR NOT NULL,             -- naive | drift | loglinear | ets_damped | uc_llt (chosen by backtest)
    currency VARCHAR NOT NULL
);

-- Per profile: annual decline factor of the cheapest-option cost (log-linear, HAC), the chosen model and the
-- 12-month-ahead figure.
CREATE TABLE IF NOT EXISTS forecasts.workload_cost_decline (
    profile          VARCHAR NOT NULL,
    currency         VARCHAR NOT NULL,
    status           VARCHAR NOT NULL,     -- ok | no_backtest | insufficient (< 12 months or no change)
    model            VARCHAR,              -- the forecast model chosen by the rolling-origin backtest
    factor           DOUBLE,               -- the cost falls factor-x per year (exp(-12*slope))
    ci_low           DOUBLE,               -- 95% CI (HAC)
    ci_high          DOUBLE,
    half_life_months DOUBLE,
    n_obs            INTEGER NOT NULL,     -- months fitted
    "window"         VARCHAR,
    last_month       DATE,
    last_value       DOUBLE,               -- cheapest-option cost of the last covered month
    cheapest         VARCHAR,              -- provider/model/region of that option
    yhat_12          DOUBLE,               -- forecast 12 months after the last covered month, with its 95% interval
    lo95_12          DOUBLE,
    hi95_12          DOUBLE
);
