"""OpenAI's API pricing page (developers.openai.com/api/docs/pricing, Astro) -> prices.

Layers, kept apart:

1. document -> tables: :func:`pipelines.extract.html_tables` gives the 16 server-rendered ``<table>``s. The page
   is an Astro site and every price table is the SSR output of an ``<astro-island>`` whose ``props`` attribute
   holds the same table as JSON (Astro's ``[type, value]`` encoding). The SSR tables only show the "latest"
   rows; the rows behind the page's "All models" toggle (gpt-4o, o3, gpt-4.1, embeddings, ...) exist **only**
   in the props. :func:`_island_tables` turns each island's props into a :class:`~pipelines.extract.Table`
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
3. tables -> prices: :func:`_interpret` reads Table objects only. SSR and props tables of one island are read by
   the same code; SSR rows win and props add the models the SSR table hides. A price present in both that
   disagrees raises ParseError.

Read: text tokens (all four tiers, short + long context), Realtime and audio (rows per modality: Text -> input /
cache_read / output, Audio -> input_audio / cache_read_audio / output_audio, Image -> input_image /
output_image), Image generation (same modality rule), Specialized models (Category | Model | ...; "Free" -> 0).

Skipped: Video generation (price per second), Transcription (one "Input" column that does not say whether it
is audio or text tokens, plus a per-minute estimate), Tools (per 1k calls / per GB-day / per session),
Fine-tuning (training per hour and inference prices of fine-tuned snapshots, which are not the base model's
prices), cached *image* input (no price_kind for it), and any cell in a non-token unit ("$15.00 / 1M
characters"). The Markdown copy of the older page (platform.openai.com) is not read: its tier labels are bare
text lines between tables, which :func:`pipelines.extract.markdown_tables` does not expose.
"""

from __future__ import annotations

import dataclasses
import json
import re
from decimal import Decimal

from bs4 import BeautifulSoup, Tag

from pipelines.extract import Table, cell_text, html_tables
from pipelines.sources.base import ParsedPrice, ParseError, Source, clean_text, parse_money

PROVIDER = "openai"
UNIT = "per 1M tokens"  # every token table says "Prices per 1M tokens"
_TIERS = {"standard", "batch", "flex", "priority"}

_COL_KIND = {"input": "input", "cached input": "cache_read", "output": "output", "output / cost": "output"}
_MODALITY_KIND = {
    ("text", "input"): "input",
    ("text", "cache_read"): "cache_read",
    ("text", "output"): "output",
    ("audio", "input"): "input_audio",
    ("audio", "cache_read"): "cache_read_audio",
    ("audio", "output"): "output_audio",
    ("image", "input"): "input_image",
    ("image", "cache_read"): None,  # cached image input: no price_kind in the vocabulary -> not emitted
    ("image", "output"): "output_image",
}
_ABSENT = {"", "-", "—", "–", "n/a", "not available"}
_NON_TOKEN_UNIT = re.compile(
    r"/\s*(1[kKmM]?\s+)?(characters?|chars?|minute|min|second|sec|hour|calls?|requests?|images?|gb|session)\b", re.I
)
_PRICE = re.compile(r"^\$\s*\d[\d,]*(?:\.\d+)?$")
_CONTEXT_NOTE = re.compile(r"\s*\(\s*<\s*(\d+(?:\.\d+)?)\s*([KM])\s+context length\s*\)\s*$", re.I)


def parse(body: bytes, url: str) -> list[ParsedPrice]:
    """Prices on OpenAI's pricing page (served HTML)."""
    head = body.lstrip()[:1000].lower()
    if not (head.startswith(b"<") or b"<html" in head):
        raise ParseError(
            "not an HTML page: the OpenAI parser reads the served HTML (the Markdown copy has its tier tabs "
            "as bare text lines that the generic table reader does not keep)",
            url=url,
        )
    soup = BeautifulSoup(body, "lxml")
    static = html_tables(body)
    islands = _island_tables(soup, start_index=len(static))
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
        tier = _tier_of(island, url)
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
            jobs.append((_labelled(t, _section_label(t.element)), None, _tier_of(t.element, url)))

    out: list[ParsedPrice] = []
    for ssr, props, tier in jobs:
        prices = _interpret(ssr, tier, threshold, url)
        if props is not None:
            prices = _merge(prices, _interpret(props, tier, threshold, url), url)
        out += prices
    if not out:
        raise ParseError("no prices found", url=url)
    return out


# ---------------------------------------------------------------- tables -> prices


