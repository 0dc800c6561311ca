"""Forecasts: monthly price series, their annual decline, rolling-origin backtests and 12-month forecasts.

Series assets (group ``forecasts``; each writes its rows of ``forecasts.monthly_series``, the matched-model
indexes also ``forecasts.market_index``):

- ``forecasts/market_index``: the overall matched-model index (``matched_model_blended``).
- ``forecasts/provider_indexes``: the same index per seller, and for the sellers with a CNY price list that list
  in CNY and in USD.
- ``forecasts/cheapest_at_capability``: the cheapest price at or above LMArena capability thresholds (Epoch AI's
  method), when ``TOKENPRICES_CAPABILITY_DIR`` names the LMArena folder or ``TOKENPRICES_CAPABILITY_FETCH`` fetches
  the public leaderboard CSV; skipped (and said so) otherwise.
- ``forecasts/price_tiers``: the median across sellers of each seller's most / least expensive current text model.

Model assets: ``forecasts/price_decline`` (log-linear trend with HAC errors for every series) and
``forecasts/backtest`` + ``forecasts/price_forecast`` (one computation: backtest every candidate model, choose,
forecast). How the models are fitted and scored: :mod:`pipelines.forecast.fit`.

Checks: each series asset has one non-blocking check, ``<family>_within_last_forecast`` (:func:`_interval_spec`),
that warns when a new month's value falls outside the 95% interval forecast for it one month earlier. The asset
evaluates it right after writing its series, so the check costs no step of its own (~0.1 s of a run each)."""


import base64
import datetime as dt
import hashlib
from collections import Counter
from pathlib import Path

import dagster as dg
import numpy as np
import pandas as pd
from dagster_duckdb import DuckDBResource
from pydantic import Field

from pipelines import warehouse
from pipelines.config import capability_fetch_url, plots_url
from pipelines.forecast import capability
from pipelines.forecast import cuts
from pipelines.forecast import epoch
from pipelines.forecast import fit as forecast
from pipelines.forecast import ratings_fetch, report
from pipelines.resources import DataDirResource
from pipelines.sources.fetch import FetchError

SERIES = forecast.SERIES
#: a16z's "LLMflation" estimate (2024-11): the price of a constant capability fell ~10x per year.
A16Z_LLMFLATION = 10.0
OWNERS = ["team:tokenprices"]
PRICE_HISTORY = dg.AssetKey(["marts", "price_history"])


class SeriesConfig(dg.Config):
    """Configuration of a series asset."""

    as_of_month: str = Field(
        default="", description="YYYY-MM: last month of the series (default: the last month whose end the data cover)"
    )


class CapabilityConfig(SeriesConfig):
    """Configuration of ``forecasts/cheapest_at_capability``."""

    thresholds: list[str] = Field(
        default=list(capability.DEFAULT_THRESHOLDS),
        description="LMArena names of the threshold reference models (within-snapshot comparison)",
    )


# --------------------------------------------------------------------------------------------- helpers


def _as_of(con, config: SeriesConfig) -> dt.date:
    """The series' last month: ``config.as_of_month`` or the last complete month. Raises ValueError for a bad
    ``as_of_month`` or an empty history."""
    if config.as_of_month:
        return dt.datetime.strptime(config.as_of_month, "%Y-%m").date()
    return forecast.last_complete_month(con)


MARKET_INDEX = dg.AssetKey(["forecasts", "market_index"])
PROVIDER_INDEXES = dg.AssetKey(["forecasts", "provider_indexes"])
CHEAPEST_AT_CAPABILITY = dg.AssetKey(["forecasts", "cheapest_at_capability"])
PRICE_TIERS = dg.AssetKey(["forecasts", "price_tiers"])
#: the family of ``forecasts.monthly_series`` each series asset writes, and names its interval check after.
FAMILIES = {MARKET_INDEX: "matched_model", PROVIDER_INDEXES: "matched_model_provider",
            CHEAPEST_AT_CAPABILITY: "cheapest_at_capability", PRICE_TIERS: "price_tier"}


def _write_family(con, key: dg.AssetKey, rows: pd.DataFrame) -> dg.AssetCheckResult:
    """Replace the series of the series asset ``key``'s family (:data:`FAMILIES`) in ``forecasts.monthly_series``
    (and its indexes in ``forecasts.market_index``) by ``rows``, in one transaction, and return the asset's
    interval check on them (:func:`_interval_result`)."""
    family = FAMILIES[key]
    cols = ["series", "family", "month", "value", "unit", "n_items", "detail"]
    rows = rows[cols] if len(rows) else pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    index = rows[rows["unit"] == "index"].rename(columns={"value": "index_value", "n_items": "n_models"})
    with warehouse.transaction(con):
        # the index rows of the series the family wrote last time, and of those it writes now
        old = [s for (s,) in warehouse.run(con, "forecast_family_series", {"family": family}).fetchall()]
        warehouse.replace(con, "forecasts.market_index", index, {"series": sorted({*old, *rows["series"]})})
        warehouse.replace(con, "forecasts.monthly_series", rows, {"family": family})
    return _interval_result(con, key)


def _series_item(name: str, g: pd.DataFrame) -> tuple[str, list, np.ndarray]:
    """``(series, months, values)`` of one series as :func:`_read_series` returns it: what the fits take."""
    return name, list(g["month"]), g["value"].to_numpy()


def _md(df: pd.DataFrame, floatfmt: str = ".3f") -> dg.MetadataValue:
    return dg.MetadataValue.md(df.to_markdown(index=False, floatfmt=floatfmt) if len(df) else "(none)")


def _png_md(path, alt: str) -> dg.MetadataValue:
    b64 = base64.b64encode(path.read_bytes()).decode()
    return dg.MetadataValue.md(f"![{alt}](data:image/png;base64,{b64})")


