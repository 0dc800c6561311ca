"""Google Gemini API pricing page (https://ai.google.dev/gemini-api/docs/pricing) -> prices.

Page shape (Google devsite HTML):

- one ``<div class="heading-group">`` per model: ``<h2 id="gemini-…">Display name</h2>`` followed by
  ``<em><code>api-model-id</code> and <code>other-id</code></em>``. The ``<code>`` texts are the API model
  ids; every id listed shares the section's prices, so each gets its own rows. The ``h2`` text is the
  ``model_name``.
- then either one ``<table class="pricing-table">`` or a ``<div class="ds-selector-tabs">`` whose direct
  ``<section>`` children each hold an ``<h3>`` tab label (``Standard`` / ``Batch`` / ``Flex`` / ``Priority``)
  and one table. A table outside tabs is the standard tier.
- columns ``Free Tier`` (a free quota, ignored entirely) and ``Paid Tier, per 1M tokens in USD`` (read).
  Tables whose paid column is priced per image / per second / per request (Imagen, Veo, Lyria) are not
  token prices and are skipped.
- rows ``Input price``, ``Output price (including thinking tokens)``, ``Context caching price`` (and, for
  embeddings, ``Text/Image/Audio input price``). Grounding, tools, storage, tuning and "used to improve"
  rows are not token prices and are skipped. ``Video input price`` (embeddings) has no price kind yet and
  is skipped.
- a paid cell holds one price per line (``<br>``). A line is ``$2.00, prompts <= 200k tokens`` (long-context
  tier, cliff), ``$0.50 (text / image / video)`` / ``$1.00 (audio)`` (modality), or
  ``$0.025 / 1,000,000 tokens (audio)``. Lines for storage (``per hour``), per-image / per-minute
  equivalents (``per 1K image*``, ``$0.0006 (image)*`` whose footnote defines it per image, ``or
  $0.005/min``) and notes (``Same as Standard, …``) are skipped. Any other line that cannot be read
  raises :class:`ParseError`.

The table grid comes from :func:`pipelines.extract.html_tables`; this module only interprets it.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from bs4 import Tag

from pipelines.extract import Table, html_tables
from pipelines.sources.base import ParsedPrice, ParseError, Source, clean_text, parse_money

PROVIDER = "google"
UNIT = "per 1M tokens"

_TABS = {"standard": "standard", "batch": "batch", "flex": "flex", "priority": "priority"}

# row label (lowercase, footnote stars removed) -> price kind family; None = known non-token row.
_ROW_KINDS: list[tuple[re.Pattern[str], str | None]] = [
    (re.compile(r"^input price\b"), "input"),
    (re.compile(r"^output price\b"), "output"),
    (re.compile(r"^context caching price\b"), "cache_read"),
    (re.compile(r"^text input price\b"), "input"),
    (re.compile(r"^image input price\b"), "input_image"),
    (re.compile(r"^audio input price\b"), "input_audio"),
]

_NONE = re.compile(r"^(?:-|—|–|n/a|not available(?: \(.*\))?|not supported|unavailable)$", re.I)
_FREE = re.compile(r"^free(?: of charge)?$", re.I)
# a line that only points elsewhere; the prices follow on the next lines of the same cell.
_NOTE = re.compile(r"^same as\b", re.I)
# parts of a line that are not token prices: storage per hour, per-image / per-second / per-minute
# equivalents, search-query fees. ``image*`` / ``(image)*``: on this page the footnote of a starred image
# price defines it per image ("Image input is set at 560 tokens or $0.0011 per image").
_NON_TOKEN = re.compile(
    r"per hour|storage|per (?:[\d.]+k(?:/[\d.]+k)? )?images?\b|images?\)?\s*\*|per second|per frame|per song|"
    r"/\s*(?:min|minute|sec|second)\b|/\s*1,000 (?:search|grounded)|per request",
    re.I,
)
# an alternative non-token price after the token price: ``$3.00 or $0.005/min (audio)``
_ALT = re.compile(r"\s+or\s+\$\s*[\d.,]+\s*/\s*(?:min|minute|sec|second|image)\b", re.I)
# a parenthesis that holds money is a per-unit equivalent: ``$0.45 ($0.00012 per image)``
_MONEY_PAREN = re.compile(r"\s*\([^()]*\$[^()]*\)")
_LINE = re.compile(
    r"^(?:equivalent to\s+)?(?P<money>\$\s*\d[\d,]*(?:\.\d+)?)"
    r"(?:\s*/\s*1,000,000 tokens)?"
    r"\s*,?\s*(?:prompts?\s*(?P<op><=|>=|<|>|≤|≥)\s*(?P<thr>\d+(?:\.\d+)?)\s*(?P<mult>[km])?(?:\s*tokens?)?)?"
    r"\s*(?:\((?P<mod>[^()$]*)\))?"
    r"\s*\**\s*[,.]?$",
    re.I,
)
_MULT = {None: 1, "k": 1000, "m": 1_000_000}


def parse(body: bytes, url: str) -> list[ParsedPrice]:
    """Token prices of the Gemini API pricing page (USD per 1M tokens), one row per API model id."""
    out: list[ParsedPrice] = []
    seen: dict[tuple, str] = {}
    for table in html_tables(body):
        for p in _read_table(table, url):
            key = (p.model, p.price_kind, p.service_tier, p.tier_min_tokens, p.region)
            if key in seen:
                raise ParseError(f"price {key} given twice (also at {seen[key]})", url=url, where=p.where)
            seen[key] = p.where
            out.append(p)
    if not out:
        raise ParseError("no token prices found on the page", url=url)
    return out


def _read_table(table: Table, url: str) -> list[ParsedPrice]:
    header = [c.lower() for c in table.header]
    paid = [i for i, c in enumerate(header) if c.startswith("paid tier")]
    if not paid:
        return []  # not a price table (e.g. "Pricing for agents": Model | Tools)
    col = paid[0]
    if "per 1m tokens" not in header[col]:
        return []  # priced per image / per second / per request: not token prices
    label_by_row = [(r, row[0]) for r, row in enumerate(table.rows) if r >= table.header_rows]
    priced_rows = [(r, label, fam) for r, label in label_by_row if (fam := _row_kind(label)) is not None]
    if not priced_rows:
        return []
    tier = _service_tier(table, url)
    section = _model_section(table)
    out: list[ParsedPrice] = []
    for r, label, family in priced_rows:
        cell = table.rows[r][col]
        where = f"{section[0] or '?'} [{tier}] " + table.where(r, table.header[col]) + f" ({clean_text(label)!r})"
        quotes = _read_cell(cell, family, where, url)
        if quotes and not section[1]:
            raise ParseError("prices found but no API model id (<code>) near the model heading", url=url, where=where)
        for i, (kind, amount, currency, min_tokens) in enumerate(quotes):
            for model_id in section[1]:
                out.append(
                    ParsedPrice(
                        provider=PROVIDER,
                        model=model_id,
                        model_name=section[2],
                        price_kind=kind,
                        amount=amount,
                        currency=currency,
                        unit=UNIT,
                        service_tier=tier,
                        tier_min_tokens=min_tokens,
                        where=f"{where} line {i}",
                    )
                )
    return out


def _row_kind(label: str) -> str | None:
    t = clean_text(label).replace("*", "").strip().lower()
    for rx, fam in _ROW_KINDS:
        if rx.search(t):
            return fam
    return None


def _service_tier(table: Table, url: str) -> str:
    """Tab label of the ``ds-selector-tabs`` section holding the table; ``standard`` outside tabs."""
    el = table.element
    sec = el.find_parent("section") if el is not None else None
    if sec is None or not _has_class(sec.parent, "ds-selector-tabs"):
        return "standard"
    h = sec.find(["h3", "h4"])
    label = clean_text(h.get("data-text") or h.get_text(" ")) if h else ""
    tier = _TABS.get(label.lower())
    if tier is None:
        raise ParseError(f"unknown pricing tab {label!r}", url=url, where=table.where())
    return tier


def _model_section(table: Table) -> tuple[str, list[str], str]:
    """(h2 id, API model ids, display name) of the model section the table belongs to."""
    el = table.element
    h2 = el.find_previous("h2") if el is not None else None
    if h2 is None:
        return "", [], ""
    name = _strip_symbols(clean_text(h2.get("data-text") or h2.get_text(" ")))
    group = h2.parent if _has_class(h2.parent, "heading-group") else None
    ids: list[str] = []
    if group is not None:
        for code in group.find_all("code"):
            t = clean_text(code.get_text())
            if t and t not in ids:
                ids.append(t)
    return h2.get("id") or "", ids, name


def _has_class(el: object, cls: str) -> bool:
    return isinstance(el, Tag) and cls in (el.get("class") or [])


def _strip_symbols(text: str) -> str:
    """Drop emoji decorations (``Gemini 3 Pro Image Preview 🍌``)."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "So").strip()


