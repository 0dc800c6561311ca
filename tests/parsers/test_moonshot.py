"""Moonshot / Kimi pricing parser on the moonshot.cn crawler Markdown and the platform.kimi.ai MDX captures."""

from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.sources import moonshot
from pipelines.sources.base import ParseError
from tests.helpers import find_price, price

PAGES = Path(__file__).parents[2] / "seed" / "pages" / "moonshot"
CN = PAGES / "2025-12-20_pricing-chat_zh-cn.md"
INTL = PAGES / "undated-97f45f28_platform-kimi-ai-docs-pricing-chat.md"
K3 = PAGES / "undated-d399813f_platform-kimi-ai-docs-pricing-chat-k3.md"
URL_CN = "https://platform.moonshot.cn/docs/pricing/chat"
URL_INTL = "https://platform.kimi.ai/docs/pricing/chat.md"
URL_K3 = "https://platform.kimi.ai/docs/pricing/chat-k3.md"
URL_K26 = "https://platform.kimi.ai/docs/pricing/chat-k26.md"


@pytest.fixture(scope="module")
def cn():
    return moonshot.SOURCE_CN.read(CN.read_bytes(), URL_CN).prices


@pytest.fixture(scope="module")
def intl():
    return moonshot.SOURCE_INTL.read(INTL.read_bytes(), URL_INTL).prices


def test_sources():
    assert moonshot.SOURCES == (moonshot.SOURCE_CN, moonshot.SOURCE_INTL)
    assert moonshot.SOURCE is moonshot.SOURCE_CN
    assert moonshot.SOURCE_CN.urls == (URL_CN,) and moonshot.SOURCE_CN.hosts == ("platform.moonshot.cn",)
    assert moonshot.SOURCE_INTL.urls == (URL_INTL, URL_K3, URL_K26) and moonshot.SOURCE_INTL.hosts == ("platform.kimi.ai",)
    assert {s.provider for s in moonshot.SOURCES} == {"moonshot"}
    assert moonshot.SOURCE_CN.name != moonshot.SOURCE_INTL.name


def test_cn_models_and_cny(cn):
    assert len({q.model for q in cn}) == 12
    assert len(cn) == 36
    assert {(q.currency, q.unit, q.region, q.provider) for q in cn} == {
        ("CNY", "per 1M tokens", "cn-mainland", "moonshot")
    }
    assert price(cn, "kimi-k2-0905-preview", "cache_read") == Decimal("1.00")
    assert price(cn, "kimi-k2-0905-preview", "input") == Decimal("4.00")
    assert price(cn, "kimi-k2-0905-preview", "output") == Decimal("16.00")
    assert price(cn, "kimi-k2-thinking-turbo", "output") == Decimal("58.00")
    assert price(cn, "moonshot-v1-128k", "input") == Decimal("10.00")
    assert price(cn, "moonshot-v1-32k-vision-preview", "output") == Decimal("20.00")
    assert str(price(cn, "moonshot-v1-8k", "output")) == "10.00"  # exactly as written


def test_cn_badge_is_dropped_from_id(cn):
    q = find_price(cn, "kimi-k2-turbo-preview", "input")
    assert q.amount == Decimal("8.00") and q.model_name == "kimi-k2-turbo-preview推荐"
    assert not any("推荐" in q.model for q in cn)


def test_cn_moonshot_v1_has_no_cache_price(cn):
    assert not [q for q in cn if q.model == "moonshot-v1-8k" and q.price_kind == "cache_read"]


def test_cn_kimi_latest_context_tiers(cn):
    assert price(cn, "kimi-latest", "input") == Decimal("2.00")
    assert price(cn, "kimi-latest", "input", min_tokens=8192) == Decimal("5.00")
    assert price(cn, "kimi-latest", "output", min_tokens=8192) == Decimal("20.00")
    top = find_price(cn, "kimi-latest", "output", min_tokens=32768)
    assert top.amount == Decimal("30.00") and "131,072" in top.conditions
    assert price(cn, "kimi-latest", "cache_read", min_tokens=32768) == Decimal("1.00")
    assert sorted({q.tier_min_tokens for q in cn if q.model == "kimi-latest"}) == [0, 8192, 32768]


