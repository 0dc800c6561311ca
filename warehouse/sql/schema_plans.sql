-- Subscriptions and resource packs (issue 18; pipelines/sources/plans.py, pipelines/cost/plans.py,
-- pipelines/history/importers/coding_plans.py). Idempotent. Prices as the seller states them; usd_* at the ECB rate
-- of the observation day (pipelines/history/normalise.py, the one FX path).

-- One row per plan stated by an observation: a parsed page (staging/price_quotes, with its quotes) or a dated
-- snapshot of the coding-plan scraper (staging/coding_plan_snapshots).
CREATE TABLE IF NOT EXISTS staging.billing_plans (
    partition_date    DATE NOT NULL,        -- daily partition of the page snapshot; the snapshot's date for a dataset
    observed_at       TIMESTAMP NOT NULL,   -- UTC; capture date for replayed pages, generatedAt for a snapshot
    source            VARCHAR NOT NULL,     -- minimax_plans_cn | minimax_plans_intl | zhipu_coding_plan | coding_plans_snapshots
    scope             VARCHAR NOT NULL,     -- what one observation covers (the page URL; a snapshot's seller entry)
    provider          VARCHAR NOT NULL,     -- seller slug
    product           VARCHAR NOT NULL,     -- the seller's name of the plan family (GLM Coding Plan, Coding Plan ...)
    plan              VARCHAR NOT NULL,     -- the tier as the seller names it (Lite, Starter, Pro ...)
    billing_model     VARCHAR NOT NULL,     -- subscription | resource_pack
    billing_period    VARCHAR NOT NULL,     -- month | quarter | year | first_month | one_off
    region            VARCHAR NOT NULL,     -- global | cn-mainland | intl
    price             DECIMAL(38, 12),      -- as written, per billing period; NULL when the page states none
    currency          VARCHAR NOT NULL,     -- ISO 4217
    list_price        DECIMAL(38, 12),      -- the undiscounted price shown beside it (原价, struck out)
    usd_price         DECIMAL(38, 12),      -- price in USD at the ECB rate of fx_date
    usd_list_price    DECIMAL(38, 12),
    fx_rate           DECIMAL(38, 18) NOT NULL, -- units of currency per 1 USD
    fx_date           DATE NOT NULL,
    quota_amount      DECIMAL(38, 6),       -- NULL when the page states no quota
    quota_unit        VARCHAR,              -- prompts | requests | credits | characters | tokens
    quota_per         VARCHAR,              -- 5 hours | week | month | validity (a pack's amount, one-off)
    quota_is_estimate BOOLEAN NOT NULL,     -- the page says "about" (约)
    unit_buys         VARCHAR,              -- what one quota unit buys, where the page says (credits per video)
    valid_days        INTEGER,              -- a pack's validity after purchase
    valid_months      INTEGER,
    models            VARCHAR,              -- models included, as the page names them, '; '-separated
    status            VARCHAR NOT NULL,     -- on_sale | closed_to_new_buyers
    promo_text        VARCHAR,              -- a promotion, in the page's words
    promo_from        DATE,                 -- its window (inclusive), NULL when undated
    promo_until       DATE,
    promo_window      VARCHAR,              -- a month-day window as the page gives it ('12-08..01-15')
    conditions        VARCHAR,
    source_url        VARCHAR NOT NULL,     -- the seller's page
    snapshot_sha256   VARCHAR NOT NULL,     -- sha256 of the raw page or of the dataset file
    location          VARCHAR               -- table/row/cell on the page; file/seller/plan of a dataset
);

-- Effective-dated plan prices: one row per plan and interval in which price, quota and status stayed the same.
CREATE TABLE IF NOT EXISTS marts.billing_plan_history (
    provider          VARCHAR NOT NULL,
    product           VARCHAR NOT NULL,
    plan              VARCHAR NOT NULL,
    billing_model     VARCHAR NOT NULL,
    billing_period    VARCHAR NOT NULL,
    region            VARCHAR NOT NULL,
    currency          VARCHAR NOT NULL,
    price             DECIMAL(38, 12),
    list_price        DECIMAL(38, 12),
    usd_price         DECIMAL(38, 12),      -- at the ECB rate of the interval's first observation
    fx_date           DATE NOT NULL,
    quota_amount      DECIMAL(38, 6),
    quota_unit        VARCHAR,
    quota_per         VARCHAR,
    quota_is_estimate BOOLEAN NOT NULL,
    unit_buys         VARCHAR,
    valid_days        INTEGER,
    valid_months      INTEGER,
    models            VARCHAR,
    status            VARCHAR NOT NULL,
    promo_text        VARCHAR,
    promo_from        DATE,
    promo_until       DATE,
    conditions        VARCHAR,
    valid_from        DATE NOT NULL,        -- first observation with these values
    valid_to          DATE,                 -- exclusive: next change, or the first observation of the same scope
                                            -- without the plan; NULL = still in force
    last_seen         DATE NOT NULL,        -- last observation with these values
    n_observations    INTEGER NOT NULL,
    source            VARCHAR NOT NULL,     -- of the interval's first observation
    source_url        VARCHAR NOT NULL,
    snapshot_sha256   VARCHAR NOT NULL,
    location          VARCHAR
);

-- The plans in force: the open intervals of marts.billing_plan_history, with their provenance.
CREATE TABLE IF NOT EXISTS marts.billing_plans (
    provider          VARCHAR NOT NULL,
    product           VARCHAR NOT NULL,
    plan              VARCHAR NOT NULL,
    billing_model     VARCHAR NOT NULL,
    billing_period    VARCHAR NOT NULL,
    region            VARCHAR NOT NULL,
    price             DECIMAL(38, 12),
    currency          VARCHAR NOT NULL,
    list_price        DECIMAL(38, 12),
    usd_price         DECIMAL(38, 12),
    fx_date           DATE NOT NULL,
    quota_amount      DECIMAL(38, 6),
    quota_unit        VARCHAR,
    quota_per         VARCHAR,
    quota_is_estimate BOOLEAN NOT NULL,
    unit_buys         VARCHAR,
    valid_days        INTEGER,
    valid_months      INTEGER,
    models            VARCHAR,
    status            VARCHAR NOT NULL,
    promo_text        VARCHAR,
    promo_from        DATE,
    promo_until       DATE,
    conditions        VARCHAR,
    first_seen        DATE NOT NULL,        -- valid_from of the open interval
    last_seen         DATE NOT NULL,        -- the latest observation (capture date)
    source            VARCHAR NOT NULL,
    source_url        VARCHAR NOT NULL,
    snapshot_sha256   VARCHAR NOT NULL,
    location          VARCHAR
);

-- Plan price changes, beside marts.price_changes (which stays token prices only): one row per change of a plan's
-- price (both sides stated) between consecutive intervals of marts.billing_plan_history.
CREATE TABLE IF NOT EXISTS marts.billing_plan_changes (
    provider          VARCHAR NOT NULL,
    product           VARCHAR NOT NULL,
    plan              VARCHAR NOT NULL,
    billing_model     VARCHAR NOT NULL,
    billing_period    VARCHAR NOT NULL,
    region            VARCHAR NOT NULL,
    currency          VARCHAR NOT NULL,
    changed_at        DATE NOT NULL,
    old_price         DECIMAL(38, 12) NOT NULL,
    new_price         DECIMAL(38, 12) NOT NULL,
    old_usd_price     DECIMAL(38, 12),
    new_usd_price     DECIMAL(38, 12),
    pct_change        DOUBLE,               -- (new/old - 1) * 100 on the stated prices; NULL when old is 0
    old_quota         VARCHAR,              -- '120 prompts per 5 hours' before and after, when stated
    new_quota         VARCHAR,
    source            VARCHAR NOT NULL,
    source_url        VARCHAR NOT NULL
);
