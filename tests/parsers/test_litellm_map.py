"""LiteLLM price-map parser, on the newest snapshot of the JSON (2026-07-24, seed/litellm_price_history)."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.sources.base import ParseError
from pipelines.sources.litellm_map import SOURCE, parse

CAPTURE = Path(__file__).parents[2] / "seed" / "litellm_price_history" / "model_prices_latest.json"
URL = "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"


@pytest.fixture(scope="module")
def quotes():
    return SOURCE.read(CAPTURE.read_bytes(), URL).prices


def price(quotes, provider, model, kind, tier="standard", min_tokens=0):
    hits = [q for q in quotes if (q.provider, q.model, q.price_kind, q.service_tier, q.tier_min_tokens)
            == (provider, model, kind, tier, min_tokens)]
    assert len(hits) == 1, hits
    return hits[0].amount


def test_source():
    assert SOURCE.name == "litellm_price_map" and SOURCE.provider == "litellm"
    assert SOURCE.urls == (URL,) and SOURCE.fmt == "json" and SOURCE.hosts == ("raw.githubusercontent.com",)


def test_gpt_4o_batch_priority(quotes):
    assert price(quotes, "openai", "gpt-4o", "input") == Decimal("0.0000025")
    assert price(quotes, "openai", "gpt-4o", "output") == Decimal("0.00001")
    assert price(quotes, "openai", "gpt-4o", "cache_read") == Decimal("0.00000125")
    assert price(quotes, "openai", "gpt-4o", "input", "batch") == Decimal("0.00000125")
    assert price(quotes, "openai", "gpt-4o", "output", "priority") == Decimal("0.000017")
    assert price(quotes, "openai", "gpt-5", "cache_read", "flex") == Decimal("6.25E-8")
    q = next(q for q in quotes if q.model == "gpt-4o" and q.provider == "openai" and q.price_kind == "input"
             and q.service_tier == "standard")
    assert (q.unit, q.currency, q.model_name) == ("per token", "USD", "gpt-4o")


def test_anthropic_cache_writes(quotes):
    m = "claude-haiku-4-5"  # (the snapshot has no first-party claude-3-5-haiku-20241022 entry any more)
    assert price(quotes, "anthropic", m, "input") == Decimal("0.000001")
    assert price(quotes, "anthropic", m, "cache_write_5m") == Decimal("0.00000125")
    assert price(quotes, "anthropic", m, "cache_write_1h") == Decimal("0.000002")
    assert price(quotes, "anthropic", m, "cache_read") == Decimal("1E-7")
    assert price(quotes, "bedrock", "us.anthropic.claude-3-5-haiku-20241022-v1:0", "input") == Decimal("8E-7")


def test_gemini_long_context_and_seller_mapping(quotes):
    m = "gemini-2.5-pro"  # key gemini/gemini-2.5-pro, litellm_provider gemini -> seller google
    assert price(quotes, "google", m, "input") == Decimal("0.00000125")
    assert price(quotes, "google", m, "input", min_tokens=200000) == Decimal("0.0000025")
    assert price(quotes, "google", m, "output", min_tokens=200000) == Decimal("0.000015")
    assert price(quotes, "google", m, "cache_read", min_tokens=200000) == Decimal("2.5E-7")
    assert price(quotes, "google", m, "output", "priority", 200000) == Decimal("0.000015")


def test_deepseek_two_keys_one_model(quotes):
    # "deepseek-chat" and "deepseek/deepseek-chat" are the same (seller, model): equal values emitted once
    assert price(quotes, "deepseek", "deepseek-chat", "input") == Decimal("2.8E-7")
    assert price(quotes, "deepseek", "deepseek-chat", "cache_read") == Decimal("2.8E-8")
    assert price(quotes, "deepseek", "deepseek-chat", "output") == Decimal("4.2E-7")


def test_scope_and_counts(quotes):
    raw = json.loads(CAPTURE.read_bytes())
    assert not [q for q in quotes if q.model_name in ("sample_spec", "last_updated")]
    non_text = {k for k, v in raw.items() if isinstance(v, dict) and v.get("mode") not in ("chat", "completion", "responses")}
    assert not [q for q in quotes if q.model_name in non_text]
    assert all(isinstance(q.amount, Decimal) and q.amount >= 0 for q in quotes)
    assert {q.unit for q in quotes} == {"per token"} and {q.currency for q in quotes} == {"USD"}
    assert len({(q.provider, q.model) for q in quotes}) == 2250
    assert len(quotes) == 6648


def _edited(text: str) -> str:
    """The real snapshot with one unknown price field, one new model and one renamed price field (issue 19)."""
    anchor = '  "gpt-4o": {\n'
    assert text.count(anchor) == 1
    text = text.replace(anchor, anchor + '    "input_cost_per_video_token": 1e-05,\n    "supports_telepathy": true,\n', 1)
    start = '{\n  "sample_spec": {'
    assert text.startswith(start)
    text = ('{\n  "gpt-6": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-05, '
            '"output_cost_per_token": 4e-05},\n  "sample_spec": {' + text[len(start):])
    at = text.index('  "claude-haiku-4-5": {\n')
    field = text.index('"output_cost_per_token": 5e-06', at)
    assert field - at < 2000  # inside that entry
    return text[:field] + '"output_cost_per_text_token": 5e-06' + text[field + len('"output_cost_per_token": 5e-06'):]


def test_unknown_field_new_model_renamed_field_leave_every_other_price(quotes):
    base = SOURCE.read(CAPTURE.read_bytes(), URL)
    page = SOURCE.read(_edited(CAPTURE.read_text(encoding="utf-8")).encode(), URL)
    key = lambda q: (q.provider, q.model, q.price_kind, q.service_tier, q.tier_min_tokens)  # noqa: E731
    old = {key(q): q.amount for q in quotes}
    new = {key(q): q.amount for q in page.prices}
    renamed = ("anthropic", "claude-haiku-4-5", "output", "standard", 0)
    assert old[renamed] == Decimal("0.000005") and renamed not in new
    assert {k: v for k, v in old.items() if k != renamed}.items() <= new.items()
    assert {k: v for k, v in new.items() if k not in old} == {
        ("openai", "gpt-6", "input", "standard", 0): Decimal("0.00001"),
        ("openai", "gpt-6", "output", "standard", 0): Decimal("0.00004"),
    }
    added = [(f.kind, f.where, f.text) for f in page.findings if f not in base.findings]  # in file order
    assert added == [
        ("unknown_column", "$['claude-haiku-4-5'].output_cost_per_text_token", "output_cost_per_text_token=0.000005"),
        ("unknown_column", "$['gpt-4o'].input_cost_per_video_token", "input_cost_per_video_token=0.00001"),
    ]  # supports_telepathy is not a price field: not reported


def test_real_snapshot_findings_are_the_video_token_price():
    page = SOURCE.read(CAPTURE.read_bytes(), URL)
    assert {(f.where, f.text) for f in page.findings} == {
        (f"$[{k!r}].output_cost_per_video_token", "output_cost_per_video_token=0.0000175")
        for k in ("gemini/gemini-omni-flash-preview", "gemini-omni-flash-preview")
    }


def test_bad_value_raises():
    body = CAPTURE.read_bytes()
    anchor = body.index(b'  "gpt-4o": {')
    at = body.index(b'"input_cost_per_token": 2.5e-06', anchor)
    bad = body[:at] + b'"input_cost_per_token": "abc"' + body[at + len(b'"input_cost_per_token": 2.5e-06'):]
    with pytest.raises(ParseError) as e:
        parse(bad, URL)
    assert "'gpt-4o'" in str(e.value) and "input_cost_per_token" in str(e.value)


def test_conflicting_prefixed_key_loses_to_model_key():
    doc = {
        "m-1": {"litellm_provider": "acme", "mode": "chat", "input_cost_per_token": 1e-06},
        "acme/m-1": {"litellm_provider": "acme", "mode": "chat", "input_cost_per_token": 2e-06},
        # both prefixed (gemini/… and google/… both map to seller google, model g-1), values differ: ambiguous
        "gemini/g-1": {"litellm_provider": "gemini", "mode": "chat", "input_cost_per_token": 2e-06},
        "google/g-1": {"litellm_provider": "gemini", "mode": "chat", "input_cost_per_token": 3e-06},
    }
    with pytest.raises(ParseError, match="conflicting"):
        parse(json.dumps(doc).encode(), URL)
    del doc["google/g-1"]
    quotes = parse(json.dumps(doc).encode(), URL).prices
    assert price(quotes, "acme", "m-1", "input") == Decimal("0.000001")


def test_no_prices_raises():
    with pytest.raises(ParseError):
        parse(b'{"sample_spec": {"mode": "chat"}}', URL)
