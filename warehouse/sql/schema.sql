-- tokenprices warehouse schema (DuckDB). Idempotent: safe to run on every start.
-- Units: every usd_per_mtok is USD per 1,000,000 tokens; timestamps are UTC (TIMESTAMP without zone, UTC by convention).
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS forecasts;

-- One row per fetched document. The body is stored once, content-addressed, under <data_dir>/raw/<sha[:2]>/<sha>.
CREATE TABLE IF NOT EXISTS raw.page_snapshots (
    partition_date DATE NOT NULL,          -- the daily partition the fetch belongs to (UTC day)
    source         VARCHAR NOT NULL,       -- source id, e.g. anthropic_pricing
    url            VARCHAR NOT NULL,       -- the URL asked for
    final_url      VARCHAR NOT NULL,       -- after (allowed) redirects
    fetched_at     TIMESTAMP NOT NULL,     -- UTC; for a replayed capture, its capture date
    fetch_mode     VARCHAR NOT NULL,       -- live | replay
    http_status    INTEGER NOT NULL,       -- 200; 304 = unchanged since the previous fetch (same sha256 reused)
    content_type   VARCHAR,
    bytes          BIGINT NOT NULL,
    sha256         VARCHAR NOT NULL,       -- of the body; names the blob file
    capture_file   VARCHAR,                -- archive file a replayed body came from
    etag           VARCHAR,                -- validators of a live response, for the next conditional request
    last_modified  VARCHAR,
    ingested_at    TIMESTAMP NOT NULL,     -- UTC, when this row was written
    PRIMARY KEY (source, url, fetched_at, sha256)
);

-- One row per observed price (normalised quote).
CREATE TABLE IF NOT EXISTS staging.price_quotes (
    partition_date   DATE NOT NULL,
    observed_at      TIMESTAMP NOT NULL,   -- UTC; capture date for replayed pages
    source           VARCHAR NOT NULL,
    provider         VARCHAR NOT NULL,     -- seller slug
    model            VARCHAR NOT NULL,     -- seller's API model id
    model_name       VARCHAR,              -- as shown on the page
    price_kind       VARCHAR NOT NULL,     -- input | output | cache_read | cache_write_5m | cache_write_1h | ...
    service_tier     VARCHAR NOT NULL,     -- standard | batch | flex | priority | off_peak
    tier_min_tokens  BIGINT NOT NULL,      -- 0 = base price; long-context threshold in tokens otherwise
    region           VARCHAR NOT NULL DEFAULT 'global',
    usd_per_mtok     DECIMAL(38, 12) NOT NULL,
    original_amount  DECIMAL(38, 12) NOT NULL,
    original_currency VARCHAR NOT NULL,    -- ISO 4217
    original_unit    VARCHAR NOT NULL,     -- per 1M tokens | per 1K tokens | per token
    fx_rate          DECIMAL(38, 18) NOT NULL, -- units of original_currency per 1 USD (ECB cross rate); 1 for USD
    fx_date          DATE NOT NULL,        -- date of the ECB rate used
    conditions       VARCHAR,              -- e.g. an off-peak UTC window
    source_url       VARCHAR NOT NULL,
    snapshot_sha256  VARCHAR NOT NULL,     -- raw body this quote was parsed from
    location         VARCHAR               -- table/row/cell on the page
);

-- Prices in non-token units (per image, per second, per 1K requests, per 1M characters...), kept with their
-- unit; never folded into token prices.
CREATE TABLE IF NOT EXISTS staging.unit_prices (
    partition_date   DATE NOT NULL,
    observed_at      TIMESTAMP NOT NULL,
    source           VARCHAR NOT NULL,
    provider         VARCHAR NOT NULL,
    model            VARCHAR NOT NULL,
    model_name       VARCHAR,
    price_kind       VARCHAR NOT NULL,     -- image_output, video_output, web_search, request, ...
    service_tier     VARCHAR NOT NULL,
    region           VARCHAR NOT NULL DEFAULT 'global',
    unit             VARCHAR NOT NULL,     -- per image | per second | per 1K requests | ...
    usd_per_unit     DECIMAL(38, 12) NOT NULL,
    original_amount  DECIMAL(38, 12) NOT NULL,
    original_currency VARCHAR NOT NULL,
    fx_rate          DECIMAL(38, 18) NOT NULL,
    fx_date          DATE NOT NULL,
    conditions       VARCHAR,
    source_url       VARCHAR NOT NULL,
    snapshot_sha256  VARCHAR NOT NULL,
    location         VARCHAR
);

