"""Billing offers: what a page sells besides per-token list prices, and how they are normalised.

A price page often says more than "input 2.5 元 per 1M tokens": a free quota after sign-up (Alibaba Model Studio:
``各100万Token``, valid 90 days after activation), a free tier (Gemini), provisioned throughput (Volcengine Ark's TPM
保障包: 1.920 元 per 10K TPM per hour) and model units (方舟A型模型单元: 25 元 per hour, 16,700 元 per month), a
time-limited promotion with an end date (Baidu Qianfan's 2月/3月活动价), a batch discount written as a share of the
real-time price (Alibaba's ``Batch调用 半价``), a regional uplift (OpenAI: "Regional processing (data residency)
endpoints are charged a 10% uplift"). price-semantics.md ("Beyond per-token list prices") says these are offers,
not token prices: each is kept as its own record with amount, currency, unit, quantity, validity and conditions,
never folded into ``staging.price_quotes``.

What a page states is parser vocabulary: :class:`pipelines.sources.base.ParsedOffer` (with :data:`OFFER_KINDS
<pipelines.sources.base.OFFER_KINDS>`, its units and :func:`pipelines.sources.base.dedupe_offers`), read by the
``parse_offers`` of a source (``Source.parse_offers``; the registry lists them: :func:`pipelines.sources.registry.
offer_parsers`) in the same pass as its prices (``staging/price_quotes``).

:func:`offer_rows` turns parsed offers into rows of ``staging.billing_offers`` (``warehouse/sql/schema_offers.sql``),
adding the USD value at the ECB rate of the observation day (as :mod:`pipelines.history.normalise` does for prices).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pipelines.history.normalise import USD_PLACES, EcbRates, observed_utc
from pipelines.sources.base import TOKEN_UNITS, ParsedOffer

#: days of an average month (365.25 / 12): how a quota valid N days is spread over months (docs/workload.md).
DAYS_PER_MONTH = Decimal("30.4375")


def per_mtok(amount: Decimal, unit: str) -> Decimal | None:
    """``amount`` per 1M tokens for a token unit (``per 1K tokens`` x 1000, exact), else None."""
    factor = TOKEN_UNITS.get(unit)
    return None if factor is None else amount * factor


def offer_rows(
    offers: list[ParsedOffer], *, source: str, source_url: str, observed_at: dt.datetime, snapshot_sha256: str,
    rates: EcbRates | None = None,
) -> list[dict]:
    """Rows for ``staging.billing_offers``, one per offer, in the order given.

    Adds ``amount_per_mtok`` (token-priced offers: the amount per 1M tokens in the offer's currency) and the USD
    values ``usd_amount`` / ``usd_per_mtok`` at the ECB rate of the observation's UTC day (``fx_rate``: units of the
    currency per USD, ``fx_date``: the rate's date, the newest known past the ECB history; NULL for percentages),
    from ``rates`` (the run's :class:`~pipelines.history.normalise.EcbRates`; default: the bundled history).
    ``observed_at`` must be timezone-aware. Raises ValueError, :class:`pipelines.history.normalise.FxError`.
    """
    at = observed_utc(observed_at)
    rates = rates or EcbRates()
    rows = []
    for o in offers:
        rate = fx_date = usd = usd_mtok = None
        mtok = per_mtok(o.amount, o.unit)
        if o.currency is not None:
            rate, fx_date = rates.rate_or_newest(o.currency, at.date())
            usd = (o.amount / rate).quantize(USD_PLACES)
            usd_mtok = None if mtok is None else (mtok / rate).quantize(USD_PLACES)
        rows.append({
            "observed_at": at,
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
