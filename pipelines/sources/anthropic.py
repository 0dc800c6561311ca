"""Anthropic's API pricing page (platform.claude.com / docs.claude.com) -> prices.

Two layers, kept apart:

1. document -> tables: :func:`pipelines.extract.html_tables` for the served HTML page, or
   :func:`pipelines.extract.markdown_tables` for the provider's ``.md`` copy of the same page;
2. tables -> prices: :func:`_interpret`, which only reads :class:`~pipelines.extract.Table` objects (plus the
   prose of a table's section, needed to know which models a long-context table applies to).

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

Tables deliberately not read: Prompt caching (multipliers, no prices), Fast mode pricing (an Opus 4.6
research-preview speed premium; "fast" is no service tier of the warehouse), tool-use token counts, and the
Claude Managed Agents tables (session-hours, worked examples).

The RSC flight payload (``self.__next_f.push``) repeats the tables; it is not read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from bs4 import NavigableString, Tag

from pipelines.extract import Table, html_tables, markdown_tables
from pipelines.sources.base import ParsedPrice, ParseError, Source, clean_text, parse_money

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
}

# header cell (normalised) -> price_kind, for the "Model pricing" table
_MODEL_PRICING_COLS = {
    "base input tokens": "input",
    "5m cache writes": "cache_write_5m",
    "1h cache writes": "cache_write_1h",
    "cache hits & refreshes": "cache_read",
    "output tokens": "output",
}
_BATCH_COLS = {"batch input": "input", "batch output": "output"}

_ABSENT = {"", "-", "—", "–", "n/a", "not available", "not supported"}
_PRICE_CELL = re.compile(
    r"^(?:(?P<label>[A-Za-z][A-Za-z ]*?)\s*:\s*)?(?P<money>\$\s*\d[\d,]*(?:\.\d+)?)\s*/\s*MTok$", re.I
)
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_FOOTNOTE = re.compile(r"(\s*(\[\^?\d+\]|[*†‡¹²³⁴⁵⁶⁷⁸⁹⁰]+))+$")
_PAREN_NOTE = re.compile(r"\s*\([^()]*\)")
_RULE = re.compile(r"^Claude (Opus|Sonnet|Haiku) (\d+)(?:\.(\d+))?$")
_PROSE_MODEL = re.compile(r"\b(?:Claude\s+)?(Opus|Sonnet|Haiku)\s+(\d+(?:\.\d+)?)\b")
_LONG_HEADER = re.compile(r"^>\s*(\d+(?:\.\d+)?)\s*([KM])\s+input tokens$", re.I)
_SHORT_HEADER = re.compile(r"^(?:≤|<=|<)\s*(\d+(?:\.\d+)?)\s*([KM])\s+input tokens$", re.I)


def parse(body: bytes, url: str) -> list[ParsedPrice]:
    """Prices on Anthropic's pricing page, served HTML or its Markdown copy (chosen by the content)."""
    text = body.decode("utf-8", errors="replace")
    if _looks_like_html(text):
        tables = html_tables(body)
        prose = _html_section_prose
    else:
        tables = markdown_tables(text)

        def prose(t: Table) -> str:
            return _markdown_section_prose(text, t)

    return _interpret(tables, url, prose)


def _looks_like_html(text: str) -> bool:
    """Served HTML starts with ``<`` (doctype / ``<html>``); the Markdown copy starts with text or ``#``."""
    head = text.lstrip("\ufeff \t\r\n")[:1000].lower()
    return head.startswith("<") or "<html" in head


# ---------------------------------------------------------------- tables -> prices


def _interpret(tables: list[Table], url: str, prose: Callable[[Table], str]) -> list[ParsedPrice]:
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
            rows = _read_model_table(t, url, _MODEL_PRICING_COLS, "standard")
            for p in rows:
                base[(_strip_notes(p.model_name), p.price_kind)] = p.amount
            out += rows
        elif header[0] == "model" and "batch input" in header:
            out += _read_model_table(t, url, _BATCH_COLS, "batch")
        elif any(_LONG_HEADER.match(h) for h in t.header):
            long_tables.append(t)
        elif header[0] == "model" and _has_mtok(t):
            # a per-model price table we do not know: better to stop than to silently lose its prices
            raise ParseError(f"unrecognised per-model price table with columns {t.header!r}", url=url, where=t.where())
    for t in long_tables:
        out += _read_long_context(t, url, prose(t), base)
    if not seen_model_pricing:
        raise ParseError("no 'Model pricing' table (header 'Model | Base Input Tokens | ...') found", url=url)
    if not out:
        raise ParseError("no prices found", url=url)
    return out


