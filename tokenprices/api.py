"""The Python API: prices in force on a day, the cost of a request, the latest prices (docs/python-api.md).

Every answer comes from the same code as the command line: :func:`price_at` is ``tokenprices price``
(:func:`pipelines.history.lookup.answer`: aliases, dated alias moves, the reconciled evidence of every source),
:func:`latest` is ``tokenprices latest`` (``warehouse/sql/latest_prices_list.sql``), and :func:`cost` prices one
request with the prices :func:`price_at` returns (all tiers). Results are frozen dataclasses; money is Decimal, in
USD per 1M tokens (a CNY list converted at the ECB rate of its run, as in the warehouse).

The data: a DuckDB warehouse file opened read-only, or the Parquet lake when no DuckDB file is given
(:func:`connect`). Each function takes ``con=`` (a connection from :func:`connect`, reused across calls) or opens
the configured warehouse (``TOKENPRICES_WAREHOUSE``, else the lake of ``TOKENPRICES_DATA_DIR``).
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pipelines import config, warehouse
from pipelines.history import lookup

MTOK = Decimal(1_000_000)
#: service tiers :func:`cost` accepts (docs/price-semantics.md).
SERVICE_TIERS = ("standard", "batch", "flex", "priority", "off_peak")


class PriceNotFound(LookupError):
    """No price answers the question: the message says why (unknown model, no price of that snapshot on that date,
    no batch price, ...)."""


# ------------------------------------------------------------------------------------------------ connections


def connect(database: str | Path | None = None, lake: str | Path | None = None):
    """A read-only connection: to the DuckDB file ``database``; else to the Parquet lake folder ``lake`` (loaded
    into memory: :func:`pipelines.warehouse.connect_lake`); else to the configured warehouse
    (``TOKENPRICES_WAREHOUSE``) when its file exists, else the configured lake. FileNotFoundError naming what is
    missing."""
    if database is None and lake is None:
        db = config.warehouse_database()
        if config.is_remote(db) or Path(db).is_file():
            database = db
        else:
            lake = config.data_dir() / "lake"
    if database is not None:
        if not config.is_remote(str(database)) and not Path(database).is_file():
            raise FileNotFoundError(f"no DuckDB warehouse at {database}")
        try:  # the command line's connection (same settings: one process may hold both)
            return warehouse.connect_readonly(database=str(database))
        except SystemExit as exc:  # a library raises, it does not exit
            raise OSError(str(exc)) from None
    return warehouse.connect_lake(lake)


@contextmanager
def _using(con):
    if con is not None:
        yield con
        return
    own = connect()
    try:
        yield own
    finally:
        own.close()


def _day(at) -> dt.date:
    if at is None:
        return dt.datetime.now(dt.UTC).date()
    if isinstance(at, dt.datetime):
        return at.astimezone(dt.UTC).date() if at.tzinfo else at.date()
    if isinstance(at, dt.date):
        return at
    return dt.date.fromisoformat(str(at)[:10])


# ------------------------------------------------------------------------------------------------ price_at


@dataclass(frozen=True)
class Price:
    """One price in force: its key, USD per 1M tokens, and its provenance (the source that dated it, every source
    that showed it, the last day one was seen showing it)."""

    price_kind: str
    service_tier: str
    tier_min_tokens: int
    region: str
    currency: str
    usd_per_mtok: Decimal
    source: str
    sources: tuple[str, ...]
    n_sources: int
    valid_from: dt.date
    valid_to: dt.date | None
    last_confirmed: dt.date | None


@dataclass(frozen=True)
class ContextWindow:
    """A seller id's context window in tokens and its source; ``own`` False when it is its model identity's."""

    tokens: int
    source: str
    own: bool


@dataclass(frozen=True)
class ModelPrices:
    """The prices of one seller's model on ``day`` (one answer of ``tokenprices price``)."""

    asked: str
    day: dt.date
    provider: str
    model: str
    creator: str
    canonical_model: str
    alias_of: str | None
    context_window: ContextWindow | None
    prices: tuple[Price, ...]

    def price(self, price_kind: str, service_tier: str = "standard", tier_min_tokens: int = 0,
              region: str | None = None, currency: str | None = None) -> Price | None:
        """The price of that key (the global region and the USD list first when not given), None if absent."""
        rows = [p for p in self.prices if (p.price_kind, p.service_tier, p.tier_min_tokens)
                == (price_kind, service_tier, tier_min_tokens)
                and (region is None or p.region == region) and (currency is None or p.currency == currency)]
        rows.sort(key=lambda p: (p.region != "global", p.currency != "USD", p.region, p.currency))
        return rows[0] if rows else None


