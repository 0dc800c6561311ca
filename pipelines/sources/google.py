"""Google Gemini API pricing page (https://ai.google.dev/gemini-api/docs/pricing) -> prices.

Page shape (Google devsite HTML):

- one ``<div class="heading-group">`` per model: ``<h2 id="gemini-…">Display name</h2>`` followed by
  ``<em><code>api-model-id</code> and <code>other-id</code></em>``. The ``<code>`` texts are the API model
  ids; every id listed shares the section's prices, so each gets its own rows. The ``h2`` text is the
  ``model_name``.
- then either one ``<table class="pricing-table">`` or a ``<div class="ds-selector-tabs">`` whose direct
  ``<section>`` children each hold an ``<h3>`` tab label (``Standard`` / ``Batch`` / ``Flex`` / ``Priority``)
  and one table. A table outside tabs is the standard tier.
- columns ``Free Tier`` (a free quota: not a price, read by :func:`parse_offers` only) and ``Paid Tier, per 1M
  tokens in USD`` (read).
- rows ``Input price``, ``Output price (including thinking tokens)``, ``Context caching price`` (and, for
  embeddings, ``Text/Image/Audio input price``). Tools, storage, tuning and "used to improve" rows are
  skipped. ``Video input price`` (embeddings) has no price kind yet and is skipped.
- a paid cell holds one price per line (``<br>``). A line is ``$2.00, prompts <= 200k tokens`` (long-context
  tier, cliff), ``$0.50 (text / image / video)`` / ``$1.00 (audio)`` (modality), or
  ``$0.025 / 1,000,000 tokens (audio)``. Lines for storage (``per hour``), per-unit *equivalents* of a token
  price (``Equivalent to $0.045 per 0.5K image*`` and the lines after it in the same cell, ``equivalent to
  $0.0011 per image*``, ``($0.00012 per image)``, ``or $0.005/min``) and notes (``Same as Standard, …``) are
  skipped. Any other line that cannot be read raises :class:`ParseError`.

Non-token list prices (own unit, own kind, never folded into token prices):

- per-image lines of an output cell that are not equivalents: ``$0.039 per image*`` -> ``image_output``
  ``per image``; ``$0.067 per 1K/2K image**`` -> kind ``image_output_1k_2k`` (the resolution is part of the kind,
  so the 1K/2K and 4K prices stay apart; also in ``conditions``); ``$0.0006 (image)*`` in an input cell (the
  page's footnote * defines it per image) -> ``image_input`` ``per image``.
- grounding rows: ``Grounding with Google Search`` / ``… Web and Image Search`` -> ``web_search``,
  ``Grounding with Google Maps`` -> ``maps_grounding``; the paid cell ``5,000 prompts per month (free, …),
  then $14 / 1,000 search queries`` -> ``14`` ``per 1K search queries`` (or ``per 1K grounded prompts``), the
  free allowance kept in ``conditions`` (it is a quota, not a price).
- tables whose paid column is ``per Image`` / ``per second`` / ``per request`` (Imagen, Veo, Lyria): one row
  per variant; the row label names the variant (``Imagen 4 Fast image price``, ``Veo 3.1 Lite video …``) and
  is mapped to one of the section's ``<code>`` ids by :data:`VARIANT_WORDS` (the id holding ``-fast-`` etc.,
  or for ``Standard``/no variant word the id holding none of them; anything else is a ParseError).
  Kinds: ``image_output`` (``per image``), ``video_output[_<resolution>]`` (``per second``; ``$0.40 (720p and
  1080p)`` gives ``video_output_720p`` and ``video_output_1080p``), ``music_output`` (``$0.04 per song`` ->
  ``per song``).

The table grid comes from :func:`pipelines.sources.reader.html_tables`; this module only interprets it.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from bs4 import Tag

from pipelines.sources.base import (
    ParsedOffer,
    ParsedPage,
    ParsedPrice,
    ParseError,
    Source,
    clean_text,
    dedupe_offers,
    parse_money,
    seller_price,
)
from pipelines.sources.reader import Findings, Table, html_tables, service_tier

PROVIDER = "google"
UNIT = "per 1M tokens"

_TABS = {"standard", "batch", "flex", "priority"}  # the tab labels the page uses (reader.service_tier names them)

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

# non-token lines of token tables
_EQUIV = re.compile(r"^(?:and\s+)?equivalent to\b", re.I)
_PER_IMAGE = re.compile(r"^(?:and\s+)?\$\s*(?P<num>\d[\d,]*(?:\.\d+)?)\s+per\s+(?:(?P<res>[\d.]+K(?:/[\d.]+K)?)\s+)?image\**\s*[,.]?$", re.I)
_IMAGE_PAREN = re.compile(r"^\$\s*(?P<num>\d[\d,]*(?:\.\d+)?)\s*\(image\)\*+\s*[,.]?$", re.I)
# grounding rows and their paid cell
_GROUNDING = [
    (re.compile(r"^grounding with google (?:search|web and image search)\b"), "web_search"),
    (re.compile(r"^grounding with google maps\b"), "maps_grounding"),
]
_GROUNDING_PRICE = re.compile(
    r"^(?P<quota>.*?)(?:,\s*)?\bthen\s+\$\s*(?P<num>\d[\d,]*(?:\.\d+)?)\s*/\s*1,000\s+"
    r"(?P<what>search queries|grounded prompts)\b\s*(?P<rest>.*)$",
    re.I,
)
# non-token tables: paid column unit -> (unit, kind)
_TABLE_UNITS = {"per image": ("per image", "image_output"), "per second": ("per second", "video_output"),
                "per request": ("per request", "request")}
#: variant words of a row label -> the ``-<word>-`` segment of the section's API id it names. A label without
#: one of these words (or with ``standard``) names the id that has none of the segments.
VARIANT_WORDS = ("fast", "ultra", "lite", "clip", "pro")
_NON_PRICE_ROW = re.compile(r"^used to improve", re.I)
_UNIT_LINE = re.compile(
    r"^\$\s*(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?:\((?P<res>[^()]*)\))?\s*(?:per\s+(?P<per>song|image|second|request))?\s*\**$",
    re.I,
)
_RESOLUTION = re.compile(r"^(?:\d+p|4k)$", re.I)


def parse(body: bytes, url: str) -> ParsedPage:
    """Token prices of the Gemini API pricing page (USD per 1M tokens), one row per API model id. A pricing tab
    that is no known service tier, and a column of a price table that is neither the free nor the paid tier, are
    findings (``unknown_tab``, ``unknown_column``); the rest of the page loads."""
    found = Findings()
    out: list[ParsedPrice] = []
    seen: dict[tuple, str] = {}
    for table in html_tables(body):
        for p in _read_table(table, url, found):
            key = (p.model, p.price_kind, p.service_tier, p.tier_min_tokens, p.region)
            if key in seen:
                raise ParseError(f"price {key} given twice (also at {seen[key]})", url=url, where=p.where)
            seen[key] = p.where
            out.append(p)
    if not any(p.unit == UNIT for p in out):
        raise ParseError("no token prices found on the page", url=url)
    return found.page(out, url)


def _read_table(table: Table, url: str, found: Findings) -> list[ParsedPrice]:
    header = [c.lower() for c in table.header]
    paid = [i for i, c in enumerate(header) if c.startswith("paid tier")]
    if not paid:
        return []  # not a price table (e.g. "Pricing for agents": Model | Tools)
    col = paid[0]
    for c, h in enumerate(header[1:], start=1):
        if c != col and not h.startswith("free tier"):
            found.add("unknown_column", table.where(col=table.header[c]), table.header[c])  # not read
    if _service_tier(table, url, found) is None:
        return []  # a tab that is no known tier: reported, its prices not guessed into one
    if "per 1m tokens" not in header[col]:
        unit = next((u for k, u in _TABLE_UNITS.items() if k in header[col]), None)
        if unit is None:
            raise ParseError(f"unknown paid-tier unit {table.header[col]!r}", url=url, where=table.where(0, col))
        return _read_unit_table(table, col, unit, url)
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
        if family in ("web_search", "maps_grounding"):
            if not section[1]:
                continue  # tool tables without a model (the "Pricing for tools" summary repeats the model rows)
            quotes = _read_grounding(cell, family, where, url)
        else:
            quotes = _read_cell(cell, family, where, url)
        if quotes and not section[1]:
            raise ParseError("prices found but no API model id (<code>) near the model heading", url=url, where=where)
        for i, (kind, amount, currency, min_tokens, unit, conditions) in enumerate(quotes):
            for model_id in section[1]:
                out.append(
                    seller_price(PROVIDER, currency, model_id, section[2], kind, amount, unit, f"{where} line {i}",
                                 conditions, service_tier=tier, tier_min_tokens=min_tokens)
                )
    return out


def _read_grounding(cell: str, kind: str, where: str, url: str) -> list[tuple]:
    """Paid cell of a grounding row -> [(kind, amount, USD, 0, unit, conditions)] ([] when not available)."""
    text = clean_text(cell.replace("\n", " "))
    if not text or _NONE.match(text):
        return []
    m = _GROUNDING_PRICE.match(text)
    if not m:
        raise ParseError(f"cannot read grounding price {text!r}", url=url, where=where)
    amount, currency = parse_money("$" + m.group("num"))
    what = m.group("what").lower()
    unit = "per 1K search queries" if what == "search queries" else "per 1K grounded prompts"
    parts = []
    if m.group("quota").strip(" ,"):
        parts.append(f"after {m.group('quota').strip(' ,')}")
    if m.group("rest").strip(" ."):
        parts.append(m.group("rest").strip(" ."))
    return [(kind, amount, currency, 0, unit, "; ".join(parts) or None)]


def _read_unit_table(table: Table, col: int, unit_kind: tuple[str, str], url: str) -> list[ParsedPrice]:
    """Imagen / Veo / Lyria tables: one priced row per model variant, priced per image / second / request."""
    tier = _service_tier(table, url)
    anchor, ids, name = _model_section(table)
    out: list[ParsedPrice] = []
    for r in range(table.header_rows, len(table.rows)):
        label = clean_text(table.rows[r][0])
        if not label or _NON_PRICE_ROW.match(label):
            continue
        where = f"{anchor or '?'} [{tier}] " + table.where(r, table.header[col]) + f" ({label!r})"
        cell = table.rows[r][col]
        whole = clean_text(cell)
        if not whole or _NONE.match(whole):
            continue
        model = _variant_id(label, ids, where, url)
        for i, raw in enumerate(cell.split("\n")):
            line = clean_text(raw)
            if not line or _NONE.match(line) or re.fullmatch(r"\(?[^$]*not supported\)?", line, re.I):
                continue
            m = _UNIT_LINE.match(line)
            if not m:
                raise ParseError(f"cannot read price line {raw!r}", url=url, where=f"{where} line {i}")
            amount, currency = parse_money("$" + m.group("num"))
            unit, kind = unit_kind
            if m.group("per") == "song":
                unit, kind = "per song", "music_output"
            elif m.group("per") and f"per {m.group('per').lower()}" != unit:
                raise ParseError(f"line unit {m.group('per')!r} differs from the column's {unit!r}", url=url,
                                 where=f"{where} line {i}")
            variants = [None]
            if m.group("res"):
                variants = [v.strip().lower() for v in re.split(r"\band\b|,|/", m.group("res")) if v.strip()]
                if not all(_RESOLUTION.match(v) for v in variants):
                    raise ParseError(f"unknown variant {m.group('res')!r}", url=url, where=f"{where} line {i}")
            for v in variants:
                out.append(
                    seller_price(PROVIDER, currency, model, name, f"{kind}_{v}" if v else kind, amount, unit,
                                 f"{where} line {i}", f"{v} output" if v else None, service_tier=tier)
                )
    return out


def _variant_id(label: str, ids: list[str], where: str, url: str) -> str:
    """API id of the variant a row label names (see :data:`VARIANT_WORDS`)."""
    words = set(re.findall(r"[a-z0-9]+", label.lower()))
    named = [w for w in VARIANT_WORDS if w in words]
    if len(named) > 1:
        raise ParseError(f"row label names several variants {named}", url=url, where=where)
    if named:
        hits = [i for i in ids if f"-{named[0]}-" in i]
    else:
        hits = [i for i in ids if not any(f"-{w}-" in i for w in VARIANT_WORDS)]
    if len(hits) != 1:
        raise ParseError(f"cannot map row {label!r} to one of the model ids {ids}", url=url, where=where)
    return hits[0]


def _row_kind(label: str) -> str | None:
    t = clean_text(label).replace("*", "").strip().lower()
    for rx, fam in (*_ROW_KINDS, *_GROUNDING):
        if rx.search(t):
            return fam
    return None


def _service_tier(table: Table, url: str, found: Findings | None = None) -> str | None:
    """Tab label of the ``ds-selector-tabs`` section holding the table; ``standard`` outside tabs. A tab that is no
    known tier: an ``unknown_tab`` finding and None when ``found`` is given, else ParseError."""
    el = table.element
    sec = el.find_parent("section") if el is not None else None
    if sec is None or not _has_class(sec.parent, "ds-selector-tabs"):
        return "standard"
    h = sec.find(["h3", "h4"])
    label = clean_text(h.get("data-text") or h.get_text(" ")) if h else ""
    tier = service_tier(label) if label.lower() in _TABS else None
    if tier is None:
        if found is not None:
            found.add("unknown_tab", table.where(), label)
            return None
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


def _read_cell(cell: str, family: str, where: str, url: str) -> list[tuple]:
    """Lines of a paid cell -> [(price_kind, amount, currency, tier_min_tokens, unit, conditions)]."""
    whole = clean_text(cell)
    if not whole or _NONE.match(whole):
        return []
    if _FREE.match(whole):
        return [(family, Decimal(0), "USD", 0, UNIT, None)]
    out: list[tuple] = []
    equivalents = False  # after "Equivalent to …" the remaining lines restate the token price per image
    for i, raw in enumerate(cell.split("\n")):
        line = clean_text(raw)
        if not line or _NONE.match(line) or _NOTE.match(line):
            continue
        if _FREE.match(line):
            out.append((family, Decimal(0), "USD", 0, UNIT, None))
            continue
        if _EQUIV.match(line):
            equivalents = True
        if equivalents:
            continue
        if family == "output" and (m := _PER_IMAGE.match(line)):
            amount, currency = parse_money("$" + m.group("num"))
            res = m.group("res")
            kind = "image_output" + (f"_{res.lower().replace('/', '_').replace('.', '_')}" if res else "")
            out.append((kind, amount, currency, 0, "per image", f"{res} image" if res else None))
            continue
        if family == "input" and (m := _IMAGE_PAREN.match(line)):
            amount, currency = parse_money("$" + m.group("num"))
            out.append(("image_input", amount, currency, 0, "per image", None))
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
        out.append((kind, amount, currency, min_tokens, UNIT, None))
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


# --- offers (free tier, free grounding allowances) -----------------------------------------------------------

_FREE_GROUNDING = re.compile(r"^free of charge,\s*up to\s*(?P<n>\d[\d,]*)\s*RPD\s*(?:\((?P<note>[^)]*)\))?\.?$", re.I)
_PAID_ALLOWANCE = re.compile(
    r"^(?P<n>\d[\d,]*)\s*(?P<what>prompts per month|RPD)\s*\((?P<note>free[^)]*)\)", re.I)


def parse_offers(body: bytes, url: str) -> list:
    """The free tier and free grounding allowances of the Gemini pricing page, as
    :class:`~pipelines.sources.base.ParsedOffer` (one per API model id of the section, per tab):

    - ``Free Tier`` cell ``Free of charge`` of an input / output / context-caching row -> ``free_tier`` of that
      ``price_kind``: 0 USD per 1M tokens, no quantity (the page states none; the free tier is rate-limited and,
      per the page's ``Used to improve our products`` row, its content is used to improve Google's products).
    - ``Free Tier`` grounding cell ``Free of charge, up to 500 RPD (limit shared with Flash RPD)`` -> ``free_quota``
      of 500 ``requests`` ``per day``.
    - ``Paid Tier`` grounding cell ``5,000 prompts per month (free, shared across Gemini 3), then $14 / 1,000 search
      queries`` -> ``free_quota`` of 5,000 ``grounded prompts`` ``per month`` (``RPD``: ``requests`` ``per day``);
      the paid price itself is a unit price of :func:`parse`.
    ``Not available`` and other cells give nothing; a ``Free of charge, up to …`` cell that cannot be read raises
    :class:`ParseError`.
    """
    out = []
    for table in html_tables(body):
        header = [c.lower() for c in table.header]
        free = [i for i, c in enumerate(header) if c.startswith("free tier")]
        paid = [i for i, c in enumerate(header) if c.startswith("paid tier")]
        if not free or not paid or "per 1m tokens" not in header[paid[0]]:
            continue
        anchor, ids, name = _model_section(table)
        if not ids:
            continue
        tier = _service_tier(table, url)
        labels = {clean_text(row[0]).replace("*", "").strip().lower(): row for row in table.rows[table.header_rows:]}
        improve = next((clean_text(r[free[0]]) for lab, r in labels.items() if _NON_PRICE_ROW.match(lab)), "")
        for r in range(table.header_rows, len(table.rows)):
            row = table.rows[r]
            label = clean_text(row[0])
            family = _row_kind(label)
            if family is None:
                continue
            where = f"{anchor or '?'} [{tier}] " + table.where(r, table.header[free[0]]) + f" ({label!r})"
            cell = clean_text(row[free[0]].replace("\n", " "))
            offers = []
            if family in ("web_search", "maps_grounding"):
                m = _FREE_GROUNDING.match(cell)
                if m:
                    offers.append(dict(offer_kind="free_quota", quantity=Decimal(m.group("n").replace(",", "")),
                                       quantity_unit="requests", unit="per day",
                                       conditions=f"Free Tier: {label}" + (f"; {m.group('note')}" if m.group("note") else "")))
                elif cell.lower().startswith("free of charge, up to"):
                    raise ParseError(f"cannot read free allowance {cell!r}", url=url, where=where)
                pcell = clean_text(row[paid[0]].replace("\n", " "))
                pm = _PAID_ALLOWANCE.match(pcell)
                if pm:
                    per_month = pm.group("what").lower() == "prompts per month"
                    offers.append(dict(offer_kind="free_quota", quantity=Decimal(pm.group("n").replace(",", "")),
                                       quantity_unit="grounded prompts" if per_month else "requests",
                                       unit="per month" if per_month else "per day",
                                       conditions=f"Paid Tier: {label}; {pm.group('note')}; {pcell[pm.end():].strip(' ,')}"))
            elif _FREE.match(cell):
                offers.append(dict(offer_kind="free_tier", quantity=None, quantity_unit=None, unit=UNIT,
                                   price_kind=family,
                                   conditions="Free Tier (rate-limited)" + (
                                       f"; used to improve Google's products: {improve}" if improve else "")))
            for o in offers:
                for model_id in ids:
                    out.append(ParsedOffer(provider=PROVIDER, model=model_id, model_name=name, amount=Decimal(0),
                                           currency="USD", service_tier=tier, where=where, **o))
    return dedupe_offers(out, url)


SOURCE = Source(
    name="google_gemini_pricing",
    provider=PROVIDER,
    urls=("https://ai.google.dev/gemini-api/docs/pricing",),
    fmt="html",
    parse=parse,
    parse_offers=parse_offers,
    hosts=("ai.google.dev",),
    description="Gemini API pricing page (devsite HTML): per-model tables per Standard/Batch/Flex/Priority tab, "
    "Paid Tier column, USD per 1M tokens, long-context tiers and audio priced apart; per-image outputs, "
    "grounding fees and Imagen/Veo/Lyria per-image/second/song prices as non-token prices.",
)
