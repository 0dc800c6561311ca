"""LMArena names joined to our models by exact rules, and the capability thresholds.

The rules are tested on name literals. The end-to-end test reads the LMArena folder (not shipped: no verified
licence) from ``TOKENPRICES_CAPABILITY_DIR`` or ``../shared/data/capability`` next to the checkout, and skips
when neither exists."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd
import pytest

from pipelines.forecast import capability as c
from tests.conftest import ROOT

CAPABILITY_DIR = Path(os.environ.get("TOKENPRICES_CAPABILITY_DIR") or ROOT.parent / "shared" / "data" / "capability")
needs_data = pytest.mark.skipif(
    not CAPABILITY_DIR.is_dir(),
    reason=f"LMArena ratings (not shipped) not found at {CAPABILITY_DIR}; set TOKENPRICES_CAPABILITY_DIR",
)

OURS = pd.DataFrame([
    ("openai", "gpt-4o-2024-05-13"), ("openai", "o1-mini"), ("anthropic", "claude-3-5-sonnet-20241022"),
    ("anthropic", "claude-opus-4-20250514"), ("anthropic", "claude-3-opus-20240229"),
    ("cohere", "command-r-plus-08-2024"), ("google", "gemini-2.5-pro"),
], columns=["provider", "model"])


def test_name_rules_are_exact():
    names = pd.DataFrame([
        ("GPT-4o-2024-05-13", "OpenAI"),              # lower-cased name
        ("Claude 3.5 Sonnet (20241022)", "Anthropic"),  # Claude <version> <tier> (date)
        ("Claude Opus 4 (20250514)", "Anthropic"),      # Claude <tier> <version> (date)
        ("Claude 3 Opus", "Anthropic"),                 # hand-checked alias
        ("Command R+ (08-2024)", "Cohere"),             # Command <R|R+|A> (MM-YYYY)
        ("o1-mini", "OpenAI"),                          # matched, but a reasoning model
        ("Gemini-2.5-Pro-Preview-05-06", "Google"),     # not a model id we price: never a "nearest" match
        ("GPT-4o-2024-05-13", "Meta"),                  # right name, wrong organisation
        ("Llama-3.1-405B-Instruct", "Meta"),
    ], columns=["model", "organization"])
    matched, unmatched = c.match_names(names, OURS)
    got = {(r.lmarena_model, r.organization): (r.model, r.rule, r.reasoning) for r in matched.itertuples()}
    assert got == {
        ("GPT-4o-2024-05-13", "OpenAI"): ("gpt-4o-2024-05-13", "lower-cased name", False),
        ("Claude 3.5 Sonnet (20241022)", "Anthropic"):
            ("claude-3-5-sonnet-20241022", "Claude <version> <tier> (date)", False),
        ("Claude Opus 4 (20250514)", "Anthropic"): ("claude-opus-4-20250514", "Claude <tier> <version> (date)", False),
        ("Claude 3 Opus", "Anthropic"): ("claude-3-opus-20240229", "hand-checked alias", False),
        ("Command R+ (08-2024)", "Cohere"): ("command-r-plus-08-2024", "Command <R|R+|A> (MM-YYYY)", False),
        ("o1-mini", "OpenAI"): ("o1-mini", "lower-cased name", True),
    }
    reasons = dict(zip(unmatched.lmarena_model + "|" + unmatched.organization, unmatched.reason))
    assert reasons == {
        "Gemini-2.5-Pro-Preview-05-06|Google": "no rule gives a google model id we price",
        "GPT-4o-2024-05-13|Meta": "organisation is not a first-party seller we price",
        "Llama-3.1-405B-Instruct|Meta": "organisation is not a first-party seller we price",
    }


def test_thresholds_compare_within_one_snapshot():
    v1, v2 = dt.date(2024, 7, 1), dt.date(2025, 7, 1)
    ratings = pd.DataFrame([
        (v1, "REF", "OpenAI", 1200), (v1, "A", "OpenAI", 1190), (v1, "B", "OpenAI", 1300),
        (v2, "REF", "OpenAI", 1250), (v2, "A", "OpenAI", 1260),  # A overtakes REF in the later snapshot
        (v2, "C", "OpenAI", 1240),                                # C only ever rated below REF
        (dt.date(2023, 1, 1), "D", "OpenAI", 1500),               # D never rated beside REF: absent
    ], columns=["version", "model", "organization", "score"])
    q = c.at_or_above(ratings, "REF").set_index("lmarena_model")
    assert q.loc["A", "qualifies"] and q.loc["A", "version"] == v2  # the latest common snapshot decides
    assert q.loc["B", "qualifies"] and q.loc["B", "version"] == v1
    assert not q.loc["C", "qualifies"]
    assert "D" not in q.index
    with pytest.raises(KeyError, match="not an LMArena model name"):
        c.at_or_above(ratings, "GPT-5")


def test_cheapest_series_takes_the_cheapest_qualifying_model():
    prices = pd.DataFrame({
        "month": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-02-01", "2025-02-01", "2025-02-01"]),
        "provider": ["a", "b", "a", "b", "c"], "model": ["x", "y", "x", "y", "z"],
        "blended": [5.0, 3.0, 5.0, 3.0, 0.1],
    })
    q = pd.DataFrame({"provider": ["a", "b"], "model": ["x", "y"]})  # z does not qualify
    s = c.cheapest_series(prices, q)
    assert s["value"].tolist() == [3.0, 3.0] and s["detail"].tolist() == ["b/y", "b/y"]
    assert s["n_items"].tolist() == [2, 2]


def test_reasoning_rule():
    for name in ("o1-2024-12-17", "o3-mini", "deepseek-reasoner", "DeepSeek-R1-0528",
                 "Claude 3.7 Sonnet (thinking-32k)", "magistral-medium-2506", "o3-mini-high"):
        assert c.is_reasoning(name), name
    for name in ("gpt-4o-2024-05-13", "gpt-4.1-mini", "deepseek-chat", "claude-opus-4-20250514"):
        assert not c.is_reasoning(name), name


@needs_data
def test_lmarena_folder_loads_and_epoch_thresholds_exist():
    ratings = c.load_ratings(CAPABILITY_DIR)
    assert c.ratings_summary(ratings) == "91 snapshots 2024-07-07..2025-08-04, 316 names"
    for ref in c.DEFAULT_THRESHOLDS:
        assert ref in set(ratings["model"]), ref
    q = c.at_or_above(ratings, "GPT-4-0314").set_index("lmarena_model")
    assert q.loc["GPT-4o-2024-05-13", "qualifies"] and not q.loc["GPT-3.5-Turbo-0125", "qualifies"]
