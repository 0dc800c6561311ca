"""How a forecast reads: the headline sentence, the backtest in words, and the figures (matplotlib PNGs).

Presentation only: everything here takes fitted series (:class:`pipelines.forecast.fit.SeriesFit`) and turns
them into text, tables or figures; nothing is fitted or stored.

- :func:`headline`: "falls 1.05× per year (95% CI 1.03–1.08), 28 months", rounded to two significant
  decimals; a rising series "rises ..."; a flat or short series says so instead of showing a factor.
- :func:`backtest_rows`: the chosen model's backtest per horizon with readable names; a horizon that could not
  be scored says why (never a NaN).
- :func:`plot_fits` / :func:`figure`: small multiples, one panel per series, at most :data:`PANELS_PER_FIGURE`
  per figure (a family with more series is split over several figures rather than shrunk), every text at least
  :data:`MIN_FONT_PT` points at the saved size (:data:`DPI`), a legend in every panel naming the model used,
  axis labels with units, constrained layout so that nothing is clipped.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.forecast import fit as forecast

#: every text of a figure is at least this size, in points, at the saved resolution.
MIN_FONT_PT = 9.0
#: saved resolution: 9 pt is 12.5 px.
DPI = 100
#: panels per figure (2 columns x 3 rows); more series: more figures.
PANELS_PER_FIGURE = 6
#: readable names of the candidate models (:data:`pipelines.forecast.fit.MODELS`).
MODEL_NAMES = {
    "naive": "naive (last value)",
    "drift": "drift (average past change)",
    "loglinear": "log-linear trend",
    "ets_damped": "ETS, damped trend",
    "uc_llt": "local linear trend (UC)",
}


def model_name(model: str | None) -> str:
    """Readable name of a candidate model (the code itself when unknown, "-" for none)."""
    return MODEL_NAMES.get(model, model) if model else "-"


def _factor(x: float) -> str:
    """A factor rounded for reading: two decimals below 10 (1.05), no decimals from 10 up (12)."""
    return f"{x:.2f}" if x < 10 else f"{x:.0f}"


def decline_text(factor: float, ci_low: float, ci_high: float, n: int | None = None, unit: str = "months") -> str:
    """``falls 1.05× per year (95% CI 1.03–1.08), 28 months``; a factor below 1 reads as a rise by its
    inverse (``rises 1.06× per year (95% CI 1.02–1.10)``); an interval that spans 1 adds "could be flat"."""
    if factor >= 1:
        text = f"falls {_factor(factor)}× per year (95% CI {_factor(ci_low)}–{_factor(ci_high)})"
    else:
        text = f"rises {_factor(1 / factor)}× per year (95% CI {_factor(1 / ci_high)}–{_factor(1 / ci_low)})"
    if ci_low < 1 < ci_high:
        text += ", could be flat"
    return text + (f", {n} {unit}" if n is not None else "")


def headline(fit: forecast.SeriesFit) -> str:
    """The one sentence a reader takes away from a series (see the module docstring)."""
    if fit.decline is None:  # the reason fit_series gave (forecast.insufficient_reason)
        return fit.model_reason or forecast.insufficient_reason(fit.months, fit.values) or "no trend fitted"
    d = fit.decline
    return decline_text(d.factor, d.ci_low, d.ci_high, len(fit.values))


def _fmt(x, digits: int = 2) -> str:
    return f"{x:.{digits}f}"


def backtest_rows(fit: forecast.SeriesFit) -> list[dict]:
    """The chosen model's rolling-origin backtest of ``fit`` per horizon, readable: ``horizon``, ``origins``,
    ``model``, ``MAE (log)``, ``MASE vs naive``, ``80% interval covered``, ``95% interval covered`` (text,
    rounded) and ``note`` (why a horizon has no score). Every value is text or a count: no NaN."""
    rows = []
    bt = fit.backtest
    for h in forecast.HORIZONS:
        r = bt[(bt["model"] == fit.model) & (bt["horizon"] == h)] if bt is not None and fit.model else None
        n = int(r["n_origins"].iloc[0]) if r is not None and len(r) else 0
        row = {"horizon": f"{h} months", "origins": n, "model": model_name(fit.model)}
        scored = r is not None and len(r) and pd.notna(r["mae_log"].iloc[0])
        if scored:
            x = r.iloc[0]
            row.update({
                "MAE (log)": _fmt(x["mae_log"], 3),
                "MASE vs naive": _fmt(x["mase_naive"]) if pd.notna(x["mase_naive"]) else "- (naive made no error)",
                "80% interval covered": f"{x['coverage80']:.0%}",
                "95% interval covered": f"{x['coverage95']:.0%}",
                "note": "" if n >= 8 else f"few origins ({n}): read the coverage loosely",
            })
        else:
            if fit.decline is None:
                why = f"not scored: {headline(fit)}"
            else:
                need = forecast.MIN_TRAIN + h + forecast.MIN_ORIGINS - 1
                why = (f"not scored: {n} origins, {forecast.MIN_ORIGINS} needed "
                       f"({need} months of history for a {h}-month horizon; the series has {len(fit.values)})")
            row.update({"MAE (log)": "-", "MASE vs naive": "-", "80% interval covered": "-",
                        "95% interval covered": "-", "note": why})
        rows.append(row)
    return rows


def forecast_12(fit: forecast.SeriesFit, unit: str) -> str:
    """``84.1 (80% PI 76.3–92.7) in 2027-06``: the forecast median 12 months ahead with its 80% interval."""
    if fit.forecast is None or not len(fit.forecast):
        return "-"
    last = fit.forecast.iloc[-1]
    u = "" if unit == "index" else f" {unit}"
    return (f"{last['yhat']:.3g}{u} (80% PI {last['lo80']:.3g}–{last['hi80']:.3g}) "
            f"in {pd.Timestamp(last['month']):%Y-%m}")


# --------------------------------------------------------------------------------------------- figures


def _log_ticks(lo: float, hi: float, most: int = 5) -> list[float]:
    """Tick values inside [lo, hi] (0 < lo < hi) for a log axis: 1-2-5 steps per decade (every 1..9 when the
    range is under 3x, decades only above 1000x), every k-th kept so that at most ``most`` remain; the geometric
    middle when no such value falls inside."""
    span = hi / lo
    subs = range(1, 10) if span < 3 else (1, 2, 5) if span < 1000 else (1,)
    ticks = [m * 10.0 ** e for e in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1) for m in subs
             if lo <= m * 10.0 ** e <= hi]
    if not ticks:
        return [math.sqrt(lo * hi)]
    return ticks[:: math.ceil(len(ticks) / most)]


def _title(fit: forecast.SeriesFit) -> str:
    return f"{fit.series}\n{headline(fit)}"


def _panel(ax, fit: forecast.SeriesFit, ylabel: str) -> None:
    import matplotlib.dates as mdates
    import matplotlib.ticker

    months = pd.to_datetime(fit.months)
    ax.plot(months, fit.values, color="#1f77b4", lw=1.8, label="history")
    if fit.trend is not None:
        ax.plot(months, fit.trend, color="#7f7f7f", ls=":", lw=1.4, label="log-linear trend")
    lo, hi = float(np.min(fit.values)), float(np.max(fit.values))
    if fit.forecast is not None:
        fc = fit.forecast
        fm = pd.to_datetime(fc["month"])
        ax.plot(fm, fc["yhat"], color="#d62728", ls="--", lw=1.6, label=f"forecast: {model_name(fit.model)}")
        ax.fill_between(fm, fc["lo80"], fc["hi80"], color="#d62728", alpha=0.25, lw=0, label="80% interval")
        ax.fill_between(fm, fc["lo95"], fc["hi95"], color="#d62728", alpha=0.10, lw=0, label="95% interval")
        lo, hi = min(lo, float(fc["lo95"].min())), max(hi, float(fc["hi95"].max()))
    ax.set_yscale("log")
    ax.set_ylim(lo / 1.15, hi * 1.15)  # also keeps a flat series' axis from collapsing
    ax.yaxis.set_major_locator(matplotlib.ticker.FixedLocator(_log_ticks(lo / 1.15, hi * 1.15)))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%.3g"))
    ax.yaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=5))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.set_xlabel("month")
    ax.set_ylabel(f"{ylabel} (log scale)")
    ax.set_title(_title(fit), loc="left")
    ax.grid(alpha=0.3)
    ax.legend(loc="best", framealpha=0.85)


def figure(fits: list[forecast.SeriesFit], ylabel: str, ncols: int = 2):
    """A matplotlib Figure of small multiples (log scale): per series the history, the log-linear trend, the
    chosen model's forecast (named in the panel's legend) and its 80%/95% prediction intervals. Raises
    ValueError for no series or more than :data:`PANELS_PER_FIGURE` (split them: :func:`chunks`)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not fits:
        raise ValueError("nothing to plot: no series with a fit")
    if len(fits) > PANELS_PER_FIGURE:
        raise ValueError(f"{len(fits)} series in one figure: at most {PANELS_PER_FIGURE} stay legible")
    ncols = min(ncols, len(fits))
    nrows = math.ceil(len(fits) / ncols)
    size = {"font.size": 10, "axes.titlesize": 10, "axes.labelsize": 10, "xtick.labelsize": MIN_FONT_PT,
            "ytick.labelsize": MIN_FONT_PT, "legend.fontsize": MIN_FONT_PT}
    with plt.rc_context(size), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        size_in = (7.2, 4.2) if len(fits) == 1 else (6.2 * ncols, 4.4 * nrows)  # one series: a panel as wide as the UI's value column
        fig, axes = plt.subplots(nrows, ncols, figsize=size_in, dpi=DPI, squeeze=False,
                                 layout="constrained")
        for ax, fit in zip(axes.flat, fits):
            _panel(ax, fit, ylabel)
        for ax in list(axes.flat)[len(fits):]:
            ax.set_visible(False)
    return fig


def chunks(fits: list, per: int = PANELS_PER_FIGURE) -> list[list]:
    """``fits`` in groups of at most ``per``, balanced (7 series: 4 + 3, not 6 + 1)."""
    n = math.ceil(len(fits) / per) if fits else 0
    size = math.ceil(len(fits) / n) if n else 0
    return [fits[i:i + size] for i in range(0, len(fits), size)] if n else []


def plot_fits(fits: list[forecast.SeriesFit], path: Path, ylabel: str, ncols: int = 2) -> Path:
    """Draw :func:`figure` of ``fits`` (series without a fit left out) and save it as the PNG ``path``."""
    import matplotlib.pyplot as plt

    fig = figure([f for f in fits if f.decline is not None], ylabel, ncols)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig.savefig(path)
    plt.close(fig)
    return Path(path)
