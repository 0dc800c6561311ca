"""Moonshot AI / Kimi model-inference pricing pages -> prices.

Two sites sell the same API:

- https://platform.moonshot.cn/docs/pricing/chat (China; prices in CNY ``￥1.00``) -> ``region="cn-mainland"``;
- https://platform.kimi.ai/docs/pricing/chat.md and …/chat-k3.md (international; prices in USD ``$0.30``)
  -> ``region="intl"``.

The region is read from the page's currency (CNY prices are the .cn platform's, USD prices the .ai
platform's), so a capture is interpreted the same whatever URL it was saved under. The module exports one
:class:`Source` per site (``SOURCE_CN``, ``SOURCE_INTL``, both in ``SOURCES``); ``SOURCE`` is ``SOURCE_CN``.

Document -> tables, by what the document looks like:

- **Mintlify MDX** (kimi.ai ``.md`` export): ``<DocTable columns={[{ title: "…" }, …]} rows={[[…], …]} />``.
  The ``rows`` array is read cell by cell: ``"text"`` string literals and JSX fragments ``<>{"$"}0.30</>``
  (the ``{"$"}`` string expression is the dollar sign glued to the number). Anything else in a row raises.
- **crawler Markdown** (moonshot.cn): GitHub pipe tables via :func:`pipelines.sources.reader.markdown_tables`. The
  ``kimi-latest`` table had a rowspan on its model cell; the crawler dropped it, so its continuation rows
  are one cell short and start with the context-length range. Such rows continue the previous model.

- **Mintlify HTML** (platform.kimi.ai pages as ``curl`` gets them, 2026-07-27): no price in the visible HTML; the page
  carries its compiled MDX in the Next.js flight payload (``self.__next_f.push([1,"…"])`` strings, concatenated
  and JSON-unescaped by :func:`pipelines.sources.reader.next_flight`). :func:`compiled_doc_tables` reads its ``_jsx(DocTable,{columns:[{title:
  `Model`…}],rows:[[`kimi-k2.6`,`1M tokens`,_jsxs(_Fragment,{children:[`$`,`0.16`]}),…]]})`` calls: a cell is a
  template literal (without ``${…}``) or a ``_Fragment`` of literals joined (``$`` + ``0.16`` -> ``$0.16``); anything
  else is an unreadable cell (a finding, the cell left empty, never a guess). The preceding
  ``_jsx(Heading,{…children:`Product Pricing`})`` is the table's heading. The page's ``.md`` twin (the live form)
  serves the same table as MDX source.

Tables -> prices (columns recognised by header text, English or Chinese):

- ``Input Price (Cache Hit)`` / ``输入价格（缓存命中）`` -> ``cache_read``;
- ``Input Price (Cache Miss)`` / ``输入价格（缓存未命中）`` and plain ``输入价格`` / ``Input Price`` -> ``input``;
- ``Output Price`` / ``输出价格`` -> ``output``;
- ``Unit`` / ``计费单位`` must say ``1M tokens`` (-> ``per 1M tokens``);
- ``Context Window`` / ``模型上下文长度`` (``262,144 tokens``) -> the model fact ``context_window``
  (:class:`~pipelines.sources.base.ParsedFact`, read by :func:`pipelines.sources.reader.token_count`; a cell that
  is no count is an ``unreadable_cell`` finding);
- ``请求上下文长度范围`` (kimi-latest: billing model chosen by the request's context length) -> long-context
  tier: ``≤ 8,192 tokens`` is the base (0), ``8,192 < 长度 ≤ 32,768 tokens`` starts at 8192 tokens (cliff: the
  whole request is billed at that row), with the range text kept in ``conditions``.

Model cells are API ids already (``kimi-k2-0905-preview``); a badge glued to the id (``推荐`` =
"recommended") is dropped if it is one of :data:`BADGES`, anything else after the id raises.
"""

from __future__ import annotations

import re
from decimal import Decimal

from pipelines.sources.reader import Table, is_absent, markdown_tables, next_flight, token_count
from pipelines.sources.base import (
    Finding, ParsedFact, ParsedPage, ParsedPrice, ParseError, Source, clean_text, parse_money, seller_price,
)

PROVIDER = "moonshot"
UNIT = "per 1M tokens"

