"""OpenAI's API pricing page (developers.openai.com/api/docs/pricing, Astro) -> prices.

Layers, kept apart:

1. document -> tables: :func:`pipelines.sources.reader.html_tables` gives the 16 server-rendered ``<table>``s. The page
   is an Astro site and every price table is the SSR output of an ``<astro-island>`` whose ``props`` attribute
   holds the same table as JSON (Astro's ``[type, value]`` encoding). The SSR tables only show the "latest"
   rows; the rows behind the page's "All models" toggle (gpt-4o, o3, gpt-4.1, embeddings, ...) exist **only**
   in the props. :func:`_island_tables` turns each island's props into a :class:`~pipelines.sources.reader.Table`
   shaped like its SSR table, numbers read with ``parse_float=Decimal`` (never float).
2. document -> context: which tab (service tier) each table belongs to and the long-context threshold:

   - tier: the Standard / Batch / Flex / Priority tabs are a content switcher; each pane is
     ``<div data-content-switcher-pane data-value="batch">`` around the island. A table outside any switcher
     (Realtime and audio, Transcription, Tools) has a single price set -> ``standard``. The text-token islands
     also carry ``"tier": "batch"`` in their props; both must agree.
   - long context: the SSR header says only "Short context" / "Long context" (the tooltip text is not in the
     page). The threshold is stated in the props rows, ``"gpt-5.5 (<272K context length)"`` -> 272000 tokens
     (K read as 1,000, as OpenAI's context sizes are). If the page states no threshold while a Long context
     column has prices, ParseError (never guessed).
3. tables -> prices: :func:`_interpret` reads Table objects only. A column, column group or tab it does not know
   is a finding (:class:`~pipelines.sources.base.Finding`: ``unknown_column`` / ``unknown_tab``) and the rest of
   the page loads; an unreadable cell of a known price column still raises ParseError (never a guessed number). SSR and props tables of one island are read by
   the same code; SSR rows win and props add the models the SSR table hides. A price present in both that
   disagrees raises ParseError.

Read: text tokens (all four tiers, short + long context; columns by header name through the shared vocabulary,
:func:`pipelines.sources.reader.header_kind`: Input, Cached input, Cache writes -> ``cache_write`` (2026-07), Output),
Realtime and audio (rows per modality: Text -> input /
cache_read / output, Audio -> input_audio / cache_read_audio / output_audio, Image -> input_image /
output_image), Image generation (same modality rule), Specialized models (Category | Model | ...; "Free" -> 0).

Non-token prices (own kind and unit, never folded into token prices; :func:`_key` adds unit and conditions to
the key so rows of one model priced apart stay apart): Video generation -> ``video_output`` ``per second``
(resolution in ``conditions``; Standard and Batch tabs); Transcription "Estimated cost" ``$0.006 / minute`` ->
``audio_transcription`` ``per minute`` (conditions "estimated cost"); Tools ``$10.00 / 1k calls`` -> ``web_search``
/ ``tool_call`` ``per 1K calls``, model = the Responses API tool type (:data:`TOOL_IDS`); ``$15.00 / 1M
characters`` (tts-1 rows) -> ``speech_output`` ``per 1M characters``. Display names (Whisper, DALL·E 3, …) map to
ids through :data:`MODEL_NAME_IDS`.

Offers (:func:`parse_offers`): the footnote "Regional processing (data residency) endpoints are charged a 10% uplift
for …" -> one ``regional_uplift`` offer per model named (not a price: the page gives the percentage only).

Skipped: Fine-tuning (training per hour and inference prices of fine-tuned snapshots, which are not the base
model's prices), the Transcription table's "Input"/"Output" token columns on the 2026 page (they do not say
whether audio or text tokens), cached *image* input (no price_kind for it), tool storage (per GB-day after a free
GB) and containers (per 20-minute session by memory size).

Older layouts of the same page, read by the same source (dispatch on what the document looks like):

- **crawler Markdown** of platform.openai.com/docs/pricing (2025): pipe tables from
  :func:`pipelines.sources.reader.markdown_tables`; the tier of each table is the bare label line before it (``Batch`` /
  ``Flex`` / ``Standard`` / ``Priority``, the flattened tabs; :func:`_md_context`), the modality comes from the
  section (``### Image tokens``, ``### Audio tokens``, ``#### Audio tokens`` under Transcription). Also read:
  embeddings (Cost / Batch cost -> input), the per-image table (``image_output`` ``per image``, quality and size in
  ``conditions``), video, tools and transcription/speech as above.
- **text rendering** of openai.com/pricing (2024): cells run together (``gpt-4-0125-preview$10.00 / 1M
  tokens$30.00 / 1M`` + newline + ``tokens``); :func:`_text_tables` cuts them at the unit markers and
  :func:`_interpret_text` reads them. Its per-model "cards" repeat the tables and are not read; a per-1K view
  of a table, if present, is de-duplicated against the per-1M one (:func:`_dedupe`). Fine-tuning and the
  Retrieval storage fee (per GB per assistant per day, free until 04/01/2024) are not read.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

from bs4 import BeautifulSoup, Tag

from pipelines.sources.base import (
    TOKEN_UNITS,
    ParsedOffer,
    ParsedPage,
    ParsedPrice,
    ParseError,
    Source,
    clean_text,
    dedupe_offers,
    is_token_unit,
    seller_price,
)
from pipelines.sources.reader import (
    CellError,
    Findings,
    Table,
    astro_props,
    cell_text,
    header_kind,
    html_tables,
    is_absent,
    markdown_tables,
    read_price,
    service_tier,
    sniff,
)

PROVIDER = "openai"
UNIT = "per 1M tokens"  # every token table says "Prices per 1M tokens"
_TIERS = {"standard", "batch", "flex", "priority"}

_MODALITY_KIND = {
    ("text", "input"): "input",
    ("text", "cache_read"): "cache_read",
    ("text", "cache_write"): "cache_write",
    ("text", "output"): "output",
    ("audio", "input"): "input_audio",
    ("audio", "cache_read"): "cache_read_audio",
    ("audio", "cache_write"): None,  # cached audio writes: no price_kind in the vocabulary -> not emitted
    ("audio", "output"): "output_audio",
    ("image", "input"): "input_image",
    ("image", "cache_read"): None,  # cached image input: no price_kind in the vocabulary -> not emitted
    ("image", "cache_write"): None,
    ("image", "output"): "output_image",
}
_NON_TOKEN_UNIT = re.compile(
    r"/\s*(1[kKmM]?\s+)?(characters?|chars?|minute|min|second|sec|hour|calls?|requests?|images?|gb|session)\b", re.I
)
_PRICE = re.compile(r"^\$\s*\d[\d,]*(?:\.\d+)?$")
_CONTEXT_NOTE = re.compile(r"\s*\(\s*<\s*(\d+(?:\.\d+)?)\s*([KM])\s+context length\s*\)\s*$", re.I)
_NUM = r"(\d[\d,]*(?:\.\d+)?)"
_PER_CHARS = re.compile(rf"^\$\s*{_NUM}\s*/\s*1M characters$", re.I)
_PER_MINUTE = re.compile(rf"^\$\s*{_NUM}\s*/\s*minute\b\s*(?P<note>.*)$", re.I)
_PER_1K_CALLS = re.compile(rf"^\$\s*{_NUM}\s*/\s*1k calls\b\s*(?P<note>.*)$", re.I)
_MODEL_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._:-]*$")

#: names the pages show instead of an API model id -> the id. Source: OpenAI's model pages
#: (https://platform.openai.com/docs/models: whisper-1, tts-1, tts-1-hd, text-embedding-ada-002 ("ada v2" on the
#: 2024 page), dall-e-2, dall-e-3, gpt-image-1, gpt-image-1-mini, gpt-image-1.5, chatgpt-image-latest).
MODEL_NAME_IDS: dict[str, str] = {
    "Whisper": "whisper-1",
    "TTS": "tts-1",
    "TTS HD": "tts-1-hd",
    "ada v2": "text-embedding-ada-002",
    "DALL·E 2": "dall-e-2",
    "DALL·E 3": "dall-e-3",
    "GPT Image 1": "gpt-image-1",
    "GPT Image 1 Mini": "gpt-image-1-mini",
    "GPT Image 1.5": "gpt-image-1.5",
    "GPT Image Latest": "chatgpt-image-latest",
}

#: built-in tools priced per 1k calls: (pattern on "<tool> <details>" lowercased) -> (tool id, price_kind). The id is
#: the tool ``type`` of the Responses API (https://platform.openai.com/docs/guides/tools: ``web_search``,
#: ``web_search_preview``, ``file_search``); the text in parentheses is kept as ``conditions``.
TOOL_IDS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"^web search preview\s*(?:\((?P<cond>[^)]*)\))?"), "web_search_preview", "web_search"),
    (re.compile(r"^web search\s*(?:\((?P<cond>[^)]*)\))?"), "web_search", "web_search"),
    (re.compile(r"^file search\s+tool call\b\s*(?P<cond>.*)$"), "file_search", "tool_call"),
)


def parse(body: bytes, url: str) -> ParsedPage:
    """Prices on OpenAI's pricing page: served HTML, its crawler-Markdown copy, or the 2024 text rendering. What the
    page says that is not understood (a new column or column group, a new tab) is a finding, and the rest loads."""
    found = Findings()
    if sniff(body) == "html":
        return found.page(_parse_html(body, url, found), url)
    text = body.decode("utf-8", errors="replace")
    tables = markdown_tables(text)
    out = _parse_markdown(text, tables, url, found) if tables else _interpret_text(_text_tables(text, url), url)
    return found.page(out, url)


def _parse_html(body: bytes, url: str, found: Findings) -> list[ParsedPrice]:
    soup = BeautifulSoup(body, "lxml")
    static = html_tables(body)
    islands = _island_tables(soup, start_index=len(static), found=found)
    threshold = _long_context_threshold(islands)

    # html_tables parsed its own tree: pair its tables with this tree's <table>s by document order
    mine = soup.find_all("table")
    if len(mine) != len(static):
        raise ParseError(f"table count differs between parses ({len(mine)} vs {len(static)})", url=url)
    static_by_el = {id(el): t for el, t in zip(mine, static)}
    for el, t in zip(mine, static):
        t.element = el  # same table (same bytes, same parser); lets tier/section lookups use one tree
    jobs: list[tuple[Table, Table | None, str]] = []
    claimed: set[int] = set()
    for island, props_table in islands:
        tier = _tier_of(island, url, found)
        ssr = [static_by_el[id(el)] for el in island.find_all("table") if id(el) in static_by_el]
        if len(ssr) > 1:
            raise ParseError(f"astro-island {island.get('uid')} holds {len(ssr)} tables", url=url)
        label = _section_label(island)
        if ssr:
            claimed.add(id(ssr[0].element))
            jobs.append((_labelled(ssr[0], label), props_table and _labelled(props_table, label), tier))
        elif props_table is not None:
            jobs.append((_labelled(props_table, label), None, tier))
    for t in static:
        if id(t.element) not in claimed:
            jobs.append((_labelled(t, _section_label(t.element)), None, _tier_of(t.element, url, found)))

    out: list[ParsedPrice] = []
    for ssr, props, tier in jobs:
        if tier is None:  # a tab the reader does not know: reported by _tier_of, its tables not read
            continue
        prices = _interpret(ssr, tier, threshold, url, found)
        if props is not None:
            prices = _merge(prices, _interpret(props, tier, threshold, url, found), url)
        out += prices
    return out


# ---------------------------------------------------------------- tables -> prices


def _interpret(t: Table, tier: str, threshold: int | None, url: str, found: Findings) -> list[ParsedPrice]:
    """Prices of one table (SSR or props), whose tab is ``tier``. Unknown price-looking layouts raise; an unknown
    column or column group of a known layout is a finding and the table's other columns are read."""
    header = [clean_text(h).lower() for h in t.header]
    if not header:
        return []
    if "training" in header:
        return []  # fine-tuning: training per hour + inference of fine-tuned snapshots (not the base model's)
    if any(h.startswith("price per second") for h in header):
        return _read_video(t, tier, url)
    if header[:1] == ["tool"]:
        return _read_tools(t, tier, url)
    if header[:2] == ["model", "use case"] or "estimated cost" in header:
        return _read_transcription(t, tier, None, url)
    if header[:1] == ["model"] and header[1:2] == ["modality"]:
        model_col, modality_col = 0, 1
    elif header[:2] == ["category", "model"]:
        model_col, modality_col = 1, None
    elif header[:1] == ["model"]:
        model_col, modality_col = 0, None
    else:
        if any(_PRICE.match(clean_text(c.split("\n")[0])) for row in t.body for c in row):
            # a price table of no known layout: reported, not read (the drift guard blocks the page if the
            # models it held are a large share of the page's)
            found.add("unknown_section", t.where(), " | ".join(t.header))
        return []

    group = t.rows[t.header_rows - 2] if t.header_rows >= 2 else [""] * len(header)
    cols: dict[int, tuple[str, int]] = {}  # col -> (kind, tier_min_tokens)
    for c, h in enumerate(header):
        if c in (model_col, modality_col) or (model_col == 1 and c == 0):
            continue
        kind = header_kind(h)
        if kind not in ("input", "cache_read", "cache_write", "output"):
            found.add("unknown_column", t.where(col=_col_name(t, c)), t.header[c])
            continue
        g = clean_text(group[c]).lower()
        if g in ("", "short context"):
            min_tokens = 0
        elif g == "long context":
            min_tokens = -1  # resolved below, only if the column has a price
        else:
            found.add("unknown_column", t.where(col=_col_name(t, c)), group[c])
            continue
        cols[c] = (kind, min_tokens)

    out: list[ParsedPrice] = []
    for r, row in enumerate(t.body, start=1):
        shown = clean_text(row[model_col].split("\n")[0])
        note = clean_text(" ".join(row[model_col].split("\n")[1:])) or None
        model, context_note = _model_id(shown)
        if not model or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._:-]*", model):
            # a display name instead of an API id: its id would be a guess -> a finding, the row not read
            found.add("unknown_row", t.where(r, t.header[model_col]), row[model_col])
            continue
        modality = clean_text(row[modality_col]).lower() if modality_col is not None else None
        for c, (base_kind, min_tokens) in cols.items():
            where = t.where(r, _col_name(t, c))
            chars = _PER_CHARS.match(clean_text(row[c].split("\n")[0]))
            if chars:  # "tts-1 | Text | $15.00 / 1M characters": a speech price per input character, not tokens
                out.append(_unit_price(model, shown, "speech_output", chars.group(1), "per 1M characters", tier, where))
                continue
            cell = _read_cell(row[c], url, where)
            if cell is None:
                continue
            amount, currency, cell_note = cell
            kind = base_kind
            if modality is not None:
                if (modality, base_kind) not in _MODALITY_KIND:
                    raise ParseError(f"unknown modality {row[modality_col]!r}", url=url, where=where)
                kind = _MODALITY_KIND[(modality, base_kind)]
                if kind is None:
                    continue
            if min_tokens == -1:
                if threshold is None:
                    raise ParseError(
                        "long-context price but the page states no long-context threshold", url=url, where=where
                    )
                min_tokens = threshold
            conditions = "; ".join(x for x in (note, context_note, cell_note) if x) or None
            # a zero keeps the page's word ("Free") in its location: the drift guard accepts a 0 only then
            said = f"{where} = {clean_text(row[c].split(chr(10))[0])!r}" if amount == 0 else where
            out.append(seller_price(PROVIDER, currency, model, shown, kind, amount, UNIT, said, conditions,
                                    service_tier=tier, tier_min_tokens=min_tokens))
    return out


