"""Anthropic's API pricing page (platform.claude.com / docs.claude.com) -> prices.

Two layers, kept apart:

1. document -> tables: :func:`pipelines.sources.reader.html_tables` for the served HTML page,
   :func:`pipelines.sources.reader.markdown_tables` for the provider's ``.md`` copy of the same page, or
   :func:`_text_tables` for the 2024 text rendering (a document without any pipe table);
2. tables -> prices: :func:`_interpret`, which only reads :class:`~pipelines.sources.reader.Table` objects (plus the
   prose of a table's section, needed to know which models a long-context table applies to).

The parse returns a :class:`~pipelines.sources.base.ParsedPage`. Model names map to API ids through
:data:`MODEL_ID_ALIASES`, the Claude 4.x rule, and for later generations Anthropic's naming rule
(``Claude Fable 5`` -> ``claude-fable-5``), each such id reported as a ``model_id_rule`` finding; a second line in
a model cell (``through August 31, 2026`` / ``starting September 1, 2026``) is the ``conditions`` of its prices. A
price column the vocabulary (:func:`pipelines.sources.reader.header_kind`) does not know, and a per-model MTok table
of no known layout, are findings; the rest of the page loads.

Tables read (recognised by their header row, not by position):

- ``Model | Base Input Tokens | 5m Cache Writes | 1h Cache Writes | Cache Hits & Refreshes | Output Tokens``
  -> standard tier ``input``, ``cache_write_5m``, ``cache_write_1h``, ``cache_read``, ``output``;
- ``Model | Batch input | Batch output`` -> ``service_tier='batch'`` ``input`` / ``output``;
- ``≤ 200K input tokens | > 200K input tokens`` (Long context pricing, in the 2025 copy): one set of prices
  for the models the section's prose names ("When using Claude Sonnet 4 or Sonnet 4.5 with the 1M token
  context window ..."). The ``>`` column is emitted with ``tier_min_tokens`` = the threshold in its header
  (200K -> 200000); the ``≤`` column must equal the named models' base prices, which it repeats.
  The 2026 page has no such table: its Long context section says Opus 4.7/4.6 and Sonnet 4.6 get the 1M
  window at standard prices, so nothing is emitted for it.

- ``SKU | Rate | Metering`` (Claude Managed Agents, 2026): ``Session runtime | $0.08 per session-hour`` -> a
  non-token price, ``price_kind='session_runtime'``, unit ``per session-hour``, model = the product as the page
  names it in the section heading ("Claude Managed Agents pricing" -> ``Claude Managed Agents``).

Prices in prose (both the HTML page and its Markdown copy, :func:`_prose_prices`): web search ``$10 per 1,000
searches`` (model ``web_search``, kind ``web_search``, unit ``per 1K searches``) and code execution ``$0.05 per
hour, per container`` (model ``code_execution``, kind ``tool_call``, unit ``per hour``; the free hours are a
quota, kept in ``conditions``).

Tables deliberately not read: Prompt caching (multipliers, no prices), Fast mode pricing (an Opus 4.6
research-preview speed premium; "fast" is no service tier of the warehouse), tool-use token counts, the Managed
Agents "Tokens" modifier table (no prices) and the worked examples (calculations, not list prices).

The RSC flight payload (``self.__next_f.push``) repeats the tables; it is not read.

A third layout, the 2024 anthropic.com/api **text rendering** (no tables: bulleted ``Input: $15 / MTok`` under
``CLAUDE 3 PRICING`` family headings HAIKU / SONNET / OPUS, and ``LEGACY MODEL PRICING`` items CLAUDE 2.1 /
CLAUDE 2.0 / CLAUDE INSTANT), is turned into ``Model | Input | Output`` tables by :func:`_text_tables` and read by
the same :func:`_read_model_table`; names map to the API ids of that time through :data:`MODEL_ID_ALIASES`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from bs4 import NavigableString, Tag

from pipelines.sources.base import ParsedPage, ParsedPrice, ParseError, Source, clean_text, parse_money, seller_price
from pipelines.sources.reader import (
    CellError,
    Findings,
    Table,
    header_kind,
    html_tables,
    markdown_tables,
    read_price,
    sniff,
    token_range,
)

PROVIDER = "anthropic"
UNIT = "per 1M tokens"  # Anthropic writes "MTok" = one million tokens

#: Display names whose API id does not follow :func:`_rule_id` (the Claude 3.x generation puts the family
#: after the version and has no undated id). Source: Anthropic's models overview,
#: https://docs.claude.com/en/docs/about-claude/models/overview (tables "Latest models" / "Legacy models",
#: column "Claude API ID").
MODEL_ID_ALIASES: dict[str, str] = {
    "Claude Sonnet 3.7": "claude-3-7-sonnet-20250219",
    "Claude Sonnet 3.5": "claude-3-5-sonnet-20241022",
    "Claude Haiku 3.5": "claude-3-5-haiku-20241022",
    "Claude Opus 3": "claude-3-opus-20240229",
    "Claude Sonnet 3": "claude-3-sonnet-20240229",
    "Claude Haiku 3": "claude-3-haiku-20240307",
    # The 2024 anthropic.com/api page ("CLAUDE 3 PRICING": family headings HAIKU / SONNET / OPUS under the Claude 3
    # heading; "LEGACY MODEL PRICING": CLAUDE 2.1 / CLAUDE 2.0 / CLAUDE INSTANT). Ids as Anthropic's models
    # overview of that time listed them (https://docs.anthropic.com/claude/docs/models-overview, "Model names":
    # Claude 3 Opus claude-3-opus-20240229, Claude 3 Sonnet claude-3-sonnet-20240229, Claude 3 Haiku
    # claude-3-haiku-20240307; legacy: Claude 2.1 claude-2.1, Claude 2.0 claude-2.0, Claude Instant 1.2
    # claude-instant-1.2 -- the only Claude Instant on the API in 2024).
    "Claude 3 Haiku": "claude-3-haiku-20240307",
    "Claude 3 Sonnet": "claude-3-sonnet-20240229",
    "Claude 3 Opus": "claude-3-opus-20240229",
    "Claude 2.1": "claude-2.1",
    "Claude 2.0": "claude-2.0",
    "Claude Instant": "claude-instant-1.2",
}

#: server tools priced in the page's prose -> the tool ``name`` used in API requests (tool docs:
#: https://docs.claude.com/en/docs/agents-and-tools/tool-use/web-search-tool, .../code-execution-tool).
TOOL_IDS: dict[str, str] = {"web search": "web_search", "code execution": "code_execution"}

# header words of the "Model pricing" table beyond the shared vocabulary (reader.HEADER_KINDS reads Base Input
# Tokens, 5m/1h Cache Writes, Cache Hits & Refreshes, Output Tokens) and of the Batch table
_BATCH_COLS = {"batch input": "input", "batch output": "output"}
_LABEL = re.compile(r"^(?:([A-Za-z][A-Za-z ]*?)\s*:\s*)?\$")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_FOOTNOTE = re.compile(r"(\s*(\[\^?\d+\]|[*†‡¹²³⁴⁵⁶⁷⁸⁹⁰]+))+$")
_PAREN_NOTE = re.compile(r"\s*\([^()]*\)")
_RULE = re.compile(r"^Claude (Opus|Sonnet|Haiku) (\d+)(?:\.(\d+))?$")
#: Anthropic's naming rule for the Claude 4 generation on (models overview: ``claude-opus-4-7``,
#: ``claude-sonnet-4-5``, ``claude-haiku-4-5``): ``claude-<family>-<major>[-<minor>]``, lowercase. A name of that
#: shape not in the alias map or the 4.x rule gets its id so, reported as a ``model_id_rule`` finding.
_NEW_NAME = re.compile(r"^Claude ([A-Z][a-z]+) (\d+)(?:\.(\d+))?$")
_PROSE_MODEL = re.compile(r"\b(?:Claude\s+)?(Opus|Sonnet|Haiku)\s+(\d+(?:\.\d+)?)\b")


def parse(body: bytes, url: str) -> ParsedPage:
    """Prices on Anthropic's pricing page, served HTML or its Markdown copy (chosen by the content). A model name
    derived by the naming rule, and a price column the vocabulary does not know, are findings."""
    text = body.decode("utf-8", errors="replace")
    found = Findings()
    if sniff(body) == "html":
        tables = html_tables(body)
        prose = _html_section_prose
        product = _html_product
        page_text = _html_page_text(body)
    else:
        tables = markdown_tables(text)
        if not tables:  # the 2024 anthropic.com/api text rendering: bulleted prices, no tables
            return found.page(_interpret_text(_text_tables(text, url), url, found), url)

        def prose(t: Table) -> str:
            return _markdown_section_prose(text, t)

        def product(t: Table) -> str:
            return _markdown_product(text, t)

        page_text = clean_text(_MD_LINK.sub(r"\1", text).replace("**", ""))

    return found.page(_interpret(tables, url, prose, product, found) + _prose_prices(page_text, url), url)


# ---------------------------------------------------------------- tables -> prices


def _interpret(
    tables: list[Table], url: str, prose: Callable[[Table], str], product: Callable[[Table], str], found: Findings
) -> list[ParsedPrice]:
    out: list[ParsedPrice] = []
    base: dict[tuple[str, str], Decimal] = {}  # (display name w/o notes, kind) -> standard price
    long_tables: list[Table] = []
    seen_model_pricing = False
    for t in tables:
        header = [_norm_header(h) for h in t.header]
        if not header:
            continue
        if header[0] == "model" and "base input tokens" in header:
            seen_model_pricing = True
            rows = _read_model_table(t, url, None, "standard", found)
            for p in rows:
                base[(_strip_notes(p.model_name), p.price_kind)] = p.amount
            out += rows
        elif header[0] == "model" and "batch input" in header:
            out += _read_model_table(t, url, _BATCH_COLS, "batch", found)
        elif any(_long_threshold(h) for h in t.header):
            long_tables.append(t)
        elif header[:2] == ["sku", "rate"]:
            out += _read_sku_table(t, url, product(t))
        elif "fast mode" in t.heading.lower():
            continue  # a speed premium, no service tier of the warehouse (module docstring)
        elif header[0] == "model" and _has_mtok(t):
            # a per-model price table we do not know: reported, its prices not loaded (never guessed)
            found.add("unknown_section", t.where(), t.heading or " | ".join(t.header))
    for t in long_tables:
        out += _read_long_context(t, url, prose(t), base, found)
    if not seen_model_pricing:
        raise ParseError("no 'Model pricing' table (header 'Model | Base Input Tokens | ...') found", url=url)
    if not out:
        raise ParseError("no prices found", url=url)
    return out


def _read_model_table(
    t: Table, url: str, cols: dict[str, str] | None, tier: str, found: Findings
) -> list[ParsedPrice]:
    """A ``Model | <price columns>`` table: columns by header name (``cols``, or the shared vocabulary when None);
    an unknown column is a finding. A model cell's second line (``Claude Sonnet 5`` / ``through August 31, 2026``)
    is a condition of its prices."""
    header = [_norm_header(h) for h in t.header]
    kinds: dict[int, str] = {}
    for c, h in enumerate(header[1:], start=1):
        kind = cols.get(h) if cols is not None else header_kind(h)
        if kind is None:
            found.add("unknown_column", t.where(col=t.header[c]), t.header[c])
            continue
        kinds[c] = kind
    out: list[ParsedPrice] = []
    for r, row in enumerate(t.body, start=1):
        first, _, qualifier = row[0].partition("\n")
        shown = _display_name(first)
        qualifier = clean_text(qualifier) or None
        if not shown:
            raise ParseError("empty model cell", url=url, where=t.where(r, t.header[0]))
        model = _model_id(shown, url, t.where(r, t.header[0]), found)
        for c, kind in kinds.items():
            where = t.where(r, t.header[c])
            cell = _read_price_cell(row[c], url, where)
            if cell is None:
                continue
            label, amount, currency = cell
            if label is not None:
                raise ParseError(f"unexpected label {label!r} in price cell {row[c]!r}", url=url, where=where)
            out.append(
                seller_price(PROVIDER, currency, model, shown, kind, amount, UNIT, where, qualifier,
                             service_tier=tier)
            )
    return out


def _read_long_context(
    t: Table, url: str, section_prose: str, base: dict[tuple[str, str], Decimal], found: Findings
) -> list[ParsedPrice]:
    """A model-less long-context table; the models it applies to are named in the prose above it."""
    long_col = next(c for c, h in enumerate(t.header) if _long_threshold(h))
    threshold = _long_threshold(t.header[long_col])
    short_col = next((c for c, h in enumerate(t.header) if (token_range(h) or (1, None))[:1] == (0,)), None)
    names = []
    for fam, ver in _PROSE_MODEL.findall(section_prose):
        name = f"Claude {fam} {ver}"
        if name not in names:
            names.append(name)
    if not names:
        raise ParseError("long-context table but its section names no model", url=url, where=t.where())
    out: list[ParsedPrice] = []
    for r, row in enumerate(t.body, start=1):
        cells = {}
        for c in (long_col, short_col):
            if c is None:
                continue
            where = t.where(r, t.header[c])
            cell = _read_price_cell(row[c], url, where)
            if cell is None:
                continue
            label, amount, currency = cell
            kind = {"input": "input", "output": "output"}.get((label or "").strip().lower())
            if kind is None:
                raise ParseError(f"cannot tell input/output from cell {row[c]!r}", url=url, where=where)
            cells[c] = (kind, amount, currency, where)
        if short_col is not None and short_col in cells:
            kind, amount, _, where = cells[short_col]
            for name in names:
                if (name, kind) not in base:
                    raise ParseError(f"long-context prose names {name!r}, not in 'Model pricing'", url=url, where=where)
                if base[(name, kind)] != amount:
                    raise ParseError(
                        f"short-context {kind} {amount} differs from {name!r} base price {base[(name, kind)]}",
                        url=url,
                        where=where,
                    )
        if long_col in cells:
            kind, amount, currency, where = cells[long_col]
            for name in names:
                out.append(
                    seller_price(PROVIDER, currency, _model_id(name, url, where, found), name, kind, amount, UNIT,
                                 where, clean_text(t.header[long_col]), tier_min_tokens=threshold)
                )
    return out


_SKU_RATE = re.compile(r"^(?P<money>\$\s*\d[\d,]*(?:\.\d+)?)\s+per\s+(?P<unit>[a-z][a-z -]*)$", re.I)
#: SKU (as the page names it) -> price_kind of a non-token price
_SKU_KINDS = {"session runtime": "session_runtime"}


def _read_sku_table(t: Table, url: str, product: str) -> list[ParsedPrice]:
    """``SKU | Rate | Metering`` (Claude Managed Agents): ``Session runtime | $0.08 per session-hour | …``.

    A non-token price: kind from :data:`_SKU_KINDS`, unit ``per <thing>`` as written (``per session-hour``),
    model = the product the section prices, as the page names it ("Claude Managed Agents", from the heading
    "Claude Managed Agents pricing"; the product has no API model id).
    """
    if not product:
        raise ParseError("SKU table outside a '<product> pricing' section", url=url, where=t.where())
    out: list[ParsedPrice] = []
    for r, row in enumerate(t.body, start=1):
        sku = clean_text(row[0])
        where = t.where(r, t.header[1])
        kind = _SKU_KINDS.get(sku.lower())
        if kind is None:
            raise ParseError(f"unknown SKU {sku!r}", url=url, where=t.where(r, t.header[0]))
        m = _SKU_RATE.match(clean_text(row[1]))
        money = parse_money(m.group("money")) if m else None
        if money is None:
            raise ParseError(f"cannot read rate {row[1]!r} (expected '$<amount> per <unit>')", url=url, where=where)
        metering = clean_text(row[2]) if len(row) > 2 else ""
        out.append(
            seller_price(PROVIDER, money[1], product, f"{product}: {sku}", kind, money[0],
                         f"per {m.group('unit').lower()}", where, f"metering: {metering}" if metering else None)
        )
    return out


# prices stated in sentences (both the HTML page and its Markdown copy); worked examples are not read
_PROSE_WEB_SEARCH = re.compile(
    r"Web search is available on the Claude API for \$(?P<a>\d[\d,]*(?:\.\d+)?) per 1,000 searches"
)
_PROSE_CODE_EXEC = re.compile(
    r"(?P<free>Each organization receives [\d,]+ free hours of usage[^.]*?)\.?\s+"
    r"Additional usage beyond (?:the first )?(?P<hours>[\d,]+) hours is "
    r"billed at \$(?P<a>\d[\d,]*(?:\.\d+)?)(?: USD)? per hour, per container"
)


def _prose_prices(text: str, url: str) -> list[ParsedPrice]:
    """Server-tool prices the page states in prose: web search ``$10 per 1,000 searches`` (``web_search``, unit
    ``per 1K searches``) and code execution ``$0.05 per hour, per container`` beyond the free hours (``tool_call``,
    ``per hour``; the free allowance is a quota, kept in ``conditions``, not a price). A sentence that mentions
    the price but does not read -> ParseError."""
    out: list[ParsedPrice] = []
    m = _PROSE_WEB_SEARCH.search(text)
    if m:
        where = "prose 'Web search tool'"
        out.append(_tool_price("web search", "web_search", m.group("a"), "per 1K searches", where, None))
    elif "per 1,000 searches" in text:
        raise ParseError("web search price sentence not understood", url=url, where="prose 'Web search tool'")
    m = _PROSE_CODE_EXEC.search(text)
    if m:
        cond = f"per container; {clean_text(m.group('free'))}"
        if "minimum of 5 minutes" in text:
            cond += "; minimum 5 minutes"
        where = "prose 'Code execution tool'"
        out.append(_tool_price("code execution", "tool_call", m.group("a"), "per hour", where, cond))
    elif "per hour, per container" in text:
        raise ParseError("code execution price sentence not understood", url=url, where="prose 'Code execution tool'")
    return out


def _tool_price(tool: str, kind: str, amount: str, unit: str, where: str, conditions: str | None) -> ParsedPrice:
    return seller_price(PROVIDER, "USD", TOOL_IDS[tool], tool.capitalize() + " tool", kind,
                        Decimal(amount.replace(",", "")), unit, where, conditions)


def _read_price_cell(text: str, url: str, where: str) -> tuple[str | None, Decimal, str] | None:
    """``"$0.50 / MTok"`` -> (None, Decimal("0.50"), "USD"); ``"Input: $6 / MTok"`` -> ("Input", 6, USD)
    (:func:`pipelines.sources.reader.read_price`).

    None for an absent price ("-", "Not available", empty). Anything else raises ParseError.
    """
    expected = f"cannot read price cell {text!r} (expected '$<amount> / MTok')"
    s = clean_text(text)
    try:
        cell = read_price(s, allow_label=True)
    except CellError:
        raise ParseError(expected, url=url, where=where) from None
    if cell is None:
        return None
    if s.lower() == "free":
        return None, cell.amount, cell.currency
    m = _LABEL.match(s)
    if m is None or cell.unit != UNIT or cell.currency != "USD" or cell.note != m.group(1):
        raise ParseError(expected, url=url, where=where)  # nothing but "[<label>:] $<amount> / MTok"
    return m.group(1), cell.amount, cell.currency


def _has_mtok(t: Table) -> bool:
    return any("mtok" in c.lower() for row in t.body for c in row)


# ---------------------------------------------------------------- model names


def _display_name(cell: str) -> str:
    """Model cell as shown: Markdown links reduced to their text, footnote markers dropped."""
    s = clean_text(_MD_LINK.sub(r"\1", cell).replace("`", ""))
    return _FOOTNOTE.sub("", s).strip()


def _strip_notes(name: str) -> str:
    """``Claude Sonnet 3.7 (deprecated)`` -> ``Claude Sonnet 3.7``."""
    prev = None
    while prev != name:
        prev, name = name, _PAREN_NOTE.sub("", name).strip()
    return name


def _rule_id(name: str) -> str | None:
    """Claude 4.x names: ``Claude Opus 4.7`` -> ``claude-opus-4-7``, ``Claude Opus 4`` -> ``claude-opus-4-0``
    (the ids of the models overview; later generations: :func:`_model_id`)."""
    m = _RULE.match(name)
    if not m or int(m.group(2)) != 4:
        return None
    return f"claude-{m.group(1).lower()}-{m.group(2)}-{m.group(3) or '0'}"


def _model_id(shown: str, url: str, where: str, found: Findings) -> str:
    """The API id of a display name: :data:`MODEL_ID_ALIASES`, else the Claude 4.x rule (:func:`_rule_id`), else
    Anthropic's naming rule for the generations after it (``Claude Fable 5`` -> ``claude-fable-5``), reported as a
    ``model_id_rule`` finding for review. A name of no known shape (``Claude Haiku 3.6``: the 3.x ids carry dates)
    raises ParseError: its id would be a guess."""
    name = _strip_notes(shown)
    model = MODEL_ID_ALIASES.get(name) or _rule_id(name)
    if model is None:
        m = _NEW_NAME.match(name)
        if m is None or int(m.group(2)) < 5 and m.group(1) in ("Opus", "Sonnet", "Haiku") or int(m.group(2)) < 4:
            raise ParseError(f"unknown Anthropic model name {shown!r} (add it to MODEL_ID_ALIASES)", url=url, where=where)
        model = "-".join(x.lower() for x in ("claude", *m.groups()) if x)
        if not any(f.kind == "model_id_rule" and f.text.endswith(f"-> {model}") for f in found):
            found.add("model_id_rule", where, f"{name} -> {model}")  # once per model, at its first row
    return model


# ---------------------------------------------------------------- helpers (generic)


def _norm_header(h: str) -> str:
    return clean_text(h).lower()


def _long_threshold(h: str) -> int | None:
    """``"> 200K input tokens"`` -> 200000 (:func:`pipelines.sources.reader.token_range`: K = 1,000, M = 1,000,000);
    None for a header that is no open-ended long-context tier."""
    r = token_range(h)
    return r[0] if r is not None and r[1] is None and r[0] > 0 else None


def _html_section_prose(t: Table) -> str:
    """Text between the table's nearest preceding heading and the table (HTML)."""
    el = t.element
    if el is None:
        return ""
    parts: list[str] = []
    for node in el.previous_elements:
        if isinstance(node, Tag) and node.name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            break
        if isinstance(node, NavigableString) and not any(p.name in ("script", "style") for p in node.parents):
            parts.append(str(node))
    return clean_text(" ".join(reversed(parts)))


