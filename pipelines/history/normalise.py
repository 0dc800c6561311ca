"""Parsed prices -> normalised quotes (USD per 1M tokens), with ECB exchange rates.

A quote row has the columns of ``staging.price_quotes`` (see ``warehouse/sql/schema.sql``). Money is Decimal
throughout: unit rescaling is exact, currency conversion is one Decimal division by the ECB rate.

Exchange rates: the ECB euro reference rates. The history bundled with ``currencyconverter`` is the base; rates
a live run fetched (:func:`fetch_ecb_rates`, the ECB's daily ``eurofxref.zip`` through the polite
:class:`~pipelines.sources.fetch.LiveFetcher`) are kept in the warehouse (``raw.ecb_rates``, with their date,
URL and fetch time) and read with it into the run's :class:`EcbRates` (:func:`refresh_rates`), which every
conversion of the run is given; replay and offline runs use what is stored.
A price observed after the newest stored rate is converted at that rate, with the rate's own date in
``fx_date`` and a warning (:func:`fx_warnings`), never a failed source.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlsplit

from currency_converter import CurrencyConverter, RateNotFoundError
from currency_converter.currency_converter import get_lines_from_zip

from pipelines import config
from pipelines.sources.base import TOKEN_UNITS, ParsedPrice, Source, is_token_unit

log = logging.getLogger(__name__)

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


class EcbRates:
    """The ECB reference rates of one run: the history bundled with ``currencyconverter``, extended by the rates
    stored in the warehouse (``raw.ecb_rates``: ``stored`` rows ``(rate_date, currency, per_eur)``, as
    :func:`refresh_rates` returns them). ECB rates, once published, are not revised, so the two agree where both
    have a day. Built once per run and passed to every conversion (:func:`quote_rows`, :func:`unit_price_rows`,
    :func:`pipelines.cost.offers.offer_rows`); ``EcbRates()`` is the bundled history alone. It remembers the
    (currency, observation day) it warned about, so a page of 40 prices logs one warning, not 40."""

    def __init__(self, stored=()) -> None:
        self.stored: dict[str, dict[dt.date, Decimal]] = {}
        for day, currency, per_eur in stored:
            self.stored.setdefault(currency, {})[day] = Decimal(per_eur)
        self.warned: set[tuple[str, dt.date]] = set()

    def knows(self, currency: str) -> bool:
        """True for a currency the ECB publishes a rate of (stored or bundled), and USD."""
        return currency == "USD" or currency in self.stored or currency in _converter().currencies

    def per_eur(self, currency: str, day: dt.date) -> Decimal | None:
        """Units of ``currency`` per EUR published for ``day`` (stored rates first, then the bundled history)."""
        if currency == "EUR":
            return Decimal(1)
        stored = self.stored.get(currency, {}).get(day)
        if stored is not None:
            return stored
        try:
            return Decimal(_converter().convert(1, "EUR", currency, date=day))
        except (RateNotFoundError, ValueError):
            return None

    def newest(self, currency: str) -> dt.date | None:
        """The newest day with an ECB rate for ``currency`` (stored or bundled); None for a currency the ECB lacks."""
        if currency == "EUR":
            return self.newest("USD")
        days = list(self.stored.get(currency, {}))
        bounds = _converter().bounds.get(currency)
        if bounds:
            days.append(bounds.last_date)
        return max(days, default=None)

    def _on_or_before(self, currency: str, on: dt.date) -> tuple[Decimal, dt.date] | None:
        for back in range(MAX_FX_LOOKBACK_DAYS + 1):
            day = on - dt.timedelta(days=back)
            per_eur, usd_per_eur = self.per_eur(currency, day), self.per_eur("USD", day)
            if per_eur is not None and usd_per_eur is not None:
                return per_eur / usd_per_eur, day
        return None

    def rate(self, currency: str, on: dt.date) -> tuple[Decimal, dt.date]:
        """Units of ``currency`` per 1 USD from the ECB reference rates of ``on``, or the last published before it.

        ECB publishes rates against EUR; the cross rate is ``(currency per EUR) / (USD per EUR)``, in Decimal.
        Returns ``(rate, rate_date)``; USD returns ``(1, on)``. Raises :class:`FxError` when the ECB has no
        rate within :data:`MAX_FX_LOOKBACK_DAYS` before ``on`` (e.g. a date past the known history: see
        :meth:`rate_or_newest` for prices, which must not fail there).
        """
        if currency == "USD":
            return Decimal(1), on
        found = self._on_or_before(currency, on)
        if found:
            return found
        last = self.newest(currency)
        raise FxError(
            f"no ECB rate for {currency} on or up to {MAX_FX_LOOKBACK_DAYS} days before {on}"
            + (f" (the known ECB history ends {last})" if last else "")
        )

    def rate_or_newest(self, currency: str, on: dt.date) -> tuple[Decimal, dt.date]:
        """:meth:`rate`, except past the end of the known ECB history: then the newest rate, with its own date
        (so ``fx_date`` shows how old it is) and a warning in the log. Raises :class:`FxError` for a currency the
        ECB does not publish, or a date before its history (or in a gap longer than the lookback)."""
        try:
            return self.rate(currency, on)
        except FxError:
            newest = min((d for d in (self.newest(currency), self.newest("USD")) if d), default=None)
            if newest is None or newest >= on:
                raise
            found = self._on_or_before(currency, newest)
            if found is None:
                raise
            if (currency, on) not in self.warned:
                self.warned.add((currency, on))
                log.warning("no ECB rate for %s on %s: using the newest, of %s", currency, on, found[1])
            return found


def ecb_rate(currency: str, on: dt.date) -> tuple[Decimal, dt.date]:
    """:meth:`EcbRates.rate` on the bundled ECB history alone (no warehouse at hand). Source: ECB euro foreign
    exchange reference rates, bundled with ``currencyconverter``."""
    return EcbRates().rate(currency, on)


def stale_fx(fx_date: dt.date | None, on: dt.date) -> bool:
    """True when a rate dated ``fx_date`` is older than a lookup on ``on`` can give (the newest-rate fallback)."""
    return fx_date is not None and (on - fx_date).days > MAX_FX_LOOKBACK_DAYS


def fx_warnings(rows: list[dict], on: dt.date) -> list[str]:
    """One line per currency of ``rows`` (quote or unit-price rows) converted at a rate older than ``on`` can be
    looked up at: 'CNY converted at the ECB rate of 2026-10-30, the newest known (observed 2026-12-05)'."""
    seen: dict[str, dt.date] = {}
    for r in rows:
        if r.get("original_currency") != "USD" and stale_fx(r.get("fx_date"), on):
            seen.setdefault(r["original_currency"], r["fx_date"])
    return [f"{cur} converted at the ECB rate of {d}, the newest known (observed {on})" for cur, d in sorted(seen.items())]


# -- ECB files, fetched live and stored in the warehouse -------------------------------------------------------

def read_ecb_file(body: bytes) -> list[tuple[dt.date, str, Decimal]]:
    """``(date, currency, units per EUR)`` of an ECB reference-rate file: the daily or historical CSV, zipped
    (``eurofxref.zip``, ``eurofxref-hist.zip``) or not, read by ``currencyconverter``. Raises :class:`FxError`
    when the file has no USD rate (every cross rate goes through USD) or is not such a file."""
    try:
        lines = get_lines_from_zip(body) if body[:2] == b"PK" else body.decode("utf-8").splitlines()
        c = CurrencyConverter(currency_file=None, decimal=True)
        c.load_lines(lines)
    except Exception as exc:  # a body that is not an ECB file (HTML error page, truncated zip, ...)
        raise FxError(f"not an ECB reference-rate file: {type(exc).__name__}: {exc}") from exc
    out = []
    for currency, bounds in sorted(c.bounds.items()):
        if currency == "EUR":
            continue
        day = bounds.first_date
        while day <= bounds.last_date:
            try:
                out.append((day, currency, Decimal(c.convert(1, "EUR", currency, date=day))))
            except (RateNotFoundError, ValueError):
                pass
            day += dt.timedelta(days=1)
    if not any(cur == "USD" for _, cur, _ in out):
        raise FxError("ECB reference-rate file has no USD rate")
    return out


def fetch_ecb_rates(fetcher, url: str = config.ECB_DAILY_URL) -> list[dict]:
    """Rows for ``raw.ecb_rates`` from the ECB file at ``url``, fetched now with ``fetcher`` (a
    :class:`~pipelines.sources.fetch.LiveFetcher`: the project's User-Agent, robots.txt, delays and retries; only
    the URL's own host). Raises FetchError, FxError."""
    src = Source(name="ecb_rates", provider="ecb", urls=(url,), fmt="csv", parse=None,
                 hosts=(urlsplit(url).hostname or "",))
    [res] = fetcher.get_urls(src, [url])
    from pipelines.sources.fetch import FetchError

    if res.status != 200:
        raise FetchError(f"{url}: HTTP {res.status}")
    return [
        {"rate_date": day, "currency": cur, "per_eur": rate, "source_url": res.final_url, "fetched_at": res.fetched_at}
        for day, cur, rate in read_ecb_file(res.body)
    ]


def refresh_rates(con, fetch=None) -> tuple[EcbRates, list[str]]:
    """Store the rates ``fetch()`` returns (a live run: :func:`fetch_ecb_rates`; None on replay) in
    ``raw.ecb_rates``, then read every stored rate: the run's :class:`EcbRates`. A failed fetch is a warning,
    not a failure: the stored history is used. Returns the rates and log lines (warnings first word 'warning:')."""
    from pipelines import warehouse
    from pipelines.sources.fetch import FetchError

    con.execute(warehouse.sql("schema_fx"))
    notes = []
    if fetch is not None:
        try:
            rows = fetch()
        except (FetchError, FxError) as exc:
            notes.append(f"warning: ECB rates not fetched ({exc}); using the stored history")
        else:
            # published rates are not revised: a day already stored keeps the row (and provenance) of its first fetch
            stored = {(d, c) for d, c, _ in warehouse.run(con, "ecb_rates").fetchall()}
            warehouse.insert(con, "raw.ecb_rates", [r for r in rows if (r["rate_date"], r["currency"]) not in stored])
            days = sorted({r["rate_date"] for r in rows})
            notes.append(f"ECB rates fetched: {len(rows)} rates of {days[0]}..{days[-1]} from {rows[0]['source_url']}")
    return EcbRates(warehouse.run(con, "ecb_rates").fetchall()), notes


def usd(amount: Decimal, currency: str, rate: Decimal) -> Decimal:
    """``amount`` of ``currency`` in USD at ``rate`` (units of the currency per USD), to :data:`USD_PLACES`."""
    return (amount if currency == "USD" else amount / rate).quantize(USD_PLACES)


def to_usd_per_mtok(amount: Decimal, currency: str, unit: str, on: dt.date,
                    rates: EcbRates | None = None) -> tuple[Decimal, Decimal, dt.date]:
    """Convert a price as written to USD per 1M tokens.

    ``amount`` in ``currency`` per ``unit`` (a key of TOKEN_UNITS). Returns ``(usd_per_mtok, fx_rate,
    fx_date)`` where fx_rate is units of ``currency`` per USD (1 for USD), from ``rates`` (default: the bundled
    history); past the known ECB history the newest rate is used (:meth:`EcbRates.rate_or_newest`). Raises
    FxError, KeyError (unit).
    """
    rate, day = (rates or EcbRates()).rate_or_newest(currency, on)
    return usd(amount * TOKEN_UNITS[unit], currency, rate), rate, day


def observed_utc(observed_at: dt.datetime) -> dt.datetime:
    """``observed_at`` (timezone-aware) as naive UTC, as the warehouse stores it; its date is the FX date. Raises
    ValueError for a naive datetime."""
    if observed_at.tzinfo is None:
        raise ValueError("observed_at must be timezone-aware (UTC)")
    return observed_at.astimezone(dt.UTC).replace(tzinfo=None)


def _price_rows(prices: list[ParsedPrice], token: bool, *, source: str, source_url: str, observed_at: dt.datetime,
                snapshot_sha256: str, rates: EcbRates | None) -> list[dict]:
    """The rows of :func:`quote_rows` (``token``) or :func:`unit_price_rows`: the price's identity, its amount in
    USD per 1M tokens or per its own unit, the ECB rate used and its provenance."""
    at = observed_utc(observed_at)
    rates = rates or EcbRates()
    rows = []
    for p in prices:
        if is_token_unit(p.unit) != token:
            continue
        rate, fx_date = rates.rate_or_newest(p.currency, at.date())
        if token:
            amount = {"tier_min_tokens": p.tier_min_tokens, "region": p.region,
                      "usd_per_mtok": usd(p.amount * TOKEN_UNITS[p.unit], p.currency, rate),
                      "original_amount": p.amount, "original_currency": p.currency, "original_unit": p.unit}
        else:
            amount = {"region": p.region, "unit": p.unit, "usd_per_unit": usd(p.amount, p.currency, rate),
                      "original_amount": p.amount, "original_currency": p.currency}
        rows.append({
            "observed_at": at, "source": source, "provider": p.provider, "model": p.model,
            "model_name": p.model_name, "price_kind": p.price_kind, "service_tier": p.service_tier, **amount,
            "fx_rate": rate, "fx_date": fx_date, "conditions": p.conditions, "source_url": source_url,
            "snapshot_sha256": snapshot_sha256, "location": p.where,
        })
    return rows


def quote_rows(prices: list[ParsedPrice], *, source: str, source_url: str, observed_at: dt.datetime,
               snapshot_sha256: str, rates: EcbRates | None = None) -> list[dict]:
    """Rows for ``staging.price_quotes``, one per parsed *token* price, in the order given (prices in non-token
    units are left out: see :func:`unit_price_rows`), converted with ``rates`` (the run's :class:`EcbRates`;
    default: the bundled history alone).

    ``observed_at`` must be timezone-aware (UTC); the FX date is its UTC date. Raises ValueError, FxError.
    """
    return _price_rows(prices, True, source=source, source_url=source_url, observed_at=observed_at,
                       snapshot_sha256=snapshot_sha256, rates=rates)


def unit_price_rows(prices: list[ParsedPrice], *, source: str, source_url: str, observed_at: dt.datetime,
                    snapshot_sha256: str, rates: EcbRates | None = None) -> list[dict]:
    """Rows for ``staging.unit_prices``: parsed prices in non-token units (per image, per second, per 1K
    requests...), kept with their own unit and converted to USD per that unit (``usd_per_unit``) with ``rates``
    (as :func:`quote_rows`), never to a token price. Token prices are left out (see :func:`quote_rows`). Raises
    ValueError, FxError.
    """
    return _price_rows(prices, False, source=source, source_url=source_url, observed_at=observed_at,
                       snapshot_sha256=snapshot_sha256, rates=rates)
