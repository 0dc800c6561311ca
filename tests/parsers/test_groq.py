"""Groq pricing parser against the bundled captures (seed/pages/groq): 2024 wow.groq.com text, models page Markdown."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.sources.registry import source_for_url
from pipelines.sources import groq
from pipelines.sources.base import ParseError
from tests.helpers import find_price, price

PAGES = Path(__file__).parents[2] / "seed" / "pages" / "groq"
WOW = PAGES / "2024-04-01_groq-pricing_text.txt"
WOW_URL = "https://wow.groq.com/"
MD = PAGES / "undated-8629b627_console-groq-docs-models.md"
MD_URL = "https://console.groq.com/docs/models"


@pytest.fixture(scope="module")
def wow():
    return groq.SOURCE.read(WOW.read_bytes(), WOW_URL).prices


@pytest.fixture(scope="module")
def md():
    return groq.SOURCE.read(MD.read_bytes(), MD_URL).prices


def test_source():
    s = groq.SOURCE
    # the live URL is the docs page's .md export, the form of the Markdown capture (MD_URL, its page address)
    assert s.urls == (MD_URL + ".md",) and WOW_URL in s.archive_urls and source_for_url(MD_URL) is s
    assert set(s.hosts) == {"console.groq.com", "wow.groq.com"} and s.parse is groq.parse


def test_wow_2024_prices(wow):
    assert price(wow, "llama2-70b-4096", "input") == Decimal("0.70")
    assert price(wow, "llama2-70b-4096", "output") == Decimal("0.80")
    assert price(wow, "llama2-7b-2048", "input") == Decimal("0.10")
    assert price(wow, "mixtral-8x7b-32768", "input") == Decimal("0.27")
    assert price(wow, "mixtral-8x7b-32768", "output") == Decimal("0.27")
    assert price(wow, "gemma-7b-it", "output") == Decimal("0.10")
    assert len({q.model for q in wow}) == 4 and len(wow) == 8
    p = find_price(wow, "mixtral-8x7b-32768", "input")
    assert p.model_name == "Mixtral, 8x7B SMoE (32K Context Length)"
    assert {(q.currency, q.unit, q.provider) for q in wow} == {("USD", "per 1M tokens", "groq")}


def test_wow_unknown_display_name_raises():
    body = WOW.read_bytes().replace(b"Gemma 7B (8K Context Length)", b"Gemma 9B (8K Context Length)", 1)
    with pytest.raises(ParseError, match=r"unknown Groq model name 'Gemma 9B \(8K Context Length\)'.*row 4"):
        groq.parse(body, WOW_URL)


def test_wow_broken_price_names_row():
    real = WOW.read_bytes()
    body = real.replace(b"$0.27/$0.27", b"$abc/$0.27", 1)
    assert body != real
    with pytest.raises(ParseError) as exc:
        groq.parse(body, WOW_URL)
    msg = str(exc.value)
    assert "'$abc/$0.27'" in msg
    assert "table 0 ('PRICE') row 3 col 'Price per 1M Tokens (Input/Output)'" in msg
    assert WOW_URL in msg


def test_md_token_prices(md):
    assert price(md, "openai/gpt-oss-120b", "input") == Decimal("0.15")
    assert price(md, "openai/gpt-oss-120b", "output") == Decimal("0.60")
    assert price(md, "openai/gpt-oss-20b", "input") == Decimal("0.075")
    assert price(md, "openai/gpt-oss-20b", "output") == Decimal("0.30")
    assert price(md, "qwen/qwen3.6-27b", "output") == Decimal("3.00")
    assert price(md, "qwen/qwen3.8-27b", "input") == Decimal("0.80")
    assert price(md, "meta-llama/llama-prompt-guard-2-86m", "input") == Decimal("0.04")
    assert find_price(md, "openai/gpt-oss-120b", "input").model_name == "GPT OSS 120B"


def test_md_non_token_prices(md):
    w = find_price(md, "whisper-large-v3", "audio_transcription")
    assert (w.amount, w.unit, w.currency) == (Decimal("0.111"), "per hour", "USD")
    assert price(md, "whisper-large-v3-turbo", "audio_transcription") == Decimal("0.04")
    tts = find_price(md, "canopylabs/orpheus-arabic-saudi", "speech_output")
    assert (tts.amount, tts.unit) == (Decimal("40.00"), "per 1M characters")
    assert price(md, "canopylabs/orpheus-v1-english", "speech_output") == Decimal("22.00")


def test_md_contact_sales_and_dash_are_no_rows(md):
    models = {q.model for q in md}
    # ContactSales ("Enterprise" badge between link and id) and "\-" (systems) give no price
    for m in ("llama-3.1-8b-instant", "llama-3.3-70b-versatile", "minimaxai/minimax-m2.7", "groq/compound"):
        assert m not in models
    assert len(models) == 11  # 7 token-priced models + 2 Whisper (per hour) + 2 TTS (per 1M characters)
    assert len(md) == 7 * 2 + 4
    p = find_price(md, "openai/gpt-oss-120b", "output")
    assert p.where == "table 0 ('Production Models') row 3 col 'PRICE PER 1M TOKENS'"


def test_md_broken_price_names_table_row_col():
    real = MD.read_bytes()
    body = real.replace(b"$0.60 input$3.00 output", b"$0.60 input$abc output", 1)
    assert body != real
    with pytest.raises(ParseError) as exc:
        groq.parse(body, MD_URL)
    msg = str(exc.value)
    assert "'$0.60 input$abc output'" in msg
    assert "table 2 ('Preview Models') row 7 col 'PRICE PER 1M TOKENS'" in msg
    assert MD_URL in msg


def test_md_link_and_id_must_agree():
    link = b"(/docs/model/openai/gpt-oss-20b)"
    body = MD.read_bytes().replace(link + b"openai/gpt-oss-20b", link + b"Open AI gpt-oss", 1)
    with pytest.raises(ParseError, match=r"disagrees with link.*row 4 col 'MODEL ID'"):
        groq.parse(body, MD_URL)


def test_html_layout_same_interpreter():
    html = b"""<!DOCTYPE html><html><body><h2>Production Models</h2><table><thead><tr><th>MODEL ID</th>
    <th>SPEED (T/SEC)</th><th>PRICE PER 1M TOKENS</th></tr></thead><tbody>
    <tr><td><a href="/docs/model/llama-3.1-8b-instant"><img alt="Meta">Llama 3.1 8B</a><span>Enterprise</span>
    <span>llama-3.1-8b-instant</span></td><td>560</td><td>$0.05 input$0.08 output</td></tr>
    <tr><td><a href="/docs/model/whisper-large-v3">Whisper</a>whisper-large-v3</td><td>-</td>
    <td>$0.111 per hour</td></tr></tbody></table></body></html>"""
    q = groq.SOURCE.read(html, MD_URL).prices
    assert price(q, "llama-3.1-8b-instant", "output") == Decimal("0.08")
    assert find_price(q, "llama-3.1-8b-instant", "input").model_name == "Llama 3.1 8B"
    assert price(q, "whisper-large-v3", "audio_transcription") == Decimal("0.111")


def test_page_without_prices_raises():
    with pytest.raises(ParseError, match="no prices found"):
        groq.parse(b"# Supported Models\n\nNothing here.\n", MD_URL)


# ---------------------------------------------------------------- crawler rendering, one cell per line (2025-11-03)

KULL = PAGES / "2025-11-03_docs-models_kull-puppeteer.md"


def test_one_cell_per_line_rendering():
    """Before: 'no prices found' (no pipe table). Now the three models tables are read line by line."""
    page = groq.SOURCE.read(KULL.read_bytes(), MD_URL)
    q = page.prices
    assert price(q, "llama-3.1-8b-instant", "input") == Decimal("0.05")
    assert price(q, "llama-3.1-8b-instant", "output") == Decimal("0.08")
    assert price(q, "llama-3.3-70b-versatile", "output") == Decimal("0.79")
    assert price(q, "openai/gpt-oss-120b", "input") == Decimal("0.15")
    assert price(q, "openai/gpt-oss-20b", "input") == Decimal("0.075")
    assert price(q, "moonshotai/kimi-k2-instruct-0905", "output") == Decimal("3.00")
    assert price(q, "qwen/qwen3-32b", "input") == Decimal("0.29")
    whisper = find_price(q, "whisper-large-v3", "audio_transcription")
    assert whisper.amount == Decimal("0.111") and whisper.unit == "per hour"
    tts = find_price(q, "playai-tts", "speech_output")
    assert tts.amount == Decimal("50.00") and tts.unit == "per 1M characters"
    assert find_price(q, "meta-llama/llama-guard-4-12b", "input").model_name == "Llama Guard 4 12B"
    assert len(q) == 28 and len({x.model for x in q}) == 16
    assert {x.where.split(" row")[0] for x in q} == {"table 0 ('Production Models')", "table 2 ('Preview Models')"}
    assert page.findings == []


def test_md_live_form_survives_new_column_new_model_renamed_section(md):
    """The live form (.md export): one unknown column, one new model, one renamed section; the rest unchanged."""
    lines = MD.read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        if line.startswith("| MODEL ID"):
            line = line.rstrip() + " CACHED INPUT |"
        elif line.startswith("| ---") or line.startswith("|---") or line.startswith("| :-"):
            line = line.rstrip() + " --- |"
        elif line.startswith("| [") and "](/docs/model/" in line:
            line = line.rstrip() + " $0.01 |"
        out.append(line)
        if "llama-3.3-70b-versatile" in line and line.startswith("| ["):
            out.append("| [Llama 5 8B](/docs/model/llama-5-8b)llama-5-8b | 900 | $0.07 input$0.09 output | - | 131,072 "
                       "| 8,192 | - | $0.01 |")
    edited = "\n".join(out).replace("## [Production Models](#production-models)", "## [Models in Production](#p)")
    assert edited.count("CACHED INPUT") == 3 and "Production Models" not in edited
    after = groq.SOURCE.read(edited.encode(), MD_URL)
    key = lambda x: (x.model, x.price_kind, x.unit, x.amount)  # noqa: E731
    assert {key(x) for x in md} < {key(x) for x in after.prices}
    assert {key(x) for x in after.prices} - {key(x) for x in md} == {
        ("llama-5-8b", "input", "per 1M tokens", Decimal("0.07")), ("llama-5-8b", "output", "per 1M tokens", Decimal("0.09"))}
    assert [(f.kind, f.text) for f in after.findings] == [("unknown_column", "CACHED INPUT")] * 3