def price_at(model: str, day=None, provider: str | None = None, region: str | None = None, *,
             all_tiers: bool = False, con=None) -> list[ModelPrices]:
    """The prices of ``model`` (any alias) in force on ``day`` (a date, datetime or ``YYYY-MM-DD``; default today,
    UTC): one :class:`ModelPrices` per seller id answering, exactly what ``tokenprices price MODEL --at DAY
    [--provider P] [--region R] [--all-tiers]`` answers. Raises :class:`PriceNotFound` with the command's error."""
    d = _day(day)
    with _using(con) as c:
        res = lookup.answer(c, model, d, provider, region, all_tiers)
    if res["error"]:
        raise PriceNotFound(res["error"])
    out = []
    for a in res["answers"]:
        w = a["context_window"]
        out.append(ModelPrices(
            asked=model, day=d, provider=a["provider"], model=a["model"], creator=a["creator"],
            canonical_model=a["canonical_model"], alias_of=a["alias_of"]["target"] if a["alias_of"] else None,
            context_window=ContextWindow(int(w["tokens"]), w["source"], bool(w["own"])) if w else None,
            prices=tuple(Price(p["price_kind"], p["service_tier"], p["tier_min_tokens"], p["region"], p["currency"],
                               p["usd_per_mtok"], p["source"], tuple(p["sources"]), p["n_sources"], p["valid_from"],
                               p["valid_to"], p["last_confirmed"]) for p in a["prices"])))
    return out


# ------------------------------------------------------------------------------------------------ cost


@dataclass(frozen=True)
class CostLine:
    """One part of a request's cost: ``tokens`` of ``part`` (input, cached, cache_write, output) at the price of
    ``price_kind`` (USD per 1M tokens, with its source)."""

    part: str
    tokens: int
    price_kind: str
    usd_per_mtok: Decimal
    usd: Decimal
    source: str


@dataclass(frozen=True)
class Cost:
    """What one request cost on ``day``: the seller id and price list used, the long-context tier its prompt fell
    in (``tier_min_tokens``, cliff semantics), the lines and their total in USD, and notes on any rule applied."""

    asked: str
    day: dt.date
    provider: str
    model: str
    region: str
    currency: str
    service_tier: str
    prompt_tokens: int
    tier_min_tokens: int
    lines: tuple[CostLine, ...]
    usd: Decimal
    notes: tuple[str, ...]


def cost(model: str, *, input_tokens: int = 0, cached_tokens: int = 0, cache_write_tokens: int = 0,
         output_tokens: int = 0, at=None, service_tier: str | None = None, tier: str | None = None,
         cache_ttl: str = "5m", provider: str | None = None, region: str | None = None, con=None) -> Cost:
    """The cost in USD of one request to ``model`` on ``at`` (default today, UTC) with the prices in force that day
    (:func:`price_at` with all tiers). ``input_tokens`` are uncached prompt tokens, ``cached_tokens`` prompt tokens
    read from the cache, ``cache_write_tokens`` prompt tokens written to it (``cache_ttl`` ``5m`` or ``1h`` where
    the seller prices the two), ``output_tokens`` the completion. ``service_tier`` (or its alias ``tier``):
    standard, batch, flex, priority, off_peak.

    Rules (docs/python-api.md): the prompt is input + cached + cache-write tokens; a long-context tier applies to the
    whole request when the prompt is above its ``tier_min_tokens`` (cliff), each kind at its highest tier at or below
    it; cached tokens without a cache-read price are billed as input, cache writes without a cache-write price as
    input (a note says so); the service tier must have input and output prices, else :class:`PriceNotFound`; the
    global region and the USD list are used unless ``region`` is given or the seller has only one."""
    service = service_tier or tier or "standard"
    _check_request(service, cache_ttl, input_tokens, cached_tokens, cache_write_tokens, output_tokens)  # before a lookup
    return request_cost(price_at(model, at, provider, region, all_tiers=True, con=con), input_tokens=input_tokens,
                        cached_tokens=cached_tokens, cache_write_tokens=cache_write_tokens, output_tokens=output_tokens,
                        service_tier=service, cache_ttl=cache_ttl, region=region)


def _check_request(service: str, cache_ttl: str, input_tokens, cached_tokens, cache_write_tokens,
                   output_tokens) -> None:
    """ValueError unless the service tier and cache TTL are known and every token count is a whole number >= 0
    (naming the first that is not)."""
    if service not in SERVICE_TIERS:
        raise ValueError(f"service tier {service!r} is not one of {', '.join(SERVICE_TIERS)}")
    if cache_ttl not in ("5m", "1h"):
        raise ValueError(f"cache_ttl must be '5m' or '1h', not {cache_ttl!r}")
    counts = {"input": input_tokens, "cached": cached_tokens, "cache_write": cache_write_tokens,
              "output": output_tokens}
    for k, v in counts.items():
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise ValueError(f"{k}_tokens must be a whole number >= 0, not {v!r}")


