"""The forecasting layer's pure parts: index, decline, candidate models, backtest, model choice, tiers.

Every expected value here is computed by hand from the series in the test (see the comments)."""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from pipelines.forecast import fit as f
from pipelines.forecast import report

MONTHS = [dt.date(2024, 1, 1) + pd.DateOffset(months=k) for k in range(40)]


def months(n: int) -> list:
    return [m.date() for m in MONTHS[:n]]


def test_jevons_index_geometric_mean_of_matched_relatives():
    prices = pd.DataFrame({
        "month": ["2024-01-01"] * 3 + ["2024-02-01"] * 3 + ["2024-03-01"] * 2,
        "provider": ["a", "a", "b", "a", "a", "b", "a", "b"],
        "model": ["x", "y", "z", "x", "y", "z", "x", "z"],
        # Feb: x halves, y doubles, z x1.5 -> geometric mean 1.5**(1/3); Mar: x 1 -> 1000 (beyond 20x, a data
        # error, left out), z falls 3 -> 1 -> relative 1/3 only.
        "blended": [2.0, 1.0, 2.0, 1.0, 2.0, 3.0, 1000.0, 1.0],
    })
    idx = f.jevons_index(prices)
    assert idx["n_models"].tolist() == [3, 3, 1]
    assert idx["index_value"].iloc[0] == 100.0
    assert idx["index_value"].iloc[1] == pytest.approx(100 * 1.5 ** (1 / 3))
    assert idx["index_value"].iloc[2] == pytest.approx(100 * 1.5 ** (1 / 3) / 3)


def test_decline_recovers_an_exact_exponential_trend():
    values = [100 * 0.95**t for t in range(24)]  # -5.13% a month: factor 0.95**-12 = 1.8509
    d = f.decline(months(24), values, "s")
    assert d.factor == pytest.approx(0.95**-12)
    assert d.ci_low == pytest.approx(d.factor) and d.ci_high == pytest.approx(d.factor)  # no residuals
    assert d.half_life_months == pytest.approx(math.log(2) / -math.log(0.95))
    assert (d.n_obs, d.window, d.method) == (24, "2024-01..2025-12", "loglinear_ols_hac")


def test_decline_interval_brackets_the_factor_on_noisy_data():
    rng = np.random.default_rng(7)
    values = 100 * np.exp(-0.05 * np.arange(30) + rng.normal(0, 0.05, 30))
    d = f.decline(months(30), values, "s")
    assert d.ci_low < d.factor < d.ci_high
    assert d.ci_low < math.exp(0.6) < d.ci_high  # the true factor exp(12*0.05) = 1.822


def test_decline_of_flat_and_short_series():
    d = f.decline(months(8), [3.0] * 8, "flat")
    assert (d.factor, d.ci_low, d.ci_high, d.half_life_months) == (1.0, 1.0, 1.0, None)
    with pytest.raises(ValueError, match="at least 6"):
        f.decline(months(5), [1, 2, 3, 4, 5], "short")
    with pytest.raises(ValueError, match="non-positive"):
        f.decline(months(6), [1, 2, 0, 4, 5, 6], "zero")


def test_interval_quantiles_are_scipys():
    """Z80 and Z95 are written out (no scipy import in a process that only collects fits): they must be the very
    doubles scipy's normal quantile function gives, so the intervals do not move by a rounding."""
    from scipy.stats import norm

    assert (f.Z80, f.Z95) == (float(norm.ppf(0.90)), float(norm.ppf(0.975)))


def test_naive_and_drift_paths_and_intervals():
    y = np.array([0.0, 1.0, 2.0, 4.0])  # steps 1, 1, 2
    naive, _ = f.forecast_path("naive", y, 2)
    sigma = math.sqrt((1 + 1 + 4) / 3)  # RMS of the one-step changes
    assert naive.mean.tolist() == [4.0, 4.0]
    assert naive.hi95[1] - 4.0 == pytest.approx(f.Z95 * sigma * math.sqrt(2))
    drift, _ = f.forecast_path("drift", y, 2)
    c = 4 / 3  # mean step
    assert drift.mean.tolist() == pytest.approx([4 + c, 4 + 2 * c])
    s = math.sqrt(((1 - c) ** 2 * 2 + (2 - c) ** 2) / 2)  # residual sd, T-2 = 2 degrees of freedom
    assert drift.hi80[0] - drift.mean[0] == pytest.approx(f.Z80 * s * math.sqrt(1 * (1 + 1 / 3)))