def _markdown_section_prose(text: str, t: Table) -> str:
    """Text between the ``#`` heading named ``t.heading`` and the first pipe-table line after it."""
    lines = text.splitlines()
    out: list[str] = []
    inside = False
    for line in lines:
        m = re.match(r"^\s{0,3}#{1,6}\s+(.*)$", line)
        if m and clean_text(m.group(1)) == t.heading:
            inside, out = True, []
            continue
        if inside:
            if line.lstrip().startswith("|"):
                break
            out.append(line)
    return clean_text(" ".join(out))


def _html_product(t: Table) -> str:
    """Product a table prices: the nearest ``<h2>`` before it, "Claude Managed Agents pricing" -> its name."""
    h = t.element.find_previous("h2") if t.element is not None else None
    return _product_from_heading(clean_text(h.get_text(" ")) if h is not None else "")


def _markdown_product(text: str, t: Table) -> str:
    """Same as :func:`_html_product` for the Markdown copy: the last ``## `` heading before the table's heading."""
    last = ""
    for line in text.splitlines():
        m = re.match(r"^\s{0,3}##\s+(.*)$", line)
        if m:
            last = clean_text(m.group(1))
        m = re.match(r"^\s{0,3}#{1,6}\s+(.*)$", line)
        if m and clean_text(m.group(1)) == t.heading:
            break
    return _product_from_heading(last)


