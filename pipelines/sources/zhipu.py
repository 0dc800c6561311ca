"""Zhipu BigModel (智谱) model pages (e.g. https://docs.bigmodel.cn/cn/guide/models/text/glm-4) -> prices.

Page shape (Mintlify MDX, the ``.md`` twin of the docs page): a ``<Tabs>`` block with one
``<Tab title="GLM-4-Plus">`` per model; each tab holds a ``<CardGroup>`` of ``<Card title="…">`` blocks:
``定位``, **``价格``** (``5 元 / 百万 Tokens``), ``输入模态``, ``输出模态``, ``上下文窗口``, ``最大输出 Tokens``.
Tabs without a ``价格`` card (the later rate-limit tabs, the ``cURL``/``Python`` code tabs) are not model
price tabs and are ignored.

- The price card gives **one** price for input and output: the parser emits both an ``input`` and an
  ``output`` row with that amount and ``conditions="same price for input and output"``.
- ``元`` -> CNY; ``百万 Tokens`` -> ``per 1M tokens`` (``千 Tokens`` -> ``per 1K tokens``). Amount exactly as
  written.
- A bare ``/`` price card is "no price". It becomes a 0 row only when the same tab's ``定位`` card says the model
  is free (``免费…``, GLM-4-Flash-250414 is "免费版"); otherwise no row. ``免费`` in the price card itself -> 0.
- Model id rule (documented, no alias table needed): Zhipu's API model ids are the tab titles lowercased
  (``GLM-4-Plus`` -> ``glm-4-plus``, ``GLM-4-Air-250414`` -> ``glm-4-air-250414``); the page's own request
  samples use ``"model": "glm-4-plus"``, and Zhipu's API reference lists the ids in that form. The rule is
  applied only to titles that look like ids (``GLM-…``, letters/digits/``.``/``-``); any other title of a tab
  with a price card raises :class:`ParseError`.
- Anything in a price card that is not ``<number> 元 / 百万|千 Tokens``, ``/`` or ``免费`` raises
  :class:`ParseError` naming the tab and line.
- A card the parser does not know (not one of :data:`KNOWN_CARDS`, e.g. a new ``缓存价格`` card or a renamed
  ``价格`` card) is an ``unknown_column`` finding naming the tab and card; the known cards still load (issue 19).
"""

from __future__ import annotations

import re
from decimal import Decimal

from pipelines.sources.base import ParsedPage, ParsedPrice, ParseError, Source, clean_text, seller_price
from pipelines.sources.reader import CellError, Findings, is_absent, read_price

PROVIDER = "zhipu"

_TAB = re.compile(r'<Tab\s+title="(?P<title>[^"]*)"\s*>(?P<body>.*?)</Tab>', re.S)
# the opening tag of a card holds JSX (icon={<svg … />}) and ends its line; the card text follows on the next lines.
_CARD = re.compile(r'<Card\s+title="(?P<title>[^"]*)"[^\n]*\n(?P<body>.*?)</Card>', re.S)
_ID_TITLE = re.compile(r"^GLM-[A-Za-z0-9][A-Za-z0-9.\-]*$")
SAME = "same price for input and output"
#: the cards of a model tab (titles without spaces): 价格 is read, 定位 only for "free", the others are not prices.
KNOWN_CARDS = frozenset({"定位", "价格", "输入模态", "输出模态", "上下文窗口", "最大输出Tokens"})


def parse(body: bytes, url: str) -> ParsedPage:
    """Token prices (CNY) of every model tab that has a ``价格`` card; unknown cards as findings."""
    text = body.decode("utf-8", errors="replace")
    out: list[ParsedPrice] = []
    findings = Findings()
    seen: set[str] = set()
    for m in _TAB.finditer(text):
        title = clean_text(m.group("title"))
        cards = {clean_text(c.group("title")): c.group("body") for c in _CARD.finditer(m.group("body"))}
        line = text.count("\n", 0, m.start()) + 1
        for card, card_body in cards.items():
            if card.replace(" ", "") not in KNOWN_CARDS:
                findings.add("unknown_column", f"tab {title!r} (line {line}) card {card!r}",
                             f"{card}: {clean_text(card_body)}")
        if "价格" not in cards:
            continue  # rate-limit / code-sample tabs
        where = f"tab {title!r} (line {line}) card '价格'"
        if not _ID_TITLE.match(title):
            raise ParseError(f"tab title {title!r} is not a model id", url=url, where=where)
        model = title.lower()
        if model in seen:
            raise ParseError(f"model {model!r} priced twice", url=url, where=where)
        seen.add(model)
        cell = clean_text(cards["价格"])
        amount, unit, conditions = _read_price(cell, cards.get("定位", ""), url, where)
        if amount is None:
            continue
        for kind in ("input", "output"):
            out.append(
                seller_price(PROVIDER, "CNY", model, title, kind, amount, unit, where, conditions)
            )
    if not out:
        raise ParseError("no model price cards (<Tab title=…> with <Card title=\"价格\">) found", url=url)
    return findings.page(out, url)


def _read_price(cell: str, positioning: str, url: str, where: str) -> tuple[Decimal | None, str, str | None]:
    if is_absent(cell):
        if "免费" in clean_text(positioning):
            return Decimal(0), "per 1M tokens", f"free model (定位 card: {clean_text(positioning)!r}; price card {cell!r})"
        return None, "", None
    if cell.startswith("免费"):
        return Decimal(0), "per 1M tokens", "free (价格 card: 免费)"
    try:  # "5 元 / 百万 Tokens", "0.5 元 / 千 tokens": the shared cell reader, nothing else in the card
        c = read_price(cell)
    except CellError:
        c = None
    if c is None or c.currency != "CNY" or c.unit is None or c.note is not None:
        raise ParseError(f"cannot read price {cell!r}", url=url, where=where)
    return c.amount, c.unit, SAME


SOURCE = Source(
    name="zhipu_model_pages",
    provider=PROVIDER,
    urls=("https://docs.bigmodel.cn/cn/guide/models/text/glm-4.md",),
    fmt="markdown",
    parse=parse,
    hosts=("docs.bigmodel.cn",),
    description="Zhipu BigModel model page (Mintlify MDX): one <Tab> per GLM model with a 价格 card "
    "('5 元 / 百万 Tokens', one CNY price for input and output).",
)