-- Quotes held back because they are not believable (out of range, or a unit-sized jump), with the reason.
-- Nothing is silently dropped: the raw value and where it came from stay here.
CREATE TABLE IF NOT EXISTS staging.quarantine (
    partition_date   DATE NOT NULL,
    observed_at      TIMESTAMP NOT NULL,
    source           VARCHAR NOT NULL,
    provider         VARCHAR NOT NULL,
    model            VARCHAR NOT NULL,
    price_kind       VARCHAR NOT NULL,
    service_tier     VARCHAR NOT NULL,
    tier_min_tokens  BIGINT NOT NULL,
    region           VARCHAR NOT NULL,
    usd_per_mtok     DECIMAL(38, 12),
    original_amount  DECIMAL(38, 12),
    original_currency VARCHAR,
    original_unit    VARCHAR,
    reason           VARCHAR NOT NULL,
    source_url       VARCHAR NOT NULL,
    snapshot_sha256  VARCHAR,
    location         VARCHAR
);

-- One row per parse of a snapshot: what came out, or why it was rejected (parse error or layout drift).
CREATE TABLE IF NOT EXISTS staging.parse_runs (
    partition_date   DATE NOT NULL,
    source           VARCHAR NOT NULL,
    url              VARCHAR NOT NULL,
    snapshot_sha256  VARCHAR NOT NULL,
    parsed_at        TIMESTAMP NOT NULL,   -- UTC
    status           VARCHAR NOT NULL,     -- ok | parse_error | drift | review (unproven live form, see staging)
    n_quotes         INTEGER NOT NULL,
    n_unit_prices    INTEGER NOT NULL,
    n_models         INTEGER NOT NULL,
    detail           VARCHAR,              -- JSON list of {kind, where, text}: the error or drift problems, then the
                                           -- page's non-blocking layout findings (unknown column/row/section/tab, ...)
    code_version     VARCHAR               -- pipelines.incremental.code_version() of the parse (NULL: older parses)
);
-- warehouses made before parse runs carried their code version
ALTER TABLE staging.parse_runs ADD COLUMN IF NOT EXISTS code_version VARCHAR;

-- Effective-dated runs imported from public price datasets (LiteLLM, ...): already runs, not observations.
CREATE TABLE IF NOT EXISTS staging.imported_price_runs (
    source           VARCHAR NOT NULL,     -- litellm
    provider         VARCHAR NOT NULL,
    model            VARCHAR NOT NULL,
    source_key       VARCHAR NOT NULL,     -- the dataset's own key (LiteLLM model_key | litellm_provider)
    price_kind       VARCHAR NOT NULL,
    service_tier     VARCHAR NOT NULL,
    tier_min_tokens  BIGINT NOT NULL,
    region           VARCHAR NOT NULL DEFAULT 'global',
    currency         VARCHAR NOT NULL,
    usd_per_mtok     DECIMAL(38, 12) NOT NULL,
    original_amount  DECIMAL(38, 18) NOT NULL,
    original_unit    VARCHAR NOT NULL,
    valid_from       DATE NOT NULL,        -- inclusive, UTC
    valid_to         DATE,                 -- exclusive, NULL while current
    source_url       VARCHAR NOT NULL,     -- file at the commit where the value first appeared
    source_ref       VARCHAR               -- commit sha / dataset version
);

-- Imported runs held back by the sanity rules (pipelines/history/importers/sanity.py), as imported, with the reason.
-- For reason 'rounded: ...' the run is in the history with its evident value; this row keeps the raw one.
CREATE TABLE IF NOT EXISTS staging.quarantined_runs (
    source           VARCHAR NOT NULL,
    provider         VARCHAR NOT NULL,
    model            VARCHAR NOT NULL,
    source_key       VARCHAR NOT NULL,
    price_kind       VARCHAR NOT NULL,
    service_tier     VARCHAR NOT NULL,
    tier_min_tokens  BIGINT NOT NULL,
    region           VARCHAR NOT NULL,
    currency         VARCHAR NOT NULL,
    usd_per_mtok     DECIMAL(38, 12) NOT NULL,
    original_amount  DECIMAL(38, 18) NOT NULL,
    original_unit    VARCHAR NOT NULL,
    valid_from       DATE NOT NULL,
    valid_to         DATE,
    source_url       VARCHAR NOT NULL,
    source_ref       VARCHAR,
    reason           VARCHAR NOT NULL
);

