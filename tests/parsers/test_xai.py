"""xAI pricing parser on the index copy of docs.x.ai/developers/pricing (provider Markdown)."""

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.sources.registry import source_for_url
from pipelines.sources import xai
from pipelines.sources.base import ParseError
from tests.helpers import find_price, price

PAGE = Path(__file__).parents[2] / "seed" / "pages" / "xai" / "undated-7dbcc719_docs-x-ai-developers-pricing.md"
URL = "https://docs.x.ai/developers/pricing"
TEXT_MODELS = {
    "grok-4.7", "grok-4.6", "grok-4.5", "grok-4.3", "grok-4.20-0309-reasoning", "grok-4.20-0309-non-reasoning",
    "grok-build-0.1", "grok-4.20-multi-agent-0309",
}


@pytest.fixture(scope="module")
def quotes():
    return xai.SOURCE.read(PAGE.read_bytes(), URL).prices


def _global(quotes):
    return [q for q in quotes if q.region == "global"]


def test_source():
    # the live URL is the page's .md export (the form of this capture); the capture's own URL still finds the source
    assert xai.SOURCE.provider == "xai" and xai.SOURCE.urls == (URL + ".md",) and xai.SOURCE.hosts == ("docs.x.ai",)
    assert source_for_url(URL) is xai.SOURCE


def test_counts(quotes):
    assert len(quotes) == 75
    assert len({q.model for q in quotes}) == 24
    assert {q.model for q in quotes if q.unit == "per 1M tokens"} == TEXT_MODELS
    c = Counter((q.model, q.price_kind, q.tier_min_tokens, q.region, q.conditions) for q in quotes)
    assert [k for k, n in c.items() if n > 1] == []
    assert {q.currency for q in quotes} == {"USD"}


def test_text_prices_and_long_context(quotes):
    g = _global(quotes)
    assert price(g, "grok-4.7", "input") == Decimal("2.00")
    assert price(g, "grok-4.7", "cache_read") == Decimal("0.50")
    assert price(g, "grok-4.7", "output") == Decimal("6.00")
    long = find_price(g, "grok-4.7", "output", min_tokens=200000)
    assert long.amount == Decimal("12.00") and long.model_name == "grok-4.7 (≥ 200k prompt tokens)"
    assert price(g, "grok-4.5", "cache_read") == Decimal("0.30")
    assert price(g, "grok-4.3", "input", min_tokens=200000) == Decimal("2.50")
    assert price(g, "grok-build-0.1", "output") == Decimal("2.00")
    assert price(g, "grok-4.20-multi-agent-0309", "cache_read", min_tokens=200000) == Decimal("0.40")
    assert {q.tier_min_tokens for q in g if q.unit == "per 1M tokens"} == {0, 200000}


def test_us_region_from_prose(quotes):
    us = [q for q in quotes if q.region == "us"]
    assert len(us) == 6 and {q.model for q in us} == {"grok-4.7"}
    assert price(us, "grok-4.7", "input") == Decimal("2.20")
    assert price(us, "grok-4.7", "cache_read") == Decimal("0.55")
    assert price(us, "grok-4.7", "output", min_tokens=200000) == Decimal("13.20")


def test_no_batch_or_priority_prices(quotes):
    assert {q.service_tier for q in quotes} == {"standard"}  # multipliers only on the page


def test_non_token_prices(quotes):
    img = find_price(quotes, "grok-imagine-image-quality", "image_output")
    assert (img.amount, img.unit) == (Decimal("0.05"), "per image")
    vid = find_price(quotes, "grok-imagine-video-1.5", "video_output")
    assert (vid.amount, vid.unit) == (Decimal("0.080"), "per second")
    sts = find_price(quotes, "grok-voice-think-fast-2.0", "speech_to_speech")
    assert (sts.amount, sts.unit) == (Decimal("0.08"), "per minute")  # not the ($4.80 / hr) restatement
    assert find_price(quotes, "grok-voice-think-fast-2.0", "text_input").amount == Decimal("0.004")
    stt = {q.conditions: q.amount for q in quotes if q.model == "speech-to-text"}
    assert stt == {"api=REST": Decimal("0.10"), "api=Streaming": Decimal("0.20")}
    tts = find_price(quotes, "text-to-speech", "speech_output")
    assert (tts.amount, tts.unit) == (Decimal("15.00"), "per 1M characters")
    ws = find_price(quotes, "web_search", "tool_call")
    assert (ws.amount, ws.unit) == (Decimal("5"), "per 1K calls")
    xs = {q.unit: q.amount for q in quotes if q.model == "x_search"}
    assert xs == {"per 1K posts": Decimal("5"), "per 1K profiles": Decimal("10")}
    assert price(quotes, "collections_search", "tool_call") == Decimal("2.50")
    assert not [q for q in quotes if q.model in ("view_image", "view_x_video", "image_generation")]
    st = find_price(quotes, "files", "storage")
    assert (st.amount, st.unit) == (Decimal("0.025"), "per GiB-day")
    assert find_price(quotes, "collections", "download").amount == Decimal("0.20")


def test_broken_text_price_raises():
    body = PAGE.read_bytes()
    bad = body.replace(b"| 256k | $2.00 | $0.40 | $4.00 |", b"| 256k | $2.00 | $abc | $4.00 |", 1)
    assert bad != body
    with pytest.raises(ParseError) as e:
        xai.parse(bad, URL)
    assert "table 0 ('Text API Pricing') row 14" in str(e.value) and "Cached input" in str(e.value)


def test_broken_unit_price_raises():
    body = PAGE.read_bytes()
    bad = body.replace(b"$0.080 / sec", b"$abc / sec", 1)
    assert bad != body
    with pytest.raises(ParseError, match=r"Imagine Pricing'\) row 5"):
        xai.parse(bad, URL)


def test_broken_us_prose_raises():
    body = PAGE.read_bytes()
    bad = body.replace(b"$6.60 per 1M tokens", b"$abc per 1M tokens", 1)
    assert bad != body
    with pytest.raises(ParseError, match="US Regional"):
        xai.parse(bad, URL)


def test_no_prices_raises():
    with pytest.raises(ParseError, match="no prices"):
        xai.parse(b"# Pricing\n\nAll prices are in USD.\n", URL)
