"""Alibaba Cloud Model Studio (阿里云百炼) price pages -> prices.

Pages: 模型调用价格 https://help.aliyun.com/zh/model-studio/model-pricing and 模型列表
https://help.aliyun.com/zh/model-studio/models, as crawler (Firecrawl) Markdown. Both carry one section per
model family (``### **千问Max**``), the deployment-region **tab labels as bare lines** (``中国内地`` ``全球`` ``国际``
``美国`` ``金融云``) and then one pipe table per region tab.

The 2026-06 layout (capture of 2026-06-12): one ``#### <access region>`` heading per table (``华北2（北京）``,
``美国（弗吉尼亚）``, ``新加坡``, ``德国（法兰克福）``), the model column ``模型 ID（Model ID）``, and a
``服务部署范围`` column naming each row's deployment scope (``中国内地`` ``全球`` ``国际`` ``美国`` ``欧盟``:
:data:`SCOPES`), which is the row's region; a table without that column takes the region its heading stands for
where only one scope is served there (:data:`ACCESS_REGIONS`: 北京 -> cn-mainland, 新加坡 -> intl), else it is a
finding. In-cell line breaks are written `` > `` and Markdown escapes doubled (``\\\\-``); both are undone. Third-party
sections (``文本生成-第三方模型``: ``kimi/kimi-k2.6``, ``siliconflow/…``, ``MiniMax/…``) are sold and billed by
Alibaba: their seller stays ``alibaba``, the model id as written. Image sizes ``1K``/``2K``/``4K`` are variant
values like ``720P``; ``输入Token数量`` is the tier column.

What is not understood is a :class:`~pipelines.sources.base.Finding` (issue 19) and everything else loads: a table
that cannot be read (a column of no known meaning among the price columns, an unreadable cell, price columns that
are not contiguous) is left out whole, named by its line; a column of no known meaning elsewhere is reported and
the table read without it; a row whose cells cannot be placed by position is reported (``unknown_row``); two
amounts for one price key load neither. :class:`ParseError` only for an HTML copy (live form unproven) or a page
with no price at all.

Document -> blocks (:func:`_blocks`): headings, text lines and tables. A table is a run of ``|`` lines; a
``| --- |`` separator after data rows starts a new table at the line before it (the crawler writes tables
back to back). Header rows are the rows whose first cell is bold (``**模型名称**``); a second header row
splits price columns (``**非思考模式** | **思考模式**``, ``**文本** | **音频** | **图片/视频** …``,
``**输入：音频** …``). Cells: ``<br>`` -> new line, links ``[text](url "")`` -> text, ``**``, ``>`` dropped.
If the document does not end with a newline its last line may be cut off (the models capture stops mid-table):
a table line there is dropped, never read.

Region of a table (``region``): the intro sentence ``在 [中国内地部署模式](…) 下 …`` / ``仅支持[…部署模式]`` /
a note starting with the region (``全球部署模式的模型无免费额度``) / a region heading (``#### 国际``) sets it;
``##### 更多模型`` or other text between tables (notes, nested model tabs) keeps it; a table that follows a
table of the same section with nothing at all in between is the **next tab** in the section's tab-label list
(the 金融云 tab has no intro sentence). On the models page the tabs are headings (``#### 国际``), which win
over the intro sentence (its QVQ 国际 tab says 美国部署模式 above 国际 prices); its bold ``**更多模型**`` line is read like the
``##### 更多模型`` heading (same tab). Labels: 中国内地 -> ``cn-mainland``, 全球 -> ``global``, 国际 -> ``intl``,
美国 -> ``us``, 金融云 -> ``cn-finance`` (:data:`REGIONS`). A price table whose region cannot be told is a
finding (``unknown_section``), not read.

Tables -> prices (tables with a ``模型名称`` column and at least one ``单价``/``价格`` column):

- ``模型名称``: the first line of the cell is the API model id exactly as written (``qwen3-max``,
  ``MiniMax/MiniMax-M2.5``; the page writes ids, no alias table is needed); the following lines are badges
  (``Batch调用 半价``, ``上下文缓存 享有折扣``): Batch is *not* emitted, because the page gives no batch prices,
  only "50% of the real-time price", and prices are never computed here.
- ``单次请求的输入Token数`` / ``…范围``: ``0<Token≤32K`` -> tier 0, ``32K<Token≤128K`` -> 32000,
  ``256K<Token≤1M`` -> 256000 (K = 1000, M = 1,000,000); ``无阶梯计价`` -> 0.
- ``输入单价（每百万Token）`` -> ``input``; ``输出单价（每百万Token）`` -> ``output`` (``思维链+回答``: reasoning
  included); split output ``非思考模式`` / ``思考模式`` -> two ``output`` rows told apart by ``conditions``;
  modality sub-columns: input ``文本`` / ``音频`` / ``图片`` (``图片/视频``) -> ``input`` / ``input_audio`` /
  ``input_image``; output ``文本`` -> ``output`` (the note, e.g. ``仅纯文本输入``, in ``conditions``),
  ``文本+音频`` / ``音频`` -> ``output_audio``. CNY (``元``) ``per 1M tokens``.
- non-token columns: ``输入单价（每万字符）`` (TTS, billed by input characters) -> ``speech_output``
  ``per 10K characters``; ``单价（每个音色）`` ->
  ``voice_clone`` ``per voice``; unit-less ``输出单价`` / ``输入单价`` / ``单价`` / ``输入和输出单价`` take the
  unit from the cell: ``0.2元/张`` -> ``image_output`` ``per image`` (``输入图像：…元/张`` -> ``image_input``),
  ``0.6元/秒`` -> ``video_output`` ``per second`` (input columns: ``audio_input``), ``元/万字符``,
  ``2.5元/次`` -> ``request`` ``per request``. Variant columns (``输出视频分辨率`` …) and cell-level variants
  (``关闭提示词改写…：0.1元/张``, ``- 720P：0.9元/秒``) go to ``conditions``.
- ``不计费`` -> 0. ``限时免费`` (a limited-time promotion), ``目前仅供免费体验`` (free trial quota), ``-``,
  empty -> no row. ``免费额度`` columns (free quotas, e.g. ``各100万Token``) are not prices: ``parse`` never reads
  them; :func:`parse_offers` does (offers, :mod:`pipelines.cost.offers`).
- flattened rowspans: a row whose first price cell is in the first price column is a full row (model id
  in the ``模型名称`` column); a row whose first cell is a tier / variant value continues the model above (its
  cells end-aligned on the price columns, the leading columns carried down); a row holding only a model id
  shares the merged price cells of the row above (the crawler keeps merged cells on the first row only),
  allowed only when that model has a single row. A model row whose price cells sit elsewhere (the models page
  drops merged spec cells mid-row, e.g. ``qwen-vl-max-2025-08-13 | 快照版 | 1.6元 | 4元``) cannot be placed by
  position and is skipped with its continuation rows -- never guessed.
- a model cell ``参见 模型列表`` (Sambert: "see the model list", a link to another page) names no model: the
  row is skipped.
- anything in a price column that is none of the above is a finding naming the table (its line in the
  document), row and column; that table is not read.

Skipped tables: no ``模型名称`` or no price column (spec tables, the models page's flagship comparison
``旗舰模型`` with display names and "lowest price" rows, tier tables that name their models only in a header
note, ``输入计费项`` tables), volume-discount tables (``折扣`` / ``阶梯层级``).

Offers (:func:`parse_offers`, rules in the comment above it): the ``免费额度`` column -> ``free_quota`` rows
(``各100万Token``, valid 90 days after activation; per model and deployment region) and the ``Batch调用 半价``
badge -> ``batch_discount`` rows (50 percent off the real-time price).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

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
from pipelines.sources.reader import md_unescape

PROVIDER = "alibaba"

#: region tab labels as the page writes them -> region slug.
REGIONS: dict[str, str] = {"中国内地": "cn-mainland", "全球": "global", "国际": "intl", "美国": "us", "金融云": "cn-finance"}
#: values of the 2026 ``服务部署范围`` (service deployment scope) column -> region slug: the tab labels plus 欧盟 (EU).
SCOPES: dict[str, str] = {**REGIONS, "欧盟": "eu"}
#: access-region headings of the 2026 layout (``#### 华北2（北京）``) -> the region their tables price when a table
#: has no 服务部署范围 column: only where one deployment scope is served from that access region (the page:
#: 中国内地 from 北京, 国际 from 新加坡; 弗吉尼亚 serves 全球 and 美国, 法兰克福 全球 and 欧盟: None, told per row only).
ACCESS_REGIONS: dict[str, str | None] = {"华北2(北京)": "cn-mainland", "新加坡": "intl", "美国(弗吉尼亚)": None,
                                         "德国(法兰克福)": None}

_INTRO = re.compile(r"^(?:在\s*|仅支持\s*)\[?(?P<r>" + "|".join(REGIONS) + r")部署模式\]?")
# a note naming the tab's region ("全球部署模式的模型无免费额度。") where the intro sentence is missing
_MENTION = re.compile(r"^(?P<r>" + "|".join(REGIONS) + r")部署模式")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_INCELL_BREAK = re.compile(r"\s+>\s+")
_SEP = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_MODEL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/:-]*$")
_TIER = re.compile(r"^(?P<lo>\d+(?:\.\d+)?)(?P<lu>[KM])?<Token≤(?P<hi>\d+(?:\.\d+)?)(?P<hu>[KM])$", re.I)
_NO_TIER = "无阶梯计价"
_RESOLUTION = re.compile(r"^\d+[PK]$", re.I)  # 720P, and (2026-06) image sizes 1K / 2K / 4K
_MULT = {None: 1, "": 1, "K": 1000, "M": 1_000_000}
_PRICE = re.compile(r"^(?P<num>\d+(?:\.\d+)?)\s*元(?:\s*/\s*(?P<unit>张|秒|次|万字符|个|分钟))?$")
_CELL_UNITS = {"张": "per image", "秒": "per second", "次": "per request", "万字符": "per 10K characters",
               "分钟": "per minute"}
_FREE = {"不计费"}
_NO_PRICE = re.compile(r"^(?:-|—|限时免费|目前仅供免费体验|阶梯计价|请参见)")
# notes that span the price cells of a row: no price on the row (free trial, promotion, "see the tiers below")
_FREE_TRIAL = re.compile(r"^(?:限时免费|目前仅供免费体验|阶梯计价|请参见)")
_SKIP_TABLE = {"折扣", "阶梯层级"}
#: the model column: 模型名称 (to 2026-02), 模型 ID（Model ID） (2026-06; header cells lose their spaces)
_MODEL_COLS = {"模型名称", "模型ID(ModelID)"}
#: the 2026 service-deployment-scope column: each row names its region (:data:`SCOPES`)
_SCOPE_COL = "服务部署范围"


@dataclass
class _Table:
    line: int  # 1-based line of the table's first row
    header: list[list[str]]  # header rows (cleaned cells)
    rows: list[tuple[int, list[str]]]  # (line, cells)
    section: str = ""
    region: str | None = None
    where: str = field(default="")
    access: str = ""  # the access-region heading above the table (2026 layout), '' if none


def parse(body: bytes, url: str) -> ParsedPage:
    """CNY prices of a Model Studio price page (Markdown copy), with findings for what is not understood: a table
    that cannot be read (its region, a column, a cell) is reported where it is and left out, the rest loads.
    Raises :class:`ParseError` for an HTML copy (live form unproven: no capture of it) or when nothing is read."""
    text = body.decode("utf-8", errors="replace")
    if text.lstrip()[:15].lower().startswith(("<!doctype", "<html")):
        raise ParseError("HTML copy of the page: only the Markdown rendering is read so far", url=url)
    out: list[ParsedPrice] = []
    findings: list[Finding] = []
    for t in _tables(text, url):
        try:
            out += _read_table(t, url, findings)
        except ParseError as exc:
            kind = "unknown_column" if "column" in str(exc).split(" at ")[0] else "unreadable_cell"
            findings.append(Finding(kind, exc.where or t.where or f"table at line {t.line}", str(exc).split(" at ")[0]))
    seen: dict[tuple, ParsedPrice] = {}
    conflicts: set[tuple] = set()
    for p in out:
        key = (p.model, p.price_kind, p.service_tier, p.tier_min_tokens, p.region, p.unit, p.conditions)
        if key in seen:
            if seen[key].amount != p.amount:
                # the same price twice with two amounts: neither is loaded, never one picked
                findings.append(Finding("unreadable_cell", p.where, f"{p.model} {p.price_kind} priced "
                                        f"{seen[key].amount} and {p.amount} (also at {seen[key].where})"))
                conflicts.add(key)
            continue
        seen[key] = p
    prices = [p for k, p in seen.items() if k not in conflicts]
    if not prices:
        raise ParseError("no price tables (模型名称 + 单价 columns) found", url=url)
    return ParsedPage(prices=prices, findings=findings)


# --- document -> tables -----------------------------------------------------------------------------------


def _cell(raw: str) -> str:
    s = re.sub(r"<br\s*/?>", "\n", raw)
    s = _LINK.sub(r"\1", s).replace("**", "").replace("`", "")
    s = md_unescape(s, passes=2)  # the 2026-06 crawl escapes twice (``\\\\-``)
    s = _INCELL_BREAK.sub("\n", s)  # 2026-06 crawl: in-cell line breaks written as " > "
    lines = [clean_text(re.sub(r"^\s*>\s?", "", x)) for x in s.split("\n")]
    return "\n".join(x for x in lines if x)


def _split(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [x for x in re.split(r"(?<!\\)\|", s)]


def _tables(text: str, url: str) -> list[_Table]:
    lines = text.split("\n")
    if not text.endswith("\n") and lines and lines[-1].lstrip().startswith("|"):
        lines = lines[:-1]  # cut off by the crawler/origin: never read a row from it
    out: list[_Table] = []
    section, tabs, region, access = "", [], None, ""
    by_heading = False  # the region came from a region heading (models page): intro sentences do not override it
    since: list[str] = []  # events since the previous table of the section: intro / more / line
    prev_table_in_section = False
    i = 0
    while i < len(lines):
        line = lines[i]
        m = _HEADING.match(line)
        if m:
            level, title = len(m.group(1)), _cell(m.group(2))
            if title in REGIONS:  # a region tab written as a heading (models page)
                region, by_heading = REGIONS[title], True
                since.append("intro")
            elif title in ACCESS_REGIONS:  # 2026 layout: one heading per access region, rows name their scope
                region, by_heading, access = ACCESS_REGIONS[title], True, title
                since.append("intro")
            elif level <= 4:
                section, tabs, region, since, prev_table_in_section = title, [], None, [], False
                by_heading, access = False, ""
            else:
                since.append("more")
            i += 1
            continue
        if line.lstrip().startswith("|"):
            j = i
            while j < len(lines) and lines[j].lstrip().startswith("|"):
                j += 1
            for t in _split_tables(lines, i, j):
                if since:
                    pass  # an intro / region mention set the region; "更多模型" or notes keep it
                elif prev_table_in_section and region is not None and tabs:
                    labels = [REGIONS[x] for x in tabs]
                    k = labels.index(region) + 1 if region in labels else len(labels)
                    region = labels[k] if k < len(labels) else None
                elif not prev_table_in_section and len(tabs) == 1:
                    region = REGIONS[tabs[0]]
                t.section, t.region, t.access = section, region, access
                out.append(t)
                since, prev_table_in_section = [], True
            i = j
            continue
        s = clean_text(_LINK.sub(r"\1", line).replace("**", ""))
        if s in REGIONS and not prev_table_in_section:
            tabs.append(s)
        elif (mi := _INTRO.match(s)) or (mi := _MENTION.search(s)):
            if not by_heading:
                region = REGIONS[mi.group("r")]
            since.append("intro")
        elif s == "更多模型":
            since.append("more")  # bold-text variant of "##### 更多模型" (models page): same tab
        elif s:
            since.append("line")
        i += 1
    return out


def _split_tables(lines: list[str], start: int, end: int) -> list[_Table]:
    """A run of ``|`` lines -> tables (a separator after data rows starts a new table)."""
    out: list[_Table] = []
    cur: _Table | None = None
    k = start
    while k < end:
        raw = lines[k]
        nxt = lines[k + 1] if k + 1 < end else ""
        if _SEP.match(raw):
            k += 1
            continue
        if _SEP.match(nxt) and (cur is None or cur.rows):
            cur = _Table(line=k + 1, header=[], rows=[])
            out.append(cur)
        if cur is None:
            cur = _Table(line=k + 1, header=[], rows=[])
            out.append(cur)
        cells = _split(raw)
        cleaned = [_cell(c) for c in cells]
        if not any(cleaned):
            k += 1
            continue
        first = next((c for c in cells if c.strip()), "")
        first_clean = next((c for c in cleaned if c), "").split("\n")[0]
        if not cur.rows and first.strip().startswith("**") and not _MODEL_ID.match(first_clean):
            cur.header.append(cleaned)
        else:
            cur.rows.append((k + 1, cleaned))
        k += 1
    return [t for t in out if t.header and t.rows]


# --- tables -> prices -------------------------------------------------------------------------------------


@dataclass
class _Col:
    role: str  # model, tier, variant, price, skip
    label: str
    kind: str | None = None  # price kind for token columns / fixed non-token kind
    unit: str | None = None  # unit when the header gives it
    family: str = ""  # input / output / any
    conditions: str | None = None


def _top_label(cell: str) -> tuple[str, str]:
    lines = cell.split("\n")
    return clean_text(lines[0].replace(" ", "")), " ".join(lines[1:])


#: descriptive columns (specs), not read
_DESCRIPTIVE = {"模型服务", "模式", "版本", "上下文长度", "最大输入", "最大输出", "最大思维链长度", "最长思维链", "说明",
                "最大回复长度"}


def _columns(t: _Table, url: str, findings: list[Finding] | None = None) -> list[_Col] | None:
    top = t.header[0]
    sub = t.header[1] if len(t.header) > 1 else None
    labels = [_top_label(c) for c in top]
    names = [lab for lab, _ in labels]
    if not _MODEL_COLS & set(names) or not any(_is_price_col(n) for n in names):
        return None
    if any(n in _SKIP_TABLE for n in names):
        return None
    cols: list[_Col] = []
    price_idx = [k for k, n in enumerate(names) if _is_price_col(n)]
    spans: dict[int, list[str]] = {}
    unit_row = sub is not None and all(re.fullmatch(r"[（(][^)）]*[)）]", x) for x in sub if x)
    if unit_row:
        # models page: "(Token数) | (每百万Token)" -- units of the spec columns and of the price columns
        if not any("每百万Token" in x.replace(" ", "") for x in sub):
            raise ParseError(f"unknown unit row {sub!r}", url=url, where=f"table at line {t.line}")
        labels = [(n + "(每百万Token)" if k in price_idx else n, note) for k, (n, note) in enumerate(labels)]
        names = [lab for lab, _ in labels]
        sub = None
    if sub is not None:
        spans = _assign_sub(sub, [names[k] for k in price_idx], t, url)
        spans = {price_idx[k]: v for k, v in spans.items()}
    for k, (name, note) in enumerate(labels):
        if name in _MODEL_COLS:
            cols.append(_Col("model", name))
        elif name == _SCOPE_COL:
            cols.append(_Col("scope", name))
        elif name in ("单次请求的输入Token数", "单次请求的输入Token范围", "输入Token数量"):
            cols.append(_Col("tier", name))
        elif name.startswith("免费额度") or name in _DESCRIPTIVE:
            cols.append(_Col("skip", name))
        elif name.startswith(("输出视频", "输入视频", "输出图像", "规格")):
            cols.append(_Col("variant", name))
        elif k in price_idx:
            family = "input" if name.startswith("输入") and not name.startswith("输入和输出") else (
                "output" if name.startswith("输出") else "any")
            unit = None
            if "每百万Token" in name.replace(" ", ""):
                unit = "per 1M tokens"
            elif "每万字符" in name:
                unit = "per 10K characters"
            elif "每个音色" in name:
                unit = "per voice"
            elif re.search(r"[（(]", name):
                raise ParseError(f"unknown unit in column {name!r}", url=url, where=f"table at line {t.line}")
            subs = spans.get(k)
            if not subs and family == "any" and unit == "per 1M tokens" and findings is not None:
                # a token price that is neither input nor output (a new cache column...): reported, not read
                findings.append(Finding("unknown_column", f"table at line {t.line} col {name!r}", name))
                cols.append(_Col("unknown", name))
            elif not subs:
                cols.append(_Col("price", name, unit=unit, family=family))
            else:
                for s in subs:
                    kind, cond = _sub_kind(family, s, t, url)
                    cols.append(_Col("price", f"{name}/{s}", kind=kind, unit=unit, family=family, conditions=cond))
        else:
            cols.append(_Col("skip", name))
            if name and findings is not None:  # a column of no known meaning: its rows are read without it
                findings.append(Finding("unknown_column", f"table at line {t.line} col {name!r}", name))
    return cols


def _is_price_col(name: str) -> bool:
    return ("单价" in name or "价格" in name or "成本" in name) and not name.startswith("免费")


def _assign_sub(sub: list[str], price_names: list[str], t: _Table, url: str) -> dict[int, list[str]]:
    """Second header row -> the sub-columns of each price column (index into price_names)."""
    subs = [s for s in sub if s]
    first = [s.split("\n")[0] for s in subs]
    if any(f.startswith(("输入:", "输出:")) for f in first):
        out: dict[int, list[str]] = {}
        for s in subs:
            fam = "输入" if s.startswith("输入") else "输出"
            idx = next((k for k, n in enumerate(price_names) if n.startswith(fam)), None)
            if idx is None:
                raise ParseError(f"sub-column {s!r} has no {fam} column", url=url, where=f"table at line {t.line}")
            out.setdefault(idx, []).append(s.split(":", 1)[1])
        return out
    if first and all("思考模式" in f for f in first):
        idx = next(k for k in range(len(price_names) - 1, -1, -1) if price_names[k].startswith("输出"))
        return {idx: subs}
    if len(price_names) == 1:
        return {0: subs}
    if len(price_names) == 2 and price_names[0].startswith("输入") and price_names[1].startswith("输出"):
        # input modalities first; the output columns start at the second "文本"
        texts = [k for k, f in enumerate(first) if f.startswith("文本")]
        if len(texts) >= 2:
            return {0: subs[: texts[1]], 1: subs[texts[1]:]}
    raise ParseError(f"cannot assign sub-columns {subs!r} to {price_names!r}", url=url, where=f"table at line {t.line}")


def _sub_kind(family: str, sub: str, t: _Table, url: str) -> tuple[str, str | None]:
    lines = sub.split("\n")
    head, note = lines[0].replace(" ", ""), " ".join(lines[1:]) or None
    if "思考模式" in head:
        return "output", head + (f" {note}" if note else "")
    table = {
        "input": {"文本": "input", "音频": "input_audio", "图片": "input_image", "图片/视频": "input_image",
                  "视频": "input_image", "文本/图片": "input", "文本/图片/视频": "input"},
        "output": {"文本": "output", "文本+音频": "output_audio", "音频": "output_audio"},
    }
    kind = table.get(family, {}).get(head)
    if kind is None:
        raise ParseError(f"unknown sub-column {sub!r} under {family}", url=url, where=f"table at line {t.line}")
    cond = None
    if head in ("图片/视频", "文本/图片", "文本/图片/视频"):
        cond = head  # one price for these input modalities together
    if note:
        cond = f"{head} {note}" if kind == "output_audio" or family == "output" else note
    return kind, cond


def _read_table(t: _Table, url: str, findings: list[Finding]) -> list[ParsedPrice]:
    cols = _columns(t, url, findings)
    if cols is None:
        return []
    place = f"{t.access} / " if t.access else ""
    t.where = f"table at line {t.line} ({t.section!r}, {place}{t.region or 'region per row'})"
    scope_col = next((k for k, c in enumerate(cols) if c.role == "scope"), None)
    if t.region is None and scope_col is None:
        findings.append(Finding("unknown_section", t.where, "cannot tell the deployment region of the table"))
        return []
    model_col = next(k for k, c in enumerate(cols) if c.role == "model")
    # an unknown price column keeps its place among the price columns (rows are aligned by position), unread
    first_price = next(k for k, c in enumerate(cols) if c.role in ("price", "unknown"))
    last_price = max(k for k, c in enumerate(cols) if c.role in ("price", "unknown"))
    if any(c.role not in ("price", "unknown") for c in cols[first_price : last_price + 1]):
        raise ParseError("price columns are not contiguous", url=url, where=t.where)
    out: list[ParsedPrice] = []
    model, name, group_rows = "", "", 0
    prev_cells: list[str] | None = None
    skipping = False  # inside a model whose row could not be aligned to the columns
    for line, cells in t.rows:
        lw = f"{t.where} line {line}"
        first = cells[0].split("\n")[0]
        price_pos = [k for k, x in enumerate(cells) if _price_like(x)]
        aligned = bool(price_pos) and price_pos[0] == first_price and len(cells) > model_col
        if aligned:
            first = cells[model_col].split("\n")[0]
        if first.startswith("参见"):
            model, prev_cells, skipping = "", None, False  # "参见 模型列表": models listed on another page
            continue
        is_model = bool(_MODEL_ID.match(first)) and not (_TIER.match(first) or _RESOLUTION.match(first))
        if aligned and not is_model:
            raise ParseError(f"model cell {first!r} is not a model id", url=url, where=lw)
        if not is_model:
            if not price_pos or skipping:
                continue  # spec rows without prices ("非思考 | - | 65,536"), or rows of a skipped model
            # continuation of the model above (flattened rowspan): the leading columns are carried down
            start = first_price - price_pos[0]
            if start <= model_col or not model or prev_cells is None:
                raise ParseError(f"row {first!r} continues no model", url=url, where=lw)
            role = cols[start].role
            tier_like = bool(_TIER.match(first.replace(" ", ""))) or first == _NO_TIER
            if (role == "tier") != tier_like or role not in ("tier", "variant", "skip"):
                bad = [x for x in cells[1 : price_pos[0]] if x]
                raise ParseError(f"cannot read price {bad[0] if bad else first!r} (row {cells!r} does not fit the "
                                 f"columns)", url=url, where=lw)
            full = prev_cells[:start] + cells
            group_rows += 1
        else:
            # only a model id (and, 2026, its deployment scope): it shares the merged price cells of the row above
            model_only = not price_pos and len([c for k, c in enumerate(cells) if c and k != scope_col]) == 1
            if model_only and skipping:
                continue  # shares the merged cells of a skipped row
            model, name, skipping = first, (cells[model_col] if aligned else cells[0]).replace("\n", " "), False
            if model_only:
                # only a model id: it shares the merged price cells of the row above
                if prev_cells is None or group_rows != 1:
                    raise ParseError(f"model-only row {model!r} not under a single-row model", url=url, where=lw)
                full = prev_cells[:model_col] + [cells[0]] + prev_cells[model_col + 1:]
                if scope_col is not None and len(cells) > scope_col and cells[scope_col]:
                    full[scope_col] = cells[scope_col]
            elif aligned or not price_pos:
                full = cells  # aligned row (or a row without prices: nothing to read)
            elif len(cells) > first_price and cells[first_price] and not _price_like(cells[first_price]):
                c = cols[first_price]
                raise ParseError(f"cannot read price {cells[first_price]!r}", url=url,
                                 where=f"{lw} ({model}) col {c.label!r}")
            else:
                # merged spec cells dropped mid-row (models page): the price cells cannot be placed by position.
                # Skipped with the rows that continue it -- never guessed, reported.
                findings.append(Finding("unknown_row", f"{lw} ({model})", " | ".join(cells).replace("\n", " ")))
                model, prev_cells, skipping = "", None, True
                continue
            group_rows = 1
        if len(full) > len(cols):
            raise ParseError(f"{len(full)} cells for {len(cols)} columns", url=url, where=f"{t.where} line {line}")
        full = full + [""] * (len(cols) - len(full))
        prev_cells = full
        region = t.region
        if scope_col is not None:
            scope = clean_text(full[scope_col]).replace(" ", "")
            region = SCOPES.get(scope)
            if region is None:
                findings.append(Finding("unknown_row", f"{t.where} line {line} ({model}) col {_SCOPE_COL!r}", scope))
                continue
        min_tokens = 0
        variant: list[str] = []
        for k, c in enumerate(cols):
            if c.role == "tier" and full[k]:
                min_tokens = _tier(full[k], url, f"{t.where} line {line} col {c.label!r}")
            elif c.role == "variant" and full[k]:
                variant.append(full[k].replace("\n", " "))
        if any(c.role == "price" and _FREE_TRIAL.match(clean_text(full[k])) for k, c in enumerate(cols)):
            continue  # free trial / limited-time free: the note spans the price columns, no price on this row
        for k, c in enumerate(cols):
            if c.role != "price":
                continue
            where = f"{t.where} line {line} ({model}) col {c.label!r}"
            for kind, amount, unit, cond in _read_price(full[k], c, url, where):
                conds = [x for x in (c.conditions, *variant, cond) if x]
                token = unit in ("per 1M tokens",)
                out.append(
                    seller_price(PROVIDER, "CNY", model, name, kind, amount, unit, where, "; ".join(conds) or None,
                                 tier_min_tokens=min_tokens if token else 0, region=region)
                )
    return out


def _price_like(cell: str) -> bool:
    """A cell that belongs in a price column (a price, a free note, or absent)."""
    c = clean_text(cell.replace("\n", " "))
    return "元" in c or c in _FREE or bool(_FREE_TRIAL.match(c))


def _tier(cell: str, url: str, where: str) -> int:
    c = cell.replace(" ", "")
    if c == _NO_TIER:
        return 0
    m = _TIER.match(c)
    if not m:
        raise ParseError(f"cannot read tier {cell!r}", url=url, where=where)
    lo = Decimal(m.group("lo")) * _MULT[(m.group("lu") or "").upper()]
    return int(lo)


def _read_price(cell: str, c: _Col, url: str, where: str) -> list[tuple[str, Decimal, str, str | None]]:
    """A price cell -> [(kind, amount, unit, conditions)]."""
    text = clean_text(cell.replace("\n", " "))
    if not text or _NO_PRICE.match(text):
        return []
    if text in _FREE:
        return [(_kind(c, None, url, where), Decimal(0), c.unit or "per 1M tokens", "不计费")] if c.unit else []
    out = []
    lines = [x.lstrip("- ").strip() for x in cell.split("\n") if x.strip(" -")]
    prefix = None
    pending = None  # a label line ("思考模式") naming the price on the next line
    for ln in lines:
        ln = clean_text(ln)
        cond = None
        if ":" in ln:
            head, _, rest = ln.rpartition(":")
            if not rest:
                prefix = head  # "输出视频:" then the variants on the next lines
                continue
            ln, cond = rest.strip(), head.strip()
        elif "元" not in ln and not re.search(r"\d", ln) and pending is None:
            pending = ln
            continue
        m = _PRICE.match(ln)
        if not m:
            raise ParseError(f"cannot read price {cell!r}", url=url, where=where)
        if pending is not None:
            cond, pending = pending, None
        unit = c.unit
        if m.group("unit"):
            cell_unit = _CELL_UNITS.get(m.group("unit"))
            if cell_unit is None or (unit and unit != cell_unit):
                raise ParseError(f"unit {m.group('unit')!r} in {cell!r} does not fit the column", url=url, where=where)
            unit = cell_unit
        if unit is None:
            raise ParseError(f"price {cell!r} without a unit", url=url, where=where)
        label = cond
        if cond and (cond.startswith(("输出视频", "输入图像", "输出图像")) or prefix):
            label = None if cond.startswith(("输出视频", "输入图像", "输出图像")) else cond
        kind = _kind(c, cond or prefix, url, where, unit)
        out.append((kind, Decimal(m.group("num")), unit, label))
    if pending is not None:
        raise ParseError(f"cannot read price {cell!r}", url=url, where=where)
    return out


def _kind(c: _Col, prefix: str | None, url: str, where: str, unit: str | None = None) -> str:
    if c.kind:
        return c.kind
    unit = unit or c.unit
    if unit == "per 1M tokens":
        if c.family == "input":
            return "input"
        if c.family == "output":
            return "output"
        raise ParseError(f"token price column {c.label!r} is neither input nor output", url=url, where=where)
    if prefix and prefix.startswith("输入图像"):
        return "image_input"
    if unit == "per image":
        return "image_input" if c.family == "input" else "image_output"
    if unit == "per second":
        return {"input": "audio_input"}.get(c.family, "video_output")
    if unit == "per 10K characters":
        return "speech_output"  # speech synthesis, billed by the characters of the input text
    if unit == "per voice":
        return "voice_clone"
    if unit == "per request":
        return "request"
    if unit == "per minute":
        return {"input": "audio_input"}.get(c.family, "audio_output")
    raise ParseError(f"no price kind for {c.label!r} ({unit})", url=url, where=where)


# --- offers (free quotas, batch discounts) -------------------------------------------------------------------
#
# ``parse_offers`` reads what ``parse`` leaves out on purpose (price-semantics.md: offers are not token prices):
#
# - the ``免费额度`` column (always the last column of a price table): ``各100万Token`` / ``100万Token(不区分模态)`` /
#   ``500张`` / ``36,000秒(10小时)`` / ``1万字符`` -> a ``free_quota`` of that quantity (万 = 10,000, 亿 = 10^8) in
#   ``tokens`` / ``images`` / ``seconds`` / ``characters`` / ``requests`` (次), per model and deployment region.
#   Validity: ``有效期:阿里云百炼开通后90天内`` in the cell, or in the column header for the whole table ->
#   ``valid_days`` 90 (the last ``N天`` stated, the page's current rule; the whole text stays in ``conditions``),
#   granted once (unit ``one-off``); ``每月…发放`` / ``每月N字符`` -> granted every month (unit ``per month``).
#   Lines ``<condition>:<quota>`` (``2025年11月13日0点后开通阿里云百炼:1万字符``) give one offer per line with the
#   condition kept. ``无`` / ``无免费额度`` / ``-`` -> no offer.
# - merged quota cells: the crawler keeps a merged (rowspan) cell on its first row only. A quota written ``各…``
#   ("each") on a model's row also covers the model rows below it whose row is one cell shorter and ends with a
#   price (their quota cell is the merged one), and so does a model-only row (a single cell: it shares the merged
#   cells of the row above, as the price parser reads its prices). A merged quota without ``各`` is not shared (it
#   could be one quota for several models): only its first row gets it.
# - the model-cell badge ``Batch调用 半价`` -> a ``batch_discount`` of 50 percent off the real-time price, per
#   model and region (the page: "若模型支持Batch调用，其输入和输出Token单价均按实时推理价格的50%计费"; batch and
#   context cache cannot both apply). The page gives no batch price table, so no batch price is emitted.
#
# Rows of models that are not API ids (``人物形象训练``) are skipped like the price parser skips them. The 模型列表
# page (``…/models``) gives no offers: its spec tables drop merged cells mid-row, so a row's last cell is not its
# quota (it is ``32,768`` or ``快照版`` there); the same quotas and badges are read from the price page.

_QUOTA = re.compile(
    r"^(?:(?P<cond>[^:]+):)?\s*(?P<each>各)?\s*(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<mult>万|亿)?\s*"
    r"(?P<what>Token|张|秒|字符|次|个音色)(?P<note>.*)$",
    re.I,
)
_QUOTA_UNITS = {"token": "tokens", "张": "images", "秒": "seconds", "字符": "characters", "次": "requests",
                "个音色": "voices"}
_QUOTA_MULT = {None: 1, "万": 10_000, "亿": 100_000_000}
_MONTHLY_QUOTA = re.compile(r"^每主账号每模型每月(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<mult>万|亿)?\s*(?P<what>Token|张|秒|字符|次)")
_NO_QUOTA = re.compile(r"^(?:无|无免费额度|-|—|限时免费|目前仅供免费体验)")
_DAYS = re.compile(r"(\d+)\s*天")
_BATCH_BADGE = "Batch调用 半价"
BATCH_RULE = "若模型支持Batch调用，其输入和输出Token单价均按实时推理价格的50%计费；与上下文缓存不能同时生效"


def parse_offers(body: bytes, url: str) -> list:
    """Free quotas and batch discounts of a Model Studio price page (see the comment above), as
    :class:`~pipelines.sources.base.ParsedOffer`. Raises :class:`ParseError` for a quota cell it cannot read."""
    if url.rstrip("/").split("?")[0].endswith("/models"):
        return []  # the model list: see the comment above
    text = body.decode("utf-8", errors="replace")
    if text.lstrip()[:15].lower().startswith(("<!doctype", "<html")):
        raise ParseError("HTML copy of the page: only the Markdown rendering is read so far", url=url)
    out = []
    for t in _tables(text, url):
        out += _table_offers(t, url)
    return dedupe_offers(out, url)


def _table_offers(t: _Table, url: str) -> list:
    top = t.header[0]
    labels = [_top_label(c)[0] for c in top]
    if not _MODEL_COLS & set(labels):
        return []
    scope_col = labels.index(_SCOPE_COL) if _SCOPE_COL in labels else None  # 2026: each row names its region
    quota_col = top[-1].split("\n")[0].startswith("免费额度")
    header_note = " ".join(top[-1].split("\n")[1:]) if quota_col else ""
    if quota_col and not header_note and "有效期" in top[-1]:
        # 2026-06: the validity follows the label on the same line ("免费额度(注) 有效期:阿里云百炼开通后90天内")
        header_note = top[-1][top[-1].index("有效期"):]
    where0 = f"table at line {t.line} ({t.section!r}, {t.region or '?'})"
    out: list = []
    merged: tuple[int, list] | None = None  # (length of the row that set it, its offers' fields) for 各… quotas
    above: list | None = None  # quota fields of the previous model row (model-only rows share them)
    above_region: str | None = None
    for line, cells in t.rows:
        lines = cells[0].split("\n")
        model = lines[0]
        if not _MODEL_ID.match(model) or _TIER.match(model.replace(" ", "")) or _RESOLUTION.match(model):
            continue  # tier / variant continuation rows, display names
        model_only = len([c for k, c in enumerate(cells) if c and k != scope_col]) == 1
        region = t.region
        if scope_col is not None and len(cells) > scope_col and not model_only:
            region = SCOPES.get(clean_text(cells[scope_col]).replace(" ", ""))
            if region is None:
                continue  # a continuation row (its first cell a variant), not a model row
        elif scope_col is not None:
            region = above_region  # a model-only row shares the merged cells of the row above
        if region is None:
            raise ParseError("cannot tell the deployment region of the table", url=url, where=where0)
        above_region = region
        where = f"{where0} line {line} ({model})"
        name = " ".join(lines)
        if _BATCH_BADGE.replace(" ", "") in [x.replace(" ", "") for x in lines[1:]]:  # 2026-06: "Batch调用半价"
            out.append(ParsedOffer(
                provider=PROVIDER, model=model, model_name=name, offer_kind="batch_discount", amount=Decimal(50),
                currency=None, unit="percent off", region=region, conditions=f"{_BATCH_BADGE}: {BATCH_RULE}",
                where=where,
            ))
        if not quota_col:
            continue
        last = cells[-1] if len(cells) > 1 and not model_only else ""
        fields = _quota_fields(last, header_note, url, f"{where} col '免费额度'") if last else None
        if model_only:
            # a model-only row shares the merged cells of the row above: a "各…" quota covers it too
            fields = above if above and all(f["each"] for f in above) else []
        elif fields is None and merged is not None and len(cells) == merged[0] - 1 and (
                "元" in last or clean_text(last) in ("-", "—")):
            fields = merged[1]  # its quota cell is the merged "各…" cell of a row above
        elif fields is not None:
            merged = (len(cells), fields) if fields and fields[0]["each"] else None
        above = fields
        for f in fields or []:
            out.append(ParsedOffer(
                provider=PROVIDER, model=model, model_name=name, offer_kind="free_quota", amount=Decimal(0),
                currency="CNY", unit=f["unit"], quantity=f["quantity"], quantity_unit=f["quantity_unit"],
                region=region, valid_days=f["valid_days"], conditions=f["conditions"], where=where,
            ))
    return out


def _quota_fields(cell: str, header_note: str, url: str, where: str) -> list[dict] | None:
    """A ``免费额度`` cell -> the quotas it states (a list of field dicts), [] for "no quota", None when the cell is
    not a quota cell at all (a price: the row's quota cell is merged into a row above)."""
    text = clean_text(cell.replace("\n", " "))
    if "元" in text or text in _FREE:
        return None  # a price ("不计费" = free of charge) in the last column
    if not text or _NO_QUOTA.match(text):
        return []
    lines = [clean_text(x) for x in cell.split("\n") if clean_text(x)]
    quotas, notes = [], []
    for ln in lines:
        m = _QUOTA.match(ln)
        mm = _MONTHLY_QUOTA.match(ln)
        if mm:
            quotas.append((None, False, mm.group("num"), mm.group("mult"), mm.group("what"), "", True))
        elif m and not ln.startswith("有效期"):
            quotas.append((m.group("cond"), bool(m.group("each")), m.group("num"), m.group("mult"), m.group("what"),
                           m.group("note").strip(), False))
        else:
            notes.append(ln)
    if not quotas:
        raise ParseError(f"cannot read free quota {cell!r}", url=url, where=where)
    validity = [x for x in (*notes, header_note) if x]
    monthly = any(x.startswith("每月") or "有效期1个月" in x for x in notes)
    days = [int(d) for x in validity for d in _DAYS.findall(x)]
    out = []
    for cond, each, num, mult, what, note, per_month in quotas:
        quantity = Decimal(num.replace(",", "")) * _QUOTA_MULT[mult]
        conds = [x for x in (cond, note.strip("()（）") if note else None, *validity) if x]
        out.append({
            "each": each,
            "quantity": quantity,
            "quantity_unit": _QUOTA_UNITS[what.lower()],
            "unit": "per month" if (per_month or monthly) else "one-off",
            "valid_days": None if (per_month or monthly) else (days[-1] if days else None),
            "conditions": "; ".join(conds) or None,
        })
    return out


SOURCE = Source(
    name="alibaba_model_studio_pricing",
    provider=PROVIDER,
    urls=("https://help.aliyun.com/zh/model-studio/model-pricing", "https://help.aliyun.com/zh/model-studio/models"),
    fmt="markdown",
    parse=parse,
    parse_offers=parse_offers,
    hosts=("help.aliyun.com",),
    description="Alibaba Cloud Model Studio (百炼) 模型调用价格 and 模型列表 pages (crawler Markdown): Qwen and "
    "third-party models (sold by Alibaba: seller alibaba), CNY per 1M tokens per deployment region "
    "(中国内地/全球/国际/美国/欧盟/金融云: the 2026-02 region tabs, or the 2026-06 服务部署范围 column under access-region "
    "headings), input-length tiers, thinking/non-thinking output, modality prices; image/video/speech per "
    "image/second/character. The HTML the live URL serves is refused, not read blind (no capture of it yet).",
)