def _read_cell(text: str, url: str, where: str) -> tuple[Decimal, str, str | None] | None:
    """``"$0.075"`` -> (Decimal("0.075"), "USD", None) (:func:`pipelines.sources.reader.read_price`). A second line
    is kept as a note.

    None for absent ("-", empty) and for non-token units ("$15.00 / 1M characters"). "Free" -> 0.
    Anything else raises ParseError: the token tables are what the page is read for.
    """
    first = clean_text(text.split("\n")[0])
    if _NON_TOKEN_UNIT.search(first):
        return None
    try:
        cell = read_price(text)
    except CellError as exc:
        raise ParseError(f"{exc} (expected '$<amount>')", url=url, where=where) from None
    if cell is None:
        return None
    if cell.currency != "USD" or cell.unit not in (None, UNIT):
        raise ParseError(f"cannot read price cell {text!r} (expected '$<amount>')", url=url, where=where)
    return cell.amount, cell.currency, cell.note


def _dollars(text: str, url: str, where: str) -> str | None:
    """A ``$<amount>`` cell of the non-token tables as its amount text (``"$0.10"`` -> ``"0.10"``); None if absent."""
    cell = clean_text(text)
    if is_absent(cell):
        return None
    if not _PRICE.match(cell):
        raise ParseError(f"cannot read price cell {text!r} (expected '$<amount>')", url=url, where=where)
    return cell.lstrip("$ ")


