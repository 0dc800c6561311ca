"""Baidu Qianfan price-page parser, on the whitespace-collapsed text capture (index copy, undated)."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.sources.baidu import SOURCE, parse
from pipelines.sources.base import ParseError
from tests.helpers import find_price, price

CAPTURE = Path(__file__).parents[2] / "seed" / "pages" / "baidu" / "undated-677c5fca_cloud-baidu-qianfan-docs-pricing_text.txt"
URL = "https://cloud.baidu.com/doc/qianfan-docs/s/Jm8r1826a"


@pytest.fixture(scope="module")
def quotes():
    return SOURCE.read(CAPTURE.read_bytes(), URL).prices


def test_source():
    assert SOURCE.provider == "baidu" and SOURCE.urls == (URL,) and SOURCE.fmt == "text"
    assert SOURCE.hosts == ("cloud.baidu.com",) and SOURCE.parse is parse


def test_ernie_45_turbo_online_batch_cache(quotes):
    m = "ERNIE-4.5-Turbo-128K"
    q = find_price(quotes, m, "input")
    assert (q.amount, q.currency, q.unit, q.model_name) == (Decimal("0.0008"), "CNY", "per 1K tokens", "ERNIE 4.5 Turbo")
    assert price(quotes, m, "input", "batch") == Decimal("0.00032")
    assert price(quotes, m, "cache_read") == Decimal("0.0002")
    assert not [x for x in quotes if x.model == m and x.price_kind == "cache_read" and x.service_tier == "batch"]  # "--"
    assert price(quotes, m, "output") == Decimal("0.0032")
    assert price(quotes, m, "output", "batch") == Decimal("0.00128")
    # a group's second version on its own row ("ERNIE-4.5-Turbo-32K 推理服务 …")
    assert price(quotes, "ERNIE-4.5-Turbo-32K", "output", "batch") == Decimal("0.00128")
    # batch "--" -> no batch token rows for the 20260402 version
    assert not [x for x in quotes if x.model == "ERNIE-4.5-Turbo-20260402" and x.service_tier == "batch"
                and x.unit == "per 1K tokens"]


def test_input_length_tiers(quotes):
    assert price(quotes, "ERNIE-5.1", "input") == Decimal("0.004")
    assert price(quotes, "ERNIE-5.1", "input", min_tokens=32000) == Decimal("0.006")
    assert price(quotes, "ERNIE-5.1", "output", min_tokens=32000) == Decimal("0.022")
    # "输入（输入=<32k）" spelling and a version listed with three others in one cell; "EERNIE-" typo aliased
    for m in ("ERNIE-5.0", "ERNIE-5.0-Thinking-Preview", "ERNIE-5.0-Thinking-Exp"):
        assert price(quotes, m, "output", min_tokens=32000) == Decimal("0.04")
    assert not [q for q in quotes if q.model.startswith("EERNIE")]
    assert not [q for q in quotes if q.model == "ERNIE-5.1" and q.service_tier == "batch"]  # "-"


def test_deep_thinking_promotions_skipped(quotes):
    m = "DeepSeek-R1-250528"
    assert price(quotes, m, "input") == Decimal("0.004")
    assert price(quotes, m, "input", "batch") == Decimal("0.0016")  # 批量推理（原价）, not the 0.0004 活动价
    assert price(quotes, m, "output", "batch") == Decimal("0.0064")
    assert {q.amount for q in quotes if q.model == m and q.service_tier == "batch"} == {
        Decimal("0.0016"), Decimal("0.0064")}
    assert price(quotes, "DeepSeek-V3.1-Think-250821", "output") == Decimal("0.012")


def test_non_token_prices(quotes):
    q = find_price(quotes, "DeepSeek-V3", "web_search")
    assert (q.amount, q.unit, q.currency) == (Decimal("0.004"), "per search", "CNY")
    assert price(quotes, "DeepSeek-V3", "web_search", "batch") == Decimal("0.0016")
    img = find_price(quotes, "qwen-image", "image_output")
    assert (img.amount, img.unit, img.conditions) == (Decimal("0.25"), "per image", "1024x1024 image")
    assert price(quotes, "qwen-image-edit", "image_output") == Decimal("0.3")
    assert price(quotes, "bge-large-zh", "input") == Decimal("0.0005")


def test_counts(quotes):
    assert len({q.model for q in quotes}) == 24
    assert len(quotes) == 88
    assert {q.currency for q in quotes} == {"CNY"} and {q.provider for q in quotes} == {"baidu"}
    assert {q.unit for q in quotes} == {"per 1K tokens", "per search", "per image"}


def _edited(text: str) -> str:
    """The real capture with one extra unknown column (夜间推理, with a cell in every row), one new model and one
    renamed section (视觉理解 -> 图像理解), all in the 视觉理解 table."""
    start, end = text.index("视觉理解 更多模型价格"), text.index("深度思考 更多模型价格")
    table = text[start:end]
    assert table.count("子项 在线推理 批量推理 单位") == 1
    table = table.replace("子项 在线推理 批量推理 单位", "子项 在线推理 夜间推理 批量推理 单位")
    table, rows = re.subn(r"((?:输入|输出)(?:（[^）]*）)?) (\S+) (\S+)", r"\1 \2 0.0005 \3", table)
    assert rows == 6
    table += "ERNIE 5.5 VL ERNIE-5.5-VL 推理服务 输入 0.002 0.0005 0.0008 元/千tokens 输出 0.008 0.0005 0.0032 "
    table = table.replace("视觉理解 更多模型价格", "图像理解 更多模型价格")
    return text[:start] + table + text[end:]


def test_unknown_column_new_model_renamed_section_leave_every_other_price(quotes):
    page = SOURCE.read(_edited(CAPTURE.read_text(encoding="utf-8")).encode(), URL)
    key = lambda q: (q.model, q.price_kind, q.service_tier, q.tier_min_tokens, q.unit, q.conditions)  # noqa: E731
    old = {key(q): q.amount for q in quotes}
    new = {key(q): q.amount for q in page.prices}
    assert old.items() <= new.items()
    assert {k: v for k, v in new.items() if k not in old} == {
        ("ERNIE-5.5-VL", "input", "standard", 0, "per 1K tokens", None): Decimal("0.002"),
        ("ERNIE-5.5-VL", "input", "batch", 0, "per 1K tokens", None): Decimal("0.0008"),
        ("ERNIE-5.5-VL", "output", "standard", 0, "per 1K tokens", None): Decimal("0.008"),
        ("ERNIE-5.5-VL", "output", "batch", 0, "per 1K tokens", None): Decimal("0.0032"),
    }
    assert [(f.kind, f.where, f.text) for f in page.findings] == [
        ("unknown_column", "table 1 ('图像理解') col '夜间推理'", "夜间推理")]
    assert "图像理解" in find_price(page.prices, "ERNIE-5.5-VL", "output").where  # the renamed title is read
    assert SOURCE.read(CAPTURE.read_bytes(), URL).findings == []


def test_several_unknown_words_between_columns_still_raise():
    # "夜间 推理" may be one column or two: counting wrong would shift the batch prices, so the page is refused
    body = CAPTURE.read_text(encoding="utf-8").replace("子项 在线推理 批量推理 单位", "子项 在线推理 夜间 推理 批量推理 单位", 1)
    with pytest.raises(ParseError, match="cannot count the price columns"):
        parse(body.encode(), URL)


def test_broken_price_raises():
    body = CAPTURE.read_bytes()
    bad = body.replace(b"0.0008 0.00032", b"abc 0.00032", 1)
    assert bad != body
    with pytest.raises(ParseError) as e:
        parse(bad, URL)
    msg = str(e.value)
    assert "ERNIE-4.5-Turbo-128K" in msg and "'输入'" in msg and "abc" in msg and "在线推理" in msg


def test_conflicting_repeat_raises():
    # ERNIE-5.0 is priced in three tables; a different number in one of them is an error, not a silent pick
    body = CAPTURE.read_bytes()
    i = body.index("视觉理解 更多模型价格".encode())
    bad = body[:i] + body[i:].replace("输出（输入=<32k） 0.024".encode(), "输出（输入=<32k） 0.025".encode(), 1)
    assert bad != body
    with pytest.raises(ParseError, match="ERNIE-5.0"):
        parse(bad, URL)


def test_no_prices_raises():
    with pytest.raises(ParseError):
        parse("价格 更新时间 模型价格".encode(), URL)
