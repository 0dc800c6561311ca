"""Mistral AI's API pricing (docs.mistral.ai/platform/pricing, 2024) -> prices.

Layers, kept apart:

1. document -> tables, chosen by what the document looks like:

   - **text rendering** (the 2024 capture, an html-to-text dump): each table is one run of lines starting with
     its header line (``ModelEndpointInput (USD)Output (USD)Input (EUR)Output (EUR)Mistral``); the cells are run
     together and the lines wrap at ~80 columns at a space. :func:`_text_tables` joins the wrapped lines with a
     space, reads the header from the known column names, and cuts the rest into cells at each unit marker
     (``$ / 1M tokens``, ``€ / 1M tokens``): a cell is ``<number><currency> / 1M tokens``; the first cell of a
     row carries the row label in front (``Mistral Smallmistral-small-latest2$ / 1M tokens``). The label is
     split into display name and endpoint by :func:`_split_label`. The ALL-CAPS line before the table
     (``CHAT COMPLETIONS API``) is its heading.
   - **HTML** or **Markdown** (a later copy of the same table): :func:`pipelines.sources.reader.html_tables` /
     :func:`pipelines.sources.reader.markdown_tables`, whose cells are already apart.

2. tables -> prices: :func:`_interpret` reads tables whose header is ``Model | Endpoint | Input (USD) | …``.
   Each price column names kind and currency (``Output (EUR)``); the cell writes the currency after the number
   (``1.85€``), which must agree with the header. USD and EUR columns are both emitted, as separate rows with
   the same key and a different currency. Unit: per 1M tokens (``/ 1M tokens`` in each cell). The embeddings
   table has input columns only.

provider ``mistral``; model = the API endpoint shown in the ``Endpoint`` column (``mistral-small-latest``).
``-``/empty cells give no row. Anything else that does not read as a price raises :class:`ParseError` naming
table, row and column. Not read: rate limits (not prices).

3. **server-rendered cards** (the live page https://mistral.ai/pricing/api, capture of 2026-07-27): no tables,
   one ``<mistral-block-card-model>`` per model. :func:`_cards` reads each card: its display name (``<p
   class="text-h5">``), its API id (the copy button ``<mistral-atom-button-copy-clipboard data-text=…>``) and its
   prices, one ``<mistral-atom-text-price>`` each, labelled by the text in front of it (``Input (/M tokens)``).
   The amounts are read from the element's ``data-prices`` JSON (``{"priceEur":1.25,"priceUsd":1.5,…}``, the
   page's USD/EUR toggle; read as exact decimals), which must agree with the rendered USD text (``$1.5``);
   both currencies are emitted, as for the 2024 table. Labels -> kinds: :data:`CARD_LABELS`. The featured cards
   at the top repeat catalogue cards; a repeat must agree (else a finding and neither is kept).
   Not emitted: the page's "Batch processing -50%" and "Cached input tokens -90%" toggles (multipliers applied
   by the page's script, not prices written on the page); "Enterprise APIs" (+75%, on request).
   Findings (non-blocking, :class:`~pipelines.sources.base.Finding`): a card without an API id (tools, the
   classifier fine-tuning cards), a label not in :data:`CARD_LABELS`, a price cell that does not read (``Free``
   without a kind, a ``data-prices`` that disagrees with its text or has a multiplier other than 1).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

from bs4 import BeautifulSoup, Tag

from pipelines.sources.reader import Table, html_tables, is_absent, markdown_tables
from pipelines.sources.base import (
    Finding, ParsedPage, ParsedPrice, ParseError, Source, clean_text, parse_money, seller_price,
)

PROVIDER = "mistral"

_COLUMN = re.compile(r"^(input|output)\s*\((usd|eur)\)$", re.I)
_CURRENCY = {"$": "USD", "€": "EUR", "usd": "USD", "eur": "EUR"}
#: a whole price cell: "0.25$ / 1M tokens", "1.85€ / 1M tokens" (currency after the number), or "$0.25 / 1M tokens"
_PRICE_CELL = re.compile(
    r"^(?:(?P<pre>[$€])\s*)?(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<post>[$€])?\s*(?:/\s*(?P<unit>1M|1K)\s+tokens?)?$"
)
_UNITS = {"1M": "per 1M tokens", "1K": "per 1K tokens"}
_ENDPOINT = re.compile(r"^[a-z][a-z0-9.-]*[a-z0-9]$")

# ---- text rendering
#: column names a text-rendered table header is made of (run together: "ModelEndpointInput (USD)…")
_TEXT_COLUMNS = ("Model", "Endpoint", "Input (USD)", "Output (USD)", "Input (EUR)", "Output (EUR)")
#: end of one cell in the run-together text: "<currency> / 1M tokens"
_CELL_END = re.compile(r"(?:[$€])\s*/\s*1[MK]\s+tokens?")
#: the number that ends a cell's text, just before the currency (the row label, if any, is in front of it)
_CELL_TAIL = re.compile(r"(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<cur>[$€])\s*/\s*(?P<unit>1[MK])\s+tokens?$")
_CAPS_HEADING = re.compile(r"^[A-Z][A-Z0-9 &/()-]+$")


def parse(body: bytes, url: str) -> ParsedPage:
    """Prices on Mistral's pricing page: live cards, HTML/Markdown table or text rendering (chosen by the content)."""
    text = body.decode("utf-8", errors="replace")
    head = text.lstrip("\ufeff \t\r\n")[:1000].lower()
    if "<mistral-block-card-model" in text:
        return _cards(text, url)
    if head.startswith("<") or "<html" in head:
        tables = html_tables(body)
    else:
        tables = markdown_tables(text) or _text_tables(text, url)
    out = _interpret(tables, url)
    if not out:
        raise ParseError("no prices found (no 'Model | Endpoint | Input (USD) | …' table)", url=url)
    return ParsedPage(prices=out)