def _interpret(t: Table, tier: str, threshold: int | None, url: str) -> list[ParsedPrice]:
    """Prices of one table (SSR or props), whose tab is ``tier``. Unknown price-looking layouts raise."""
    header = [clean_text(h).lower() for h in t.header]
    if not header:
        return []
    if "price per second" in header or "training" in header or header[:1] == ["tool"]:
        return []  # video (per second), fine-tuning (per hour + fine-tuned inference), tools (per call / GB)
    if header[:2] == ["model", "use case"]:
        return []  # transcription: "Input" does not say audio or text tokens; "Estimated cost" is per minute
    if header[:1] == ["model"] and header[1:2] == ["modality"]:
        model_col, modality_col = 0, 1
    elif header[:2] == ["category", "model"]:
        model_col, modality_col = 1, None
    elif header[:1] == ["model"]:
        model_col, modality_col = 0, None
    else:
        if any(_PRICE.match(c.split("\n")[0].strip()) for row in t.body for c in row):
            raise ParseError(f"unrecognised price table with columns {t.header!r}", url=url, where=t.where())
        return []

    group = t.rows[t.header_rows - 2] if t.header_rows >= 2 else [""] * len(header)
    cols: dict[int, tuple[str, int]] = {}  # col -> (kind, tier_min_tokens)
    for c, h in enumerate(header):
        if c in (model_col, modality_col) or (model_col == 1 and c == 0):
            continue
        if h not in _COL_KIND:
            raise ParseError(f"unknown price column {t.header[c]!r}", url=url, where=t.where(col=t.header[c]))
        g = clean_text(group[c]).lower()
        if g in ("", "short context"):
            min_tokens = 0
        elif g == "long context":
            min_tokens = -1  # resolved below, only if the column has a price
        else:
            raise ParseError(f"unknown column group {group[c]!r}", url=url, where=t.where(col=t.header[c]))
        cols[c] = (_COL_KIND[h], min_tokens)

    out: list[ParsedPrice] = []
    for r, row in enumerate(t.body, start=1):
        shown = clean_text(row[model_col].split("\n")[0])
        note = clean_text(" ".join(row[model_col].split("\n")[1:])) or None
        model, context_note = _model_id(shown)
        if not model or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._:-]*", model):
            raise ParseError(f"cannot read model id from {row[model_col]!r}", url=url, where=t.where(r, t.header[model_col]))
        modality = clean_text(row[modality_col]).lower() if modality_col is not None else None
        for c, (base_kind, min_tokens) in cols.items():
            where = t.where(r, _col_name(t, c))
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
                    tier_min_tokens=min_tokens,
                    where=where,
                    conditions=conditions,
                )
            )
    return out


def _read_cell(text: str, url: str, where: str) -> tuple[Decimal, str, str | None] | None:
    """``"$0.075"`` -> (Decimal("0.075"), "USD", None). A second line is kept as a note.

    None for absent ("-", empty) and for non-token units ("$15.00 / 1M characters"). "Free" -> 0.
    Anything else raises ParseError.
    """
    lines = [clean_text(x) for x in text.split("\n") if clean_text(x)]
    first = lines[0] if lines else ""
    note = " ".join(lines[1:]) or None
    if first.lower() in _ABSENT:
        return None
    if first.lower() == "free":
        return Decimal(0), "USD", note
    if _NON_TOKEN_UNIT.search(first):
        return None
    money = parse_money(first) if _PRICE.match(first) else None
    if money is None:
        raise ParseError(f"cannot read price cell {text!r} (expected '$<amount>')", url=url, where=where)
    return money[0], money[1], note


def _merge(ssr: list[ParsedPrice], props: list[ParsedPrice], url: str) -> list[ParsedPrice]:
    """SSR prices plus the props prices the SSR table hides; a price in both must agree."""
    key = lambda p: (p.model, p.price_kind, p.service_tier, p.tier_min_tokens)  # noqa: E731
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


def _tier_of(el: Tag, url: str) -> str:
    """Tab (service tier) of an element: the ``data-value`` of its enclosing content-switcher pane."""
    pane = el.find_parent(attrs={"data-content-switcher-pane": True})
    tier = clean_text(pane.get("data-value", "")).lower() if pane is not None else "standard"
    if tier not in _TIERS:
        raise ParseError(f"unknown pricing tab {tier!r}", url=url)
    if el.name == "astro-island":
        props = _decode_props(el.get("props", ""))
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


def _decode_props(raw: str) -> object:
    """Astro island props: JSON where each value is ``[type, value]`` (0 = plain, 1 = array). Numbers -> Decimal."""
    if not raw:
        return None
    return _astro_value(json.loads(raw, parse_float=Decimal))  # bs4 has already unescaped the attribute


def _astro_value(v: object) -> object:
    if isinstance(v, list) and len(v) == 2 and isinstance(v[0], int) and not isinstance(v[0], bool):
        kind, x = v
        if kind == 0:
            return {k: _astro_value(y) for k, y in x.items()} if isinstance(x, dict) else x
        if kind == 1 and isinstance(x, list):
            return [_astro_value(y) for y in x]
        return x
    if isinstance(v, dict):
        return {k: _astro_value(y) for k, y in v.items()}
    return v


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


def _island_tables(soup: BeautifulSoup, start_index: int) -> list[tuple[Tag, Table | None]]:
    """Each price ``<astro-island>`` with its props as a Table (same columns as the SSR table), or None.

    Shapes handled: ``TextTokenPricingTables`` (``rows`` of [model, input, cached, output]), ``PricingTable``
    (``headings`` + ``rows``) and ``GroupedPricingTable`` (``headings`` + ``groups`` of {model, rows}; the group
    name becomes the first cell of each of its rows, as in the SSR table).
    """
    out: list[tuple[Tag, Table | None]] = []
    for island in soup.find_all("astro-island"):
        kind = island.get("component-export", "")
        if kind not in ("TextTokenPricingTables", "PricingTable", "GroupedPricingTable"):
            continue
        props = _decode_props(island.get("props", ""))
        rows: list[list[str]] | None = None
        if isinstance(props, dict):
            if kind == "TextTokenPricingTables" and isinstance(props.get("rows"), list):
                rows = [["Model", "Input", "Cached input", "Output"]]
                rows += [[_props_cell(x) for x in r] for r in props["rows"]]
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


SOURCE = Source(
    name="openai_pricing",
    provider=PROVIDER,
    urls=("https://developers.openai.com/api/docs/pricing",),
    fmt="html",
    parse=parse,
    hosts=("developers.openai.com", "platform.openai.com"),
    description=(
        "OpenAI API pricing page: text tokens per tier (Standard/Batch/Flex/Priority tabs, short and long "
        "context), realtime/audio and image token prices per modality, specialized models. USD per 1M tokens."
    ),
)