def test_intl_doctable_usd(intl):
    assert [m for m in dict.fromkeys(q.model for q in intl)] == [
        "kimi-k3", "kimi-k2.7-code", "kimi-k2.7-code-highspeed", "kimi-k2.6"]
    assert len(intl) == 12
    assert {(q.currency, q.unit, q.region) for q in intl} == {("USD", "per 1M tokens", "intl")}
    assert price(intl, "kimi-k3", "cache_read") == Decimal("0.30")
    assert price(intl, "kimi-k3", "input") == Decimal("3.00")
    assert price(intl, "kimi-k3", "output") == Decimal("15.00")
    assert price(intl, "kimi-k2.7-code", "input") == Decimal("0.95")
    assert price(intl, "kimi-k2.7-code-highspeed", "cache_read") == Decimal("0.38")
    assert price(intl, "kimi-k2.6", "cache_read") == Decimal("0.16")
    assert price(intl, "kimi-k2.6", "output") == Decimal("4.00")


def test_k3_page():
    quotes = moonshot.SOURCE_INTL.read(K3.read_bytes(), URL_K3).prices
    assert len(quotes) == 3 and {q.model for q in quotes} == {"kimi-k3"}
    assert price(quotes, "kimi-k3", "cache_read") == Decimal("0.30")
    assert price(quotes, "kimi-k3", "input") == Decimal("3.00")
    assert price(quotes, "kimi-k3", "output") == Decimal("15.00")


def test_broken_cn_price_raises():
    body = CN.read_bytes()
    bad = body.replace("| ￥58.00 |".encode(), "| ￥abc |".encode(), 1)
    assert bad != body
    with pytest.raises(ParseError) as e:
        moonshot.parse(bad, URL_CN)
    assert "table 0 row 3" in str(e.value) and "输出价格" in str(e.value)


def test_broken_doctable_price_raises():
    body = INTL.read_bytes()
    bad = body.replace(b'<>{"$"}1.90</>', b'<>{"$"}abc</>', 1)
    assert bad != body
    with pytest.raises(ParseError) as e:
        moonshot.parse(bad, URL_INTL)
    assert "row 3" in str(e.value) and "Input Price (Cache Miss)" in str(e.value)


def test_unknown_badge_raises():
    body = CN.read_bytes()
    bad = body.replace("kimi-k2-turbo-preview推荐".encode(), "kimi-k2-turbo-preview限时".encode(), 1)
    with pytest.raises(ParseError, match="限时"):
        moonshot.parse(bad, URL_CN)


def test_no_prices_raises():
    with pytest.raises(ParseError, match="no prices"):
        moonshot.parse("# 模型推理价格说明\n\n没有表格。\n".encode(), URL_CN)


# ---------------------------------------------------------------- platform.kimi.ai HTML (2026-07-27 curl captures)

K26_HTML = INTL.parent / "2026-07-27_kimi-ai-pricing-chat-k26.html"
K3_HTML = INTL.parent / "2026-07-27_kimi-ai-pricing-chat-k3.html"
URL_K26_HTML = "https://platform.kimi.ai/docs/pricing/chat-k26"
URL_K3_HTML = "https://platform.kimi.ai/docs/pricing/chat-k3"


def test_html_prices_only_in_embedded_page_data():
    """The visible HTML has no price; the flight payload's compiled MDX has the DocTable (before: no reader)."""
    body = K26_HTML.read_bytes()
    assert b"0.95" not in body.split(b"self.__next_f")[0]  # not in the static markup before the payload
    page = moonshot.SOURCE_INTL.read(body, URL_K26_HTML)
    assert page.findings == []
    q = page.prices
    assert len(q) == 3 and {x.model for x in q} == {"kimi-k2.6"}
    assert price(q, "kimi-k2.6", "cache_read") == Decimal("0.16")
    assert price(q, "kimi-k2.6", "input") == Decimal("0.95")
    assert price(q, "kimi-k2.6", "output") == Decimal("4.00")
    assert {(x.currency, x.unit, x.region) for x in q} == {("USD", "per 1M tokens", "intl")}
    assert find_price(q, "kimi-k2.6", "input").where == "table 0 ('Product Pricing') row 1 col 'Input Price (Cache Miss)'"


