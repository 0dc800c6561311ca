"""Column schemas of the assets' warehouse tables, in one place, for the Dagster catalog.

:data:`COLUMN_SCHEMAS` maps an asset key (``"layer/name"``) to a ``dg.TableSchema`` listing every column of the
asset's table, in table order, with its DuckDB type exactly as ``information_schema.columns`` reports it and a
short description (units and semantics: docs/price-semantics.md, warehouse/sql/*.sql). :data:`TABLE_OF` names the
table where it is not the asset key with ``/`` -> ``.``. :func:`with_column_schema` attaches both
(``dagster/column_schema``, ``dagster/table_name``) to an asset's spec; ``pipelines/definitions.py`` maps it over
every asset.

- This is the only declaration of the tables' columns besides the DDL that creates them
  (``warehouse/sql/schema*.sql`` and the ``marts_*.sql`` builds): no asset declares ``dagster/column_schema`` in
  its decorator, and the writes (:func:`pipelines.warehouse.replace`) take their column lists from DuckDB's catalog.
- An asset writing several tables is described by its main one (:data:`TABLE_OF` says which, and what else it
  writes); the importer assets share ``staging.imported_price_runs``, each owning the rows of its ``source``.
- tests/test_ops_catalog.py checks every declared schema against a built warehouse (names and types, column for
  column, both ways): a new asset, or a new column, needs its entry here, and a schema here that the DDL does not
  match fails there.
"""

from __future__ import annotations

import dagster as dg

#: asset key -> its main warehouse table, where the table is not named like the key.
TABLE_OF: dict[str, str] = {
    # the dataset importers each replace their source's rows of one shared table (their quarantined runs go to
    # staging.quarantined_runs, same columns plus `reason`)
    "staging/litellm_price_history": "staging.imported_price_runs",
    "staging/genai_prices_history": "staging.imported_price_runs",
    "staging/simonw_llm_prices_history": "staging.imported_price_runs",
    "staging/openrouter_snapshots_history": "staging.imported_price_runs",
    "staging/price_overrides": "staging.imported_price_runs",
    # the coding-plan snapshots share staging.billing_plans with the plan pages (staging/price_quotes writes those)
    "staging/coding_plan_snapshots": "staging.billing_plans",
    # marts/model_aliases also writes marts.unmatched_aliases and marts.models
    # marts/price_changes also writes marts.price_events (pipelines/history/changes.py) and the Atom feed
    # forecasts/market_index also writes its series to forecasts.monthly_series (main table: its own name)
    # forecasts/provider_indexes: its series' rows (family matched_model_provider); the indexes also go to
    # forecasts.market_index
    "forecasts/provider_indexes": "forecasts.monthly_series",
    # forecasts/cheapest_at_capability: its series' rows (family cheapest_at_capability); also writes
    # forecasts.capability_matches, forecasts.capability_trend and the epoch_running_min_ols rows of
    # forecasts.price_decline
    "forecasts/cheapest_at_capability": "forecasts.monthly_series",
    # forecasts/price_tiers: its series' rows (family price_tier)
    "forecasts/price_tiers": "forecasts.monthly_series",
    # forecasts/cut_probability also writes forecasts.cut_price_path, cut_hazard, cut_backtest, cut_series_backtest
    # and cut_series_forecast
    # forecasts/backtest also writes forecasts.model_choice and forecasts.calibration; forecasts/price_forecast
    # forecasts.forecast_archive
}


def table_of(key: str) -> str:
    """The warehouse table (``schema.table``) whose columns ``COLUMN_SCHEMAS[key]`` lists."""
    return TABLE_OF.get(key, key.replace("/", "."))


# --------------------------------------------------------------------------------------------- shared columns

#: descriptions of the columns several tables share (docs/price-semantics.md: the key of a price, the value, time).
_SHARED = {
    "provider": "seller slug: who sells the API call and bills it (openai, anthropic, openrouter, ...)",
    "model": "model id as the seller spells it in the API request",
    "price_kind": "input | output | cache_read | cache_write_5m | cache_write_1h | cache_write | modality kinds "
                  "(input_audio, ...)",
    "service_tier": "standard (undiscounted list price) | batch | flex | priority | off_peak",
    "tier_min_tokens": "long-context tier threshold in tokens; 0 = base price (cliff: past it the whole request "
                       "is billed at the tier price)",
    "region": "where the request is served: global (default) or the seller's region (cn-mainland, intl, us, ...)",
    "currency": "ISO 4217 currency of the price list (a seller's USD and CNY lists are separate series)",
    "conditions": "stated conditions telling apart prices of one key (off-peak UTC window, output-length band, "
                  "thinking output); '' when none",
    "source": "source id: a scraped page (anthropic_pricing, ...) or an imported dataset (litellm, genai_prices, "
              "simonw_llm_prices, openrouter_snapshots, override)",
    "usd_per_mtok": "USD per 1M tokens, exact decimal; a CNY/EUR list at the ECB rate of its first observation",
    "original_amount": "the price as the source wrote it, in the list's currency and original_unit",
    "original_unit": "unit of original_amount: per 1M tokens | per 1K tokens | per token",
    "valid_from": "first day the price is in force, inclusive (UTC date)",
    "valid_to": "day the price stopped being in force, exclusive (UTC date); NULL while current",
    "source_url": "where the price was read: the page URL, or the dataset file at its commit (overrides: file#Lline)",
    "series": "series name: matched_model_blended[...], cheapest_at_lmarena/<reference>, price_tier/...",
    "month": "first day of the month (UTC); prices in force on its last day",
    "forecast_model": "naive | drift | loglinear | ets_damped | uc_llt | cut_hazard",
}