# ---------------------------------------------------------------- live page: cards -> prices

#: card price label (lowercase, whitespace collapsed) -> (price kind, unit). The unit of a non-token price may
#: also come from the element's ``suffix`` (``/ 1000 pages``), which must then agree (:data:`CARD_SUFFIXES`).
CARD_LABELS: dict[str, tuple[str, str]] = {
    "input (/m tokens)": ("input", "per 1M tokens"),
    "output (/m tokens)": ("output", "per 1M tokens"),
    # Voxtral Small: "Audio Input (per min / per M tok)" and "Text Input (per min / per M tok)": audio is billed
    # per minute, text per 1M tokens (Mistral's docs: Voxtral Small audio input $0.004/min).
    "text input (per min / per m tok)": ("input", "per 1M tokens"),
    "audio input (per min / per m tok)": ("audio_input", "per minute"),
    "audio input/min": ("audio_input", "per minute"),
    "ocr": ("ocr", "per 1K pages"),
    "document ai": ("document_ai", "per 1K pages"),
    "audio generation": ("speech_output", "per 1K characters"),
}
#: the ``suffix`` of a price element -> the unit it states (checked against :data:`CARD_LABELS`).
CARD_SUFFIXES = {"/ 1000 pages": "per 1K pages", "per 1k characters": "per 1K characters"}
_CARD_ID = re.compile(r"^[a-z][a-z0-9]*(?:[-.][a-z0-9]+)+$")


def _cards(text: str, url: str) -> ParsedPage:
    # only the cards (they do not nest) go to the HTML parser: the page is ~0.5 MB of navigation and SVG
    cards = re.findall(r"<mistral-block-card-model\b.*?</mistral-block-card-model>", text, re.S)
    soup = BeautifulSoup("".join(re.sub(r"<svg\b.*?</svg>", "", c, flags=re.S) for c in cards), "lxml")
    findings: list[Finding] = []
    seen: dict[tuple, ParsedPrice] = {}
    clashes: set[tuple] = set()
    for n, card in enumerate(soup.find_all("mistral-block-card-model")):
        title = card.find("p", class_="text-h5") or card.find("p", class_="text-h6")
        name = clean_text(title.get_text(" ")) if title else f"card {n}"
        where_card = f"card {n} {name!r}"
        atoms = card.find_all("mistral-atom-text-price")
        copy = card.find("mistral-atom-button-copy-clipboard")
        model = clean_text(str(copy.get("data-text", ""))) if copy else ""
        if not _CARD_ID.match(model):
            if atoms or "free" in clean_text(card.get_text(" ")).lower().split():
                findings.append(Finding("unknown_row", where_card, f"no API model id on the card ({model or 'none'})"))
            continue
        if not atoms:
            # Leanstral: "Free" for a limited period, without saying for which tokens: not a price we can key
            if "free" in clean_text(card.get_text(" ")).lower().split():
                findings.append(Finding("unreadable_cell", where_card, "Free (no price kind given)"))
            continue
        for atom in atoms:
            label = _card_label(atom)
            where = f"{where_card} label {label!r}"
            spec = CARD_LABELS.get(label.lower())
            if spec is None:
                findings.append(Finding("unknown_column", where, label))
                continue
            kind, unit = spec
            read = _card_amounts(atom, unit, where)
            if isinstance(read, Finding):
                findings.append(read)
                continue
            for currency, amount in read:
                q = seller_price(PROVIDER, currency, model, name, kind, amount, unit, where)
                key = (model, kind, unit, currency)
                if key in seen and seen[key].amount != amount:
                    clashes.add(key)
                    findings.append(Finding("unreadable_cell", where, f"{amount} disagrees with {seen[key].where}"))
                seen.setdefault(key, q)
    prices = [q for k, q in seen.items() if k not in clashes]
    if not prices:
        raise ParseError("no prices found on the pricing cards", url=url)
    return ParsedPage(prices=prices, findings=findings)


