"""Gemini API pricing page parser, on the 2026-04-27 capture."""

from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.sources.base import ParseError
from pipelines.sources.google import SOURCE
from pipelines.sources.google import parse as module_parse
from tests.helpers import find_price, price

PAGES = Path(__file__).parents[2] / "seed" / "pages"
CAPTURE = PAGES / "gemini" / "2026-04-27_ai-google-dev-gemini-api-pricing.html"
URL = "https://ai.google.dev/gemini-api/docs/pricing"


def parse(body: bytes, url: str):
    """The prices of a page as the pipeline reads it (``Source.read``)."""
    return SOURCE.read(body, url).prices




@pytest.fixture(scope="module")
def quotes():
    return parse(CAPTURE.read_bytes(), URL)


def test_source():
    assert SOURCE.name == "google_gemini_pricing" and SOURCE.provider == "google"
    assert SOURCE.urls == (URL,) and SOURCE.fmt == "html" and SOURCE.hosts == ("ai.google.dev",)
    assert SOURCE.parse is module_parse


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
    tokens = [q for q in quotes if q.unit == "per 1M tokens"]
    models = {q.model for q in tokens}
    assert len(models) == 23
    assert not any(m.startswith(("imagen", "veo", "lyria", "gemma")) for m in models)
    # 2.5 Flash Image output is only "$0.039 per image": no token row
    assert not [q for q in tokens if q.model == "gemini-2.5-flash-image" and q.price_kind.startswith("output")]
    # 3 Pro Image batch "$0.0006 (image)*" is per image (footnote): no input_image token row
    assert not [q for q in quotes if q.model == "gemini-3-pro-image-preview" and q.price_kind == "input_image"]
    # Free Tier column never read, "Not available" never a 0
    assert all(q.amount > 0 for q in quotes)
    assert {q.service_tier for q in quotes} == {"standard", "batch", "flex", "priority"}
    assert {(q.currency, q.unit, q.provider) for q in tokens} == {("USD", "per 1M tokens", "google")}
    assert len(tokens) == 235


def test_non_token_counts(quotes):
    others = [q for q in quotes if q.unit != "per 1M tokens"]
    assert len(others) == 89 and len(quotes) == 235 + 89
    assert {q.unit for q in others} == {"per image", "per second", "per song", "per 1K search queries",
                                         "per 1K grounded prompts"}
    assert len({q.model for q in quotes}) == 34  # + imagen x3, veo x6, lyria x2
    assert {q.currency for q in others} == {"USD"}


def test_per_image_outputs(quotes):
    q = find_price(quotes, "gemini-2.5-flash-image", "image_output")
    assert (q.amount, q.unit) == (Decimal("0.039"), "per image")
    assert price(quotes, "gemini-2.5-flash-image", "image_output", "priority") == Decimal("0.0702")
    # batch lists per-image prices by resolution (not "equivalent to" a token price): one kind per resolution
    assert price(quotes, "gemini-3-pro-image-preview", "image_output_1k_2k", "batch") == Decimal("0.067")
    assert price(quotes, "gemini-3-pro-image-preview", "image_output_4k", "batch") == Decimal("0.12")
    assert price(quotes, "gemini-3-pro-image-preview", "image_input", "batch") == Decimal("0.0006")
    # "Equivalent to $0.045 per 0.5K image*" lines restate the token price: no rows
    assert not [q for q in quotes if q.model == "gemini-3.1-flash-image-preview" and q.unit == "per image"]
    assert not [q for q in quotes if q.model == "gemini-3-pro-image-preview" and q.service_tier == "standard"
                and q.unit == "per image"]


def test_grounding(quotes):
    q = find_price(quotes, "gemini-3.1-pro-preview", "web_search")
    assert (q.amount, q.unit) == (Decimal("14"), "per 1K search queries")
    assert q.conditions == "after 5,000 prompts per month (free, shared across Gemini 3)"
    g = find_price(quotes, "gemini-2.0-flash", "maps_grounding")
    assert (g.amount, g.unit, g.conditions) == (Decimal("25"), "per 1K grounded prompts", "after 1,500 RPD (free)")
    assert price(quotes, "gemini-2.5-flash", "web_search", "batch") == Decimal("35")
    assert not [q for q in quotes if q.model == "gemini-2.0-flash" and q.price_kind == "maps_grounding"
                and q.service_tier == "batch"]  # "Not available"


