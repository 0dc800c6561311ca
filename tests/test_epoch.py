"""Epoch AI's cheapest-model price trends: the method on synthetic records, and ``tokenprices epoch-check`` on
Epoch AI's own data, which must reproduce all 21 published factors (within 1%).

The dataset has no licence and is not shipped: the reproduction test reads it from ``TOKENPRICES_EPOCH_DIR`` or
``../shared/data/epoch_price_trends`` next to the checkout, and skips when neither exists."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd
import pytest

from pipelines.forecast import epoch
from pipelines.cli.main import main
from tests.conftest import ROOT

EPOCH_DIR = Path(os.environ.get("TOKENPRICES_EPOCH_DIR") or ROOT.parent / "shared" / "data" / "epoch_price_trends")
needs_data = pytest.mark.skipif(
    not (EPOCH_DIR / "data").is_dir(),
    reason=f"Epoch AI's dataset (no licence, not shipped) not found at {EPOCH_DIR}; set TOKENPRICES_EPOCH_DIR",
)


def test_running_minimum_records_strictly_lower_prices_once_per_date():
    dates = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01"])
    prices = [10.0, 12.0, 8.0, 8.0, 5.0, 1.0]
    in_band = [True, True, True, True, True, False]
    pts = epoch.running_minimum(dates, prices, in_band)
    # 12 is not below 10; 8 on 2024-02-01 is; the second 8 is not strictly below; the 1 is out of the band
    assert pts["price"].tolist() == [10.0, 8.0, 5.0]
    assert pts["pos"].tolist() == [0, 2, 4]


def test_trend_recovers_a_tenfold_yearly_decline():
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=73 * k) for k in range(6)]
    prices = [100 * 10 ** (-(d - days[0]).days / 365) for d in days]  # exactly 10x per year
    fit = epoch.trend(days, prices)
    assert fit.factor == pytest.approx(10.0)
    assert fit.r_squared == pytest.approx(1.0)
    assert (fit.n, fit.start, fit.end, fit.ci_level) == (6, days[0], days[-1], 0.90)
    with pytest.raises(ValueError, match="at least 4"):
        epoch.trend(days[:3], prices[:3])


@needs_data
def test_epoch_check_reproduces_all_21_published_factors(capsys):
    rc = main(["epoch-check", str(EPOCH_DIR)])
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == "reproduced 21/21" and rc == 0
    line = next(x for x in out if x.startswith("GPQA Diamond") and "GPT-4-0314" in x)
    assert line.split()[-5:-2] == ["6", "42.02", "42.02"]  # n, published, ours: Epoch's "~40x/year" headline


@needs_data
def test_reproduction_values():
    rep = epoch.reproduce(EPOCH_DIR)
    assert len(rep) == 21 and rep["reproduced"].all()
    assert rep["rel_error"].max() < 1e-9
    arena = rep[rep["bench"] == "LMSys Chatbot Arena ELO"].set_index("threshold_model")
    assert arena.loc["GPT-4o-2024-05", "ours"] == pytest.approx(176.96, rel=1e-4)
    assert arena.loc["GPT-4o-2024-05", "ours_ci90_low"] == pytest.approx(39.13, rel=1e-3)
    factors = rep["ours"]
    assert (factors.min(), factors.median(), factors.max()) == pytest.approx((9.24, 46.2, 851.2), rel=1e-3)


def test_epoch_check_names_a_missing_folder(tmp_path, capsys):
    assert main(["epoch-check", str(tmp_path)]) == 2
    assert "Epoch AI results file missing" in capsys.readouterr().err
