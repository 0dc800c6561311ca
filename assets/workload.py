"""What a workload costs, month by month, and what it will cost in 12 months.

- ``marts/workload_costs``: for each bundled workload profile (``profiles/*.yaml``: chat assistant, RAG with long
  prompts, offline batch summarisation) the monthly cost of every (provider, model, region) option from 2024-01 to
  today, with its breakdown (input, cache, output, tier surcharges, discounts, free quota) in the buyer's currency
  and its rank that month (rank 1 = the cheapest option). Rules: :mod:`pipelines.cost.workload`, docs/workload.md.
- ``forecasts/workload_cost_forecast``: each profile's cheapest-option cost series (months the data cover) fitted
  with the models of :mod:`pipelines.forecast.fit` (log-linear HAC decline factor with its CI; rolling-origin backtest
  choosing among naive, drift, log-linear, damped ETS and a local-linear-trend model; 12-month forecast with 80%/95%
  prediction intervals).
"""


import base64
import datetime as dt
from decimal import Decimal

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from pipelines import warehouse
from pipelines.forecast import fit as forecast
from pipelines.forecast import report
from pipelines.cost import workload
from pipelines.resources import DataDirResource

OWNERS = ["team:tokenprices"]
WORKLOAD_COSTS = dg.AssetKey(["marts", "workload_costs"])
WORKLOAD_FORECAST = dg.AssetKey(["forecasts", "workload_cost_forecast"])
#: decimal places kept for the costs (DECIMAL(38,6)): a millionth of the buyer's currency unit.
COST_PLACES = Decimal("0.000001")
FX_PLACES = Decimal("0.000000000000000001")

def _md(df: pd.DataFrame, floatfmt: str = ".2f") -> dg.MetadataValue:
    return dg.MetadataValue.md(df.to_markdown(index=False, floatfmt=floatfmt) if len(df) else "(none)")


def _q(v, places=COST_PLACES) -> str | None:
    """A Decimal rounded to ``places``, as exact text (DuckDB casts it to the column's DECIMAL on insert)."""
    return None if v is None else str(Decimal(v).quantize(places))


def _cost_series(covered: pd.DataFrame) -> tuple[list, dict]:
    """The series ``forecasts/workload_cost_forecast`` fits, from the covered rows of SQL ``workload_cheapest``:
    ``([(label, months, totals)], {label: (profile, currency, last month, last total, cheapest option)})``,
    one per profile (by name), totals in the profile's currency per month."""
    items, meta = [], {}
    for name, g in covered.groupby("profile", sort=True):
        g = g.sort_values("month")
        label = f"{name} ({g.currency.iloc[0]}/month)"
        items.append((label, list(g["month"]), g["total"].astype(float).to_numpy()))
        last = g.iloc[-1]
        meta[label] = (name, last.currency, last.month, float(last.total), f"{last.provider}/{last.model} ({last.region})")
    return items, meta