def _schema(*cols: tuple[str, str] | tuple[str, str, str]) -> dg.TableSchema:
    """A TableSchema from ``(name, duckdb type[, description])``; without a description the shared one is used."""
    return dg.TableSchema(columns=[
        dg.TableColumn(c[0], c[1], description=c[2] if len(c) > 2 else _SHARED[c[0]]) for c in cols
    ])


_IMPORTED_RUNS = _schema(
    ("source", "VARCHAR", "dataset of the run: litellm | genai_prices | simonw_llm_prices | openrouter_snapshots | "
                          "override; each importer asset replaces the rows of its own source"),
    ("provider", "VARCHAR"),
    ("model", "VARCHAR", "model id as the dataset gives it (aliases are resolved in marts.model_aliases)"),
    ("source_key", "VARCHAR", "the dataset's own key of the entry (LiteLLM model_key|litellm_provider, "
                              "genai-prices provider|model, simonw vendor|id, OpenRouter id, overrides file name)"),
    ("price_kind", "VARCHAR"),
    ("service_tier", "VARCHAR"),
    ("tier_min_tokens", "BIGINT"),
    ("region", "VARCHAR"),
    ("currency", "VARCHAR", "currency of the price list: USD for every dataset; an override may name another"),
    ("usd_per_mtok", "DECIMAL(38,12)", "USD per 1M tokens, exact decimal (per-token values rescaled exactly)"),
    ("original_amount", "DECIMAL(38,18)", "the value as the dataset wrote it, in original_unit"),
    ("original_unit", "VARCHAR", "per token (LiteLLM, OpenRouter) | per 1M tokens (genai-prices, simonw, overrides)"),
    ("valid_from", "DATE"),
    ("valid_to", "DATE"),
    ("source_url", "VARCHAR", "dataset file at the commit the value was read from (overrides: file#Lline)"),
    ("source_ref", "VARCHAR", "dataset commit sha or version; for an override its author and reason"),
)

_MONTHLY_SERIES = _schema(
    ("series", "VARCHAR"),
    ("family", "VARCHAR", "the asset writing the series: matched_model | matched_model_provider | "
                          "cheapest_at_capability | price_tier"),
    ("month", "DATE"),
    ("value", "DOUBLE", "the month's value, in unit"),
    ("unit", "VARCHAR", "index (first month = 100) | USD per 1M tokens"),
    ("n_items", "INTEGER", "models matched (index), qualifying models (capability) or sellers (tiers)"),
    ("detail", "VARCHAR", "capability: the cheapest provider/model; tiers: provider:model=price per seller; "
                          "NULL for indexes"),
)

_PRICE_QUOTES = _schema(
    ("partition_date", "DATE", "daily partition (UTC)"),
    ("observed_at", "TIMESTAMP", "UTC; capture date for replayed pages"),
    ("source", "VARCHAR"),
    ("provider", "VARCHAR"),
    ("model", "VARCHAR"),
    ("model_name", "VARCHAR", "the model as shown on the page"),
    ("price_kind", "VARCHAR"),
    ("service_tier", "VARCHAR"),
    ("tier_min_tokens", "BIGINT"),
    ("region", "VARCHAR"),
    ("usd_per_mtok", "DECIMAL(38,12)", "USD per 1M tokens, exact decimal; a CNY/EUR price at the ECB rate of the "
                                       "observation day"),
    ("original_amount", "DECIMAL(38,12)"),
    ("original_currency", "VARCHAR", "ISO 4217 currency of original_amount"),
    ("original_unit", "VARCHAR"),
    ("fx_rate", "DECIMAL(38,18)", "units of original_currency per 1 USD (ECB cross rate); 1 for USD"),
    ("fx_date", "DATE", "date of the ECB rate used"),
    ("conditions", "VARCHAR", "stated conditions (e.g. an off-peak UTC window); NULL when none"),
    ("source_url", "VARCHAR"),
    ("snapshot_sha256", "VARCHAR", "SHA-256 of the raw body the quote was parsed from (raw.page_snapshots)"),
    ("location", "VARCHAR", "table/row/cell on the page"),
)

_PRICE_HISTORY = _schema(
    ("provider", "VARCHAR"),
    ("model", "VARCHAR"),
    ("price_kind", "VARCHAR"),
    ("service_tier", "VARCHAR"),
    ("tier_min_tokens", "BIGINT"),
    ("region", "VARCHAR"),
    ("currency", "VARCHAR"),
    ("conditions", "VARCHAR"),
    ("source", "VARCHAR"),
    ("valid_from", "DATE"),
    ("valid_to", "DATE"),
    ("usd_per_mtok", "DECIMAL(38,12)"),
    ("original_amount", "DECIMAL(38,12)"),
    ("original_unit", "VARCHAR"),
    ("source_url", "VARCHAR"),
    ("snapshot_sha256", "VARCHAR", "raw body of the run's latest page observation; NULL for imported runs"),
    ("n_observations", "BIGINT", "days a page observed the run; NULL if imported"),
    ("last_observed", "DATE", "last day a page observed it (UTC); NULL if imported"),
)

