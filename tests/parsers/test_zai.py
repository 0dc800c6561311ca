"""Z.ai pricing parser on the index copy (re-serialised HTML) of docs.z.ai/guides/overview/pricing."""

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.sources import zai
from pipelines.sources.base import ParseError
from tests.helpers import find_price, price

PAGE = Path(__file__).parents[2] / "seed" / "pages" / "zai" / "undated-dbfce0af_docs-z-ai-guides-overview-pricing.html"
URL = "https://docs.z.ai/guides/overview/pricing"


def read(body: bytes, url: str):
    """The prices of a page as the pipeline reads it (``Source.read``)."""
    return zai.SOURCE.read(body, url).prices


@pytest.fixture(scope="module")
def quotes():
    return read(PAGE.read_bytes(), URL)


def test_source():
    assert zai.SOURCE.provider == "zai" and zai.SOURCE.urls == (URL,) and zai.SOURCE.hosts == ("docs.z.ai",)
    assert zai.SOURCE.fmt == "html"


def test_counts(quotes):
    assert len(quotes) == 78
    assert len({q.model for q in quotes}) == 35
    assert len({q.model for q in quotes if q.unit == "per 1M tokens"}) == 24
    c = Counter((q.model, q.price_kind, q.tier_min_tokens, q.region, q.conditions) for q in quotes)
    assert [k for k, n in c.items() if n > 1] == []
    assert {(q.currency, q.region, q.provider) for q in quotes} == {("USD", "global", "zai")}


def test_text_and_vision_prices(quotes):
    assert price(quotes, "glm-5.3", "input") == Decimal("1.4")
    assert price(quotes, "glm-5.3", "cache_read") == Decimal("0.26")
    assert price(quotes, "glm-5.3", "output") == Decimal("4.4")
    assert str(price(quotes, "glm-5-turbo", "output")) == "4.0"  # as written
    assert price(quotes, "glm-4.5-x", "output") == Decimal("8.9")
    assert price(quotes, "glm-4.5-air", "cache_read") == Decimal("0.03")
    assert price(quotes, "glm-4.6v-flashx", "cache_read") == Decimal("0.004")
    q = find_price(quotes, "glm-4.5v", "output")
    assert (q.amount, q.model_name, q.unit) == (Decimal("1.8"), "GLM-4.5V", "per 1M tokens")


def test_free_absent_and_storage(quotes):
    assert price(quotes, "glm-4.7-flash", "output") == Decimal("0")  # "Free"
    assert price(quotes, "glm-4.6v-flash", "cache_read") == Decimal("0")
    assert {q.price_kind for q in quotes if q.model == "glm-4-32b-0414-128k"} == {"input", "output"}  # "-"
    assert {q.price_kind for q in quotes if q.model == "glm-ocr"} == {"input", "output"}  # "\"
    assert not [q for q in quotes if "storage" in q.price_kind]


def test_non_token_prices(quotes):
    img = find_price(quotes, "cogView-4-250304", "image_output")
    assert (img.amount, img.unit, img.model_name) == (Decimal("0.01"), "per image", "CogView-4")
    assert price(quotes, "glm-image", "image_output") == Decimal("0.015")
    v = find_price(quotes, "viduq1-start-end", "video_output")
    assert (v.amount, v.unit) == (Decimal("0.4"), "per video")
    assert price(quotes, "vidu2-image", "video_output") == Decimal("0.2")
    ws = find_price(quotes, "web_search", "web_search")
    assert (ws.amount, ws.unit) == (Decimal("0.01"), "per use")
    tpl = find_price(quotes, "vidu_template_agent", "video_output")
    assert (tpl.amount, tpl.unit) == (Decimal("0.2"), "per video")


def test_single_per_mtok_price_is_input_and_output(quotes):
    asr = find_price(quotes, "glm-asr-2512", "input")
    assert asr.amount == Decimal("0.03") and "input and output" in asr.conditions
    assert price(quotes, "glm-asr-2512", "output") == Decimal("0.03")
    assert price(quotes, "slides_glm_agent", "output") == Decimal("0.7")
    assert price(quotes, "general_translation", "input") == Decimal("3")


def test_broken_token_price_raises():
    body = PAGE.read_bytes()
    bad = body.replace(b">$8.9<", b">$abc<", 1)
    assert bad != body
    with pytest.raises(ParseError) as e:
        read(bad, URL)
    assert "table 0 ('Text Models') row 10 col 'Output'" in str(e.value)


def test_broken_unit_price_raises():
    body = PAGE.read_bytes()
    bad = body.replace(b">$0.015<", b">$abc<", 1)
    assert bad != body
    with pytest.raises(ParseError, match=r"Image Generation Models'\) row 1"):
        read(bad, URL)


def test_storage_price_without_unit_raises():
    body = PAGE.read_bytes()
    bad = body.replace(b">Limited-time Free<", b">$0.01<", 1)
    assert bad != body
    with pytest.raises(ParseError, match="Cached Input Storage"):
        read(bad, URL)


def test_no_prices_raises():
    with pytest.raises(ParseError, match="no prices"):
        read(b"<html><body><h1>Pricing</h1><p>Soon.</p></body></html>", URL)


def _changed_layout() -> bytes:
    """The capture with one extra unknown column in the Text Models table (a price in every row), one new model
    row in it, and the section renamed."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(PAGE.read_bytes(), "lxml")
    table = soup.find("table")
    th = soup.new_tag("th")
    th.string = "Batch Input"
    table.find("tr").append(th)
    rows = [tr for tr in table.find_all("tr") if tr.find("td")]
    for tr in rows:
        td = soup.new_tag("td")
        td.string = "$0.77"
        tr.append(td)
    new = BeautifulSoup(str(rows[0]), "lxml").find("tr")
    new.find("td").string = "GLM-5.4"
    new.find_all("td")[1].string = "$1.6"
    rows[-1].insert_after(new)
    heading = table.find_previous(["h1", "h2", "h3", "h4"])
    for t in heading.find_all(string=lambda x: "Text Models" in x):
        t.replace_with(t.replace("Text Models", "Language Models"))
    assert "Language Models" in heading.get_text() and "Text Models" not in heading.get_text()
    return str(soup).encode()


def test_unknown_column_new_model_and_renamed_section_keep_every_other_price(quotes):
    page = zai.SOURCE.read(_changed_layout(), URL)

    def keyed(prices):
        return {(p.model, p.price_kind, p.unit, p.tier_min_tokens, p.conditions): p.amount for p in prices}

    before, after = keyed(quotes), keyed(page.prices)
    assert {k: after.get(k) for k in before} == before
    assert price(page.prices, "glm-5.4", "input") == Decimal("1.6")
    assert set(after) - set(before) == {k for k in after if k[0] == "glm-5.4"}
    assert Decimal("0.77") not in {p.amount for p in page.prices}
    assert [(f.kind, f.text) for f in page.findings] == [("unknown_column", "Batch Input")]
    assert "table 0" in page.findings[0].where