@dg.asset(
    key=WORKLOAD_COSTS,
    group_name="marts",
    kinds={"python", "duckdb", "parquet"},
    owners=OWNERS,
    deps=[dg.AssetKey(["marts", "price_history"]), dg.AssetKey(["marts", "billing_offers"])],
    pool="duckdb_warehouse",
    description=(
        "Monthly cost of the bundled workload profiles (profiles/chat_assistant.yaml, rag_long_prompts.yaml, "
        "batch_summarisation.yaml) with every (provider, model, region) option the profile allows, 2024-01 -> "
        "today -> marts.workload_costs: input, cache reads, output, long-context tier surcharges (cliff), batch and "
        "off-peak discounts, free quota, total in the buyer's currency (ECB rate), rank 1 = the month's cheapest "
        "option. Prices in force on each month's last day (marts.price_history, the reconciled history), offers "
        "of marts.billing_offers. Rules and assumptions: pipelines/cost/workload.py, docs/workload.md."
    ),
)
def workload_costs(context, duckdb: DuckDBResource, data_dir: DataDirResource) -> dg.MaterializeResult:
    """Price every bundled profile for every month from 2024-01 to today; replace ``marts.workload_costs``."""
    profiles = workload.bundled_profiles()
    today = dt.datetime.now(dt.UTC).date()
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        try:
            last_covered = forecast.last_complete_month(con)
        except ValueError:
            last_covered = None
        rows = workload.history(con, profiles, today)
        for r in rows:
            r["covered"] = last_covered is not None and r["month"] <= last_covered
            for k in (*workload.BREAKDOWN, "free_tokens"):
                r[k] = _q(r[k])
            r["fx_rate"] = _q(r["fx_rate"], FX_PLACES)
        df = pd.DataFrame(rows)
        warehouse.replace(con, "marts.workload_costs", df)  # rebuilt as a whole
        n = con.table("marts.workload_costs").aggregate("count(*)").fetchall()[0][0]
        cheapest = warehouse.run(con, "workload_cheapest").fetchdf()
        path = warehouse.export_parquet(con, "marts.workload_costs", data_dir.lake())
    summary, floats = [], {}
    for p in profiles:
        g = cheapest[cheapest["profile"] == p.name]
        if g.empty:
            summary.append({"profile": p.name, "months": 0})
            continue
        now = g.iloc[-1]
        first = g.iloc[0]
        summary.append({
            "profile": p.name, "currency": p.currency, "months": len(g),
            "first": f"{first.month:%Y-%m}", "last": f"{now.month:%Y-%m}",
            "covered_to": f"{g[g.covered].month.max():%Y-%m}" if g.covered.any() else "-",
            "cheapest_first": float(first.total), "cheapest_now": float(now.total),
            "option_now": f"{now.provider}/{now.model} ({now.region})",
        })
        floats[f"cheapest_now/{p.name}"] = dg.MetadataValue.float(float(now.total))
        context.log.info(f"{p.name}: cheapest now {now.provider}/{now.model} ({now.region}) "
                         f"{float(now.total):,.2f} {p.currency}/month; {len(g)} months from {first.month:%Y-%m}")
    changes = []
    for name, g in cheapest.groupby("profile", sort=True):
        opt = g.provider + "/" + g.model + " (" + g.region + ")"
        moved = opt != opt.shift()
        for (_, r), o, prev in zip(g[moved].iterrows(), opt[moved], opt.shift()[moved]):
            changes.append({"profile": name, "month": f"{r.month:%Y-%m}", "from": prev if isinstance(prev, str) else "-",
                            "to": o, "total": float(r.total), "currency": r.currency})
    return dg.MaterializeResult(metadata={
        "dagster/row_count": n,
        **floats,
        "parquet": dg.MetadataValue.path(str(path)),
        # a new cheapest option is a price cut or a seller/model first priced (a page first observed): look here
        # before reading a step in the series as a price move
        "cheapest_option_changes": _md(pd.DataFrame(changes)),
        "profiles": _md(pd.DataFrame(summary)),
        "cheapest_last_12_months": _md(cheapest.groupby("profile").tail(12).drop(columns=["covered"]).assign(
            month=lambda d: pd.to_datetime(d["month"]).dt.strftime("%Y-%m"))),
    })


