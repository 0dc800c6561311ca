"""Epoch AI's cheapest-model-at-capability price trends, re-implemented from the dataset README, and the
``tokenprices epoch-check DATA_DIR`` command that reproduces their 21 published factors.

Source: Epoch AI, "LLM inference prices have fallen rapidly but unequally across tasks" (2025-03-12),
https://epoch.ai/data-insights/llm-inference-price-trends, repository epoch-research/llm-benchmark-efficiency
(commit 34b9233). The data have no licence: they are never shipped here; every function takes the folder
(``TOKENPRICES_EPOCH_DIR`` for the pipeline; the command takes it as an argument). Its layout
(``data/*.csv``, ``results/lowest_price_models_above_previous_frontier/lowest_price_models_results.csv``) is
the one described in that folder's README.

The method, step by step (the README's specification, in its order):

1. Pool ``data/aa_data_with_math5.csv`` (Artificial Analysis) and
   ``data/epoch_ai_price_data_not_in_aa_with_benchmarks.csv`` (Epoch's own price records), drop rows without
   a price, stable-sort by date (the AA rows first on equal dates), rename ``GPT-3 175B (davinci)`` to
   ``GPT-3``.
2. Drop the reasoning models :data:`REASONING_MODELS` (price per token understates their cost).
3. For each benchmark in :data:`BENCHMARKS` and each distinct date, the single top-scoring row among the rows
   dated on or before it (first in date order on ties) is a threshold; rows without a score, and
   multiple-choice benchmarks (:data:`MULTIPLE_CHOICE`) below :data:`CHANCE_FLOOR` %, are skipped. The band is
   ``[score, 100)`` (``[score, inf)`` for Arena Elo).
4. Walk the rows with a score in date order and record a row when its score is in the band and its price is
   strictly below every earlier recorded price (a running minimum; a price cut is a new row). Of recorded rows
   sharing a date only the last (cheapest) is kept. Fewer than :data:`MIN_POINTS` points: no regression.
5. Plain OLS of ``log10(price)`` on the proleptic ordinal day; annual factor ``10^(-365*slope)``, its 90% CI
   from the slope's ``conf_int(alpha=0.1)`` (bounds swapped).

:func:`running_min_trend` (steps 4-5) is reused on our own warehouse by :mod:`pipelines.forecast.capability`.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.config import epoch_dir  # noqa: F401  (the setting; read in pipelines/config.py)

#: benchmark columns of the pooled data (percent 0-100, except the Arena Elo).
BENCHMARKS = ("MMLU", "GPQA Diamond", "MATH-500", "MATH 5", "HumanEval", "LMSys Chatbot Arena ELO")
#: unbounded score (band upper bound infinite).
ELO_BENCHMARKS = ("LMSys Chatbot Arena ELO",)
#: multiple-choice benchmarks: thresholds below CHANCE_FLOOR percent are near chance and skipped.
MULTIPLE_CHOICE = ("MMLU", "GPQA Diamond")
CHANCE_FLOOR = 30.0
#: excluded before anything else (README step 2).
REASONING_MODELS = ("DeepSeek-R1", "o1", "o1-mini", "o1-preview", "o3-mini")
RENAMES = {"GPT-3 175B (davinci)": "GPT-3"}
DATA_FILES = ("data/aa_data_with_math5.csv", "data/epoch_ai_price_data_not_in_aa_with_benchmarks.csv")
RESULTS_FILE = "results/lowest_price_models_above_previous_frontier/lowest_price_models_results.csv"
#: a regression needs at least this many points.
MIN_POINTS = 4
#: a reproduced factor counts when within this relative distance of the published one.
TOLERANCE = 0.01


@dataclass(frozen=True)
class TrendFit:
    """Running-minimum price trend: annual decline factor with its CI at ``ci_level``, and the fit's data.

    ``factor``: prices fall ``factor``-x per year (``10^(-365*slope)``, slope of log10 USD per day).
    """

    factor: float
    ci_low: float
    ci_high: float
    ci_level: float
    r_squared: float
    n: int
    start: dt.date
    end: dt.date
    slope_per_day: float


def load_pooled(data_dir: Path) -> pd.DataFrame:
    """README steps 1-2: the pooled rows (columns ``name``, ``date`` (datetime64), ``price`` (USD per 1M
    blended 3:1 tokens), and one column per benchmark), reasoning models removed, in date order.
    Raises FileNotFoundError naming a missing file."""
    frames = []
    for rel in DATA_FILES:
        path = Path(data_dir) / rel
        if not path.is_file():
            raise FileNotFoundError(f"Epoch AI data file missing: {path}")
        frames.append(pd.read_csv(path))
    df = pd.concat(frames, ignore_index=True)
    df = df.rename(columns={"Model Name": "name", "Release Date": "date", "USD per 1M Tokens": "price"})
    df = df.dropna(subset=["price"])
    df["name"] = df["name"].replace(RENAMES)
    df["date"] = pd.to_datetime(df["date"])
    df = df.sort_values("date", kind="stable").reset_index(drop=True)
    return df[~df["name"].isin(REASONING_MODELS)].reset_index(drop=True)


def thresholds(df: pd.DataFrame, bench: str) -> list[tuple[str, float]]:
    """README step 3: ``(model name, score)`` of every row that was ever the top scorer on ``bench`` (first in
    date order on ties), minus rows without a score and near-chance multiple-choice scores."""
    seen, out = set(), []
    scores = df[bench].to_numpy(dtype=float)
    dates = df["date"].to_numpy()
    for d in np.unique(dates):
        upto = np.flatnonzero(dates <= d)
        vals = scores[upto]
        if np.all(np.isnan(vals)):
            continue
        top = int(upto[np.nanargmax(vals)])  # first maximum in date order
        if top in seen:
            continue
        seen.add(top)
        score = scores[top]
        if bench in MULTIPLE_CHOICE and score < CHANCE_FLOOR:
            continue
        out.append((str(df["name"].iloc[top]), float(score)))
    return out


def running_minimum(dates, prices, in_band) -> pd.DataFrame:
    """README step 4 on any dated price records (already in date order): the rows recorded by the running
    minimum among ``in_band`` rows, one per date (the last, cheapest). Returns columns ``pos`` (position in
    the input), ``date``, ``price``."""
    best = math.inf
    rec = []
    for i, (d, p, ok) in enumerate(zip(dates, prices, in_band)):
        if ok and p < best:
            best = p
            rec.append((i, pd.Timestamp(d), float(p)))
    out = pd.DataFrame(rec, columns=["pos", "date", "price"])
    return out.drop_duplicates(subset=["date"], keep="last").reset_index(drop=True)


def trend(dates, prices, ci_level: float = 0.90) -> TrendFit:
    """README step 5: OLS of log10(price) on the ordinal day (nonrobust SEs); factor ``10^(-365*slope)`` with
    its ``ci_level`` interval. Raises ValueError for fewer than :data:`MIN_POINTS` points."""
    d = pd.to_datetime(pd.Series(list(dates)))
    if len(d) < MIN_POINTS:
        raise ValueError(f"{len(d)} points; a trend needs at least {MIN_POINTS}")
    # imported here: the CLI imports this module for its command, and statsmodels costs ~1.4 s to import
    from statsmodels.regression import linear_model as _lm  # not statsmodels.api: it imports all of statsmodels
    from statsmodels.tools.tools import add_constant

    x = np.array([t.toordinal() for t in d], dtype=float)
    y = np.log10(np.asarray(prices, dtype=float))
    res = _lm.OLS(y, add_constant(x)).fit()
    slope = float(res.params[1])
    lo, hi = res.conf_int(alpha=1 - ci_level)[1]
    return TrendFit(
        factor=10 ** (-365 * slope), ci_low=10 ** (-365 * float(hi)), ci_high=10 ** (-365 * float(lo)),
        ci_level=ci_level, r_squared=float(res.rsquared), n=len(d), start=d.iloc[0].date(), end=d.iloc[-1].date(),
        slope_per_day=slope,
    )


def running_min_trend(dates, prices, in_band, ci_level: float = 0.90) -> tuple[TrendFit | None, pd.DataFrame]:
    """Steps 4-5: the running-minimum points and their trend (None when fewer than :data:`MIN_POINTS`)."""
    pts = running_minimum(dates, prices, in_band)
    if len(pts) < MIN_POINTS:
        return None, pts
    return trend(pts["date"], pts["price"], ci_level), pts


def analyse(data_dir: Path) -> pd.DataFrame:
    """Every (benchmark, threshold) regression on Epoch AI's data. Columns ``bench``, ``threshold_model``,
    ``lower`` (band's inclusive lower bound), ``n``, ``start``, ``end``, ``factor``, ``ci90_low``,
    ``ci90_high``, ``r_squared``, ``points`` (model names in the regression)."""
    df = load_pooled(data_dir)
    rows = []
    for bench in BENCHMARKS:
        scored = df[df[bench].notna()].reset_index(drop=True)
        for name, lower in thresholds(df, bench):
            fit, pts = running_min_trend(scored["date"], scored["price"], scored[bench].to_numpy() >= lower)
            if fit is None:
                continue
            rows.append({
                "bench": bench, "threshold_model": name, "lower": lower, "n": fit.n, "start": fit.start,
                "end": fit.end, "factor": fit.factor, "ci90_low": fit.ci_low, "ci90_high": fit.ci_high,
                "r_squared": fit.r_squared, "points": ", ".join(scored["name"].iloc[pts["pos"]]),
            })
    return pd.DataFrame(rows)


def published(data_dir: Path) -> pd.DataFrame:
    """Epoch AI's published results (``RESULTS_FILE``): ``bench``, ``threshold_model``, ``sample_size``,
    ``factor``, ``ci90_low``, ``ci90_high``. Raises FileNotFoundError."""
    path = Path(data_dir) / RESULTS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"Epoch AI results file missing: {path}")
    pub = pd.read_csv(path)
    ci = pub["price_reduction_factor_per_year_90_ci"].str.strip("[]").str.split(",", expand=True).astype(float)
    return pd.DataFrame({
        "bench": pub["bench"], "threshold_model": pub["threshold_model"], "sample_size": pub["sample_size"],
        "factor": pub["price_reduction_factor_per_year"], "ci90_low": ci[0], "ci90_high": ci[1],
    })


def reproduce(data_dir: Path) -> pd.DataFrame:
    """Published rows beside ours, matched on (bench, threshold_model). Columns: ``bench``,
    ``threshold_model``, ``published``, ``published_ci90``, ``n_published``, ``ours``, ``ours_ci90_low``,
    ``ours_ci90_high``, ``n``, ``rel_error``, ``reproduced`` (|ours/published - 1| <= :data:`TOLERANCE`).
    Rows we compute that Epoch did not publish are appended with ``published`` NaN."""
    pub = published(data_dir)
    ours = analyse(data_dir)
    m = pub.merge(ours, on=["bench", "threshold_model"], how="outer", suffixes=("_pub", ""), indicator=True)
    out = pd.DataFrame({
        "bench": m["bench"], "threshold_model": m["threshold_model"], "published": m["factor_pub"],
        "published_ci90": [f"{a:.3g}-{b:.4g}" if pd.notna(a) else ""
                           for a, b in zip(m["ci90_low_pub"], m["ci90_high_pub"])],
        "n_published": m["sample_size"], "ours": m["factor"], "ours_ci90_low": m["ci90_low"],
        "ours_ci90_high": m["ci90_high"], "n": m["n"],
    })
    out["rel_error"] = (out["ours"] / out["published"] - 1).abs()
    out["reproduced"] = out["rel_error"] <= TOLERANCE
    order = {b: i for i, b in enumerate(BENCHMARKS)}
    out["_o"] = out["bench"].map(order)
    out = out.sort_values(["_o", "published"], na_position="last", kind="stable")
    return out.drop(columns="_o").reset_index(drop=True)


def report_lines(rep: pd.DataFrame) -> list[str]:
    """The ``epoch-check`` printout: one line per (benchmark, threshold), then ``reproduced N/M``."""
    lines = [f"{'benchmark':<24} {'threshold':<26} {'n':>3} {'published':>10} {'ours':>10} {'ours 90% CI':>22}  match"]
    for r in rep.itertuples(index=False):
        pubs = f"{r.published:10.2f}" if pd.notna(r.published) else f"{'-':>10}"
        ours = f"{r.ours:10.2f}" if pd.notna(r.ours) else f"{'-':>10}"
        ci = f"{r.ours_ci90_low:.3g}-{r.ours_ci90_high:.4g}" if pd.notna(r.ours) else "-"
        n = f"{int(r.n):>3}" if pd.notna(r.n) else "  -"
        mark = "ok" if r.reproduced else ("NOT PUBLISHED" if pd.isna(r.published) else "DIFFERS")
        lines.append(f"{r.bench:<24} {r.threshold_model:<26} {n} {pubs} {ours} {ci:>22}  {mark}")
    n_pub = int(rep["published"].notna().sum())
    lines.append(f"reproduced {int(rep['reproduced'].sum())}/{n_pub}")
    return lines


def cmd_epoch_check(args) -> int:
    data_dir = Path(args.data_dir)
    try:
        rep = reproduce(data_dir)
    except FileNotFoundError as exc:
        print(f"tokenprices epoch-check: {exc}", file=sys.stderr)
        return 2
    for line in report_lines(rep):
        print(line)
    n_pub = int(rep["published"].notna().sum())
    return 0 if int(rep["reproduced"].sum()) == n_pub else 1


def register(sub) -> None:
    """Add ``epoch-check DATA_DIR`` to the ``tokenprices`` command line."""
    sp = sub.add_parser(
        "epoch-check",
        help="reproduce Epoch AI's 21 cheapest-model price-decline factors from their dataset folder",
        description="Run the cheapest-model-at-capability method on Epoch AI's data (folder as in "
        "../shared/data/epoch_price_trends: data/ and results/) and compare with their published factors. "
        "Exit 0 when every published row is reproduced within 1%.",
    )
    sp.add_argument("data_dir", metavar="DATA_DIR", help="folder of Epoch AI's llm-benchmark-efficiency data")
    sp.set_defaults(func=cmd_epoch_check)