def _series_summary(rows: pd.DataFrame) -> pd.DataFrame:
    g = rows.groupby("series")
    return pd.DataFrame({
        "series": list(g.groups), "months": g.size().to_numpy(),
        "first": g["month"].min().astype(str).to_numpy(), "last": g["month"].max().astype(str).to_numpy(),
        "last_value": g["value"].last().to_numpy(), "unit": g["unit"].first().to_numpy(),
    })


def _interval_spec(key: dg.AssetKey) -> dg.AssetCheckSpec:
    """The check ``<family>_within_last_forecast`` of the series asset ``key`` (evaluated by the asset itself,
    :func:`_interval_result`, right after it writes its series: no step of its own)."""
    family = FAMILIES[key]
    return dg.AssetCheckSpec(
        name=f"{family}_within_last_forecast",
        asset=key,
        blocking=False,
        description=(
            f"Warns (non-blocking) when the newest month of a `{family}` series falls outside the 95% prediction "
            "interval forecast for that month one month earlier (forecasts.forecast_archive). Passes when there "
            "is nothing to compare yet (first run, or no new month since the last forecast)."
        ),
    )


def _interval_result(con, key: dg.AssetKey) -> dg.AssetCheckResult:
    """Evaluate :func:`_interval_spec` on the series of ``key``'s family as written (SQL
    ``forecast_last_interval``): severity WARN, failed when a series' newest month is outside last month's 95%
    interval."""
    family = FAMILIES[key]
    rows = warehouse.run(con, "forecast_last_interval", {"family": family}).fetchdf()
    compared = rows.dropna(subset=["lo95"])
    outside = compared[(compared["value"] < compared["lo95"]) | (compared["value"] > compared["hi95"])]
    return dg.AssetCheckResult(
        asset_key=key,
        check_name=f"{family}_within_last_forecast",
        passed=outside.empty,
        severity=dg.AssetCheckSeverity.WARN,
        description=(f"{len(outside)} of {len(compared)} series outside last month's 95% interval" if len(compared)
                     else "nothing to compare: no forecast made one month before the newest month"),
        metadata={
            "compared": len(compared),
            "outside": len(outside),
            "details": _md(compared.drop(columns=["origin_month"]), ".4g"),
        },
    )


# --------------------------------------------------------------------------------------------- series assets


