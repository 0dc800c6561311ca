"""Anthropic pricing parser against the bundled captures (seed/pages/anthropic)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.sources import anthropic
from pipelines.sources.base import PRICE_KINDS, ParseError
from tests.helpers import find_price, price

PAGES = Path(__file__).parents[2] / "seed" / "pages" / "anthropic"
HTML_2026 = PAGES / "2026-04-26_platform-claude-docs-pricing.html"
HTML_URL = "https://platform.claude.com/docs/en/about-claude/pricing"
MD_2025 = PAGES / "2025-12-20_docs-claude-about-claude-pricing.md"
MD_URL = "https://docs.claude.com/en/docs/about-claude/pricing.md"
TEXT_2024 = PAGES / "2024-04-01_anthropic-com-api-pricing_text.txt"
TEXT_URL = "https://www.anthropic.com/api"


def read(body: bytes, url: str):
    """The prices of a page as the pipeline reads it (``Source.read``)."""
    return anthropic.SOURCE.read(body, url).prices




@pytest.fixture(scope="module")
def html_quotes():
    return read(HTML_2026.read_bytes(), HTML_URL)


@pytest.fixture(scope="module")
def md_quotes():
    return read(MD_2025.read_bytes(), MD_URL)


def test_opus_4_7_standard_and_batch(html_quotes):
    q = html_quotes
    assert price(q, "claude-opus-4-7", "input") == Decimal("5")
    assert price(q, "claude-opus-4-7", "output") == Decimal("25")
    assert price(q, "claude-opus-4-7", "cache_read") == Decimal("0.5")
    assert price(q, "claude-opus-4-7", "cache_write_5m") == Decimal("6.25")
    assert price(q, "claude-opus-4-7", "cache_write_1h") == Decimal("10")
    assert price(q, "claude-opus-4-7", "input", tier="batch") == Decimal("2.5")
    assert price(q, "claude-opus-4-7", "output", tier="batch") == Decimal("12.5")


def test_amounts_are_exact_text_and_usd_per_mtok(html_quotes):
    p = next(q for q in html_quotes if q.model == "claude-opus-4-7" and q.price_kind == "cache_read")
    assert str(p.amount) == "0.50"  # as written on the page, not re-formatted
    assert {(q.currency, q.unit) for q in html_quotes if q.price_kind in PRICE_KINDS} == {("USD", "per 1M tokens")}
    assert {q.provider for q in html_quotes} == {"anthropic"}
    assert p.where == "table 0 ('Model pricing') row 1 col 'Cache Hits & Refreshes'"


def test_haiku_and_legacy_rows(html_quotes):
    q = html_quotes
    # Claude Haiku 4.5: $1 / $1.25 / $2 / $0.10 / $5, batch $0.50 / $2.50
    assert price(q, "claude-haiku-4-5", "input") == Decimal("1")
    assert price(q, "claude-haiku-4-5", "cache_write_5m") == Decimal("1.25")
    assert price(q, "claude-haiku-4-5", "cache_write_1h") == Decimal("2")
    assert price(q, "claude-haiku-4-5", "cache_read") == Decimal("0.10")
    assert price(q, "claude-haiku-4-5", "output") == Decimal("5")
    assert price(q, "claude-haiku-4-5", "input", tier="batch") == Decimal("0.50")
    # Claude Haiku 3 (legacy id): $0.25 / $0.30 / $0.50 / $0.03 / $1.25, batch $0.125 / $0.625
    assert price(q, "claude-3-haiku-20240307", "input") == Decimal("0.25")
    assert price(q, "claude-3-haiku-20240307", "cache_write_5m") == Decimal("0.30")
    assert price(q, "claude-3-haiku-20240307", "cache_read") == Decimal("0.03")
    assert price(q, "claude-3-haiku-20240307", "output") == Decimal("1.25")
    assert price(q, "claude-3-haiku-20240307", "input", tier="batch") == Decimal("0.125")
    assert price(q, "claude-3-haiku-20240307", "output", tier="batch") == Decimal("0.625")
    # Claude Haiku 3.5: 1h cache write written "$1.6 / MTok"
    assert price(q, "claude-3-5-haiku-20241022", "cache_write_1h") == Decimal("1.6")
    # Claude Opus 4 -> claude-opus-4-0 by the rule
    assert price(q, "claude-opus-4-0", "output") == Decimal("75")


def test_deprecated_note_kept_in_name_not_in_id(html_quotes):
    rows = [q for q in html_quotes if q.model == "claude-3-7-sonnet-20250219"]
    assert {q.model_name for q in rows} == {"Claude Sonnet 3.7 (deprecated)"}
    assert price(html_quotes, "claude-3-7-sonnet-20250219", "input") == Decimal("3")
    assert price(html_quotes, "claude-3-opus-20240229", "cache_write_5m") == Decimal("18.75")


def test_model_pricing_table_row_count(html_quotes):
    model_pricing = [q for q in html_quotes if q.where.startswith("table 0 ('Model pricing')")]
    assert len({q.model for q in model_pricing}) == 13
    assert len(model_pricing) == 13 * 5
    assert len({q.model for q in html_quotes if q.service_tier == "batch"}) == 13
    # no fast-mode or long-context rows on this page; 3 non-token prices (session-hour, web search, code execution)
    assert len(html_quotes) == 13 * 5 + 13 * 2 + 3
    assert {q.tier_min_tokens for q in html_quotes} == {0}


def test_static_tables_agree_with_rsc_payload(html_quotes):
    """The RSC flight payload repeats each row as ``"children":"$$5 / MTok"`` cells after the model name."""
    text = HTML_2026.read_text(encoding="utf-8")
    for name, model in (("Claude Opus 4.7", "claude-opus-4-7"), ("Claude Haiku 3", "claude-3-haiku-20240307")):
        i = text.index(f'children\\":\\"{name}\\"}}]')
        rsc = re.findall(r"\$\$(\d[\d.]*) / MTok", text[i : i + 1500])[:5]
        kinds = ["input", "cache_write_5m", "cache_write_1h", "cache_read", "output"]
        assert [Decimal(x) for x in rsc] == [price(html_quotes, model, k) for k in kinds]


def test_markdown_copy_2025_opus_4_5(md_quotes):
    q = md_quotes
    assert price(q, "claude-opus-4-5", "input") == Decimal("5")
    assert price(q, "claude-opus-4-5", "cache_write_5m") == Decimal("6.25")
    assert price(q, "claude-opus-4-5", "cache_write_1h") == Decimal("10")
    assert price(q, "claude-opus-4-5", "cache_read") == Decimal("0.50")
    assert price(q, "claude-opus-4-5", "output") == Decimal("25")
    assert price(q, "claude-opus-4-5", "input", tier="batch") == Decimal("2.50")
    assert price(q, "claude-opus-4-5", "output", tier="batch") == Decimal("12.50")
    assert len({x.model for x in q if x.where.startswith("table 0 ")}) == 10
    # Markdown link "([deprecated](/docs/...))" reduced to its text
    assert {x.model_name for x in q if x.model == "claude-3-opus-20240229"} == {"Claude Opus 3 (deprecated)"}


def test_markdown_copy_2025_long_context(md_quotes):
    """'When using Claude Sonnet 4 or Sonnet 4.5 ... requests that exceed 200K input tokens': $6 in / $22.50 out."""
    q = md_quotes
    for model in ("claude-sonnet-4-0", "claude-sonnet-4-5"):
        assert price(q, model, "input", min_tokens=200_000) == Decimal("6")
        assert price(q, model, "output", min_tokens=200_000) == Decimal("22.50")
        assert price(q, model, "input") == Decimal("3")
    assert {x.model for x in q if x.tier_min_tokens} == {"claude-sonnet-4-0", "claude-sonnet-4-5"}
    assert len([x for x in q if x.tier_min_tokens]) == 4


def test_broken_price_cell_names_table_row_cell():
    real = HTML_2026.read_bytes()
    body = real.replace(b">$6.25 / MTok<", b">$abc / MTok<", 1)
    assert body != real
    with pytest.raises(ParseError) as exc:
        read(body, HTML_URL)
    msg = str(exc.value)
    assert "$abc / MTok" in msg
    assert "table 0 ('Model pricing') row 1 col '5m Cache Writes'" in msg
    assert HTML_URL in msg


def test_unknown_model_name_is_reported_not_guessed():
    real = MD_2025.read_bytes()
    body = real.replace(b"| Claude Haiku 3.5  | $0.80", b"| Claude Haiku 3.6  | $0.80", 1)
    assert body != real
    with pytest.raises(ParseError, match=r"unknown Anthropic model name 'Claude Haiku 3.6'.*table 0 \('Model pricing'\) row 8"):
        read(body, MD_URL)


def test_page_without_prices_raises():
    with pytest.raises(ParseError):
        read(b"<html><body><h2>Pricing</h2><p>Contact sales.</p></body></html>", HTML_URL)


def test_html_long_context_section_uses_prose_above_table():
    """Same interpreter on HTML: the 2025 long-context layout rendered as HTML (the 2026 page has no such table)."""
    body = b"""<!DOCTYPE html><html><body>
    <h2>Model pricing</h2><table><thead><tr><th>Model</th><th>Base Input Tokens</th><th>5m Cache Writes</th>
    <th>1h Cache Writes</th><th>Cache Hits &amp; Refreshes</th><th>Output Tokens</th></tr></thead><tbody>
    <tr><td>Claude Sonnet 4.5</td><td>$3 / MTok</td><td>$3.75 / MTok</td><td>$6 / MTok</td><td>$0.30 / MTok</td>
    <td>$15 / MTok</td></tr></tbody></table>
    <h3>Long context pricing</h3><p>When using Claude Sonnet 4.5 with the 1M token context window enabled, requests
    that exceed 200K input tokens are charged at premium long context rates:</p>
    <table><thead><tr><th>&le; 200K input tokens</th><th>&gt; 200K input tokens</th></tr></thead><tbody>
    <tr><td>Input: $3 / MTok</td><td>Input: $6 / MTok</td></tr>
    <tr><td>Output: $15 / MTok</td><td>Output: $22.50 / MTok</td></tr></tbody></table></body></html>"""
    q = read(body, HTML_URL)
    assert price(q, "claude-sonnet-4-5", "output", min_tokens=200_000) == Decimal("22.50")
    assert len(q) == 5 + 2
    # the <= 200K column must repeat the base price of the models the prose names
    with pytest.raises(ParseError, match="differs from 'Claude Sonnet 4.5' base price"):
        read(body.replace(b"<td>Input: $3 / MTok</td>", b"<td>Input: $4 / MTok</td>"), HTML_URL)


# ---------------------------------------------------------------- non-token prices (2026 HTML, 2025 Markdown)


def test_session_runtime_is_a_non_token_price(html_quotes):
    p = find_price(html_quotes, "Claude Managed Agents", "session_runtime")
    assert (p.amount, p.currency, p.unit) == (Decimal("0.08"), "USD", "per session-hour")
    assert p.where == "table 8 ('Session runtime') row 1 col 'Rate'"
    assert p.conditions == "metering: running status duration"
    # the worked examples ("1.0 hour × $0.08", "$0.705") are not prices
    assert not [q for q in html_quotes if "Worked example" in q.where]


def test_tool_prices_from_prose(html_quotes, md_quotes):
    for q in (html_quotes, md_quotes):
        ws = find_price(q, "web_search", "web_search")
        assert (ws.amount, ws.unit) == (Decimal("10"), "per 1K searches")
        ce = find_price(q, "code_execution", "tool_call")
        assert (ce.amount, ce.unit) == (Decimal("0.05"), "per hour")
    # the free allowance is a quota, kept as a condition (it changed between the two captures)
    assert "1,550 free hours of usage per month" in find_price(html_quotes, "code_execution", "tool_call").conditions
    assert "50 free hours of usage with the code execution tool per day" in find_price(
        md_quotes, "code_execution", "tool_call"
    ).conditions
    assert {q.unit for q in md_quotes if q.price_kind not in PRICE_KINDS} == {"per 1K searches", "per hour"}


def test_session_rate_unreadable_raises():
    real = HTML_2026.read_bytes()
    body = real.replace(b">$0.08 per session-hour<", b">$abc per session-hour<", 1)
    assert body != real
    with pytest.raises(ParseError, match=r"'\$abc per session-hour'.*table 8 \('Session runtime'\) row 1 col 'Rate'"):
        read(body, HTML_URL)


def test_web_search_sentence_changed_raises():
    body = MD_2025.read_bytes().replace(b"**$10 per 1,000 searches**", b"**$abc per 1,000 searches**", 1)
    with pytest.raises(ParseError, match="web search price sentence not understood at prose 'Web search tool'"):
        read(body, MD_URL)


# ---------------------------------------------------------------- 2024 text rendering (anthropic.com/api)


@pytest.fixture(scope="module")
def text_quotes():
    return read(TEXT_2024.read_bytes(), TEXT_URL)


def test_source_urls():
    s = anthropic.SOURCE
    assert MD_URL in s.archive_urls and TEXT_URL in s.archive_urls
    assert "www.anthropic.com" in s.hosts


def test_text_2024_claude_3(text_quotes):
    q = text_quotes
    assert price(q, "claude-3-haiku-20240307", "input") == Decimal("0.25")
    assert price(q, "claude-3-haiku-20240307", "output") == Decimal("1.25")
    assert price(q, "claude-3-sonnet-20240229", "input") == Decimal("3")
    assert price(q, "claude-3-sonnet-20240229", "output") == Decimal("15")
    assert price(q, "claude-3-opus-20240229", "input") == Decimal("15")
    assert price(q, "claude-3-opus-20240229", "output") == Decimal("75")
    assert {x.model_name for x in q if x.model == "claude-3-opus-20240229"} == {"Claude 3 Opus"}


def test_text_2024_legacy(text_quotes):
    q = text_quotes
    assert price(q, "claude-2.1", "input") == Decimal("8")
    assert price(q, "claude-2.1", "output") == Decimal("24")
    assert price(q, "claude-2.0", "output") == Decimal("24")
    assert price(q, "claude-instant-1.2", "input") == Decimal("0.80")
    assert price(q, "claude-instant-1.2", "output") == Decimal("2.40")
    assert find_price(q, "claude-instant-1.2", "input").where == "table 1 ('LEGACY MODEL PRICING') row 3 col 'Input'"


def test_text_2024_counts(text_quotes):
    assert len({x.model for x in text_quotes}) == 6
    assert len(text_quotes) == 12
    assert {(x.currency, x.unit, x.service_tier, x.tier_min_tokens) for x in text_quotes} == {
        ("USD", "per 1M tokens", "standard", 0)
    }


def test_text_2024_broken_price_names_table_row_col():
    real = TEXT_2024.read_bytes()
    body = real.replace(b"Output: $75 / MTok", b"Output: $abc / MTok", 1)
    assert body != real
    with pytest.raises(ParseError) as exc:
        read(body, TEXT_URL)
    msg = str(exc.value)
    assert "'$abc / MTok'" in msg
    assert "table 0 ('CLAUDE 3 PRICING') row 3 col 'Output'" in msg
    assert TEXT_URL in msg


def test_text_2024_unknown_legacy_name_raises():
    body = TEXT_2024.read_bytes().replace(b" * CLAUDE INSTANT", b" * CLAUDE INSTANT 2", 1)
    with pytest.raises(ParseError, match=r"unknown Anthropic model name 'Claude Instant 2'.*LEGACY MODEL PRICING"):
        read(body, TEXT_URL)


# --- the 2026-07-27 capture (issue 19: one new model name refused the whole page) ------------------------------------

JUL = HTML_2026.parent / "2026-07-27_platform-claude-pricing.html"


@pytest.fixture(scope="module")
def july():
    return anthropic.SOURCE.read(JUL.read_bytes(), HTML_URL)


def test_july_2026_new_models_load_with_ids_by_the_naming_rule(july):
    """Values read off the capture's Model pricing and Batch processing tables."""
    q = july.prices
    # Claude Fable 5: $10 | $12.50 | $20 | $1 | $50 / MTok; Batch $5 / $25
    assert [price(q, "claude-fable-5", k) for k in ("input", "cache_write_5m", "cache_write_1h", "cache_read", "output")] == [
        Decimal("10"), Decimal("12.50"), Decimal("20"), Decimal("1"), Decimal("50")]
    assert (price(q, "claude-fable-5", "input", "batch"), price(q, "claude-fable-5", "output", "batch")) == (
        Decimal("5"), Decimal("25"))
    # Claude Mythos 5 (limited availability): the note is no part of the id
    assert price(q, "claude-mythos-5", "cache_write_1h") == Decimal("20")
    assert {p.model_name for p in q if p.model == "claude-mythos-5"} == {"Claude Mythos 5 (limited availability)"}
    # Claude Opus 5 and Opus 4.8: $5 | $6.25 | $10 | $0.50 | $25; Batch $2.50 / $12.50
    assert price(q, "claude-opus-5", "cache_write_5m") == Decimal("6.25")
    assert price(q, "claude-opus-4-8", "cache_read") == Decimal("0.50")
    assert price(q, "claude-opus-4-8", "output", "batch") == Decimal("12.50")
    # Claude Opus 4.1 (deprecated): $15 | $18.75 | $30 | $1.50 | $75
    assert price(q, "claude-opus-4-1", "cache_write_5m") == Decimal("18.75")
    # the Managed Agents session rate
    [s] = [p for p in q if p.price_kind == "session_runtime"]
    assert (s.amount, s.unit) == (Decimal("0.08"), "per session-hour")
    # derived ids are findings for review, once per model, where the name first appears
    derived = {f.text for f in july.findings if f.kind == "model_id_rule"}
    assert derived == {"Claude Fable 5 -> claude-fable-5", "Claude Mythos 5 -> claude-mythos-5",
                       "Claude Opus 5 -> claude-opus-5", "Claude Sonnet 5 -> claude-sonnet-5"}
    assert all("table 0" in f.where and "Model pricing" in f.where for f in july.findings)
    assert {f.kind for f in july.findings} == {"model_id_rule"}