def _card_label(atom: Tag) -> str:
    """The label in front of a price element: the text of its parent without the price element itself."""
    parent = atom.parent
    label = parent.find("p") if isinstance(parent, Tag) else None
    return clean_text(label.get_text(" ")) if label is not None and label is not atom else ""


def _card_amounts(atom: Tag, unit: str, where: str) -> list[tuple[str, Decimal]] | Finding:
    """``data-prices`` of one price element as [(USD, amount), (EUR, amount)], checked against its text."""
    raw = str(atom.get("data-prices", ""))
    try:
        data = json.loads(raw, parse_float=Decimal, parse_int=Decimal)
    except ValueError:
        return Finding("unreadable_cell", where, raw)
    shown = clean_text(atom.get_text(" "))
    money = parse_money(shown) if shown else None
    usd, eur = data.get("priceUsd"), data.get("priceEur")
    suffix = clean_text(data.get("suffix") or "")
    if (
        not isinstance(usd, Decimal)
        or (eur is not None and not isinstance(eur, Decimal))
        or str(atom.get("data-multiplier", "1")) != "1"
        or data.get("prefix")
        or money is None
        or money != (usd, "USD")
        or (suffix and CARD_SUFFIXES.get(suffix.lower()) != unit)
    ):
        return Finding("unreadable_cell", where, f"{shown!r} data-prices={raw}")
    return [("USD", usd)] + ([("EUR", eur)] if eur is not None else [])


# ---------------------------------------------------------------- tables -> prices


def _interpret(tables: list[Table], url: str) -> list[ParsedPrice]:
    out: list[ParsedPrice] = []
    for t in tables:
        header = [clean_text(h).lower() for h in t.header]
        if header[:2] != ["model", "endpoint"]:
            continue
        cols: dict[int, tuple[str, str]] = {}
        for c, h in enumerate(t.header[2:], start=2):
            m = _COLUMN.match(clean_text(h))
            if not m:
                raise ParseError(f"unknown price column {h!r}", url=url, where=t.where(col=h))
            cols[c] = (m.group(1).lower(), _CURRENCY[m.group(2).lower()])
        for r, row in enumerate(t.body, start=1):
            name = clean_text(row[0])
            endpoint = clean_text(row[1])
            if not _ENDPOINT.match(endpoint):
                raise ParseError(f"cannot read endpoint id {row[1]!r}", url=url, where=t.where(r, t.header[1]))
            for c, (kind, currency) in cols.items():
                where = t.where(r, t.header[c])
                cell = clean_text(row[c])
                if is_absent(cell):
                    continue
                m = _PRICE_CELL.match(cell)
                sym = m and (m.group("pre") or m.group("post"))
                if not m or (sym and _CURRENCY[sym] != currency):
                    raise ParseError(
                        f"cannot read price cell {row[c]!r} (expected '<amount>{'$' if currency == 'USD' else '€'}"
                        " / 1M tokens')",
                        url=url,
                        where=where,
                    )
                out.append(
                    seller_price(PROVIDER, currency, endpoint, name, kind, Decimal(m.group("num").replace(",", "")),
                                 _UNITS[m.group("unit") or "1M"], where)
                )
    return out


