"""OpenAI pricing parser against the bundled capture (seed/pages/openai, developers.openai.com, Astro)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pipelines.sources import openai
from pipelines.sources.base import PRICE_KINDS, ParseError
from tests.helpers import find_price, price

PAGE = Path(__file__).parents[2] / "seed" / "pages" / "openai" / "2026-04-27_developers-openai-api-docs-pricing.html"
URL = "https://developers.openai.com/api/docs/pricing"
MD = PAGE.parent / "2025-12-20_platform-openai-docs-pricing.md"
MD_URL = "https://platform.openai.com/docs/pricing"
TEXT = PAGE.parent / "2024-04-01_openai-com-pricing_text.txt"
TEXT_URL = "https://openai.com/pricing"


def read(body: bytes, url: str):
    """The prices of a page as the pipeline reads it (``Source.read``)."""
    return openai.SOURCE.read(body, url).prices




def absent(quotes, model, kind, tier="standard", min_tokens=0):
    return not any(
        q.model == model and q.price_kind == kind and q.service_tier == tier and q.tier_min_tokens == min_tokens
        for q in quotes
    )


@pytest.fixture(scope="module")
def quotes():
    return read(PAGE.read_bytes(), URL)


def test_gpt_5_4_mini(quotes):
    assert price(quotes, "gpt-5.4-mini", "input") == Decimal("0.75")
    assert price(quotes, "gpt-5.4-mini", "cache_read") == Decimal("0.075")
    assert price(quotes, "gpt-5.4-mini", "output") == Decimal("4.5")
    assert price(quotes, "gpt-5.4-mini", "input", tier="priority") == Decimal("1.5")
    assert price(quotes, "gpt-5.4-mini", "output", tier="priority") == Decimal("9.00")
    # no long-context prices for gpt-5.4-mini ("-" in the Long context columns)
    assert not [q for q in quotes if q.model == "gpt-5.4-mini" and q.tier_min_tokens]


def test_gpt_5_5_short_and_long_context(quotes):
    q = quotes
    assert price(q, "gpt-5.5", "input") == Decimal("5.00")
    assert price(q, "gpt-5.5", "cache_read") == Decimal("0.50")
    assert price(q, "gpt-5.5", "output") == Decimal("30.00")
    assert price(q, "gpt-5.5", "input", min_tokens=272_000) == Decimal("10.00")
    assert price(q, "gpt-5.5", "cache_read", min_tokens=272_000) == Decimal("1.00")
    assert price(q, "gpt-5.5", "output", min_tokens=272_000) == Decimal("45.00")
    assert {x.tier_min_tokens for x in q} == {0, 272_000}
    # priority has no long-context prices ("-"); gpt-5.5-pro batch long context is "-" too
    assert absent(q, "gpt-5.5", "input", tier="priority", min_tokens=272_000)
    assert absent(q, "gpt-5.5-pro", "input", tier="batch", min_tokens=272_000)
    assert price(q, "gpt-5.5-pro", "input", min_tokens=272_000) == Decimal("60.00")
    assert absent(q, "gpt-5.5-pro", "cache_read")  # "-" is absent, not zero


def test_batch_and_flex_rows(quotes):
    q = quotes
    # Batch tab, gpt-5.4: $1.25 / $0.13 / $7.50, long context $2.50 / $0.25 / $11.25
    assert price(q, "gpt-5.4", "input", tier="batch") == Decimal("1.25")
    assert price(q, "gpt-5.4", "cache_read", tier="batch") == Decimal("0.13")
    assert price(q, "gpt-5.4", "output", tier="batch") == Decimal("7.50")
    assert price(q, "gpt-5.4", "output", tier="batch", min_tokens=272_000) == Decimal("11.25")
    # Flex tab, gpt-5.4-mini: $0.375 / $0.0375 / $2.25; gpt-5.5 long-context input $5.00
    assert price(q, "gpt-5.4-mini", "input", tier="flex") == Decimal("0.375")
    assert price(q, "gpt-5.4-mini", "cache_read", tier="flex") == Decimal("0.0375")
    assert price(q, "gpt-5.4-mini", "output", tier="flex") == Decimal("2.25")
    assert price(q, "gpt-5.5", "input", tier="flex", min_tokens=272_000) == Decimal("5.00")
    assert {x.service_tier for x in q} == {"standard", "batch", "flex", "priority"}


def test_where_names_table_row_col(quotes):
    p = next(x for x in quotes if x.model == "gpt-5.5" and x.price_kind == "output" and x.tier_min_tokens)
    assert p.where == "table 0 ('Flagship models') row 1 col 'Long context / Output'"
    assert str(p.amount) == "45.00"
    assert {(x.currency, x.unit) for x in quotes if x.price_kind in PRICE_KINDS} == {("USD", "per 1M tokens")}
    assert {x.unit for x in quotes if x.price_kind not in PRICE_KINDS} == {
        "per second", "per minute", "per 1K calls", "per 1M characters"
    }


def test_standard_model_counts(quotes):
    static = {q.model for q in quotes if q.where.startswith("table 0 ")}
    assert static == {"gpt-5.5", "gpt-5.5-pro", "gpt-5.4", "gpt-5.4-mini", "gpt-5.4-nano", "gpt-5.4-pro"}
    # the "All models" list (only in the astro-island props) has 42 text-token models on the Standard tab
    text_standard = {q.model for q in quotes if q.service_tier == "standard" and "Flagship models" in q.where}
    assert len(text_standard) == 42
    assert price(quotes, "o3", "input") == Decimal("2")  # a props-only row
    assert price(quotes, "o3", "cache_read") == Decimal("0.5")
    assert price(quotes, "o3", "output", tier="batch") == Decimal("4")
    assert absent(quotes, "o3", "cache_read", tier="batch")  # "-" in the props


def test_modality_and_specialized_tables(quotes):
    q = quotes
    assert price(q, "gpt-realtime-1.5", "input_audio") == Decimal("32.00")
    assert price(q, "gpt-realtime-1.5", "cache_read_audio") == Decimal("0.40")
    assert price(q, "gpt-realtime-1.5", "output_audio") == Decimal("64.00")
    assert price(q, "gpt-realtime-1.5", "input") == Decimal("4.00")
    assert price(q, "gpt-realtime-1.5", "input_image") == Decimal("5.00")
    assert price(q, "gpt-image-2", "output_image", tier="batch") == Decimal("15.00")
    assert price(q, "gpt-image-2", "cache_read", tier="batch") == Decimal("0.625")  # Text row
    assert price(q, "omni-moderation-latest", "input") == Decimal("0")  # "Free"
    assert price(q, "gpt-5.3-codex", "output", tier="priority") == Decimal("28.00")
    assert price(q, "o3-deep-research", "input", tier="batch") == Decimal("5.00")


def test_non_token_prices(quotes):
    q = quotes
    models = {x.model for x in q}
    for m in ("o4-mini-2025-04-16", "Web search", "Containers"):  # fine-tuning, display names, containers: not read
        assert m not in models
    # video: per second, by resolution (conditions), Standard and Batch tabs
    sora = [x for x in q if x.model == "sora-2-pro" and x.service_tier == "standard"]
    assert {(x.conditions, x.amount) for x in sora} == {
        ("720p, Portrait 720x1280, Landscape 1280x720", Decimal("0.30")),
        ("1024p, Portrait 1024x1792, Landscape 1792x1024", Decimal("0.50")),
        ("1080p, Portrait 1080x1920, Landscape 1920x1080", Decimal("0.70")),
    }
    assert {(x.price_kind, x.unit) for x in sora} == {("video_output", "per second")}
    assert price(q, "sora-2", "video_output") == Decimal("0.10")
    assert price(q, "sora-2", "video_output", tier="batch") == Decimal("0.05")
    # transcription: the per-minute estimate only (the "Input" token column does not say audio or text)
    t = find_price(q, "gpt-4o-transcribe", "audio_transcription")
    assert (t.amount, t.unit, t.conditions) == (Decimal("0.006"), "per minute", "estimated cost")
    assert price(q, "gpt-4o-mini-transcribe", "audio_transcription") == Decimal("0.003")
    assert price(q, "whisper-1", "audio_transcription") == Decimal("0.006")  # "Whisper" row, props only
    assert absent(q, "gpt-4o-transcribe", "input")
    # tools per 1k calls; the variant of web search preview is in conditions
    ws = find_price(q, "web_search", "web_search")
    assert (ws.amount, ws.unit) == (Decimal("10.00"), "per 1K calls")
    preview = {x.conditions.split(";")[0]: x.amount for x in q if x.model == "web_search_preview"}
    assert preview == {"reasoning models, including gpt-5, o-series": Decimal("10.00"), "non-reasoning models": Decimal("25.00")}
    assert price(q, "file_search", "tool_call") == Decimal("2.50")
    # TTS per 1M characters (realtime table, "Text" row, props only)
    tts = find_price(q, "tts-1-hd", "speech_output")
    assert (tts.amount, tts.unit) == (Decimal("30.00"), "per 1M characters")
    keys = [(x.model, x.price_kind, x.service_tier, x.tier_min_tokens, x.unit, x.conditions) for x in q]
    assert len(keys) == len(set(keys))  # SSR and props rows merged, no duplicates
    token_keys = [(x.model, x.price_kind, x.service_tier, x.tier_min_tokens) for x in q if x.price_kind in PRICE_KINDS]
    assert len(token_keys) == len(set(token_keys))


def test_broken_video_price_names_table_row_cell():
    real = PAGE.read_bytes()
    body = real.replace(b'1792x1024&quot;],[0,&quot;$0.50&quot;]', b'1792x1024&quot;],[0,&quot;$abc&quot;]', 1)
    assert body != real  # the astro-island props of the Standard video table (sora-2-pro 1024p)
    where = r"table \d+ \('Video generation models, astro-island \w+ props'\) row 3 col 'Price per second'"
    with pytest.raises(ParseError, match=r"'\$abc'.*" + where):
        read(body, URL)


def _island_rows(body: bytes, tier: str) -> list:
    soup = BeautifulSoup(body, "lxml")
    for island in soup.find_all("astro-island", attrs={"component-export": "TextTokenPricingTables"}):
        props = json.loads(island["props"])
        if props["tier"] == [0, tier]:
            return [[v for _, v in row] for _, row in props["rows"][1]]
    raise AssertionError(f"no island for {tier}")


def test_static_table_and_island_props_agree_on_gpt_5_4_mini(quotes):
    for tier in ("standard", "batch", "flex", "priority"):
        row = next(r for r in _island_rows(PAGE.read_bytes(), tier) if r[0] == "gpt-5.4-mini")
        static = next(q for q in quotes if q.model == "gpt-5.4-mini" and q.service_tier == tier)
        assert re.match(r"table [0-3] \('Flagship models'\)", static.where)  # read from the SSR table
        assert [Decimal(str(x)) for x in row[1:]] == [
            price(quotes, "gpt-5.4-mini", k, tier=tier) for k in ("input", "cache_read", "output")
        ]


def test_broken_price_cell_names_table_row_cell():
    real = PAGE.read_bytes()
    body = real.replace(b">$0.075</span>", b">$abc</span>", 1)
    assert body != real
    with pytest.raises(ParseError) as exc:
        read(body, URL)
    msg = str(exc.value)
    assert "'$abc'" in msg
    assert "table 0 ('Flagship models') row 4 col 'Short context / Cached input'" in msg
    assert URL in msg


def test_static_and_props_disagreement_raises():
    real = PAGE.read_bytes()
    body = real.replace(b"&quot;gpt-5.4-mini&quot;],[0,0.75]", b"&quot;gpt-5.4-mini&quot;],[0,0.76]", 1)
    assert body != real
    with pytest.raises(ParseError, match=r"static table says 0.75 but astro-island props say 0.76"):
        read(body, URL)


def test_long_context_without_stated_threshold_raises():
    real = PAGE.read_bytes()
    body = real.replace(b" (&lt;272K context length)", b"")
    assert body != real
    with pytest.raises(ParseError, match=r"no long-context threshold.*table 0 \('Flagship models'\) row 1 col 'Long context / Input'"):
        read(body, URL)


def test_tiny_markdown_table_reads_as_standard():
    q = read(b"# Pricing\n\n| Model | Input |\n| --- | --- |\n| gpt-x | $1 |\n", URL)
    assert price(q, "gpt-x", "input") == Decimal("1")


# ---------------------------------------------------------------- 2025 crawler Markdown (platform.openai.com)


@pytest.fixture(scope="module")
def md():
    return read(MD.read_bytes(), MD_URL)


def test_source_urls():
    assert MD_URL in openai.SOURCE.archive_urls and TEXT_URL in openai.SOURCE.archive_urls
    assert {"platform.openai.com", "openai.com"} <= set(openai.SOURCE.hosts)


def test_md_text_tokens_per_tier(md):
    # the tier is the bare label line before each table ("Batch", "Flex", "Standard", "Priority")
    assert price(md, "gpt-5.2", "input") == Decimal("1.75")
    assert price(md, "gpt-5.2", "cache_read") == Decimal("0.175")
    assert price(md, "gpt-5.2", "output") == Decimal("14.00")
    assert price(md, "gpt-5.2", "input", tier="batch") == Decimal("0.875")
    assert price(md, "gpt-5.2", "output", tier="priority") == Decimal("28.00")
    assert price(md, "o4-mini", "cache_read", tier="flex") == Decimal("0.138")
    assert price(md, "gpt-4o", "cache_read", tier="priority") == Decimal("2.125")
    assert price(md, "gpt-4.1-nano", "input") == Decimal("0.10")
    assert absent(md, "gpt-5.2-pro", "cache_read")  # "-"
    assert absent(md, "gpt-4o", "cache_read", tier="batch")
    assert {x.service_tier for x in md} == {"standard", "batch", "flex", "priority"}
    assert find_price(md, "gpt-5.2", "input", tier="flex").where == "table 1 ('Text tokens') row 1 col 'Input'"


def test_md_counts(md):
    text_tokens = {x.model for x in md if x.where.startswith(("table 0 ", "table 1 ", "table 2 ", "table 3 "))}
    assert len(text_tokens) == 46
    assert len({x.model for x in md if x.service_tier == "standard" and "'Text tokens'" in x.where}) == 46
    assert len({x.model for x in md if x.service_tier == "flex"}) == 7
    assert {x.tier_min_tokens for x in md} == {0}
    assert "o4-mini-2025-04-16" not in {x.model for x in md}  # fine-tuning not read


def test_md_modality_sections(md):
    assert price(md, "gpt-image-1", "input_image") == Decimal("10.00")
    assert price(md, "gpt-image-1", "output_image") == Decimal("40.00")
    assert price(md, "gpt-realtime", "input_audio") == Decimal("32.00")
    assert price(md, "gpt-realtime", "cache_read_audio") == Decimal("0.40")
    assert price(md, "gpt-realtime", "input") == Decimal("4.00")  # the text-token row of the same model
    assert price(md, "gpt-4o-transcribe", "input") == Decimal("2.50")  # Transcription / Text tokens
    assert price(md, "gpt-4o-transcribe", "input_audio") == Decimal("6.00")  # Transcription / Audio tokens
    assert price(md, "gpt-4o-mini-tts", "output_audio") == Decimal("12.00")


def test_md_legacy_and_embeddings(md):
    assert price(md, "gpt-4-0125-preview", "input") == Decimal("10.00")
    assert price(md, "gpt-4-0125-preview", "output") == Decimal("30.00")
    assert price(md, "gpt-3.5-turbo", "input") == Decimal("0.50")
    assert price(md, "gpt-4-32k", "output", tier="batch") == Decimal("60.00")
    assert price(md, "text-embedding-3-large", "input") == Decimal("0.13")
    assert price(md, "text-embedding-3-large", "input", tier="batch") == Decimal("0.065")


def test_md_non_token_prices(md):
    v = [x for x in md if x.model == "sora-2-pro"]
    assert {(x.amount, x.unit, x.conditions) for x in v} == {
        (Decimal("0.30"), "per second", "Portrait: 720x1280 Landscape: 1280x720"),
        (Decimal("0.50"), "per second", "Portrait: 1024x1792 Landscape: 1792x1024"),
    }
    # per-minute estimate shown in both the text- and audio-token tables: one row
    tts = find_price(md, "gpt-4o-mini-tts", "speech_output")
    assert (tts.amount, tts.unit) == (Decimal("0.015"), "per minute")
    assert price(md, "whisper-1", "audio_transcription") == Decimal("0.006")
    assert (find_price(md, "tts-1", "speech_output").unit, price(md, "tts-1", "speech_output")) == (
        "per 1M characters", Decimal("15.00"))
    assert price(md, "file_search", "tool_call") == Decimal("2.50")
    images = [x for x in md if x.model == "gpt-image-1" and x.price_kind == "image_output" and x.unit == "per image"]
    assert len(images) == 9
    assert {x.amount for x in images if x.conditions == "quality medium, 1024 x 1536"} == {Decimal("0.063")}
    assert {x.amount for x in md if x.model == "dall-e-3" and x.conditions == "quality hd, 1792 x 1024"} == {Decimal("0.12")}


def test_md_broken_price_names_table_row_cell():
    real = MD.read_bytes()
    body = real.replace(b"| o4-mini | $0.55 | $0.138 | $2.20 |", b"| o4-mini | $0.55 | $abc | $2.20 |", 1)
    assert body != real
    with pytest.raises(ParseError) as exc:
        read(body, MD_URL)
    msg = str(exc.value)
    assert "'$abc'" in msg and "table 1 ('Text tokens') row 7 col 'Cached input'" in msg and MD_URL in msg


def test_md_table_without_tier_label_raises():
    body = MD.read_bytes().replace(b"\nFlex\n\n| Model |", b"\n\n| Model |", 1)
    with pytest.raises(ParseError, match=r"without a tier label line at table 1 \('Text tokens'\)"):
        read(body, MD_URL)


# ---------------------------------------------------------------- 2024 text rendering (openai.com/pricing)


@pytest.fixture(scope="module")
def text24():
    return read(TEXT.read_bytes(), TEXT_URL)


def test_text_2024_gpt_4_turbo_and_3_5(text24):
    q = text24
    assert price(q, "gpt-4-0125-preview", "input") == Decimal("10.00")
    assert price(q, "gpt-4-0125-preview", "output") == Decimal("30.00")  # "$30.00 / 1M" + newline + "tokens"
    assert price(q, "gpt-4-1106-vision-preview", "output") == Decimal("30.00")
    assert price(q, "gpt-4-32k", "output") == Decimal("120.00")
    assert price(q, "gpt-3.5-turbo-0125", "input") == Decimal("0.50")
    assert price(q, "gpt-3.5-turbo-0125", "output") == Decimal("1.50")
    assert price(q, "gpt-3.5-turbo-instruct", "output") == Decimal("2.00")
    assert price(q, "gpt-3.5-turbo-16k-0613", "input") == Decimal("3.00")  # OLDER MODELS
    p = find_price(q, "gpt-4-1106-preview", "output")
    assert p.where == "table 0 ('GPT-4 TURBO') row 2 col 'Output'"
    assert (p.currency, p.unit) == ("USD", "per 1M tokens")


def test_text_2024_usage_tables(text24):
    q = text24
    assert price(q, "text-embedding-ada-002", "input") == Decimal("0.10")  # "ada v2"
    assert absent(q, "text-embedding-3-small", "output")
    assert price(q, "davinci-002", "input") == Decimal("2.00")  # base model: one usage price, input and output
    assert price(q, "davinci-002", "output") == Decimal("2.00")
    w = find_price(q, "whisper-1", "audio_transcription")
    assert (w.amount, w.unit, w.conditions) == (Decimal("0.006"), "per minute", "rounded to the nearest second")
    assert price(q, "tts-1-hd", "speech_output") == Decimal("30.00")
    ci = find_price(q, "code_interpreter", "tool_call")
    assert (ci.amount, ci.unit) == (Decimal("0.03"), "per session")
    d3 = {x.conditions: x.amount for x in q if x.model == "dall-e-3"}
    assert d3 == {
        "quality standard, 1024×1024": Decimal("0.040"),
        "quality standard, 1024×1792, 1792×1024": Decimal("0.080"),
        "quality hd, 1024×1024": Decimal("0.080"),
        "quality hd, 1024×1792, 1792×1024": Decimal("0.120"),
    }
    assert {x.conditions: x.amount for x in q if x.model == "dall-e-2"}["512×512"] == Decimal("0.018")


def test_text_2024_counts(text24):
    models = {x.model for x in text24}
    assert len(models) == 22
    assert len([x for x in text24 if x.price_kind in PRICE_KINDS]) == 29
    assert len(text24) == 40
    assert "gpt-3.5-turbo" not in models  # only in the fine-tuning table (training / fine-tuned usage): not read
    assert {x.service_tier for x in text24} == {"standard"}


def test_text_2024_per_1k_view_not_double_counted():
    view = b"\n\nModelInputOutputgpt-4-0125-preview$0.01 / 1K tokens$0.03 / 1K\ntokens\n"
    q = read(TEXT.read_bytes() + view, TEXT_URL)
    p = find_price(q, "gpt-4-0125-preview", "output")
    assert (p.amount, p.unit) == (Decimal("30.00"), "per 1M tokens")
    bad = view.replace(b"$0.03 / 1K", b"$0.04 / 1K")
    with pytest.raises(ParseError, match=r"gpt-4-0125-preview output: 30.00 per 1M tokens vs 0.04 per 1K tokens"):
        read(TEXT.read_bytes() + bad, TEXT_URL)


def test_text_2024_broken_price_names_table_row_cell():
    real = TEXT.read_bytes()
    body = real.replace(b"tokensgpt-3.5-turbo-instruct$1.50", b"tokensgpt-3.5-turbo-instruct$abc", 1)
    assert body != real
    with pytest.raises(ParseError) as exc:
        read(body, TEXT_URL)
    msg = str(exc.value)
    assert "gpt-3.5-turbo-instruct$abc" in msg
    assert "table 2 ('GPT-3.5 TURBO') row 2 col 'Input'" in msg and TEXT_URL in msg


def test_text_2024_mid_row_price_broken():
    body = TEXT.read_bytes().replace(b"tokens$120.00", b"tokens$abc", 1)
    with pytest.raises(ParseError, match=r"cannot read price cell '\$abc.*table 1 \('GPT-4'\) row 2 col 'Output'"):
        read(body, TEXT_URL)


# --- the 2026-07-27 capture (issue 19: a new "Cache writes" column refused the whole page) --------------------------

JUL = PAGE.parent / "2026-07-27_developers-openai-pricing.html"


@pytest.fixture(scope="module")
def july():
    return openai.SOURCE.read(JUL.read_bytes(), URL)


def test_july_2026_reads_cache_writes_and_every_tier(july):
    """Values read off the capture's tables (Flagship models: Standard / Batch / Flex / Priority tabs, short and long
    context; Realtime and audio; Image generation; Specialized models; Video generation)."""
    q = july.prices
    assert july.findings == []
    # gpt-5.6-sol, Standard tab: $5.00 | $0.50 | $6.25 | $30.00 short, $10.00 | $1.00 | $12.50 | $45.00 long
    assert [price(q, "gpt-5.6-sol", k) for k in ("input", "cache_read", "cache_write", "output")] == [
        Decimal("5.00"), Decimal("0.50"), Decimal("6.25"), Decimal("30.00")]
    assert [price(q, "gpt-5.6-sol", k, "standard", 272_000) for k in ("input", "cache_write", "output")] == [
        Decimal("10.00"), Decimal("12.50"), Decimal("45.00")]
    # gpt-5.6-terra, Batch tab: $1.25 | $0.125 | $1.5625 | $7.50
    assert price(q, "gpt-5.6-terra", "cache_write", "batch") == Decimal("1.5625")
    assert price(q, "gpt-5.6-terra", "cache_read", "batch") == Decimal("0.125")
    assert price(q, "gpt-5.6-terra", "output", "batch") == Decimal("7.50")
    # gpt-5.6-luna, Flex tab $0.50 / $0.625 cache writes; Priority tab (short context only) $2.00 / $12.00
    assert price(q, "gpt-5.6-luna", "input", "flex") == Decimal("0.50")
    assert price(q, "gpt-5.6-luna", "cache_write", "flex") == Decimal("0.625")
    assert price(q, "gpt-5.6-luna", "output", "priority") == Decimal("12.00")
    assert absent(q, "gpt-5.6-luna", "output", "priority", 272_000)
    # Realtime: gpt-realtime-2.1 Audio $32.00 | $0.40 | $64.00
    assert price(q, "gpt-realtime-2.1", "input_audio") == Decimal("32.00")
    assert price(q, "gpt-realtime-2.1", "cache_read_audio") == Decimal("0.40")
    assert price(q, "gpt-realtime-2.1", "output_audio") == Decimal("64.00")
    # Image generation: gpt-image-2 Image $8.00 input, $30.00 output (Standard), $15.00 output (Batch)
    assert price(q, "gpt-image-2", "input_image") == Decimal("8.00")
    assert price(q, "gpt-image-2", "output_image", "batch") == Decimal("15.00")
    # Specialized: gpt-5.3-codex $1.75 | $0.175 | $14.00, Priority $3.50
    assert price(q, "gpt-5.3-codex", "cache_read") == Decimal("0.175")
    assert price(q, "gpt-5.3-codex", "input", "priority") == Decimal("3.50")
    # Video: sora-2 720p $0.10 per second
    [v] = [p for p in q if p.model == "sora-2" and p.service_tier == "standard"]
    assert (v.price_kind, v.amount, v.unit) == ("video_output", Decimal("0.10"), "per second")


def test_july_2026_legacy_props_rows_keep_their_columns(july):
    """The props rows behind "All models" come in two widths: the new models give five values (with Cache writes),
    the older ones four. gpt-5.2's four values are input / cached / output ($1.75 / $0.175 / $14): the output must
    not be read as a cache-write price."""
    q = july.prices
    assert price(q, "gpt-5.2", "output") == Decimal("14")
    assert price(q, "gpt-5.2", "cache_read") == Decimal("0.175")
    assert absent(q, "gpt-5.2", "cache_write")
    assert absent(q, "gpt-5.5", "cache_write")  # "-" on the page


def _mutated_july() -> bytes:
    """The July capture with one extra unknown column (at the end of the Standard flagship table, with a price in
    every row), one new model row in that table, and the Flex tab renamed to a tab no reader knows."""
    soup = BeautifulSoup(JUL.read_bytes(), "lxml")
    table = soup.find("table")
    head_rows = table.find("thead").find_all("tr")
    head_rows[0].append(soup.new_tag("th"))
    th = soup.new_tag("th")
    th.string = "Reasoning surcharge"
    head_rows[1].append(th)
    body = table.find("tbody")
    for tr in body.find_all("tr"):
        td = soup.new_tag("td")
        td.string = "$9.99"
        tr.append(td)
    new = BeautifulSoup(str(body.find_all("tr")[-1]), "lxml").find("tr")
    cells = new.find_all("td")
    cells[0].string = "gpt-5.7-nova"
    cells[1].string = "$7.00"
    body.append(new)
    pane = soup.find(attrs={"data-content-switcher-pane": True, "data-value": "flex"})
    pane["data-value"] = "turbo"
    return str(soup).encode()


def test_july_2026_unknown_column_new_model_and_renamed_tab_keep_every_other_price(july):
    page = openai.SOURCE.read(_mutated_july(), URL)

    def keyed(prices):
        return {(p.model, p.price_kind, p.service_tier, p.tier_min_tokens, p.unit, p.conditions): p.amount
                for p in prices}

    before, after = keyed(july.prices), keyed(page.prices)
    kept = {k: v for k, v in before.items() if k[2] != "flex"}
    assert {k: after.get(k) for k in kept} == kept  # every other price, unchanged
    assert not any(k[2] == "flex" for k in after)  # the renamed tab's prices are not guessed into a tier
    assert price(page.prices, "gpt-5.7-nova", "input") == Decimal("7.00")
    assert {(f.kind, f.text) for f in page.findings} == {("unknown_column", "Reasoning surcharge"),
                                                         ("unknown_tab", "turbo")}
    col = next(f for f in page.findings if f.kind == "unknown_column")
    assert "table 0" in col.where and "Reasoning surcharge" in col.where
    assert Decimal("9.99") not in {p.amount for p in page.prices}
