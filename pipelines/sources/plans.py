"""Subscription and resource-pack pages -> :class:`~pipelines.sources.base.ParsedPlan` (issue 18).

Sellers bill three ways: per token (every other parser), **subscriptions** (a fee per month/quarter/year for a
quota of prompts per 5 hours, or of credits per month) and **resource packs** (prepaid credits or characters valid
for a period). These pages state no token price; their ``parse`` returns ``ParsedPage(prices=[], plans=[...])``
through the shared reader (:func:`pipelines.sources.reader.markdown_sections`), in the same pass as any page.

MiniMax (the docs' ``.md`` exports, Mintlify): one pipe table per billing period or series, **one column per plan**
and one row per property. Row labels are read by :data:`ROWS` (Chinese and English); a label not in it is an
``unknown_row`` finding naming the table and row, and everything else still loads. ``商务定制`` / ``Custom
Pricing`` / ``Customer Pricing`` columns state no price (custom quotes) and give no plan. Cells:

- price ``¥29 /月``, ``**\\$10 /month**``, ``\\$100 /year ~~120~~`` (struck-out list price), ``¥290 /年<br />(原价
  ¥348)``; ``¥7,000`` with a ``原价`` row; ``\\$13.5`` in a row ``3-month Subscription (10% off)``;
- quota ``40 prompts / 每 5 小时``, ``**100** prompts / 5 hours``, ``3,680`` (积分总量: credits), ``3,760 units``
  (Total units: the page's credits), ``2,000,000 字符`` (characters), ``100,000`` (Credits per month);
- validity ``1 个月``, ``3 个月``, ``1 年``, ``1 month``.

The video pages list what one credit buys (``[MiniMax-Hailuo-2.3] ... 768p，6s视频，扣减1积分``): kept as
``unit_buys`` of each video pack, with the models named there. Region: platform.minimaxi.com (CNY) is
``cn-mainland``, platform.minimax.io (USD) ``intl``, as for MiniMax's token prices.

Zhipu GLM Coding Plan overview (``docs.bigmodel.cn/cn/coding-plan/overview.md``): the ``### 用量说明`` bullets give
each tier's quota (``**Lite 套餐**：每 5 小时最多约 120 次 prompts``: about 120 prompts per 5 hours, an estimate);
the page states **no per-tier price** (only ``每月最低仅需 20 元``, the lowest monthly price of any offer, not tied
to a tier or period: kept as a condition, never as a price); the ``<Info>`` block's promotion (``跨年活动期间
（12.08-01.15）``: first purchase 50% off monthly, 55% quarterly, 60% yearly) is kept with its month-day window;
the models are those the page maps Claude Code's model variables to (``GLM-4.6``, ``GLM-4.5-Air``).
"""

from __future__ import annotations

import re
from decimal import Decimal

from pipelines.sources.base import ParsedPage, ParsedPlan, ParseError, Source, clean_text, parse_money
from pipelines.sources.reader import Findings, Table, markdown_sections

#: H1 of a MiniMax page -> (product, billing model).
PRODUCTS: dict[str, tuple[str, str]] = {
    "Coding Plan": ("Coding Plan", "subscription"),
    "Audio Subscription": ("Audio Subscription", "subscription"),
    "视频资源包": ("视频资源包", "resource_pack"),
    "Video Package": ("Video Package", "resource_pack"),
    "语音资源包": ("语音资源包", "resource_pack"),
}
#: row label (bold and spaces removed, lowercased) -> what the row states.
ROWS: dict[str, str] = {
    "价格": "price", "price": "price", "折扣价": "price", "discountedprice": "price",
    "monthlysubscription": "price_month", "3-monthsubscription": "price_quarter", "yearlysubscription": "price_year",
    "原价": "list_price",
    "用量": "quota", "prompts": "quota", "积分总量": "quota_credits", "totalunits": "quota_credits",
    "总字符数量": "quota_characters", "creditspermonth": "quota_credits_month",
    "有效期": "validity", "valid": "validity",
    "支持模型": "models",
    "套餐资源": "features", "适用场景": "features", "features": "features", "功能": "features", "functions": "features",
}
#: header of the first column (the row labels).
LABEL_HEADERS = frozenset({"", "套餐类型", "类型", "分类", "packagecategory", "category"})
#: plan columns that state no price (custom quotes): no plan.
CUSTOM = frozenset({"商务定制", "custompricing", "customerpricing"})
#: site -> region and currency its plans are sold in.
SITES = {"platform.minimaxi.com": ("cn-mainland", "CNY"), "platform.minimax.io": ("intl", "USD")}

