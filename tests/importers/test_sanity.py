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


def test_zero_placeholders_of_a_paid_model_are_quarantined(cleaned):
    kept, held = cleaned
    # LiteLLM gemini/gemini-1.5-pro: 0 from 2024-03-26 to 2024-06-17, paid (3.5e-06) from 2024-07-18
    zeros = [h for h in held if h["source_key"] == "gemini/gemini-1.5-pro|gemini" and h["usd_per_mtok"] == 0]
    assert {h["price_kind"] for h in zeros} == {"input", "output"}
    assert all(h["reason"].startswith("zero placeholder") for h in zeros)
    assert all(v > 0 for _, _, v in series(kept, "gemini/gemini-1.5-pro|gemini"))
    # a key that is free throughout stays free: gemini/gemini-2.0-flash-exp 0 / 0
    assert {v for _, _, v in series(kept, "gemini/gemini-2.0-flash-exp|gemini")} == {Decimal(0)}


def test_cache_read_at_the_input_price_is_quarantined(cleaned):
    kept, held = cleaned
    # LiteLLM claude-3-5-haiku-20241022 cache_read_input_token_cost 8e-07 (= its input) 2025-02-28 .. 2025-04-09
    bad = [(h["valid_from"], h["usd_per_mtok"]) for h in held if h["source_key"] == "claude-3-5-haiku-20241022|anthropic"
           and h["price_kind"] == "cache_read"]
    assert bad == [(dt.date(2025, 2, 28), Decimal("0.8"))]
    assert [v for _, _, v in series(kept, "claude-3-5-haiku-20241022|anthropic", "cache_read")] == [
        Decimal("0.1"), Decimal("0.08")]


def test_values_far_from_the_market_are_quarantined_with_the_reason(cleaned):
    kept, held = cleaned
    reasons = {(h["provider"], h["model"], h["price_kind"]): h["reason"] for h in held}
    # wandb Qwen3-235B at 10,000 (deepinfra: 0.13 / 0.6); azure_ai jais-30b-chat 3,200 / 9,710; watsonx jais-13b 2,000
    for key in (("wandb", "Qwen/Qwen3-235B-A22B-Instruct-2507", "output"), ("azure_ai", "jais-30b-chat", "output"),
                ("azure_ai", "jais-30b-chat", "input"), ("watsonx", "core42/jais-13b-chat", "output")):
        assert reasons[key].startswith("far from the market"), key
    # novita's 2026-01-09 per-1K values (500 then 0.05 from 2026-01-13): a days-long unit slip at a key's start
    assert reasons[("novita", "Sao10K/L3-8B-Stheno-v3.2", "input")].startswith("unit slip")
    assert series(kept, "novita/Sao10K/L3-8B-Stheno-v3.2|novita") == [(dt.date(2026, 1, 13), None, Decimal("0.05"))]
    assert max(r["usd_per_mtok"] for r in kept if r["price_kind"] in ("input", "output")) <= 1200


def test_a_key_keeps_its_history_when_its_mode_changes_later(cleaned):
    kept, _ = cleaned
    # LiteLLM relabelled gemini/gemini-1.5-flash as an embedding model on 2026-03-12; its chat prices before stay
    assert series(kept, "gemini/gemini-1.5-flash|gemini")[:2] == [
        (dt.date(2024, 7, 1), dt.date(2024, 10, 14), Decimal("0.35")),
        (dt.date(2024, 10, 14), None, Decimal("0.075"))]


def test_a_key_that_lived_only_in_a_slip_window_is_quarantined(cleaned):
    kept, held = cleaned
    # seed/litellm_price_history: novita/thudm/glm-4.1v-9b-thinking was listed only from 2026-01-09 to 2026-01-13,
    # at 0.00028 / 0.001104 per token (280 / 1,104 per 1M), during novita's per-1K slip: in the same window every
    # other novita key was 8,000x its price before and after (novita/qwen/qwen3-8b-fp8: the same 280 / 1,104
    # next to 0.035 / 0.138). With no neighbour of its own, it lived and died with the slip.
    window = [(h["price_kind"], h["usd_per_mtok"], h["reason"].split(":")[0]) for h in held
              if h["source_key"] == "novita/thudm/glm-4.1v-9b-thinking|novita"]
    assert sorted(window) == [("input", Decimal(280), "unit slip"), ("output", Decimal(1104), "unit slip")]
    assert series(kept, "novita/thudm/glm-4.1v-9b-thinking|novita") == []
    # a key alone in its series outside any slip window stays (gpt-5.2 has one run, from its launch)
    assert series(kept, "gpt-5.2|openai")
