"""Monthly price series, their decline, and forecasts chosen by rolling-origin backtest (statsmodels).

Every series is a monthly sequence of positive levels (an index, first month = 100, or a price in USD per 1M
tokens); everything is fitted on the **natural log** of the level. How each series is built (what enters, how it
is weighted) is documented where it is built: :func:`jevons_index`, :func:`build_provider_indexes` and
:func:`tier_series` here, :mod:`pipelines.forecast.capability`, and the assets of :mod:`assets.forecasts`. Months are UTC
calendar months (first day); a month's value uses the prices in force on its last day.

Decline (:func:`decline`): OLS of ``log(level)`` on the month number with HAC (Newey-West) standard errors; the
annual decline factor is ``exp(-12*slope)`` ("prices fall factor-x per year"; < 1 means they rose) with a 95%
interval from the slope's interval, and a half-life ``log(2)/-slope`` months while falling.

Candidate models (:data:`MODELS`), each giving a median forecast and 80%/95% prediction intervals on the log
scale (levels are ``exp`` of them, so ``yhat`` is the forecast median):

- ``naive``: last value; interval ``± z·σ·√h`` with σ the RMS of one-step changes (Hyndman & Athanasopoulos,
  *FPP3* §5.5).
- ``drift``: last value + h·(mean one-step change); interval ``± z·σ·√(h(1+h/(T-1)))`` (FPP3 §5.5).
- ``loglinear``: the OLS trend (HAC fit, as for the decline); intervals from ``get_prediction`` (new observation).
- ``ets_damped``: ``ETSModel(error="add", trend="add", damped_trend=True)``, heuristic initialisation;
  analytic intervals (``get_prediction``).
- ``uc_llt``: ``UnobservedComponents(level="local linear trend")`` fitted by MLE (Nelder-Mead from variances
  set to fractions of the variance of the one-step changes, or the previous origin's estimate); intervals
  from ``get_forecast`` (they include the irregular).

Backtest (:func:`backtest`): rolling origin, expanding window. Origins are every month once at least
:data:`MIN_TRAIN` months exist; at each origin every model is fitted once on the months before it and scored
at horizons :data:`HORIZONS` (the error of the h-step-ahead forecast, log scale). Scores per (model, horizon):
``mae_log`` (mean |error|); ``mase_naive`` and ``mase_drift``: the same absolute errors scaled by the in-sample
one-step MAE of the naive (|Δy|) resp. drift (|Δy - mean Δy|) method on each origin's training window, pooled
over origins (sum |error| / sum scale, so a flat training window does not divide by zero; undefined when every
window is flat); ``coverage80``/``coverage95``: share of origins whose outcome fell inside the interval.
Fewer than :data:`MIN_ORIGINS` origins: no score (NULL, with a note). The model used for a series
(:func:`choose_model`) is the one with the lowest mean ``mae_log`` over the scored horizons; ties go to the
simpler model (order of :data:`MODELS`); without any scored horizon the series gets ``naive`` and says so.

A series with fewer than :data:`MIN_HISTORY` monthly points, or that never moves, is reported as
``insufficient`` history with its span and the reason (:func:`insufficient_reason`): no decline factor, no model,
no forecast interval (a factor "1.0, 95% CI 1.0-1.0" from a few months of one carried-forward price would look
precise and mean nothing); its backtest rows are still written (without a score below :data:`MIN_ORIGINS`). Statsmodels warnings (ConvergenceWarning, ...) are caught and counted per model, never printed; a
fit that raises falls back to ``naive`` for that origin and is counted too.

Many series are fitted in a process pool that :func:`fit_many` opens and closes itself (from
:data:`POOL_MIN_SERIES` series up, or when ``TOKENPRICES_FORECAST_WORKERS`` sets the number of workers; one
process otherwise); results do not depend on the number of workers.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import threading
import warnings
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipelines import config, warehouse
from pipelines.config import MARKET_INDEX_SELLERS

#: a month-on-month price relative beyond this factor (either way) is treated as a data error (LiteLLM
#: documents unit mistakes of 1000x, per-character mix-ups of 64x) and left out of the index.
MAX_RELATIVE = 20.0
#: fewer observed months than this: :func:`decline` refuses to fit a trend.
MIN_MONTHS = 6
#: a series with fewer monthly points than this, or without any change, is reported as "insufficient history"
#: (status :data:`INSUFFICIENT`): no factor, no model, no interval, its span and reason instead.
MIN_HISTORY = 12
INSUFFICIENT = "insufficient"
#: candidate models, simplest first (ties in the backtest go to the earlier one).
MODELS = ("naive", "drift", "loglinear", "ets_damped", "uc_llt")
#: backtest horizons, months ahead.
HORIZONS = (3, 6, 12)
#: the first backtest origin needs this many months of training data (the issue: "once >= 12 months exist").
MIN_TRAIN = 12
#: a (model, horizon) scored on fewer origins than this gets no score.
MIN_ORIGINS = 3
#: months forecast after the last observed month.
FORECAST_HORIZON = 12
#: standard normal quantiles of the 80% and 95% intervals: ``scipy.stats.norm.ppf(0.90)`` and ``(0.975)`` as
#: scipy computes them (tests/test_forecast_models.py checks), written out so that importing this module does
#: not import scipy and statsmodels (~1.4 s): only the fits need them.
Z80, Z95 = 1.2815515655446004, 1.959963984540054
#: methods named in ``forecasts.price_decline``.
METHOD_LOGLINEAR = "loglinear_ols_hac"


@dataclass(frozen=True)
class Decline:
    """Annual decline factor of a series, with its 95% CI (HAC), half-life in months, and the fit's window."""

    series: str
    method: str
    factor: float
    ci_low: float
    ci_high: float
    half_life_months: float | None
    n_obs: int
    window: str
    slope: float
    slope_se: float


