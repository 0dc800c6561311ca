"""xAI parser on docs.x.ai/developers/pricing (provider Markdown) and docs.x.ai/docs/models (HTML, crawler Markdown)."""

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


# ---------------------------------------------------------------- docs.x.ai/docs/models: HTML (2026-07-27) and crawler Markdown

MODELS_URL = "https://docs.x.ai/docs/models"
HTML = PAGE.parent / "2026-07-27_docs-models.html"
KULL = PAGE.parent / "2025-11-03_docs-models_kull-puppeteer.md"
PATCHRIGHT = PAGE.parent / "2025-12-31_docs-models_patchright.md"


@pytest.fixture(scope="module")
def models_html():
    return xai.SOURCE_MODELS.read(HTML.read_bytes(), MODELS_URL)


def test_models_source():
    assert xai.SOURCES == (xai.SOURCE, xai.SOURCE_MODELS)
    assert xai.SOURCE_MODELS.name == "xai_models" and xai.SOURCE_MODELS.urls == (MODELS_URL,)
    assert source_for_url(MODELS_URL) is xai.SOURCE_MODELS and source_for_url(URL) is xai.SOURCE
    assert xai.SOURCE_MODELS.live_proof == "xai/2026-07-27_docs-models.html"


def test_models_html_token_prices_from_embedded_list(models_html):
    q = models_html.prices
    assert price(q, "grok-4.5", "input") == Decimal("2")  # promptTextTokenPrice "20000" = the card's $2.00 / 1M
    assert price(q, "grok-4.5", "output") == Decimal("6")
    assert price(q, "grok-4.5", "cache_read") == Decimal("0.3")
    assert price(q, "grok-4.5", "input", min_tokens=200000) == Decimal("4")  # long context: > longContextThreshold
    assert price(q, "grok-4.5", "output", min_tokens=200000) == Decimal("12")
    assert price(q, "grok-4.5", "input_image") == Decimal("2")
    assert price(q, "grok-4.3", "input") == Decimal("1.25")
    assert price(q, "grok-4.3", "cache_read", min_tokens=200000) == Decimal("0.4")
    assert price(q, "grok-build-0.1", "input") == Decimal("1")
    assert price(q, "grok-build-0.1", "output", min_tokens=200000) == Decimal("4")
    assert price(q, "grok-4.20-0309-reasoning", "output") == Decimal("2.5")
    assert price(q, "grok-4.20-multi-agent-0309", "cache_read") == Decimal("0.2")
    assert {(x.currency, x.region, x.service_tier) for x in q} == {("USD", "global", "standard")}
    tokens = {x.model for x in q if x.unit == "per 1M tokens"}
    assert tokens == {"grok-4.5", "grok-4.3", "grok-build-0.1", "grok-4.20-0309-reasoning",
                      "grok-4.20-0309-non-reasoning", "grok-4.20-multi-agent-0309"}


def test_models_html_unit_prices(models_html):
    rows = {(x.model, x.price_kind, x.unit, x.conditions): x.amount for x in models_html.prices
            if x.unit != "per 1M tokens"}
    assert rows[("grok-imagine-image", "image_output", "per image", "resolution=1k")] == Decimal("0.02")
    assert rows[("grok-imagine-image-quality", "image_output", "per image", "resolution=2k")] == Decimal("0.07")
    assert rows[("grok-imagine-image", "image_input", "per image", None)] == Decimal("0.002")
    assert rows[("grok-imagine-video", "video_output", "per second", "resolution=480p")] == Decimal("0.05")
    assert rows[("grok-imagine-video-1.5", "video_output", "per second", "resolution=1080p")] == Decimal("0.25")
    assert rows[("grok-tts", "speech_output", "per 1M characters", None)] == Decimal("15")
    assert rows[("grok-stt", "audio_transcription", "per second", "api=batch")] == Decimal("0.0000277778")
    assert rows[("grok-stt", "audio_transcription", "per second", "api=streaming")] == Decimal("0.0000555556")
    assert rows[("grok-realtime", "speech_to_speech", "per second", None)] == Decimal("0.0008333333")
    assert len(models_html.prices) == 61


