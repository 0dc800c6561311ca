"""Volcengine Ark (火山方舟) model service prices (https://www.volcengine.com/docs/82379/1544106) -> prices.

Document -> tables (this module, :func:`doc_tables`): the docs page renders a **provider document JSON**
client-side (the capture: line 1 ``# 模型服务价格``, line 2 ``{"version": …, "data": {…}}``). ``data["0"].ops``
is the body as Quill-style ops: a ``*`` op with ``attributes.heading = "h1"/"h2"/"h3"`` marks the next line as
a heading; an op with ``attributes.aceTable = "<rowsZoneId> <colsZoneId>"`` is a table whose rows / columns
are the ids listed (in order) by those two zones, and each cell is the zone ``"x" + rowId + "x" + colId``
whose ops hold the cell text, one line per ``*``-marked line (the ``*`` markers are dropped). Merged cells
leave the continuation cells empty. An HTML copy of the page is read with
:func:`pipelines.sources.reader.html_tables` (headings: the nearest ``h1``/``h2`` before the table) and a
Markdown copy (the document's own ``MDContent``, as in the 2026-06-11 capture) by :func:`pipelines.sources.reader.markdown_sections`
(each table under its full ``#``/``##``/``###`` heading path; backslash escapes undone); same interpretation below.

Tables -> prices:

- the section headings decide what a table is: h1 ``深度思考模型`` / ``大语言模型`` / ``视觉理解模型`` /
  ``文本向量模型`` / ``图文向量模型`` / ``向量模型`` / ``图片生成模型`` / ``3D生成模型`` are read; h2 ``在线推理`` /
  ``在线推理(常规)`` -> ``standard``, ``批量推理`` -> ``batch`` (no h2: ``standard``); ``在线推理(TPM 保障包)``
  holds offers. ``在线推理(低延迟)`` (2026-06: a low-latency tier at three times the price) has no service tier
  of ours yet: a finding, not loaded.
- header cells are ``<label>\\n<unit>``: ``输入`` / ``文本输入`` / ``输入(非音频)`` -> ``input``, ``输入(音频)`` ->
  ``input_audio``, ``图片输入`` -> ``input_image``, ``缓存命中`` / ``缓存命中(非音频)`` -> ``cache_read``,
  ``缓存命中(音频)`` -> ``cache_read_audio``, ``输出`` -> ``output`` (unit ``元/百万 token``: CNY ``per 1M tokens``);
  ``缓存存储`` (``元/百万 token /小时``) -> non-token kind ``cache_storage``, unit ``per 1M token-hours``;
  ``定价`` (``元/张``) -> ``image_output`` ``per image``; ``3D文件单价`` (``元/个``) -> ``model3d_output``
  ``per file``; the 3D table's ``按token单价`` has no price kind for 3D output tokens and is skipped.
- the model column (``模型名称`` / ``模型``) holds the model name as the page writes it (``doubao-seed-1.6``:
  the page shows model family names, not the dated endpoint ids such as ``doubao-seed-1-6-250615``, and gives
  no mapping; the name is used as written, lowercase, and must look like an id). Extra lines in the cell
  (``含m-250415、m-250428版本``) are notes, kept in ``model_name``. An empty model cell continues the model of
  the row above (merged cell).
- the ``条件`` column (unit ``千 token``): ``输入长度 [0, 32]`` -> ``tier_min_tokens`` 0, ``(32, 128]`` -> 32000,
  ``(128, 256]`` -> 128000 (K = 1000); a second line ``且输出长度 [0, 0.2]`` is kept in ``conditions``. When
  the output-length band does not change a price (the input price of both bands), one row without the
  condition is emitted.
- ``-``, ``不支持``, empty -> no row.

What the page says that is not understood is a :class:`~pipelines.sources.base.Finding` (issue 19), never a
guess, and everything else loads: a section not listed here (``unknown_section``, e.g. 2026-06 ``工具及插件``), a
column (``unknown_column``: the 2026-06 3D table's ``产物`` / ``输出单价 元/次``), a model cell that is not an id
(``unknown_row``), an unreadable price or tier cell (``unreadable_cell``). :class:`ParseError` only when no token
price is read at all (or one price key gets two amounts without conditions telling them apart).

Skipped on purpose (not per-token list prices): ``视频生成模型`` (priced per video-output token, a kind the
price vocabulary does not have yet; its second table is worked examples per video), ``TPM 保障包`` (hourly /
daily throughput packs; offers, read by :func:`parse_offers`), ``模型精调`` (training prices and inference of
*fine-tuned* endpoints, which have no public model id) and ``模型单元`` (provisioned model units; offers, read by
:func:`parse_offers`), ``Coding Plan 个人版`` / ``Agent Plan 个人版`` (subscriptions, their own issue). An unknown
h1 whose table has price columns is an ``unknown_section`` finding, so a new section is looked at, not silently
dropped.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

from pipelines.sources.reader import Table, html_tables, markdown_sections
from pipelines.sources.base import (
    Finding,
    ParsedOffer,
    ParsedPage,
    ParsedPrice,
    ParseError,
    Source,
    clean_text,
    dedupe_offers,
    seller_price,
)

PROVIDER = "volcengine"

_READ = {"深度思考模型", "大语言模型", "视觉理解模型", "文本向量模型", "图文向量模型", "向量模型", "图片生成模型", "3D生成模型"}
#: sections that are not per-token list prices (see the module docstring); the coding/agent plans are
#: subscriptions (their own issue).
_SKIP = {"视频生成模型", "TPM 保障包", "模型精调", "模型单元", "Coding Plan 个人版", "Agent Plan 个人版"}
_TIERS = {"": "standard", "在线推理": "standard", "在线推理(常规)": "standard", "批量推理": "batch"}
#: h2 sections of a read h1 that hold offers, not token prices (read by :func:`parse_offers`).
_SKIP_H2 = {"在线推理(TPM 保障包)"}
_MODEL_COLS = {"模型名称", "模型"}
_TIER_COL = "条件"
# (label, unit without spaces) -> (kind, unit); unit None: any unit (checked below)
_COLS: dict[tuple[str, str], tuple[str, str] | None] = {
    ("输入", "元/百万token"): ("input", "per 1M tokens"),
    ("输入(非音频)", "元/百万token"): ("input", "per 1M tokens"),
    ("输入(音频)", "元/百万token"): ("input_audio", "per 1M tokens"),
    ("缓存命中(非音频)", "元/百万token"): ("cache_read", "per 1M tokens"),
    ("缓存命中(音频)", "元/百万token"): ("cache_read_audio", "per 1M tokens"),
    ("文本输入", "元/百万token"): ("input", "per 1M tokens"),
    ("图片输入", "元/百万token"): ("input_image", "per 1M tokens"),
    ("缓存命中", "元/百万token"): ("cache_read", "per 1M tokens"),
    ("输出", "元/百万token"): ("output", "per 1M tokens"),
    ("缓存存储", "元/百万token/小时"): ("cache_storage", "per 1M token-hours"),
    ("定价", "元/张"): ("image_output", "per image"),
    ("单价", "元/张"): ("image_output", "per image"),
    ("3D文件单价", "元/个"): ("model3d_output", "per file"),
    ("按token单价", "元/百万token"): None,  # 3D output tokens: no price kind yet
    ("生成模式", ""): None,
    ("消耗token", ""): None,
}
_ABSENT = {"", "-", "—", "不支持"}
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_MODEL_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_INPUT_BAND = re.compile(r"^输入长度\s*(?P<open>[\[(])\s*(?P<lo>\d+(?:\.\d+)?)\s*,\s*(?P<hi>\d+(?:\.\d+)?|\+∞)\s*[\])]$")
_OUTPUT_BAND = re.compile(r"^且?(?P<band>输出长度\s*[\[(]\s*\d+(?:\.\d+)?\s*,\s*(?:\d+(?:\.\d+)?|\+∞)\s*[\])])$")


def _tables(body: bytes, url: str) -> list[tuple]:
    """``(heading path, table)`` for every table of the page, whichever copy it is (provider document JSON, HTML
    or Markdown)."""
    text = body.decode("utf-8", errors="replace")
    doc = _doc_json(text)
    if doc is not None:
        return doc_tables(doc, url)
    if "<table" in text.lower():
        return [(_html_path(t), t) for t in html_tables(body)]
    return markdown_sections(text)


def parse(body: bytes, url: str) -> ParsedPage:
    """CNY prices of the Ark model price page (provider document JSON, HTML or Markdown copy), with findings for
    what the page says that is not understood (unknown sections, columns, rows, cells: not loaded, reported).
    Raises :class:`ParseError` when no token price is read at all."""
    tables = _tables(body, url)
    out: list[ParsedPrice] = []
    findings: list[Finding] = []
    for path, table in tables:
        out += _read_table(path, table, url, findings)
    out = _merge(out, url)
    if not any(p.unit == "per 1M tokens" for p in out):
        raise ParseError("no token price tables found", url=url)
    return ParsedPage(prices=out, findings=findings)


# --- document -> tables -----------------------------------------------------------------------------------


def _doc_json(text: str) -> dict | None:
    """The document data of a capture (``# title`` line + JSON line) or of the bare JSON, else None."""
    for chunk in (text, text.split("\n", 1)[-1]):
        s = chunk.lstrip()
        if s.startswith("{"):
            try:
                doc = json.loads(s)
            except ValueError:
                continue
            if isinstance(doc, dict) and isinstance(doc.get("data"), dict) and "0" in doc["data"]:
                return doc["data"]
    return None


def doc_tables(data: dict, url: str) -> list[tuple[tuple[str, str, str], Table]]:
    """Tables of the document JSON with their (h1, h2, h3) heading path, in document order."""
    out: list[tuple[tuple[str, str, str], Table]] = []
    path = ["", "", ""]
    pending: str | None = None  # heading level of the line being read
    line = ""
    for op in data["0"].get("ops", []):
        ins, attrs = op.get("insert"), op.get("attributes") or {}
        if "aceTable" in attrs:
            rows_id, cols_id = str(attrs["aceTable"]).split()[:2]
            heading = " / ".join(p for p in path if p)
            grid = _grid(data, rows_id, cols_id, url, heading)
            out.append(((path[0], path[1], path[2]), Table(index=len(out), heading=heading, rows=grid, header_rows=1)))
            continue
        if not isinstance(ins, str):
            continue
        if ins == "*" and "lmkr" in attrs:
            pending = attrs.get("heading")
            line = ""
            continue
        line += ins
        if "\n" in ins:
            if pending in ("h1", "h2", "h3"):
                level = int(pending[1]) - 1
                path[level] = clean_text(line)
                for k in range(level + 1, 3):
                    path[k] = ""
            pending, line = None, ""
    return out


def _grid(data: dict, rows_id: str, cols_id: str, url: str, heading: str) -> list[list[str]]:
    try:
        rows = [o["insert"]["id"] for o in data[rows_id]["ops"]]
        cols = [o["insert"]["id"] for o in data[cols_id]["ops"]]
    except (KeyError, TypeError) as exc:
        raise ParseError(f"table zones {rows_id!r}/{cols_id!r} unreadable: {exc!r}", url=url, where=heading) from exc
    grid = []
    for r in rows:
        row = []
        for c in cols:
            zone = data.get(f"x{r}x{c}")
            row.append(_zone_text(zone) if zone else "")
        grid.append(row)
    return grid


def _zone_text(zone: dict) -> str:
    parts = []
    for o in zone.get("ops", []):
        ins, attrs = o.get("insert"), o.get("attributes") or {}
        if not isinstance(ins, str) or (ins == "*" and "lmkr" in attrs):
            continue
        parts.append(ins)
    lines = [clean_text(x) for x in "".join(parts).split("\n")]
    return "\n".join(x for x in lines if x)


def _html_path(t: Table) -> tuple[str, str, str]:
    h1 = t.element.find_previous("h1") if t.element is not None else None
    h2 = t.element.find_previous("h2") if t.element is not None else None
    h1t = clean_text(h1.get_text(" ")) if h1 else ""
    h2t = clean_text(h2.get_text(" ")) if h2 and (h1 is None or h2 in h1.find_all_next("h2")) else ""
    return (h1t, h2t, "")


# --- tables -> prices -------------------------------------------------------------------------------------


def _read_table(path: tuple[str, str, str], table: Table, url: str, findings: list[Finding]) -> list[ParsedPrice]:
    """Prices of one table; what it cannot place (section, column, row, cell) goes to ``findings``, never a guess."""
    h1, h2, _ = path
    if h1 in _SKIP or h2 in _SKIP_H2:
        return []
    header = [_label_unit(c) for c in table.header]
    if h1 not in _READ:
        if any("元" in u for _, u in header):
            findings.append(Finding("unknown_section", table.where(), h1))
        return []
    tier = _TIERS.get(h2)
    if tier is None:
        findings.append(Finding("unknown_section", table.where(), h2))
        return []
    model_col = next((j for j, (lab, _) in enumerate(header) if lab in _MODEL_COLS), None)
    if model_col is None:
        findings.append(Finding("unknown_column", table.where(0), " | ".join(c.replace("\n", " ") for c in table.header)))
        return []
    tier_col = next((j for j, (lab, _) in enumerate(header) if lab == _TIER_COL), None)
    price_cols: list[tuple[int, str, str]] = []
    for j, (lab, unit) in enumerate(header):
        if j in (model_col, tier_col) or (not lab and not unit):
            continue
        if (lab, unit) not in _COLS:
            findings.append(Finding("unknown_column", table.where(0, table.header[j].replace("\n", " ")), f"{lab} {unit}".strip()))
            continue
        spec = _COLS[(lab, unit)]
        if spec is not None:
            price_cols.append((j, *spec))
    out: list[ParsedPrice] = []
    if not price_cols:
        return out
    model, name = "", ""
    for r in range(table.header_rows, len(table.rows)):
        row = table.rows[r]
        cell = row[model_col]
        if cell:
            lines = cell.split("\n")
            model, name = lines[0], " ".join(lines)
            if not _MODEL_ID.match(model):
                findings.append(Finding("unknown_row", table.where(r, table.header[model_col]), model))
                model = ""
                continue
        elif not model:
            continue  # the continuation of a row already reported, or a row without a model
        try:
            min_tokens, conditions = _tier(row[tier_col] if tier_col is not None else "", url, table.where(r, _TIER_COL))
        except ParseError:
            findings.append(Finding("unreadable_cell", f"{table.where(r, _TIER_COL)} ({model})", row[tier_col]))
            continue
        for j, kind, unit in price_cols:
            text = clean_text(row[j])
            where = f"{table.where(r, table.header[j].replace(chr(10), ' '))} ({model})"
            if text in _ABSENT:
                continue
            if not _NUMBER.match(text):
                findings.append(Finding("unreadable_cell", where, text))
                continue
            token = unit.endswith("tokens")
            out.append(
                seller_price(PROVIDER, "CNY", model, name, kind, Decimal(text), unit, where,
                             conditions if token else None, service_tier=tier,
                             tier_min_tokens=min_tokens if token else 0)
            )
    return out


def _label_unit(cell: str) -> tuple[str, str]:
    lines = [x for x in cell.split("\n") if x]
    label = lines[0] if lines else ""
    unit = "".join(lines[1:]).replace(" ", "")
    return label, unit


def _tier(cell: str, url: str, where: str) -> tuple[int, str | None]:
    lines = [clean_text(x) for x in cell.split("\n") if clean_text(x)]
    if not lines or lines == ["-"]:
        return 0, None
    m = _INPUT_BAND.match(lines[0])
    if not m:
        raise ParseError(f"cannot read tier {cell!r}", url=url, where=where)
    lo = Decimal(m.group("lo")) * 1000
    if lo != lo.to_integral_value():
        raise ParseError(f"tier bound {m.group('lo')!r}K is not whole tokens", url=url, where=where)
    conditions = None
    if len(lines) > 1:
        o = _OUTPUT_BAND.match(lines[1])
        if not o or len(lines) > 2:
            raise ParseError(f"cannot read tier {cell!r}", url=url, where=where)
        conditions = f"{o.group('band')} (千 token)"
    return int(lo), conditions


def _merge(prices: list[ParsedPrice], url: str) -> list[ParsedPrice]:
    """Rows that differ only in ``conditions`` (output-length band) or repeat a non-token price per tier row
    collapse to one row when the amount is the same; different amounts keep their conditions."""
    groups: dict[tuple, list[ParsedPrice]] = {}
    for p in prices:
        groups.setdefault((p.model, p.price_kind, p.service_tier, p.tier_min_tokens, p.region, p.unit), []).append(p)
    out = []
    for ps in groups.values():
        if len({p.amount for p in ps}) == 1:
            p = ps[0]
            out.append(p if len(ps) == 1 else ParsedPrice(**{**p.__dict__, "conditions": None}))
            continue
        conds = [p.conditions for p in ps]
        if None in conds or len(set(conds)) != len(conds):
            raise ParseError(f"{ps[0].model} {ps[0].price_kind} priced {[str(p.amount) for p in ps]} "
                             f"without distinguishing conditions", url=url, where=ps[-1].where)
        out.extend(ps)
    return out


# --- offers (TPM packs, model units) ---------------------------------------------------------------------------

_TPM_CELL = re.compile(r"^(?P<num>\d+(?:\.\d+)?)\s*元\s*/\s*每\s*(?P<q>\d+(?:\.\d+)?)\s*(?P<m>[KM]?)\s*TPM$", re.I)
_BILLING = {"小时后付费": "per hour", "按小时后付费": "per hour", "包天预付费": "per day", "包月预付费": "per month"}
_TPM_KINDS = {"输入": "input", "输出": "output"}
_UNIT_PRICE = re.compile(r"^\d+(?:\.\d+)?$")


def parse_offers(body: bytes, url: str) -> list:
    """Provisioned throughput and model units of the Ark price page, as :class:`~pipelines.sources.base.ParsedOffer`.

    - ``TPM 保障包`` (``模型 | 计费方式 | 输入 | 输出``): a cell ``1.920 元/每10K TPM`` under ``输入`` on the row
      ``小时后付费`` -> ``provisioned_throughput`` of ``price_kind`` ``input``: 1.920 CNY ``per hour`` for
      ``quantity`` 10,000 ``TPM`` (tokens per minute guaranteed; ``包天预付费`` -> ``per day``). The page: both can be
      stacked, and the doubao-seed-1.6 family deducts TPM at a per-length coefficient shown only in the console
      (kept in ``conditions``). Model-cell notes (``0615版本不支持``) go to ``conditions``.
    - ``模型单元`` (``机型 | 计费方式 | 定价 元/个``): ``model_unit`` with no model (the page: the price does not depend
      on the model), ``model_name`` the machine type, ``quantity`` 1 ``model units``, ``per hour`` (``按小时后付费``)
      or ``per month`` (``包月预付费``); the page calls it an invitation-only capability (``邀测能力``).
    Raises :class:`ParseError` for a cell of those tables it cannot read, or when neither table is found.
    """
    tables = _tables(body, url)
    out: list = []
    for (h1, _, _), table in tables:
        if h1 == "TPM 保障包":
            out += _tpm_offers(table, url)
        elif h1 == "模型单元":
            out += _unit_offers(table, url)
    if not out:
        raise ParseError("no TPM 保障包 or 模型单元 table found", url=url)
    return dedupe_offers(out, url)


_TPM_NOTE = ("「小时后付费」和「包天预付费」可叠加购买; doubao-seed-1.6 系列不同长度请求抵扣 TPM 速度不同 "
             "(抵扣系数见控制台 TPM 计算器)")


def _tpm_offers(table: Table, url: str) -> list:
    header = [_label_unit(c)[0] for c in table.header]
    try:
        model_col, billing_col = header.index("模型"), header.index("计费方式")
    except ValueError:
        raise ParseError(f"TPM table without 模型 / 计费方式 columns: {header!r}", url=url, where=table.where(0)) from None
    kinds = {j: _TPM_KINDS[lab] for j, lab in enumerate(header) if lab in _TPM_KINDS}
    if not kinds:
        raise ParseError(f"TPM table without 输入 / 输出 columns: {header!r}", url=url, where=table.where(0))
    out, model, note = [], "", None
    for r in range(table.header_rows, len(table.rows)):
        row = table.rows[r]
        if row[model_col]:
            lines = row[model_col].split("\n")
            model, note = lines[0], " ".join(lines[1:]) or None
            if not _MODEL_ID.match(model):
                raise ParseError(f"model name {model!r} is not an id", url=url, where=table.where(r, model_col))
        elif not model:
            raise ParseError("row without a model", url=url, where=table.where(r, model_col))
        billing = clean_text(row[billing_col])
        unit = _BILLING.get(billing)
        if unit is None or unit == "per month":
            raise ParseError(f"unknown billing {billing!r}", url=url, where=table.where(r, billing_col))
        for j, kind in kinds.items():
            cell = clean_text(row[j])
            where = f"{table.where(r, table.header[j].replace(chr(10), ' '))} ({model}, {billing})"
            if cell in _ABSENT:
                continue
            m = _TPM_CELL.match(cell)
            if not m:
                raise ParseError(f"cannot read TPM price {cell!r}", url=url, where=where)
            qty = Decimal(m.group("q")) * {"": 1, "K": 1000, "M": 1_000_000}[m.group("m").upper()]
            out.append(ParsedOffer(
                provider=PROVIDER, model=model, model_name=row[model_col].replace("\n", " ") or model,
                offer_kind="provisioned_throughput", amount=Decimal(m.group("num")), currency="CNY", unit=unit,
                quantity=qty, quantity_unit="TPM", price_kind=kind,
                conditions="; ".join(x for x in (billing, note, _TPM_NOTE) if x), where=where,
            ))
    return out


def _unit_offers(table: Table, url: str) -> list:
    header = [_label_unit(c) for c in table.header]
    labels = [lab for lab, _ in header]
    try:
        type_col, billing_col = labels.index("机型"), labels.index("计费方式")
        price_col = labels.index("定价")
    except ValueError:
        raise ParseError(f"model-unit table without 机型 / 计费方式 / 定价: {labels!r}", url=url,
                         where=table.where(0)) from None
    if header[price_col][1] != "元/个":
        raise ParseError(f"unknown model-unit price unit {header[price_col][1]!r}", url=url, where=table.where(0, price_col))
    out, machine = [], ""
    for r in range(table.header_rows, len(table.rows)):
        row = table.rows[r]
        machine = clean_text(row[type_col]) or machine
        if not machine:
            raise ParseError("row without a machine type", url=url, where=table.where(r, type_col))
        billing = clean_text(row[billing_col])
        unit = _BILLING.get(billing)
        if unit is None or unit == "per day":
            raise ParseError(f"unknown billing {billing!r}", url=url, where=table.where(r, billing_col))
        cell = clean_text(row[price_col])
        where = f"{table.where(r, '定价')} ({machine}, {billing})"
        if not _UNIT_PRICE.match(cell):
            raise ParseError(f"cannot read model-unit price {cell!r}", url=url, where=where)
        out.append(ParsedOffer(
            provider=PROVIDER, model=None, model_name=machine, offer_kind="model_unit", amount=Decimal(cell),
            currency="CNY", unit=unit, quantity=Decimal(1), quantity_unit="model units",
            conditions=f"{billing}; 价格和模型本身无关; 邀测能力 (invitation only)", where=where,
        ))
    return out


SOURCE = Source(
    name="volcengine_ark_pricing",
    provider=PROVIDER,
    urls=("https://www.volcengine.com/docs/82379/1544106",),
    fmt="json",
    parse=parse,
    parse_offers=parse_offers,
    hosts=("www.volcengine.com",),
    description="Volcengine Ark model service prices (provider document JSON of the docs page, or its Markdown): Doubao / "
    "DeepSeek / Kimi CNY per 1M tokens, 在线推理 (standard) / 批量推理 (batch), input-length tiers with "
    "output-length conditions, cache hits, cache storage, image generation per image.",
)