@pytest.mark.parametrize("model", ["loglinear", "ets_damped", "uc_llt"])
def test_statsmodels_candidates_give_ordered_intervals(model):
    rng = np.random.default_rng(3)
    y = np.log(100) - 0.02 * np.arange(24) + rng.normal(0, 0.02, 24)
    log, falls = Counter(), Counter()
    path, params = f.forecast_path(model, y, 12, log=log, fallbacks=falls)
    assert not falls
    assert np.all(path.lo95 < path.lo80) and np.all(path.lo80 < path.mean) and np.all(path.mean < path.hi80)
    assert np.all(path.hi80 < path.hi95)
    assert np.all(np.diff(path.hi95 - path.lo95) >= -1e-9)  # intervals do not narrow with the horizon
    assert path.mean[-1] < y[-1]  # the downward trend carries on (damped or not)
    assert (params is None) == (model == "loglinear")


def test_flat_window_falls_back_to_naive_and_is_counted():
    falls = Counter()
    path, _ = f.forecast_path("ets_damped", np.full(12, 2.0), 3, fallbacks=falls)
    assert falls == {"ets_damped: flat training window": 1}
    assert path.mean.tolist() == [2.0, 2.0, 2.0] and path.hi95.tolist() == [2.0, 2.0, 2.0]


def test_warnings_of_a_fit_are_counted_not_shown(monkeypatch):
    def noisy(y, h, start=None):
        warnings.warn("Maximum Likelihood optimization failed to converge", RuntimeWarning)
        return f._naive(y, h)

    monkeypatch.setitem(f._FITTERS, "uc_llt", noisy)
    log = Counter()
    with warnings.catch_warnings(record=True) as escaped:
        warnings.simplefilter("always")
        f.forecast_path("uc_llt", np.array([1.0, 2.0, 3.0]), 2, log=log)
    assert not escaped
    assert log == {"uc_llt: RuntimeWarning: Maximum Likelihood optimization failed to converge": 1}


def test_backtest_origins_and_scores_of_a_random_walk_with_one_step():
    # 28 months: flat at 0 for 20 months, then one cut to -1 that stays.
    y = np.r_[np.zeros(20), -np.ones(8)]
    bt, _ = f.backtest(y, "s", models=("naive", "drift"))
    n = bt.set_index(["model", "horizon"])["n_origins"]
    assert (n[("naive", 3)], n[("naive", 6)], n[("naive", 12)]) == (14, 11, 5)  # origins 12..25, 12..22, 12..16
    naive6 = bt[(bt.model == "naive") & (bt.horizon == 6)].iloc[0]
    # origins t=12..22 forecast y[t+5] from y[t-1]: wrong by 1 when t-1 < 20 <= t+5, i.e. t = 15..20 (6 origins)
    assert naive6.mae_log == pytest.approx(6 / 11)
    # in-sample one-step naive MAE: 0 for t <= 20 (flat windows), 1/(t-1) for t = 21, 22
    assert naive6.mase_naive == pytest.approx(6 / (1 / 20 + 1 / 21))
    assert naive6.coverage95 == pytest.approx(5 / 11)  # origins 15..19 had zero-width intervals and missed
    naive12 = bt[(bt.model == "naive") & (bt.horizon == 12)].iloc[0]
    assert naive12.mase_naive is None or pd.isna(naive12.mase_naive)  # every window (t = 12..16) flat
    assert naive12.note == "every training window flat: MASE undefined"


def test_too_few_origins_gives_no_score():
    y = np.log(np.linspace(100, 60, 16))
    bt, _ = f.backtest(y, "s", models=("naive",))
    row = bt[bt.horizon == 6].iloc[0]  # needs t + 6 <= 16 with t >= 12: no origin
    assert row.n_origins == 0 and pd.isna(row.mae_log) and row.note == "too few origins (0 < 3): no score"
    assert bt[bt.horizon == 3].iloc[0].n_origins == 2  # t = 12, 13: still fewer than 3
    model, reason, score = f.choose_model(bt)
    assert (model, score) == ("naive", None) and reason.startswith("default: too few backtest origins")


def test_choose_model_prefers_the_lower_error_and_the_simpler_on_ties():
    linear = np.log(100) - 0.03 * np.arange(30)  # drift and the log-linear trend are both exact: tie -> drift
    bt, _ = f.backtest(linear, "lin", models=("naive", "drift", "loglinear"))
    model, reason, score = f.choose_model(bt)
    assert model == "drift" and score == pytest.approx(0, abs=1e-9)
    assert "next loglinear" in reason
    steps = np.log(np.r_[[100.0] * 14, [50.0] * 16])  # one cut: naive wins
    bt, _ = f.backtest(steps, "steps", models=("naive", "drift", "loglinear"))
    assert f.choose_model(bt)[0] == "naive"


