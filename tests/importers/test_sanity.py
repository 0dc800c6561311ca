"""The sanity rules on the real LiteLLM history: its documented mistakes are quarantined, real cuts are kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pipelines.history.importers.litellm import read_runs
from pipelines.history.importers.sanity import clean_runs
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def cleaned():
    return clean_runs(read_runs(ROOT / "seed" / "litellm_price_history"))


def series(rows, key, kind="input", tier="standard", min_tokens=0):
    return [
        (r["valid_from"], r["valid_to"], r["usd_per_mtok"])
        for r in sorted(rows, key=lambda r: r["valid_from"])
        if r["source_key"] == key and r["price_kind"] == kind and r["service_tier"] == tier
        and r["tier_min_tokens"] == min_tokens
    ]


def test_hour_long_1000x_unit_mistake_is_quarantined(cleaned):
    kept, held = cleaned
    # README: gemini/gemini-2.0-flash input 0.00015 / output 0.0006 per token for about 5 hours on 2025-02-07
    bad = [(h["price_kind"], h["usd_per_mtok"]) for h in held
           if h["source_key"] == "gemini/gemini-2.0-flash|gemini" and h["valid_from"] == dt.date(2025, 2, 7)]
    assert sorted(bad) == [("input", Decimal(150)), ("output", Decimal(600))]
    assert all(v < 10 for _, _, v in series(kept, "gemini/gemini-2.0-flash|gemini"))


def test_per_character_spike_is_quarantined_and_the_real_prices_stay(cleaned):
    kept, held = cleaned
    # README: gemini-1.5-pro (vertex) input 5e-06 -> 7.8125e-08 (2024-10-17) -> 1.25e-06 (2024-11-08)
    key = "gemini-1.5-pro|vertex_ai-language-models"
    assert any(h["source_key"] == key and h["price_kind"] == "input" and h["usd_per_mtok"] == Decimal("0.078125")
               and h["reason"].startswith("spike") for h in held)
    values = [v for _, _, v in series(kept, key)]
    assert Decimal(5) in values and Decimal("1.25") in values and Decimal("0.078125") not in values


def test_flap_is_one_run_and_real_cut_is_kept(cleaned):
    kept, _ = cleaned
    # README: claude-3-5-haiku-20241022 input 1e-06 -> 8e-07 on 2025-02-28; the 2026-03-11/12 bulk removal and
    # same-day restore is a flap, not a new run
    assert series(kept, "claude-3-5-haiku-20241022|anthropic") == [
        (dt.date(2024, 11, 8), dt.date(2025, 2, 28), Decimal(1)),
        (dt.date(2025, 2, 28), dt.date(2026, 3, 12), Decimal("0.8")),
    ]
    # README: o3 input 1e-05 -> 2e-06, first seen 2025-06-11
    o3 = series(kept, "o3|openai")
    assert o3[-2][2] == 10 and o3[-1][:1] == (dt.date(2025, 6, 11),) and o3[-1][2] == 2


def test_float_noise_is_rounded_with_the_raw_value_kept(cleaned):
    kept, held = cleaned
    key = "databricks/databricks-claude-haiku-4-5|databricks"
    raw = [h for h in held if h["source_key"] == key and h["price_kind"] == "input"]
    assert [h["usd_per_mtok"] for h in raw] == [Decimal("1.00002")]
    assert raw[0]["reason"] == "rounded: float noise 1.00002000000 -> 1"
    assert [v for _, _, v in series(kept, key)] == [Decimal(1)]


def test_exact_fractions_are_not_noise(cleaned):
    kept, held = cleaned
    # 0.546875 USD per 1M tokens = 35/64: a real price, not float noise
    assert not any(h["usd_per_mtok"] == Decimal("0.546875") for h in held)


def test_absurd_current_values_are_quarantined(cleaned):
    kept, held = cleaned
    # README: wandb/deepseek-ai/DeepSeek-R1-0528 input 0.135 USD per token, still current in the last snapshot
    assert any(h["source_key"] == "wandb/deepseek-ai/DeepSeek-R1-0528|wandb" and h["usd_per_mtok"] == 135000
               and h["reason"].startswith("implausible") for h in held)
    assert max(r["usd_per_mtok"] for r in kept) <= 10000