#: marts.price_history, the reconciled history (pipelines/history/reconcile.py): one row per run of one true price
_RECONCILED = _schema(
    ("provider", "VARCHAR"),
    ("model", "VARCHAR"),
    ("price_kind", "VARCHAR"),
    ("service_tier", "VARCHAR"),
    ("tier_min_tokens", "BIGINT"),
    ("region", "VARCHAR"),
    ("currency", "VARCHAR"),
    ("conditions", "VARCHAR"),
    ("source", "VARCHAR", "the winning source: the evidence that dated the run (earliest credible evidence of the "
                          "value; on one day the best-ranked)"),
    ("valid_from", "DATE"),
    ("valid_to", "DATE"),
    ("usd_per_mtok", "DECIMAL(38,12)"),
    ("original_amount", "DECIMAL(38,12)", "the price as the winning source wrote it, in the list's currency and "
                                          "original_unit"),
    ("original_unit", "VARCHAR"),
    ("source_url", "VARCHAR", "where the winning source's value was read"),
    ("source_rank", "INTEGER", "precedence of the winning source (staging.source_precedence): 0 override, 1 seller's "
                               "page or API, 2 curated dataset, 3 aggregator"),
    ("sources", "VARCHAR[]", "every source that showed the value while the run was in force, sorted"),
    ("n_sources", "INTEGER", "how many sources agree: the length of sources"),
    ("last_confirmed", "DATE", "last day one of them was seen showing it (a page: its last capture; a dataset: the "
                               "day before its run ended, or the day it first showed a value still current)"),
)

# billing offers (assets/offers.py): the offer columns staging.billing_offers and marts.billing_offers share
_KIND = ("free_quota | free_tier | resource_pack | provisioned_throughput | model_unit | promotion | batch_discount "
         "| regional_uplift")
#: (column, DuckDB type, description) of the offer columns both tables share, in table order after the first ones.
_OFFER = [
    ("provider", "VARCHAR", "seller slug"),
    ("model", "VARCHAR", "seller's API model id; NULL for an offer not tied to a model (Volcengine model units)"),
    ("model_name", "VARCHAR", "as on the page (the machine type of a model unit)"),
    ("offer_kind", "VARCHAR", _KIND),
    ("price_kind", "VARCHAR", "the token price it concerns (TPM pack of input tokens, promotional output price)"),
    ("service_tier", "VARCHAR", "standard | batch | ... (a promotion's tier, the pricing tab of a free tier)"),
    ("tier_min_tokens", "BIGINT", "long-context tier of a promotional price; 0 = base"),
    ("region", "VARCHAR", "where the offer applies (global, cn-mainland, intl, data-residency, ...)"),
    ("amount", "DECIMAL(38,12)", "as written: price of the offer, 0 for free quotas/tiers, percent for discounts"),
    ("currency", "VARCHAR", "ISO 4217; NULL for a percentage"),
    ("unit", "VARCHAR", "per 1K tokens | per 1M tokens | one-off | per hour | per day | per month | percent off | "
                        "percent uplift"),
    ("amount_per_mtok", "DECIMAL(38,12)", "token-priced offers: amount per 1M tokens in currency (per 1K x 1000)"),
    ("quantity", "DECIMAL(38,6)", "what one unit of the offer gives (1000000 tokens, 10000 TPM, 1 model unit)"),
    ("quantity_unit", "VARCHAR", "tokens | TPM | model units | images | seconds | characters | requests | voices | "
                                 "grounded prompts"),
    ("usd_amount", "DECIMAL(38,12)", "amount in USD at the ECB rate of the observation day"),
    ("usd_per_mtok", "DECIMAL(38,12)", "amount_per_mtok in USD"),
]
_VALIDITY = [
    ("valid_days", "INTEGER", "validity after activation in days (free quotas)"),
    ("valid_from", "DATE", "first day of a promotion's window (inclusive, UTC); NULL = open"),
    ("valid_until", "DATE", "last day of a promotion's window (inclusive, UTC); NULL = open"),
    ("conditions", "VARCHAR", "the page's wording of what else the offer depends on"),
]


_STAGING_OFFERS = _schema(*[
    ("partition_date", "DATE", "daily partition of the snapshot (UTC)"),
    ("observed_at", "TIMESTAMP", "UTC; capture date for replayed pages"),
    ("source", "VARCHAR", "source id"),
    *_OFFER,
    ("fx_rate", "DECIMAL(38,18)", "units of currency per 1 USD (ECB); NULL for a percentage"),
    ("fx_date", "DATE", "date of that ECB rate"),
    *_VALIDITY,
    ("source_url", "VARCHAR", "page the offer was read from"),
    ("snapshot_sha256", "VARCHAR", "raw body it was parsed from"),
    ("location", "VARCHAR", "table/row/cell on the page"),
])
_MARTS_OFFERS = _schema(*[
    *_OFFER,
    *_VALIDITY,
    ("first_seen", "DATE", "first observation (UTC day) of this offer on this page"),
    ("last_seen", "DATE", "the page's latest observation"),
    ("source", "VARCHAR", "source id"),
    ("source_url", "VARCHAR", "page the offer was read from"),
    ("snapshot_sha256", "VARCHAR", "raw body of the latest observation"),
    ("location", "VARCHAR", "table/row/cell on the page"),
])


