"""Z.ai (Zhipu, international) pricing page (https://docs.z.ai/guides/overview/pricing) -> prices.

Document -> tables: :func:`pipelines.sources.reader.html_tables` on the Mintlify HTML (a re-serialised capture; the
table markup is intact). Each section is an ``<h3>`` (Text Models, Vision Models, Built-in Tools, Image / Video
Generation Models, Audio Models, Agents), then a line ``Prices per 1M tokens.`` / ``per image.`` / ``per video.``
(read as the section's unit for bare ``$1.4`` cells), then the table. The page's meta description says "All prices
are in USD" and every cell writes ``$``.

Tables -> prices:

- ``Model | Input | Cached Input | Cached Input Storage | Output`` (text and vision models): ``input``,
  ``cache_read``, ``output`` per 1M tokens. ``Free`` -> 0; ``-`` and ``\\`` (GLM-OCR) -> no row.
  ``Cached Input Storage`` is not read: it is a storage charge whose time unit the page does not give, and it is
  ``Limited-time Free`` / ``Free`` / ``-`` throughout (a promotion, not a price). Should a number appear there,
  :class:`ParseError` is raised so the unit gets decided rather than guessed. ``Limited-time Free`` in a price
  column is a promotion without a list price: no row.
- ``Model | Price`` under a ``per image`` / ``per video`` section: ``image_output`` / ``video_output``.
- ``Tool | Cost``: ``$0.01 / use`` -> model = the tool's API name (``web_search``), kind ``web_search``, ``per use``.
- ``Model | Price`` / ``Agent | Price`` with ``$0.03 / MTok``: one price for every token of the call, emitted as
  ``input`` and ``output`` per 1M tokens (``conditions`` says so); the ``(equivalent to approximately
  $0.0024/minute)`` note is an approximation, not a price. ``$0.2 / video`` -> ``video_output`` per video.

Model ids: the API ids are the display names lowercased (``GLM-4.5-Air`` -> ``glm-4.5-air``,
``ViduQ1-Text`` -> ``viduq1-text``, as in the docs' request examples); exceptions are in :data:`MODEL_ID_ALIASES`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import partial

from bs4 import NavigableString, Tag

from pipelines.sources.base import ParseError, ParsedPage, ParsedPrice, Source, clean_text, parse_money, seller_price
from pipelines.sources.reader import Findings, Table, html_tables, is_absent

PROVIDER = "zai"
_price = partial(seller_price, PROVIDER, "USD")
TOKEN_UNIT = "per 1M tokens"

#: display name -> API id where lowercasing the name is not the id. Sources: docs.z.ai model guides
#: (https://docs.z.ai/guides/image/cogview-4: ``"model": "cogView-4-250304"``) and the Agent API
#: (https://docs.z.ai/api-reference/agents/agent: ``agent_id`` values ``slides_glm_agent``,
#: ``general_translation``, ``vidu_template_agent``); Built-in Tools: the tool type ``web_search``
#: (https://docs.z.ai/guides/tools/web-search).
MODEL_ID_ALIASES: dict[str, str] = {
    "CogView-4": "cogView-4-250304",
    "GLM Slide/Poster Agent(beta)": "slides_glm_agent",
    "General-Purpose Translation": "general_translation",
    "Popular Special Effects Video Templates": "vidu_template_agent",
    "Web Search": "web_search",
}

_TOKEN_COLS = {"input": "input", "cached input": "cache_read", "output": "output"}
_SKIPPED_COLS = {"cached input storage"}
_PROMO = re.compile(r"^limited[- ]time free$", re.I)
_ID_RULE = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
_CELL = re.compile(
    r"^(?P<money>\$\s*\d[\d,]*(?:\.\d+)?)\s*(?:/\s*(?P<unit>MTok|use|video|image))?"
    r"\s*(?:\(\s*equivalent to[^()]*\))?$",
    re.I,
)
_SECTION_UNIT = re.compile(r"Prices per (1M tokens|image|video)\b", re.I)
_CELL_UNITS = {"mtok": TOKEN_UNIT, "use": "per use", "video": "per video", "image": "per image"}
_SECTION_UNITS = {"1m tokens": TOKEN_UNIT, "image": "per image", "video": "per video"}
_NON_TOKEN_KINDS = {"per image": "image_output", "per video": "video_output"}
_ONE_PRICE = "one price for all tokens of the call (input and output)"


def parse(body: bytes, url: str) -> ParsedPage:
    """Prices on the Z.ai pricing page (HTML). A column of a token table the module does not know is a finding
    (``unknown_column``) and the table's other columns load."""
    found = Findings()
    out: list[ParsedPrice] = []
    for t in html_tables(body):
        out += _interpret(t, _section_unit(t), url, found)
    if not out:
        raise ParseError("no prices found on the page", url=url)
    return found.page(out, url)


