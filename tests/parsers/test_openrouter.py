"""OpenRouter models API parser, on the 2026-08-19 capture."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.sources.base import ParseError
from pipelines.sources.openrouter import SOURCE, parse
from tests.helpers import price

CAPTURE = Path(__file__).parents[2] / "seed" / "pages" / "openrouter" / "2026-08-19_api-v1-models.json"
URL = "https://openrouter.ai/api/v1/models"




@pytest.fixture(scope="module")
def quotes():
    return SOURCE.read(CAPTURE.read_bytes(), URL).prices


def test_source():
    assert SOURCE.name == "openrouter_models_api" and SOURCE.provider == "openrouter"
    assert SOURCE.urls == (URL,) and SOURCE.fmt == "json" and SOURCE.hosts == ("openrouter.ai",)
    assert SOURCE.parse is parse


def test_gpt_4o(quotes):
    assert price(quotes, "openai/gpt-4o", "input") == Decimal("0.0000025")
    assert price(quotes, "openai/gpt-4o", "output") == Decimal("0.00001")
    assert price(quotes, "openai/gpt-4o", "cache_read") == Decimal("0.00000125")
    assert {q.price_kind for q in quotes if q.model == "openai/gpt-4o"} == {"input", "output", "cache_read"}


def test_anthropic_two_cache_writes(quotes):
    m = "anthropic/claude-opus-5"
    assert price(quotes, m, "input") == Decimal("0.000005")
    assert price(quotes, m, "output") == Decimal("0.000025")
    assert price(quotes, m, "cache_read") == Decimal("0.0000005")
    assert price(quotes, m, "cache_write_5m") == Decimal("0.00000625")
    assert price(quotes, m, "cache_write_1h") == Decimal("0.00001")
    # web_search (per search) is a non-token price of its own, never folded into the token prices
    assert len([q for q in quotes if q.model == m and q.unit == "per token"]) == 5
    ws = [q for q in quotes if q.model == m and q.unit != "per token"]
    assert [(q.price_kind, q.unit, q.amount) for q in ws] == [("web_search", "per search", Decimal("0.01"))]


def test_single_cache_write_and_long_context_tiers(quotes):
    m = "qwen/qwen3.7-flash"
    assert price(quotes, m, "cache_write") == Decimal("0.000000038")
    assert price(quotes, m, "input", min_tokens=32000) == Decimal("0.0000001")
    assert price(quotes, m, "cache_write", min_tokens=256000) == Decimal("0.00000025")
    assert price(quotes, "x-ai/grok-4.6", "output", min_tokens=200000) == Decimal("0.000012")
    assert price(quotes, "x-ai/grok-4.6", "output") == Decimal("0.000006")


def test_modalities(quotes):
    assert price(quotes, "openai/gpt-audio", "input_audio") == Decimal("0.000032")
    assert price(quotes, "openai/gpt-audio", "output_audio") == Decimal("0.000064")
    assert price(quotes, "google/gemini-3.1-flash-lite-image", "output_image") == Decimal("0.00003")
    assert price(quotes, "google/gemini-3.7-flash", "cache_read_audio") == Decimal("0.0000000375")


def test_time_of_day_windows(quotes):
    m = "deepseek/deepseek-v4-pro"
    assert price(quotes, m, "input") == Decimal("0.00000132")
    assert price(quotes, m, "input", "off_peak") == Decimal("0.00000066")
    off = [q for q in quotes if q.model == m and q.service_tier == "off_peak"]
    assert {q.conditions for q in off} == {"off-peak UTC 10:00-01:00, 04:00-06:00"}


def test_batch_variant_and_free(quotes):
    assert price(quotes, "openai/gpt-4o:batch", "input", "batch") == Decimal("0.00000125")
    assert price(quotes, "z-ai/glm-5.2:free", "input") == Decimal("0")


def test_sentinel_and_counts(quotes):
    raw = json.loads(CAPTURE.read_bytes())
    sentinel = {m["id"] for m in raw["data"] if m["pricing"]["prompt"] == "-1"}
    assert sentinel == {"openrouter/auto", "openrouter/auto-beta", "openrouter/fusion",
                        "openrouter/pareto-code", "openrouter/bodybuilder"}
    assert not [q for q in quotes if q.model in sentinel]
    assert all(q.amount >= 0 for q in quotes)
    assert len({q.model for q in quotes}) == 409
    assert len([q for q in quotes if q.unit == "per token"]) == 1459
    assert len(quotes) == 1459 + 157 + 29  # + web_search and image rows
    assert {(q.provider, q.currency) for q in quotes} == {("openrouter", "USD")}
    assert {q.unit for q in quotes} == {"per token", "per search", "per image"}


def test_non_token_fields(quotes):
    q = [x for x in quotes if x.model == "google/gemini-2.5-pro" and x.price_kind == "image_input"]
    assert [(x.amount, x.unit, x.service_tier) for x in q] == [(Decimal("0.00000125"), "per image", "standard")]
    b = [x for x in quotes if x.model == "google/gemini-2.5-pro:batch" and x.price_kind == "image_input"]
    assert [(x.amount, x.service_tier) for x in b] == [(Decimal("0.000000625"), "batch")]
    assert price(quotes, "google/gemini-2.5-pro", "web_search") == Decimal("0.014")
    # zero / absent non-token fees give no row
    assert not [x for x in quotes if x.price_kind == "request"]
    assert not [x for x in quotes if x.model == "openai/gpt-4o" and x.unit != "per token"]


def test_request_fee_and_zero_image():
    pricing = {"prompt": "0.000001", "completion": "0.000002", "request": "0.005", "image": "0", "web_search": "-1"}
    doc = {"data": [{"id": "x/y", "name": "Y", "pricing": pricing}]}
    quotes = parse(json.dumps(doc).encode(), URL).prices
    assert [(q.price_kind, q.unit, q.amount) for q in quotes if q.unit != "per token"] == [
        ("request", "per request", Decimal("0.005"))]


def test_unknown_field_new_model_renamed_key_leave_every_other_price(quotes):
    """The real 2026-08-19 listing with an unknown field on every model, one unknown pricing key, one new model and
    one renamed pricing key (issue 19): every other price loads unchanged, the unknowns are findings."""
    doc = json.loads(CAPTURE.read_bytes())
    for m in doc["data"]:
        m["pricing_version"] = 2  # an unknown field outside pricing: not a price, nothing to report
    gpt_4o = next(m for m in doc["data"] if m["id"] == "openai/gpt-4o")
    gpt_4o["pricing"]["input_video"] = "0.00001"  # an unknown price column
    qwen = next(m for m in doc["data"] if m["id"] == "qwen/qwen3.8-27b")
    qwen["pricing"]["completion_text"] = qwen["pricing"].pop("completion")  # a renamed price column
    doc["data"].append({"id": "openai/gpt-6", "name": "OpenAI: GPT-6",
                        "pricing": {"prompt": "0.00001", "completion": "0.00004"}})
    page = SOURCE.read(json.dumps(doc).encode(), URL)
    key = lambda q: (q.model, q.price_kind, q.service_tier, q.tier_min_tokens, q.unit, q.conditions)  # noqa: E731
    old = {key(q): q.amount for q in quotes}
    new = {key(q): q.amount for q in page.prices}
    renamed = ("qwen/qwen3.8-27b", "output", "standard", 0, "per token", None)
    assert old[renamed] == Decimal("0.0000032") and renamed not in new
    assert {k: v for k, v in old.items() if k != renamed}.items() <= new.items()
    assert {k: v for k, v in new.items() if k not in old} == {
        ("openai/gpt-6", "input", "standard", 0, "per token", None): Decimal("0.00001"),
        ("openai/gpt-6", "output", "standard", 0, "per token", None): Decimal("0.00004"),
    }
    at = {m["id"]: i for i, m in enumerate(doc["data"])}
    assert sorted((f.kind, f.where, f.text) for f in page.findings) == [
        ("unknown_column", f"data[{at['qwen/qwen3.8-27b']}] (qwen/qwen3.8-27b).pricing.completion_text",
         "completion_text=0.0000032"),
        ("unknown_column", f"data[{at['openai/gpt-4o']}] (openai/gpt-4o).pricing.input_video", "input_video=0.00001"),
    ]


def test_real_listing_has_no_findings():
    assert SOURCE.read(CAPTURE.read_bytes(), URL).findings == []


def test_bad_non_token_value_raises():
    doc = {"data": [{"id": "x/y", "name": "Y", "pricing": {"prompt": "0.1", "completion": "0.2", "image": "abc"}}]}
    with pytest.raises(ParseError, match=r"x/y.*pricing\.image"):
        parse(json.dumps(doc).encode(), URL)


def test_bad_price_string_raises():
    body = CAPTURE.read_bytes()
    start = body.index(b'"id": "openai/gpt-4o",')
    at = body.index(b'"prompt": "0.0000025"', start)
    bad = body[:at] + b'"prompt": "abc"' + body[at + len(b'"prompt": "0.0000025"'):]
    with pytest.raises(ParseError) as e:
        parse(bad, URL)
    assert "openai/gpt-4o" in str(e.value) and "pricing.prompt" in str(e.value)


def test_bad_override_raises():
    pricing = {"prompt": "0.1", "completion": "0.2", "overrides": [{"min_prompt_tokens": 1000, "prompt": "1,5"}]}
    doc = {"data": [{"id": "x/y", "name": "Y", "pricing": pricing}]}
    with pytest.raises(ParseError, match=r"x/y.*overrides\[0\]\.prompt"):
        parse(json.dumps(doc).encode(), URL)


def test_no_prices_raises():
    with pytest.raises(ParseError):
        parse(b'{"data": [{"id": "a/b", "pricing": {"prompt": "-1", "completion": "-1"}}]}', URL)