# workload costs and their forecast (assets/workload.py)
_MONEY = "per month, in the buyer's currency (the profile's buyer.currency)"
_WORKLOAD_COSTS = dg.TableSchema(columns=[
    dg.TableColumn("profile", "VARCHAR", description="workload profile (profiles/<profile>.yaml)"),
    dg.TableColumn("month", "DATE", description="first day of the month"),
    dg.TableColumn("priced_on", "DATE", description="prices in force on this day: the month's last day, today for "
                                                    "the current month"),
    dg.TableColumn("covered", "BOOLEAN", description="the month ends within the data (forecast_data_end): the "
                                                     "forecast uses these months"),
    dg.TableColumn("rank", "INTEGER", description="1 = the cheapest option that month"),
    dg.TableColumn("provider", "VARCHAR", description="seller slug"),
    dg.TableColumn("model", "VARCHAR", description="seller's API model id"),
    dg.TableColumn("region", "VARCHAR", description="price region of the option (global, cn-mainland, intl, ...)"),
    dg.TableColumn("list_currency", "VARCHAR", description="currency of the price list the option is priced from"),
    dg.TableColumn("currency", "VARCHAR", description="the buyer's currency: every amount of the row"),
    dg.TableColumn("input", "DECIMAL(38,6)", description=f"uncached input at base-tier standard prices, {_MONEY}"),
    dg.TableColumn("cache", "DECIMAL(38,6)", description=f"cache reads (as input without a cache price), {_MONEY}"),
    dg.TableColumn("output", "DECIMAL(38,6)", description=f"output at base-tier standard prices, {_MONEY}"),
    dg.TableColumn("tier_surcharge", "DECIMAL(38,6)", description=f"what long-context tiers add (cliff), {_MONEY}"),
    dg.TableColumn("discounts", "DECIMAL(38,6)", description=f"batch and off-peak savings (<= 0), {_MONEY}"),
    dg.TableColumn("free_quota", "DECIMAL(38,6)", description=f"free-quota savings (<= 0), {_MONEY}"),
    dg.TableColumn("total", "DECIMAL(38,6)", description=f"the month's cost, {_MONEY}"),
    dg.TableColumn("fx_rate", "DECIMAL(38,18)", description="buyer-currency units per list-currency unit (ECB)"),
    dg.TableColumn("fx_date", "DATE", description="date of that ECB rate; NULL when the currencies are the same"),
    dg.TableColumn("free_tokens", "DECIMAL(38,6)", description="free tokens a month counted (free_quotas: true)"),
    dg.TableColumn("notes", "VARCHAR", description="how the option was priced (no cache price, batch discount, "
                                                   "promotion, uplift, stale ECB rate)"),
])
_WORKLOAD_FORECAST = dg.TableSchema(columns=[
    dg.TableColumn("profile", "VARCHAR", description="workload profile"),
    dg.TableColumn("month", "DATE", description="first day of a forecast month (after the last covered month)"),
    dg.TableColumn("yhat", "DOUBLE", description="forecast median of the cheapest-option cost, buyer's currency "
                                                 "per month"),
    dg.TableColumn("lo80", "DOUBLE", description="80% prediction interval, low"),
    dg.TableColumn("hi80", "DOUBLE", description="80% prediction interval, high"),
    dg.TableColumn("lo95", "DOUBLE", description="95% prediction interval, low"),
    dg.TableColumn("hi95", "DOUBLE", description="95% prediction interval, high"),
    dg.TableColumn("model", "VARCHAR", description="naive | drift | loglinear | ets_damped | uc_llt (backtest choice)"),
    dg.TableColumn("currency", "VARCHAR", description="the buyer's currency"),
])




