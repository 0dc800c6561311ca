"""The reconciliation rules (pipelines/history/reconcile.py) on the evidence of real cases from the bundled data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pipelines.history.reconcile import Evidence, at, reconcile

D = dt.date.fromisoformat


def ev(series, rank, value, start, end=None, last_seen=None):
    return Evidence(series, series.split("|")[0], rank, Decimal(value), D(start), D(end) if end else None,
                    D(last_seen) if last_seen else None)


def value_on(runs, day):
    r = at(runs, D(day))
    return None if r is None else r.value


def test_a_2024_page_capture_does_not_mask_later_cuts():
    # seed/pages/mistral 2024-04-01: mistral-large-latest input 8; LiteLLM mistral/mistral-large-latest 8 -> 4
    # (2024-06-06) -> 3 (2024-07-25) -> 2 (2025-01-14): the page (rank 1) holds until a source shows a change
    runs = reconcile([
        ev("mistral_pricing", 1, "8", "2024-04-01", None, "2024-04-01"),
        ev("litellm|mistral/mistral-large-latest|mistral", 3, "8", "2024-03-26", "2024-06-06"),
        ev("litellm|mistral/mistral-large-latest|mistral", 3, "4", "2024-06-06", "2024-07-25"),
        ev("litellm|mistral/mistral-large-latest|mistral", 3, "3", "2024-07-25", "2025-01-14"),
        ev("litellm|mistral/mistral-large-latest|mistral", 3, "2", "2025-01-14", None),
    ])
    assert [value_on(runs, d) for d in ("2024-04-01", "2024-06-10", "2024-08-01", "2025-06-01")] == [
        Decimal(8), Decimal(4), Decimal(3), Decimal(2)]
    first = at(runs, D("2024-04-01"))
    assert first.sources == {"mistral_pricing", "litellm"} and first.last_confirmed == D("2024-06-05")


def test_a_lagging_key_does_not_undo_the_page_and_the_earliest_evidence_dates_the_change():
    # DeepSeek deepseek-chat input: LiteLLM deepseek/deepseek-chat 0.27 until 2026-01-13, then 0.28; the bare key
    # 0.14 then (after a gap) 0.6 from 2025-09-24; the cut announced for 2025-09-29 (override, rank 0); the page
    # 2025-12-20 at 0.28; genai-prices' 2026 feed still at 0.27 (a value the history left: lagging)
    runs = reconcile([
        ev("litellm|deepseek-chat|deepseek", 3, "0.14", "2024-05-22", "2025-02-06"),
        ev("litellm|deepseek-chat|deepseek", 3, "0.6", "2025-09-24", "2026-01-13"),
        ev("litellm|deepseek-chat|deepseek", 3, "0.28", "2026-01-13", None),
        ev("litellm|deepseek/deepseek-chat|deepseek", 3, "0.14", "2025-01-14", "2025-02-07"),
        ev("litellm|deepseek/deepseek-chat|deepseek", 3, "0.27", "2025-02-07", "2026-01-13"),
        ev("litellm|deepseek/deepseek-chat|deepseek", 3, "0.28", "2026-01-13", None),
        ev("override|price_overrides.csv", 0, "0.28", "2025-09-29", "2025-12-20"),
        ev("deepseek_pricing", 1, "0.28", "2025-12-20", None, "2025-12-20"),
        ev("genai_prices|deepseek|deepseek-chat", 2, "0.27", "2026-08-21", None),
    ], today=D("2026-09-01"))
    assert value_on(runs, "2025-03-01") == Decimal("0.27")
    assert value_on(runs, "2025-09-25") == Decimal("0.6")
    assert value_on(runs, "2025-10-15") == Decimal("0.28")
    assert value_on(runs, "2026-08-25") == Decimal("0.28")  # not the stale 0.27 of genai-prices
    now = at(runs, D("2026-08-25"))
    assert now.valid_from == D("2025-09-29") and now.source == "override"
    assert now.sources == {"override", "deepseek_pricing", "litellm"} and now.last_confirmed == D("2026-01-13")  # an open dataset run: the day it first showed it


def test_a_price_going_back_to_an_old_value_is_followed():
    # a series moving away from the value in force is never lagging, even to a value the history had before
    runs = reconcile([
        ev("page", 1, "1", "2025-01-01", "2025-02-01"),
        ev("page", 1, "0.5", "2025-02-01", "2025-03-01"),
        ev("page", 1, "1", "2025-03-01", None),
    ])
    assert [value_on(runs, d) for d in ("2025-01-15", "2025-02-15", "2025-03-15")] == [1, Decimal("0.5"), 1]


def test_a_worse_ranked_first_sighting_does_not_replace_a_better_value_and_nothing_outlives_its_evidence():
    runs = reconcile([
        ev("page", 1, "3", "2025-01-01", "2025-06-01", "2025-05-31"),
        ev("litellm|k", 3, "30", "2025-03-01", "2025-06-01"),
    ])
    assert value_on(runs, "2025-04-01") == 3
    assert value_on(runs, "2025-07-01") is None  # no evidence in force: no price