# ---------------------------------------------------------------- text rendering -> tables


def _text_tables(text: str, url: str) -> list[Table]:
    """Tables of the html-to-text dump: a block of lines starting with ``ModelEndpoint…`` up to a blank line."""
    lines = text.splitlines()
    out: list[Table] = []
    heading = ""
    i = 0
    while i < len(lines):
        line = clean_text(lines[i])
        if _CAPS_HEADING.match(line) and not line.startswith("MODEL"):
            heading = line
        if not line.startswith("ModelEndpoint"):
            i += 1
            continue
        block = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i].strip())
            i += 1
        out.append(_text_table(clean_text(" ".join(block)), len(out), heading, url))
    return out


def _text_table(s: str, index: int, heading: str, url: str) -> Table:
    header: list[str] = []
    pos = 0
    while True:
        col = next((c for c in _TEXT_COLUMNS if s.startswith(c, pos)), None)
        if col is None:
            break
        header.append(col)
        pos += len(col)
    t = Table(index=index, heading=heading, rows=[header], header_rows=1)
    n_prices = len(header) - 2
    if header[:2] != ["Model", "Endpoint"] or n_prices < 1:
        raise ParseError(f"unrecognised table header {s[:pos]!r}", url=url, where=t.where())
    rest = s[pos:]
    row: list[str] = []
    start = 0
    for m in _CELL_END.finditer(rest):
        chunk = rest[start : m.end()].strip()
        start = m.end()
        r = len(t.rows)  # 1-based body row number of the row being read (rows[0] is the header)
        col = len(row) if row else 2
        where = t.where(r, header[col])
        tail = _CELL_TAIL.search(chunk)
        label = chunk[: tail.start()].strip() if tail else chunk
        if not row:  # first cell of a row: "<name><endpoint><number><currency> / 1M tokens"
            if tail is None or not label:
                raise ParseError(f"cannot read row start {chunk!r}", url=url, where=where)
            name, endpoint = _split_label(label, url, t.where(r, "Model"))
            row = [name, endpoint, chunk[tail.start() :].strip()]
        else:
            if tail is None or label:
                raise ParseError(f"cannot read price cell {chunk!r}", url=url, where=where)
            row.append(chunk)
        if len(row) == len(header):
            t.rows.append(row)
            row = []
    leftover = rest[start:].strip()
    if row or leftover:
        raise ParseError(
            f"incomplete row {row!r} / unread text {leftover!r}", url=url, where=t.where(len(t.rows), None)
        )
    return t


def _split_label(label: str, url: str, where: str) -> tuple[str, str]:
    """``"Mistral Smallmistral-small-latest"`` -> ("Mistral Small", "mistral-small-latest").

    In the text rendering the display name and the endpoint run together. Rule: the endpoint is the shortest
    suffix of the label that is a lowercase endpoint id (``[a-z][a-z0-9.-]*``) and contains the display name
    in front of it, lowercased with spaces as ``-`` ("Mistral 7B" in ``open-mistral-7b``, "Mistral Small" in
    ``mistral-small-latest``). No such split -> ParseError (never guessed).
    """
    for i in range(len(label) - 1, 0, -1):
        endpoint, name = label[i:], label[:i].strip()
        if not _ENDPOINT.match(endpoint) or not name:
            continue
        if re.sub(r"\s+", "-", name.lower()) in endpoint:
            return name, endpoint
    raise ParseError(f"cannot split model cell {label!r} into display name and endpoint", url=url, where=where)


SOURCE = Source(
    name="mistral_pricing",
    provider=PROVIDER,
    urls=("https://mistral.ai/pricing/api",),
    fmt="html",
    parse=parse,
    hosts=("mistral.ai", "docs.mistral.ai"),
    description=(
        "Mistral AI API pricing (mistral.ai/pricing/api, server-rendered cards): per model id, input/output per 1M "
        "tokens, audio input per minute, OCR and Document AI per 1K pages, TTS per 1K characters, in USD and EUR "
        "(both emitted, from each price's data-prices). The 2024 docs page (docs.mistral.ai/platform/pricing) is "
        "read from its capture."
    ),
    archive_urls=("https://docs.mistral.ai/platform/pricing/",),
    live_form="html (server-rendered price cards with data-prices JSON)",
    live_proof="mistral/2026-07-27_mistral-pricing-api.html",
)
