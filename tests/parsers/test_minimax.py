"""MiniMax pay-as-you-go parser on the 2025-12-20 English (USD) and Chinese (CNY) Mintlify Markdown captures."""

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.sources import minimax
from pipelines.sources.base import ParseError
from pipelines.sources.registry import source_for_url
from tests.helpers import find_price, price

PAGES = Path(__file__).parents[2] / "seed" / "pages" / "minimax"
EN = PAGES / "2025-12-20_pricing-pay-as-you-go_en.md"
ZH = PAGES / "2025-12-20_pricing-pay-as-you-go_zh-cn.md"
URL_EN = "https://platform.minimax.io/docs/pricing/pay-as-you-go"
URL_ZH = "https://platform.minimaxi.com/docs/pricing/pay-as-you-go"


def read(body: bytes, url: str):
    """The prices of a page as the pipeline reads it (``Source.read`` of the source the URL names)."""
    return source_for_url(url).read(body, url).prices


@pytest.fixture(scope="module")
def en():
    return read(EN.read_bytes(), URL_EN)


@pytest.fixture(scope="module")
def zh():
    return read(ZH.read_bytes(), URL_ZH)


def _keys_unique(quotes):
    """Duplicate keys; non-token variants are told apart by ``conditions``."""
    c = Counter((q.model, q.price_kind, q.service_tier, q.tier_min_tokens, q.region, q.conditions) for q in quotes)
    return [k for k, n in c.items() if n > 1]


def unit_price(quotes, model, kind, conditions):
    hits = [q for q in quotes if (q.model, q.price_kind, q.conditions) == (model, kind, conditions)]
    assert len(hits) == 1, hits
    return hits[0]


def test_sources():
    assert minimax.SOURCES == (minimax.SOURCE_INTL, minimax.SOURCE_CN) and minimax.SOURCE is minimax.SOURCE_INTL
    # live URLs: the pages' .md export, the form of these captures (whose page address still finds the source)
    assert minimax.SOURCE_INTL.urls == (URL_EN + ".md",) and minimax.SOURCE_INTL.hosts == ("platform.minimax.io",)
    assert minimax.SOURCE_CN.urls == (URL_ZH + ".md",) and minimax.SOURCE_CN.hosts == ("platform.minimaxi.com",)


def test_en_text_tokens_usd(en):
    assert price(en, "MiniMax-M2", "input") == Decimal("0.3")
    assert price(en, "MiniMax-M2", "output") == Decimal("1.2")
    assert price(en, "MiniMax-M2", "cache_read") == Decimal("0.03")
    assert price(en, "MiniMax-M2", "cache_write") == Decimal("0.375")
    stable = find_price(en, "MiniMax-M2-Stable", "output")
    assert stable.amount == Decimal("1.2") and stable.conditions == "High Concurrency, Commercial Use"
    tokens = [q for q in en if q.unit == "per 1M tokens"]
    assert len(tokens) == 8 and {(q.currency, q.region) for q in tokens} == {("USD", "intl")}


def test_en_counts_and_unique_keys(en):
    assert len(en) == 27
    assert len({q.model for q in en}) == 13
    assert _keys_unique(en) == []
    assert {q.region for q in en} == {"intl"} and {q.currency for q in en} == {"USD"}


def test_en_non_token_prices(en):
    t2a = find_price(en, "speech-2.6-hd", "speech_output")
    assert (t2a.amount, t2a.unit, t2a.conditions) == (Decimal("100"), "per 1M characters", "api=T2A")
    assert price(en, "speech-02-turbo", "speech_output") == Decimal("60")
    clone = find_price(en, "voice_clone", "voice_clone")
    assert (clone.amount, clone.unit, clone.conditions) == (Decimal("3"), "per voice", "models: speech-02-hd/turbo")
    assert price(en, "voice_design", "voice_design") == Decimal("3")
    video = unit_price(en, "MiniMax-Hailuo-02", "video_output", "768P 10s")
    assert (video.amount, video.unit) == (Decimal("0.56"), "per video")
    assert unit_price(en, "MiniMax-Hailuo-2.3-Fast", "video_output", "1080P 6s").amount == Decimal("0.33")
    assert unit_price(en, "MiniMax-Hailuo-02", "video_output", "512P 6s").amount == Decimal("0.10")
    assert len([q for q in en if q.model == "MiniMax-Hailuo-02" and q.price_kind == "video_output"]) == 5
    music = find_price(en, "music-2.0", "music_output")
    assert (music.amount, music.unit, music.model_name, music.conditions) == (
        Decimal("0.03"), "per song", "Music-2.0", "up to 5 minutes")
    img = find_price(en, "image-01", "image_output")
    assert (img.amount, img.unit) == (Decimal("0.0035"), "per image")