def test_models_html_reports_what_it_does_not_read(models_html):
    # realtimeTextInputPrice states no unit: a finding per cluster that lists it, never a guessed unit
    assert {(f.kind, f.text) for f in models_html.findings} == {
        ("unknown_column", "realtimeTextInputPrice=40000000")}
    assert len(models_html.findings) == 3
    assert not [x for x in models_html.prices if x.service_tier == "batch"]  # batchDiscountPercent: a multiplier


def test_models_html_card_disagreeing_with_list_stops_the_page():
    real = HTML.read_bytes()
    bad = real.replace(b">$2.00 / 1M tokens<", b">$2.50 / 1M tokens<", 1)
    assert bad != real
    with pytest.raises(ParseError, match=r"disagrees with the embedded model list.*card grok-4.5 label 'Input'"):
        xai.SOURCE_MODELS.read(bad, MODELS_URL)
    bad = real.replace(b">$15.00 / 1M chars<", b">$16.00 / 1M chars<", 1)
    with pytest.raises(ParseError, match=r"'TTS'"):
        xai.SOURCE_MODELS.read(bad, MODELS_URL)


def test_models_html_survives_new_field_new_model_renamed_section(models_html):
    real = HTML.read_text(encoding="utf-8")
    edited = real.replace('{"name":"grok-4.5","version":"1.0",',
                          '{"name":"grok-4.5","version":"1.0","promptAudioTokenPrice":"30000",', 1)
    edited = edited.replace('{"name":"grok-4.3",', '{"name":"grok-5","version":"1.0","promptTextTokenPrice":"50000",'
                            '"completionTextTokenPrice":"150000"},{"name":"grok-4.3",', 1)
    assert edited.count('{"languageModels":[') == 3
    edited = edited.replace('{"languageModels":[', '{"chatModels":[', 1)
    after = xai.SOURCE_MODELS.read(edited.encode(), MODELS_URL)
    key = lambda x: (x.model, x.price_kind, x.unit, x.tier_min_tokens, x.conditions, x.amount)  # noqa: E731
    assert {key(x) for x in models_html.prices} < {key(x) for x in after.prices}
    assert {key(x) for x in after.prices} - {key(x) for x in models_html.prices} == {
        ("grok-5", "input", "per 1M tokens", 0, None, Decimal("5")),
        ("grok-5", "output", "per 1M tokens", 0, None, Decimal("15")),
    }
    assert ("unknown_column", "promptAudioTokenPrice=30000") in {(f.kind, f.text) for f in after.findings}


@pytest.mark.parametrize("path", [PATCHRIGHT, KULL], ids=["patchright-pipe-table", "puppeteer-one-cell-per-line"])
def test_models_crawler_markdown(path):
    page = xai.SOURCE_MODELS.read(path.read_bytes(), MODELS_URL)
    q = page.prices
    assert price(q, "grok-code-fast-1", "input") == Decimal("0.20")
    assert price(q, "grok-code-fast-1", "output") == Decimal("1.50")
    assert price(q, "grok-4-0709", "output") == Decimal("15.00")
    assert price(q, "grok-3-mini", "input") == Decimal("0.30")
    assert price(q, "grok-4-fast-non-reasoning", "output") == Decimal("0.50")
    assert price(q, "grok-2-vision-1212", "input") == Decimal("2.00")  # twice (us-east-1, eu-west-1) in the Kull copy
    one = find_price(q, "grok-2-image-1212", "image_output")
    assert one.amount == Decimal("0.07") and one.unit == "per image"
    assert {f.kind for f in page.findings} == {"unknown_section"}  # tool / search prices: reported, not read
    assert "'Tool Invocation Costs'" in " ".join(f.where for f in page.findings)


def test_models_crawler_markdown_counts():
    assert len(xai.SOURCE_MODELS.read(PATCHRIGHT.read_bytes(), MODELS_URL).prices) == 19
    kull = xai.SOURCE_MODELS.read(KULL.read_bytes(), MODELS_URL).prices
    assert len(kull) == 15 and "grok-4-1-fast-reasoning" not in {x.model for x in kull}
    assert price(xai.SOURCE_MODELS.read(PATCHRIGHT.read_bytes(), MODELS_URL).prices,
                 "grok-4-1-fast-reasoning", "output") == Decimal("0.50")