def test_july_2026_dated_rows_keep_their_dates_as_conditions(july):
    """"Claude Sonnet 5 / through August 31, 2026" $2 input and "/ starting September 1, 2026" $3 input: two prices
    the page states, each with its date as the condition (never one read as the other)."""
    got = {(p.price_kind, p.service_tier, p.conditions): p.amount for p in july.prices if p.model == "claude-sonnet-5"}
    assert got[("input", "standard", "through August 31, 2026")] == Decimal("2")
    assert got[("input", "standard", "starting September 1, 2026")] == Decimal("3")
    assert got[("cache_read", "standard", "starting September 1, 2026")] == Decimal("0.30")
    assert got[("output", "batch", "through August 31, 2026")] == Decimal("5")
    assert not any(c is None for _, _, c in got)


def _mutated_july() -> bytes:
    """The July capture with one extra unknown column in Model pricing (a price in every row), one new model row
    in it, and the Batch processing section renamed."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(JUL.read_bytes(), "lxml")
    tables = soup.find_all("table")
    model_pricing, batch = tables[0], tables[5]
    th = soup.new_tag("th")
    th.string = "Cache storage"
    model_pricing.find("tr").append(th)
    rows = model_pricing.find("tbody").find_all("tr")
    for tr in rows:
        td = soup.new_tag("td")
        td.string = "$0.99 / MTok"
        tr.append(td)
    new = BeautifulSoup(str(rows[3]), "lxml").find("tr")  # the Claude Opus 4.8 row
    new.find("td").string = "Claude Opus 4.9"
    new.find_all("td")[1].string = "$4 / MTok"
    rows[-1].insert_after(new)
    heading = batch.find_previous(["h1", "h2", "h3", "h4", "h5", "h6"])
    for s in heading.find_all(string=lambda x: "Batch processing" in x):
        s.replace_with(s.replace("Batch processing", "Asynchronous batches"))
    return str(soup).encode()


def test_july_2026_unknown_column_new_model_and_renamed_section_keep_every_other_price(july):
    page = anthropic.SOURCE.read(_mutated_july(), HTML_URL)

    def keyed(prices):
        return {(p.model, p.price_kind, p.service_tier, p.tier_min_tokens, p.unit, p.conditions): p.amount
                for p in prices}

    before, after = keyed(july.prices), keyed(page.prices)
    assert {k: after.get(k) for k in before} == before  # every price of the page, unchanged
    assert price(page.prices, "claude-opus-4-9", "input") == Decimal("4")
    assert set(after) - set(before) == {k for k in after if k[0] == "claude-opus-4-9"}
    assert Decimal("0.99") not in {p.amount for p in page.prices}
    [col] = [f for f in page.findings if f.kind == "unknown_column"]
    assert col.text == "Cache storage" and "table 0" in col.where
