"""DeepSeek "Models & Pricing" page (https://api-docs.deepseek.com/quick_start/pricing and /zh-cn/…) -> prices.

The page has one table, one column per model (``MODEL | deepseek-chat | deepseek-reasoner``), and a
``PRICING`` / ``价格`` block of rows:

- ``1M INPUT TOKENS (CACHE HIT)`` / ``百万tokens输入（缓存命中）`` -> ``cache_read``
- ``1M INPUT TOKENS (CACHE MISS)`` / ``百万tokens输入（缓存未命中）`` -> ``input``
- ``1M OUTPUT TOKENS`` / ``百万tokens输出`` -> ``output``

A price cell that spans every model column (a merged cell) applies to every model. USD pages write
``$0.28``, the Chinese page ``2元`` (CNY, amount exactly as written). Unit: per 1M tokens.

Model facts (:class:`~pipelines.sources.base.ParsedFact`) from the same table: ``CONTEXT LENGTH`` / ``上下文长度``
(``128K``, ``1M``) -> ``context_window``; ``MAX OUTPUT`` / ``输出长度`` -> ``max_output_tokens`` from the cell's
``MAXIMUM:`` / ``最大`` figure (``DEFAULT: 4K MAXIMUM: 8K``, ``默认 4K，最大 8K``); counts by
:func:`pipelines.sources.reader.token_count` (K = 1,000). A cell merged over the model columns applies to every
model; a cell that is no count is a finding (``unreadable_cell``), never a guess.

Two document forms are read, chosen by what the document looks like:

- **crawler Markdown** (the 2025 captures): the rowspan table is flattened into ``|``-separated lines that
  are not a valid pipe table (cell texts wrap onto lines without ``|``), so the lines are read here directly:
  the ``MODEL|`` line names the models and each pricing line is ``[PRICING|] label| price[| price…]`` with
  either one price (merged over all models) or one per model.
- **HTML** (the live page): :func:`pipelines.sources.reader.html_tables` expands the spans; rows whose first cell
  is ``PRICING…`` give label and prices per model column. Later pages split each price into ``OFF-PEAK`` and
  ``PEAK`` rows: ``PEAK`` is the undiscounted all-day list price (``standard``), ``OFF-PEAK`` is
  ``service_tier="off_peak"`` with the page's peak-hours footnote as ``conditions``.
"""

from __future__ import annotations

import re
from decimal import Decimal

from bs4 import BeautifulSoup

from pipelines.sources.base import ParsedFact, ParsedPage, ParsedPrice, ParseError, Source, clean_text, seller_price
from pipelines.sources.reader import CellError, Findings, html_tables, read_price, sniff, token_count

PROVIDER = "deepseek"
UNIT = "per 1M tokens"

_MODEL_LABELS = {"model", "模型"}
_PRICING_LABEL = re.compile(r"^(?:pricing|价格)\b", re.I)
_MODEL_ID = re.compile(r"^[a-z0-9][a-z0-9._:-]*$", re.I)


def parse(body: bytes, url: str) -> ParsedPage:
    """Token prices of the DeepSeek pricing page, Markdown copy or HTML. A pricing row whose label names no token
    price kind is a finding (``unknown_row``) and the other rows load."""
    text = body.decode("utf-8", errors="replace")
    found = Findings()
    facts: list[ParsedFact] = []
    if sniff(body) == "html" or "<table" in text.lower():
        out = _parse_html(body, url, found, facts)
    else:
        out = _parse_markdown(text, url, found, facts)
    if not out:
        raise ParseError("no prices found on the page", url=url)
    return found.page(out, url, facts=facts)


# --- model facts (both forms) -------------------------------------------------------------------------------

_CONTEXT_LABEL = re.compile(r"^(?:context length|上下文长度)$", re.I)
_OUTPUT_LABEL = re.compile(r"^(?:max output|输出长度)$", re.I)
_MAXIMUM = re.compile(r"(?:MAXIMUM|最大)\s*:?\s*(\d[\d,.]*\s*[KM]?)", re.I)
#: row labels that end a wrapped MAX OUTPUT row of the crawler Markdown (the next row of the table)
_NEXT_ROW = re.compile(r"^(?:features|功能|pricing|价格|concurrency)", re.I)


