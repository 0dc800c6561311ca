"""Gemini API pricing page parser, on the 2026-04-27 capture."""

from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.sources.base import ParseError
from pipelines.sources.google import SOURCE, parse
from tests.helpers import price

PAGES = Path(__file__).parents[2] / "seed" / "pages"
CAPTURE = PAGES / "gemini" / "2026-04-27_ai-google-dev-gemini-api-pricing.html"
URL = "https://ai.google.dev/gemini-api/docs/pricing"




@pytest.fixture(scope="module")
def quotes():
    return parse(CAPTURE.read_bytes(), URL)


def test_source():
    assert SOURCE.name == "google_gemini_pricing" and SOURCE.provider == "google"
    assert SOURCE.urls == (URL,) and SOURCE.fmt == "html" and SOURCE.hosts == ("ai.google.dev",)
    assert SOURCE.parse is parse


def test_pro_preview_long_context_tiers(quotes):
    m = "gemini-3.1-pro-preview"
    assert price(quotes, m, "input") == Decimal("2.00")
    assert price(quotes, m, "input", min_tokens=200000) == Decimal("4.00")
    assert price(quotes, m, "output") == Decimal("12.00")
    assert price(quotes, m, "output", min_tokens=200000) == Decimal("18.00")
    assert price(quotes, m, "cache_read") == Decimal("0.20")
    assert price(quotes, m, "cache_read", min_tokens=200000) == Decimal("0.40")


def test_pro_preview_tabs(quotes):
    m = "gemini-3.1-pro-preview"
    assert price(quotes, m, "input", "batch") == Decimal("1.00")
    assert price(quotes, m, "input", "batch", 200000) == Decimal("2.00")
    assert price(quotes, m, "output", "flex", 200000) == Decimal("9.00")
    assert price(quotes, m, "input", "priority") == Decimal("3.60")
    assert price(quotes, m, "output", "priority", 200000) == Decimal("32.40")
    assert price(quotes, m, "cache_read", "priority") == Decimal("0.36")


def test_all_listed_ids_get_the_prices(quotes):
    # the heading lists `gemini-3.1-pro-preview` and `gemini-3.1-pro-preview-customtools`
    assert price(quotes, "gemini-3.1-pro-preview-customtools", "output", "batch") == Decimal("6.00")
    assert {q.model_name for q in quotes if q.model.startswith("gemini-3.1-pro-preview")} == {"Gemini 3.1 Pro Preview"}


def test_flash_audio_priced_apart(quotes):
    m = "gemini-2.5-flash"
    assert price(quotes, m, "input") == Decimal("0.30")
    assert price(quotes, m, "input_audio") == Decimal("1.00")
    assert price(quotes, m, "output") == Decimal("2.50")
    assert price(quotes, m, "cache_read") == Decimal("0.03")
    assert price(quotes, m, "cache_read_audio") == Decimal("0.1")
    assert price(quotes, m, "input_audio", "batch") == Decimal("0.50")
    assert price(quotes, m, "input", "priority") == Decimal("0.54")


def test_other_models(quotes):
    # "$0.025 / 1,000,000 tokens (text/image/video)" form; storage in its own row is skipped
    assert price(quotes, "gemini-2.0-flash", "cache_read") == Decimal("0.025")
    assert price(quotes, "gemini-2.0-flash", "cache_read_audio") == Decimal("0.175")
    assert price(quotes, "gemini-2.0-flash-lite", "input", "batch") == Decimal("0.0375")
    # "Input price (text, image, video)" row label
    assert price(quotes, "gemini-2.5-flash-lite", "input_audio", "flex") == Decimal("0.15")
    # TTS: output priced as audio
    assert price(quotes, "gemini-2.5-flash-preview-tts", "output_audio") == Decimal("10.00")
    # image model: token price for image output kept, per-image equivalents dropped
    assert price(quotes, "gemini-3-pro-image-preview", "output_image") == Decimal("120.00")
    assert price(quotes, "gemini-3-pro-image-preview", "output", "batch") == Decimal("6.00")
    # Live API: "$3.00 or $0.005/min (audio)" -> the token price only
    assert price(quotes, "gemini-3.1-flash-live-preview", "input_audio") == Decimal("3.00")
    # "Same as Standard, Batch pricing not yet implemented" note, then the prices
    assert price(quotes, "gemini-3-flash-preview", "cache_read", "batch") == Decimal("0.05")
    # computer use, outside tabs -> standard; "prompts > 200k token" (singular)
    assert price(quotes, "gemini-2.5-computer-use-preview-10-2025", "input", min_tokens=200000) == Decimal("2.50")
    assert price(quotes, "gemini-embedding-001", "input", "batch") == Decimal("0.075")


def test_skipped(quotes):
    models = {q.model for q in quotes}
    assert len(models) == 23
    assert not any(m.startswith(("imagen", "veo", "lyria", "gemma")) for m in models)
    # 2.5 Flash Image output is only "$0.039 per image": no token row
    assert not [q for q in quotes if q.model == "gemini-2.5-flash-image" and q.price_kind.startswith("output")]
    # 3 Pro Image batch "$0.0006 (image)*" is per image (footnote): no input_image row
    assert not [q for q in quotes if q.model == "gemini-3-pro-image-preview" and q.price_kind == "input_image"]
    # Free Tier column never read, "Not available" never a 0
    assert all(q.amount > 0 for q in quotes)
    assert {q.service_tier for q in quotes} == {"standard", "batch", "flex", "priority"}
    assert {(q.currency, q.unit, q.provider) for q in quotes} == {("USD", "per 1M tokens", "google")}
    assert len(quotes) == 235


def test_broken_price_raises():
    body = CAPTURE.read_bytes()
    bad = body.replace(b"<td>$12.00, prompts <= 200k tokens", b"<td>$abc, prompts <= 200k tokens", 1)
    assert bad != body
    with pytest.raises(ParseError) as e:
        parse(bad, URL)
    msg = str(e.value)
    assert "gemini-3.1-pro-preview" in msg and "Output price" in msg and "line 0" in msg and "table 0" in msg


def test_page_without_prices_raises():
    with pytest.raises(ParseError):
        parse(b"<html><body><h2>Nothing</h2></body></html>", URL)