-- Matched-model price indexes (chained Jevons, blended 3:1): matched_model_blended (first-party sellers, USD lists),
-- matched_model_blended/<provider> (one seller, USD list), matched_model_blended_cny/<provider> (its CNY list in
-- CNY) and matched_model_blended_cny_usd/<provider> (the same CNY list in USD at each month-end ECB rate).
CREATE TABLE IF NOT EXISTS forecasts.market_index (
    series      VARCHAR NOT NULL,
    month       DATE NOT NULL,             -- first day of the month; prices in force on its last day
    index_value DOUBLE NOT NULL,           -- chained Jevons index, first month = 100
    n_models    INTEGER NOT NULL           -- models matched between this month and the previous one
);

CREATE TABLE IF NOT EXISTS forecasts.price_decline (
    series           VARCHAR NOT NULL,     -- a series of forecasts.monthly_series
    method           VARCHAR NOT NULL,     -- loglinear_ols_hac (monthly series) | epoch_running_min_ols (Epoch AI's
                                           -- running-minimum method on dated prices, cheapest_at_lmarena/* only)
    factor           DOUBLE,               -- annual decline factor: prices fall factor-x per year (exp(-12*slope));
                                           -- NULL with status insufficient
    ci_low           DOUBLE,               -- 95% CI (HAC standard errors; nonrobust for epoch_running_min_ols)
    ci_high          DOUBLE,
    half_life_months DOUBLE,               -- log(2)/-slope while falling, else NULL
    n_obs            INTEGER NOT NULL,     -- months (points for epoch_running_min_ols)
    "window"         VARCHAR NOT NULL,     -- first..last month (day) used, or the series' span
    status           VARCHAR,              -- ok | insufficient (fewer than 12 months or no change: no factor)
    reason           VARCHAR,              -- why a series has no factor; what a converted-currency factor carries
    list_series      VARCHAR,              -- for a converted-currency series: the same list in its own currency
    fx_factor        DOUBLE                -- the exchange-rate component: factor / the list series' factor
);
-- warehouses made before the insufficient-history rows (issue 17)
ALTER TABLE forecasts.price_decline ALTER COLUMN factor DROP NOT NULL;
ALTER TABLE forecasts.price_decline ALTER COLUMN ci_low DROP NOT NULL;
ALTER TABLE forecasts.price_decline ALTER COLUMN ci_high DROP NOT NULL;
ALTER TABLE forecasts.price_decline ADD COLUMN IF NOT EXISTS status VARCHAR;
ALTER TABLE forecasts.price_decline ADD COLUMN IF NOT EXISTS reason VARCHAR;
ALTER TABLE forecasts.price_decline ADD COLUMN IF NOT EXISTS list_series VARCHAR;
ALTER TABLE forecasts.price_decline ADD COLUMN IF NOT EXISTS fx_factor DOUBLE;

-- The current 12-month forecast of every series (model chosen by backtest, forecasts.model_choice).
CREATE TABLE IF NOT EXISTS forecasts.price_forecast (
    series VARCHAR NOT NULL,
    month  DATE NOT NULL,                  -- first day of a month after the series' last month
    yhat   DOUBLE NOT NULL,                -- forecast median, in the series' unit (index level or USD per 1M tokens)
    lo80   DOUBLE NOT NULL,                -- 80% prediction interval
    hi80   DOUBLE NOT NULL,
    lo95   DOUBLE NOT NULL,                -- 95% prediction interval
    hi95   DOUBLE NOT NULL,
    model  VARCHAR NOT NULL                -- naive | drift | loglinear | ets_damped | uc_llt | cut_hazard
);

-- Every monthly series the forecasts model, one row per (series, month); written by the series assets.
CREATE TABLE IF NOT EXISTS forecasts.monthly_series (
    series  VARCHAR NOT NULL,              -- matched_model_blended, cheapest_at_lmarena/gpt-4-0314, price_tier/...
    family  VARCHAR NOT NULL,              -- the asset writing it: matched_model | matched_model_provider |
                                           -- cheapest_at_capability | price_tier
    month   DATE NOT NULL,                 -- first day; prices in force on its last day (UTC)
    value   DOUBLE NOT NULL,               -- in unit
    unit    VARCHAR NOT NULL,              -- index (first month = 100) | USD per 1M tokens
    n_items INTEGER NOT NULL,              -- models matched (index), qualifying models (capability), providers (tiers)
    detail  VARCHAR                        -- capability: cheapest provider/model; tiers: provider:model=price each
);

-- Rolling-origin backtest (expanding window, origins monthly from 12 months of data), one row per
-- (series, model, horizon). Scores are NULL when fewer than 3 origins (note says why).
CREATE TABLE IF NOT EXISTS forecasts.backtest (
    series     VARCHAR NOT NULL,
    model      VARCHAR NOT NULL,           -- naive | drift | loglinear | ets_damped | uc_llt | cut_hazard
    horizon    INTEGER NOT NULL,           -- months ahead: 3, 6, 12
    mae_log    DOUBLE,                     -- mean |log actual - log forecast|
    mase_naive DOUBLE,                     -- absolute errors / in-sample one-step naive MAE (pooled over origins)
    mase_drift DOUBLE,                     -- absolute errors / in-sample one-step drift MAE (pooled over origins)
    coverage80 DOUBLE,                     -- share of origins whose outcome fell in the 80% interval
    coverage95 DOUBLE,
    n_origins  INTEGER NOT NULL,
    note       VARCHAR
);

-- The model used for each series and why (lowest mean MAE(log) over the scored horizons; naive by default).
CREATE TABLE IF NOT EXISTS forecasts.model_choice (
    series    VARCHAR NOT NULL,
    status    VARCHAR NOT NULL,            -- ok | no_backtest (too few origins) | insufficient (nothing fitted)
    model     VARCHAR,
    criterion VARCHAR NOT NULL,
    score     DOUBLE,                      -- the chosen model's mean MAE(log), NULL without a backtest
    n_obs     INTEGER NOT NULL,            -- months
    "window"  VARCHAR,
    warnings  INTEGER NOT NULL,            -- statsmodels warnings caught while fitting (counted, not shown)
    fallbacks INTEGER NOT NULL             -- fits replaced by naive (flat window or failed fit)
);

-- Calibration of the chosen models: the backtest coverage of the 80%/95% intervals per horizon, with the number of
-- origins (the asset check forecasts/backtest:coverage80_within_70_90 warns outside 70-90% over >= 8 origins).
CREATE TABLE IF NOT EXISTS forecasts.calibration (
    series     VARCHAR NOT NULL,
    model      VARCHAR NOT NULL,           -- the chosen model (forecasts.model_choice)
    horizon    INTEGER NOT NULL,
    coverage80 DOUBLE,                     -- NULL with fewer than 3 origins
    coverage95 DOUBLE,
    n_origins  INTEGER NOT NULL,
    verdict    VARCHAR NOT NULL            -- calibrated | too wide | too narrow (80% outside 70-90% over >= 8
                                           -- origins) | too few origins
);

-- The price-cut model (pipelines/forecast/cuts.py). Per price key (seller, model, kind) at the last month: the
-- probability of at least one cut within 3/6/12 months and the mean size of a cut.
CREATE TABLE IF NOT EXISTS forecasts.cut_probability (
    seller              VARCHAR NOT NULL,
    model               VARCHAR NOT NULL,
    price_kind          VARCHAR NOT NULL,  -- input | output | blended (3:1), USD per 1M tokens
    as_of               DATE NOT NULL,     -- the month of the price (first day)
    price               DOUBLE NOT NULL,
    months_since_change INTEGER NOT NULL,
    p_cut_3m            DOUBLE NOT NULL,   -- share of simulated paths with a cut within 3 months
    p_cut_6m            DOUBLE NOT NULL,
    p_cut_12m           DOUBLE NOT NULL,
    p_rise_12m          DOUBLE NOT NULL,   -- share of simulated paths above today's price at some month
    expected_cut_pct    DOUBLE,            -- mean size of a cut, % of the price (the key's size pool)
    cut_sizes_from      VARCHAR NOT NULL   -- the seller (its own cuts) | pooled (every seller's)
);

-- Simulated 12-month price path per price key: median and 80%/95% intervals (quantiles of the paths).
CREATE TABLE IF NOT EXISTS forecasts.cut_price_path (
    seller     VARCHAR NOT NULL,
    model      VARCHAR NOT NULL,
    price_kind VARCHAR NOT NULL,
    as_of      DATE NOT NULL,
    month      DATE NOT NULL,
    yhat       DOUBLE NOT NULL,
    lo80       DOUBLE NOT NULL,
    hi80       DOUBLE NOT NULL,
    lo95       DOUBLE NOT NULL,
    hi95       DOUBLE NOT NULL
);

-- The fitted hazards (logit GLM coefficients with Wald 95% intervals), cut and rise.
CREATE TABLE IF NOT EXISTS forecasts.cut_hazard (
    event    VARCHAR NOT NULL,             -- cut | rise
    term     VARCHAR NOT NULL,
    coef     DOUBLE,
    se       DOUBLE,
    ci_low   DOUBLE,
    ci_high  DOUBLE,
    n_obs    INTEGER NOT NULL,             -- key-months with a transition
    n_events INTEGER NOT NULL,
    note     VARCHAR
);

-- Backtest of the cut probabilities: Brier score against the training base rate, per horizon and price kind.
CREATE TABLE IF NOT EXISTS forecasts.cut_backtest (
    horizon       INTEGER NOT NULL,
    price_kind    VARCHAR NOT NULL,        -- all | input | output | blended
    brier         DOUBLE,                  -- mean (p_cut - outcome)^2
    brier_base    DOUBLE,                  -- the same for the base rate 1 - (1 - r)^h, r from the training months
    skill         DOUBLE,                  -- 1 - brier / brier_base (> 0: the model beats the base rate)
    base_rate     DOUBLE,                  -- mean base-rate probability
    observed_rate DOUBLE,                  -- share of scored keys with a cut within the horizon
    n_origins     INTEGER NOT NULL,
    n_predictions INTEGER NOT NULL,
    wins          BOOLEAN,
    note          VARCHAR
);

-- The cut model's backtest rows and forecasts of the series it describes (matched-model indexes of USD lists);
-- forecasts/backtest adds them to its candidates.
CREATE TABLE IF NOT EXISTS forecasts.cut_series_backtest (
    series     VARCHAR NOT NULL,
    model      VARCHAR NOT NULL,
    horizon    INTEGER NOT NULL,
    mae_log    DOUBLE,
    mase_naive DOUBLE,
    mase_drift DOUBLE,
    coverage80 DOUBLE,
    coverage95 DOUBLE,
    n_origins  INTEGER NOT NULL,
    note       VARCHAR
);
CREATE TABLE IF NOT EXISTS forecasts.cut_series_forecast (
    series VARCHAR NOT NULL,
    month  DATE NOT NULL,
    yhat   DOUBLE NOT NULL,
    lo80   DOUBLE NOT NULL,
    hi80   DOUBLE NOT NULL,
    lo95   DOUBLE NOT NULL,
    hi95   DOUBLE NOT NULL,
    model  VARCHAR NOT NULL
);

-- Every forecast ever made, by origin (the last month of data it saw): what the asset check compares a new
-- month with. A rerun for the same origin replaces it.
CREATE TABLE IF NOT EXISTS forecasts.forecast_archive (
    series       VARCHAR NOT NULL,
    origin_month DATE NOT NULL,
    month        DATE NOT NULL,
    yhat         DOUBLE NOT NULL,
    lo80         DOUBLE NOT NULL,
    hi80         DOUBLE NOT NULL,
    lo95         DOUBLE NOT NULL,
    hi95         DOUBLE NOT NULL,
    model        VARCHAR NOT NULL,
    run_id       VARCHAR NOT NULL,         -- Dagster run that made it
    made_at      TIMESTAMP NOT NULL        -- UTC
);

-- LMArena names joined to our (provider, model) by the exact rules of pipelines.forecast.capability (no data copied:
-- names only, from the folder given at run time).
CREATE TABLE IF NOT EXISTS forecasts.capability_matches (
    lmarena_model VARCHAR NOT NULL,
    organization  VARCHAR NOT NULL,
    provider      VARCHAR NOT NULL,
    model         VARCHAR NOT NULL,
    rule          VARCHAR NOT NULL,        -- lower-cased name | Claude ... (date) | Command ... | hand-checked alias
    reasoning     BOOLEAN NOT NULL         -- left out of the capability series, as Epoch AI does
);

-- Epoch AI's running-minimum method on our own dated prices, per capability threshold (90% CI, as Epoch reports).
CREATE TABLE IF NOT EXISTS forecasts.capability_trend (
    series          VARCHAR NOT NULL,      -- cheapest_at_lmarena/<reference>
    reference       VARCHAR NOT NULL,      -- LMArena name of the threshold model
    epoch_threshold VARCHAR,               -- the same threshold in Epoch AI's published results
    n_points        INTEGER NOT NULL,
    start_date      DATE,
    end_date        DATE,
    factor          DOUBLE,                -- 10^(-365*slope); NULL when fewer than 4 points
    ci90_low        DOUBLE,
    ci90_high       DOUBLE,
    r_squared       DOUBLE,
    points          VARCHAR,               -- day provider/model price, in order
    note            VARCHAR
);