@dataclass(frozen=True)
class PathForecast:
    """A forecast path on the log scale: median and 80%/95% prediction interval bounds, one value per step."""

    mean: np.ndarray
    lo80: np.ndarray
    hi80: np.ndarray
    lo95: np.ndarray
    hi95: np.ndarray


@dataclass
class SeriesFit:
    """Everything fitted for one series. ``status``: ``ok`` (backtested, model chosen), ``no_backtest`` (long
    enough for a trend, too short for :data:`MIN_ORIGINS` origins at any horizon: naive by default),
    ``insufficient`` (:func:`insufficient_reason`: nothing fitted, ``model_reason`` says why)."""

    series: str
    months: list
    values: np.ndarray
    status: str
    decline: Decline | None = None
    backtest: pd.DataFrame | None = None
    model: str | None = None
    model_reason: str = ""
    model_score: float | None = None
    forecast: pd.DataFrame | None = None
    trend: np.ndarray | None = None
    warnings: Counter = field(default_factory=Counter)
    fallbacks: Counter = field(default_factory=Counter)
    seconds: float = 0.0


# --------------------------------------------------------------------------------------------- series building


def jevons_index(prices: pd.DataFrame) -> pd.DataFrame:
    """Chained Jevons index from monthly model prices.

    ``prices``: columns ``month`` (first day, datetime64/date), ``provider``, ``model``, ``blended`` (> 0, any
    currency: the index is unit-free). Returns columns ``month``, ``index_value`` (first month = 100),
    ``n_models`` (models matched with the previous month; the first month counts all its models). Each month
    the index moves by the geometric mean (equal weights) of the price relatives ``blended_t / blended_{t-1}``
    of the models priced in both months; relatives beyond :data:`MAX_RELATIVE` are left out as data errors. A
    month with no matched model keeps the previous level (relative 1) with n_models 0. Raises ValueError when
    ``prices`` is empty.
    """
    if prices.empty:
        raise ValueError("no monthly prices to build an index from")
    p = prices.copy()
    p["month"] = pd.to_datetime(p["month"])
    p["key"] = p["provider"] + "/" + p["model"]
    wide = p.pivot_table(index="month", columns="key", values="blended", aggfunc="min").sort_index()
    months = wide.index
    level = 100.0
    rows = [(months[0], level, int(wide.iloc[0].notna().sum()))]
    lim = math.log(MAX_RELATIVE)
    logs = np.log(wide.to_numpy(dtype=float))
    for i in range(1, len(months)):
        rel = logs[i] - logs[i - 1]
        rel = rel[np.isfinite(rel) & (np.abs(rel) <= lim)]
        if len(rel):
            level *= math.exp(float(rel.mean()))
        rows.append((months[i], level, int(len(rel))))
    return pd.DataFrame(rows, columns=["month", "index_value", "n_models"])


# --------------------------------------------------------------------------------------------- decline


def _hac_trend(y: np.ndarray):
    from statsmodels.regression import linear_model as _lm  # not statsmodels.api: it imports all of statsmodels
    from statsmodels.tools.tools import add_constant

    n = len(y)
    maxlags = max(1, int(4 * (n / 100) ** (2 / 9)))  # Newey-West rule of thumb
    return _lm.OLS(y, add_constant(np.arange(n, dtype=float))).fit(cov_type="HAC", cov_kwds={"maxlags": maxlags})


def _window(months) -> str:
    m = pd.to_datetime(pd.Series(list(months)))
    return f"{m.iloc[0]:%Y-%m}..{m.iloc[-1]:%Y-%m}"