def test_html_and_md_of_k3_agree():
    html = moonshot.SOURCE_INTL.read(K3_HTML.read_bytes(), URL_K3_HTML).prices
    md = moonshot.SOURCE_INTL.read(K3.read_bytes(), URL_K3).prices
    key = lambda qs: {(x.model, x.price_kind, x.amount, x.currency, x.region) for x in qs}  # noqa: E731
    assert key(html) == key(md) == {
        ("kimi-k3", "cache_read", Decimal("0.30"), "USD", "intl"),
        ("kimi-k3", "input", Decimal("3.00"), "USD", "intl"),
        ("kimi-k3", "output", Decimal("15.00"), "USD", "intl"),
    }


def test_html_unreadable_cell_is_a_finding_not_a_guess():
    body = K26_HTML.read_bytes()
    bad = body.replace(b"_jsxs(_Fragment,{children:[`$`,`0.95`]})", b"_jsxs(_Fragment,{children:[`$`,price]})", 1)
    assert bad != body
    page = moonshot.SOURCE_INTL.read(bad, URL_K26_HTML)
    assert [f.kind for f in page.findings] == ["unreadable_cell"]
    assert page.findings[0].where == "DocTable 0 ('Product Pricing') row 1 cell 3"
    assert not [x for x in page.prices if x.price_kind == "input"]  # no number invented for the cell
    assert price(page.prices, "kimi-k2.6", "cache_read") == Decimal("0.16")
    assert price(page.prices, "kimi-k2.6", "output") == Decimal("4.00")


def test_md_live_form_survives_new_column_new_model_renamed_section():
    """The live form (.md export): one unknown column, one new model, one renamed section; the rest unchanged."""
    real = INTL.read_text(encoding="utf-8")
    edited = (
        real.replace('{ title: "Output Price", width: "14%" },',
                     '{ title: "Output Price", width: "14%" },\n{ title: "Cache Storage", width: "10%" },')
        .replace('<>{"$"}15.00</>, "1,048,576 tokens"]', '<>{"$"}15.00</>, <>{"$"}1.00</>, "1,048,576 tokens"]')
        .replace('<>{"$"}4.00</>, "262,144 tokens"],\n]}',
                 '<>{"$"}4.00</>, "262,144 tokens"],\n["kimi-k4", "1M tokens", <>{"$"}0.50</>, <>{"$"}5.00</>, '
                 '<>{"$"}25.00</>, "", "2,097,152 tokens"],\n]}')
        .replace("## Model Pricing", "## Pricing of Models")
    )
    assert edited.count("Cache Storage") == 1 and "kimi-k4" in edited and "## Model Pricing" not in edited
    before = moonshot.SOURCE_INTL.read(INTL.read_bytes(), URL_INTL)
    after = moonshot.SOURCE_INTL.read(edited.encode(), URL_INTL)
    key = lambda q: (q.model, q.price_kind, q.amount, q.currency, q.tier_min_tokens, q.region)  # noqa: E731
    assert {key(q) for q in before.prices} < {key(q) for q in after.prices}
    assert {key(q) for q in after.prices} - {key(q) for q in before.prices} == {
        ("kimi-k4", "cache_read", Decimal("0.50"), "USD", 0, "intl"),
        ("kimi-k4", "input", Decimal("5.00"), "USD", 0, "intl"),
        ("kimi-k4", "output", Decimal("25.00"), "USD", 0, "intl"),
    }
    assert [(f.kind, f.text) for f in after.findings] == [("unknown_column", "Cache Storage")]