def _read_model_table(t: Table, url: str, cols: dict[str, str], tier: str) -> list[ParsedPrice]:
    header = [_norm_header(h) for h in t.header]
    kinds: dict[int, str] = {}
    for c, h in enumerate(header[1:], start=1):
        if h not in cols:
            raise ParseError(f"unknown column {t.header[c]!r} in price table", url=url, where=t.where(col=t.header[c]))
        kinds[c] = cols[h]
    out: list[ParsedPrice] = []
    for r, row in enumerate(t.body, start=1):
        shown = _display_name(row[0])
        if not shown:
            raise ParseError("empty model cell", url=url, where=t.where(r, t.header[0]))
        model = _model_id(shown, url, t.where(r, t.header[0]))
        for c, kind in kinds.items():
            where = t.where(r, t.header[c])
            cell = _read_price_cell(row[c], url, where)
            if cell is None:
                continue
            label, amount, currency = cell
            if label is not None:
                raise ParseError(f"unexpected label {label!r} in price cell {row[c]!r}", url=url, where=where)
            out.append(
                ParsedPrice(
                    provider=PROVIDER,
                    model=model,
                    model_name=shown,
                    price_kind=kind,
                    amount=amount,
                    currency=currency,
                    unit=UNIT,
                    service_tier=tier,
                    where=where,
                )
            )
    return out


def _read_long_context(
    t: Table, url: str, section_prose: str, base: dict[tuple[str, str], Decimal]
) -> list[ParsedPrice]:
    """A model-less long-context table; the models it applies to are named in the prose above it."""
    long_col = next(c for c, h in enumerate(t.header) if _LONG_HEADER.match(h))
    m = _LONG_HEADER.match(t.header[long_col])
    threshold = _tokens(m.group(1), m.group(2))
    short_col = next((c for c, h in enumerate(t.header) if _SHORT_HEADER.match(h)), None)
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
                    ParsedPrice(
                        provider=PROVIDER,
                        model=_model_id(name, url, where),
                        model_name=name,
                        price_kind=kind,
                        amount=amount,
                        currency=currency,
                        unit=UNIT,
                        tier_min_tokens=threshold,
                        where=where,
                        conditions=clean_text(t.header[long_col]),
                    )
                )
    return out


def _read_price_cell(text: str, url: str, where: str) -> tuple[str | None, Decimal, str] | None:
    """``"$0.50 / MTok"`` -> (None, Decimal("0.50"), "USD"); ``"Input: $6 / MTok"`` -> ("Input", 6, USD).

    None for an absent price ("-", "Not available", empty). Anything else raises ParseError.
    """
    s = clean_text(text)
    if s.lower() in _ABSENT:
        return None
    if s.lower() == "free":
        return None, Decimal(0), "USD"
    m = _PRICE_CELL.match(s)
    money = parse_money(m.group("money")) if m else None
    if money is None:
        raise ParseError(f"cannot read price cell {text!r} (expected '$<amount> / MTok')", url=url, where=where)
    return m.group("label"), money[0], money[1]


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
    """Claude 4+ names: ``Claude Opus 4.7`` -> ``claude-opus-4-7``, ``Claude Opus 4`` -> ``claude-opus-4-0``."""
    m = _RULE.match(name)
    if not m or int(m.group(2)) < 4:
        return None
    return f"claude-{m.group(1).lower()}-{m.group(2)}-{m.group(3) or '0'}"


def _model_id(shown: str, url: str, where: str) -> str:
    name = _strip_notes(shown)
    model = MODEL_ID_ALIASES.get(name) or _rule_id(name)
    if model is None:
        raise ParseError(f"unknown Anthropic model name {shown!r} (add it to MODEL_ID_ALIASES)", url=url, where=where)
    return model


# ---------------------------------------------------------------- helpers (generic)


def _norm_header(h: str) -> str:
    return clean_text(h).lower()


def _tokens(num: str, suffix: str) -> int:
    """``("200", "K")`` -> 200000 (K = 1,000 and M = 1,000,000, as the page's "200K input tokens")."""
    return int(Decimal(num) * {"K": 1000, "M": 1_000_000}[suffix.upper()])


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


SOURCE = Source(
    name="anthropic_pricing",
    provider=PROVIDER,
    urls=("https://platform.claude.com/docs/en/about-claude/pricing",),
    fmt="html",
    parse=parse,
    hosts=("platform.claude.com", "docs.claude.com"),
    description=(
        "Anthropic Claude API pricing page: Model pricing (base input, 5m/1h cache writes, cache hits, output), "
        "Batch processing, and long-context (>200K input tokens) prices where the page lists them. USD per MTok."
    ),
)