def test_imagen_veo_lyria(quotes):
    assert price(quotes, "imagen-4.0-fast-generate-001", "image_output") == Decimal("0.02")
    assert price(quotes, "imagen-4.0-ultra-generate-001", "image_output") == Decimal("0.06")
    v = find_price(quotes, "veo-3.1-generate-preview", "video_output_1080p")
    assert (v.amount, v.unit) == (Decimal("0.40"), "per second")
    assert price(quotes, "veo-3.1-generate-preview", "video_output_4k") == Decimal("0.60")
    assert price(quotes, "veo-3.1-lite-generate-preview", "video_output_1080p") == Decimal("0.08")
    assert not [q for q in quotes if q.model == "veo-3.1-lite-generate-preview" and q.price_kind.endswith("4k")]
    assert price(quotes, "veo-3.0-generate-001", "video_output") == Decimal("0.40")
    assert price(quotes, "veo-2.0-generate-001", "video_output") == Decimal("0.35")
    s = find_price(quotes, "lyria-3-pro-preview", "music_output")
    assert (s.amount, s.unit) == (Decimal("0.08"), "per song")


def test_broken_price_raises():
    body = CAPTURE.read_bytes()
    bad = body.replace(b"<td>$12.00, prompts <= 200k tokens", b"<td>$abc, prompts <= 200k tokens", 1)
    assert bad != body
    with pytest.raises(ParseError) as e:
        parse(bad, URL)
    msg = str(e.value)
    assert "gemini-3.1-pro-preview" in msg and "Output price" in msg and "line 0" in msg and "table 0" in msg


def test_broken_grounding_price_raises():
    body = CAPTURE.read_bytes()
    bad = body.replace(b"then $35 / 1,000 grounded prompts", b"then $abc / 1,000 grounded prompts", 1)
    assert bad != body
    with pytest.raises(ParseError) as e:
        parse(bad, URL)
    assert "Grounding with Google Search" in str(e.value) and "$abc" in str(e.value)


def test_broken_veo_price_raises():
    body = CAPTURE.read_bytes()
    old = b"<td>Video price</td>\n      <td>Not available</td>\n      <td>$0.35</td>"
    bad = body.replace(old, old.replace(b"$0.35", b"$abc"), 1)
    assert bad != body
    with pytest.raises(ParseError) as e:
        parse(bad, URL)
    assert "veo-2" in str(e.value) and "Video price" in str(e.value)


def test_unknown_variant_raises():
    body = CAPTURE.read_bytes()
    bad = body.replace(b"Imagen 4 Fast image price", b"Imagen 4 Turbo image price", 1)
    assert bad != body
    # "Turbo" is no variant word, so the label names the standard id, which the Standard row names too
    with pytest.raises(ParseError, match="given twice"):
        parse(bad, URL)


def test_page_without_prices_raises():
    with pytest.raises(ParseError):
        parse(b"<html><body><h2>Nothing</h2></body></html>", URL)


def test_unknown_column_and_renamed_tab_keep_every_other_price(quotes):
    """The capture with one extra column in the first model's Standard table (a price in every row) and that
    model's Batch tab renamed to a tab no reader knows: every other price unchanged, the unknowns findings."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(CAPTURE.read_bytes(), "lxml")
    table = soup.find("table")
    th = soup.new_tag("th")
    th.string = "Priority surcharge"
    table.find("tr").append(th)
    for tr in table.find_all("tr")[1:]:
        td = soup.new_tag("td")
        td.string = "$7.77"
        tr.append(td)
    tab = soup.find("h3", attrs={"data-text": "Batch"})
    tab["data-text"] = "Turbo"
    tab.string = "Turbo"
    page = SOURCE.read(str(soup).encode(), URL, offers=False)  # the prices; offers have their own test

    def keyed(prices):
        return {(p.model, p.price_kind, p.service_tier, p.tier_min_tokens, p.unit, p.conditions): p.amount
                for p in prices}

    before, after = keyed(quotes), keyed(page.prices)
    gone = set(before) - set(after)
    # only the renamed tab's prices (the first model section's Batch table), not guessed into a tier
    assert {(k[0], k[2]) for k in gone} == {("gemini-3.1-pro-preview", "batch"),
                                            ("gemini-3.1-pro-preview-customtools", "batch")}
    assert len(gone) == 16
    assert {k: after[k] for k in before if k not in gone} == {k: before[k] for k in before if k not in gone}
    assert set(after) <= set(before) and Decimal("7.77") not in {p.amount for p in page.prices}
    assert {(f.kind, f.text) for f in page.findings} == {("unknown_column", "Priority surcharge"),
                                                         ("unknown_tab", "Turbo")}