def test_zh_text_tokens_cny(zh):
    q = find_price(zh, "MiniMax-M2", "input")
    assert (q.amount, q.currency, q.unit, q.region) == (Decimal("2.1"), "CNY", "per 1M tokens", "cn-mainland")
    assert price(zh, "MiniMax-M2", "output") == Decimal("8.4")
    assert price(zh, "MiniMax-M2", "cache_read") == Decimal("0.21")
    assert price(zh, "MiniMax-M2-Stable", "cache_write") == Decimal("2.625")


def test_zh_counts_and_unique_keys(zh):
    assert len(zh) == 32
    assert len({q.model for q in zh}) == 14
    assert _keys_unique(zh) == []
    assert {q.region for q in zh} == {"cn-mainland"} and {q.currency for q in zh} == {"CNY"}


def test_zh_non_token_prices(zh):
    q = unit_price(zh, "speech-2.6-hd", "speech_output", "api=T2A")
    assert (q.amount, q.unit) == (Decimal("3.5"), "per 10K characters")
    typo = unit_price(zh, "speech-2.6-hd", "speech_output", "api=T2A Async")  # page writes "speech-2.6-hd-"
    assert typo.model_name == "speech-2.6-hd-" and typo.amount == Decimal("3.5")
    assert unit_price(zh, "speech-02-turbo", "speech_output", "api=T2A Async").amount == Decimal("2")
    design = find_price(zh, "voice_design", "voice_design")
    assert (design.amount, design.unit) == (Decimal("9.9"), "per voice")  # the 2 元/万字符 preview note is not read
    assert price(zh, "voice_clone", "voice_clone") == Decimal("9.9")
    v = unit_price(zh, "MiniMax-Hailuo-2.3", "video_output", "768P 6s; 文生视频,图生视频")
    assert (v.amount, v.unit) == (Decimal("2.00"), "per video")
    assert unit_price(zh, "MiniMax-Hailuo-02", "video_output", "512P 10s; 图生视频").amount == Decimal("1.00")
    m = find_price(zh, "music-2.0", "music_output")
    assert (m.amount, m.unit) == (Decimal("0.25"), "per song")
    assert price(zh, "image-01-live", "image_output") == Decimal("0.025")


def test_broken_en_price_raises():
    body = EN.read_bytes()
    bad = body.replace(b"\\$0.375 / M tokens", b"\\$abc / M tokens", 1)
    assert bad != body
    with pytest.raises(ParseError) as e:
        read(bad, URL_EN)
    assert "table 0 ('Text') row 1" in str(e.value) and "Prompt caching Write" in str(e.value)


def test_broken_zh_price_raises():
    body = ZH.read_bytes()
    bad = body.replace("|             8.4             |".encode(), "|             abc             |".encode(), 1)
    assert bad != body
    with pytest.raises(ParseError) as e:
        read(bad, URL_ZH)
    assert "table 0 ('文本') row 1" in str(e.value) and "输出价格" in str(e.value)


def test_broken_en_unit_raises():
    body = EN.read_bytes()
    bad = body.replace(b"\\$0.0035 per image", b"\\$0.0035 per gallon", 1)
    assert bad != body
    with pytest.raises(ParseError, match="gallon"):
        read(bad, URL_EN)


def test_no_prices_raises():
    with pytest.raises(ParseError, match="no prices"):
        read(b"# Pay as You Go\n\nNothing here.\n", URL_EN)


def test_en_unknown_column_new_model_and_renamed_section_keep_every_other_price(en):
    """The English page with one extra column in the Text table (a price in every row), one new model row and the
    "## Text" section renamed: every other price unchanged, the column a finding."""
    lines = EN.read_text().splitlines()
    assert lines[8].startswith("| Model") and lines[10].startswith("| **MiniMax-M2**")
    lines[8] += " Batch Input |"
    lines[9] += " :--- |"
    for i in (10, 11):
        lines[i] += " \\$0.777 / M tokens |"
    lines.insert(12, "| **MiniMax-M3** | \\$0.4 / M tokens | \\$1.6 / M tokens | \\$0.04 / M tokens | \\$0.5 / M tokens |"
                     " \\$0.2 / M tokens |")
    assert lines[4] == "## Text"
    lines[4] = "## Text models"
    page = source_for_url(URL_EN).read("\n".join(lines).encode(), URL_EN)

    def keyed(prices):
        return {(p.model, p.price_kind, p.unit, p.conditions): p.amount for p in prices}

    before, after = keyed(en), keyed(page.prices)
    assert {k: after.get(k) for k in before} == before
    assert price(page.prices, "MiniMax-M3", "input") == Decimal("0.4")
    assert set(after) - set(before) == {k for k in after if k[0] == "MiniMax-M3"}
    assert Decimal("0.777") not in {p.amount for p in page.prices}
    assert [(f.kind, f.text) for f in page.findings] == [("unknown_column", "Batch Input")]
