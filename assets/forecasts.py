"""Forecasts: a monthly market price index, its annual decline factor and a 12-month forecast (statsmodels).

How the series is built is documented in :mod:`pipelines.forecast` (chained Jevons matched-model index of
blended 3:1 prices, first-party sellers, standard tier, base context tier, USD).
"""


import base64
import datetime as dt

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from pipelines import forecast, warehouse
from pipelines.resources import DataDirResource

SERIES = "matched_model_blended"
#: first month of the market series (LiteLLM history starts 2024-03-26).
FIRST_MONTH = dt.date(2024, 4, 1)


def _last_complete_month(con) -> dt.date:
    """First day of the last month whose end is covered by the data (latest valid_from or observation)."""
    last = con.execute(
        "SELECT max(greatest(valid_from, coalesce(last_observed, valid_from))) FROM marts.price_history"
    ).fetchone()[0]
    if last is None:
        raise ValueError("marts.price_history is empty: run the marts first")
    month_start = last.replace(day=1)
    nxt = (month_start + dt.timedelta(days=32)).replace(day=1)
    return month_start if last == nxt - dt.timedelta(days=1) else (month_start - dt.timedelta(days=1)).replace(day=1)


@dg.asset(
    key=dg.AssetKey(["forecasts", "market_index"]),
    group_name="forecasts",
    kinds={"python", "duckdb"},
    owners=["team:tokenprices"],
    deps=[dg.AssetKey(["marts", "price_history"])],
    pool="duckdb_warehouse",
    description=forecast.__doc__,
)
def market_index(context, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Monthly chained Jevons matched-model index of blended (3:1) prices -> ``forecasts.market_index``."""
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        last = _last_complete_month(con)
        prices = warehouse.run(
            con,
            "monthly_blended_prices",
            {"first_month": FIRST_MONTH, "last_month": last, "providers": list(forecast.FIRST_PARTY)},
        ).fetchdf()
        idx = forecast.jevons_index(prices)
        idx.insert(0, "series", SERIES)
        idx["month"] = pd.to_datetime(idx["month"]).dt.date
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM forecasts.market_index WHERE series = $s", {"s": SERIES})
        con.executemany(
            "INSERT INTO forecasts.market_index VALUES ($series, $month, $index_value, $n_models)",
            idx.to_dict("records"),
        )
        con.execute("COMMIT")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(idx),
            "months": f"{idx['month'].iloc[0]:%Y-%m}..{idx['month'].iloc[-1]:%Y-%m}",
            "models_priced": int(prices[["provider", "model"]].drop_duplicates().shape[0]),
            "last_index_value": dg.MetadataValue.float(float(idx["index_value"].iloc[-1])),
            "preview": dg.MetadataValue.md(idx.tail(12).to_markdown(index=False, floatfmt=".2f")),
        }
    )


def _read_index(con) -> pd.DataFrame:
    return con.execute(
        "SELECT month, index_value, n_models FROM forecasts.market_index WHERE series = $s ORDER BY month",
        {"s": SERIES},
    ).fetchdf()


@dg.asset(
    key=dg.AssetKey(["forecasts", "price_decline"]),
    group_name="forecasts",
    kinds={"statsmodels", "duckdb"},
    owners=["team:tokenprices"],
    deps=[market_index],
    pool="duckdb_warehouse",
)
def price_decline(context, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Annual decline factor of the market index: OLS of log(index) on month with HAC (Newey-West) errors,
    factor = exp(-12*slope) with its 95% CI -> ``forecasts.price_decline``."""
    with duckdb.get_connection() as con:
        d = forecast.loglinear_decline(_read_index(con), SERIES)
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM forecasts.price_decline WHERE series = $s AND method = $m", {"s": d.series, "m": d.method})
        con.execute(
            "INSERT INTO forecasts.price_decline VALUES ($series, $method, $factor, $ci_low, $ci_high, $half_life, $n_obs, $window)",
            {"series": d.series, "method": d.method, "factor": d.factor, "ci_low": d.ci_low, "ci_high": d.ci_high,
             "half_life": d.half_life_months, "n_obs": d.n_obs, "window": d.window},
        )
        con.execute("COMMIT")
    context.log.info(f"{d.series}: prices fall {d.factor:.3f}x per year (95% CI {d.ci_low:.3f}-{d.ci_high:.3f})")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": 1,
            "decline_factor": dg.MetadataValue.float(d.factor),
            "ci_low": dg.MetadataValue.float(d.ci_low),
            "ci_high": dg.MetadataValue.float(d.ci_high),
            "half_life_months": dg.MetadataValue.float(d.half_life_months) if d.half_life_months else dg.MetadataValue.text("n/a (not falling)"),
            "n_obs": d.n_obs,
            "window": d.window,
        }
    )


@dg.asset(
    key=dg.AssetKey(["forecasts", "price_forecast"]),
    group_name="forecasts",
    kinds={"statsmodels", "duckdb"},
    owners=["team:tokenprices"],
    deps=[market_index],
    pool="duckdb_warehouse",
)
def price_forecast(context, duckdb: DuckDBResource, data_dir: DataDirResource) -> dg.MaterializeResult:
    """12 monthly forecasts of the market index from the log-linear trend, with 80% and 95% prediction intervals
    -> ``forecasts.price_forecast``; a PNG of history + forecast in the metadata."""
    with duckdb.get_connection() as con:
        idx = _read_index(con)
        d = forecast.loglinear_decline(idx, SERIES)
        fc = forecast.loglinear_forecast(idx, horizon=12)
        fc.insert(0, "series", SERIES)
        fc["model"] = d.method
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM forecasts.price_forecast WHERE series = $s", {"s": SERIES})
        con.executemany(
            "INSERT INTO forecasts.price_forecast VALUES ($series, $month, $yhat, $lo80, $hi80, $lo95, $hi95, $model)",
            fc.to_dict("records"),
        )
        con.execute("COMMIT")
    plot = data_dir.root() / "plots" / f"{SERIES}.png"
    plot.parent.mkdir(parents=True, exist_ok=True)
    forecast.plot_png(idx, fc, d, plot)
    b64 = base64.b64encode(plot.read_bytes()).decode()
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(fc),
            "decline_factor": dg.MetadataValue.float(d.factor),
            "ci_low": dg.MetadataValue.float(d.ci_low),
            "ci_high": dg.MetadataValue.float(d.ci_high),
            "forecast": dg.MetadataValue.md(fc.drop(columns=["series"]).to_markdown(index=False, floatfmt=".2f")),
            "plot": dg.MetadataValue.md(f"![history and forecast](data:image/png;base64,{b64})"),
            "plot_path": dg.MetadataValue.path(str(plot)),
        }
    )