def _merge(ssr: list[ParsedPrice], props: list[ParsedPrice], url: str) -> list[ParsedPrice]:
    """SSR prices plus the props prices the SSR table hides; a price in both must agree."""
    key = _key
    have = {key(p): p for p in ssr}
    out = list(ssr)
    for p in props:
        q = have.get(key(p))
        if q is None:
            out.append(p)
        elif q.amount != p.amount:
            raise ParseError(
                f"static table says {q.amount} but astro-island props say {p.amount} for {p.model} {p.price_kind}",
                url=url,
                where=f"{q.where} vs {p.where}",
            )
    return out


def _key(p: ParsedPrice) -> tuple:
    """Key of a price; a non-token price also keys on its unit and conditions (a video's resolution, a tool's
    variant), which tell apart rows of one model that the page prices separately."""
    if is_token_unit(p.unit):
        return (p.model, p.price_kind, p.service_tier, p.tier_min_tokens)
    return (p.model, p.price_kind, p.service_tier, p.tier_min_tokens, p.unit, p.conditions)


def _model_id(shown: str) -> tuple[str, str | None]:
    """``"gpt-5.5 (<272K context length)"`` -> ("gpt-5.5", "<272K context length")."""
    m = _CONTEXT_NOTE.search(shown)
    if m:
        return shown[: m.start()].strip(), m.group(0).strip(" ()")
    return shown, None


def _col_name(t: Table, c: int) -> str:
    if t.header_rows >= 2 and t.rows[t.header_rows - 2][c]:
        return f"{t.rows[t.header_rows - 2][c]} / {t.header[c]}"
    return t.header[c]


# ---------------------------------------------------------------- document -> context