def test_fit_series_statuses():
    # fewer than 12 monthly points, or no change at all: "insufficient", with the span, no factor, no interval
    short = f.fit_series("short", months(11), np.linspace(10, 5, 11))
    assert short.status == "insufficient" and short.decline is None and short.forecast is None
    assert short.model is None
    assert short.model_reason == "insufficient history: 11 months, 2024-01..2024-11 < 12 monthly points"
    flat = f.fit_series("flat", months(20), [7.0] * 20)
    assert flat.status == "insufficient" and flat.decline is None and flat.forecast is None
    assert flat.model_reason == "insufficient history: no change at all in 20 months, 2024-01..2025-08"
    few = f.fit_series("few", months(14), np.linspace(10, 5, 14))  # 14 months: 0 origins at 3 months
    assert few.status == "no_backtest" and few.model == "naive"
    assert few.forecast["month"].iloc[0] == dt.date(2025, 3, 1) and len(few.forecast) == 12
    rng = np.random.default_rng(11)
    ok = f.fit_series("ok", months(30), 100 * np.exp(np.cumsum(np.where(rng.random(30) < 0.2, -0.1, 0.0))))
    assert ok.status == "ok" and ok.model in f.MODELS
    assert set(zip(ok.backtest.model, ok.backtest.horizon)) == {(m, h) for m in f.MODELS for h in f.HORIZONS}
    fc = ok.forecast
    assert (fc.lo95 <= fc.lo80).all() and (fc.lo80 <= fc.yhat).all() and (fc.yhat <= fc.hi80).all()


@pytest.mark.slow  # starts a process pool: left out of make test-fast
def test_fit_many_in_processes_equals_in_process():
    rng = np.random.default_rng(5)
    items = [(f"s{i}", months(26), 100 * np.exp(np.cumsum(rng.normal(-0.01, 0.03, 26)))) for i in range(3)]
    one = f.fit_many(items, workers=1)
    two = f.fit_many(items, workers=2)
    for a, b in zip(one, two):
        assert a.series == b.series and a.model == b.model
        pd.testing.assert_frame_equal(a.backtest, b.backtest)
        pd.testing.assert_frame_equal(a.forecast, b.forecast)


def test_declines_equal_the_fits_declines_and_plot_fits_draws_them(tmp_path):
    """declines() (what forecasts/price_decline computes) gives the same decline as the full fit of each series,
    None for a series with insufficient history; plot_fits draws the fitted ones."""
    rng = np.random.default_rng(8)
    items = [(f"s{i}", months(n), 100 * np.exp(np.cumsum(rng.normal(-0.02, 0.03, n)))) for i, n in
             enumerate((26, 20, 13, 8))]  # two with backtests, one too short for them, one insufficient
    fits = f.fit_many(items, workers=1)
    assert [d.factor if d else None for d in f.declines(items)] == [x.decline.factor if x.decline else None
                                                                   for x in fits]
    assert f.declines(items)[3] is None and fits[3].status == "insufficient"
    png = tmp_path / "fits.png"
    report.plot_fits([x for x in fits if x.decline is not None], png, ylabel="level")
    assert png.stat().st_size > 10_000


def test_figures_are_legible_and_name_the_model_in_every_panel():
    """Every text of a saved figure is at least 9 pt and inside the figure (nothing clipped); every panel has a
    legend naming the model that made its forecast; more series than fit one figure are refused (split them)."""
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(8)
    # every series long enough to be fitted (12+ months): a short one gets no model and no panel in the asset
    items = [(f"family/s{i}", months(n), 100 * np.exp(np.cumsum(rng.normal(-0.02, 0.03, n)))) for i, n in
             enumerate((26, 20, 14, 30, 24))]
    fits = f.fit_many(items, workers=1)
    fig = report.figure(fits, ylabel="USD per 1M tokens")
    with warnings.catch_warnings():  # the unused sixth panel (hidden) has no dates for its date locator
        warnings.simplefilter("ignore", UserWarning)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        box = fig.bbox
        shown = [ax for ax in fig.axes if ax.get_visible()]
        texts = [t for ax in shown for t in ax.findobj(plt.Text) if t.get_visible() and t.get_text().strip()]
        assert len(texts) > 50
        for t in texts:
            assert t.get_fontsize() >= report.MIN_FONT_PT, (t.get_text(), t.get_fontsize())
        for ax in shown:  # what each panel draws (title, labels, tick labels, legend) lies inside the figure
            e = ax.get_tightbbox(renderer)
            assert box.x0 <= e.x0 and e.x1 <= box.x1 and box.y0 <= e.y0 and e.y1 <= box.y1, (ax.get_title(), e, box)
    for ax, fit in zip(fig.axes, fits):
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert f"forecast: {report.model_name(fit.model)}" in legend, (fit.series, fit.model, legend)
        assert ax.get_xlabel() == "month" and ax.get_ylabel() == "USD per 1M tokens (log scale)"
    plt.close(fig)
    with pytest.raises(ValueError, match="at most 6"):
        report.figure(fits + fits, ylabel="x")
    assert [len(c) for c in report.chunks(list(range(21)))] == [6, 6, 6, 3]
    assert [len(c) for c in report.chunks(list(range(7)))] == [4, 3]