_BADGE = re.compile(r"`([^`]*)`")
_PAREN = re.compile(r"[（(]([^）)]*)[）)]")
_STRUCK = re.compile(r"~~\s*([\d,.]+)\s*~~")
_ORIGINAL = re.compile(r"原价\s*([¥$€]?\s*[\d,.]+)")
_PERIOD = {"月": "month", "month": "month", "年": "year", "year": "year", "季": "quarter", "quarter": "quarter"}
_PER_CELL = re.compile(r"/\s*(月|年|季|month|year|quarter)\b")
_QUOTA_5H = re.compile(r"([\d,]+)\s*prompts\s*/\s*(?:每\s*)?5\s*(?:小时|hours)", re.I)
_NUMBER = re.compile(r"^([\d,]+(?:\.\d+)?)\s*(units?|字符)?$")
_VALIDITY = re.compile(r"^(\d+)\s*(个月|月|年|months?|years?)$", re.I)
_DEDUCT_CN = re.compile(r"((?:\\?\[[^\]]+\]\s*)+)，生成单条\s*(\w+)，\s*(\d+s)\s*视频，扣减\s*([\d.]+)\s*积分")
_DEDUCT_EN = re.compile(r"For model\s*((?:\\?\[[^\]]+\]\s*)+),\s*generating a single\s*(\w+),\s*(\d+s) video will "
                        r"deduct\s*([\d.]+)\s*units?", re.I)


def _plain(cell: str) -> str:
    """A cell without Markdown bold/escapes: ``**\\$10 /month**`` -> ``$10 /month``."""
    return clean_text(cell.replace("**", "").replace("\\$", "$").replace("\\[", "[").replace("\\]", "]"))


def _label(cell: str) -> str:
    return re.sub(r"\s+", "", _PAREN.sub("", _plain(cell))).lower()


def _plan_name(header: str) -> tuple[str, str | None]:
    """``'**视频基础包**\\n**（节省 5%）**'`` -> ``('视频基础包', '节省 5%')``; ``'Plus `最优惠`'`` -> ``('Plus', '最优惠')``."""
    text = _plain(header.replace("\n", " "))
    notes = [m.group(1).strip() for m in _BADGE.finditer(text)] + [m.group(1).strip() for m in _PAREN.finditer(text)]
    name = clean_text(_PAREN.sub("", _BADGE.sub("", text)))
    return name, "; ".join(n for n in notes if n) or None


def _money(text: str, currency: str, url: str, where: str) -> Decimal:
    got = parse_money(text, default_currency=currency)
    if got is None:
        raise ParseError(f"no amount in {text!r}", url=url, where=where)
    amount, cur = got
    if cur != currency:
        raise ParseError(f"{text!r} is in {cur}, the site sells in {currency}", url=url, where=where)
    return amount


def _list_price(text: str, currency: str, url: str, where: str) -> Decimal | None:
    m = _STRUCK.search(text) or _ORIGINAL.search(text)
    return None if m is None else _money(m.group(1), currency, url, where)


def _quota(kind: str, text: str) -> tuple[Decimal, str, str] | None:
    """(amount, unit, window) of a quota cell, or None when the cell is not one the parser reads."""
    text = _plain(text)
    if kind == "quota":
        m = _QUOTA_5H.search(text)
        return (Decimal(m.group(1).replace(",", "")), "prompts", "5 hours") if m else None
    m = _NUMBER.match(text)
    if m is None:
        return None
    amount = Decimal(m.group(1).replace(",", ""))
    if kind == "quota_characters":
        return amount, "characters", "validity"
    if kind == "quota_credits_month":
        return amount, "credits", "month"
    return amount, "credits", "validity"