def _tier_of(el: Tag, url: str, found: Findings) -> str | None:
    """Tab (service tier) of an element: the ``data-value`` of its enclosing content-switcher pane; None (and an
    ``unknown_tab`` finding) for a tab that is no known tier."""
    pane = el.find_parent(attrs={"data-content-switcher-pane": True})
    tier = clean_text(pane.get("data-value", "")).lower() if pane is not None else "standard"
    if tier not in _TIERS:
        found.add("unknown_tab", f"{_section_label(el) or 'pricing'} tab {tier!r}", pane.get("data-value", ""))
        return None
    if el.name == "astro-island":
        props = astro_props(el.get("props", ""))
        if isinstance(props, dict) and isinstance(props.get("tier"), str) and props["tier"] != tier:
            raise ParseError(f"island {el.get('uid')} says tier {props['tier']!r} inside tab {tier!r}", url=url)
    return tier


def _section_label(el: Tag) -> str:
    """Heading text of the pricing section an element is in (the page uses ``.anchor-heading-wrapper`` divs)."""
    h = el.find_previous("div", class_="anchor-heading-wrapper")
    return clean_text(h.get_text(" ")) if h is not None else ""


def _labelled(t: Table, label: str) -> Table:
    """The table with its pricing-section name as heading (the page's section titles are not <h*> tags)."""
    if not label:
        return t
    if t.heading.startswith("astro-island"):
        return dataclasses.replace(t, heading=f"{label}, {t.heading}")
    return t if t.heading else dataclasses.replace(t, heading=label)


def _long_context_threshold(islands: list[tuple[Tag, Table | None]]) -> int | None:
    """Threshold in tokens from the row labels ``"<model> (<272K context length)"``; None if not stated."""
    found = set()
    for _, t in islands:
        if t is None:
            continue
        for row in t.body:
            for cell in row[:2]:
                m = _CONTEXT_NOTE.search(cell)
                if m:
                    found.add(int(Decimal(m.group(1)) * {"K": 1000, "M": 1_000_000}[m.group(2).upper()]))
    if len(found) > 1:
        raise ParseError(f"several long-context thresholds on the page: {sorted(found)}")
    return found.pop() if found else None


# ---------------------------------------------------------------- astro-island props -> Table (generic)


def _props_cell(v: object) -> str:
    """A props cell as the SSR table shows it: numbers as ``$<n>``, ``{"__pricingHtml": ...}`` as its text."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, Decimal)):
        return f"${v}"
    if isinstance(v, dict):
        if "__pricingHtml" in v:
            frag = BeautifulSoup(f"<div>{v['__pricingHtml']}</div>", "lxml").div
            return cell_text(frag)
        if "__pricingTooltipHeading" in v:
            return _props_cell(v["__pricingTooltipHeading"].get("label"))
        if "label" in v:
            return _props_cell(v["label"])
        return ""
    return clean_text(str(v))


def _island_tables(soup: BeautifulSoup, start_index: int, found: Findings) -> list[tuple[Tag, Table | None]]:
    """Each price ``<astro-island>`` with its props as a Table (same columns as the SSR table), or None.

    Shapes handled: ``TextTokenPricingTables`` (``rows`` of [model, input, cached, output]; rows of another width
    take the names of the island's SSR columns of the first context group, "Short context": ``Input | Cached input |
    Cache writes | Output`` on the 2026-07 page, and every price the SSR table also shows must agree, see
    :func:`_merge`; without such an SSR table the props are a finding, not read), ``PricingTable``
    (``headings`` + ``rows``) and ``GroupedPricingTable`` (``headings`` + ``groups`` of {model, rows}; the group
    name becomes the first cell of each of its rows, as in the SSR table).
    """
    out: list[tuple[Tag, Table | None]] = []
    for island in soup.find_all("astro-island"):
        kind = island.get("component-export", "")
        if kind not in ("TextTokenPricingTables", "PricingTable", "GroupedPricingTable"):
            continue
        props = astro_props(island.get("props", ""))
        rows: list[list[str]] | None = None
        if isinstance(props, dict):
            if kind == "TextTokenPricingTables" and isinstance(props.get("rows"), list):
                uid = island.get("uid", "?")
                width = max((len(r) for r in props["rows"]), default=4)
                head = _TEXT_PROPS_HEAD if width == 4 else _ssr_header(island, width)
                if head is None:
                    found.add("unknown_column", f"astro-island {uid} props", f"{width - 1} prices a row")
                else:
                    rows = [head]
                    for r in props["rows"]:
                        cells = [_props_cell(x) for x in r]
                        if len(cells) == len(head):
                            rows.append(cells)
                        elif len(cells) == 4 and set(_TEXT_PROPS_HEAD) <= set(head):
                            # a row of the older 4-value shape in a wider table (2026-07: the legacy models
                            # have no "Cache writes" value): its values by name, the other columns empty
                            rows.append([cells[_TEXT_PROPS_HEAD.index(h)] if h in _TEXT_PROPS_HEAD else "" for h in head])
                        else:
                            found.add("unknown_row", f"astro-island {uid} props row {cells[:1]}", " | ".join(cells))
            elif isinstance(props.get("headings"), list):
                rows = [[_props_cell(h) for h in props["headings"]]]
                if isinstance(props.get("rows"), list):
                    rows += [[_props_cell(x) for x in r] for r in props["rows"]]
                for g in props.get("groups") or []:
                    name = _props_cell(g.get("model"))
                    rows += [[name] + [_props_cell(x) for x in r] for r in g.get("rows") or []]
        table = None
        if rows:
            width = max(len(r) for r in rows)
            rows = [r + [""] * (width - len(r)) for r in rows]
            label = f"astro-island {island.get('uid', '?')} props"
            table = Table(index=start_index + len(out), heading=label, rows=rows, header_rows=1, element=island)
        out.append((island, table))
    return out


#: the names of the four values of a ``TextTokenPricingTables`` props row (2026-04 page)
_TEXT_PROPS_HEAD = ["Model", "Input", "Cached input", "Output"]


def _ssr_header(island: Tag, width: int) -> list[str] | None:
    """The first ``width`` column names of the island's SSR table when they are all in its first column group
    ("Short context", or no group): the names the props rows' positions stand for. None otherwise."""
    el = island.find("table")
    trs = [tr for tr in el.find_all("tr") if tr.find("th")] if el is not None else []
    heads = []
    for tr in trs:  # header rows with colspans expanded
        row = []
        for c in tr.find_all(["th", "td"], recursive=False):
            row += [cell_text(c)] * int(c.get("colspan") or 1)
        heads.append(row)
    if not heads or len(heads[-1]) < width:
        return None
    if len(heads) >= 2 and {clean_text(g).lower() for g in heads[-2][1:width]} - {"", "short context"}:
        return None
    return heads[-1][:width]


