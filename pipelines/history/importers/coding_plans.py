"""Dated snapshots of a coding-plan scraper (jqknono/coding-plans-for-copilot, MIT) -> ``staging.billing_plans``.

Each file (``seed/coding_plans/<date>_coding-plans-for-copilot_provider-pricing.json``, README and LICENSE there) is
the scraper's ``assets/provider-pricing.json`` of one day: ``{generatedAt, providers: [{provider, sourceUrls, plans:
[{name, currentPrice, currentPriceText, originalPrice, originalPriceText, unit, notes, serviceDetails}]}]}``. Every
plan becomes one observation dated ``generatedAt`` (evidence of that scraper on that day; the seller's page it read is
``source_url``), source ``coding_plans_snapshots``; the plan history (``marts.billing_plan_history``) reconciles them
with the sellers' own pages (a page outranks a snapshot on the same day).

Rules (nothing guessed; what is not read stays NULL and is listed by :func:`read_snapshot`'s ``problems``):

- seller: :data:`SELLERS` maps the scraper's keys to the project's slugs and product names (others: the key without
  ``-ai``, product ``Coding Plan``, or ``Token Plan`` when its pages are token-plan pages);
- plan: the name without the product prefix (a name starting ``Token Plan`` / ``Coding Plan`` names its product), the period suffix ``(月)`` and the marketing badges of :data:`BADGES`;
- period: ``unit`` by :data:`PERIODS` (``月`` month, ``季`` quarter, ``年`` year, ``首月`` first month; per seat or
  user a month: month, with the condition); price: ``currentPrice`` exactly (Decimal from the JSON text), currency
  USD when the price text has ``$`` else CNY; ``originalPrice`` as list price when the page showed one;
- quota: the first of :data:`QUOTAS` found in ``notes`` + ``serviceDetails`` (``40 prompts / 每 5 小时``, ``1500次模型调用
  / 5 小时``, ``每 5 小时：最多约 1,200 次请求``, ``每周 10,000 积分``, ``每月1.8万次请求``, ``25,000 Credits/座席/月``,
  ``月使用量: 400M Credits``, ``月度约 6 亿+ token``, ``每订阅月 1.3 亿 Tokens``, ``300 premium requests/月``), with
  its scale word (万, 亿, M); ``约`` marks an estimate. A quota whose window the text does not give (``额度规格: 1000万
  Token``) or a window other than 5 hours / week / month (``tokens/day``) is left empty;
- status ``closed_to_new_buyers`` when the text says ``停止新购`` or ``售罄``; a ``用量包``/``资源包`` is a resource pack;
- models: the text after ``支持模型:`` / ``能力:`` as the snapshot states it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

from pipelines.cost.plans import plan_rows, sha256
from pipelines.history.normalise import EcbRates
from pipelines.sources.base import ParsedPlan

SOURCE = "coding_plans_snapshots"
FILE_GLOB = "*_coding-plans-for-copilot_provider-pricing.json"

#: scraper key -> (seller slug, product).
SELLERS: dict[str, tuple[str, str]] = {
    "zhipu-ai": ("zhipu", "GLM Coding Plan"),
    "kimi-ai": ("moonshot", "Kimi membership"),
    "aliyun-ai": ("alibaba", "Coding Plan"),
    "aliyun-token-plan": ("alibaba", "Token Plan"),
    "baidu-qianfan-ai": ("baidu", "Coding Plan"),
    "volcengine-ai": ("volcengine", "Coding Plan"),
    "tencent-cloud-ai": ("tencent", "Coding Plan"),
    "tencent-cloud-token-plan": ("tencent", "Token Plan"),
    "huawei-token-plan": ("huawei", "Token Plan"),
    "github-copilot": ("github", "GitHub Copilot"),
}
#: words before a plan's tier that repeat the product.
PREFIXES = ("GLM Coding ", "Coding Plan ", "Token Plan ", "GitHub Copilot ")
#: marketing badges the scraper kept in plan names (``Plus 高性价比``).
BADGES = ("高性价比", "超大份量", "立省两个月", "月套餐")
#: ``unit`` -> (billing period, condition).
PERIODS: dict[str, tuple[str, str | None]] = {
    "月": ("month", None), "季": ("quarter", None), "年": ("year", None), "首月": ("first_month", None),
    "座席/月": ("month", "per seat"), "坐席/月": ("month", "per seat"), "月/用户": ("month", "per user"),
    "个/月": ("month", "per pack"),
}
_NUM = r"(\d[\d,]*(?:\.\d+)?)\s*(万|亿|M\b)?"
#: a number's scale word: 万 10^4, 亿 10^8, M 10^6 (``400M Credits``).
SCALE = {None: 1, "万": 10_000, "亿": 100_000_000, "M": 1_000_000}
#: (pattern, unit, window) in the order they are tried; the number is group 1, its scale group 2.
QUOTAS: tuple[tuple[re.Pattern, str, str], ...] = (
    (re.compile(_NUM + r"\s*prompts\s*/\s*(?:每\s*)?5\s*小时", re.I), "prompts", "5 hours"),
    (re.compile(_NUM + r"\s*次(?:模型调用|请求)?\s*/\s*(?:每\s*)?5\s*小时"), "requests", "5 hours"),
    (re.compile(r"每\s*5\s*小时\s*[:：]?\s*(?:最多)?\s*(?:约\s*)?" + _NUM + r"\s*次"), "requests", "5 hours"),
    (re.compile(r"5\s*小时\s*[:：]\s*约?\s*" + _NUM + r"\s*次"), "requests", "5 hours"),
    (re.compile(r"每周\s*(?:约\s*)?" + _NUM + r"\s*积分"), "credits", "week"),
    (re.compile(r"每月\s*(?:约\s*)?" + _NUM + r"\s*次请求"), "requests", "month"),
    (re.compile(_NUM + r"\s*次\s*/\s*月"), "requests", "month"),
    (re.compile(_NUM + r"\s*Credits\s*/\s*座席\s*/\s*月"), "credits", "month"),
    (re.compile(_NUM + r"\s*Credits\s*/\s*个"), "credits", "validity"),
    (re.compile(r"月使用量\s*[:：]\s*" + _NUM + r"\s*Credits"), "credits", "month"),
    (re.compile(r"月度约\s*" + _NUM + r"\+?\s*token", re.I), "tokens", "month"),
    (re.compile(r"每订阅月\s*" + _NUM + r"\s*Tokens", re.I), "tokens", "month"),
    (re.compile(_NUM + r"\s*(?:premium |agent mode 或 chat )?requests\s*/\s*(?:用户\s*/\s*)?月"), "requests", "month"),
)
_CLOSED = re.compile(r"停止新购|售罄")
_MODELS = re.compile(r"^(?:支持模型|能力)\s*[:：]\s*(.+)$")
_PERIOD_SUFFIX = re.compile(r"\s*[（(](?:月|季|年)[）)]\s*$")


def seller(key: str, urls: list[str]) -> tuple[str, str]:
    if key in SELLERS:
        return SELLERS[key]
    provider = re.sub(r"-ai$", "", key)
    tokenish = any(re.search(r"token-?plan", u) for u in urls)
    return provider, "Token Plan" if tokenish else "Coding Plan"


def plan_name(name: str) -> str:
    n = _PERIOD_SUFFIX.sub("", name).strip()
    for p in PREFIXES:
        if n.startswith(p) and len(n) > len(p):
            n = n[len(p):]
    for b in BADGES:
        if n.endswith(" " + b):
            n = n[: -len(b) - 1]
    return n.strip()


def quota(texts: list[str]) -> tuple[Decimal, str, str, bool] | None:
    for rx, unit, window in QUOTAS:
        for t in texts:
            m = rx.search(t)
            if m:
                return Decimal(m.group(1).replace(",", "")) * SCALE[m.group(2)], unit, window, "约" in t
    return None


def read_snapshot(path: Path, rates: EcbRates | None = None) -> tuple[list[dict], list[str]]:
    """Rows for ``staging.billing_plans`` of one snapshot file, and the plans it could not read (with their place);
    USD at ``rates`` (the run's :class:`EcbRates`, as the page plans; default: the bundled history)."""
    body = path.read_bytes()
    doc = json.loads(body, parse_float=Decimal, parse_int=Decimal)
    at = dt.datetime.fromisoformat(doc["generatedAt"].replace("Z", "+00:00"))
    digest = sha256(body)
    rows, problems = [], []
    for i, entry in enumerate(doc["providers"]):
        key, urls = entry["provider"], entry.get("sourceUrls") or []
        provider, product = seller(key, urls)
        plans = []
        for j, p in enumerate(entry["plans"]):
            where = f"{path.name} providers[{i}] {key!r} plans[{j}] {p['name']!r}"
            period = PERIODS.get(p.get("unit") or "")
            price_text = p.get("currentPriceText") or ""
            if period is None:
                problems.append(f"{where}: unit {p.get('unit')!r} is not a known billing period")
                continue
            price = p.get("currentPrice")
            if price is not None and not re.search(r"\d", price_text):
                problems.append(f"{where}: price text {price_text!r} states no amount; price left empty")
                price = None
            texts = [t for t in [p.get("notes") or "", *(p.get("serviceDetails") or [])] if t]
            q = quota(texts)
            models = next((m.group(1).strip() for t in texts for m in [_MODELS.match(t)] if m), None)
            name = plan_name(p["name"])
            # a plan named "Token Plan Mini" on a seller's coding-plan entry (Baidu 2026-08) is a Token Plan
            own = next((x.strip() for x in ("Token Plan ", "Coding Plan ") if p["name"].startswith(x)), None)
            pack = bool(re.search(r"用量包|资源包", p["name"]))
            conditions = "; ".join(x for x in (period[1], p.get("notes")) if x) or None
            plans.append(ParsedPlan(
                provider=provider, product=own or product, plan=name,
                billing_model="resource_pack" if pack else "subscription", billing_period=period[0],
                price=price, currency="USD" if "$" in price_text else "CNY",
                list_price=p.get("originalPrice") if p.get("originalPriceText") else None,
                quota_amount=q[0] if q else None, quota_unit=q[1] if q else None,
                quota_per=("validity" if pack and q else q[2]) if q else None, quota_is_estimate=q[3] if q else False,
                models=(models,) if models else (),
                status="closed_to_new_buyers" if any(_CLOSED.search(t) for t in texts) else "on_sale",
                region="global" if "$" in price_text else "cn-mainland", conditions=conditions, where=where,
            ))
        rows += [{**r, "partition_date": at.date()} for r in plan_rows(
            plans, source=SOURCE, source_url=urls[0] if urls else path.name, observed_at=at, snapshot_sha256=digest,
            scope=f"{SOURCE}:{key}", rates=rates)]
    return rows, problems


def read_all(folder: Path, rates: EcbRates | None = None) -> tuple[list[dict], list[str]]:
    """Rows of every snapshot file in ``folder`` (oldest first) and the problems. Raises FileNotFoundError naming
    the folder when it holds no snapshot."""
    files = sorted(Path(folder).glob(FILE_GLOB))
    if not files:
        raise FileNotFoundError(f"no coding-plan snapshots ({FILE_GLOB}) in {folder}")
    rows, problems = [], []
    for f in files:
        r, p = read_snapshot(f, rates)
        rows += r
        problems += p
    return rows, problems