def decline(months, values, series: str) -> Decline:
    """Annual decline factor of the monthly ``values`` (> 0, consecutive months ``months``) by OLS of
    ``log(value)`` on the month number with HAC errors: factor ``exp(-12*slope)`` with a 95% CI.

    A flat series gives factor 1 with the interval [1, 1] (no movement to fit). Raises ValueError for fewer
    than :data:`MIN_MONTHS` values or a non-positive value.
    """
    v = np.asarray(values, dtype=float)
    if len(v) < MIN_MONTHS:
        raise ValueError(f"series {series} has {len(v)} months; at least {MIN_MONTHS} are needed for a trend")
    if not np.all(v > 0):
        raise ValueError(f"series {series} has non-positive values: no log scale")
    y = np.log(v)
    if np.ptp(y) == 0:
        return Decline(series, METHOD_LOGLINEAR, 1.0, 1.0, 1.0, None, len(y), _window(months), 0.0, 0.0)
    res = _hac_trend(y)
    slope, se = float(res.params[1]), float(res.bse[1])
    lo, hi = res.conf_int(alpha=0.05)[1]
    return Decline(
        series=series,
        method=METHOD_LOGLINEAR,
        factor=math.exp(-12 * slope),
        ci_low=math.exp(-12 * float(hi)),
        ci_high=math.exp(-12 * float(lo)),
        half_life_months=(math.log(2) / -slope) if slope < 0 else None,
        n_obs=len(y),
        window=_window(months),
        slope=slope,
        slope_se=se,
    )


# --------------------------------------------------------------------------------------------- models


def _intervals(mean: np.ndarray, sd: np.ndarray) -> PathForecast:
    sd = np.nan_to_num(np.maximum(np.asarray(sd, dtype=float), 0.0), nan=0.0)
    return PathForecast(mean, mean - Z80 * sd, mean + Z80 * sd, mean - Z95 * sd, mean + Z95 * sd)


def _naive(y: np.ndarray, h: int, start=None):
    d = np.diff(y)
    sigma = math.sqrt(float(np.mean(d**2))) if len(d) else 0.0
    steps = np.arange(1, h + 1, dtype=float)
    return _intervals(np.full(h, y[-1]), sigma * np.sqrt(steps)), None


def _drift(y: np.ndarray, h: int, start=None):
    d = np.diff(y)
    t = len(y)
    c = float(d.mean()) if len(d) else 0.0
    sigma = math.sqrt(float(np.sum((d - c) ** 2)) / (t - 2)) if t > 2 else 0.0
    steps = np.arange(1, h + 1, dtype=float)
    return _intervals(y[-1] + c * steps, sigma * np.sqrt(steps * (1 + steps / (t - 1)))), None


def _loglinear(y: np.ndarray, h: int, start=None):
    from statsmodels.tools.tools import add_constant

    res = _hac_trend(y)
    n = len(y)
    x_new = add_constant(np.arange(n, n + h, dtype=float), has_constant="add")
    pred = res.get_prediction(x_new)
    mean = np.asarray(pred.predicted_mean, dtype=float)
    sd = np.sqrt(np.asarray(pred.var_pred_mean, dtype=float) + res.scale)
    return _intervals(mean, sd), None


def _ets(y: np.ndarray, h: int, start=None):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    model = ETSModel(pd.Series(y), error="add", trend="add", damped_trend=True, initialization_method="heuristic")
    res = model.fit(disp=False, start_params=start)
    pred = res.get_prediction(start=len(y), end=len(y) + h - 1)
    mean = np.asarray(pred.predicted_mean, dtype=float)
    return _intervals(mean, np.sqrt(np.asarray(pred.forecast_variance, dtype=float))), np.asarray(res.params)


def _uc(y: np.ndarray, h: int, start=None):
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    model = UnobservedComponents(y, level="local linear trend")
    if start is None:  # data-derived start (irregular, level, trend variances): ~3x fewer likelihood evaluations
        start = float(np.var(np.diff(y))) * np.array([0.3, 0.3, 0.1])
    res = model.fit(disp=False, method="nm", maxiter=500, cov_type="none", start_params=start)
    fc = res.get_forecast(h)
    mean = np.asarray(fc.predicted_mean, dtype=float)
    return _intervals(mean, np.sqrt(np.asarray(fc.var_pred_mean, dtype=float))), np.asarray(res.params)


_FITTERS = {"naive": _naive, "drift": _drift, "loglinear": _loglinear, "ets_damped": _ets, "uc_llt": _uc}
_STATSMODELS = {"loglinear", "ets_damped", "uc_llt"}


