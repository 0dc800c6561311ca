"""Zhipu BigModel model-page parser, on the 2025-12-20 GLM-4 page capture."""

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
    return parse(CAPTURE.read_bytes(), URL)


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
    quotes = parse(body, URL)
    assert not [q for q in quotes if q.model == "glm-4-flash-250414"]
    assert len(quotes) == 8


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