@dg.asset(
    key=WORKLOAD_FORECAST,
    group_name="forecasts",
    kinds={"statsmodels", "duckdb"},
    owners=OWNERS,
    deps=[WORKLOAD_COSTS],
    pool="duckdb_warehouse",
    description=(
        "What each bundled workload will cost in 12 months -> forecasts.workload_cost_forecast (median, 80%/95% "
        "prediction intervals per month) and forecasts.workload_cost_decline. Series: the profile's cheapest-option "
        "monthly cost (rank 1 of marts.workload_costs, buyer's currency) over the months the data cover. Models: "
        "those of pipelines/forecast/fit.py -- annual decline factor exp(-12*slope) of a log-linear OLS with HAC errors "
        "and its 95% CI; naive, drift, log-linear, damped ETS and local-linear-trend compete in rolling-origin "
        "backtests (3/6/12 months), the best (lowest mean MAE on logs) makes the 12-month forecast. Metadata: "
        "factors with CIs, the 12-month figures, a table and a plot."
    ),
)
def workload_cost_forecast(context, duckdb: DuckDBResource, data_dir: DataDirResource) -> dg.MaterializeResult:
    """Fit, backtest and forecast each profile's cheapest-option cost series. Raises ValueError when
    ``marts.workload_costs`` has no covered month."""
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        cheapest = warehouse.run(con, "workload_cheapest").fetchdf()
        covered = cheapest[cheapest["covered"]]
        if covered.empty:
            raise ValueError("marts.workload_costs has no covered month: materialize marts/workload_costs first")
        items, meta = _cost_series(covered)
        fits = forecast.fit_many(items)
        fc_rows, dec_rows = [], []
        for f in fits:
            name, currency, last_month, last_value, option = meta[f.series]
            d = f.decline
            fc = f.forecast
            if fc is not None:
                fc_rows.append(fc.assign(profile=name, currency=currency))
            dec_rows.append({
                "profile": name, "currency": currency, "status": f.status, "model": f.model,
                "factor": d.factor if d else None, "ci_low": d.ci_low if d else None,
                "ci_high": d.ci_high if d else None, "half_life_months": d.half_life_months if d else None,
                "n_obs": len(f.values), "window": d.window if d else None, "last_month": last_month,
                "last_value": last_value, "cheapest": option,
                "yhat_12": float(fc["yhat"].iloc[-1]) if fc is not None else None,
                "lo95_12": float(fc["lo95"].iloc[-1]) if fc is not None else None,
                "hi95_12": float(fc["hi95"].iloc[-1]) if fc is not None else None,
            })
        new_fc = (pd.concat(fc_rows, ignore_index=True) if fc_rows else
                  pd.DataFrame(columns=["month", "yhat", "lo80", "hi80", "lo95", "hi95", "model", "profile", "currency"]))
        new_dec = pd.DataFrame(dec_rows)
        with warehouse.transaction(con):  # both rebuilt as a whole, together
            warehouse.replace(con, "forecasts.workload_cost_forecast", new_fc)
            warehouse.replace(con, "forecasts.workload_cost_decline", new_dec)
        n = con.table("forecasts.workload_cost_forecast").aggregate("count(*)").fetchall()[0][0]
    plots = data_dir.root() / "plots"
    plots.mkdir(parents=True, exist_ok=True)
    plot_meta = {}
    fitted = [f for f in fits if f.decline is not None]
    if fitted:  # one panel per fitted profile
        png = plots / "workload_costs.png"
        report.plot_fits(fitted, png, ylabel="cheapest option, cost per month")
        b64 = base64.b64encode(png.read_bytes()).decode()
        plot_meta["plot"] = dg.MetadataValue.md(
            f"![cheapest-option monthly cost per profile: history, fit, forecast](data:image/png;base64,{b64})")
    floats = {}
    for r in dec_rows:
        if r["factor"] is None:
            continue
        p = r["profile"]
        context.log.info(f"{p}: cheapest option costs {r['last_value']:,.2f} {r['currency']}/month ({r['cheapest']}); "
                         f"falls {r['factor']:.2f}x/yr (95% CI {r['ci_low']:.2f}-{r['ci_high']:.2f}); in 12 months "
                         f"{r['yhat_12']:,.2f} (95% PI {r['lo95_12']:,.2f}-{r['hi95_12']:,.2f}) by {r['model']}")
        floats.update({
            f"decline_factor/{p}": dg.MetadataValue.float(float(r["factor"])),
            f"ci_low/{p}": dg.MetadataValue.float(float(r["ci_low"])),
            f"ci_high/{p}": dg.MetadataValue.float(float(r["ci_high"])),
            f"cost_now/{p}": dg.MetadataValue.float(float(r["last_value"])),
            f"cost_in_12_months/{p}": dg.MetadataValue.float(float(r["yhat_12"])),
            f"lo95_in_12_months/{p}": dg.MetadataValue.float(float(r["lo95_12"])),
            f"hi95_in_12_months/{p}": dg.MetadataValue.float(float(r["hi95_12"])),
        })
    table = new_dec[["profile", "currency", "last_month", "last_value", "cheapest", "factor", "ci_low", "ci_high",
                     "model", "yhat_12", "lo95_12", "hi95_12", "status"]].assign(
        last_month=lambda d: pd.to_datetime(d["last_month"]).dt.strftime("%Y-%m")) if len(new_dec) else new_dec
    return dg.MaterializeResult(metadata={
        "dagster/row_count": n,
        **floats,
        **plot_meta,
        "forecast_12_months": _md(table, ".3g"),
    })
