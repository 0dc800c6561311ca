"""Document -> tables. Generic, no provider knowledge.

Turns an HTML document or a Markdown document into :class:`Table` objects (a grid of cell texts, spans
expanded), so a provider's interpreter can read prices from tables without caring whether the page came
as HTML or as its Markdown copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag

from pipelines.sources.base import clean_text

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