def _validity(text: str) -> int | None:
    m = _VALIDITY.match(_plain(text))
    if m is None:
        return None
    n = int(m.group(1))
    return n * 12 if m.group(2).startswith(("年", "year")) else n


def _unit_buys(text: str) -> tuple[str | None, tuple[str, ...]]:
    """What one video credit buys, as the page lists it, and the models it names."""
    items, models = [], []
    for rx in (_DEDUCT_CN, _DEDUCT_EN):
        for m in rx.finditer(text.replace("\\[", "[").replace("\\]", "]")):
            names = re.findall(r"\[([^\]]+)\]", m.group(1))
            models += [n for n in names if n not in models]
            items.append(f"{' / '.join(names)} {m.group(2)} {m.group(3)} video = {m.group(4)} credits")
    return ("; ".join(items) or None), tuple(models)


def _models(kind: str, text: str) -> tuple[str, ...]:
    t = _plain(text)
    if kind == "models":
        return tuple(clean_text(x.replace("最新", "")) for x in re.split(r"[、,，]", t) if x.strip())
    m = re.search(r"Powered by ([^\n·•]+)", t) or re.search(r"支持\s*(\S+\s*系列)模型", t) or re.search(
        r"Supports (all \w+ models)", t) or re.search(r"支持(所有模型)", t)
    return (clean_text(m.group(1)),) if m else ()


def parse_minimax(body: bytes, url: str) -> ParsedPage:
    """Plans of a MiniMax Coding Plan / Audio Subscription / video or audio package page."""
    text = body.decode("utf-8", errors="replace")
    host = re.sub(r"^https?://([^/]+).*$", r"\1", url)
    if host not in SITES:
        raise ParseError(f"not a MiniMax docs site: {host!r}", url=url)
    region, currency = SITES[host]
    h1 = re.search(r"^# (.+)$", text, re.M)
    if h1 is None or clean_text(h1.group(1)) not in PRODUCTS:
        raise ParseError(f"unknown page title {h1.group(1) if h1 else None!r} (known: {sorted(PRODUCTS)})", url=url)
    product, billing_model = PRODUCTS[clean_text(h1.group(1))]
    unit_buys, video_models = _unit_buys(text)
    findings = Findings()
    plans: list[ParsedPlan] = []
    for path, table in markdown_sections(text, depth=4):
        plans += _table_plans(table, path, product, billing_model, region, currency, unit_buys, video_models,
                              url, findings)
    if not plans:
        raise ParseError("no plan tables (one column per plan, a price row) found", url=url)
    return ParsedPage(prices=[], findings=list(findings), plans=plans)