def _fact_kind(label: str) -> str | None:
    t = clean_text(label)
    return "context_window" if _CONTEXT_LABEL.match(t) else "max_output_tokens" if _OUTPUT_LABEL.match(t) else None


def _facts(kind: str, cells: list[str], models: list[str], where: str, found: Findings) -> list[ParsedFact]:
    """One fact per model from a row's value cells (one merged cell, or one per model)."""
    cells = [clean_text(c) for c in cells if clean_text(c)]
    if len(cells) == 1:
        cells = cells * len(models)
    if len(cells) != len(models):
        found.add("unreadable_cell", where, " | ".join(cells))
        return []
    out = []
    for model, cell in zip(models, cells):
        if kind == "context_window":
            stated = cell
        else:
            m = _MAXIMUM.search(cell)
            stated = m.group(1) if m else cell
        n = token_count(stated)
        if n is None:
            found.add("unreadable_cell", f"{where} col {model!r}", cell)
            continue
        out.append(ParsedFact(PROVIDER, model, kind, str(n), cell, f"{where} col {model!r}"))
    return out


def _price_kind(label: str) -> str | None:
    """Price kind of a pricing row label, None if the label is not a token price."""
    t = clean_text(label).upper()
    if not ("1M" in t or "百万" in t):
        return None
    if "CACHE MISS" in t or "缓存未命中" in t:
        return "input"
    if "CACHE HIT" in t or "缓存命中" in t:
        return "cache_read"
    if "OUTPUT" in t or "输出" in t:
        return "output"
    if "INPUT" in t or "输入" in t:
        return "input"
    return None


def _money(cell: str, url: str, where: str) -> tuple[Decimal, str]:
    """A whole price cell (``"$0.028"``, ``"0.2元"``, ``"￥2"``, ``"2 CNY"``) by the shared cell reader: the amount
    and its currency, nothing else in the cell (the unit is the row label's)."""
    try:
        c = read_price(cell)
    except CellError:
        c = None
    if c is None or c.unit is not None or c.note is not None or clean_text(cell).lower() == "free":
        raise ParseError(f"cannot read price {cell!r}", url=url, where=where)
    return c.amount, c.currency


# --- crawler Markdown -------------------------------------------------------------------------------------


def _cells(line: str) -> list[str]:
    return [clean_text(c.replace("**", "")) for c in line.split("|")]


def _parse_markdown(text: str, url: str, found: Findings, facts: list[ParsedFact]) -> list[ParsedPrice]:
    lines = text.splitlines()
    models: list[str] = []
    model_line = -1
    for n, line in enumerate(lines):
        if "|" not in line:
            continue
        cells = _cells(line)
        if cells[0].lower() in _MODEL_LABELS:
            models = [c for c in cells[1:] if c]
            model_line = n
            break
    if model_line < 0:
        raise ParseError("no 'MODEL|' row naming the models", url=url)
    bad = [m for m in models if not _MODEL_ID.match(m)]
    if not models or bad:
        raise ParseError(f"cannot read model ids {models!r}", url=url, where=f"line {model_line + 1}")
    out: list[ParsedPrice] = []
    in_pricing = False
    for n in range(model_line + 1, len(lines)):
        line = lines[n]
        if "|" not in line:
            if in_pricing:
                break  # the pricing block ends at the first line that is not a table row
            continue
        cells = _cells(line)
        kind = _fact_kind(cells[0]) if not in_pricing else None
        if kind is not None:  # a fact row; the crawler wraps its cells onto the lines below, up to the next row
            joined = [line]
            for nxt in lines[n + 1:]:
                if _NEXT_ROW.match(_cells(nxt)[0]) or _fact_kind(_cells(nxt)[0]) or not nxt.strip():
                    break
                joined.append(nxt)
            facts += _facts(kind, _cells(" ".join(joined))[1:], models, f"line {n + 1} ({cells[0]!r})", found)
            continue
        if _PRICING_LABEL.match(cells[0]):
            in_pricing = True
            cells = cells[1:]
        if not in_pricing:
            continue
        label, prices = cells[0], [c for c in cells[1:] if c]
        where = f"line {n + 1} ({label!r})"
        kind = _price_kind(label)
        if kind is None:
            found.add("unknown_row", where, label)  # not read, never guessed
            continue
        if len(prices) == 1:
            per_model = [prices[0]] * len(models)  # one merged cell over all model columns
        elif len(prices) == len(models):
            per_model = prices
        else:
            raise ParseError(f"{len(prices)} prices for {len(models)} models", url=url, where=where)
        for model, cell in zip(models, per_model):
            amount, currency = _money(cell, url, where)
            out.append(_price(model, kind, amount, currency, "standard", None, f"{where} col {model!r}"))
    return out