def _section_unit(t: Table) -> str | None:
    """``Prices per 1M tokens.`` between the table's heading and the table -> unit, or None."""
    if t.element is None:
        return None
    parts: list[str] = []
    for node in t.element.previous_elements:
        if isinstance(node, Tag) and node.name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            break
        if isinstance(node, NavigableString):
            parts.append(str(node))
    m = _SECTION_UNIT.search(clean_text(" ".join(reversed(parts))))
    return _SECTION_UNITS[m.group(1).lower()] if m else None


def _interpret(t: Table, section_unit: str | None, url: str, found: Findings) -> list[ParsedPrice]:
    labels = [clean_text(h).lower() for h in t.header]
    if not labels or labels[0] not in ("model", "tool", "agent"):
        return []
    out: list[ParsedPrice] = []
    if any(lab in _TOKEN_COLS for lab in labels[1:]):
        if section_unit != TOKEN_UNIT:
            raise ParseError(f"token price table but section unit is {section_unit!r}", url=url, where=t.where())
        for c, lab in enumerate(labels[1:], start=1):
            if lab not in _TOKEN_COLS and lab not in _SKIPPED_COLS:
                found.add("unknown_column", t.where(col=t.header[c]), t.header[c])  # not read, never guessed
        for r, row in enumerate(t.body, start=1):
            shown, model = _model(row[0], url, t.where(r, t.header[0]))
            for c, lab in enumerate(labels):
                where = t.where(r, t.header[c])
                if lab in _SKIPPED_COLS:
                    _check_storage(row[c], url, where)
                    continue
                if lab not in _TOKEN_COLS:
                    continue
                money = _read(row[c], url, where)
                if money is None:
                    continue
                amount, unit = money
                if unit not in (None, TOKEN_UNIT):
                    raise ParseError(f"unexpected unit in token price {row[c]!r}", url=url, where=where)
                # a zero keeps the page's word ("Free") in its location: the drift guard accepts a 0 only then
                said = f"{where} = {clean_text(row[c])!r}" if amount == 0 else where
                out.append(_price(model, shown, _TOKEN_COLS[lab], amount, TOKEN_UNIT, said))
        return out
    if len(labels) != 2 or labels[1] not in ("price", "cost"):
        raise ParseError(f"unrecognised table with columns {t.header!r}", url=url, where=t.where())
    for r, row in enumerate(t.body, start=1):
        shown, model = _model(row[0], url, t.where(r, t.header[0]))
        where = t.where(r, t.header[1])
        money = _read(row[1], url, where)
        if money is None:
            continue
        amount, unit = money
        unit = unit or section_unit
        if unit is None:
            raise ParseError(f"no unit for price {row[1]!r} (cell or section)", url=url, where=where)
        if unit == TOKEN_UNIT:
            said = f"{where} = {clean_text(row[1])!r}" if amount == 0 else where  # the page's word for a zero
            for kind in ("input", "output"):
                out.append(_price(model, shown, kind, amount, unit, said, _ONE_PRICE))
        elif unit == "per use":
            out.append(_price(model, shown, "web_search" if model == "web_search" else "tool_call", amount, unit, where))
        else:
            out.append(_price(model, shown, _NON_TOKEN_KINDS[unit], amount, unit, where))
    return out


def _check_storage(cell: str, url: str, where: str) -> None:
    s = clean_text(cell)
    if is_absent(s) or s.lower() == "free" or _PROMO.match(s):
        return
    raise ParseError(f"cached-input storage price {cell!r}: unit not stated on the page", url=url, where=where)


def _read(cell: str, url: str, where: str) -> tuple[Decimal, str | None] | None:
    s = clean_text(cell)
    if is_absent(s) or _PROMO.match(s):
        return None
    if s.lower() == "free":
        return Decimal(0), None
    m = _CELL.match(s)
    if not m:
        raise ParseError(f"cannot read price {cell!r}", url=url, where=where)
    money = parse_money(m.group("money"))
    assert money is not None and money[1] == "USD"
    unit = _CELL_UNITS[m.group("unit").lower()] if m.group("unit") else None
    return money[0], unit


def _model(cell: str, url: str, where: str) -> tuple[str, str]:
    shown = clean_text(cell)
    model = MODEL_ID_ALIASES.get(shown) or shown.lower()
    if shown not in MODEL_ID_ALIASES and not _ID_RULE.match(model):
        raise ParseError(f"cannot derive a Z.ai model id from {shown!r} (add it to MODEL_ID_ALIASES)", url=url, where=where)
    return shown, model


SOURCE = Source(
    name="zai_pricing",
    provider=PROVIDER,
    urls=("https://docs.z.ai/guides/overview/pricing",),
    fmt="html",
    parse=parse,
    hosts=("docs.z.ai",),
    description="Z.ai (Zhipu international) pricing: GLM text and vision models (input, cached input, output per 1M "
    "tokens), image/video generation per image/video, ASR and agents, web search per use. USD.",
)