#: currency of the page -> region of the price (the .cn platform bills in CNY, platform.kimi.ai in USD).
REGION_BY_CURRENCY = {"CNY": "cn-mainland", "USD": "intl"}

#: badge texts the pages glue to a model id (``kimi-k2-turbo-preview推荐``); dropped from the id.
BADGES = frozenset({"推荐", "新", "最新", "热门", "new", "recommended", "latest", "hot"})

_MODEL_ID = re.compile(r"^(?P<id>[a-z][a-z0-9]*(?:[-.][a-z0-9]+)*)(?P<rest>.*)$", re.I)

# normalised header -> meaning ("model", "unit", "tier", "ignore" or a price kind)
_COLUMNS: dict[str, str] = {
    "model": "model",
    "模型": "model",
    "unit": "unit",
    "计费单位": "unit",
    "input price (cache hit)": "cache_read",
    "输入价格(缓存命中)": "cache_read",
    "input price (cache miss)": "input",
    "输入价格(缓存未命中)": "input",
    "input price": "input",
    "输入价格": "input",
    "output price": "output",
    "输出价格": "output",
    "context window": "context",
    "context length": "context",
    "模型上下文长度": "context",
    "请求上下文长度范围(自动选择计费模型)": "tier",
    "请求上下文长度范围": "tier",
    "request context length": "tier",
}
_FREE = {"free", "免费", "限时免费"}
_PRICE = re.compile(r"^(?:\$|¥|US\$)\s*\d[\d,]*(?:\.\d+)?(?:\s*元)?$|^\d[\d,]*(?:\.\d+)?\s*元$")
_UNIT_1M = re.compile(r"^1\s*M\s*tokens?$", re.I)


def parse(body: bytes, url: str) -> ParsedPage:
    """Token prices of a Kimi / Moonshot pricing page (Mintlify HTML, MDX ``DocTable`` or crawler Markdown)."""
    text = body.decode("utf-8", errors="replace")
    findings: list[Finding] = []
    if "self.__next_f" in text and "_jsx(DocTable" in text:
        tables = compiled_doc_tables(next_flight(text), url, findings)
    elif "<DocTable" in text:
        tables = doc_tables(text, url)
    else:
        tables = markdown_tables(text)
    facts: list[ParsedFact] = []
    out = _interpret(tables, url, findings, facts)
    if not out:
        raise ParseError("no prices found on the page", url=url)
    return ParsedPage(prices=out, findings=findings, facts=facts)


# ---------------------------------------------------------------- document -> tables (Mintlify HTML, compiled MDX)

_TPL = re.compile(r"`((?:[^`\\$]|\\.|\$(?!\{))*)`")
_LIT = r"`(?:[^`\\$]|\\.|\$(?!\{))*`"
_FRAGMENT = re.compile(rf"_jsxs?\(_Fragment,\{{children:(\[\s*{_LIT}(?:\s*,\s*{_LIT})*\s*\]|{_LIT})\}}\)")
_JSX_HEADING = re.compile(r"_jsx\(Heading,\{[^{}]*?children:`((?:[^`\\]|\\.)*)`")


def compiled_doc_tables(js: str, url: str, findings: list[Finding]) -> list[Table]:
    """``_jsx(DocTable,{columns:[…],rows:[…]})`` calls of compiled MDX, as :class:`Table` objects."""
    out: list[Table] = []
    for m in re.finditer(r"_jsx\(DocTable,\{columns:\[", js):
        index = len(out)
        heads = list(_JSX_HEADING.finditer(js, 0, m.start()))
        heading = clean_text(_unescape(heads[-1].group(1))) if heads else ""
        where = f"DocTable {index}" + (f" ({heading!r})" if heading else "")
        cols_end = js.find("]", m.end())
        header = [clean_text(_unescape(t)) for t in re.findall(r"title:`((?:[^`\\]|\\.)*)`", js[m.end() : cols_end])]
        rows_at = js.find("rows:[", cols_end)
        if cols_end < 0 or rows_at < 0 or not header:
            raise ParseError("DocTable without columns/rows", url=url, where=where)
        rows: list[list[str]] = [header]
        pos = rows_at + len("rows:[")
        while True:
            pos = _skip(js, pos, ",")
            if js.startswith("]", pos):
                break
            if not js.startswith("[", pos):
                raise ParseError(f"cannot read DocTable rows at {js[pos:pos + 60]!r}", url=url, where=where)
            row, pos = _compiled_row(js, pos + 1, url, f"{where} row {len(rows)}", findings)
            rows.append(row)
        if len(rows) == 1:
            raise ParseError("DocTable with no rows", url=url, where=where)
        width = max(len(r) for r in rows)
        out.append(Table(index=index, heading=heading, rows=[r + [""] * (width - len(r)) for r in rows], header_rows=1))
    return out


