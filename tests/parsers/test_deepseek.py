"""DeepSeek pricing page parser, on the 2025-12-20 Markdown captures and the later HTML capture."""

from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.sources.base import ParseError
from pipelines.sources.deepseek import SOURCE
from pipelines.sources.deepseek import parse as module_parse
from tests.helpers import find_price as price

PAGES = Path(__file__).parents[2] / "seed" / "pages" / "deepseek"
EN = PAGES / "2025-12-20_quick-start-pricing_en.md"
ZH = PAGES / "2025-12-20_quick-start-pricing_zh-cn.md"
HTML = PAGES / "undated-cd6cb74b_api-docs-quick-start-pricing.html"
URL_EN = "https://api-docs.deepseek.com/quick_start/pricing"
URL_ZH = "https://api-docs.deepseek.com/zh-cn/quick_start/pricing"


def parse(body: bytes, url: str):
    """The prices of a page as the pipeline reads it (``Source.read``)."""
    return SOURCE.read(body, url).prices




def test_source():
    assert SOURCE.name == "deepseek_pricing" and SOURCE.provider == "deepseek"
    assert SOURCE.urls == (URL_EN, URL_ZH) and SOURCE.fmt == "markdown"
    assert SOURCE.hosts == ("api-docs.deepseek.com",) and SOURCE.parse is module_parse


@pytest.mark.parametrize("model", ["deepseek-chat", "deepseek-reasoner"])
def test_english_usd(model):
    quotes = parse(EN.read_bytes(), URL_EN)
    assert len(quotes) == 6
    assert price(quotes, model, "input").amount == Decimal("0.28")
    assert price(quotes, model, "cache_read").amount == Decimal("0.028")
    assert price(quotes, model, "output").amount == Decimal("0.42")
    assert {(q.currency, q.unit, q.provider, q.model_name == q.model) for q in quotes} == {
        ("USD", "per 1M tokens", "deepseek", True)
    }


@pytest.mark.parametrize("model", ["deepseek-chat", "deepseek-reasoner"])
def test_chinese_cny(model):
    quotes = parse(ZH.read_bytes(), URL_ZH)
    assert len(quotes) == 6
    q = price(quotes, model, "input")
    assert (q.amount, q.currency) == (Decimal("2"), "CNY")
    assert str(q.amount) == "2"  # exactly as written
    assert (price(quotes, model, "cache_read").amount, price(quotes, model, "cache_read").currency) == (
        Decimal("0.2"), "CNY")
    assert (price(quotes, model, "output").amount, price(quotes, model, "output").currency) == (Decimal("3"), "CNY")


def test_html_peak_and_off_peak():
    quotes = parse(HTML.read_bytes(), URL_EN)
    assert len(quotes) == 18
    assert {q.model for q in quotes} == {"deepseek-v4-flash", "deepseek-v4-pro", "deepseek-v4-flash-vision-exp"}
    pro_in = price(quotes, "deepseek-v4-pro", "input")
    assert pro_in.amount == Decimal("1.32") and pro_in.conditions is None
    off = price(quotes, "deepseek-v4-pro", "input", "off_peak")
    assert off.amount == Decimal("0.66")
    assert off.conditions == (
        "Peak hours are 01:00 - 04:00 and 06:00 - 10:00 UTC, Monday through Friday (all other hours are off-peak)."
    )
    assert price(quotes, "deepseek-v4-pro", "output").amount == Decimal("3.96")
    assert price(quotes, "deepseek-v4-flash", "cache_read").amount == Decimal("0.014")
    assert price(quotes, "deepseek-v4-flash", "cache_read", "off_peak").amount == Decimal("0.007")
    assert price(quotes, "deepseek-v4-flash-vision-exp", "output", "off_peak").amount == Decimal("0.66")


def test_broken_markdown_price_raises():
    body = EN.read_bytes()
    bad = body.replace(b"| $0.28", b"| $abc", 1)
    assert bad != body
    with pytest.raises(ParseError) as e:
        parse(bad, URL_EN)
    assert "line 26" in str(e.value) and "CACHE MISS" in str(e.value) and "$abc" in str(e.value)


def test_broken_chinese_price_raises():
    body = ZH.read_bytes()
    bad = body.replace("| 3元".encode(), "| 三元".encode(), 1)
    assert bad != body
    with pytest.raises(ParseError, match="line 27"):
        parse(bad, URL_ZH)


def test_broken_html_price_raises():
    body = HTML.read_bytes()
    bad = body.replace(b"$3.96", b"$abc", 1)
    assert bad != body
    with pytest.raises(ParseError) as e:
        parse(bad, URL_EN)
    assert "row 18" in str(e.value) and "deepseek-v4-pro" in str(e.value)


def test_off_peak_without_footnote_raises():
    body = HTML.read_bytes()
    bad = body.replace(b"Peak hours are", b"Busy hours are", 1)
    assert bad != body
    with pytest.raises(ParseError, match="footnote"):
        parse(bad, URL_EN)


def test_no_prices_raises():
    with pytest.raises(ParseError):
        parse(b"# Models & Pricing\n\nNothing here.\n", URL_EN)


def test_unknown_row_new_model_and_renamed_section_keep_every_other_price():
    """The English page with one pricing row no price kind names, a third model column and its section renamed."""
    body = EN.read_bytes()
    changed = (body.replace(b"**MODEL|  deepseek-chat| deepseek-reasoner", b"**MODEL|  deepseek-chat| deepseek-reasoner| deepseek-v4", 1)
               .replace(b"---|---|---", b"---|---|---|---", 1)
               .replace(b"1M OUTPUT TOKENS| $0.42", b"1M OUTPUT TOKENS| $0.42  \n1M THINKING BUDGET| $0.99", 1)
               .replace(b"## Model Details", b"## Models and their prices", 1))
    assert changed.count(b"deepseek-v4") == 1 and b"THINKING BUDGET" in changed and b"## Models and" in changed
    before = SOURCE.read(body, URL_EN)
    page = SOURCE.read(changed, URL_EN)

    def keyed(prices):
        return {(p.model, p.price_kind, p.service_tier): p.amount for p in prices}

    assert {k: v for k, v in keyed(page.prices).items() if k[0] != "deepseek-v4"} == keyed(before.prices)
    # the page's one merged price cell per row covers every model column, the new one included
    assert {k[1]: v for k, v in keyed(page.prices).items() if k[0] == "deepseek-v4"} == {
        "cache_read": Decimal("0.028"), "input": Decimal("0.28"), "output": Decimal("0.42")}
    [g, f] = page.findings  # reading order: the MAX OUTPUT row comes before the pricing rows
    assert (f.kind, f.text) == ("unknown_row", "1M THINKING BUDGET") and f.where.startswith("line ")
    # the MAX OUTPUT row states two limits for three model columns now: not read, reported (no guess)
    assert (g.kind, g.text) == ("unreadable_cell", "DEFAULT: 4K MAXIMUM: 8K | DEFAULT: 32K MAXIMUM: 64K")
    assert {(x.model, x.fact) for x in page.facts} == {(m, "context_window") for m in
                                                       ("deepseek-chat", "deepseek-reasoner", "deepseek-v4")}
    assert Decimal("0.99") not in {p.amount for p in page.prices}