# ---------------------------------------------------------------- non-token tables (all layouts)


def _unit_price(
    model: str, shown: str, kind: str, amount: str, unit: str, tier: str, where: str, conditions: str | None = None
) -> ParsedPrice:
    return seller_price(PROVIDER, "USD", model, shown, kind, Decimal(amount.replace(",", "")), unit, where,
                        conditions or None, service_tier=tier)


def _name_to_id(shown: str, url: str, where: str) -> str:
    """A model cell as an API id: the id itself (``gpt-4o-transcribe``) or a name of :data:`MODEL_NAME_IDS`."""
    name = clean_text(re.sub(r"\s*\[\d+\]$", "", shown))
    if name in MODEL_NAME_IDS:
        return MODEL_NAME_IDS[name]
    if _MODEL_ID_RE.match(name):
        return name
    raise ParseError(f"unknown OpenAI model name {shown!r} (add it to MODEL_NAME_IDS)", url=url, where=where)


def _read_video(t: Table, tier: str, url: str) -> list[ParsedPrice]:
    """``Model | Size | Portrait | Landscape | Price per second`` (2026) or ``Model | Size: Output resolution |
    Price per second`` (2025 Markdown) -> ``video_output`` per second; the resolution goes to ``conditions``."""
    header = [clean_text(h).lower() for h in t.header]
    pc = next(c for c, h in enumerate(header) if h.startswith("price per second"))
    out: list[ParsedPrice] = []
    for r, row in enumerate(t.body, start=1):
        shown = clean_text(row[0])
        model = _name_to_id(shown, url, t.where(r, t.header[0]))
        where = t.where(r, t.header[pc])
        amount = _dollars(row[pc], url, where)
        if amount is None:
            continue
        size = ", ".join(
            f"{t.header[c]} {clean_text(row[c])}" if header[c] in ("portrait", "landscape") else clean_text(row[c])
            for c in range(1, len(row))
            if c != pc and clean_text(row[c])
        )
        out.append(_unit_price(model, shown, "video_output", amount, "per second", tier, where, size))
    return out


def _read_tools(t: Table, tier: str, url: str) -> list[ParsedPrice]:
    """``Tool | Details | Pricing`` (2026) or ``Tool | Cost`` (2025): the per-1k-calls prices (web search, file
    search tool calls) -> unit ``per 1K calls``. Storage (per GB-day, after a free GB) and containers (per 20-minute
    session by memory size) are not read."""
    out: list[ParsedPrice] = []
    pc = len(t.header) - 1
    for r, row in enumerate(t.body, start=1):
        tool, details = clean_text(row[0]), clean_text(row[1]) if pc > 1 else ""
        label = details if details.lower().startswith(tool.lower()) else f"{tool} {details}".strip()
        label = re.sub(r"\s*\[\d+\]", "", label)
        where = t.where(r, t.header[pc])
        lines = [clean_text(x) for x in row[pc].split("\n") if clean_text(x)]
        first = lines[0] if lines else ""
        if "1k calls" not in first.lower():
            continue
        m = _PER_1K_CALLS.match(first)
        if m is None:
            raise ParseError(f"cannot read price cell {row[pc]!r} (expected '$<amount> / 1k calls')", url=url, where=where)
        for pattern, tool_id, kind in TOOL_IDS:
            tm = pattern.match(label.lower())
            if tm:
                break
        else:
            raise ParseError(f"unknown tool {label!r} (add it to TOOL_IDS)", url=url, where=t.where(r, t.header[0]))
        cond_src = label[tm.start("cond") : tm.end("cond")] if tm.group("cond") else ""
        note = " ".join([m.group("note")] + lines[1:]).strip()
        conditions = "; ".join(x for x in (cond_src, note) if x)
        out.append(_unit_price(tool_id, label, kind, m.group(1), "per 1K calls", tier, where, conditions))
    return out


def _read_transcription(t: Table, tier: str, modality: str | None, url: str) -> list[ParsedPrice]:
    """Transcription / speech tables.

    - ``Estimated cost`` (``$0.006 / minute``) or ``Cost`` per minute -> ``audio_transcription`` (use case
      Transcription, or a ``transcribe`` model) or ``speech_output`` (Speech generation, ``tts`` models), unit
      ``per minute``, with "estimated" in ``conditions`` where the page says so; ``$15.00 / 1M characters`` ->
      ``speech_output`` per 1M characters.
    - ``Input`` / ``Output`` token columns only where the section says which tokens (2025 Markdown sub-headings
      "Text tokens" / "Audio tokens" -> ``modality``); the 2026 table's single Input column does not, so it is
      not read.
    """
    header = [clean_text(h).lower() for h in t.header]
    use_col = header.index("use case") if "use case" in header else None
    out: list[ParsedPrice] = []
    for r, row in enumerate(t.body, start=1):
        shown = clean_text(row[0])
        model = _name_to_id(shown, url, t.where(r, t.header[0]))
        use = clean_text(row[use_col]).lower() if use_col is not None else ""
        for c, h in enumerate(header):
            where = t.where(r, t.header[c])
            cell = clean_text(row[c].split("\n")[0])
            if c == 0 or c == use_col or is_absent(cell):
                continue
            if h in ("input", "output"):
                if modality is None:
                    continue
                kind = _MODALITY_KIND[(modality, h)]
                out.append(_unit_price(model, shown, kind, _dollars(cell, url, where), UNIT, tier, where))
                continue
            if h not in ("estimated cost", "cost"):
                raise ParseError(f"unknown column {t.header[c]!r}", url=url, where=where)
            chars = _PER_CHARS.match(cell)
            if chars:
                out.append(_unit_price(model, shown, "speech_output", chars.group(1), "per 1M characters", tier, where))
                continue
            m = _PER_MINUTE.match(cell)
            if m is None:
                raise ParseError(f"cannot read price cell {row[c]!r} (expected '$<amount> / minute')", url=url, where=where)
            if "speech" in use or "tts" in model:
                kind = "speech_output"
            elif "transcri" in use or "transcribe" in model or "whisper" in model:
                kind = "audio_transcription"
            else:
                raise ParseError(f"per-minute price of {shown!r}: neither transcription nor speech", url=url, where=where)
            note = "; ".join(x for x in ("estimated cost" if h == "estimated cost" else "", m.group("note").strip(" ()")) if x)
            out.append(_unit_price(model, shown, kind, m.group(1), "per minute", tier, where, note))
    return out


