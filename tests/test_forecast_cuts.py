"""The price-cut model (pipelines/forecast/cuts.py) on synthetic step series with a known hazard, and the Brier score.

The synthetic keys are simulated here from a stated hazard with a seeded generator; the model must recover it. The
bundled history's figures are in tests/test_forecast_assets.py."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pipelines.forecast import cuts
from pipelines.forecast import fit as f

#: the true hazard of the synthetic keys: logit h = A + B * log1p(months since the last change), i.e. 4.7% a month
#: right after a change, rising to 10.4% after 12 flat months.
A, B = -3.0, 0.35


def _synthetic(n_keys: int = 400, n_months: int = 36, seed: int = 1) -> pd.DataFrame:
    """Monthly blended prices of ``n_keys`` models of one seller: each month a cut of 30% with the hazard above."""
    rng = np.random.default_rng(seed)
    rows = []
    months = pd.date_range("2023-01-01", periods=n_months, freq="MS")
    for k in range(n_keys):
        price, since = float(rng.choice([0.5, 1.0, 2.0, 5.0, 10.0])), 0
        for i, m in enumerate(months):
            rows.append((m, "s", f"m{k}", price))
            h = 1 / (1 + math.exp(-(A + B * math.log1p(since))))
            if rng.random() < h:
                price, since = price * 0.7, 0
            else:
                since += 1
    return pd.DataFrame(rows, columns=["month", "provider", "model", "blended"])


def test_panel_covariates_of_a_step_series():
    prices = pd.DataFrame({
        "month": pd.date_range("2024-01-01", periods=5, freq="MS").tolist() * 2,
        "provider": "s", "model": ["a"] * 5 + ["b"] * 5,
        # a: 4 4 2 2 3 (a cut into March, a rise into May); b: 1 throughout, the seller's cheapest
        "blended": [4.0, 4.0, 2.0, 2.0, 3.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    })
    p = cuts.panel(prices)
    a = p[p["model"] == "a"]
    assert a["age"].tolist() == [0, 1, 2, 3, 4]
    assert a["since"].tolist() == [0, 1, 0, 1, 0]  # restarts in the month a new price takes effect
    assert a["cut"].tolist()[:4] == [0, 1, 0, 0] and a["rise"].tolist()[:4] == [0, 0, 0, 1]
    assert np.isnan(a["cut"].iloc[4])  # no next month: no transition
    assert a["rel"].tolist() == pytest.approx([math.log(4), math.log(4), math.log(2), math.log(2), math.log(3)])
    assert a["n_cheaper"].tolist() == [1, 1, 1, 1, 1] and p[p["model"] == "b"]["n_cheaper"].tolist() == [0] * 5


def test_fitted_hazard_recovers_a_known_hazard():
    pan = cuts.panel(_synthetic())
    h = cuts.fit_hazard(pan, "cut")
    t = cuts.hazard_table(h).set_index("term")
    # the true coefficients lie in the fitted 95% intervals; the covariates without effect (age, the price relative
    # to the seller's cheapest, cheaper models) have intervals containing 0
    assert t.loc["const", "ci_low"] < A < t.loc["const", "ci_high"]
    assert t.loc["log1p_since_change", "ci_low"] < B < t.loc["log1p_since_change", "ci_high"]
    for term in ("log1p_age", "log_rel_cheapest", "log1p_n_cheaper"):
        assert t.loc[term, "ci_low"] < 0 < t.loc[term, "ci_high"], term
    assert h.n_obs == 400 * 35 and h.n_events == int(pan["cut"].sum())
    # no rise in the data: hazard 0, said so
    r = cuts.fit_hazard(pan, "rise")
    assert r.params is None and r.note == f"no rise in {400 * 35} key-months: hazard 0"


def test_simulated_cut_probability_of_a_constant_hazard():
    keys = pd.DataFrame({"provider": "s", "model": [f"m{i}" for i in range(40)], "kind": "blended", "price": 2.0,
                         "age": 5, "since": 5, "rel": 0.0, "n_cheaper": 0})
    p = 0.1
    hz = cuts.Hazard("cut", ["const"], [], np.array([math.log(p / (1 - p))]), np.array([0.0]), 1, 1)
    none = cuts.Hazard("rise", [], [], None, None, 1, 0)
    pools = ({}, np.array([math.log(0.5)]), np.array([]))  # every cut halves the price
    sim = cuts.simulate(keys, hz, none, pools)
    sim.origin = pd.Timestamp("2026-01-01").date()
    # 40 keys x 500 paths: the share of paths with a cut within h months is 1 - 0.9^h up to Monte Carlo error
    for h in (3, 6, 12):
        assert sim.p_cut(h).mean() == pytest.approx(1 - 0.9**h, abs=0.01)
    rows, paths = cuts.key_tables(sim)
    assert rows["expected_cut_pct"].tolist() == pytest.approx([50.0] * 40)
    assert (rows["p_rise_12m"] == 0).all() and set(rows["cut_sizes_from"]) == {"pooled"}
    last = paths[paths["month"] == pd.Timestamp("2027-01-01").date()]
    # after 12 months P(no cut) = 0.28, P(one cut) = 0.38: the median path has halved once, 2.0 -> 1.0
    assert last["yhat"].tolist() == pytest.approx([1.0] * 40) and (last["hi95"] == 2.0).all()
    # deterministic: the same inputs give the same paths
    again = cuts.simulate(keys, hz, none, pools)
    assert np.array_equal(again.logrel, sim.logrel)


def test_brier_score_of_known_probabilities():
    # a forecast of 0.2 when 1 in 5 events happen: 0.2 * 0.8^2 + 0.8 * 0.2^2 = p(1 - p) = 0.16
    assert cuts.brier([0.2] * 5, [1, 0, 0, 0, 0]) == pytest.approx(0.16)
    assert cuts.brier([1.0, 0.0], [1, 0]) == 0.0 and cuts.brier([0.0], [1]) == 1.0


def test_brier_backtest_beats_the_base_rate_on_a_hazard_that_rises_with_time_since_a_change():
    prices = _synthetic(n_keys=150, n_months=30, seed=3)
    pan = cuts.panel(prices)
    sims = {}
    for om in cuts.origin_months(pan):
        sim, _, _ = cuts.fit_and_simulate(pan, om)
        sims[sim.origin] = sim
    bt = cuts.brier_backtest(pan, sims).set_index(["horizon", "price_kind"])
    # origins 2023-12 .. 2025-03: from 12 months of data to the last month with a 3-month outcome
    assert sorted(sims) == [(pd.Timestamp("2023-12-01") + pd.DateOffset(months=k)).date() for k in range(16)]
    r = bt.loc[(3, "all")]
    assert r["n_origins"] == 16 and r["n_predictions"] == 150 * 16
    # the model knows that a key flat for long is likelier to be cut; the base rate does not
    assert r["brier"] < r["brier_base"] and bool(r["wins"])
    assert bt.loc[(3, "input"), "note"].startswith("too few origins (0 < 3)")  # no input prices here


def test_series_backtest_rows_and_forecast():
    prices = _synthetic(n_keys=60, n_months=24, seed=4).assign(provider="openai")
    pan = cuts.panel(prices)
    sims = {}
    for om in cuts.origin_months(pan):
        sim, _, _ = cuts.fit_and_simulate(pan, om)
        sims[sim.origin] = sim
    idx = f.jevons_index(prices)
    series = f"{f.SERIES}/openai"
    bt = cuts.series_backtest(series, idx["month"], idx["index_value"].to_numpy(), sims)
    assert list(bt.columns) == f.BACKTEST_COLUMNS and set(bt["model"]) == {cuts.MODEL}
    # 24 months: origins t = 12..21 -> 10 at 3 months, 7 at 6, 1 at 12 (no score)
    assert bt["n_origins"].tolist() == [10, 7, 1] and bt["mae_log"].notna().tolist() == [True, True, False]
    other = cuts.series_backtest("price_tier/most_expensive_median", idx["month"], idx["index_value"].to_numpy(), sims)
    assert other["n_origins"].tolist() == [0, 0, 0] and other["note"].str.startswith("not modelled by cuts").all()
    sim, _, _ = cuts.fit_and_simulate(pan, int(pan["m"].max()))
    fc = cuts.series_forecast(series, idx["month"], idx["index_value"].to_numpy(), sim)
    assert list(fc.columns) == f.FORECAST_COLUMNS and len(fc) == 12
    assert (fc["lo95"] <= fc["lo80"]).all() and (fc["lo80"] <= fc["yhat"]).all() and (fc["yhat"] <= fc["hi80"]).all()
    assert (fc["hi95"] <= idx["index_value"].iloc[-1] + 1e-9).all()  # cuts only (no rise in the data)


def test_calibration_verdicts():
    fit = f.SeriesFit("s", [], np.array([]), "ok", model="naive", backtest=pd.DataFrame(
        [["s", "naive", 3, 0.1, 1, 1, 0.95, 1.0, 12, ""], ["s", "naive", 6, 0.1, 1, 1, 0.8, 0.9, 9, ""],
         ["s", "naive", 12, 0.1, 1, 1, 0.5, 0.6, 4, ""], ["s", "drift", 3, 0.1, 1, 1, 0.5, 0.6, 12, ""]],
        columns=f.BACKTEST_COLUMNS))
    c = f.calibration([fit, f.SeriesFit("t", [], np.array([]), "insufficient")])
    assert c["verdict"].tolist() == ["too wide", "calibrated", "too few origins"]
    assert c["n_origins"].tolist() == [12, 9, 4] and set(c["model"]) == {"naive"}