def _read_cell(cell: str, family: str, where: str, url: str) -> list[tuple[str, Decimal, str, int]]:
    """Lines of a paid cell -> [(price_kind, amount, currency, tier_min_tokens)]."""
    whole = clean_text(cell)
    if not whole or _NONE.match(whole):
        return []
    if _FREE.match(whole):
        return [(family, Decimal(0), "USD", 0)]
    out: list[tuple[str, Decimal, str, int]] = []
    for i, raw in enumerate(cell.split("\n")):
        line = clean_text(raw)
        if not line or _NONE.match(line) or _NOTE.match(line):
            continue
        if _FREE.match(line):
            out.append((family, Decimal(0), "USD", 0))
            continue
        line = _MONEY_PAREN.sub("", _ALT.sub("", line)).strip()
        if _NON_TOKEN.search(line):
            continue
        m = _LINE.match(line)
        if not m:
            raise ParseError(f"cannot read price line {raw!r}", url=url, where=f"{where} line {i}")
        money = parse_money(m.group("money"))
        if money is None:  # pragma: no cover - the line regex admits only "$<number>"
            raise ParseError(f"cannot read amount in {raw!r}", url=url, where=f"{where} line {i}")
        amount, currency = money
        min_tokens = 0
        if m.group("op") in (">", ">=", "≥"):
            thr = Decimal(m.group("thr")) * _MULT[(m.group("mult") or "").lower() or None]
            if thr != thr.to_integral_value():
                raise ParseError(f"bad token threshold in {raw!r}", url=url, where=f"{where} line {i}")
            min_tokens = int(thr)
        kind = _modality_kind(family, m.group("mod"))
        if kind is None:
            raise ParseError(f"unknown modality in {raw!r}", url=url, where=f"{where} line {i}")
        out.append((kind, amount, currency, min_tokens))
    return out