def _read_image_sizes(t: Table, tier: str, url: str) -> list[ParsedPrice]:
    """Per-image table of the 2025 Markdown: ``Model | Quality | 1024 x 1024 | 1024 x 1536 | 1536 x 1024``.

    The crawler flattened the model's rowspan: continuation rows start with the quality (``| Medium | $0.034 |
    …``), blank rows separate models and the header repeats with other sizes. -> ``image_output``, unit ``per
    image``, conditions ``quality <q>, <size>``.
    """
    out: list[ParsedPrice] = []
    sizes = t.header[2:]
    model = shown = ""
    for r, row in enumerate(t.body, start=1):
        cells = [clean_text(x) for x in row]
        if not any(cells):
            continue
        if cells[0].lower() == "model":
            sizes = row[2:]
            continue
        if not cells[-1] and _PRICE.match(cells[1]):  # continuation row: "Medium | $… | $… | $… |"
            cells = ["", *cells[:-1]]
        if cells[0]:
            shown = cells[0]
            model = _name_to_id(shown, url, t.where(r, t.header[0]))
        if not model:
            raise ParseError("price row before any model", url=url, where=t.where(r))
        quality = cells[1]
        for k, size in enumerate(sizes, start=2):
            where = t.where(r, clean_text(size))
            amount = _dollars(cells[k], url, where)
            if amount is None:
                continue
            cond = f"quality {quality.lower()}, {clean_text(size)}" if quality else clean_text(size)
            out.append(_unit_price(model, shown, "image_output", amount, "per image", tier, where, cond))
    return out


# ---------------------------------------------------------------- crawler Markdown (platform.openai.com, 2025)

_TAB_BAR = re.compile(r"^(?:Batch|Flex|Standard|Priority){2,}$")
_MD_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")  # as pipelines.sources.reader
_MODALITY_SECTIONS = {"image tokens": "image", "audio tokens": "audio", "text tokens": "text"}