@dg.asset(
    key=MARKET_INDEX,
    check_specs=[_interval_spec(MARKET_INDEX)],
    group_name="forecasts",
    kinds={"python", "duckdb"},
    owners=OWNERS,
    deps=[PRICE_HISTORY],
    pool="duckdb_warehouse",
    description=(
        "Matched-model index `matched_model_blended` -> forecasts.market_index and forecasts.monthly_series. "
        "What enters: every (provider, model) of the first-party sellers (OpenAI, Anthropic, Google, DeepSeek, "
        "Mistral, xAI, Cohere, Moonshot, MiniMax) with an input and an output price in force on the month's last "
        "day: standard tier, base context tier, global region, USD list, no conditions, per model the best-ranked "
        "source (staging.source_precedence: override > seller's page > curated dataset > LiteLLM; "
        "marts.price_history). Weighting: blended price (3 input + 1 output)/4; the index moves by the "
        "geometric mean, equal weights, of the month-on-month price relatives of the models priced in both "
        "months (chained Jevons, first month = 100; relatives beyond 20x are data errors and left out). It "
        "measures how much existing models got cheaper, not the price of a fixed capability."
    ),
)
def market_index(context, config: SeriesConfig, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Monthly chained Jevons matched-model index of blended (3:1) prices (first-party sellers, USD lists)."""
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        last = _as_of(con, config)
        prices = forecast.monthly_prices(con, last)
        rows = forecast.build_matched_model(con, last, prices)
        check = _write_family(con, MARKET_INDEX, rows)
    idx = rows.rename(columns={"value": "index_value", "n_items": "n_models"})[["month", "index_value", "n_models"]]
    return dg.MaterializeResult(
        check_results=[check],
        metadata={
            "dagster/row_count": len(idx),
            "months": f"{idx['month'].iloc[0]:%Y-%m}..{idx['month'].iloc[-1]:%Y-%m}",
            "models_priced": int(prices[["provider", "model"]].drop_duplicates().shape[0]),
            "last_index_value": dg.MetadataValue.float(float(idx["index_value"].iloc[-1])),
            "preview": dg.MetadataValue.md(idx.tail(12).to_markdown(index=False, floatfmt=".2f")),
        }
    )


@dg.asset(
    key=PROVIDER_INDEXES,
    check_specs=[_interval_spec(PROVIDER_INDEXES)],
    group_name="forecasts",
    kinds={"python", "duckdb"},
    owners=OWNERS,
    deps=[PRICE_HISTORY],
    pool="duckdb_warehouse",
    description=(
        "Matched-model indexes per seller -> forecasts.market_index and forecasts.monthly_series. "
        "`matched_model_blended/<provider>`: the overall index's method (blended 3:1, standard tier, base context "
        "tier, USD list, source precedence, chained Jevons with equal weights) on one first-party seller's models. "
        "For every seller with a CNY price list (its own page): `matched_model_blended_cny/<provider>` is that "
        "list's index in CNY (original amounts per 1M tokens; mainland list preferred over global; no "
        "conditions), and `matched_model_blended_cny_usd/<provider>` the same list in USD at each month-end ECB "
        "rate (the CNY index times rate_first/rate_month), i.e. what a USD payer saw."
    ),
)
def provider_indexes(context, config: SeriesConfig, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Per-seller matched-model indexes (USD lists), and CNY lists in CNY and in USD."""
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        rows, fx_notes = forecast.build_provider_indexes(con, _as_of(con, config))
        check = _write_family(con, PROVIDER_INDEXES, rows)
    cny = sorted({x.split("/")[1] for x in rows["series"] if x.startswith(f"{SERIES}_cny/")})
    summary = _series_summary(rows) if len(rows) else pd.DataFrame()
    return dg.MaterializeResult(
        check_results=[check],
        metadata={
            "dagster/row_count": len(rows),
            "series": len(summary),
            "cny_sellers": ", ".join(cny) or "none",
            "fx_gaps": "; ".join(fx_notes) or "none",
            "summary": _md(summary, ".2f"),
        }
    )


def _ratings_folder(context, data_dir: DataDirResource) -> tuple[Path | None, str | None, dict]:
    """Where the LMArena ratings are read from: ``(folder, reason it is skipped or None, provenance metadata)``.
    ``TOKENPRICES_CAPABILITY_DIR`` (a folder someone gives, offline) first; else, with
    ``TOKENPRICES_CAPABILITY_FETCH``, the public leaderboard CSV fetched now into ``<data dir>/raw/capability``
    (:mod:`pipelines.forecast.ratings_fetch`; a failed fetch falls back to the snapshots fetched before, and says
    so); else skipped: the ratings are not shipped."""
    folder = capability.capability_dir()
    if folder is not None:
        if not folder.is_dir():
            return None, f"TOKENPRICES_CAPABILITY_DIR={folder} is not a folder", {}
        return folder, None, {"ratings_source": f"folder {folder} (TOKENPRICES_CAPABILITY_DIR)"}
    url = capability_fetch_url()
    if url is None:
        return None, ("TOKENPRICES_CAPABILITY_DIR is not set and TOKENPRICES_CAPABILITY_FETCH is off (LMArena "
                      "ratings are not shipped with tokenprices: TOKENPRICES_CAPABILITY_FETCH=1 fetches the public "
                      "leaderboard CSV)"), {}
    raw = data_dir.root() / "raw" / "capability"
    try:
        snap = ratings_fetch.fetch_snapshot(url, raw)
    except (FetchError, ValueError) as exc:
        if not any(raw.glob("lmarena_text_*.csv")):
            return None, f"fetching the LMArena ratings failed and none were fetched before: {exc}", {}
        context.log.warning(f"LMArena ratings not fetched ({exc}); using the snapshots fetched before in {raw}")
        return raw, None, {"ratings_source": f"{url} (fetched before; this fetch failed: {exc})"}
    context.log.info(f"LMArena ratings fetched from {url}: {snap.rows} rows, sha256 {snap.sha256}, "
                     f"{'stored as ' + snap.file.name if snap.stored else 'unchanged since ' + snap.file.name}")
    return raw, None, {
        "ratings_source": dg.MetadataValue.url(url),
        "ratings_fetched_at": snap.fetched_at.isoformat(),
        "ratings_sha256": snap.sha256,
        "ratings_file": dg.MetadataValue.path(str(snap.file)),
        "ratings_provenance": dg.MetadataValue.path(str(raw / ratings_fetch.PROVENANCE_FILE)),
    }


@dg.asset(
    key=CHEAPEST_AT_CAPABILITY,
    check_specs=[_interval_spec(CHEAPEST_AT_CAPABILITY)],
    group_name="forecasts",
    kinds={"python", "duckdb"},
    owners=OWNERS,
    deps=[PRICE_HISTORY],
    pool="duckdb_warehouse",
    description=(
        "Cheapest price at a capability level (Epoch AI's method) -> forecasts.monthly_series "
        "(`cheapest_at_lmarena/<reference>`), forecasts.capability_matches, forecasts.capability_trend and the "
        "`epoch_running_min_ols` rows of forecasts.price_decline. What enters: first-party models joined to "
        "LMArena names by exact rules (unmatched names listed), reasoning models left out, that LMArena rates "
        "at or above the threshold's reference model in the latest snapshot rating both; their blended 3:1 "
        "price (standard tier, base context, USD, source precedence). Weighting: none, the cheapest model sets "
        "the monthly value. The running-minimum trend reruns Epoch AI's regression (log10 price on day, "
        "records strictly below every earlier one) on our dated prices. Needs LMArena ratings (not shipped): "
        "TOKENPRICES_CAPABILITY_DIR names a folder of them, or TOKENPRICES_CAPABILITY_FETCH=1 fetches the public "
        "leaderboard CSV now into <data dir>/raw/capability with its provenance (URL, fetch time, sha256; "
        "pipelines.forecast.ratings_fetch); without either the asset clears its series and says it was skipped."
    ),
)
def cheapest_at_capability(context, config: CapabilityConfig, duckdb: DuckDBResource,
                           data_dir: DataDirResource) -> dg.MaterializeResult:
    """Monthly cheapest price among models at or above each capability threshold, and Epoch's trend on it."""
    folder, reason, provenance = _ratings_folder(context, data_dir)
    empty = pd.DataFrame()
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        if reason is not None:
            check = _write_family(con, CHEAPEST_AT_CAPABILITY, empty)
            warehouse.replace(con, "forecasts.capability_matches", empty)
            warehouse.replace(con, "forecasts.capability_trend", empty)
            warehouse.replace(con, "forecasts.price_decline", empty, {"method": "epoch_running_min_ols"})
            context.log.info(f"cheapest_at_capability skipped: {reason}")  # expected without the dataset
            return dg.MaterializeResult(metadata={"skipped": True, "reason": reason, "dagster/row_count": 0},
                                        check_results=[check])
        b = capability.build(con, _as_of(con, config), folder, config.thresholds)
        check = _write_family(con, CHEAPEST_AT_CAPABILITY, b.rows)
        warehouse.replace(con, "forecasts.capability_matches", b.matched)
        warehouse.replace(con, "forecasts.capability_trend", b.trends)
        epoch_rows = b.declines.assign(status="ok").reindex(columns=DECLINE_COLUMNS)  # no list/FX columns here
        warehouse.replace(con, "forecasts.price_decline", epoch_rows, {"method": "epoch_running_min_ols"})
    rows, matched, unmatched = b.rows, b.matched, b.unmatched
    first_party = unmatched[unmatched["organization"].isin(list(capability.ORG_PROVIDER))]
    others = unmatched[~unmatched["organization"].isin(list(capability.ORG_PROVIDER))]
    return dg.MaterializeResult(
        check_results=[check],
        metadata={
            "skipped": False,
            "dagster/row_count": len(rows),
            "ratings": b.ratings,
            **provenance,
            "thresholds": _md(b.per_threshold, ".4g"),
            "matched_names": len(matched),
            "reasoning_excluded": ", ".join(matched[matched["reasoning"]]["model"]) or "none",
            "unmatched_first_party": _md(first_party),
            "unmatched_other_organisations": dg.MetadataValue.md(
                f"{len(others)} names of {others['organization'].nunique()} organisations that are not first-party "
                f"sellers we price: " + ", ".join(sorted(others["organization"].unique()))
            ),
            "matches": _md(matched),
        }
    )


@dg.asset(
    key=PRICE_TIERS,
    check_specs=[_interval_spec(PRICE_TIERS)],
    group_name="forecasts",
    kinds={"python", "duckdb"},
    owners=OWNERS,
    deps=[PRICE_HISTORY, dg.AssetKey(["staging", "price_quotes"])],
    pool="duckdb_warehouse",
    description=(
        "Frontier and floor prices -> forecasts.monthly_series (`price_tier/most_expensive_median`, "
        "`price_tier/least_expensive_median`). What enters: each first-party seller's current text models with "
        "a blended 3:1 price in force on the month's last day (standard tier, base context, USD, source "
        "precedence); current = on the seller's latest observed price page, or first priced after it (every "
        "model before a seller's page was first observed); text = not audio/realtime/image/embedding/"
        "moderation/robotics/computer-use, not a fine-tune. Weighting: per seller its most and its least "
        "expensive model; the series are the medians across sellers (equal weight per seller)."
    ),
)
def price_tiers(context, config: SeriesConfig, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Median across sellers of their most and least expensive current text model, monthly."""
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        last = _as_of(con, config)
        prices = forecast.monthly_prices(con, last)
        rows, current = forecast.build_price_tiers(con, last, prices)
        check = _write_family(con, PRICE_TIERS, rows)
    latest = rows[rows["month"] == rows["month"].max()][["series", "value", "n_items", "detail"]]
    return dg.MaterializeResult(
        check_results=[check],
        metadata={
            "dagster/row_count": len(rows),
            "models_priced": int(prices[["provider", "model"]].drop_duplicates().shape[0]),
            "current_model_months": len(current),
            "latest": _md(latest, ".4g"),
            "summary": _md(_series_summary(rows), ".4g"),
        }
    )


SERIES_ASSETS = [market_index, provider_indexes, cheapest_at_capability, price_tiers]
SERIES_KEYS = [a.key for a in SERIES_ASSETS]


def _read_series(con) -> dict[str, pd.DataFrame]:
    df = warehouse.run(con, "forecast_read_series").fetchdf()
    return {s: g.reset_index(drop=True) for s, g in df.groupby("series", sort=True)}


# --------------------------------------------------------------------------------------------- model assets


@dg.asset(
    key=dg.AssetKey(["forecasts", "price_decline"]),
    group_name="forecasts",
    kinds={"statsmodels", "duckdb"},
    owners=OWNERS,
    deps=SERIES_KEYS,
    pool="duckdb_warehouse",
    description=(
        "Annual decline factor of every series of forecasts.monthly_series -> forecasts.price_decline "
        "(method loglinear_ols_hac): OLS of log(value) on the month number with HAC (Newey-West) errors, "
        "factor exp(-12*slope) ('prices fall factor-x per year') with its 95% CI and half-life. A series with "
        "fewer than 12 months or no change at all gets status 'insufficient', its span and the reason, and no "
        "factor or interval. A converted-currency series (matched_model_blended_cny_usd/*) says it carries the "
        "exchange rate and names the same list in its own currency (list_series), with the FX component "
        "(fx_factor = its factor / the list's) when both are fitted."
    ),
)
def price_decline(context, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Log-linear decline (HAC) of every monthly series; insufficient series say why they have no factor."""
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        series = _read_series(con)
        items = [_series_item(s, g) for s, g in series.items()]
        table = decline_rows(items, forecast.declines(items))
        warehouse.replace(con, "forecasts.price_decline", table, {"method": forecast.METHOD_LOGLINEAR})
    short = table[table["status"] == forecast.INSUFFICIENT]
    head = table[table["series"] == SERIES]
    meta = {
        "dagster/row_count": len(table),
        "declines": _md(table.drop(columns=["method", "reason"]), ".3f"),
        "insufficient_history": _md(short[["series", "reason"]]),
    }
    if len(head):
        h = head.iloc[0]
        context.log.info(f"{SERIES}: prices fall {h.factor:.3f}x per year (95% CI {h.ci_low:.3f}-{h.ci_high:.3f})")
        meta.update({
            "decline_factor": dg.MetadataValue.float(float(h.factor)),
            "ci_low": dg.MetadataValue.float(float(h.ci_low)),
            "ci_high": dg.MetadataValue.float(float(h.ci_high)),
            "half_life_months": dg.MetadataValue.float(float(h.half_life_months))
            if pd.notna(h.half_life_months) else dg.MetadataValue.text("n/a (not falling)"),
            "n_obs": int(h.n_obs),
            "window": h.window,
        })
    return dg.MaterializeResult(metadata=meta)


DECLINE_COLUMNS = ["series", "method", "factor", "ci_low", "ci_high", "half_life_months", "n_obs", "window",
                   "status", "reason", "list_series", "fx_factor"]
#: a converted-currency series and its list-currency twin: ``<SERIES>_cny_usd/<seller>`` -> ``<SERIES>_cny/<seller>``.
CONVERTED, LIST_CURRENCY = f"{SERIES}_cny_usd/", f"{SERIES}_cny/"


def decline_rows(items: list, declines: list) -> pd.DataFrame:
    """Rows of ``forecasts.price_decline`` (method loglinear_ols_hac) for ``items`` (``(series, months, values)``)
    and their :func:`forecast.declines`: a factor with its interval, or status ``insufficient`` with the span and
    the reason; a converted-currency series names its list-currency twin and the FX component."""
    fitted = {d.series: d for d in declines if d is not None}
    rows = []
    for (name, months, values), d in zip(items, declines):
        reason = forecast.insufficient_reason(months, values) if d is None else None
        row = {"series": name, "method": forecast.METHOD_LOGLINEAR, "factor": None, "ci_low": None, "ci_high": None,
               "half_life_months": None, "n_obs": len(values), "window": forecast._window(months) if len(values) else "",
               "status": forecast.INSUFFICIENT if d is None else "ok", "reason": reason, "list_series": None,
               "fx_factor": None}
        if d is not None:
            row.update(factor=d.factor, ci_low=d.ci_low, ci_high=d.ci_high, half_life_months=d.half_life_months,
                       window=d.window)
        if name.startswith(CONVERTED):
            twin = LIST_CURRENCY + name[len(CONVERTED):]
            row["list_series"] = twin
            fx = ("converted from the CNY list at ECB month-end rates: it carries the CNY/USD exchange rate; "
                  f"the list's own move is {twin}")
            if d is not None and twin in fitted:
                row["fx_factor"] = d.factor / fitted[twin].factor
                fx += f" (factor {fitted[twin].factor:.3f}; FX component {row['fx_factor']:.3f})"
            row["reason"] = "; ".join(x for x in (reason, fx) if x)
        rows.append(row)
    return pd.DataFrame(rows, columns=DECLINE_COLUMNS)


BACKTEST_KEY = dg.AssetKey(["forecasts", "backtest"])
FORECAST_KEY = dg.AssetKey(["forecasts", "price_forecast"])
CUT_KEY = dg.AssetKey(["forecasts", "cut_probability"])


@dg.asset(
    key=CUT_KEY,
    group_name="forecasts",
    kinds={"statsmodels", "duckdb"},
    owners=OWNERS,
    deps=[PRICE_HISTORY, *SERIES_KEYS],
    pool="duckdb_warehouse",
    description=(
        "Price cuts as events (pipelines/forecast/cuts.py) -> forecasts.cut_probability (per seller, model, "
        "price kind: probability of a cut within 3/6/12 months, mean cut size), forecasts.cut_price_path "
        "(simulated 12-month path, median and 80%/95% intervals), forecasts.cut_hazard (logit GLM of a cut on "
        "months since first priced and since the last change, price relative to the seller's cheapest, cheaper "
        "models at the seller, kind, seller; of a rise on months since the last change), forecasts.cut_backtest "
        "(Brier score against the base rate, rolling origin) and the cut model's backtest rows and forecasts of "
        "the matched-model indexes (forecasts.cut_series_backtest / cut_series_forecast), which forecasts/backtest "
        "weighs against the other models. Keys: first-party sellers' USD lists, as the index."
    ),
)
def cut_probability(context, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Hazard model of price cuts per price key, its simulated paths, and its backtests."""
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        last = warehouse.run(con, "forecast_cut_as_of", {"series": SERIES}).fetchone()[0]
        last = last or forecast.last_complete_month(con)
        prices = forecast.monthly_prices(con, last)
        res = cuts.run(prices, last)
        keys, paths = cuts.key_tables(res.sim)
        series = _read_series(con)
        bt = pd.concat([cuts.series_backtest(s, list(g["month"]), g["value"].to_numpy(), res.sims)
                        for s, g in series.items()], ignore_index=True) if series else pd.DataFrame(
            columns=forecast.BACKTEST_COLUMNS)
        fcs = [cuts.series_forecast(s, list(g["month"]), g["value"].to_numpy(), res.sim) for s, g in series.items()]
        fc = pd.concat([f.assign(series=s) for s, f in zip(series, fcs) if f is not None], ignore_index=True) \
            if any(f is not None for f in fcs) else pd.DataFrame(columns=["series", *forecast.FORECAST_COLUMNS])
        hazards = pd.concat([cuts.hazard_table(res.cut), cuts.hazard_table(res.rise)], ignore_index=True)
        with warehouse.transaction(con):
            warehouse.replace(con, "forecasts.cut_probability", keys)
            warehouse.replace(con, "forecasts.cut_price_path", paths)
            warehouse.replace(con, "forecasts.cut_hazard", hazards)
            warehouse.replace(con, "forecasts.cut_backtest", res.brier)
            warehouse.replace(con, "forecasts.cut_series_backtest", bt)
            warehouse.replace(con, "forecasts.cut_series_forecast", fc)
    pooled = res.brier[res.brier["price_kind"] == "all"]
    blended = keys[keys["price_kind"] == "blended"].sort_values("p_cut_12m", ascending=False)
    context.log.info(f"cut model as of {last:%Y-%m}: {res.cut.n_events} cuts and {res.rise.n_events} rises in "
                     f"{res.cut.n_obs} key-months; {len(keys)} keys")
    return dg.MaterializeResult(metadata={
        "dagster/row_count": len(keys),
        "as_of": f"{last:%Y-%m}",
        "key_months": res.cut.n_obs, "cuts": res.cut.n_events, "rises": res.rise.n_events,
        "brier_vs_base_rate": _md(pooled.drop(columns=["price_kind"]), ".4f"),
        "wins_over_base_rate": ", ".join(f"{int(r.horizon)}m" for r in pooled.itertuples() if r.wins) or "none",
        "cut_hazard": _md(hazards, ".3f"),
        "most_likely_cuts_blended": _md(blended.head(15).drop(columns=["price_kind", "as_of"]), ".3f"),
        "series_backtest_6_months": _md(bt[bt["horizon"] == 6].drop(columns=["model", "horizon"]), ".3f"),
        "warnings": _md(pd.DataFrame(sorted(res.warnings.items()), columns=["warning", "count"])),
    })


def _epoch_comparison(con, fits: list[forecast.SeriesFit]) -> pd.DataFrame:
    """Our capability thresholds beside Epoch AI's published Arena factors (when TOKENPRICES_EPOCH_DIR is set):
    Epoch's method on our dated prices (forecasts.capability_trend) and the log-linear decline of our monthly
    cheapest series, with a16z's LLMflation figure for scale."""
    trend = warehouse.run(con, "forecast_read_capability_trend").fetchdf()
    if trend.empty:
        return trend
    monthly = pd.DataFrame([
        {"series": f.series, "factor_y": f.decline.factor, "ci_low": f.decline.ci_low, "ci_high": f.decline.ci_high}
        for f in fits if f.decline is not None
    ], columns=["series", "factor_y", "ci_low", "ci_high"])
    out = trend.merge(monthly, on="series", how="left")
    folder = epoch.epoch_dir()
    pub = None
    if folder is not None and folder.is_dir():
        try:
            pub = epoch.published(folder)
            pub = pub[pub["bench"] == "LMSys Chatbot Arena ELO"]
        except FileNotFoundError:
            pub = None
    rows = []
    for r in out.itertuples(index=False):
        p = pub[pub["threshold_model"] == r.epoch_threshold] if pub is not None else None
        rows.append({
            "threshold (LMArena)": r.reference,
            "Epoch AI published (Arena, 2023-25)": (
                f"{p['factor'].iloc[0]:.1f} (90% CI {p['ci90_low'].iloc[0]:.1f}-{p['ci90_high'].iloc[0]:.1f})"
                if p is not None and len(p) else ("not configured (TOKENPRICES_EPOCH_DIR)" if pub is None else "-")),
            "ours, Epoch method": (f"{r.factor:.1f} (90% CI {r.ci90_low:.1f}-{r.ci90_high:.4g}; n={r.n_points})"
                                   if pd.notna(r.factor) else f"- ({r.note})"),
            "ours, monthly cheapest, log-linear": (f"{r.factor_y:.2f} (95% CI {r.ci_low:.2f}-{r.ci_high:.2f})"
                                                   if pd.notna(r.factor_y) else "-"),
        })
    table = pd.DataFrame(rows)
    table["a16z LLMflation"] = f"~{A16Z_LLMFLATION:.0f}x/yr"
    return table


def _add_cut_model(con, fits: list[forecast.SeriesFit]) -> list[str]:
    """Add the cut model's backtest rows (forecasts.cut_series_backtest) to each fit's backtest and choose again
    among all candidates; where it wins, its forecast (forecasts.cut_series_forecast) replaces the fit's. Series
    with insufficient history keep no model. Returns the series for which the cut model was chosen."""
    bt = warehouse.run(con, "forecast_cut_series_backtest").fetchdf()
    fc = warehouse.run(con, "forecast_cut_series_forecast").fetchdf()
    chosen = []
    for f in fits:
        rows = bt[bt["series"] == f.series]
        if rows.empty or f.backtest is None:
            continue
        f.backtest = pd.concat([f.backtest, rows], ignore_index=True)
        if f.status == forecast.INSUFFICIENT or f.model_score is None:
            continue
        path = fc[fc["series"] == f.series]
        # the cut model competes only where it has a forecast to give (a backtest alone cannot be used)
        model, reason, score = forecast.choose_model(
            f.backtest if len(path) else f.backtest[f.backtest["model"] != cuts.MODEL])
        if model == cuts.MODEL:
            f.model, f.model_reason, f.model_score = model, reason, score
            f.forecast = path[forecast.FORECAST_COLUMNS].reset_index(drop=True)
            chosen.append(f.series)
        else:
            f.model_reason, f.model_score = reason, score  # names the cut model's score when it is the runner-up
    return chosen


def _plots_dir(data_dir: DataDirResource) -> Path:
    """Folder of the forecast figures: ``<data dir>/plots``."""
    return data_dir.root() / "plots"


def _ylabel(unit: str) -> str:
    return "index, first month = 100" if unit == "index" else unit


def _plot_jobs(fits: list[forecast.SeriesFit], families: dict[str, str], units: dict[str, str],
               plots: Path) -> list[tuple[str, list, Path, str]]:
    """The figures of ``price_forecast``: ``(metadata label, fits, png path, y label)``. The matched-model index
    :data:`SERIES` has a figure of its own (label ``plot``); every other family (``families``: series -> family)
    figures of at most :data:`report.PANELS_PER_FIGURE` fitted series (``<family>/plot``, ``<family>/plot_2``,
    ...), y axis labelled with their unit (``units``: series -> unit; a family mixing units is split by unit)."""
    fitted = [f for f in fits if f.decline is not None]
    jobs = []
    head = next((f for f in fitted if f.series == SERIES), None)
    if head is not None:
        jobs.append(("plot", [head], plots / f"{SERIES}.png", _ylabel(units[SERIES])))
    for fam in [f for f in FAMILIES.values() if f in set(families.values())]:  # in page order
        group = [f for f in fitted if families[f.series] == fam and f.series != SERIES]
        parts = [p for u in sorted({units[f.series] for f in group})
                 for p in report.chunks([f for f in group if units[f.series] == u])]
        for i, part in enumerate(parts, start=1):
            suffix = "" if i == 1 else f"_{i}"
            jobs.append((f"{fam}/plot{suffix}", part, plots / f"{fam}{suffix}.png", _ylabel(units[part[0].series])))
    return jobs


def _plot_value(path: Path, alt: str, base_url: str | None) -> dg.MetadataValue:
    """A figure as metadata. With ``base_url`` (:func:`pipelines.config.plots_url`, where ``path``'s folder is
    served) a short markdown image by URL, which the Dagster UI renders inline: the URL names a copy keyed by the
    figure's content (``sha256/<hash>.png`` beside it), so an older materialization keeps showing its own figure.
    Without it the PNG embedded as base64 (the UI shows it behind "[Show Markdown]", markdown over 1000
    characters)."""
    data = path.read_bytes()
    if base_url is None:
        return dg.MetadataValue.md(f"![{alt}](data:image/png;base64,{base64.b64encode(data).decode()})")
    digest = hashlib.sha256(data).hexdigest()[:16]
    copy = path.parent / "sha256" / f"{digest}.png"
    copy.parent.mkdir(exist_ok=True)
    if not copy.exists():
        copy.write_bytes(data)
    return dg.MetadataValue.md(f"![{alt}]({base_url}/sha256/{digest}.png)")


def _table(rows: list[dict]) -> dg.MetadataValue:
    """Rows of text and counts as a Dagster table (rendered inline, readable column names as given)."""
    cols = list(rows[0]) if rows else ["(none)"]
    schema = dg.TableSchema(columns=[
        dg.TableColumn(c, "int" if rows and all(isinstance(r[c], int) for r in rows) else "string") for c in cols])
    return dg.MetadataValue.table(records=[dg.TableRecord({c: r[c] for c in cols}) for r in rows], schema=schema)


def _series_rows(fits: list[forecast.SeriesFit], units: dict[str, str]) -> list[dict]:
    """One readable row per series: the headline, the model used and why, its 6-month backtest, the forecast."""
    rows = []
    for f in fits:
        six = next((r for r in report.backtest_rows(f) if r["horizon"] == "6 months"), {})
        rows.append({
            "series": f.series,
            "headline": report.headline(f),
            "model used": report.model_name(f.model) if f.forecast is not None else "none (not forecast)",
            "6-month backtest": (f"MASE vs naive {six['MASE vs naive']}, 80% interval covered "
                                 f"{six['80% interval covered']} of {six['origins']} origins"
                                 if six.get("MAE (log)", "-") != "-" else six.get("note", "-")),
            "in 12 months": report.forecast_12(f, units[f.series]),
        })
    return rows


def _quality_adjusted(fits: list[forecast.SeriesFit], families: dict[str, str]) -> tuple[str, str] | None:
    """``(label, headline)`` of the quality-adjusted decline: the log-linear decline of the monthly cheapest price
    at the highest LMArena threshold (:data:`capability.DEFAULT_THRESHOLDS`, last first) whose series has a trend
    (docs/forecasting.md: over the whole span, the more honest reading than the running minimum's few records).
    None without a capability series (the asset was skipped) or when none has a trend."""
    trends = {f.series: f for f in fits if families[f.series] == "cheapest_at_capability" and f.decline is not None}
    ref = capability.headline_reference(trends.__contains__)
    return None if ref is None else (f"cheapest at {ref}'s LMArena level",
                                     report.headline(trends[capability.series_name(ref)]))


@dg.multi_asset(
    name="price_forecast",
    specs=[
        dg.AssetSpec(
            BACKTEST_KEY, group_name="forecasts", kinds={"statsmodels", "duckdb"}, owners=OWNERS,
            deps=[*SERIES_KEYS, CUT_KEY],
            description=(
                "Rolling-origin backtests -> forecasts.backtest (series x model x horizon) and "
                "forecasts.model_choice. Expanding window, origins every month once 12 months exist, horizons "
                "3/6/12; models naive, drift, loglinear, ets_damped, uc_llt on log values, and cut_hazard (the price-"
                "cut model of forecasts/cut_probability, for the matched-model indexes of USD lists); MAE(log), MASE "
                "against the in-sample one-step naive and drift errors, coverage of the 80%/95% intervals. Fewer "
                "than 3 origins: no score. The model with the lowest mean MAE(log) is used (naive when nothing "
                "scored). forecasts.calibration: the chosen model's coverage per horizon with its origins (checked "
                "by coverage80_within_70_90). Series with insufficient history get no model."
            ),
        ),
        dg.AssetSpec(
            FORECAST_KEY, group_name="forecasts", kinds={"statsmodels", "duckdb"}, owners=OWNERS,
            deps=[*SERIES_KEYS, BACKTEST_KEY],
            description=(
                "12-month forecasts of every series by the model its backtest chose -> forecasts.price_forecast "
                "(median and 80%/95% prediction intervals) and forecasts.forecast_archive (every run, by origin). "
                "Metadata, in reading order: the headline (matched-model index, rounded) and the quality-adjusted "
                "figure beside it with what each means, the index's figure, its backtest per horizon; then per "
                "series family a table (headline, model used, 6-month backtest, 12-month forecast) and figures "
                "of at most 6 series; Epoch AI's published factors beside ours."
            ),
        ),
    ],
    pool="duckdb_warehouse",
)
def price_forecast(context, duckdb: DuckDBResource, data_dir: DataDirResource):
    """Backtest, choose and forecast every monthly series (one computation, two assets). Raises ValueError when
    there is no series."""
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        series = _read_series(con)
        if not series:
            raise ValueError("forecasts.monthly_series is empty: materialize the series assets first")
        families = {s: g["family"].iloc[0] for s, g in series.items()}
        units = {s: g["unit"].iloc[0] for s, g in series.items()}
        fits = forecast.fit_many([_series_item(s, g) for s, g in series.items()])
        cut_chosen = _add_cut_model(con, fits)
        plots = _plots_dir(data_dir)
        plots.mkdir(parents=True, exist_ok=True)
        fitted = [f for f in fits if f.decline is not None]
        head = next((f for f in fitted if f.series == SERIES), None)
        jobs = _plot_jobs(fits, families, units, plots)
        bt = pd.concat([f.backtest for f in fits if f.backtest is not None], ignore_index=True)
        choice = pd.DataFrame([{
            "series": f.series, "status": f.status, "model": f.model, "criterion": f.model_reason,
            "score": f.model_score, "n_obs": len(f.values), "window": f.decline.window if f.decline else None,
            "warnings": sum(f.warnings.values()), "fallbacks": sum(f.fallbacks.values()),
        } for f in fits])
        fc = pd.concat([f.forecast.assign(series=f.series) for f in fits if f.forecast is not None], ignore_index=True)
        archive = pd.concat([f.forecast.assign(series=f.series, origin_month=f.months[-1]) for f in fits
                             if f.forecast is not None], ignore_index=True)
        archive["run_id"] = context.run.run_id
        archive["made_at"] = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        warehouse.replace(con, "forecasts.backtest", bt)
        warehouse.replace(con, "forecasts.model_choice", choice)
        calib = forecast.calibration(fits)
        warehouse.replace(con, "forecasts.calibration", calib)
        warehouse.replace(con, "forecasts.price_forecast", fc)
        # a re-run for the same origin replaces that origin's archived forecasts
        warehouse.replace(con, "forecasts.forecast_archive", archive, keys=("series", "origin_month"))
        comparison = _epoch_comparison(con, fits)
    quality = _quality_adjusted(fits, families)
    base_url = plots_url()
    plot_meta = {}
    for label, group, path, ylabel in jobs:
        report.plot_fits(group, path, ylabel)
        plot_meta[label] = _plot_value(path, f"{', '.join(f.series for f in group)}: history, trend, forecast",
                                       base_url)
    warn = Counter()
    falls = Counter()
    for f in fits:
        warn.update(f.warnings)
        falls.update(f.fallbacks)
    warn_md = pd.DataFrame(sorted(warn.items()), columns=["warning (model: category: message)", "count"])
    fall_md = pd.DataFrame(sorted(falls.items()), columns=["fallback to naive (model: reason)", "count"])
    secs = sum(f.seconds for f in fits)
    context.log.info(f"{len(fits)} series fitted ({secs:.1f} s of fitting); {sum(warn.values())} statsmodels "
                     f"warnings caught, {sum(falls.values())} fallbacks to naive")
    h6 = bt[bt["horizon"] == 6]
    yield dg.MaterializeResult(
        asset_key=BACKTEST_KEY,
        metadata={
            "dagster/row_count": len(bt),
            "series": len(fits),
            "chosen_models": _md(choice[["series", "status", "model", "criterion"]]),
            "scores_6_months": _md(h6.drop(columns=["horizon"]), ".3f"),
            "calibration": _md(calib, ".3f"),
            "cut_model_chosen_for": ", ".join(cut_chosen) or "none (it wins no series' backtest)",
            "statsmodels_warnings": _md(warn_md),
            "fallbacks": _md(fall_md),
            "fit_seconds": dg.MetadataValue.float(secs),
        },
    )
    # the page a reader opens: headlines first, the figure, the backtest, then one section per family
    meta: dict[str, object] = {}
    if head is not None:
        meta["headline"] = dg.MetadataValue.text(report.headline(head))
    meta["quality-adjusted"] = dg.MetadataValue.text(
        f"{quality[1]} ({quality[0]})" if quality else
        "not computed: TOKENPRICES_CAPABILITY_FETCH=1 fetches the LMArena ratings it needs")
    meta["what the two figures mean"] = _table([
        {"figure": "headline", "series": SERIES,
         "means": "existing models got cheaper (same models month to month)"},
        {"figure": "quality-adjusted", "series": "cheapest_at_lmarena/<level>",
         "means": "the same capability got cheaper (mostly new, cheaper models)"},
    ])
    if "plot" in plot_meta:
        meta["plot"] = plot_meta.pop("plot")
    if head is not None:
        meta["backtest"] = _table(report.backtest_rows(head))
    meta["dagster/row_count"] = len(fc)
    for fam in FAMILIES.values():
        in_fam = [f for f in fits if families[f.series] == fam and f.series != SERIES]
        if not in_fam:
            continue
        meta[f"{fam}/series"] = _table(_series_rows(in_fam, units))
        meta.update({k: v for k, v in plot_meta.items() if k.split("/")[0] == fam})
    if len(comparison):
        meta["epoch_comparison"] = _table(comparison.to_dict("records"))
    meta["not_forecast"] = ", ".join(f"{f.series} ({f.status})" for f in fits if f.forecast is None) or "none"
    meta["statsmodels_warnings"] = dg.MetadataValue.int(sum(warn.values()))
    if head is not None:  # charted across materializations in the asset's Plots view
        meta["decline_factor"] = dg.MetadataValue.float(head.decline.factor)
        meta["ci_low"] = dg.MetadataValue.float(head.decline.ci_low)
        meta["ci_high"] = dg.MetadataValue.float(head.decline.ci_high)
    if base_url is None:
        meta["plots shown inline"] = dg.MetadataValue.text(
            "no: set TOKENPRICES_PLOTS_URL to where the plots folder is served (`make dev` does) to see the "
            "figures without clicking \"[Show Markdown]\"")
    yield dg.MaterializeResult(asset_key=FORECAST_KEY, metadata=meta)



@dg.asset_check(
    asset=BACKTEST_KEY,
    name="coverage80_within_70_90",
    blocking=False,
    description=(
        "Warns when a chosen model's 80% prediction interval covered less than 70% or more than 90% of the "
        "backtest outcomes at some horizon, over at least 8 origins (forecasts.calibration): its intervals are too "
        "narrow or too wide to be read as 80% intervals."
    ),
)
def coverage80_within_70_90(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    """Calibration of the chosen models' 80% intervals (severity WARN)."""
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        calib = warehouse.run(con, "forecast_calibration").fetchdf()
    judged = calib[calib["verdict"] != "too few origins"]
    off = judged[judged["verdict"] != "calibrated"]
    lo, hi = forecast.COVERAGE80_BAND
    return dg.AssetCheckResult(
        passed=off.empty,
        severity=dg.AssetCheckSeverity.WARN,
        description=(f"{len(off)} of {len(judged)} (series, horizon) with >= {forecast.CALIBRATION_MIN_ORIGINS} "
                     f"origins have 80% coverage outside {lo:.0%}-{hi:.0%}"),
        metadata={"judged": len(judged), "outside": len(off), "too_few_origins": int(len(calib) - len(judged)),
                  "outside_band": _md(off, ".3f")},
    )


#: the asset checks defined apart from their assets (registered in pipelines/definitions.py).
CHECKS = [coverage80_within_70_90]
