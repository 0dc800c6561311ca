"""Groq (GroqCloud) API prices -> prices.

Two pages, one interpreter:

- **console.groq.com/docs/models** (live; Markdown published by Groq's docs, or its HTML): pipe tables
  ``MODEL ID | SPEED (T/SEC) | PRICE PER 1M TOKENS | RATE LIMITS … | CONTEXT WINDOW …`` under "Production
  Models", "Production Systems", "Preview Models". The model cell is the linked display name with the API id
  glued after it: ``[![Meta](logo)Llama 3.1 8B](/docs/model/llama-3.1-8b-instant)Enterprisellama-3.1-8b-instant``
  (an optional badge such as ``Enterprise`` sits between link and id). The id is read after the link; where the
  link is ``/docs/model/<id>`` it must agree. Price cells: ``$0.15 input$0.60 output`` (per 1M tokens, the
  column header), ``$0.111 per hour`` (Whisper speech-to-text: ``audio_transcription``, unit ``per hour``),
  ``$40.00 per 1M characters`` (text-to-speech: ``speech_output``, ``per 1M characters``); ``ContactSales``
  and ``\\-`` -> no row (not a list price).
- **wow.groq.com** (archive, early 2024, text rendering): one table flattened into text lines,
  ``Model Current Speed Price per 1M Tokens (Input/Output) Llama 2 70B (4096 Context Length) ~300 tokens/s
  $0.70/$0.80 …``. :func:`_text_tables` joins the lines and cuts one row at each ``$in/$out`` price; the page
  shows display names only, so the id comes from :data:`WOW_MODEL_IDS`.

Both become :class:`~pipelines.sources.reader.Table` objects (document -> tables) that :func:`_interpret` reads
(tables -> prices). USD. Not read: speed and rate-limit columns (not prices), the Featured cards (no prices).
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

from bs4 import Tag

from pipelines.sources.reader import Table, cell_text, html_tables, is_absent, markdown_tables
from pipelines.sources.base import (
    Finding, ParsedPage, ParsedPrice, ParseError, Source, clean_text, seller_price,
)

PROVIDER = "groq"

#: wow.groq.com (early 2024) display names -> GroqCloud model ids of that time. The page shows no ids; the ids
#: are the ones GroqCloud's model list (https://console.groq.com/docs/models, Feb-Apr 2024) gave for these
#: models: "LLaMA2-70b-chat: llama2-70b-4096", "Mixtral-8x7b-Instruct-v0.1: mixtral-8x7b-32768",
#: "Gemma 7B (8K): gemma-7b-it", plus "llama2-7b-2048" (listed in API clients of the time next to the page's
#: "$0.10/$0.10" price), and the Llama 3 ids added on 2024-04-18 (llama3-8b-8192, llama3-70b-8192). The context
#: length in the display name is the suffix of the id. A name not in this table -> ParseError.
WOW_MODEL_IDS: dict[str, str] = {
    "Llama 2 70B (4096 Context Length)": "llama2-70b-4096",
    "Llama 2 7B (2048 Context Length)": "llama2-7b-2048",
    "Mixtral, 8x7B SMoE (32K Context Length)": "mixtral-8x7b-32768",
    "Gemma 7B (8K Context Length)": "gemma-7b-it",
    "Llama 3 70B (8K Context Length)": "llama3-70b-8192",
    "Llama 3 8B (8K Context Length)": "llama3-8b-8192",
}

#: "Contact sales" instead of a price: not a list price, no row (besides the reader's absent markers).
NOT_LISTED = frozenset({"contactsales", "contact sales"})
_MODEL_ID = re.compile(r"^[a-z0-9][A-Za-z0-9._/-]*$")
_MD_LINK_END = re.compile(r"\]\((?P<href>[^)]*)\)")
_BADGE = re.compile(r"^(?:[A-Z][a-z]+\s*)+(?=[a-z0-9])")
# "$0.15 input$0.60 output"
_IN_OUT = re.compile(r"^\$(?P<i>\d[\d,]*(?:\.\d+)?)\s*input\s*\$(?P<o>\d[\d,]*(?:\.\d+)?)\s*output$", re.I)
# "$0.70/$0.80" (wow.groq.com: input/output)
_SLASH = re.compile(r"^\$(?P<i>\d[\d,]*(?:\.\d+)?)\s*/\s*\$(?P<o>\d[\d,]*(?:\.\d+)?)$")
# "$0.111 per hour", "$40.00 per 1M characters"
_PER_UNIT = re.compile(r"^\$(?P<a>\d[\d,]*(?:\.\d+)?)\s+per\s+(?P<unit>hour|1M characters)$", re.I)
_NON_TOKEN = {"hour": ("audio_transcription", "per hour"), "1m characters": ("speech_output", "per 1M characters")}


def parse(body: bytes, url: str) -> ParsedPage:
    """Prices on Groq's models page (Markdown or HTML) or the 2024 wow.groq.com text rendering."""
    text = body.decode("utf-8", errors="replace")
    head = text.lstrip("\ufeff \t\r\n")[:1000].lower()
    if head.startswith("<") or "<html" in head:
        tables = _html_tables_with_links(body)
    else:
        tables = markdown_tables(text) or _line_tables(text) or _text_tables(text, url)
    # headings of the Markdown copy are links ("[Production Models](#production-models)"): keep their text
    tables = [dataclasses.replace(t, heading=re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", t.heading)) for t in tables]
    findings: list[Finding] = []
    out = _interpret(tables, url, findings)
    if not out:
        raise ParseError("no prices found (no 'MODEL ID | … | PRICE PER 1M TOKENS' table)", url=url)
    return ParsedPage(prices=out, findings=findings)


# ---------------------------------------------------------------- tables -> prices


#: columns of the models tables that hold no price (read: the model id and the price column only).
KNOWN_COLUMNS = ("model id", "model", "speed", "current speed", "price per 1m tokens", "rate limits", "context window",
                 "max completion tokens", "max file size")


def _interpret(tables: list[Table], url: str, findings: list[Finding]) -> list[ParsedPrice]:
    out: list[ParsedPrice] = []
    for t in tables:
        header = [clean_text(h).lower() for h in t.header]
        if not header or header[0] not in ("model id", "model"):
            continue
        price_col = next((c for c, h in enumerate(header) if h.startswith("price per 1m tokens")), None)
        if price_col is None:
            continue
        for c, h in enumerate(header):  # a column the reader does not know (a new price?) is reported
            if not h.startswith(KNOWN_COLUMNS):
                findings.append(Finding("unknown_column", t.where(col=t.header[c]), t.header[c]))
        wow = header[0] == "model"  # the 2024 page: display names, "$in/$out"
        for r, row in enumerate(t.body, start=1):
            mwhere = t.where(r, t.header[0])
            if wow:
                shown = clean_text(row[0])
                model = WOW_MODEL_IDS.get(shown)
                if model is None:
                    raise ParseError(f"unknown Groq model name {shown!r} (add it to WOW_MODEL_IDS)", url=url, where=mwhere)
            else:
                shown, model = _model_cell(row[0], url, mwhere)
            where = t.where(r, t.header[price_col])
            for kind, amount, unit in _price_cell(row[price_col], wow, url, where):
                out.append(
                    seller_price(PROVIDER, "USD", model, shown, kind, amount, unit, where)
                )
    return out


def _price_cell(text: str, wow: bool, url: str, where: str) -> list[tuple[str, Decimal, str]]:
    s = clean_text(text).replace("\\$", "$")
    if is_absent(s, NOT_LISTED):
        return []
    m = (_SLASH if wow else _IN_OUT).match(s)
    if m:
        return [
            ("input", Decimal(m.group("i").replace(",", "")), "per 1M tokens"),
            ("output", Decimal(m.group("o").replace(",", "")), "per 1M tokens"),
        ]
    m = _PER_UNIT.match(s)
    if m and not wow:
        kind, unit = _NON_TOKEN[m.group("unit").lower()]
        return [(kind, Decimal(m.group("a").replace(",", "")), unit)]
    expected = "'$<in>/$<out>'" if wow else "'$<in> input$<out> output', '$<x> per hour' or '$<x> per 1M characters'"
    raise ParseError(f"cannot read price cell {text!r} (expected {expected})", url=url, where=where)


def _model_cell(cell: str, url: str, where: str) -> tuple[str, str]:
    """``[![Meta](logo)Llama 3.1 8B](/docs/model/llama-3.1-8b-instant)Enterprisellama-3.1-8b-instant``
    -> ("Llama 3.1 8B", "llama-3.1-8b-instant")."""
    s = clean_text(cell)
    links = list(_MD_LINK_END.finditer(s))
    if not links:
        raise ParseError(f"model cell without link {cell!r}", url=url, where=where)
    last = links[-1]
    href = last.group("href")
    shown = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", s[: last.start()]).lstrip("[").strip()
    tail = s[last.end() :].strip()
    m = re.match(r"^/docs/model/(.+)$", href)
    if m and not tail.endswith(m.group(1)):
        raise ParseError(f"model id after the link disagrees with link {href!r} in {cell!r}", url=url, where=where)
    if m:
        model = m.group(1)
        badge = tail[: -len(model)].strip()
        if badge and not re.fullmatch(r"(?:[A-Z][a-z]+\s*)+", badge):
            raise ParseError(f"unexpected text {badge!r} before model id in {cell!r}", url=url, where=where)
    else:
        model = _BADGE.sub("", tail)
    if not _MODEL_ID.match(model):
        raise ParseError(f"cannot read model id from {cell!r}", url=url, where=where)
    return shown or model, model


# ---------------------------------------------------------------- document -> tables


def _html_tables_with_links(body: bytes) -> list[Table]:
    """HTML tables, with the first cell of each body row rewritten as ``[text](href)tail`` like the Markdown copy,
    so the link (display name) and the id after it stay apart."""
    tables = html_tables(body)
    for t in tables:
        if t.element is None:
            continue
        trs = [tr for tr in t.element.find_all("tr") if tr.find_parent("table") is t.element]
        for r, tr in enumerate(trs[: len(t.rows)]):
            if r < t.header_rows:
                continue
            td = tr.find(["td", "th"])
            a = td.find("a", href=True) if isinstance(td, Tag) else None
            if a is None:
                continue
            after = "".join(
                x.get_text(" ") if isinstance(x, Tag) else str(x) for x in a.next_siblings
            )
            t.rows[r][0] = f"[{cell_text(a)}]({a['href']}){clean_text(after)}"
    return tables


_ROW_START = re.compile(r"^\[.*\]\(/docs/model/[^)]*\)")
_LINE_HEADING = re.compile(r"^#{1,6}\s+(.*)$")


def _line_tables(text: str) -> list[Table]:
    """The models tables of a crawler rendering that writes one cell per line (Puppeteer capture of 2025-11).

    A table starts at a line ``MODEL ID`` followed by the other header cells, one per line; each body row starts at
    the model cell (``[![…](logo)Name](/docs/model/<id>)<id>``) and runs to the next row, heading or table. Empty
    cells leave no line, so the row's cells cannot be placed by position: its price cell is the one line of the
    row that starts with ``$`` (no other column of this table holds money), none -> no price.
    """
    lines = [clean_text(x) for x in text.splitlines()]
    out: list[Table] = []
    heading = ""
    i = 0
    while i < len(lines):
        h = _LINE_HEADING.match(lines[i])
        if h:
            heading = h.group(1)
        if lines[i] != "MODEL ID":
            i += 1
            continue
        header = ["MODEL ID"]
        i += 1
        while i < len(lines) and not _ROW_START.match(lines[i]) and not _LINE_HEADING.match(lines[i]):
            if lines[i]:
                header.append(lines[i])
            i += 1
        if "PRICE PER 1M TOKENS" not in header:
            continue
        rows: list[list[str]] = []
        while i < len(lines) and lines[i] != "MODEL ID" and not _LINE_HEADING.match(lines[i]):
            if _ROW_START.match(lines[i]):
                rows.append([lines[i], ""])
            elif rows and lines[i].startswith("$") and not rows[-1][1]:
                rows[-1][1] = lines[i]
            i += 1
        out.append(Table(index=len(out), heading=heading, rows=[["MODEL ID", "PRICE PER 1M TOKENS"], *rows]))
    return out


_WOW_HEADER = "Model Current Speed Price per 1M Tokens (Input/Output)"
_WOW_ROW_END = re.compile(r"\$\S*/\$\S+")
_WOW_ROW = re.compile(r"^(?P<name>.+?\)) (?P<speed>~?[\d,]+ tokens/s) (?P<price>\$\S*/\$\S+)$")


def _text_tables(text: str, url: str) -> list[Table]:
    """The wow.groq.com price table of the text rendering: header line, then rows run together until a blank line.

    Rows are cut at each ``$in/$out`` price; each row is ``<name> (<context>) ~<speed> tokens/s $in/$out``.
    """
    out: list[Table] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if not lines[i].strip().startswith(_WOW_HEADER):
            i += 1
            continue
        block = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i].strip())
            i += 1
        s = clean_text(" ".join(block))[len(_WOW_HEADER) :].strip()
        t = Table(
            index=len(out), heading="PRICE", rows=[["Model", "Current Speed", "Price per 1M Tokens (Input/Output)"]]
        )
        start = 0
        for m in _WOW_ROW_END.finditer(s):
            chunk = s[start : m.end()].strip()
            start = m.end()
            row = _WOW_ROW.match(chunk)
            if row is None:
                raise ParseError(f"cannot read table row {chunk!r}", url=url, where=t.where(len(t.rows)))
            t.rows.append([row.group("name"), row.group("speed"), row.group("price")])
        if s[start:].strip():
            raise ParseError(f"unread text {s[start:].strip()!r}", url=url, where=t.where(len(t.rows)))
        out.append(t)
    return out


SOURCE = Source(
    name="groq_pricing",
    provider=PROVIDER,
    urls=("https://console.groq.com/docs/models.md",),
    fmt="markdown",
    parse=parse,
    hosts=("console.groq.com", "wow.groq.com"),
    description=(
        "GroqCloud models page: input/output USD per 1M tokens per model id, Whisper per hour of audio, TTS per "
        "1M characters. The early-2024 wow.groq.com price table is read from its capture."
    ),
    archive_urls=("https://wow.groq.com/",),
    live_form="markdown (the docs page's .md export)",
    live_proof="groq/undated-8629b627_console-groq-docs-models.md",
)