def _skip(js: str, pos: int, chars: str) -> int:
    while pos < len(js) and (js[pos].isspace() or js[pos] in chars):
        pos += 1
    return pos


def _compiled_row(js: str, pos: int, url: str, where: str, findings: list[Finding]) -> tuple[list[str], int]:
    """One ``[cell, cell, …]`` row from ``pos`` (just after ``[``): the cells and the position after ``]``."""
    cells: list[str] = []
    while True:
        pos = _skip(js, pos, ",")
        if js.startswith("]", pos):
            return cells, pos + 1
        t = _TPL.match(js, pos)
        if t:
            cells.append(clean_text(_unescape(t.group(1))))
            pos = t.end()
            continue

        f = _FRAGMENT.match(js, pos)
        if f:
            cells.append(clean_text("".join(_unescape(x) for x in _TPL.findall(f.group(1)))))
            pos = f.end()
            continue
        # an expression the reader does not know: skip it to the next cell, keep the cell empty, report it
        end, depth = pos, 0
        while end < len(js) and not (depth == 0 and js[end] in ",]"):
            depth += js[end] in "([{"
            depth -= js[end] in ")]}"
            end += 1
        if end >= len(js):
            raise ParseError("unterminated DocTable row", url=url, where=where)
        findings.append(Finding("unreadable_cell", f"{where} cell {len(cells)}", js[pos:end][:120]))
        cells.append("")
        pos = end


# ---------------------------------------------------------------- document -> tables (Mintlify DocTable)

_TITLE = re.compile(r"\btitle\s*:\s*\"((?:[^\"\\]|\\.)*)\"")
_ROWS_START = re.compile(r"\brows\s*=\s*\{\s*\[")
_ROW = re.compile(r"\[([^\[\]]*)\]")
_CELL = re.compile(r"<>(?P<frag>.*?)</>|\"(?P<str>(?:[^\"\\]|\\.)*)\"", re.S)
_JSX_STRING = re.compile(r"\{\s*\"((?:[^\"\\]|\\.)*)\"\s*\}")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$")


def doc_tables(text: str, url: str) -> list[Table]:
    """Every ``<DocTable columns=… rows=… />`` of a Mintlify MDX page, as :class:`Table` objects.

    ``columns`` gives the header row (its ``title`` strings); each ``rows`` entry is one body row. A cell is a
    string literal or a JSX fragment whose ``{"…"}`` expressions are inlined (``<>{"$"}0.30</>`` -> ``$0.30``).
    The component's own definition (``export const DocTable = …``) is not a use and is skipped.
    """
    out: list[Table] = []
    for m in re.finditer(r"<DocTable\b", text):
        start = m.start()
        # a use ends at the first "/>" at the start of a line after the rows array
        close = re.search(r"^\s*/>", text[start:], re.M)
        if close is None:
            raise ParseError("unterminated <DocTable", url=url, where=f"offset {start}")
        block = text[start : start + close.end()]
        heading = ""
        for line in text[:start].splitlines():
            h = _HEADING.match(line)
            if h:
                heading = clean_text(h.group(1))
        index = len(out)
        where = f"DocTable {index}" + (f" ({heading!r})" if heading else "")
        cols_at = block.find("columns")
        rows_m = _ROWS_START.search(block)
        if cols_at < 0 or rows_m is None:
            raise ParseError("DocTable without columns/rows", url=url, where=where)
        header = [clean_text(_unescape(t)) for t in _TITLE.findall(block[cols_at : rows_m.start()])]
        rows_block = block[rows_m.end() :]
        rows: list[list[str]] = [header]
        for r, row_m in enumerate(_ROW.finditer(rows_block), start=1):
            rows.append(_doc_row(row_m.group(1), url, f"{where} row {r}"))
        if len(rows) == 1:
            raise ParseError("DocTable with no rows", url=url, where=where)
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        out.append(Table(index=index, heading=heading, rows=rows, header_rows=1))
    return out