def _product_from_heading(h: str) -> str:
    m = re.match(r"^(.*?)\s+pricing$", h, re.I)
    return m.group(1) if m else ""


def _html_page_text(body: bytes) -> str:
    """Visible text of the HTML page (scripts, styles and the RSC payload dropped), whitespace collapsed."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(body, "lxml")
    for el in soup(["script", "style", "template"]):
        el.decompose()
    return clean_text(soup.get_text(" "))


# ---------------------------------------------------------------- text rendering (anthropic.com/api, 2024)

_TEXT_SECTION = re.compile(r"^CLAUDE (?P<gen>\d+(?:\.\d+)?) PRICING$")
_TEXT_FAMILY = re.compile(r"^(HAIKU|SONNET|OPUS)$")
_TEXT_LEGACY = "LEGACY MODEL PRICING"
_TEXT_LEGACY_MODEL = re.compile(r"^\* (CLAUDE [A-Z0-9. ]+)$")
_TEXT_PRICE = re.compile(r"^\* (?P<label>Input|Output): (?P<cell>.*)$")
_CAPS_LINE = re.compile(r"^[A-Z][A-Z0-9 &.,'-]+$")


def _text_tables(text: str, url: str) -> list[Table]:
    """Bulleted prices of the text rendering -> ``Model | Input | Output`` tables.

    ``CLAUDE 3 PRICING`` then one family heading per model (``HAIKU`` -> "Claude 3 Haiku") with bullets
    ``* Input: $0.25 / MTok`` / ``* Output: $1.25 / MTok``; ``LEGACY MODEL PRICING`` then ``* CLAUDE 2.1`` items
    ("Claude 2.1") with nested bullets. A section ends at the next ALL-CAPS heading it does not know.
    """
    tables: list[Table] = []
    cur: Table | None = None
    gen = ""
    for raw in text.splitlines():
        line = clean_text(raw)
        if not line:
            continue
        m = _TEXT_SECTION.match(line)
        if m or line == _TEXT_LEGACY:
            gen = m.group("gen") if m else ""
            cur = Table(index=len(tables), heading=line, rows=[["Model", "Input", "Output"]])
            tables.append(cur)
            continue
        if cur is None:
            continue
        fam = _TEXT_FAMILY.match(line) if gen else None
        leg = _TEXT_LEGACY_MODEL.match(line) if not gen else None
        if fam or leg:
            name = f"Claude {gen} {fam.group(1).title()}" if fam else leg.group(1).title()
            cur.rows.append([name, "", ""])
            continue
        p = _TEXT_PRICE.match(line)
        if p:
            if len(cur.rows) < 2:
                raise ParseError(f"price bullet {line!r} before any model heading", url=url, where=cur.where())
            col = cur.rows[0].index(p.group("label"))
            if cur.rows[-1][col]:
                where = cur.where(len(cur.rows) - 1, p.group("label"))
                raise ParseError(f"second {p.group('label')} price for {cur.rows[-1][0]!r}", url=url, where=where)
            cur.rows[-1][col] = p.group("cell")
            continue
        if _CAPS_LINE.match(line):
            cur = None  # an unknown ALL-CAPS heading ends the pricing section
    return tables


def _interpret_text(tables: list[Table], url: str, found: Findings) -> list[ParsedPrice]:
    out: list[ParsedPrice] = []
    for t in tables:
        for r, row in enumerate(t.body, start=1):
            if not row[1] and not row[2]:
                raise ParseError(f"model heading {row[0]!r} without prices", url=url, where=t.where(r, "Model"))
        out += _read_model_table(t, url, {"input": "input", "output": "output"}, "standard", found)
    if not out:
        raise ParseError("no prices found (no 'CLAUDE <n> PRICING' section)", url=url)
    return out


SOURCE = Source(
    name="anthropic_pricing",
    provider=PROVIDER,
    urls=("https://platform.claude.com/docs/en/about-claude/pricing",),
    fmt="html",
    parse=parse,
    hosts=("platform.claude.com", "docs.claude.com", "www.anthropic.com"),
    archive_urls=("https://docs.claude.com/en/docs/about-claude/pricing.md", "https://www.anthropic.com/api"),
    description=(
        "Anthropic Claude API pricing page: Model pricing (base input, 5m/1h cache writes, cache hits, output), "
        "Batch processing, and long-context (>200K input tokens) prices where the page lists them. USD per MTok."
    ),
)
