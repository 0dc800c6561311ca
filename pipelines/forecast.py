"""Monthly market price series and their decline, with statsmodels.

The series (``matched_model_blended``): a chained Jevons matched-model index of blended prices.
For each month, every (provider, model) of the first-party sellers with both an input and an output price
in force on the month's last day (standard tier, base context tier, USD list, best-ranked source: provider
page over LiteLLM) has a blended price ``(3*input + output)/4`` (USD per 1M tokens; 3:1 weighting as used by
Artificial Analysis and Epoch AI). The index moves from month t-1 to t by the geometric mean of the price
relatives ``blended_t / blended_{t-1}`` of the models present in both months (equal weights), and starts at
100. It measures how much *existing* models got cheaper, not the price of a fixed capability.

Decline: OLS of ``log(index)`` on the month number with HAC (Newey-West) standard errors; the annual decline
factor is ``exp(-12*slope)`` ("prices fall factor-x per year"; < 1 means they rose) with a 95% interval from
the slope's interval. Forecast: the same log-linear trend, 12 months ahead, with 80% and 95% prediction
intervals (``get_prediction(...).summary_frame``), back on the index scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

#: sellers whose own list prices make up the market series (first-party model makers' APIs).
FIRST_PARTY = ("openai", "anthropic", "google", "deepseek", "mistral", "xai", "cohere", "moonshot", "minimax")
#: a month-on-month price relative beyond this factor (either way) is treated as a data error (LiteLLM
#: documents unit mistakes of 1000x, per-character mix-ups of 64x) and left out of the index.
MAX_RELATIVE = 20.0
#: fewer observed months than this: no trend is fitted (ValueError).
MIN_MONTHS = 6


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


def jevons_index(prices: pd.DataFrame) -> pd.DataFrame:
    """Chained Jevons index from monthly model prices.

    ``prices``: columns ``month`` (first day, datetime64/date), ``provider``, ``model``, ``blended`` (> 0).
    Returns columns ``month``, ``index_value`` (first month = 100), ``n_models`` (models matched with the
    previous month; the first month counts all its models). A month with no matched model keeps the
    previous level (relative 1) with n_models 0.
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
    for i in range(1, len(months)):
        rel = np.log(wide.iloc[i] / wide.iloc[i - 1]).dropna()
        rel = rel[rel.abs() <= lim]
        if len(rel):
            level *= math.exp(float(rel.mean()))
        rows.append((months[i], level, int(len(rel))))
    return pd.DataFrame(rows, columns=["month", "index_value", "n_models"])


def _design(n: int) -> np.ndarray:
    return sm.add_constant(np.arange(n, dtype=float))


def _fit(index: pd.DataFrame):
    y = np.log(index["index_value"].to_numpy(dtype=float))
    n = len(y)
    if n < MIN_MONTHS:
        raise ValueError(f"series has {n} months; at least {MIN_MONTHS} are needed for a trend")
    if np.allclose(y, y[0]):
        raise ValueError("series is flat: no trend to fit")
    maxlags = max(1, int(4 * (n / 100) ** (2 / 9)))  # Newey-West rule of thumb
    return sm.OLS(y, _design(n)).fit(cov_type="HAC", cov_kwds={"maxlags": maxlags}), n


def loglinear_decline(index: pd.DataFrame, series: str) -> Decline:
    """Annual decline factor of ``index`` (columns month, index_value) by log-linear OLS with HAC errors.

    Raises ValueError for fewer than MIN_MONTHS months or a flat series.
    """
    res, n = _fit(index)
    slope, se = float(res.params[1]), float(res.bse[1])
    lo, hi = res.conf_int(alpha=0.05)[1]
    months = pd.to_datetime(index["month"])
    return Decline(
        series=series,
        method="loglinear_ols_hac",
        factor=math.exp(-12 * slope),
        ci_low=math.exp(-12 * float(hi)),
        ci_high=math.exp(-12 * float(lo)),
        half_life_months=(math.log(2) / -slope) if slope < 0 else None,
        n_obs=n,
        window=f"{months.iloc[0]:%Y-%m}..{months.iloc[-1]:%Y-%m}",
        slope=slope,
        slope_se=se,
    )


def loglinear_forecast(index: pd.DataFrame, horizon: int = 12) -> pd.DataFrame:
    """``horizon`` monthly forecasts after the last month of ``index``, from the log-linear trend.

    Returns columns ``month`` (first days), ``yhat``, ``lo80``, ``hi80``, ``lo95``, ``hi95`` on the index
    scale (prediction intervals for a new observation, from statsmodels' ``get_prediction``).
    """
    res, n = _fit(index)
    x_new = sm.add_constant(np.arange(n, n + horizon, dtype=float), has_constant="add")
    pred = res.get_prediction(x_new)
    f80 = pred.summary_frame(alpha=0.20)
    f95 = pred.summary_frame(alpha=0.05)
    last = pd.to_datetime(index["month"]).iloc[-1]
    months = [(last + pd.DateOffset(months=k)).date() for k in range(1, horizon + 1)]
    return pd.DataFrame(
        {
            "month": months,
            "yhat": np.exp(f95["mean"].to_numpy()),
            "lo80": np.exp(f80["obs_ci_lower"].to_numpy()),
            "hi80": np.exp(f80["obs_ci_upper"].to_numpy()),
            "lo95": np.exp(f95["obs_ci_lower"].to_numpy()),
            "hi95": np.exp(f95["obs_ci_upper"].to_numpy()),
        }
    )


def plot_png(index: pd.DataFrame, forecast: pd.DataFrame, decline: Decline, path) -> None:
    """Write a PNG (log scale) of the index, the 12-month forecast and its 80%/95% prediction intervals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    fig, ax = plt.subplots(figsize=(8, 4.2), dpi=100)
    ax.plot(pd.to_datetime(index["month"]), index["index_value"], color="#1f77b4", label="matched-model index")
    fm = pd.to_datetime(forecast["month"])
    ax.plot(fm, forecast["yhat"], color="#d62728", ls="--", label="log-linear forecast")
    ax.fill_between(fm, forecast["lo95"], forecast["hi95"], color="#d62728", alpha=0.12, label="95% PI")
    ax.fill_between(fm, forecast["lo80"], forecast["hi80"], color="#d62728", alpha=0.22, label="80% PI")
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    ax.yaxis.set_minor_formatter(matplotlib.ticker.ScalarFormatter())
    ax.set_ylabel("index (first month = 100)")
    ax.set_title(
        f"Blended (3:1) price index: falls {decline.factor:.2f}x/yr "
        f"(95% CI {decline.ci_low:.2f}-{decline.ci_high:.2f})"
    )
    ax.legend(loc="lower left", fontsize=8)
    ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