def request_cost(answers: list[ModelPrices], *, input_tokens: int = 0, cached_tokens: int = 0,
                 cache_write_tokens: int = 0, output_tokens: int = 0, service_tier: str = "standard",
                 cache_ttl: str = "5m", region: str | None = None) -> Cost:
    """:func:`cost` of a request with prices already looked up (``price_at(..., all_tiers=True)``): what ``tokenprices
    bill`` calls once per request, looking the prices up once per model and day."""
    service = service_tier
    _check_request(service, cache_ttl, input_tokens, cached_tokens, cache_write_tokens, output_tokens)
    a = answers[0]
    model = a.asked
    lists = sorted({(p.region, p.currency) for p in a.prices},
                   key=lambda rc: (rc[0] != "global", rc[1] != "USD", rc))
    reg, cur = lists[0]
    book = [p for p in a.prices if (p.region, p.currency) == (reg, cur)]
    prompt = input_tokens + cached_tokens + cache_write_tokens
    notes: list[str] = []

    def find(kind: str, service_: str, t: int) -> Price | None:
        rows = [p for p in book if p.price_kind == kind and p.service_tier == service_ and p.tier_min_tokens <= t]
        return max(rows, key=lambda p: p.tier_min_tokens) if rows else None

    thresholds = sorted({p.tier_min_tokens for p in book if p.service_tier == service})
    tier_min = max((t for t in thresholds if t == 0 or prompt > t), default=0)
    p_in, p_out = find("input", service, tier_min), find("output", service, tier_min)
    if p_in is None or p_out is None:
        have = sorted({p.service_tier for p in book})
        raise PriceNotFound(f"no {service} input and output price of {a.provider} {a.model} on {a.day}"
                            f" (region {reg}, {cur} list; service tiers priced: {', '.join(have)})")
    lines = [CostLine("input", input_tokens, "input", p_in.usd_per_mtok,
                      input_tokens * p_in.usd_per_mtok / MTOK, p_in.source)]
    if cached_tokens:
        p = find("cache_read", service, tier_min)
        if p is None:
            p = p_in
            notes.append("no cache-read price: cached tokens billed as input")
        lines.append(CostLine("cached", cached_tokens, p.price_kind, p.usd_per_mtok,
                              cached_tokens * p.usd_per_mtok / MTOK, p.source))
    if cache_write_tokens:
        p = find(f"cache_write_{cache_ttl}", service, tier_min) or find("cache_write", service, tier_min)
        if p is None:
            p = p_in
            notes.append("no cache-write price: cache writes billed as input")
        lines.append(CostLine("cache_write", cache_write_tokens, p.price_kind, p.usd_per_mtok,
                              cache_write_tokens * p.usd_per_mtok / MTOK, p.source))
    lines.append(CostLine("output", output_tokens, "output", p_out.usd_per_mtok,
                          output_tokens * p_out.usd_per_mtok / MTOK, p_out.source))
    if len(answers) > 1:
        notes.append(f"{len(answers)} seller ids answer {model!r}; priced as {a.provider} {a.model}")
    if len(lists) > 1 and region is None:
        notes.append(f"{len(lists)} price lists; used region {reg}, {cur} list")
    return Cost(asked=model, day=a.day, provider=a.provider, model=a.model, region=reg, currency=cur,
                service_tier=service, prompt_tokens=prompt, tier_min_tokens=tier_min, lines=tuple(lines),
                usd=sum((ln.usd for ln in lines), Decimal(0)), notes=tuple(notes))


# ------------------------------------------------------------------------------------------------ latest


@dataclass(frozen=True)
class LatestPrice:
    """A price in force today (a row of ``marts.latest_prices``, as ``tokenprices latest`` lists it)."""

    provider: str
    model: str
    price_kind: str
    service_tier: str
    tier_min_tokens: int
    region: str
    currency: str
    conditions: str | None
    usd_per_mtok: Decimal
    source: str  # the evidence that dated the price (the reconciled history's winning source)
    n_sources: int  # how many sources agree
    last_confirmed: dt.date | None  # the last day a source was seen showing it
    valid_from: dt.date


def latest(provider: str | None = None, *, all_sources: bool = False, con=None) -> list[LatestPrice]:
    """The latest prices of one seller (all when None), as ``tokenprices latest [--provider P] [--all-sources]``:
    the reconciled prices in force today, each with its winning source, the number of sources that agree and the
    day it was last confirmed; prices only LiteLLM (an aggregator) shows only with ``all_sources``."""
    with _using(con) as c:
        rows = warehouse.run(c, "latest_prices_list", {"provider": provider, "all": all_sources}).fetchall()
    return [LatestPrice(*r) for r in rows]