# subscriptions and resource packs (assets/plans.py, issue 18): the plan columns the plan tables share
_PLAN_ID = [
    ("provider", "VARCHAR", "seller slug"),
    ("product", "VARCHAR", "the seller's name of the plan family (GLM Coding Plan, Coding Plan, Video Package)"),
    ("plan", "VARCHAR", "the tier as the seller names it (Lite, Starter, Pro ...)"),
    ("billing_model", "VARCHAR", "subscription | resource_pack"),
    ("billing_period", "VARCHAR", "month | quarter | year | first_month | one_off (a pack)"),
    ("region", "VARCHAR", "global | cn-mainland | intl"),
]
_PLAN_QUOTA = [
    ("quota_amount", "DECIMAL(38,6)", "NULL when the page states no quota"),
    ("quota_unit", "VARCHAR", "prompts | requests | credits | characters | tokens"),
    ("quota_per", "VARCHAR", "5 hours | week | month | validity (a pack's one-off amount)"),
    ("quota_is_estimate", "BOOLEAN", "the page says about (约)"),
    ("unit_buys", "VARCHAR", "what one quota unit buys, where the page says (credits per video)"),
    ("valid_days", "INTEGER", "a pack's validity after purchase, days"),
    ("valid_months", "INTEGER", "a pack's validity after purchase, months"),
    ("models", "VARCHAR", "models included, as the page names them, '; '-separated"),
    ("status", "VARCHAR", "on_sale | closed_to_new_buyers"),
    ("promo_text", "VARCHAR", "a promotion, in the page's words"),
    ("promo_from", "DATE", "first day of the promotion (inclusive); NULL when undated"),
    ("promo_until", "DATE", "last day of the promotion (inclusive); NULL when undated"),
]
_STAGING_PLANS = _schema(*[
    ("partition_date", "DATE", "daily partition of the page snapshot; the snapshot's date for a dataset"),
    ("observed_at", "TIMESTAMP", "UTC; capture date for replayed pages, generatedAt for a snapshot"),
    ("source", "VARCHAR", "minimax_plans_cn | minimax_plans_intl | zhipu_coding_plan | coding_plans_snapshots"),
    ("scope", "VARCHAR", "what one observation covers (the page URL; a snapshot's seller entry)"),
    *_PLAN_ID,
    ("price", "DECIMAL(38,12)", "as written, per billing period; NULL when the page states none"),
    ("currency", "VARCHAR", "ISO 4217"),
    ("list_price", "DECIMAL(38,12)", "the undiscounted price shown beside it (原价, struck out)"),
    ("usd_price", "DECIMAL(38,12)", "price in USD at the ECB rate of fx_date"),
    ("usd_list_price", "DECIMAL(38,12)", "list_price in USD"),
    ("fx_rate", "DECIMAL(38,18)", "units of currency per 1 USD (ECB)"),
    ("fx_date", "DATE", "date of that ECB rate"),
    *_PLAN_QUOTA,
    ("promo_window", "VARCHAR", "a month-day window as the page gives it ('12-08..01-15')"),
    ("conditions", "VARCHAR", "the page's wording of what else the plan depends on"),
    ("source_url", "VARCHAR", "the seller's page"),
    ("snapshot_sha256", "VARCHAR", "sha256 of the raw page or of the dataset file"),
    ("location", "VARCHAR", "table/row/cell on the page; file/seller/plan of a dataset"),
])
_PLAN_HISTORY = _schema(*[
    *_PLAN_ID,
    ("currency", "VARCHAR", "ISO 4217"),
    ("price", "DECIMAL(38,12)", "as written, per billing period; NULL when the page states none"),
    ("list_price", "DECIMAL(38,12)", "the undiscounted price shown beside it"),
    ("usd_price", "DECIMAL(38,12)", "at the ECB rate of the interval's first observation"),
    ("fx_date", "DATE", "date of that ECB rate"),
    *_PLAN_QUOTA,
    ("conditions", "VARCHAR", "the page's wording of what else the plan depends on"),
    ("valid_from", "DATE", "first observation with these values (inclusive, UTC)"),
    ("valid_to", "DATE", "exclusive: the next change or the first observation of the same scope without the plan; "
                         "NULL while in force"),
    ("last_seen", "DATE", "last observation with these values"),
    ("n_observations", "INTEGER", "observations in the interval"),
    ("source", "VARCHAR", "source of the interval's first observation"),
    ("source_url", "VARCHAR", "the seller's page"),
    ("snapshot_sha256", "VARCHAR", "raw page or dataset file"),
    ("location", "VARCHAR", "where on the page (or in the dataset) it was read"),
])
_MARTS_PLANS = _schema(*[
    *_PLAN_ID,
    ("price", "DECIMAL(38,12)", "as written, per billing period; NULL when the page states none"),
    ("currency", "VARCHAR", "ISO 4217"),
    ("list_price", "DECIMAL(38,12)", "the undiscounted price shown beside it"),
    ("usd_price", "DECIMAL(38,12)", "at the ECB rate of the first observation of these values"),
    ("fx_date", "DATE", "date of that ECB rate"),
    *_PLAN_QUOTA,
    ("conditions", "VARCHAR", "the page's wording of what else the plan depends on"),
    ("first_seen", "DATE", "first day of the values in force"),
    ("last_seen", "DATE", "the latest observation (capture date)"),
    ("source", "VARCHAR", "source of the first observation of these values"),
    ("source_url", "VARCHAR", "the seller's page"),
    ("snapshot_sha256", "VARCHAR", "raw page or dataset file"),
    ("location", "VARCHAR", "where on the page (or in the dataset) it was read"),
])
_PLAN_CHANGES = _schema(*[
    *_PLAN_ID,
    ("currency", "VARCHAR", "ISO 4217"),
    ("changed_at", "DATE", "valid_from of the new price"),
    ("old_price", "DECIMAL(38,12)", "stated price before"),
    ("new_price", "DECIMAL(38,12)", "stated price after"),
    ("old_usd_price", "DECIMAL(38,12)", "USD before (ECB rate of its first observation)"),
    ("new_usd_price", "DECIMAL(38,12)", "USD after"),
    ("pct_change", "DOUBLE", "(new/old - 1) * 100 on the stated prices; NULL when old is 0"),
    ("old_quota", "VARCHAR", "quota before, when stated"),
    ("new_quota", "VARCHAR", "quota after, when stated"),
    ("source", "VARCHAR", "source of the new price's first observation"),
    ("source_url", "VARCHAR", "the seller's page"),
])