def _doc_row(src: str, url: str, where: str) -> list[str]:
    cells: list[str] = []
    pos = 0
    for m in _CELL.finditer(src):
        gap = src[pos : m.start()]
        if gap.strip().strip(",").strip():
            raise ParseError(f"cannot read DocTable cell {gap.strip()!r}", url=url, where=where)
        if m.group("frag") is not None:
            frag = _JSX_STRING.sub(lambda s: _unescape(s.group(1)), m.group("frag"))
            if "{" in frag or "<" in frag:
                raise ParseError(f"cannot read JSX cell {m.group(0)!r}", url=url, where=where)
            cells.append(clean_text(frag))
        else:
            cells.append(clean_text(_unescape(m.group("str"))))
        pos = m.end()
    if src[pos:].strip().strip(",").strip():
        raise ParseError(f"cannot read DocTable cell {src[pos:].strip()!r}", url=url, where=where)
    return cells


def _unescape(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", s)


# ---------------------------------------------------------------- tables -> prices


def _norm(h: str) -> str:
    """Header text for matching: NFKC (fullwidth brackets), lowercase, no whitespace."""
    return re.sub(r"\s+", "", clean_text(h).lower())


_COLUMNS_NORM = {_norm(k): v for k, v in _COLUMNS.items()}


def _column_meaning(h: str) -> str | None:
    return _COLUMNS_NORM.get(_norm(h))


def _interpret(tables: list[Table], url: str, findings: list[Finding], facts: list[ParsedFact]) -> list[ParsedPrice]:
    out: list[ParsedPrice] = []
    for t in tables:
        meanings: list[str | None] = [_column_meaning(h) for h in t.header]
        if "model" not in meanings or not any(m in ("input", "output", "cache_read") for m in meanings):
            continue
        for c, m in enumerate(meanings):
            if m is None:  # a column the reader does not know: reported, the rest of the table still loads
                findings.append(Finding("unknown_column", t.where(col=t.header[c]), t.header[c]))
                meanings[c] = "ignore"
        out += _read_table(t, meanings, url, findings, facts)
    return out


def _read_table(t: Table, meanings: list[str], url: str, findings: list[Finding],
                facts: list[ParsedFact]) -> list[ParsedPrice]:
    out: list[ParsedPrice] = []
    model_col = meanings.index("model")
    tier_col = meanings.index("tier") if "tier" in meanings else None
    model = shown = None
    currency = _table_currency(t, meanings)
    for r, raw in enumerate(t.body, start=1):
        row = list(raw)
        first = clean_text(row[model_col])
        if tier_col is not None and model is not None and _looks_like_range(first) and not clean_text(row[-1]):
            row = [shown] + row[:-1]  # flattened rowspan: the model cell of this row was dropped
        shown = clean_text(row[model_col])
        model = _model_id(shown, url, t.where(r, t.header[model_col]))
        tier, conditions = 0, None
        if tier_col is not None:
            tier, conditions = _tier(row[tier_col], url, t.where(r, t.header[tier_col]))
        if "context" in meanings:
            c = meanings.index("context")
            where = t.where(r, t.header[c])
            cell = clean_text(row[c])
            n = token_count(cell)
            if n is not None:
                fact = ParsedFact(PROVIDER, model, "context_window", str(n), cell, where)
                if fact not in facts:
                    facts.append(fact)
            elif not is_absent(cell):
                findings.append(Finding("unreadable_cell", where, cell))
        if "unit" in meanings:
            c = meanings.index("unit")
            if not _UNIT_1M.match(clean_text(row[c])):
                raise ParseError(f"unknown billing unit {row[c]!r}", url=url, where=t.where(r, t.header[c]))
        for c, kind in enumerate(meanings):
            if kind not in ("input", "output", "cache_read"):
                continue
            where = t.where(r, t.header[c])
            money = _money(row[c], url, where, currency)
            if money is None:
                continue
            amount, currency = money
            region = REGION_BY_CURRENCY.get(currency)
            if region is None:
                raise ParseError(f"unexpected currency {currency}", url=url, where=where)
            out.append(
                seller_price(PROVIDER, currency, model, shown, kind, amount, UNIT, where, conditions,
                             tier_min_tokens=tier, region=region)
            )
    return out


def _model_id(shown: str, url: str, where: str) -> str:
    m = _MODEL_ID.match(shown.replace("`", "").replace("*", "").strip())
    if not m:
        raise ParseError(f"cannot read model id from {shown!r}", url=url, where=where)
    rest = clean_text(m.group("rest"))
    if rest and rest.lower() not in BADGES:
        raise ParseError(f"unknown text {rest!r} after model id {m.group('id')!r}", url=url, where=where)
    return m.group("id")


_RANGE_LOW = re.compile(r"^(?P<low>\d[\d,]*)\s*(?:tokens?\s*)?<")
_RANGE_BASE = re.compile(r"^(?:≤|<=|<)\s*\d[\d,]*")


def _looks_like_range(cell: str) -> bool:
    return bool(_RANGE_LOW.match(cell) or _RANGE_BASE.match(cell))


def _tier(cell: str, url: str, where: str) -> tuple[int, str]:
    """``≤ 8,192 tokens`` -> (0, …); ``8,192 < 长度 ≤ 32,768 tokens`` -> (8192, …) (lower bound, cliff)."""
    s = clean_text(cell)
    if _RANGE_BASE.match(s):
        return 0, f"request context length {s}"
    m = _RANGE_LOW.match(s)
    if m:
        return int(m.group("low").replace(",", "")), f"request context length {s}"
    raise ParseError(f"cannot read context-length tier {cell!r}", url=url, where=where)


def _table_currency(t: Table, meanings: list[str]) -> str | None:
    """Currency of the table's first readable price (for ``Free`` cells, which name none)."""
    for row in t.body:
        for c, kind in enumerate(meanings):
            s = clean_text(row[c]).replace("\\$", "$") if kind in ("input", "output", "cache_read") else ""
            if _PRICE.match(s):
                money = parse_money(s)
                if money:
                    return money[1]
    return None


def _money(cell: str, url: str, where: str, currency: str | None) -> tuple[Decimal, str] | None:
    s = clean_text(cell).replace("\\$", "$")
    if is_absent(s):
        return None
    if s.lower() in _FREE:
        if currency is None:
            raise ParseError(f"'Free' price cell {cell!r} in a table with no currency", url=url, where=where)
        return Decimal(0), currency
    if not _PRICE.match(s):
        raise ParseError(f"cannot read price {cell!r}", url=url, where=where)
    money = parse_money(s)
    if money is None:  # pragma: no cover - the regex admits only a number
        raise ParseError(f"cannot read price {cell!r}", url=url, where=where)
    return money


SOURCE_CN = Source(
    name="moonshot_pricing_cn",
    provider=PROVIDER,
    urls=("https://platform.moonshot.cn/docs/pricing/chat",),
    fmt="markdown",
    parse=parse,
    hosts=("platform.moonshot.cn",),
    description="Moonshot (Kimi) model inference pricing, China site: CNY per 1M tokens, cache hit / miss input "
    "and output, kimi-latest context-length tiers. region cn-mainland. Written on a crawler Markdown capture; the "
    "live URL serves the site's HTML, of which there is no capture yet.",
)

SOURCE_INTL = Source(
    name="moonshot_pricing_intl",
    provider=PROVIDER,
    urls=(
        "https://platform.kimi.ai/docs/pricing/chat.md",
        "https://platform.kimi.ai/docs/pricing/chat-k3.md",
        "https://platform.kimi.ai/docs/pricing/chat-k26.md",
    ),
    fmt="markdown",
    parse=parse,
    hosts=("platform.kimi.ai",),
    description="Kimi API model inference pricing, international site (Mintlify): USD per 1M tokens, cache hit / "
    "miss input and output. region intl. Reads the pages' .md export (MDX DocTable) and their HTML, whose prices "
    "are only in the embedded page data (compiled MDX in the Next.js flight payload).",
    live_form="markdown (Mintlify .md export, MDX DocTable)",
    live_proof="moonshot/undated-d399813f_platform-kimi-ai-docs-pricing-chat-k3.md",
)

SOURCES = (SOURCE_CN, SOURCE_INTL)
SOURCE = SOURCE_CN