def forecast_path(model: str, y: np.ndarray, h: int, start=None, log: Counter | None = None,
                  fallbacks: Counter | None = None):
    """``h``-step forecast of log-scale ``y`` by ``model`` (a name in :data:`MODELS`).

    Returns ``(PathForecast, params)`` (params: a warm start for the next fit of the same model, or None).
    Warnings raised while fitting are counted into ``log`` (key ``"model: Category: message"``), never shown.
    A statsmodels model on a flat window (nothing to learn) or a fit that raises falls back to ``naive``,
    counted in ``fallbacks`` (key ``"model: reason"``). Raises KeyError for an unknown model.
    """
    fit = _FITTERS[model]
    if model in _STATSMODELS and np.ptp(y) == 0:
        if fallbacks is not None:
            fallbacks[f"{model}: flat training window"] += 1
        return _naive(y, h)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            path, params = fit(y, h, start)
            if not np.all(np.isfinite(path.mean)):
                raise FloatingPointError("non-finite forecast")
        except Exception as exc:  # noqa: BLE001 - any failed fit is recorded and replaced by naive
            if fallbacks is not None:
                fallbacks[f"{model}: {type(exc).__name__}"] += 1
            path, params = _naive(y, h)[0], None
    if log is not None:
        for w in caught:
            log[f"{model}: {w.category.__name__}: {str(w.message).splitlines()[0][:90]}"] += 1
    return path, params


# --------------------------------------------------------------------------------------------- backtest


FORECAST_COLUMNS = ["month", "yhat", "lo80", "hi80", "lo95", "hi95", "model"]
BACKTEST_COLUMNS = ["series", "model", "horizon", "mae_log", "mase_naive", "mase_drift", "coverage80",
                    "coverage95", "n_origins", "note"]


def backtest(y: np.ndarray, series: str = "", models=MODELS, horizons=HORIZONS, min_train: int = MIN_TRAIN,
             log: Counter | None = None, fallbacks: Counter | None = None):
    """Rolling-origin backtest of log-scale ``y`` (see the module docstring for the scores).

    Returns ``(frame, warm)``: one row per (model, horizon) with columns :data:`BACKTEST_COLUMNS` (scores None
    when fewer than :data:`MIN_ORIGINS` origins, or MASE when every training window was flat), and the
    last fitted parameters per model (warm starts for the final fit).
    """
    n = len(y)
    hmax = max(horizons)
    errs = {(m, h): [] for m in models for h in horizons}
    scale_n = {h: [] for h in horizons}
    scale_d = {h: [] for h in horizons}
    warm: dict = {m: None for m in models}
    for t in range(min_train, n - min(horizons) + 1):
        train = y[:t]
        steps = min(hmax, n - t)
        d = np.diff(train)
        q_naive, q_drift = float(np.mean(np.abs(d))), float(np.mean(np.abs(d - d.mean())))
        for h in horizons:
            if h <= steps:
                scale_n[h].append(q_naive)
                scale_d[h].append(q_drift)
        for m in models:
            path, params = forecast_path(m, train, steps, warm[m], log, fallbacks)
            if params is not None:
                warm[m] = params
            for h in horizons:
                if h <= steps:
                    actual = y[t + h - 1]
                    errs[(m, h)].append(
                        (actual - path.mean[h - 1],
                         path.lo80[h - 1] <= actual <= path.hi80[h - 1],
                         path.lo95[h - 1] <= actual <= path.hi95[h - 1])
                    )
    rows = [score_row(series, m, h, errs[(m, h)], scale_n[h], scale_d[h]) for m in models for h in horizons]
    return pd.DataFrame(rows, columns=BACKTEST_COLUMNS), warm


def score_row(series: str, model: str, horizon: int, errs: list, scale_n: list, scale_d: list) -> list:
    """One row of :data:`BACKTEST_COLUMNS` from the origins' ``(error, in 80% interval, in 95% interval)`` and their
    training windows' naive/drift scales (see the module docstring); no score below :data:`MIN_ORIGINS` origins."""
    k = len(errs)
    if k < MIN_ORIGINS:
        return [series, model, horizon, None, None, None, None, None, k,
                f"too few origins ({k} < {MIN_ORIGINS}): no score"]
    ae = np.abs(np.array([x[0] for x in errs]))
    sn, sd = float(np.sum(scale_n)), float(np.sum(scale_d))
    note = "" if sn > 0 else "every training window flat: MASE undefined"
    return [series, model, horizon, float(ae.mean()), float(ae.sum() / sn) if sn > 0 else None,
            float(ae.sum() / sd) if sd > 0 else None, float(np.mean([x[1] for x in errs])),
            float(np.mean([x[2] for x in errs])), k, note]


#: the calibration check's band for the 80% interval's coverage, and the origins it needs to judge.
COVERAGE80_BAND = (0.70, 0.90)
CALIBRATION_MIN_ORIGINS = 8
CALIBRATION_COLUMNS = ["series", "model", "horizon", "coverage80", "coverage95", "n_origins", "verdict"]


