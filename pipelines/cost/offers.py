"""Billing offers: what a page sells besides per-token list prices, and how they are normalised.

A price page often says more than "input 2.5 元 per 1M tokens": a free quota after sign-up (Alibaba Model Studio:
``各100万Token``, valid 90 days after activation), a free tier (Gemini), provisioned throughput (Volcengine Ark's TPM
保障包: 1.920 元 per 10K TPM per hour) and model units (方舟A型模型单元: 25 元 per hour, 16,700 元 per month), a
time-limited promotion with an end date (Baidu Qianfan's 2月/3月活动价), a batch discount written as a share of the
real-time price (Alibaba's ``Batch调用 半价``), a regional uplift (OpenAI: "Regional processing (data residency)
endpoints are charged a 10% uplift"). price-semantics.md ("Beyond per-token list prices") says these are offers,
not token prices: each is kept as its own record with amount, currency, unit, quantity, validity and conditions,
never folded into ``staging.price_quotes``.

A source module that reads offers has a pure ``parse_offers(body: bytes, url: str) -> list[ParsedOffer]`` beside
its ``parse``; :func:`offer_parsers` lists them by source name. Like ``parse`` it is pure (no clock, no I/O, no FX),
reports what the page says (``amount`` exactly as written, a Decimal) and raises
:class:`pipelines.sources.base.ParseError` on anything it cannot read.

:func:`offer_rows` turns parsed offers into rows of ``staging.billing_offers`` (``warehouse/sql/schema_offers.sql``),
adding the USD value at the ECB rate of the observation day (as :mod:`pipelines.history.normalise` does for prices).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from pipelines.sources.base import PRICE_KINDS, SERVICE_TIERS, TOKEN_UNITS

#: what an offer is (price-semantics.md, "Beyond per-token list prices"; docs/workload.md):
#:
#: - ``free_quota``: a stated number of free units (tokens, images, seconds ...) per model, once after activation
#:   (``valid_days``) or per period (``unit`` ``per month``); ``amount`` 0.
#: - ``free_tier``: free use without a stated quantity (rate-limited; Gemini's "Free Tier" column); ``amount`` 0,
#:   ``quantity`` NULL.
#: - ``resource_pack``: prepaid tokens (资源包): ``amount`` for ``quantity`` tokens.
#: - ``provisioned_throughput``: reserved tokens per minute (TPM packs), ``amount`` per hour / per day for
#:   ``quantity`` TPM of ``price_kind`` (input or output TPM).
#: - ``model_unit``: a dedicated inference unit, ``amount`` per hour / per month for ``quantity`` units; no model.
#: - ``promotion``: a time-limited token price (``amount`` in a token unit) for ``price_kind``/``service_tier``,
#:   between ``valid_from`` and ``valid_until`` (inclusive).
#: - ``batch_discount``: the page's batch price as a share of the real-time price: ``amount`` percent off
#:   (``unit`` ``percent off``), where the page gives no batch price table.
#: - ``regional_uplift``: ``amount`` percent added to the list price when served in ``region``
#:   (``unit`` ``percent uplift``).
OFFER_KINDS = frozenset({
    "free_quota", "free_tier", "resource_pack", "provisioned_throughput", "model_unit", "promotion",
    "batch_discount", "regional_uplift",
})
#: units an offer's amount is given in besides the token units of :data:`pipelines.sources.base.TOKEN_UNITS`:
#: the billing period of a reservation, a one-off grant, or a percentage of the list price.
OFFER_UNITS = frozenset({"one-off", "per hour", "per day", "per month", "percent off", "percent uplift"})
#: what an offer's ``quantity`` counts.
QUANTITY_UNITS = frozenset({
    "tokens", "TPM", "model units", "images", "seconds", "characters", "requests", "voices", "grounded prompts",
    "search queries",
})
#: days of an average month (365.25 / 12): how a quota valid N days is spread over months (docs/workload.md).
DAYS_PER_MONTH = Decimal("30.4375")


@dataclass(frozen=True)
class ParsedOffer:
    """One offer as a page states it (see :data:`OFFER_KINDS`).

    - ``provider``: seller slug; ``model``: the seller's API model id, or None for an offer not tied to a model
      (Volcengine model units); ``model_name``: as on the page (the machine type for model units).
    - ``offer_kind`` in :data:`OFFER_KINDS`.
    - ``amount`` (Decimal, exactly as written; 0 for free quotas and tiers), ``currency`` (ISO 4217; None for a
      percentage), ``unit``: a token unit (``per 1K tokens`` for a promotional token price) or one of
      :data:`OFFER_UNITS`.
    - ``quantity`` (Decimal or None when the page states none) counted in ``quantity_unit``
      (:data:`QUANTITY_UNITS`): 1,000,000 ``tokens``, 10,000 ``TPM``, 1 ``model units``.
    - ``price_kind`` / ``service_tier`` / ``tier_min_tokens``: the token price the offer concerns (a TPM pack of
      input tokens, a promotional batch input price); None for an offer on the whole model.
    - ``region``: where it applies (``global`` unless the page ties it to a region).
    - ``valid_days``: validity in days after activation (free quotas); ``valid_from`` / ``valid_until``: the
      calendar window of a promotion (UTC dates, inclusive), None when open.
    - ``conditions``: free text (the page's wording of anything else the offer depends on); ``where``: where on
      the page it was read.
    """

    provider: str
    model: str | None
    model_name: str
    offer_kind: str
    amount: Decimal
    currency: str | None
    unit: str
    quantity: Decimal | None = None
    quantity_unit: str | None = None
    price_kind: str | None = None
    service_tier: str | None = None
    tier_min_tokens: int = 0
    region: str = "global"
    valid_days: int | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    conditions: str | None = None
    where: str = ""

    def __post_init__(self) -> None:
        if self.offer_kind not in OFFER_KINDS:
            raise ValueError(f"unknown offer_kind {self.offer_kind!r}")
        if not isinstance(self.amount, Decimal):
            raise TypeError("amount must be a Decimal (never float)")
        if self.amount < 0:
            raise ValueError(f"negative offer amount {self.amount} at {self.where}")
        if self.unit not in OFFER_UNITS and self.unit not in TOKEN_UNITS:
            raise ValueError(f"unknown offer unit {self.unit!r}")
        if self.unit.startswith("percent") != (self.currency is None):
            raise ValueError(
                f"a percentage has no currency, any other amount has one ({self.unit!r}, {self.currency!r})")
        if self.quantity is not None:
            if not isinstance(self.quantity, Decimal) or self.quantity <= 0:
                raise ValueError(f"quantity must be a positive Decimal, not {self.quantity!r}")
            if self.quantity_unit not in QUANTITY_UNITS:
                raise ValueError(f"unknown quantity_unit {self.quantity_unit!r}")
        if self.price_kind is not None and self.price_kind not in PRICE_KINDS:
            raise ValueError(f"unknown price_kind {self.price_kind!r}")
        if self.service_tier is not None and self.service_tier not in SERVICE_TIERS:
            raise ValueError(f"unknown service_tier {self.service_tier!r}")
        if self.valid_days is not None and self.valid_days <= 0:
            raise ValueError(f"valid_days must be positive, not {self.valid_days}")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError(f"offer ends {self.valid_until} before it starts {self.valid_from}")
        if self.offer_kind == "promotion" and (self.unit not in TOKEN_UNITS or self.price_kind is None):
            raise ValueError("a promotion is a token price: a token unit and a price_kind")
        if self.offer_kind in ("free_quota", "free_tier") and self.amount != 0:
            raise ValueError(f"a {self.offer_kind} costs nothing, not {self.amount}")


def offer_parsers() -> dict[str, object]:
    """``{source name: parse_offers}`` for the sources whose pages state offers (imported lazily: the source
    modules import :class:`ParsedOffer` from here)."""
    from pipelines.sources import alibaba, baidu, google, openai, volcengine

    return {m.SOURCE.name: m.parse_offers for m in (alibaba, volcengine, baidu, google, openai)}


def key(o: ParsedOffer) -> tuple:
    """What tells two offers of one page apart (the offers' identity within a source); an offer without a model is
    told apart by its ``model_name`` (the machine type of a model unit)."""
    return (o.provider, o.model or f"({o.model_name})", o.offer_kind, o.price_kind, o.service_tier, o.tier_min_tokens,
            o.region, o.unit, o.quantity_unit, o.valid_from, o.valid_until, o.conditions)


def dedupe(offers: list[ParsedOffer], url: str) -> list[ParsedOffer]:
    """One offer per :func:`key` (a page repeats an offer in several tables); the same key with two amounts raises
    :class:`pipelines.sources.base.ParseError` naming both places."""
    from pipelines.sources.base import ParseError

    seen: dict[tuple, ParsedOffer] = {}
    for o in offers:
        k = key(o)
        if k in seen:
            if (seen[k].amount, seen[k].quantity) != (o.amount, o.quantity):
                raise ParseError(f"{o.model} {o.offer_kind} stated as {seen[k].amount}/{seen[k].quantity} and "
                                 f"{o.amount}/{o.quantity} (also at {seen[k].where})", url=url, where=o.where)
            continue
        seen[k] = o
    return list(seen.values())


def per_mtok(amount: Decimal, unit: str) -> Decimal | None:
    """``amount`` per 1M tokens for a token unit (``per 1K tokens`` x 1000, exact), else None."""
    factor = TOKEN_UNITS.get(unit)
    return None if factor is None else amount * factor


def offer_rows(
    offers: list[ParsedOffer], *, source: str, source_url: str, observed_at: dt.datetime, snapshot_sha256: str
) -> list[dict]:
    """Rows for ``staging.billing_offers``, one per offer, in the order given.

    Adds ``amount_per_mtok`` (token-priced offers: the amount per 1M tokens in the offer's currency) and the USD
    values ``usd_amount`` / ``usd_per_mtok`` at the ECB rate of the observation's UTC day (``fx_rate``: units of the
    currency per USD, ``fx_date``: the rate's date, the newest known past the ECB history; NULL for percentages).
    ``observed_at`` must be timezone-aware. Raises ValueError, :class:`pipelines.history.normalise.FxError`.
    """
    from pipelines.history.normalise import USD_PLACES, ecb_rate_or_newest

    if observed_at.tzinfo is None:
        raise ValueError("observed_at must be timezone-aware (UTC)")
    day = observed_at.astimezone(dt.UTC).date()
    rows = []
    for o in offers:
        rate = fx_date = usd = usd_mtok = None
        mtok = per_mtok(o.amount, o.unit)
        if o.currency is not None:
            rate, fx_date = ecb_rate_or_newest(o.currency, day)
            usd = (o.amount / rate).quantize(USD_PLACES)
            usd_mtok = None if mtok is None else (mtok / rate).quantize(USD_PLACES)
        rows.append({
            "observed_at": observed_at.astimezone(dt.UTC).replace(tzinfo=None),
            "source": source,
            "provider": o.provider,
            "model": o.model,
            "model_name": o.model_name,
            "offer_kind": o.offer_kind,
            "price_kind": o.price_kind,
            "service_tier": o.service_tier,
            "tier_min_tokens": o.tier_min_tokens,
            "region": o.region,
            "amount": o.amount,
            "currency": o.currency,
            "unit": o.unit,
            "amount_per_mtok": mtok,
            "quantity": o.quantity,
            "quantity_unit": o.quantity_unit,
            "usd_amount": usd,
            "usd_per_mtok": usd_mtok,
            "fx_rate": rate,
            "fx_date": fx_date,
            "valid_days": o.valid_days,
            "valid_from": o.valid_from,
            "valid_until": o.valid_until,
            "conditions": o.conditions,
            "source_url": source_url,
            "snapshot_sha256": snapshot_sha256,
            "location": o.where,
        })
    return rows