_BASE_WORDS = {"text", "image", "video", "thinking"}


def _modality_kind(family: str, mod: str | None) -> str | None:
    """Price kind for a row family and the modality in parentheses, None if unknown.

    ``(text / image / video)``, ``(text)``, ``(text and thinking)`` -> the row's base kind;
    ``(audio)`` / ``(audio / video)`` -> the audio kind; ``(images)`` / ``(image/video)`` -> the image kind.
    """
    if not mod:
        return family
    if family not in ("input", "output", "cache_read"):
        return None  # a modality row (image/audio input) should not carry another modality
    words = {w for w in re.split(r"[\s/,]+|\band\b", mod.lower()) if w and w != "and"}
    words = {"image" if w == "images" else w for w in words}
    if "text" in words and words <= _BASE_WORDS:
        return family
    if "audio" in words and words <= {"audio", "video"}:
        return {"input": "input_audio", "output": "output_audio", "cache_read": "cache_read_audio"}[family]
    if "image" in words and words <= {"image", "video"}:
        return {"input": "input_image", "output": "output_image"}.get(family)
    return None


SOURCE = Source(
    name="google_gemini_pricing",
    provider=PROVIDER,
    urls=("https://ai.google.dev/gemini-api/docs/pricing",),
    fmt="html",
    parse=parse,
    hosts=("ai.google.dev",),
    description="Gemini API pricing page (devsite HTML): per-model tables per Standard/Batch/Flex/Priority tab, "
    "Paid Tier column, USD per 1M tokens, long-context tiers and audio priced apart.",
)