def calibration(fits: list) -> pd.DataFrame:
    """Per fit with a chosen model and per horizon: the chosen model's backtest coverage of its 80%/95% intervals,
    the number of origins, and a verdict (``calibrated``, ``too wide`` / ``too narrow`` when the 80% coverage is
    outside :data:`COVERAGE80_BAND` over at least :data:`CALIBRATION_MIN_ORIGINS` origins, ``too few origins``)."""
    rows = []
    lo, hi = COVERAGE80_BAND
    for f in fits:
        if f.model is None or f.backtest is None:
            continue
        bt = f.backtest[f.backtest["model"] == f.model]
        for r in bt.itertuples(index=False):
            c80 = None if pd.isna(r.coverage80) else float(r.coverage80)
            k = int(r.n_origins)
            if c80 is None or k < CALIBRATION_MIN_ORIGINS:
                verdict = "too few origins"
            else:
                verdict = "too wide" if c80 > hi else "too narrow" if c80 < lo else "calibrated"
            rows.append([f.series, f.model, int(r.horizon), c80,
                         None if pd.isna(r.coverage95) else float(r.coverage95), k, verdict])
    return pd.DataFrame(rows, columns=CALIBRATION_COLUMNS)


def choose_model(bt: pd.DataFrame) -> tuple[str, str, float | None]:
    """The model with the lowest mean ``mae_log`` over the horizons scored in ``bt`` (ties: earlier in
    :data:`MODELS`). Returns ``(model, reason, score)``; ``naive`` with the reason when nothing was scored."""
    scored = bt.dropna(subset=["mae_log"])
    if scored.empty:
        k = int(bt["n_origins"].max()) if len(bt) else 0
        return "naive", f"default: too few backtest origins (at most {k} < {MIN_ORIGINS}) to choose a model", None
    mean = scored.groupby("model")["mae_log"].mean()
    order = {m: i for i, m in enumerate(MODELS)}
    best = min(mean.index, key=lambda m: (round(float(mean[m]), 12), order.get(m, 99)))
    hs = sorted(int(h) for h in scored["horizon"].unique())
    runner = sorted(((float(v), k) for k, v in mean.items() if k != best))
    vs = f"; next {runner[0][1]} {runner[0][0]:.4f}" if runner else ""
    return best, f"lowest mean MAE(log) over horizons {hs}: {float(mean[best]):.4f}{vs}", float(mean[best])


# --------------------------------------------------------------------------------------------- one series


def _month_seq(last, h: int) -> list:
    last = pd.Timestamp(last)
    return [(last + pd.DateOffset(months=k)).date() for k in range(1, h + 1)]


def insufficient_reason(months, values) -> str | None:
    """Why the monthly series ``values`` (over ``months``) is too thin for a factor or a forecast, or None: fewer
    than :data:`MIN_HISTORY` months, or no change at all. The reason names the span."""
    n = len(values)
    span = f"{n} months, {_window(months)}" if n else "no months"
    if n < MIN_HISTORY:
        return f"insufficient history: {span} < {MIN_HISTORY} monthly points"
    if np.ptp(np.log(np.asarray(values, dtype=float))) == 0:
        return f"insufficient history: no change at all in {span}"
    return None


def fit_series(series: str, months, values, horizon: int = FORECAST_HORIZON) -> SeriesFit:
    """Decline, backtest, model choice and ``horizon``-month forecast of one monthly series.

    ``months``: consecutive month starts; ``values``: positive levels. Never raises for short or flat series
    (reported as ``insufficient`` with the reason in ``model_reason``); raises ValueError for non-positive values.
    """
    import time

    t0 = time.perf_counter()
    months = [pd.Timestamp(m).date() for m in months]
    v = np.asarray(values, dtype=float)
    if len(v) and not np.all(v > 0):
        raise ValueError(f"series {series} has non-positive values: no log scale")
    out = SeriesFit(series=series, months=months, values=v, status="ok")
    reason = insufficient_reason(months, v)
    if reason is not None:  # no factor, no model, no interval: the reason says why
        out.status = INSUFFICIENT
        out.model_reason = reason
        out.backtest = backtest(np.log(v), series, log=out.warnings, fallbacks=out.fallbacks)[0] if len(v) else None
        out.seconds = time.perf_counter() - t0
        return out
    y = np.log(v)
    out.decline = decline(months, v, series)
    out.trend = np.exp(_hac_trend(y).fittedvalues)
    bt, warm = backtest(y, series, log=out.warnings, fallbacks=out.fallbacks)
    out.backtest = bt
    out.model, out.model_reason, out.model_score = choose_model(bt)
    out.status = "ok" if out.model_score is not None else "no_backtest"
    path, _ = forecast_path(out.model, y, horizon, warm.get(out.model), out.warnings, out.fallbacks)
    out.forecast = pd.DataFrame({
        "month": _month_seq(months[-1], horizon),
        "yhat": np.exp(path.mean), "lo80": np.exp(path.lo80), "hi80": np.exp(path.hi80),
        "lo95": np.exp(path.lo95), "hi95": np.exp(path.hi95), "model": out.model,
    })
    out.seconds = time.perf_counter() - t0
    return out