def test_headlines_read_as_sentences():
    assert report.decline_text(1.0540215674282, 1.0301, 1.0785, 28) == \
        "falls 1.05× per year (95% CI 1.03–1.08), 28 months"
    assert report.decline_text(0.94, 0.90, 0.98) == "rises 1.06× per year (95% CI 1.02–1.11)"
    assert report.decline_text(1.18, 0.84, 1.64).endswith("could be flat")
    assert report.decline_text(12.3, 3.1, 48.9) == "falls 12× per year (95% CI 3.10–49)"


KILLED_PARENT = """
import os, time
from pipelines.forecast import fit as forecast
pool = forecast.worker_pool(2)
workers = {pool.submit(os.getpid).result() for _ in range(4)}
server = pool.submit(os.getppid).result()
print(server, *sorted(workers), flush=True)
time.sleep(600)
"""


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as fh:
            return any(line.split()[1:2] == ["Z"] for line in fh if line.startswith("State:"))
    except FileNotFoundError:
        return True


def test_workers_and_their_server_end_when_the_parent_is_killed():
    """A command killed with SIGKILL (or by the OOM killer) while its fitting pool is open leaves no pool worker
    or worker server behind."""
    import signal
    import subprocess
    import sys
    import time

    from pipelines.config import ROOT

    proc = subprocess.Popen([sys.executable, "-c", KILLED_PARENT], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert len(pids) >= 2 and all(not _gone(p) for p in pids)  # the server and at least one worker, running
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not all(_gone(p) for p in pids):
        time.sleep(0.2)
    assert [p for p in pids if not _gone(p)] == []


def test_text_models_and_price_tiers():
    assert f.is_text_model("gpt-4o") and f.is_text_model("claude-opus-4-7")
    for m in ("gpt-4o-realtime-preview", "gpt-image-1", "ft:gpt-4o-mini", "text-embedding-3-small",
              "gemini-2.5-flash-native-audio-latest", "gpt-4o-mini-transcribe", "gemini-robotics-er-1.5-preview"):
        assert not f.is_text_model(m), m
    prices = pd.DataFrame({
        "month": ["2025-01-01"] * 5,
        "provider": ["a", "a", "b", "b", "c"],
        "model": ["big", "small", "big", "gpt-image-1", "only"],
        "blended": [10.0, 1.0, 4.0, 99.0, 2.0],
    })
    t = f.tier_series(prices)
    top, low = t["most_expensive_median"].iloc[0], t["least_expensive_median"].iloc[0]
    assert (top.value, low.value, top.n_items) == (4.0, 2.0, 3)  # medians of {10, 4, 2} and {1, 4, 2}
    assert top.detail == "a:big=10; b:big=4; c:only=2"


def test_current_models_follow_the_latest_page():
    prices = pd.DataFrame({
        "month": pd.to_datetime(["2025-06-01"] * 4 + ["2025-06-01"]),
        "provider": ["a", "a", "a", "a", "b"],
        "model": ["listed", "legacy", "newer", "old-unlisted", "any"],
        "blended": [1.0, 2.0, 3.0, 4.0, 5.0],
    })
    pages = pd.DataFrame({"month": pd.to_datetime(["2025-06-01"]), "provider": ["a"], "model": ["listed"],
                          "page_day": [dt.date(2025, 3, 1)]})
    first_seen = pd.DataFrame({"provider": ["a", "a", "a", "a", "b"],
                               "model": ["listed", "legacy", "newer", "old-unlisted", "any"],
                               "first_seen": [dt.date(2024, 1, 1), dt.date(2024, 1, 1), dt.date(2025, 4, 1),
                                              dt.date(2025, 2, 1), dt.date(2024, 1, 1)]})
    cur = f.current_models(prices, pages, first_seen)
    # listed on the page; first priced after the page; seller b has no page yet
    assert sorted(cur["model"]) == ["any", "listed", "newer"]
