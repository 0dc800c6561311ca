"""Zhipu BigModel model-page parser, on the 2025-12-20 GLM-4 page capture."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.sources.base import ParseError
from pipelines.sources.zhipu import SOURCE, parse
from tests.helpers import find_price, price

CAPTURE = Path(__file__).parents[2] / "seed" / "pages" / "zhipu" / "2025-12-20_docs-bigmodel-guide-models-text-glm-4.md"
URL = "https://docs.bigmodel.cn/cn/guide/models/text/glm-4.md"


@pytest.fixture(scope="module")
def quotes():
    return SOURCE.read(CAPTURE.read_bytes(), URL).prices


def test_source():
    assert SOURCE.provider == "zhipu" and SOURCE.urls == (URL,) and SOURCE.fmt == "markdown"
    assert SOURCE.hosts == ("docs.bigmodel.cn",) and SOURCE.parse is parse


@pytest.mark.parametrize(
    "model, amount",
    [
        ("glm-4-plus", "5"),
        ("glm-4-air-250414", "0.5"),
        ("glm-4-airx", "10"),
        ("glm-4-flashx-250414", "0.1"),
    ],
)
def test_one_price_for_input_and_output(quotes, model, amount):
    for kind in ("input", "output"):
        q = find_price(quotes, model, kind)
        assert q.amount == Decimal(amount) and str(q.amount) == amount
        assert (q.currency, q.unit, q.conditions) == ("CNY", "per 1M tokens", "same price for input and output")


def test_free_model_is_zero_because_the_page_says_free(quotes):
    # price card is a bare "/", the 定位 card says 免费版
    q = find_price(quotes, "glm-4-flash-250414", "output")
    assert q.amount == Decimal(0) and "免费版" in q.conditions
    assert price(quotes, "glm-4-flash-250414", "input") == Decimal(0)


def test_counts_and_ids(quotes):
    assert {q.model for q in quotes} == {
        "glm-4-plus", "glm-4-air-250414", "glm-4-airx", "glm-4-flashx-250414", "glm-4-flash-250414"}
    assert len(quotes) == 10
    assert {q.model_name for q in quotes if q.model == "glm-4-airx"} == {"GLM-4-AirX"}
    assert {q.provider for q in quotes} == {"zhipu"}


def test_slash_without_free_note_gives_no_row():
    body = CAPTURE.read_bytes().replace("免费版".encode(), "入门版".encode(), 1)
    quotes = parse(body, URL).prices
    assert not [q for q in quotes if q.model == "glm-4-flash-250414"]
    assert len(quotes) == 8


def _card(title: str, text: str) -> str:
    return f'      <Card title="{title}" icon={{<svg />}}>\n        {text}\n      </Card>\n\n'


def _edited(text: str) -> str:
    """The real 2025-12-20 page with one extra unknown card (column), one new model tab and one renamed section
    (the 概览 heading) and card (上下文窗口 -> 上下文长度 on GLM-4-AirX)."""
    price_card = '<Card title="价格"'
    first = text.index(price_card)  # GLM-4-Plus
    first = text.rindex("\n", 0, first) + 1
    text = text[:first] + _card("缓存价格", "1 元 / 百万 Tokens") + text[first:]
    tab = '  <Tab title="GLM-4-Air-250414">\n'
    at = text.index(tab)
    new_tab = ('  <Tab title="GLM-4-Ultra">\n    <CardGroup cols={3}>\n' + _card("定位", "旗舰")
               + _card("价格", "20 元 / 百万 Tokens") + "    </CardGroup>\n  </Tab>\n\n")
    text = text[:at] + new_tab + text[at:]
    assert text.count(" 概览 </div>") == 1
    text = text.replace(" 概览 </div>", " 模型总览 </div>")
    airx = text.index('<Tab title="GLM-4-AirX">')
    ctx = text.index('<Card title="上下文窗口"', airx)
    return text[:ctx] + '<Card title="上下文长度"' + text[ctx + len('<Card title="上下文窗口"'):]


def test_unknown_card_new_model_renamed_section_leave_every_other_price(quotes):
    page = SOURCE.read(_edited(CAPTURE.read_text(encoding="utf-8")).encode(), URL)
    key = lambda q: (q.model, q.price_kind, q.unit, q.conditions)  # noqa: E731
    old = {key(q): q.amount for q in quotes}
    new = {key(q): q.amount for q in page.prices}
    assert old.items() <= new.items()
    assert {k: v for k, v in new.items() if k not in old} == {
        ("glm-4-ultra", "input", "per 1M tokens", "same price for input and output"): Decimal("20"),
        ("glm-4-ultra", "output", "per 1M tokens", "same price for input and output"): Decimal("20"),
    }
    assert [(f.kind, re.sub(r"line \d+", "line N", f.where), f.text) for f in page.findings] == [
        ("unknown_column", "tab 'GLM-4-Plus' (line N) card '缓存价格'", "缓存价格: 1 元 / 百万 Tokens"),
        ("unknown_column", "tab 'GLM-4-AirX' (line N) card '上下文长度'", "上下文长度: 8K"),  # GLM-4-AirX has an 8K window (capture line 87)
    ]
    assert SOURCE.read(CAPTURE.read_bytes(), URL).findings == []


def test_broken_price_raises():
    body = CAPTURE.read_bytes()
    bad = body.replace("10 元 / 百万 Tokens".encode(), "abc 元 / 百万 Tokens".encode(), 1)
    assert bad != body
    with pytest.raises(ParseError) as e:
        parse(bad, URL)
    assert "GLM-4-AirX" in str(e.value) and "价格" in str(e.value) and "abc" in str(e.value)


def test_no_prices_raises():
    with pytest.raises(ParseError):
        parse(b"# GLM-4\n\nNothing here.\n", URL)