def _fit_item(item):
    """:func:`fit_series` of one ``(series, months, values)`` with single-threaded BLAS: the matrices are tiny (3x3
    states) and BLAS threads only contend, on a busy 2-core machine most of all (the demo's 28 series: 6.8 s with
    one thread, 14.1 s with OpenBLAS's default). scipy is imported first so that its own BLAS is limited too."""
    import scipy.linalg  # noqa: F401
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return fit_series(*item)


#: fewest series worth a process pool when the worker count is not given: the demo's warehouse_job (17 series
#: with backtests) took 21.8 s in one process and 24.4 s with a 2-process pool on 2 cores (2026-11-30).
POOL_MIN_SERIES = 100


def default_workers() -> int:
    """Worker processes for :func:`fit_many`: ``TOKENPRICES_FORECAST_WORKERS`` or the CPU count."""
    return config.forecast_workers() or max(1, os.cpu_count() or 1)


def worker_pool(workers: int):
    """A process pool of ``workers`` for fitting (use it as a context manager: it is closed at the end of the
    block). Workers are forked from a ``forkserver`` (never from this multi-threaded process, so they hold none
    of its state) and end with the process that opened the pool (:func:`_worker_init`)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver"),
                               initializer=_worker_init)


def _worker_init() -> None:
    """Start of each pool worker: end it when the process that opened the pool ends. A CPython pool worker whose
    parent is killed (SIGKILL, the OOM killer) waits on its call queue for ever, since it holds that queue's
    write end itself, and the worker server stays up as long as a worker does: ~400 MB left behind by every
    killed command. The parent's sentinel (:func:`multiprocessing.parent_process`, a pipe the parent holds open)
    becomes readable when it dies; a daemon thread waits for that and exits the worker."""
    import multiprocessing

    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), name="exit-with-parent", daemon=True).start()


def _exit_with(sentinel: int) -> None:
    from multiprocessing.connection import wait

    wait([sentinel])
    os._exit(1)


def _is_heavy(item) -> bool:
    return len(item[2]) >= MIN_TRAIN + min(HORIZONS)


def fit_many(items: list[tuple[str, list, np.ndarray]], workers: int | None = None) -> list[SeriesFit]:
    """:func:`fit_series` for each ``(series, months, values)``, in the given order.

    With ``workers > 1`` (default: :func:`default_workers` when ``TOKENPRICES_FORECAST_WORKERS`` is set or at
    least :data:`POOL_MIN_SERIES` series need a backtest, else 1) the series that need a backtest are spread
    over a :func:`worker_pool` opened and closed here, longest first; short series and single-series calls run
    in this process. Results do not depend on ``workers`` (each series is fitted on its own, deterministically).
    The caller's main module must be import-safe (``if __name__ == "__main__":``), as for any process pool.
    """
    results: dict[int, SeriesFit] = {}
    heavy = [i for i, it in enumerate(items) if _is_heavy(it)]
    if workers is None:  # a pool costs ~2-3 s to start (each worker imports statsmodels): worth it for many series
        explicit = config.forecast_workers() is not None
        workers = default_workers() if explicit or len(heavy) >= POOL_MIN_SERIES else 1
    workers = max(1, workers)
    if workers > 1 and len(heavy) > 1:
        order = sorted(heavy, key=lambda i: -len(items[i][2]))
        with worker_pool(min(workers, len(heavy))) as pool:
            for i, res in zip(order, pool.map(_fit_item, [items[i] for i in order])):
                results[i] = res
    for i, it in enumerate(items):
        if i not in results:
            results[i] = _fit_item(it)
    return [results[i] for i in range(len(items))]


def declines(items: list[tuple[str, list, np.ndarray]]) -> list[Decline | None]:
    """:func:`decline` of each ``(series, months, values)``, None for a series with insufficient history
    (:func:`insufficient_reason`). Raises ValueError for a non-positive value."""
    return [decline(months, values, series) if insufficient_reason(months, values) is None else None
            for series, months, values in items]


# --------------------------------------------------------------------------------------------- price tiers

#: model ids that are not text-generation list prices: audio/speech/realtime/live, image, embeddings,
#: moderation, robotics and computer-use models, and fine-tunes (``ft:``, priced per customer model).
NON_TEXT_PATTERNS = (r"^ft:", r"audio", r"realtime", r"transcribe", r"tts", r"whisper", r"image", r"dall-e",
                     r"embed", r"moderation", r"robotics", r"-live", r"computer-use")


def is_text_model(model: str) -> bool:
    """False when ``model`` matches one of :data:`NON_TEXT_PATTERNS` (case-insensitive)."""
    import re

    return not any(re.search(p, model, flags=re.IGNORECASE) for p in NON_TEXT_PATTERNS)


def current_models(prices: pd.DataFrame, page_lists: pd.DataFrame, first_seen: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``prices`` (monthly, columns ``month``, ``provider``, ``model``, ...) that are *current*.

    A model is current in a month when the seller's own price page, at its latest observation on or before
    the month's end, lists it, or when the model was first priced (``first_seen``) after that observation (it
    is newer than the page we have). Before a seller's page was first observed every model with a price in
    force counts (LiteLLM keeps legacy models, so this errs towards including them).
    ``page_lists``: columns ``month``, ``provider``, ``model``, ``page_day`` (SQL ``forecast_current_models``);
    ``first_seen``: columns ``provider``, ``model``, ``first_seen`` (dates).
    """
    p = prices.copy()
    p["month"] = pd.to_datetime(p["month"])
    pl = page_lists.copy()
    pl["month"] = pd.to_datetime(pl["month"])
    page_day = pl.groupby(["month", "provider"], as_index=False)["page_day"].max()
    listed = pl[["month", "provider", "model"]].drop_duplicates().assign(listed=True)
    fs = first_seen.copy()
    fs["first_seen"] = pd.to_datetime(fs["first_seen"])
    m = p.merge(page_day, on=["month", "provider"], how="left").merge(
        listed, on=["month", "provider", "model"], how="left").merge(fs, on=["provider", "model"], how="left")
    keep = m["page_day"].isna() | m["listed"].fillna(False).astype(bool) | (
        m["first_seen"] > pd.to_datetime(m["page_day"]))
    return p[keep.to_numpy()].reset_index(drop=True)


