"""The one shared reader of price pages: document -> tables, header vocabulary -> price kinds, one cell reader,
tier phrases, tabs/sections -> service tiers, and the JSON pages embed. Generic: no provider knowledge.

A provider module declares what is particular to it (its sections, header overrides, how its display names become
API ids) and reads everything else through this module:

- **document -> tables**: :func:`sniff` (html / markdown / json / text), :func:`html_tables` (``<table>`` with
  row/colspans), :func:`markdown_tables` (pipe tables), :func:`definition_blocks` (``<dl>`` and card-like blocks:
  label/value pairs), :func:`run_together_cells` (cells a text rendering ran together, cut at their unit markers);
- **embedded JSON**: :func:`astro_props` (Astro island props, ``[type, value]`` encoding), :func:`next_flight`
  (Next.js ``self.__next_f`` flight chunks), :func:`next_data` (``__NEXT_DATA__``), :func:`script_json` (any
  ``<script type="application/json">``: Mintlify page data and others). Numbers are read as Decimal, never float;
- **header vocabulary**: :func:`header_kind` (English and Chinese: Input / Cached input / Cache writes / Cache hits
  & refreshes / Output; 输入 / 输出 / 缓存命中 / 缓存未命中 / 缓存存储 ...), :func:`header_unit`;
- **cells**: :func:`read_price` (``$``, ``¥``, ``￥``, ``元``, ``€``; per 1M / 1K / MTok / 百万 / 千 tokens; absent
  markers :data:`ABSENT`; "Free" -> 0). A cell it cannot read with certainty raises :class:`CellError`: the
  provider turns it into a :class:`~pipelines.sources.base.Finding` (or a ParseError where the page depends on it),
  never a guessed number;
- **tiers**: :func:`token_range` (``<= 200k``, ``> 200k tokens``, ``0<Token≤32K``, ``32K<Token≤128K``),
  :func:`service_tier` (Standard / Batch / Flex / Priority tabs and sections, off-peak);
- **findings**: :class:`Findings`, the list a parser fills while it reads.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from bs4 import BeautifulSoup, Tag

from pipelines.sources.base import Finding, ParsedPage, ParsedPrice, ParseError, clean_text, parse_money

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@dataclass
class Table:
    """A table as a rectangular grid of cell texts.

    - ``index``: position of the table in the document (0-based), for error messages;
    - ``heading``: text of the nearest heading before the table ('' if none);
    - ``rows``: list of rows, each a list of cell strings; ``rowspan``/``colspan`` cells are repeated into
      every grid position they cover; line breaks (``<br>``) inside a cell are kept as ``"\\n"``;
    - ``header_rows``: how many leading rows are header rows (``<thead>``/``<th>`` rows, or the Markdown
      header line);
    - ``element``: the BeautifulSoup ``<table>`` (HTML only), for interpreters that need surrounding context.
    """

    index: int
    heading: str
    rows: list[list[str]]
    header_rows: int = 1
    element: Tag | None = field(default=None, repr=False)

    @property
    def header(self) -> list[str]:
        """The last header row (the one naming the columns), or [] for a table without header."""
        return self.rows[self.header_rows - 1] if self.header_rows else []

    @property
    def body(self) -> list[list[str]]:
        return self.rows[self.header_rows :]

    def where(self, row: int | None = None, col: int | str | None = None) -> str:
        """Human-readable location: ``table 3 ('Model pricing') row 2 col 'Output'``."""
        s = f"table {self.index}"
        if self.heading:
            s += f" ({self.heading!r})"
        if row is not None:
            s += f" row {row}"
        if col is not None:
            s += f" col {col!r}" if isinstance(col, str) else f" col {col}"
        return s


def cell_text(el: Tag) -> str:
    """Text of an HTML cell: ``<br>`` and block children become ``\\n``, other whitespace collapses."""
    parts: list[str] = []
    for node in el.descendants:
        if isinstance(node, Tag):
            if node.name == "br" or node.name in ("p", "div", "li"):
                parts.append("\n")
        elif isinstance(node, str):
            parts.append(str(node))
    lines = [clean_text(x) for x in "".join(parts).split("\n")]
    return "\n".join(x for x in lines if x)


def html_tables(html: bytes | str) -> list[Table]:
    """All ``<table>`` elements of an HTML document, spans expanded.

    Shape: one :class:`Table` per ``<table>``, in document order. Nested tables are returned as tables of
    their own and their text also appears in the enclosing cell.
    """
    soup = BeautifulSoup(html, "lxml")
    out: list[Table] = []
    for i, t in enumerate(soup.find_all("table")):
        h = t.find_previous(_HEADINGS)
        heading = clean_text(h.get_text(" ")) if h else ""
        grid: list[list[str]] = []
        pending: dict[tuple[int, int], str] = {}  # (row, col) -> text carried down by rowspan
        header_rows = 0
        trs = [tr for tr in t.find_all("tr") if tr.find_parent("table") is t]
        for r, tr in enumerate(trs):
            row: list[str] = []
            cells = tr.find_all(["td", "th"], recursive=False)
            c = 0
            for cell in cells:
                while (r, c) in pending:
                    row.append(pending.pop((r, c)))
                    c += 1
                text = cell_text(cell)
                colspan = _span(cell.get("colspan"))
                rowspan = _span(cell.get("rowspan"))
                for k in range(colspan):
                    row.append(text)
                    for dr in range(1, rowspan):
                        pending[(r + dr, c + k)] = text
                c += colspan
            while (r, c) in pending:
                row.append(pending.pop((r, c)))
                c += 1
            if cells and all(x.name == "th" for x in cells) and r == header_rows:
                header_rows += 1
            elif tr.find_parent("thead") is not None and r == header_rows:
                header_rows += 1
            grid.append(row)
        width = max((len(r) for r in grid), default=0)
        grid = [r + [""] * (width - len(r)) for r in grid]
        out.append(Table(index=i, heading=heading, rows=grid, header_rows=header_rows, element=t))
    return out


def _span(v: object) -> int:
    try:
        return max(1, int(str(v))) if v is not None else 1
    except ValueError:
        return 1


_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*)$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")


def _split_pipes(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    cells = re.split(r"(?<!\\)\|", s)
    out = []
    for x in cells:
        lines = [clean_text(part) for part in re.split(r"<br\s*/?>", x, flags=re.I)]
        out.append("\n".join(line for line in lines if line).replace("\\|", "|"))
    return out


def markdown_tables(text: bytes | str) -> list[Table]:
    """Pipe tables of a Markdown document (GitHub style: header line, ``---`` separator line, rows).

    ``<br>`` inside a cell becomes ``\\n``. The nearest preceding heading (``#`` or setext ``===``/``---``
    underline) is the table's heading.
    Rows shorter than the header are padded with ''.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    lines = text.splitlines()
    out: list[Table] = []
    heading = ""
    i = 0
    while i < len(lines):
        m = _MD_HEADING.match(lines[i])
        if m:
            heading = clean_text(m.group(2))
        elif (
            i + 1 < len(lines) and _SETEXT.match(lines[i + 1]) and lines[i].strip() and "|" not in lines[i]
        ):  # setext heading: "Title" underlined with === or --- (Jina Reader output)
            heading = clean_text(lines[i])
        if "|" in lines[i] and i + 1 < len(lines) and _SEP.match(lines[i + 1]):
            header = _split_pipes(lines[i])
            rows = [header]
            j = i + 2
            while j < len(lines) and "|" in lines[j] and lines[j].strip():
                rows.append(_split_pipes(lines[j]))
                j += 1
            width = max(len(r) for r in rows)
            rows = [r + [""] * (width - len(r)) for r in rows]
            out.append(Table(index=len(out), heading=heading, rows=rows, header_rows=1))
            i = j
            continue
        i += 1
    return out