def _table_plans(table: Table, path, product, billing_model, region, currency, unit_buys, video_models, url,
                 findings) -> list[ParsedPlan]:
    if _label(table.header[0]) not in LABEL_HEADERS:
        findings.add("unknown_section", table.where(), table.header[0])
        return []
    section = " / ".join(p for p in path[1:] if p)
    period_of_section = "year" if re.search(r"按年|Yearly", section) else "month" if re.search(r"按月|Monthly",
                                                                                                  section) else None
    series = next((p for p in path[1:] if "系列" in p), "")
    rows: dict[str, tuple[int, list[str]]] = {}
    for i, row in enumerate(table.body, start=1):
        kind = ROWS.get(_label(row[0]))
        if kind is None:
            findings.add("unknown_row", table.where(i), _plain(row[0]))
            continue
        if kind == "features" and kind in rows:  # two feature rows (套餐资源, 适用场景): both kept as text
            rows[kind] = (rows[kind][0], [a + "\n" + b for a, b in zip(rows[kind][1], row)])
            continue
        rows[kind] = (i, row)
    out = []
    for c, head in enumerate(table.header[1:], start=1):
        name, badge = _plan_name(head)
        if _label(name) in CUSTOM or not name:
            continue
        plan = f"{series} {name}".strip()
        prices = [(k, r) for k, r in rows.items() if k.startswith("price")]
        if not prices:
            raise ParseError("a plan table without a price row", url=url, where=table.where())
        quota = None
        q_kind = next((k for k in rows if k.startswith("quota")), None)
        if q_kind is not None:
            quota = _quota(q_kind, rows[q_kind][1][c])
            if quota is None:
                findings.add("unreadable_cell", table.where(rows[q_kind][0], name), rows[q_kind][1][c])
        valid_months = None
        if "validity" in rows:
            valid_months = _validity(rows["validity"][1][c])
            if valid_months is None:
                findings.add("unreadable_cell", table.where(rows["validity"][0], name), rows["validity"][1][c])
        features = _plain(rows["features"][1][c]) if "features" in rows else ""
        models = _models("models", rows["models"][1][c]) if "models" in rows else _models("features", features)
        if video_models and billing_model == "resource_pack" and not series:
            models = video_models
        rpm = re.search(r"RPM\s*[:：]\s*(\d+)", features)
        for kind, (i, row) in prices:
            where = table.where(i, name)
            cell = _plain(row[c])
            period = {"price_month": "month", "price_quarter": "quarter", "price_year": "year"}.get(kind)
            m = _PER_CELL.search(cell)
            if period is None and m:
                period = _PERIOD[m.group(1)]
            if period is None:
                period = "one_off" if billing_model == "resource_pack" else period_of_section
            if period is None:
                raise ParseError(f"no billing period for {cell!r}", url=url, where=where)
            list_price = _list_price(cell, currency, url, where)
            if list_price is None and "list_price" in rows:
                lp = _plain(rows["list_price"][1][c])
                list_price = _money(lp, currency, url, table.where(rows["list_price"][0], name)) if lp else None
            label_note = _PAREN.search(_plain(row[0]))
            conditions = "; ".join(x for x in (
                badge, label_note.group(1) if label_note else None,
                f"RPM {rpm.group(1)}" if rpm else None) if x) or None
            out.append(ParsedPlan(
                provider="minimax", product=product, plan=plan, billing_model=billing_model,
                billing_period=period, price=_money(_STRUCK.sub("", _ORIGINAL.sub("", cell)), currency, url, where),
                currency=currency, list_price=list_price,
                quota_amount=quota[0] if quota else None, quota_unit=quota[1] if quota else None,
                quota_per=quota[2] if quota else None,
                unit_buys=unit_buys if billing_model == "resource_pack" and not series else None,
                valid_months=valid_months, models=models, region=region, conditions=conditions, where=where,
            ))
    return out


# --------------------------------------------------------------------------------------------- Zhipu GLM Coding Plan

_TIER = re.compile(r"\*\*(?P<tier>\w+)\s*套餐\*\*\s*[:：]\s*每\s*5\s*小时最多(?P<about>约)?\s*(?P<n>[\d,]+)\s*次\s*prompts"
                   r"\s*[，,]?\s*(?P<rest>[^\n]*)")
_PROMO = re.compile(r"活动期间[（(](?P<m1>\d{1,2})\.(?P<d1>\d{1,2})-(?P<m2>\d{1,2})\.(?P<d2>\d{1,2})[）)]")
_PROMO_CYCLE = re.compile(r"连续包(?P<cycle>[月季年])[:：][^\n]*?(?P<pct>\d+)%")
_FLOOR = re.compile(r"每月最低仅需\s*\d+\s*元")
_MODEL_VAR = re.compile(r"`ANTHROPIC_DEFAULT_\w+_MODEL`\s*[:：]\s*`(GLM-[\w.\-]+)`")


