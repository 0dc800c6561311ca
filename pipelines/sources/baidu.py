"""Baidu AI Cloud Qianfan price page (https://cloud.baidu.com/doc/qianfan-docs/s/Jm8r1826a) -> prices.

The capture is a text rendering with **all whitespace collapsed**: the whole page is one line and table cells
run together (``ERNIE 4.5 Turbo ERNIE-4.5-Turbo-128K 推理服务 输入 0.0008 0.00032 元/千tokens 命中缓存 …``).
Document -> tables here is therefore a tokenizer over the words of each table, keyed on the table header
texts; tables -> prices is the grammar below. An HTML copy of the page (``<table>``) is read through
:func:`pipelines.sources.reader.html_tables` by joining each table's cells back into the same word stream.

Tables read (header -> layout):

- ``模型名称 版本名称 服务内容 子项 <price columns> 单位`` (文本生成 / 视觉理解 / 深度思考). Price columns:
  ``在线推理`` -> ``standard``; ``批量推理`` or ``批量推理 （原价）`` -> ``batch``; ``批量推理 （N月活动价）``
  (time-limited promotions) are **skipped** (promotions are not list prices). Any other single-word column
  (or ``在线推理``/``批量推理`` with an unknown note) is an ``unknown_column`` finding naming the table and column;
  its cells are not read and the known columns still load (issue 19). Several unknown words in one gap cannot be
  counted as columns: that still raises :class:`ParseError` (a miscounted column would shift prices). Rows:
  ``[模型名称 words] [版本名称 ids…] 服务内容 子项 price×N [unit]``; ``服务内容`` is ``推理服务`` (token prices)
  or ``搜索增强`` (子项 ``触发``, ``元/次``: a per-search fee -> kind ``web_search``, unit ``per search``).
  子项 ``输入`` -> ``input``, ``输出`` -> ``output``, ``命中缓存`` -> ``cache_read``; a tier in the 子项
  (``输入（输入<=32k）``, ``输入（32k<输入<=128k）``, ``输入（输入=<32k）``) -> ``tier_min_tokens`` = lower bound
  x 1000. The unit is written only on the first 子项 of a group and carries to the group's later 子项.
  ``元/千tokens`` -> CNY ``per 1K tokens``.
- ``模型 服务内容 单价 规格`` (图像生成: ``qwen-image 推理服务 0.25元/张 1024x1024``) and
  ``模型 服务内容 单价 单位`` (图像编辑: ``qwen-image-edit 推理服务 0.3 元/张``) -> ``image_output``,
  ``per image`` (规格 kept in ``conditions``).
- ``模型名称 服务内容 子项 单价 单位`` (向量 / 重排序) -> ``input``, ``per 1K tokens``.

Model names: ``model`` = the 版本名称 (Baidu's API model id, e.g. ``ERNIE-4.5-Turbo-128K``), ``model_name`` =
the 模型名称. In the collapsed text the words before ``推理服务`` are [模型名称 words] + [版本名称 ids]:
words without a hyphen belong to the display name (``ERNIE 4.5 Turbo``); when all words are hyphenated ids,
the first is the display name if the second starts with it (``DeepSeek-R1 DeepSeek-R1-250528``,
``DeepSeek-V3 DeepSeek-V3``); a single id continues the current 模型名称 group with a new version
(``ERNIE-4.5-Turbo-32K 推理服务 …``). Anything else is ambiguous and raises :class:`ParseError`.
:data:`VERSION_ALIASES` fixes the page's one misspelt id.

``-`` / ``--`` -> no row. Rows that fall short of the price columns are accepted only when the missing cells
are all promotional columns (the page's DeepSeek-R1-250528 搜索增强 row has 3 of 4 cells). The same price
repeated in several tables (ERNIE-5.0 in 文本生成, 视觉理解 and 深度思考) is emitted once; a conflicting repeat
raises :class:`ParseError`.

Not read (not per-model list prices): 百度AI搜索API (a search product priced per call, no model id), 组件价格
(annual qps subscription), 向量数据库 (instance / storage billing), free quotas (语音 免费额度, the search API's
100 free calls a day: not LLM token offers).

Offers (:func:`parse_offers`): the promotional columns ``批量推理 （N月活动价）`` -> ``promotion`` rows: the token
price (per 1K tokens, CNY) of that batch price for month N, valid within the table's note ``活动时间为2月2日00:00:00-
3月31日23:59:59`` (2月 price: 2月2日 to the end of February; 3月 price: 3月1日 to 3月31日). The page gives no year; it is
the latest such window that ends on or before the page's ``更新时间`` (2026-07-09 on the capture: 2026), said so in
``conditions``. Without an ``更新时间`` the dates are left open (NULL) and the note kept in ``conditions``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import partial

from pipelines.sources.base import (
    ParseError, ParsedOffer, ParsedPage, ParsedPrice, Source, clean_text, dedupe_offers, seller_price,
)
from pipelines.sources.reader import Findings

PROVIDER = "baidu"
_price = partial(seller_price, PROVIDER, "CNY")

#: misspelt 版本名称 on the page -> Baidu's API id. Source: the same page spells the same version correctly in
#: its 视觉理解 and 深度思考 tables (``ERNIE-5.0-Thinking-Preview``); the 文本生成 table writes ``EERNIE-…``.
VERSION_ALIASES: dict[str, str] = {"EERNIE-5.0-Thinking-Preview": "ERNIE-5.0-Thinking-Preview"}

_LLM_HEADER = re.compile(r"模型名称 版本名称 服务内容 子项 (?P<cols>.+?) 单位 ")
_IMAGE_HEADER = re.compile(r"模型 服务内容 单价 (?P<last>规格|单位) ")
_EMBED_HEADER = re.compile(r"模型名称 服务内容 子项 单价 单位 ")
# a table's words end at its footnote (注：…) or at the next section's "<title> 更多模型价格…" line.
_TABLE_END = re.compile(r" 注:| \S+ 更多模型价格| 模型内置工具价格| AI开放能力| 百度AI搜索API价格")
_COLUMN = re.compile(r"(在线推理|批量推理)(?: ?\(([^)]*)\))?")
_SERVICES = {"推理服务", "搜索增强"}
_SUBITEM = re.compile(r"^(?P<base>输入|输出|命中缓存|触发)(?:\((?P<cond>[^)]*)\))?$")
_PRICE = re.compile(r"^\d+(?:\.\d+)?$")
_ABSENT = {"-", "--", "—"}
_UNIT = re.compile(r"^元/(千tokens|次|张)$")
_TIER_LOW = re.compile(r"^输入(?:<=|=<)(?P<hi>\d+)k$", re.I)
_TIER_RANGE = re.compile(r"^(?P<lo>\d+)k<输入(?:<=|=<)(?P<hi>\d+)k$", re.I)
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9.]*(?:-[A-Za-z0-9.]+)+$")
_MODEL_ID = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*$")
UNKNOWN = "unknown"  # a price column the parser does not know (reported, its cells not read)


def parse(body: bytes, url: str) -> ParsedPage:
    """CNY prices of the Qianfan price page (per 1K tokens, per search, per image); unknown columns as findings."""
    text = body.decode("utf-8", errors="replace")
    if "<table" in text[:200000].lower():
        text = _html_words(body)
    text = " " + clean_text(text) + " "
    out: list[ParsedPrice] = []
    findings = Findings()
    for n, m in enumerate(_LLM_HEADER.finditer(text)):
        out += _llm_table(text, m, n, url, findings=findings)
    for m in _IMAGE_HEADER.finditer(text):
        out += _image_table(text, m, url)
    for m in _EMBED_HEADER.finditer(text):
        out += _embed_table(text, m, url)
    out = _dedupe(out, url)
    if not out:
        raise ParseError("no price tables (模型名称 版本名称 服务内容 子项 … 单位) found", url=url)
    return findings.page(out, url)


def _html_words(body: bytes) -> str:
    """HTML copy of the page -> the same collapsed word stream as the text rendering (header + rows)."""
    from pipelines.sources.reader import html_tables  # local: only HTML copies need bs4

    parts = []
    for t in html_tables(body):
        for row in t.rows:
            parts.append(" ".join(c for i, c in enumerate(row) if c and (i == 0 or c != row[i - 1])))
        parts.append(" 注: ")
    return " ".join(parts)


def _table_words(text: str, start: int) -> list[str]:
    end = _TABLE_END.search(text, start)
    return text[start : end.start() if end else len(text)].split()


def _columns(spec: str, url: str, where: str) -> tuple[list[str | None], list[str]]:
    """Price column headers -> (service tier per column, column labels); None = promotional column (skipped),
    :data:`UNKNOWN` = a column the parser does not know (one word between or after the known ones)."""
    cols: list[str | None] = []
    labels: list[str] = []

    def gap(words: str) -> None:
        if not words.strip():
            return
        if len(words.split()) != 1:
            raise ParseError(f"cannot count the price columns in {words.strip()!r}", url=url, where=where)
        cols.append(UNKNOWN)
        labels.append(words.strip())

    pos = 0
    for m in _COLUMN.finditer(spec):
        gap(spec[pos : m.start()])
        pos = m.end()
        base, note = m.group(1), (m.group(2) or "").strip()
        labels.append(m.group(0))
        if base == "在线推理" and not note:
            cols.append("standard")
        elif base == "批量推理" and note in ("", "原价"):
            cols.append("batch")
        elif "活动价" in note:
            cols.append(None)
        else:
            cols.append(UNKNOWN)
    gap(spec[pos:])
    if not any(c not in (None, UNKNOWN) for c in cols):
        raise ParseError(f"cannot read price columns {spec!r}", url=url, where=where)
    return cols, labels


def _llm_table(text: str, header: re.Match, n: int, url: str, promotions: list | None = None,
               findings: Findings | None = None) -> list[ParsedPrice]:
    """Prices of one LLM table; with ``promotions`` (a list), the cells of its promotional columns are appended to it
    as ``(version, display, kind, amount, unit, min_tokens, column label, where)`` (for :func:`parse_offers`); its
    unknown columns are added to ``findings``."""
    section = _section_title(text, header.start())
    twhere = f"table {n} ({section!r})"
    cols, labels = _columns(header.group("cols"), url, twhere)
    for label, c in zip(labels, cols):
        if c == UNKNOWN and findings is not None:
            findings.add("unknown_column", f"{twhere} col {label!r}", label)
    need = max(i for i, c in enumerate(cols) if c not in (None, UNKNOWN)) + 1  # cells that must be present
    words = _table_words(text, header.end())
    out: list[ParsedPrice] = []
    display, versions = "", []
    names: list[str] = []
    unit: str | None = None
    service: str | None = None
    i = 0
    while i < len(words):
        w = words[i]
        if w in _SERVICES:
            if names:
                display, versions = _split_names(names, display, versions, url, f"{twhere} before {w!r} at word {i}")
                names = []
            if not versions:
                raise ParseError(f"{w} without a model", url=url, where=f"{twhere} word {i}")
            service, unit = w, None
            i += 1
            continue
        sub = _SUBITEM.match(w)
        if sub and service is not None and not names:
            where = f"{twhere} model {versions[0]!r} row {w!r}"
            cells: list[str] = []
            i += 1
            while len(cells) < len(cols) and i < len(words) and (_PRICE.match(words[i]) or words[i] in _ABSENT):
                cells.append(words[i])
                i += 1
            if len(cells) < need:
                bad = words[i] if i < len(words) else "<end of table>"
                raise ParseError(f"cannot read price {bad!r}", url=url, where=f"{where} col {labels[len(cells)]!r}")
            if i < len(words) and _UNIT.match(words[i]):
                unit = words[i]
                i += 1
            if unit is None:
                raise ParseError("price without a unit", url=url, where=where)
            kind, unit_name, min_tokens = _kind(service, sub, unit, url, where)
            for j, cell in enumerate(cells):
                tier = cols[j]
                if tier is None and promotions is not None and cell not in _ABSENT:
                    for v in versions:
                        promotions.append((v, display, kind, Decimal(cell), unit_name, min_tokens, labels[j],
                                           f"{where} col {j} ({labels[j]})"))
                if tier is None or tier == UNKNOWN or cell in _ABSENT:
                    continue
                for v in versions:
                    out.append(_price(v, display, kind, Decimal(cell), unit_name, f"{where} col {j} ({tier})",
                                      service_tier=tier, tier_min_tokens=min_tokens))
            continue
        # a name word (模型名称 / 版本名称)
        names.append(w)
        i += 1
    if names:
        raise ParseError(f"trailing words without prices {' '.join(names)!r}", url=url, where=twhere)
    return out


def _split_names(names: list[str], display: str, versions: list[str], url: str, where: str):
    """Words before a 服务内容 -> (display name, version ids), see the module doc."""
    lead = []
    k = 0
    while k < len(names) and not _ID.match(names[k]):
        lead.append(names[k])
        k += 1
    rest = names[k:]
    if lead:
        if not rest:
            raise ParseError(f"model {' '.join(lead)!r} without a version id", url=url, where=where)
        new_display, new_versions = " ".join(lead), rest
    elif len(rest) == 1:
        if not display:
            raise ParseError(f"version {rest[0]!r} without a model name", url=url, where=where)
        new_display, new_versions = display, rest
    elif rest[1].startswith(rest[0]):
        new_display, new_versions = rest[0], rest[1:]
    else:
        raise ParseError(f"cannot tell model name from version ids in {' '.join(names)!r}", url=url, where=where)
    ids = []
    for v in new_versions:
        v = VERSION_ALIASES.get(v, v)
        if not _MODEL_ID.match(v):
            raise ParseError(f"bad version id {v!r}", url=url, where=where)
        ids.append(v)
    return new_display, ids


def _kind(service: str, sub: re.Match, unit: str, url: str, where: str) -> tuple[str, str, int]:
    base, cond = sub.group("base"), sub.group("cond")
    if service == "搜索增强":
        if base != "触发" or unit != "元/次":
            raise ParseError(f"unknown search-augmentation row {sub.group(0)!r} {unit!r}", url=url, where=where)
        return "web_search", "per search", 0
    if base == "触发" or unit != "元/千tokens":
        raise ParseError(f"unknown inference row {sub.group(0)!r} {unit!r}", url=url, where=where)
    kind = {"输入": "input", "输出": "output", "命中缓存": "cache_read"}[base]
    min_tokens = 0
    if cond:
        c = cond.replace(" ", "")
        if m := _TIER_RANGE.match(c):
            min_tokens = int(m.group("lo")) * 1000
        elif not _TIER_LOW.match(c):
            raise ParseError(f"unknown tier {cond!r}", url=url, where=where)
    return kind, "per 1K tokens", min_tokens


def _image_table(text: str, header: re.Match, url: str) -> list[ParsedPrice]:
    section = _section_title(text, header.start())
    words = _table_words(text, header.end())
    out = []
    i = 0
    while i < len(words):
        model = words[i]
        where = f"table ({section!r}) model {model!r}"
        if not _MODEL_ID.match(model) or i + 2 >= len(words) or words[i + 1] != "推理服务":
            raise ParseError(f"cannot read image price row at {' '.join(words[i:i + 4])!r}", url=url, where=where)
        m = re.match(r"^(\d+(?:\.\d+)?)(元/张)?$", words[i + 2])
        if not m:
            raise ParseError(f"cannot read price {words[i + 2]!r}", url=url, where=where)
        i += 3
        spec = None
        if m.group(2) is None:
            if i >= len(words) or words[i] != "元/张":
                raise ParseError("image price without 元/张", url=url, where=where)
            i += 1
        if header.group("last") == "规格":
            spec = words[i]
            i += 1
        out.append(_price(model, model, "image_output", Decimal(m.group(1)), "per image", where,
                          f"{spec} image" if spec else None))
    return out


def _embed_table(text: str, header: re.Match, url: str) -> list[ParsedPrice]:
    section = _section_title(text, header.start())
    words = _table_words(text, header.end())
    out = []
    for i in range(0, len(words), 5):
        row = words[i : i + 5]
        where = f"table ({section!r}) model {row[0]!r}"
        if len(row) != 5 or row[1] != "推理服务" or row[2] != "输入" or row[4] != "元/千tokens":
            raise ParseError(f"cannot read row {' '.join(row)!r}", url=url, where=where)
        if not _PRICE.match(row[3]):
            raise ParseError(f"cannot read price {row[3]!r}", url=url, where=where)
        out.append(_price(row[0], row[0], "input", Decimal(row[3]), "per 1K tokens", where))
    return out


def _section_title(text: str, pos: int) -> str:
    """The word before the nearest preceding ``更多模型价格`` line (the table's section title)."""
    m = None
    for m in re.finditer(r"(\S+) 更多模型价格", text[:pos]):
        pass
    return m.group(1) if m else ""


def _dedupe(prices: list[ParsedPrice], url: str) -> list[ParsedPrice]:
    seen: dict[tuple, ParsedPrice] = {}
    out = []
    for p in prices:
        key = (p.model, p.price_kind, p.service_tier, p.tier_min_tokens, p.region, p.unit)
        if key in seen:
            if seen[key].amount != p.amount:
                raise ParseError(
                    f"{p.model} {p.price_kind} priced {seen[key].amount} and {p.amount} (also at {seen[key].where})",
                    url=url, where=p.where)
            continue
        seen[key] = p
        out.append(p)
    return out


_UPDATED = re.compile(r"更新时间:\s*(\d{4})-(\d{2})-(\d{2})")
_WINDOW = re.compile(r"活动时间为\s*(\d{1,2})月(\d{1,2})日[\d:]*\s*-\s*(\d{1,2})月(\d{1,2})日[\d:]*")
_PROMO_MONTH = re.compile(r"^(\d{1,2})月活动价$")


def parse_offers(body: bytes, url: str) -> list:
    """Time-limited promotional batch prices of the Qianfan price page (see the module doc), as
    :class:`~pipelines.sources.base.ParsedOffer`. Raises :class:`ParseError` for a promotional column without a readable
    month or a table without its activity window."""
    import datetime as dt

    text = body.decode("utf-8", errors="replace")
    if "<table" in text[:200000].lower():
        text = _html_words(body)
    text = " " + clean_text(text) + " "
    upd = _UPDATED.search(text)
    updated = dt.date(int(upd.group(1)), int(upd.group(2)), int(upd.group(3))) if upd else None
    out = []
    for n, m in enumerate(_LLM_HEADER.finditer(text)):
        promos: list = []
        _llm_table(text, m, n, url, promos)
        if not promos:
            continue
        note_at = text.find(" 注:", m.end())
        note_end = text.find("。", note_at) if note_at >= 0 else -1
        note = text[note_at + 1: note_end + 1] if note_at >= 0 else ""
        w = _WINDOW.search(note)
        if not w:
            raise ParseError("promotional prices without an activity window (活动时间为…)", url=url,
                             where=f"table {n} ({_section_title(text, m.start())!r})")
        m1, d1, m2, d2 = (int(x) for x in w.groups())
        year = None
        if updated is not None:
            year = updated.year if (m2, d2) <= (updated.month, updated.day) else updated.year - 1
        for version, display, kind, amount, unit, min_tokens, label, where in promos:
            pm = _PROMO_MONTH.match(label.split("(")[-1].rstrip(")").strip())
            if not pm:
                raise ParseError(f"promotional column {label!r} names no month", url=url, where=where)
            month = int(pm.group(1))
            start = end = None
            if year is not None:
                start = max(dt.date(year, m1, d1), dt.date(year, month, 1))
                nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
                end = min(dt.date(year, m2, d2), nxt - dt.timedelta(days=1))
                if end < start:
                    raise ParseError(f"{label!r} lies outside the activity window {w.group(0)!r}", url=url, where=where)
            year_note = (f"year not on the page: the latest window ending on or before its 更新时间 {updated}"
                         if updated else "year not on the page and no 更新时间: dates left open")
            out.append(ParsedOffer(
                provider=PROVIDER, model=version, model_name=display, offer_kind="promotion", amount=amount,
                currency="CNY", unit=unit, price_kind=kind, service_tier="batch", tier_min_tokens=min_tokens,
                valid_from=start, valid_until=end,
                conditions=f"{label}; {note.strip()}; {year_note}", where=where,
            ))
    return dedupe_offers(out, url)


SOURCE = Source(
    name="baidu_qianfan_pricing",
    provider=PROVIDER,
    urls=("https://cloud.baidu.com/doc/qianfan-docs/s/Jm8r1826a",),
    fmt="text",
    parse=parse,
    parse_offers=parse_offers,
    hosts=("cloud.baidu.com",),
    description="Baidu Qianfan price page (text rendering, whitespace collapsed): ERNIE/DeepSeek per-1K-token "
    "CNY prices, 在线推理 (standard) / 批量推理 (batch), input-length tiers, cache hits, per-search fees, "
    "image generation per image.",
)