_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>~|])")


def md_unescape(text: str, passes: int = 1) -> str:
    """Undo Markdown backslash escapes (``doubao\\-seed`` -> ``doubao-seed``). ``passes=2`` for a converter that
    escaped twice (``\\\\-`` -> ``-``: the 2026-06 Alibaba crawl)."""
    for _ in range(passes):
        text = _MD_ESCAPE.sub(r"\1", text)
    return text


def markdown_sections(text: bytes | str, depth: int = 3) -> list[tuple[tuple[str, ...], Table]]:
    """Pipe tables of a Markdown document, each with its heading path (``depth`` levels: ``#``, ``##``, ``###``):
    ``(("大语言模型", "在线推理(常规)", ""), table)``. :func:`markdown_tables` keeps only the nearest heading; here
    a section's tables know the headings above them. Cells and headings are :func:`md_unescape` d; ``Table.index``
    counts over the whole document and ``Table.heading`` is the path joined with `` / ``."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    out: list[tuple[tuple[str, ...], Table]] = []
    path = [""] * depth
    piece: list[str] = []

    def flush() -> None:
        for t in markdown_tables("\n".join(piece)):
            rows = [[md_unescape(c) for c in row] for row in t.rows]
            out.append((tuple(path), Table(index=len(out), heading=" / ".join(p for p in path if p), rows=rows,
                                           header_rows=t.header_rows)))
        piece.clear()

    for line in text.splitlines():
        m = _MD_HEADING.match(line)
        if m and len(m.group(1)) <= depth:
            flush()
            level = len(m.group(1)) - 1
            path[level] = clean_text(md_unescape(m.group(2).strip().rstrip("#").strip()))
            path[level + 1:] = [""] * (depth - level - 1)
            continue
        piece.append(line)
    flush()
    return out


# ---------------------------------------------------------------- document kind


def sniff(body: bytes | str) -> str:
    """What a document is: ``html`` (starts with ``<``, or has ``<html`` / ``<table`` near the top), ``json``
    (starts with ``{`` or ``[``), ``markdown`` (has a pipe table or a ``#`` heading) or ``text``."""
    if isinstance(body, bytes):
        body = body[:20000].decode("utf-8", errors="replace")
    head = body.lstrip("\ufeff \t\r\n")[:1000].lower()
    if head.startswith("<") or "<html" in head or "<!doctype html" in head:
        return "html"
    if head[:1] in ("{", "["):
        return "json"
    if _SEP_ANY.search(body) or re.search(r"^\s{0,3}#{1,6}\s", body, re.M):
        return "markdown"
    return "text"


_SEP_ANY = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*\|", re.M)


def tables_of(body: bytes | str) -> list[Table]:
    """The tables of a document whatever its form: HTML ``<table>`` s, else Markdown pipe tables."""
    return html_tables(body) if sniff(body) == "html" else markdown_tables(body)


# ---------------------------------------------------------------- HTML cards and definition-style blocks


def definition_blocks(html: bytes | str | Tag, selector: str = "dl") -> list[list[tuple[str, str]]]:
    """Label/value pairs of definition-style blocks: each ``<dl>`` (``<dt>`` label, ``<dd>`` value) -> one list of
    pairs. With another CSS ``selector`` (cards: ``"div.card"``), each match whose direct children alternate
    label/value (two text children per row, or ``<dt>/<dd>``-like pairs) -> its pairs. Texts as
    :func:`cell_text`."""
    root = html if isinstance(html, Tag) else BeautifulSoup(html, "lxml")
    out: list[list[tuple[str, str]]] = []
    for block in root.select(selector):
        dts = block.find_all("dt")
        if dts:
            pairs = [(cell_text(dt), cell_text(dt.find_next_sibling("dd"))) for dt in dts if dt.find_next_sibling("dd")]
        else:
            kids = [k for k in block.find_all(recursive=False) if cell_text(k)]
            pairs = [(cell_text(a), cell_text(b)) for a, b in zip(kids[::2], kids[1::2])]
        if pairs:
            out.append(pairs)
    return out


# ---------------------------------------------------------------- run-together text


def run_together_cells(text: str, end: re.Pattern[str]) -> list[str]:
    """Cut text whose table cells ran together (a text rendering: ``gpt-4$10.00 / 1M tokens$30.00 / 1M tokens``)
    at each match of ``end`` (the unit marker closing a cell: ``/ 1M tokens``, ``/ image``): the cells with their
    marker, and a trailing remainder ('' when the text ends on a marker) as the last item."""
    cells, start = [], 0
    for m in end.finditer(text):
        cells.append(clean_text(text[start : m.end()]))
        start = m.end()
    cells.append(clean_text(text[start:]))
    return cells


# ---------------------------------------------------------------- JSON that pages embed


def loads(raw: str | bytes) -> object:
    """JSON with every number as Decimal (never float)."""
    return json.loads(raw, parse_float=Decimal, parse_int=Decimal)


def astro_props(raw: str) -> object:
    """An Astro island's ``props`` attribute (already HTML-unescaped by bs4): JSON where each value is
    ``[type, value]`` (0 = plain, 1 = array). Numbers as Decimal."""
    if not raw:
        return None
    return _astro_value(json.loads(raw, parse_float=Decimal))


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


def astro_islands(soup: BeautifulSoup, components: tuple[str, ...] = ()) -> list[tuple[Tag, object]]:
    """``(island, decoded props)`` of each ``<astro-island>`` (only those whose ``component-export`` is in
    ``components`` when given), in document order."""
    out = []
    for island in soup.find_all("astro-island"):
        if components and island.get("component-export", "") not in components:
            continue
        out.append((island, astro_props(island.get("props", ""))))
    return out


_FLIGHT = re.compile(r"self\.__next_f\.push\(\[1,\s*(\"(?:[^\"\\]|\\.)*\")\]\)", re.S)


def next_flight(html: bytes | str) -> str:
    """The Next.js flight payload of a page: the string chunks of every ``self.__next_f.push([1, "..."])``,
    JSON-unescaped and joined in order (the RSC stream; its rows are ``<id>:<json>`` lines)."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    return "".join(json.loads(m.group(1)) for m in _FLIGHT.finditer(html))


def flight_json(payload: str) -> list[object]:
    """The JSON values of a flight payload's rows (``a:{...}``, ``b:[...]``); rows that are not JSON are skipped."""
    out = []
    for line in payload.splitlines():
        m = re.match(r"^[0-9a-z]+:(?=[\[{\"])", line)
        if not m:
            continue
        try:
            out.append(json.loads(line[m.end() :], parse_float=Decimal))
        except ValueError:
            continue
    return out


def next_data(html: bytes | str | BeautifulSoup) -> object:
    """The ``<script id="__NEXT_DATA__">`` JSON of a Next.js page (numbers as Decimal), or None."""
    return script_json(html, id="__NEXT_DATA__")


def script_json(html: bytes | str | BeautifulSoup, **attrs) -> object:
    """The JSON of the first ``<script>`` matching ``attrs`` (``id="__NEXT_DATA__"``, ``type="application/json"``:
    Mintlify and other docs sites carry their page data so), numbers as Decimal; None when there is none."""
    soup = html if isinstance(html, BeautifulSoup) else BeautifulSoup(html, "lxml")
    el = soup.find("script", attrs=attrs)
    if el is None or not el.string:
        return None
    return json.loads(el.string, parse_float=Decimal)


def walk(v: object):
    """Every dict inside a JSON value, depth first (to find the records a page embeds wherever they sit)."""
    if isinstance(v, dict):
        yield v
        for x in v.values():
            yield from walk(x)
    elif isinstance(v, list):
        for x in v:
            yield from walk(x)


# ---------------------------------------------------------------- header vocabulary -> price kinds

#: column headers (lowercased, :func:`norm_header`) -> price kind. English and Chinese; a provider adds its own
#: words through ``extra`` of :func:`header_kind`.
HEADER_KINDS: dict[str, str] = {
    "input": "input",
    "input tokens": "input",
    "base input tokens": "input",
    "input price": "input",
    "prompt": "input",
    "cache miss": "input",
    "cached input": "cache_read",
    "cache read": "cache_read",
    "cache reads": "cache_read",
    "cache hit": "cache_read",
    "cache hits": "cache_read",
    "cache hits & refreshes": "cache_read",
    "cached input tokens": "cache_read",
    "cache writes": "cache_write",
    "cache write": "cache_write",
    "5m cache writes": "cache_write_5m",
    "1h cache writes": "cache_write_1h",
    "output": "output",
    "output tokens": "output",
    "output price": "output",
    "output / cost": "output",
    "completion": "output",
    "输入": "input",
    "输入价格": "input",
    "缓存未命中": "input",
    "输入(缓存未命中)": "input",
    "缓存命中": "cache_read",
    "输入(缓存命中)": "cache_read",
    "命中缓存": "cache_read",
    "缓存读取": "cache_read",
    "缓存写入": "cache_write",
    "输出": "output",
    "输出价格": "output",
}
#: headers that name a price the vocabulary has no token price kind for (storage per hour, ...): not a price column
#: the reader can load, so a provider reports it as a finding or skips it on purpose.
NOT_TOKEN_HEADERS = frozenset({"缓存存储", "cached input storage", "cache storage"})

_HEADER_NOISE = re.compile(r"\s*(\[\^?\d+\]|[*†‡¹²³⁴⁵⁶⁷⁸⁹⁰]+)\s*$")


def norm_header(h: str) -> str:
    """A header as the vocabulary keys it: NFKC, lowercase, whitespace collapsed, footnote markers dropped,
    ``（）`` as ``()``."""
    return _HEADER_NOISE.sub("", clean_text(h).lower().replace(" (", "(").replace("( ", "(").replace(" )", ")"))


def header_kind(h: str, extra: dict[str, str] | None = None) -> str | None:
    """The price kind a column header names (``"Cache writes"`` -> ``cache_write``), or None when the header is
    not in the vocabulary (the provider's ``extra`` first)."""
    k = norm_header(h)
    if extra and k in extra:
        return extra[k]
    return HEADER_KINDS.get(k)


# ---------------------------------------------------------------- cells

#: cells that state no price (the model is not sold so): no row, never zero. English, Chinese, dashes.
ABSENT = frozenset(
    {"", "-", "--", "\\-", "—", "–", "/", "\\", "n/a", "na", "not available", "not supported", "unavailable",
     "不支持", "暂不支持", "暂无", "无"}
)
FREE = frozenset({"free", "免费", "free of charge"})

#: unit phrases of token prices -> a key of base.TOKEN_UNITS (``/ 1M tokens``, ``per million tokens``, ``/ MTok``,
#: ``/百万tokens``, ``每千tokens``); anchored at the start of the text after the amount.
_TOKEN_UNIT_PHRASES = (
    (re.compile(r"^(?:/|per|每)?\s*(?:(?:1\s*)?(?:m|million|百万)\s*(?:tokens?|tok)?|mtok)(?![A-Za-z])", re.I),
     "per 1M tokens"),
    (re.compile(r"^(?:/|per|每)?\s*(?:(?:1\s*)?(?:k|thousand|千)\s*(?:tokens?|tok)?|ktok)(?![A-Za-z])", re.I),
     "per 1K tokens"),
)
_HEADER_UNITS = (
    (re.compile(r"(?:/|per|每)\s*(?:(?:1\s*)?(?:m|million|百万)\s*(?:tokens?|tok)?|mtok)(?![A-Za-z])", re.I),
     "per 1M tokens"),
    (re.compile(r"(?:/|per|每)\s*(?:(?:1\s*)?(?:k|thousand|千)\s*(?:tokens?|tok)?|ktok)(?![A-Za-z])", re.I),
     "per 1K tokens"),
)


class CellError(ValueError):
    """A cell that holds something but not a price the reader can read with certainty."""


@dataclass(frozen=True)
class Cell:
    """A price cell read: ``amount`` exactly as written, ``currency`` (ISO 4217), ``unit`` (a token unit of
    base.TOKEN_UNITS when the cell states one, else None: the column's or table's unit applies) and ``note`` (the
    text after the price: a second line, a parenthesis)."""

    amount: Decimal
    currency: str
    unit: str | None = None
    note: str | None = None


_CELL = re.compile(
    r"^(?P<label>[^\d$¥€元]*?:\s*)?"
    r"(?P<money>(?:US\$|\$|¥|€)\s*\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?\s*(?:元|€|\$|USD|CNY|EUR)?)"
    r"\s*(?P<rest>.*)$"
)


def is_absent(text: str, extra: frozenset[str] | set[str] = frozenset()) -> bool:
    """True for a cell that states no price (:data:`ABSENT`, or the provider's ``extra`` markers)."""
    t = clean_text(text).lower()
    return t in ABSENT or t in extra


def read_price(
    text: str,
    *,
    default_currency: str | None = None,
    absent: frozenset[str] | set[str] = frozenset(),
    allow_label: bool = False,
) -> Cell | None:
    """One price cell -> :class:`Cell`; None for an absent price (:data:`ABSENT` + ``absent``).

    ``"$2.50"`` -> 2.50 USD; ``"$0.50 / MTok"`` -> 0.50 USD per 1M tokens; ``"￥2 / 百万tokens"`` -> 2 CNY per 1M
    tokens; ``"0.8元"`` -> 0.8 CNY; ``"1.85€"`` -> EUR; ``"Free"`` / ``"免费"`` -> 0 in ``default_currency`` (USD when
    none). A second line or trailing text that is not a unit becomes ``note``. A bare number takes
    ``default_currency``; without one it raises :class:`CellError`, as does any cell that is not a price
    (``"Contact us"``, ``"$abc"``), and a leading ``label:`` unless ``allow_label`` (then kept in ``note``).
    """
    lines = [clean_text(x) for x in text.replace("\\$", "$").split("\n") if clean_text(x)]
    first = lines[0] if lines else ""
    rest_lines = " ".join(lines[1:])
    low = first.lower()
    if low in ABSENT or low in absent:
        return None
    if low in FREE:
        return Cell(Decimal(0), default_currency or "USD", None, rest_lines or None)
    m = _CELL.match(first)
    if m is None or (m.group("label") and not allow_label):
        raise CellError(f"cannot read price cell {text!r}")
    try:
        money = parse_money(m.group("money"), default_currency=default_currency)
    except ValueError as exc:
        raise CellError(f"cannot read price cell {text!r}: {exc}") from exc
    if money is None:  # pragma: no cover - the regex admits a number
        raise CellError(f"cannot read price cell {text!r}")
    rest = m.group("rest").strip()
    unit = None
    for pattern, u in _TOKEN_UNIT_PHRASES:
        um = pattern.match(rest)
        if um and um.group(0).strip():
            unit, rest = u, rest[um.end() :].strip()
            break
    if rest and not re.match(r"^[(（\[+*†‡,;-]", rest):
        raise CellError(f"price cell {text!r} in a unit the reader does not know ({rest!r})")
    note = " ".join(x for x in ((m.group("label") or "").strip(" :"), rest.strip("() "), rest_lines) if x) or None
    return Cell(money[0], money[1], unit, note)


def header_unit(h: str) -> str | None:
    """The token unit a header or caption states (``"Price (per 1M tokens)"``, ``"单价(元/千tokens)"``), or None."""
    t = clean_text(h)
    for pattern, u in _HEADER_UNITS:
        if pattern.search(t):
            return u
    return None


# ---------------------------------------------------------------- tier phrases

_K = {"": 1, "k": 1000, "m": 1_000_000}
_N = r"(\d+(?:\.\d+)?)\s*([kKmM]?)"
_RANGE = re.compile(rf"^{_N}\s*<\s*(?:input\s+)?tokens?\s*(?:≤|<=)\s*{_N}$", re.I)
_LE = re.compile(rf"^(?:prompts?\s+|input\s+)?(?:≤|<=|<|up to|under)\s*{_N}(?:\s*(?:input\s+)?(?:tokens?|context(?: length)?))?$", re.I)
_GT = re.compile(rf"^(?:prompts?\s+|input\s+)?(?:>|≥|>=|over|above)\s*{_N}(?:\s*(?:input\s+)?(?:tokens?|context(?: length)?))?$", re.I)
_GT_ZH = re.compile(rf"^(?:input\s*)?(?:tokens?\s*)?>\s*{_N}$", re.I)


def _tokens(num: str, suffix: str) -> int:
    return int(Decimal(num) * _K[suffix.lower()])


def token_range(text: str) -> tuple[int, int | None] | None:
    """A tier phrase -> (min tokens exclusive, max tokens inclusive or None): ``"<= 200k"`` -> (0, 200000),
    ``"> 200k tokens"`` -> (200000, None), ``"0<Token≤32K"`` -> (0, 32000), ``"32K<Token≤128K"`` -> (32000, 128000).
    K is 1,000 and M 1,000,000, as the pages write context sizes. None when the text is no tier phrase.
    The price's ``tier_min_tokens`` is the first item."""
    t = clean_text(text).replace("＜", "<").replace("＞", ">")
    for m in (_RANGE.match(t),):
        if m:
            return _tokens(m.group(1), m.group(2)), _tokens(m.group(3), m.group(4))
    m = _LE.match(t)
    if m:
        return 0, _tokens(m.group(1), m.group(2))
    m = _GT.match(t) or _GT_ZH.match(t)
    if m:
        return _tokens(m.group(1), m.group(2)), None
    return None


_COUNT = re.compile(r"^(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<k>[kKmM]?)(?:\s*-?\s*tokens?)?$", re.I)


def token_count(text: str) -> int | None:
    """A context size or output limit as a page writes it -> whole tokens: ``"128K"`` -> 128000, ``"256k"`` ->
    256000, ``"1M"`` -> 1000000, ``"262,144 tokens"`` -> 262144, ``"1M-token"`` -> 1000000. K is 1,000 and M
    1,000,000, as in :func:`token_range` (a page's "128K" may mean 131,072: reading it as 128,000 never admits a
    prompt that does not fit). None when the text is not one count."""
    m = _COUNT.match(clean_text(text))
    if not m:
        return None
    n = Decimal(m.group("num").replace(",", "")) * _K[m.group("k").lower()]
    return int(n) if n == int(n) and n > 0 else None


# ---------------------------------------------------------------- tabs and sections -> service tier

_SERVICE_TIERS = (
    (re.compile(r"^(?:standard|default|on-?demand|标准|在线推理|常规)\b", re.I), "standard"),
    (re.compile(r"^(?:batch|批量|批量推理|离线推理)", re.I), "batch"),
    (re.compile(r"^flex\b", re.I), "flex"),
    (re.compile(r"^(?:priority|优先)", re.I), "priority"),
    (re.compile(r"^(?:off-?peak|discount(?:ed)? hours|闲时|低峰|非高峰|夜间)", re.I), "off_peak"),
)


def service_tier(label: str) -> str | None:
    """The service tier a tab or section label names (``"Batch"`` -> batch, ``"Off-peak"`` -> off_peak,
    ``"批量推理"`` -> batch), or None when it names none."""
    t = clean_text(label)
    for pattern, tier in _SERVICE_TIERS:
        if pattern.search(t):
            return tier
    return None


# ---------------------------------------------------------------- findings and model-id rules


class Findings(list):
    """The findings of one parse, in reading order (a list of :class:`~pipelines.sources.base.Finding`)."""

    def add(self, kind: str, where: str, text: str) -> None:
        f = Finding(kind, where, text)
        if f not in self:
            self.append(f)

    def page(self, prices: list[ParsedPrice], url: str, offers: list | None = None,
             facts: list | None = None) -> ParsedPage:
        """The :class:`ParsedPage` of the parse; ParseError when nothing was understood."""
        if not prices:
            raise ParseError("no prices found", url=url)
        return ParsedPage(prices=prices, offers=offers or [], findings=list(self), facts=facts or [])


def slug_id(name: str) -> str:
    """A display name by the common API-id rule: lowercase, words and dots to hyphens (``"Claude Opus 5"`` ->
    ``claude-opus-5``, ``"Claude Opus 4.8"`` -> ``claude-opus-4-8``). A provider uses it only where its docs state
    that rule, and reports each use as a ``model_id_rule`` finding."""
    return re.sub(r"[^a-z0-9]+", "-", clean_text(name).lower()).strip("-")


__all__ = [
    "ABSENT", "FREE", "HEADER_KINDS", "Cell", "CellError", "Findings", "Table", "astro_islands", "astro_props",
    "cell_text", "definition_blocks", "flight_json", "header_kind", "header_unit", "html_tables", "is_absent", "loads",
    "markdown_tables", "next_data", "next_flight", "norm_header", "read_price", "run_together_cells", "script_json",
    "service_tier", "slug_id", "sniff", "tables_of", "token_count", "token_range", "walk",
]  # fmt: skip