def parse_zhipu(body: bytes, url: str) -> ParsedPage:
    """The tiers of the GLM Coding Plan overview: quota per 5 hours (an estimate), models, the promotion; no price."""
    text = body.decode("utf-8", errors="replace")
    usage = text.split("### 用量说明", 1)
    if len(usage) < 2:
        raise ParseError("no '### 用量说明' section (the tiers' quotas)", url=url)
    section = usage[1].split("\n### ", 1)[0]
    models = tuple(dict.fromkeys(_MODEL_VAR.findall(text)))
    promo = _PROMO.search(text)
    cycles = {m.group("cycle"): m.group("pct") for m in _PROMO_CYCLE.finditer(text)}
    promo_text = None
    if promo:
        promo_text = ("跨年特惠 first purchase or upgrade, not renewals: "
                      + ", ".join(f"连续包{c} {cycles[c]}% off" for c in "月季年" if c in cycles))
    floor = _FLOOR.search(text)
    findings = Findings()
    plans = []
    line0 = text.count("\n", 0, len(usage[0])) + 1
    for m in _TIER.finditer(section):
        line = line0 + section.count("\n", 0, m.start())
        plans.append(ParsedPlan(
            provider="zhipu", product="GLM Coding Plan", plan=m.group("tier"), billing_model="subscription",
            billing_period="month", price=None, currency="CNY",
            quota_amount=Decimal(m.group("n").replace(",", "")), quota_unit="prompts", quota_per="5 hours",
            quota_is_estimate=bool(m.group("about")), models=models, region="cn-mainland",
            promo_text=promo_text,
            promo_window=(f"{int(promo['m1']):02d}-{int(promo['d1']):02d}..{int(promo['m2']):02d}-{int(promo['d2']):02d}"
                          if promo else None),
            conditions="; ".join(x for x in (
                clean_text(m.group("rest")) or None,
                f"no per-tier price on the page ({floor.group(0)}: the lowest monthly price of any offer)" if floor
                else "no per-tier price on the page") if x),
            where=f"section '用量说明' line {line} ({m.group('tier')} 套餐)",
        ))
    for line in section.splitlines():
        if line.lstrip().startswith("* **") and not _TIER.search(line):
            findings.add("unknown_row", "section '用量说明'", clean_text(line))
    if not plans:
        raise ParseError("no '**<tier> 套餐**：每 5 小时最多约 N 次 prompts' lines in '用量说明'", url=url)
    return ParsedPage(prices=[], findings=list(findings), plans=plans)


MINIMAX_CN = Source(
    name="minimax_plans_cn",
    provider="minimax",
    urls=("https://platform.minimaxi.com/docs/pricing/coding-plan.md",
          "https://platform.minimaxi.com/docs/pricing/video-package.md",
          "https://platform.minimaxi.com/docs/pricing/audio-package.md"),
    fmt="markdown",
    parse=parse_minimax,
    hosts=("platform.minimaxi.com",),
    description="MiniMax China site (CNY): Coding Plan subscriptions (prompts per 5 hours), video packs (credits, "
    "1 month) and speech packs (characters, 1/3/12 months): one table column per plan. Plans, no token prices.",
    plans=True,
    live_form="markdown (the docs page's .md export)",
    live_proof="minimax/2025-12-19_coding-plan-cn.md",
)
MINIMAX_INTL = Source(
    name="minimax_plans_intl",
    provider="minimax",
    urls=("https://platform.minimax.io/docs/pricing/coding-plan.md",
          "https://platform.minimax.io/docs/pricing/video-package.md",
          "https://platform.minimax.io/docs/pricing/audio-subscription.md"),
    fmt="markdown",
    parse=parse_minimax,
    hosts=("platform.minimax.io",),
    description="MiniMax international site (USD): Coding Plan subscriptions, video packs and the audio "
    "subscription (credits per month; monthly, 3-month and yearly prices). Plans, no token prices.",
    plans=True,
    live_form="markdown (the docs page's .md export)",
    live_proof="minimax/2025-12-19_coding-plan-en.md",
)
ZHIPU = Source(
    name="zhipu_coding_plan",
    provider="zhipu",
    urls=("https://docs.bigmodel.cn/cn/coding-plan/overview.md",),
    fmt="markdown",
    parse=parse_zhipu,
    hosts=("docs.bigmodel.cn",),
    description="Zhipu GLM Coding Plan overview (Mintlify .md): Lite/Pro/Max quotas in prompts per 5 hours "
    "(estimates), models, the promotion window; the page states no per-tier price.",
    plans=True,
    live_form="markdown (the docs page's .md export)",
    live_proof="zhipu/2025-12-19_glm-coding-plan-overview-cn.md",
)
SOURCES = (MINIMAX_CN, MINIMAX_INTL, ZHIPU)
SOURCE = MINIMAX_CN