def _md_context(text: str) -> list[tuple[str, str, str | None]]:
    """(section, sub-section, tier label) of each pipe table, in the order :func:`markdown_tables` returns them.

    The tier of a table is the bare line just before it (``Batch``, ``Flex``, ``Standard``, ``Priority``): the
    page's tab labels, flattened by the crawler. A ``BatchFlexStandardPriority`` line is the tab bar of a
    section; a table in such a section without a label of its own is an error (its tier would be guessed).
    """
    lines = text.splitlines()
    out: list[tuple[str, str, str | None]] = []
    section = sub = ""
    tabbed = False
    last = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^\s{0,3}(#{1,6})\s+(.*)$", line)
        if m:
            if len(m.group(1)) <= 3:
                section, sub, tabbed = clean_text(m.group(2)), "", False
            else:
                sub = clean_text(m.group(2))
        if "|" in line and i + 1 < len(lines) and _MD_SEP.match(lines[i + 1]):
            label = service_tier(last) if last.lower() in _TIERS else None  # a bare tab label line
            if label is None and tabbed:
                label = "?"
            out.append((section, sub, label))
            j = i + 2
            while j < len(lines) and "|" in lines[j] and lines[j].strip():
                j += 1
            i, last = j, ""
            continue
        if line.strip():
            last = clean_text(line)
            if _TAB_BAR.match(last):
                tabbed = True
        i += 1
    return out


def _parse_markdown(text: str, tables: list[Table], url: str, found: Findings) -> list[ParsedPrice]:
    """The crawler-Markdown copy of platform.openai.com/docs/pricing (2025): same interpreter, context from lines."""
    context = _md_context(text)
    if len(context) != len(tables):
        raise ParseError(f"table count differs between readers ({len(context)} vs {len(tables)})", url=url)
    out: list[ParsedPrice] = []
    for t, (section, sub, label) in zip(tables, context):
        t = dataclasses.replace(t, heading=f"{section} / {sub}" if sub else section)
        if label == "?":
            raise ParseError("table in a tabbed section without a tier label line", url=url, where=t.where())
        tier = label or "standard"
        header = [clean_text(h).lower() for h in t.header]
        modality = _MODALITY_SECTIONS.get((sub or section).lower())
        if section.lower().startswith("transcription"):
            out += _read_transcription(t, tier, modality, url)
        elif header[:2] == ["model", "quality"]:
            out += _read_image_sizes(t, tier, url)
        elif header == ["model", "cost", "batch cost"]:  # embeddings: one input price per tier
            out += _read_embeddings(t, url)
        elif modality in ("image", "audio") and header[:1] == ["model"]:
            rows = [[t.header[0], "Modality", *t.header[1:]]] + [[r[0], modality, *r[1:]] for r in t.body]
            out += _interpret(dataclasses.replace(t, rows=rows), tier, None, url, found)
        else:
            out += _interpret(t, tier, None, url, found)
    return _dedupe(out, url)


def _read_embeddings(t: Table, url: str) -> list[ParsedPrice]:
    out: list[ParsedPrice] = []
    for r, row in enumerate(t.body, start=1):
        shown = clean_text(row[0])
        model = _name_to_id(shown, url, t.where(r, t.header[0]))
        for c, tier in ((1, "standard"), (2, "batch")):
            where = t.where(r, t.header[c])
            amount = _dollars(row[c], url, where)
            if amount is not None:
                out.append(_unit_price(model, shown, "input", amount, UNIT, tier, where))
    return out


def _dedupe(prices: list[ParsedPrice], url: str) -> list[ParsedPrice]:
    """One row per key. The same key twice (a per-minute estimate shown in both the text- and audio-token
    tables, a price in both the per-1M and per-1K views) must agree -- rescaled exactly for 1K vs 1M -- and the
    per-1M row is kept; a disagreement raises."""
    seen: dict[tuple, ParsedPrice] = {}
    order: list[tuple] = []
    for p in prices:
        k = _key(p) if not is_token_unit(p.unit) else (*_key(p), "token")
        q = seen.get(k)
        if q is None:
            seen[k] = p
            order.append(k)
            continue
        if is_token_unit(p.unit) and is_token_unit(q.unit):
            same = p.amount * TOKEN_UNITS[p.unit] == q.amount * TOKEN_UNITS[q.unit]
        else:
            same = p.amount == q.amount and p.unit == q.unit
        if not same:
            raise ParseError(
                f"{p.model} {p.price_kind}: {q.amount} {q.unit} vs {p.amount} {p.unit}", url=url, where=f"{q.where} vs {p.where}"
            )
        if p.unit == UNIT and q.unit != UNIT:
            seen[k] = p
    return [seen[k] for k in order]


# ---------------------------------------------------------------- text rendering (openai.com/pricing, 2024)

#: run-together table headers of the text rendering -> column names (None: the table is not read)
_TEXT_HEADERS: dict[str, list[str] | None] = {
    "ModelInputOutput": ["Model", "Input", "Output"],
    "ModelUsage": ["Model", "Usage"],
    "ToolInput": ["Tool", "Input"],
    "ModelQualityResolutionPrice": ["Model", "Price"],
    "ModelTrainingInput usageOutput usage": None,  # fine-tuning: training + fine-tuned inference, not read
}
_TEXT_SECTIONS = {
    "GPT-4 TURBO", "GPT-4", "GPT-3.5 TURBO", "ASSISTANTS API", "FINE-TUNING MODELS", "EMBEDDING MODELS",
    "BASE MODELS", "IMAGE MODELS", "AUDIO MODELS", "OLDER MODELS",
}  # fmt: skip
#: end of one cell in the run-together text: " / <unit>" (with an optional "(…)" note)
_TEXT_CELL_END = re.compile(
    r"\s*/\s*(?P<unit>1[MK] tokens|1M characters|image|minute|session|GB / assistant / day)(?P<note>\s*\([^)]*\))?"
)
_TEXT_CELL_TAIL = re.compile(rf"\$\s*{_NUM}$")
_TEXT_UNITS = {"1M tokens": "per 1M tokens", "1K tokens": "per 1K tokens", "1M characters": "per 1M characters",
               "image": "per image", "minute": "per minute", "session": "per session"}  # fmt: skip


def _text_tables(text: str, url: str) -> list[Table]:
    """Tables of the html-to-text dump: a header line such as ``ModelInputOutputgpt-4-0125-preview$10.00 / 1M
    tokens$30.00 / 1M`` continued on the following lines up to a blank line.

    The lines wrap at a space, so they are joined with one. The text is cut into cells at each unit marker
    (``/ 1M tokens``, ``/ image``, ``/ minute``…): a cell is ``<label?>$<amount> / <unit> (<note>)``, where a label
    in front of the first cell of a row is the row's model (``gpt-4-1106-preview``). Cells keep their unit:
    ``["gpt-4-0125-preview", "$10.00 / 1M tokens", "$30.00 / 1M tokens"]``. The nearest ALL-CAPS section line
    (``EMBEDDING MODELS``) is the table's heading.
    """
    lines = text.splitlines()
    out: list[Table] = []
    section = ""
    i = 0
    while i < len(lines):
        line = clean_text(lines[i])
        if line in _TEXT_SECTIONS:
            section = line
        hdr = next((h for h in sorted(_TEXT_HEADERS, key=len, reverse=True) if line.startswith(h)), None)
        if hdr is None or not line[len(hdr) :][:1] or line in _TEXT_SECTIONS:
            i += 1
            continue
        block = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i].strip())
            i += 1
        cols = _TEXT_HEADERS[hdr]
        if cols is None:
            continue
        s = clean_text(" ".join(block))[len(hdr) :]
        t = Table(index=len(out), heading=section, rows=[list(cols)])
        n = len(cols) - 1
        row: list[str] = []
        start = 0
        for m in _TEXT_CELL_END.finditer(s):
            pre = s[start : m.start()].strip()
            start = m.end()
            where = t.where(len(t.rows), cols[len(row) or 1])
            tail = _TEXT_CELL_TAIL.search(pre)
            label = pre[: tail.start()].strip() if tail else pre
            if not row:
                if tail is None or not label:
                    raise ParseError(f"cannot read row start {pre + m.group(0)!r}", url=url, where=where)
                row = [label]
            elif tail is None or label:
                raise ParseError(f"cannot read price cell {pre + m.group(0)!r}", url=url, where=where)
            row.append(clean_text(pre[tail.start() :] + m.group(0)))
            if len(row) == n + 1:
                t.rows.append(row)
                row = []
        if row or s[start:].strip():
            raise ParseError(f"unread text {s[start:].strip() or row!r}", url=url, where=t.where(len(t.rows)))
        out.append(t)
    return out


_TEXT_CELL = re.compile(
    rf"^\$\s*{_NUM}\s*/\s*(?P<unit>1[MK] tokens|1M characters|image|minute|session|GB / assistant / day)"
    r"(?:\s*\((?P<note>[^)]*)\))?$"
)
_DALLE_LABEL = re.compile(r"^(?P<model>DALL·E \d)?(?P<quality>Standard|HD)?(?P<size>\d+×\d+(?:, \d+×\d+)*)$")