# --- HTML -------------------------------------------------------------------------------------------------

_PEAK = re.compile(r"^peak$|^高峰", re.I)
_OFF_PEAK = re.compile(r"^off-?peak$|^(?:闲时|低峰|非高峰)", re.I)
_PEAK_NOTE = re.compile(r"(Peak hours are[^.]*\.)")


def _parse_html(body: bytes, url: str, found: Findings, facts: list[ParsedFact]) -> list[ParsedPrice]:
    out: list[ParsedPrice] = []
    note: str | None = None
    for table in html_tables(body):
        model_row = next((r for r in table.rows if r and clean_text(r[0]).lower() in _MODEL_LABELS), None)
        if model_row is None:
            continue
        cols = [(j, clean_text(c)) for j, c in enumerate(model_row) if c != model_row[0]]
        bad = [m for _, m in cols if not _MODEL_ID.match(m)]
        if not cols or bad:
            raise ParseError(f"cannot read model ids {bad or cols!r}", url=url, where=table.where(0))
        first = cols[0][0]
        for r, row in enumerate(table.rows):
            kind = _fact_kind(row[0])
            if kind is not None:
                # html_tables repeats a merged cell in each column it spans: one value per model column
                facts += _facts(kind, [row[j] for j, _ in cols], [m for _, m in cols], table.where(r), found)
                continue
            if not _PRICING_LABEL.match(clean_text(row[0])):
                continue
            labels = [clean_text(x) for x in dict.fromkeys(row[1:first]) if x and x != row[0]]
            if not labels:
                raise ParseError("pricing row without a label", url=url, where=table.where(r))
            tier, conditions = "standard", None
            if len(labels) == 2 and (_PEAK.match(labels[1]) or _OFF_PEAK.match(labels[1])):
                if _OFF_PEAK.match(labels[1]):
                    if note is None:
                        note = _peak_note(body)
                    if note is None:
                        raise ParseError(
                            "off-peak price but no peak-hours footnote found", url=url, where=table.where(r, 2)
                        )
                    tier, conditions = "off_peak", note
            elif len(labels) != 1:
                raise ParseError(f"unexpected pricing row labels {labels!r}", url=url, where=table.where(r))
            kind = _price_kind(labels[0])
            if kind is None:
                found.add("unknown_row", table.where(r, 1), labels[0])  # not read, never guessed
                continue
            for j, model in cols:
                cell = row[j]
                where = table.where(r, model) + f" ({labels[-1]})"
                if not clean_text(cell) or clean_text(cell) in ("-", "—"):
                    continue  # absent is not zero
                amount, currency = _money(cell, url, where)
                out.append(_price(model, kind, amount, currency, tier, conditions, where))
    return out


def _peak_note(body: bytes) -> str | None:
    text = clean_text(BeautifulSoup(body, "lxml").get_text(" "))
    m = _PEAK_NOTE.search(text)
    return m.group(1) if m else None


def _price(
    model: str, kind: str, amount: Decimal, currency: str, tier: str, conditions: str | None, where: str
) -> ParsedPrice:
    return seller_price(PROVIDER, currency, model, model, kind, amount, UNIT, where, conditions, service_tier=tier)


SOURCE = Source(
    name="deepseek_pricing",
    provider=PROVIDER,
    urls=(
        "https://api-docs.deepseek.com/quick_start/pricing",
        "https://api-docs.deepseek.com/zh-cn/quick_start/pricing",
    ),
    fmt="markdown",
    parse=parse,
    hosts=("api-docs.deepseek.com",),
    description="DeepSeek Models & Pricing page (English: USD, Chinese: CNY), per 1M tokens; cache hit/miss "
    "input and output, merged over the model columns; off-peak rows where the page has them. "
    "Reads the crawler-Markdown copy and the HTML page.",
)
