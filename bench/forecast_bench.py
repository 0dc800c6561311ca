"""Benchmark: building the forecast series and fitting the models, on the real warehouse and on 1,000
synthetic series.

Prints figures; asserts nothing. Targets (issue #5): every real series (index building + decline, backtests of
five models at 3/6/12 months, model choice, forecasts) in < 20 s, and 1,000 series fitted (decline + the five
candidate models once each + 12-month forecasts) in < 60 s, on 2 cores.

    .venv/bin/python bench/forecast_bench.py [--warehouse PATH] [--workers 2] [--synthetic 1000]

The warehouse defaults to ``TOKENPRICES_WAREHOUSE`` / ``warehouse/tokenprices.duckdb`` (``make demo`` builds it);
it is opened read-only. The capability series are included when ``TOKENPRICES_CAPABILITY_DIR`` is set.
Synthetic series: 30 months of a step-shaped log price (each month a 20% chance of a cut of 5-40%, small noise),
seed 0, like the real indexes.
"""

from __future__ import annotations

import argparse
import os
import time

import duckdb
import numpy as np

from pipelines import config
from pipelines.forecast import capability
from pipelines.forecast import fit as forecast



def fit_candidates(series: str, values, horizon: int = forecast.FORECAST_HORIZON):
    """Every candidate of ``forecast.MODELS`` fitted once on the whole series (no backtest), with the decline:
    ``(decline or None when short, {model: PathForecast on the log scale}, warnings caught)``."""
    from collections import Counter

    v = np.asarray(values, dtype=float)
    log: Counter = Counter()
    if len(v) < forecast.MIN_MONTHS:
        return None, {}, log
    months = forecast._month_seq("1999-12-01", len(v))
    d = forecast.decline(months, v, series)
    y = np.log(v)
    return d, {m: forecast.forecast_path(m, y, horizon, log=log)[0] for m in forecast.MODELS}, log


def _fit_candidates_item(item):
    d, paths, log = fit_candidates(*item)
    return item[0], d.factor if d else None, len(paths), sum(log.values())


def fit_candidates_many(items, workers: int | None = None) -> list[tuple]:
    """:func:`fit_candidates` over ``(series, values)`` items in ``forecast.worker_pool(workers)`` (default
    ``forecast.default_workers()``). Returns ``(series, factor, models fitted, warnings)`` per item, in order."""
    workers = forecast.default_workers() if workers is None else max(1, workers)
    if workers == 1:
        return [_fit_candidates_item(it) for it in items]
    with forecast.worker_pool(workers) as pool:
        return list(pool.map(_fit_candidates_item, items, chunksize=max(1, len(items) // (8 * workers))))

def synthetic(n: int, months: int = 30, seed: int = 0) -> list[tuple[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        cuts = np.where(rng.random(months) < 0.2, np.log(1 - rng.uniform(0.05, 0.4, months)), 0.0)
        out.append((f"synthetic/{i}", 100 * np.exp(np.cumsum(cuts) + rng.normal(0, 0.003, months))))
    return out


def real_series(con) -> tuple[list, float]:
    t = time.perf_counter()
    last = forecast.last_complete_month(con)
    prices = forecast.monthly_prices(con, last)
    points = forecast.price_points(con, last)
    frames = [forecast.build_matched_model(con, last, prices),
              forecast.build_provider_indexes(con, last, prices)[0],
              forecast.build_price_tiers(con, last, prices, points)[0]]
    folder = capability.capability_dir()
    if folder is not None and folder.is_dir():
        frames.append(capability.build(con, last, folder, prices=prices, points=points).rows)
    rows = forecast.concat_rows(frames)
    items = [(s, list(g["month"]), g["value"].to_numpy()) for s, g in rows.groupby("series", sort=True)]
    return items, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--warehouse", default=str(config.warehouse_path()))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--synthetic", type=int, default=1000)
    ap.add_argument("--synthetic-backtests", type=int, default=40,
                    help="also time the full per-series pipeline (with backtests) on this many synthetic series")
    args = ap.parse_args()
    print(f"cpus {os.cpu_count()}, workers {args.workers}, load average {os.getloadavg()[0]:.2f} (1 min)")

    if os.path.exists(args.warehouse):
        con = duckdb.connect(args.warehouse, read_only=True)
        items, t_build = real_series(con)
        con.close()
        t = time.perf_counter()
        fits = forecast.fit_many(items, workers=args.workers)
        t_fit = time.perf_counter() - t
        heavy = sum(1 for f in fits if f.status == "ok")
        origins = sum(int(f.backtest["n_origins"].max()) for f in fits if f.backtest is not None and len(f.backtest))
        print(f"real series      {len(items)} series ({heavy} backtested, {origins} origins x {len(forecast.MODELS)} "
              f"models); months {min(len(i[2]) for i in items)}-{max(len(i[2]) for i in items)}")
        print(f"  index building {t_build:6.2f} s")
        print(f"  model fitting  {t_fit:6.2f} s  (decline, backtests 3/6/12, choice, forecasts; "
              f"{sum(f.seconds for f in fits):.1f} s of work)")
        total = t_build + t_fit
        print(f"  total          {total:6.2f} s  target < 20 s: {'met' if total < 20 else 'MISSED'}")
    else:
        print(f"real series      skipped: no warehouse at {args.warehouse} (make demo builds it)")

    items = synthetic(args.synthetic)
    t = time.perf_counter()
    res = fit_candidates_many(items, workers=args.workers)
    t_syn = time.perf_counter() - t
    factors = np.array([r[1] for r in res], dtype=float)
    print(f"synthetic        {len(items)} series x 30 months: decline + {len(forecast.MODELS)} models fitted once + "
          f"12-month forecasts")
    print(f"  model fitting  {t_syn:6.2f} s  ({t_syn / len(items) * 1000 * args.workers:.0f} ms per series per worker; "
          f"median factor {np.median(factors):.2f}x/yr; {sum(r[3] for r in res)} warnings caught) "
          f"target < 60 s: {'met' if t_syn < 60 else 'MISSED'}")
    if args.synthetic_backtests:
        sub = [(s, forecast._month_seq("1999-12-01", len(v)), v) for s, v in items[: args.synthetic_backtests]]
        t = time.perf_counter()
        forecast.fit_many(sub, workers=args.workers)
        t_bt = time.perf_counter() - t
        print(f"  with backtests {t_bt:6.2f} s for {len(sub)} series (the assets' full pipeline: "
              f"{t_bt / len(sub) * 1000:.0f} ms per series; 1,000 would take ~{t_bt / len(sub) * 1000:.0f} s)")


if __name__ == "__main__":
    main()