def _interpret_text(tables: list[Table], url: str) -> list[ParsedPrice]:
    """Prices of the 2024 text tables. ``Model | Input | Output`` -> token prices; ``Model | Usage`` -> input
    (embeddings), input and output (base models: one usage price for both), or the audio models' per-minute /
    per-1M-characters prices; ``Tool | Input`` -> code interpreter per session (retrieval storage, per GB per
    assistant per day and free until 04/01/2024, is not read); ``Model | Price`` (``DALL·E 3Standard1024×1024``)
    -> ``image_output`` per image."""
    out: list[ParsedPrice] = []
    for t in tables:
        kind_cols = t.header[1:]
        model = shown = ""
        for r, row in enumerate(t.body, start=1):
            label = row[0]
            if t.header == ["Model", "Price"]:
                m = _DALLE_LABEL.match(label)
                if m is None:
                    raise ParseError(f"cannot read image row label {label!r}", url=url, where=t.where(r, "Model"))
                if m.group("model"):
                    shown = m.group("model")
                    model = _name_to_id(shown, url, t.where(r, "Model"))
                if not model:
                    raise ParseError("price row before any model", url=url, where=t.where(r, "Model"))
                quality = m.group("quality") or ""
                cond = f"quality {quality.lower()}, {m.group('size')}" if quality else m.group("size")
                cell = _text_cell(row[1], url, t.where(r, "Price"))
                out.append(_unit_price(model, shown, "image_output", cell[0], cell[1], "standard", t.where(r, "Price"), cond))
                continue
            if t.header[0] == "Tool":
                where = t.where(r, "Input")
                if label == "Retrieval":
                    continue  # storage per GB per assistant per day, "free until 04/01/2024": not read
                amount, unit, _ = _text_cell(row[1], url, where)
                if label != "Code interpreter" or unit != "per session":
                    raise ParseError(f"unknown tool price {label!r} {row[1]!r}", url=url, where=where)
                out.append(_unit_price("code_interpreter", label, "tool_call", amount, unit, "standard", where))
                continue
            model = _name_to_id(label, url, t.where(r, "Model"))
            for c, col in enumerate(kind_cols, start=1):
                where = t.where(r, col)
                amount, unit, note = _text_cell(row[c], url, where)
                if is_token_unit(unit):
                    if col == "Usage":
                        kinds = {"EMBEDDING MODELS": ["input"], "BASE MODELS": ["input", "output"]}.get(t.heading)
                        if kinds is None:
                            raise ParseError("token 'Usage' price outside embeddings/base models", url=url, where=where)
                    else:
                        kinds = [col.lower()]
                    for kind in kinds:
                        out.append(_unit_price(model, label, kind, amount, unit, "standard", where, note))
                elif unit == "per minute" and ("whisper" in model or "transcribe" in model):
                    out.append(_unit_price(model, label, "audio_transcription", amount, unit, "standard", where, note))
                elif unit == "per 1M characters" and "tts" in model:
                    out.append(_unit_price(model, label, "speech_output", amount, unit, "standard", where, note))
                else:
                    raise ParseError(f"unexpected unit {unit!r} for {label!r}", url=url, where=where)
    return _dedupe(out, url)


def _text_cell(cell: str, url: str, where: str) -> tuple[str, str, str | None]:
    """``"$10.00 / 1M tokens"`` -> ("10.00", "per 1M tokens", None); ``"$0.006 / minute (rounded …)"`` keeps the note."""
    m = _TEXT_CELL.match(clean_text(cell))
    if m is None or m.group("unit") not in _TEXT_UNITS:
        raise ParseError(f"cannot read price cell {cell!r}", url=url, where=where)
    return m.group(1), _TEXT_UNITS[m.group("unit")], m.group("note")


# --- offers (regional processing uplift) ----------------------------------------------------------------------

_UPLIFT = re.compile(
    r"Regional processing \(data residency\) endpoints are charged an? (?P<pct>\d+(?:\.\d+)?)% uplift for "
    r"(?P<models>.+?)\.\s", re.S)
_UPLIFT_TIER = re.compile(r'"tier":\[0,"(?P<tier>standard|batch|flex|priority)"\][^<>]{0,400}?"allModelsFootnote"')
#: region slug of OpenAI's regional-processing (data residency) endpoints: the page names no region, it links to
#: its data guide for the supported ones.
UPLIFT_REGION = "data-residency"


def parse_offers(body: bytes, url: str) -> list:
    """The regional-processing uplift the page states, as :class:`~pipelines.sources.base.ParsedOffer`: the footnote
    "Regional processing (data residency) endpoints are charged a 10% uplift for gpt-5.5, …, and gpt-5.4-pro" ->
    one ``regional_uplift`` per model named: 10 ``percent uplift`` in region ``data-residency`` (the page names no
    region; it points to its data-residency guide). The footnote sits under the text-token table of each tab
    (Standard / Batch / Flex / Priority): the tabs it appears in are listed in ``conditions``; the uplift is not
    tied to one tier (``service_tier`` NULL). Pages without the footnote (the 2024 and 2025 layouts) give [].
    """
    import html as _html

    raw = body.decode("utf-8", errors="replace")
    unescaped = _html.unescape(raw)
    tiers = sorted({m.group("tier") for m in _UPLIFT_TIER.finditer(unescaped)
                    if "Regional processing (data residency)" in unescaped[m.end(): m.end() + 400]},
                   key=["standard", "batch", "flex", "priority"].index)
    text = clean_text(re.sub(r"<[^>]+>", " ", _html.unescape(re.sub(r"<[^>]+>", " ", raw)))) + " "
    out = []
    for m in _UPLIFT.finditer(text):
        if m.group("models").startswith("models "):
            # "… a 10% uplift for models released on or after March 5, 2026, that are eligible for data residency"
            # (2026-07 page): a class of models, not a list; which models it covers would be a guess -> no offer
            continue
        names = [x for x in re.split(r",\s*|\s+and\s+|\s+", m.group("models")) if x and x != "and"]
        if not names or not all(re.fullmatch(r"[a-z0-9][a-z0-9.\-]*", x) for x in names):
            raise ParseError(f"cannot read the models of the regional uplift {m.group(0)!r}", url=url)
        sentence = re.sub(r"\s+([,.])", r"\1", clean_text(m.group(0)))
        where = "footnote 'Regional processing (data residency)'"
        for name in names:
            out.append(ParsedOffer(
                provider=PROVIDER, model=name, model_name=name, offer_kind="regional_uplift",
                amount=Decimal(m.group("pct")), currency=None, unit="percent uplift", region=UPLIFT_REGION,
                conditions=sentence + (f" (stated under the {'/'.join(tiers)} tables)" if tiers else ""),
                where=where,
            ))
    return dedupe_offers(out, url)


SOURCE = Source(
    name="openai_pricing",
    provider=PROVIDER,
    urls=("https://developers.openai.com/api/docs/pricing",),
    fmt="html",
    parse=parse,
    parse_offers=parse_offers,
    hosts=("developers.openai.com", "platform.openai.com", "openai.com"),
    archive_urls=("https://platform.openai.com/docs/pricing", "https://openai.com/pricing"),
    description=(
        "OpenAI API pricing page: text tokens per tier (Standard/Batch/Flex/Priority tabs, short and long "
        "context), realtime/audio and image token prices per modality, specialized models. USD per 1M tokens."
    ),
)