def tier_series(prices: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Frontier and floor price series from monthly blended prices of current models (columns ``month``,
    ``provider``, ``model``, ``blended`` USD per 1M tokens; see :func:`current_models`).

    Each month, for every provider, its most and its least expensive text model (:func:`is_text_model`) with
    a price in force; the series are the medians across providers of those two prices (equal weight per
    provider, whatever its number of models; the providers priced that month, so a seller entering moves the
    median). Returns ``{"most_expensive_median": frame, "least_expensive_median": frame}`` with columns
    ``month``, ``value`` (USD per 1M tokens), ``n_items`` (providers that month), ``detail``
    (``provider:model=price`` per provider).
    """
    p = prices[[is_text_model(m) for m in prices["model"]]]
    out = {}
    for name, pick in (("most_expensive_median", "idxmax"), ("least_expensive_median", "idxmin")):
        idx = getattr(p.groupby(["month", "provider"])["blended"], pick)()
        per = p.loc[idx.to_numpy()].sort_values(["month", "provider"])
        rows = []
        for month, g in per.groupby("month"):
            rows.append((month, float(g["blended"].median()), len(g),
                         "; ".join(f"{r.provider}:{r.model}={r.blended:.4g}" for r in g.itertuples())))
        out[name] = pd.DataFrame(rows, columns=["month", "value", "n_items", "detail"])
    return out


# ----------------------------------------------------------------------------- building from the warehouse

#: first month of the market series (LiteLLM history starts 2024-03-26).
FIRST_MONTH = dt.date(2024, 4, 1)
#: CNY lists: per model the mainland price list first, else the global one (both in CNY).
CNY_REGIONS = ("cn-mainland", "global")
#: conditions that do not restrict a CNY price (Zhipu writes "same price for input and output" on every row).
CNY_CONDITIONS = ("", "same price for input and output")
#: the overall matched-model index.
SERIES = "matched_model_blended"
USD_MTOK = "USD per 1M tokens"
SERIES_COLUMNS = ["series", "family", "month", "value", "unit", "n_items", "detail"]


def month_end(month: dt.date) -> dt.date:
    """Last day of ``month``'s month."""
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def last_complete_month(con) -> dt.date:
    """First day of the last month whose end the data cover: the latest valid_from or observation in
    ``marts.price_history`` up to the latest fetch (SQL ``forecast_data_end``; scheduled future prices do not
    count). Raises ValueError when the history is empty."""
    last = warehouse.run(con, "forecast_data_end").fetchone()[0]
    if last is None:
        raise ValueError("marts.price_history is empty: run the marts first")
    month_start = last.replace(day=1)
    return month_start if last == month_end(month_start) else (month_start - dt.timedelta(days=1)).replace(day=1)


def series_rows(series: str, family: str, months, values, unit: str, n_items, detail=None) -> pd.DataFrame:
    """Rows of ``forecasts.monthly_series`` (columns :data:`SERIES_COLUMNS`) for one series."""
    n = len(values)
    return pd.DataFrame({
        "series": series, "family": family, "month": pd.to_datetime(pd.Series(list(months))).dt.date,
        "value": [float(v) for v in values], "unit": unit, "n_items": [int(x) for x in n_items],
        "detail": list(detail) if detail is not None else [None] * n,
    }, columns=SERIES_COLUMNS)


def concat_rows(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=SERIES_COLUMNS)


def monthly_prices(con, last: dt.date) -> pd.DataFrame:
    """Monthly blended prices of the first-party sellers' USD lists, :data:`FIRST_MONTH`..``last`` (SQL
    ``monthly_blended_prices``): columns month, provider, model, input, output, blended (USD per 1M tokens)."""
    return warehouse.run(con, "monthly_blended_prices", {"first_month": FIRST_MONTH, "last_month": last,
                                                         "providers": list(MARKET_INDEX_SELLERS)}).fetchdf()


def price_points(con, last: dt.date) -> pd.DataFrame:
    """Dated blended prices of the first-party sellers up to the end of ``last`` (SQL ``forecast_price_points``):
    columns day, provider, model, input, output, blended (USD per 1M tokens)."""
    return warehouse.run(con, "forecast_price_points",
                         {"providers": list(MARKET_INDEX_SELLERS), "last_day": month_end(last)}).fetchdf()


def build_matched_model(con, last: dt.date, prices: pd.DataFrame | None = None) -> pd.DataFrame:
    """The overall matched-model index :data:`SERIES` (family ``matched_model``) as monthly-series rows."""
    prices = monthly_prices(con, last) if prices is None else prices
    idx = jevons_index(prices)
    return series_rows(SERIES, "matched_model", idx["month"], idx["index_value"], "index", idx["n_models"])


def build_provider_indexes(con, last: dt.date, prices: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Per-seller indexes (family ``matched_model_provider``): ``<SERIES>/<provider>`` on each first-party USD
    list; for each seller with a CNY list, ``<SERIES>_cny/<provider>`` (in CNY) and ``<SERIES>_cny_usd/<provider>``
    (the CNY index times rate_first/rate_month, ECB CNY per USD on each month's last day or the last publication
    before it). Returns (rows, notes about months without an ECB rate, which end the USD series)."""
    from pipelines.history import normalise

    prices = monthly_prices(con, last) if prices is None else prices
    frames, notes = [], []
    for provider, g in prices.groupby("provider"):
        idx = jevons_index(g)
        frames.append(series_rows(f"{SERIES}/{provider}", "matched_model_provider", idx["month"],
                                  idx["index_value"], "index", idx["n_models"]))
    cny = warehouse.run(con, "forecast_list_prices", {
        "first_month": FIRST_MONTH, "last_month": last, "currency": "CNY", "regions": list(CNY_REGIONS),
        "conditions": list(CNY_CONDITIONS),
    }).fetchdf()
    for provider, g in cny.groupby("provider"):
        idx = jevons_index(g)
        frames.append(series_rows(f"{SERIES}_cny/{provider}", "matched_model_provider", idx["month"],
                                  idx["index_value"], "index", idx["n_models"]))
        rates = []
        for m in pd.to_datetime(idx["month"]).dt.date:
            try:
                rates.append(float(normalise.ecb_rate("CNY", month_end(m))[0]))
            except normalise.FxError as exc:
                notes.append(f"{provider} {m:%Y-%m}: {exc}")
                break
        usd = idx.iloc[: len(rates)]
        if len(usd):
            values = [v * rates[0] / r for v, r in zip(usd["index_value"], rates)]
            frames.append(series_rows(f"{SERIES}_cny_usd/{provider}", "matched_model_provider", usd["month"],
                                      values, "index", usd["n_models"]))
    return concat_rows(frames), notes


def build_price_tiers(con, last: dt.date, prices: pd.DataFrame | None = None,
                      points: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Frontier/floor series (family ``price_tier``, :func:`tier_series` of :func:`current_models`).
    Returns (rows, the current models' monthly prices)."""
    prices = monthly_prices(con, last) if prices is None else prices
    points = price_points(con, last) if points is None else points
    pages = warehouse.run(con, "forecast_current_models", {"first_month": FIRST_MONTH, "last_month": last,
                                                           "providers": list(MARKET_INDEX_SELLERS)}).fetchdf()
    first_seen = points.groupby(["provider", "model"], as_index=False)["day"].min()
    first_seen = first_seen.rename(columns={"day": "first_seen"})
    current = current_models(prices, pages, first_seen)
    rows = concat_rows([
        series_rows(f"price_tier/{name}", "price_tier", t["month"], t["value"], USD_MTOK, t["n_items"], t["detail"])
        for name, t in tier_series(current).items() if len(t)
    ])
    return rows, current