#: asset key -> every column of its table (:func:`table_of`), in table order.
COLUMN_SCHEMAS: dict[str, dg.TableSchema] = {
    "raw/page_snapshots": _schema(
        ("partition_date", "DATE", "daily partition the fetch belongs to (UTC day)"),
        ("source", "VARCHAR", "source id of the page, e.g. anthropic_pricing"),
        ("url", "VARCHAR", "the URL asked for"),
        ("final_url", "VARCHAR", "the URL after (allowed) redirects"),
        ("fetched_at", "TIMESTAMP", "when it was fetched, UTC; for a replayed capture, its capture date"),
        ("fetch_mode", "VARCHAR", "live | replay"),
        ("http_status", "INTEGER", "200, or 304 when unchanged since the previous fetch (same sha256 reused)"),
        ("content_type", "VARCHAR", "Content-Type of the response"),
        ("bytes", "BIGINT", "body size in bytes"),
        ("sha256", "VARCHAR", "SHA-256 of the body; names the blob <data_dir>/raw/<sha[:2]>/<sha>"),
        ("capture_file", "VARCHAR", "archive file a replayed body came from; NULL for a live fetch"),
        ("etag", "VARCHAR", "ETag of a live response, sent back (If-None-Match) on the next fetch"),
        ("last_modified", "VARCHAR", "Last-Modified of a live response, sent back (If-Modified-Since) next time"),
        ("ingested_at", "TIMESTAMP", "when this row was written, UTC"),
    ),
    "staging/price_quotes": _PRICE_QUOTES,
    "staging/litellm_price_history": _IMPORTED_RUNS,
    "staging/genai_prices_history": _IMPORTED_RUNS,
    "staging/simonw_llm_prices_history": _IMPORTED_RUNS,
    "staging/openrouter_snapshots_history": _IMPORTED_RUNS,
    "staging/price_overrides": _IMPORTED_RUNS,
    "marts/source_price_history": _PRICE_HISTORY,
    "marts/price_history": _RECONCILED,
    "marts/billing_offers": _MARTS_OFFERS,
    "staging/coding_plan_snapshots": _STAGING_PLANS,
    "marts/billing_plan_history": _PLAN_HISTORY,
    "marts/billing_plans": _MARTS_PLANS,
    "marts/billing_plan_changes": _PLAN_CHANGES,
    "marts/workload_costs": _WORKLOAD_COSTS,
    "marts/latest_prices": _schema(
        ("provider", "VARCHAR"),
        ("model", "VARCHAR"),
        ("price_kind", "VARCHAR"),
        ("service_tier", "VARCHAR"),
        ("tier_min_tokens", "BIGINT"),
        ("region", "VARCHAR"),
        ("currency", "VARCHAR"),
        ("conditions", "VARCHAR"),
        ("usd_per_mtok", "DECIMAL(38,12)"),
        ("original_amount", "DECIMAL(38,12)"),
        ("original_unit", "VARCHAR"),
        ("source", "VARCHAR", "the winning source: the evidence that dated the reconciled run in force today"),
        ("source_url", "VARCHAR", "where the winning source's value was read"),
        ("valid_from", "DATE", "first day of the run in force today, inclusive (UTC date)"),
        ("source_rank", "INTEGER", "precedence of the winning source (staging.source_precedence): 0 override, 1 "
                                   "seller's page or API, 2 curated dataset, 3 aggregator"),
        ("sources", "VARCHAR[]", "every source that showed this price while the run was in force, sorted"),
        ("n_sources", "INTEGER", "how many sources agree"),
        ("last_confirmed", "DATE", "last day one of them was seen showing it (a feed read once: the feed's own date)"),
    ),
    "marts/price_changes": _schema(
        ("provider", "VARCHAR"),
        ("model", "VARCHAR"),
        ("price_kind", "VARCHAR"),
        ("service_tier", "VARCHAR"),
        ("tier_min_tokens", "BIGINT"),
        ("region", "VARCHAR"),
        ("currency", "VARCHAR"),
        ("conditions", "VARCHAR"),
        ("source", "VARCHAR", "the source whose history changed (changes are within one source)"),
        ("changed_at", "DATE", "first day of the new price: valid_from of the new run (UTC date)"),
        ("old_amount", "DECIMAL(38,12)", "price before, in the list's currency and original unit"),
        ("new_amount", "DECIMAL(38,12)", "price after, in the list's currency and original unit"),
        ("old_usd_per_mtok", "DECIMAL(38,12)", "price before, USD per 1M tokens"),
        ("new_usd_per_mtok", "DECIMAL(38,12)", "price after, USD per 1M tokens"),
        ("pct_change", "DOUBLE", "(new_amount / old_amount - 1) * 100 on the original amounts (FX moves are no "
                                 "change); NULL when old is 0"),
        ("source_url", "VARCHAR", "where the new price was read"),
    ),
    "marts/model_delistings": _schema(
        ("provider", "VARCHAR"),
        ("model", "VARCHAR"),
        ("source", "VARCHAR", "the page the model was taken off"),
        ("currency", "VARCHAR", "currency of the page's price list (a seller's CNY and USD pages count apart)"),
        ("last_seen", "DATE", "last day the model was on the page before it went missing (UTC)"),
        ("delisted_at", "DATE", "first observed day it was missing (UTC)"),
        ("absent_observations", "BIGINT", "consecutive observations of the page without it (at least "
                                          "TOKENPRICES_DELIST_AFTER, default 3)"),
        ("relisted_at", "DATE", "first day it was back on the page (UTC); NULL if it has not come back"),
    ),
    "marts/model_aliases": _schema(
        ("source", "VARCHAR", "the source using the name"),
        ("provider", "VARCHAR"),
        ("model", "VARCHAR", "the seller's or dataset's model id the name belongs to"),
        ("alias", "VARCHAR", "the name: a model id, a page display name or a dataset key (gemini/gemini-2.5-pro)"),
        ("alias_kind", "VARCHAR", "model id | display name | dataset key"),
        ("creator", "VARCHAR", "who made the model (organisation slug), by the exact rules of "
                               "pipelines.history.models.resolve"),
        ("canonical_model", "VARCHAR", "the model's id under its creator: with creator, its identity in "
                                       "marts.models"),
    ),
    "marts/price_discrepancies": _schema(
        ("day", "DATE", "first UTC day both runs are in force (they disagree on every day of the overlap)"),
        ("provider", "VARCHAR"),
        ("model", "VARCHAR"),
        ("price_kind", "VARCHAR"),
        ("service_tier", "VARCHAR"),
        ("tier_min_tokens", "BIGINT"),
        ("region", "VARCHAR"),
        ("conditions", "VARCHAR"),
        ("source_a", "VARCHAR", "the better-ranked source (staging.source_precedence)"),
        ("currency_a", "VARCHAR", "currency of side a's price list"),
        ("amount_a", "DECIMAL(38,12)", "side a's price in currency_a, in the page's original unit"),
        ("usd_a", "DECIMAL(38,12)", "side a's price, USD per 1M tokens (a CNY/EUR list at the ECB rate of its run's start)"),
        ("source_b", "VARCHAR", "the other source, or the same source's list in another currency"),
        ("currency_b", "VARCHAR", "currency of side b's price list"),
        ("amount_b", "DECIMAL(38,12)", "side b's price in currency_b, in its original unit"),
        ("usd_b", "DECIMAL(38,12)", "side b's price, USD per 1M tokens (a CNY/EUR list at the ECB rate of its run's start)"),
        ("ratio", "DOUBLE", "usd_b / usd_a; listed only when it is more than 0.5% away from 1"),
    ),
    "marts/model_facts": _schema(
        ("provider", "VARCHAR"),
        ("model", "VARCHAR"),
        ("fact", "VARCHAR", "context_window | max_output_tokens | input_modalities | output_modalities | "
                            "deprecation_date | retirement_date"),
        ("value", "VARCHAR", "tokens as digits, modalities as a sorted comma list, dates ISO"),
        ("tokens", "BIGINT", "context_window / max_output_tokens as a number (K read as 1,000); NULL otherwise"),
        ("stated", "VARCHAR", "the source's own text ('128K', '262,144 tokens', LiteLLM's JSON value)"),
        ("source", "VARCHAR", "page source name, genai_prices or litellm"),
        ("rank", "INTEGER", "precedence (staging.source_precedence): 1 page or price API, 2 curated, 3 LiteLLM"),
        ("source_url", "VARCHAR"),
        ("as_of", "DATE", "day the source stated it (last observation of a page; the dataset copy's date)"),
        ("location", "VARCHAR", "where in the page or file"),
        ("chosen", "BOOLEAN", "the value used for this (provider, model, fact): best rank, then latest as_of"),
        ("sources_disagree", "BOOLEAN", "another source states another value for this (provider, model, fact)"),
    ),
    "marts/price_structure": _schema(
        ("provider", "VARCHAR"),
        ("model", "VARCHAR"),
        ("currency", "VARCHAR", "currency of the price list (one row per list)"),
        ("input_usd_per_mtok", "DOUBLE", "current standard input price, base context tier, USD per 1M tokens"),
        ("output_usd_per_mtok", "DOUBLE", "current standard output price, base context tier, USD per 1M tokens"),
        ("output_input_ratio", "DOUBLE", "output / input price"),
        ("cache_read_discount", "DOUBLE", "1 - cache_read / input; NULL without a cache-read price"),
        ("batch_discount", "DOUBLE", "1 - batch input / standard input; NULL without a batch price"),
        ("long_context_tier", "BIGINT", "lowest long-context threshold (tokens) with its own input price; NULL "
                                        "if none"),
        ("long_context_premium", "DOUBLE", "input price at long_context_tier / base input price"),
        ("cny_usd_gap", "DOUBLE", "for a non-USD list: its input in USD (ECB) / the seller's USD list input - 1; "
                                  "NULL for a USD list"),
    ),
    "forecasts/market_index": _schema(
        ("series", "VARCHAR", "matched_model_blended (this asset); forecasts/provider_indexes adds "
                              "matched_model_blended[_cny|_cny_usd]/<provider>"),
        ("month", "DATE"),
        ("index_value", "DOUBLE", "chained Jevons index of blended 3:1 prices, first month = 100"),
        ("n_models", "INTEGER", "models priced both this month and the month before"),
    ),
    "forecasts/provider_indexes": _MONTHLY_SERIES,
    "forecasts/cheapest_at_capability": _MONTHLY_SERIES,
    "forecasts/price_tiers": _MONTHLY_SERIES,
    "forecasts/price_decline": _schema(
        ("series", "VARCHAR", "a series of forecasts.monthly_series"),
        ("method", "VARCHAR", "loglinear_ols_hac (this asset) | epoch_running_min_ols (Epoch AI's running "
                              "minimum, written by forecasts/cheapest_at_capability)"),
        ("factor", "DOUBLE", "annual decline factor exp(-12 * slope): prices fall factor-x per year"),
        ("ci_low", "DOUBLE", "95% CI low of factor (HAC errors; nonrobust for epoch_running_min_ols)"),
        ("ci_high", "DOUBLE", "95% CI high of factor"),
        ("half_life_months", "DOUBLE", "log(2) / -slope while falling, else NULL"),
        ("n_obs", "INTEGER", "months used (points for epoch_running_min_ols)"),
        ("window", "VARCHAR", "first..last month (day) used, or the series' span"),
        ("status", "VARCHAR", "ok | insufficient (fewer than 12 months or no change: no factor, no interval)"),
        ("reason", "VARCHAR", "why the series has no factor; for a converted currency, that it carries the "
                              "exchange rate"),
        ("list_series", "VARCHAR", "a converted-currency series' twin in the list currency"),
        ("fx_factor", "DOUBLE", "the exchange-rate component of a converted series' factor (factor / list_series' "
                                "factor)"),
    ),
    "forecasts/cut_probability": _schema(
        ("seller", "VARCHAR", "first-party seller"),
        ("model", "VARCHAR"),
        ("price_kind", "VARCHAR", "input | output | blended (3:1), USD per 1M tokens"),
        ("as_of", "DATE", "month of the price (first day)"),
        ("price", "DOUBLE", "price in force that month, USD per 1M tokens"),
        ("months_since_change", "INTEGER", "months since the last change (or since first priced)"),
        ("p_cut_3m", "DOUBLE", "probability of at least one cut within 3 months (simulated)"),
        ("p_cut_6m", "DOUBLE", "within 6 months"),
        ("p_cut_12m", "DOUBLE", "within 12 months"),
        ("p_rise_12m", "DOUBLE", "probability that the price is above today's at some month within 12"),
        ("expected_cut_pct", "DOUBLE", "mean size of a cut, % of the price"),
        ("cut_sizes_from", "VARCHAR", "the seller (its own cuts) | pooled"),
    ),
    "forecasts/workload_cost_forecast": _WORKLOAD_FORECAST,
    "forecasts/backtest": _schema(
        ("series", "VARCHAR"),
        ("model", "VARCHAR", _SHARED["forecast_model"]),
        ("horizon", "INTEGER", "months ahead: 3, 6, 12"),
        ("mae_log", "DOUBLE", "mean |log actual - log forecast|; NULL with fewer than 3 origins"),
        ("mase_naive", "DOUBLE", "absolute errors / in-sample one-step naive MAE (pooled over origins)"),
        ("mase_drift", "DOUBLE", "absolute errors / in-sample one-step drift MAE (pooled over origins)"),
        ("coverage80", "DOUBLE", "share of origins whose outcome fell in the 80% interval"),
        ("coverage95", "DOUBLE", "share of origins whose outcome fell in the 95% interval"),
        ("n_origins", "INTEGER", "forecast origins scored (expanding window, monthly from 12 months of data)"),
        ("note", "VARCHAR", "why the scores are NULL, when they are"),
    ),
    "forecasts/price_forecast": _schema(
        ("series", "VARCHAR"),
        ("month", "DATE", "first day of a forecast month, after the series' last month"),
        ("yhat", "DOUBLE", "forecast median, in the series' unit (index level or USD per 1M tokens)"),
        ("lo80", "DOUBLE", "80% prediction interval, low"),
        ("hi80", "DOUBLE", "80% prediction interval, high"),
        ("lo95", "DOUBLE", "95% prediction interval, low"),
        ("hi95", "DOUBLE", "95% prediction interval, high"),
        ("model", "VARCHAR", "the model the backtest chose: " + _SHARED["forecast_model"]),
    ),
}


def with_column_schema(spec: dg.AssetSpec) -> dg.AssetSpec:
    """``spec`` with ``dagster/column_schema`` and ``dagster/table_name`` from :data:`COLUMN_SCHEMAS`; unchanged
    when it has no entry here (the catalog test then names it)."""
    key = spec.key.to_user_string()
    if key not in COLUMN_SCHEMAS:
        return spec
    return spec.merge_attributes(
        metadata={"dagster/column_schema": COLUMN_SCHEMAS[key], "dagster/table_name": table_of(key)}
    )
