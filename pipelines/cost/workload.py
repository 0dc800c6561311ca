"""What a workload costs: a workload profile (YAML) priced against every (provider, model, region) option.

A list price per token is not what a buyer pays. This module prices a month of a workload -- uncached input,
cached input and output tokens, a share of long prompts, a batchable and an off-peak share, a buyer's region and
currency -- with the prices in force on a day (``marts.price_history``, the reconciled history
``marts.latest_prices`` is the current day of) and the offers of ``marts.billing_offers`` (free quotas, promotions, batch discounts,
regional uplifts). The profile schema and every assumption are in ``docs/workload.md``; in short:

- **Tiers, cliff semantics** (price-semantics.md, "tier_min_tokens"): a request whose prompt is above a tier's
  threshold is billed entirely at that tier's prices (input, cache reads and output). The profile gives the share of
  requests above thresholds (``context.share_above``); between them the share is interpolated linearly (requests
  spread evenly over prompt lengths within a band), from 1 at 0 tokens down to 0 at ``context.max_prompt_tokens``.
  The token volumes are split like the requests (each request carries the month's average mix).
  Volcengine's own example of the rule: "当1个请求的输入长度为 200k … 满足 输入长度 (128, 256] 条件，模型产生的所有
  token 按照：输入2.4 元/百万 token，输出 24 元/百万 token 单价计费"
  (https://www.volcengine.com/docs/82379/1544106).
- **Service tiers**: ``batchable_share`` of the requests is billed at the option's cheapest of its batch prices,
  its off-peak prices (or its batch discount offer, Alibaba's "Batch调用 半价") and the standard prices;
  ``off_peak_share`` (real-time requests inside the seller's off-peak window) at its off-peak prices where it has
  them; the rest at standard prices. A kind missing from a service tier is billed at that tier's input price
  (cache reads) or at the standard price (input, output).
- **Cache reads** at the ``cache_read`` price; an option without one bills cached tokens as input.
- **Conditional prices** (two prices for one key told apart by ``conditions``): the unconditional one; else the
  non-thinking (``thinking: false``) or thinking (``thinking: true``) price where the page splits them; else the
  highest (a lower price needs conditions the profile does not state, e.g. Volcengine's output <= 200 tokens).
- **Promotions** in force on the day replace the list price they name; **regional uplifts** (OpenAI's 10% for
  data residency) add an option in their region at the global prices times (1 + uplift).
- **Free quotas** (only with ``free_quotas: true``): a one-off quota of Q tokens valid D days counts
  ``Q * 30.4375 / D`` free tokens a month (the quota spread over its validity: the cost of one of the first months),
  a monthly quota its Q; the free tokens are valued at the option's average price per token of the workload.
  Free tiers without a stated quantity (Gemini), TPM packs and model units are not used: their value depends on
  rate limits and peak throughput the profile does not give.
- **Currency**: each option is priced in its list's currency (a seller's CNY and USD lists are two options) and
  converted to the buyer's currency with the ECB reference rates of the day (or the last publication before it;
  past the end of the bundled ECB history, its last rate, flagged in ``notes``).

Money is Decimal throughout; amounts are per month in the buyer's currency.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pipelines.cost.offers import DAYS_PER_MONTH

MTOK = Decimal(1_000_000)
ZERO = Decimal(0)
ONE = Decimal(1)
#: the bundled profiles (``profiles/<name>.yaml``), in the order the asset reports them.
BUNDLED = ("chat_assistant", "rag_long_prompts", "batch_summarisation")
#: price kinds and service tiers the cost uses.
KINDS = ("input", "cache_read", "output")
SERVICES = ("standard", "batch", "off_peak")
_REGION = re.compile(r"^[a-z][a-z0-9-]*$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
BREAKDOWN = ("input", "cache", "output", "tier_surcharge", "discounts", "free_quota", "total")
#: model ids that are not text-generation list prices: the rule of :func:`pipelines.forecast.fit.is_text_model`, kept
#: here so that ``tokenprices cost`` does not import statsmodels (tests/test_workload.py checks they are the same).
NON_TEXT_PATTERNS = (r"^ft:", r"audio", r"realtime", r"transcribe", r"tts", r"whisper", r"image", r"dall-e",
                     r"embed", r"moderation", r"robotics", r"-live", r"computer-use")
_NON_TEXT = re.compile("|".join(NON_TEXT_PATTERNS), re.IGNORECASE)


def is_text_model(model: str) -> bool:
    """False when ``model`` matches one of :data:`NON_TEXT_PATTERNS` (case-insensitive)."""
    return _NON_TEXT.search(model) is None


class ProfileError(ValueError):
    """A workload profile that cannot be used: the message names the file and the key."""


class NoPricesError(LookupError):
    """No option of the profile has prices in force on the day asked for."""


# --------------------------------------------------------------------------------------------- profiles


@dataclass(frozen=True)
class Profile:
    """A month of a workload (schema: docs/workload.md).

    Token volumes are tokens per month (Decimal, >= 0): ``input_tokens`` uncached prompt tokens,
    ``cached_input_tokens`` prompt tokens read from the provider's cache, ``output_tokens`` completion tokens
    (reasoning included). ``share_above``: ((threshold tokens, share of requests whose prompt is above it), ...),
    thresholds ascending, shares non-increasing in [0, 1]; ``max_prompt_tokens``: no prompt is longer.
    ``batchable_share`` / ``off_peak_share``: shares of requests in [0, 1] whose sum is at most 1. ``region`` /
    ``currency``: the buyer's (ISO 4217 currency); ``regions``: the price regions acceptable (default the buyer's
    region and ``global``); ``sellers`` / ``models``: optional filters (seller slugs; shell patterns of model ids).
    """

    name: str
    description: str
    input_tokens: Decimal
    cached_input_tokens: Decimal
    output_tokens: Decimal
    max_prompt_tokens: int
    share_above: tuple[tuple[int, Decimal], ...]
    batchable_share: Decimal
    off_peak_share: Decimal
    region: str
    currency: str
    regions: tuple[str, ...]
    sellers: tuple[str, ...] | None = None
    models: tuple[str, ...] | None = None
    thinking: bool = False
    free_quotas: bool = False
    path: str = ""

    @property
    def total_tokens(self) -> Decimal:
        return self.input_tokens + self.cached_input_tokens + self.output_tokens

    def above(self, threshold: int) -> Decimal:
        """Share of requests whose prompt is above ``threshold`` tokens: the listed share at a listed threshold,
        linear interpolation between listed points, with (0 tokens, 1) and (``max_prompt_tokens``, 0) as ends."""
        if threshold <= 0:
            return ONE
        if threshold >= self.max_prompt_tokens:
            return ZERO
        points = [(0, ONE), *self.share_above, (self.max_prompt_tokens, ZERO)]
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            if x0 <= threshold <= x1:
                if threshold == x1:
                    return y1
                return y0 + (y1 - y0) * Decimal(threshold - x0) / Decimal(x1 - x0)
        raise AssertionError("unreachable: thresholds cover (0, max_prompt_tokens)")  # pragma: no cover

    def allows(self, provider: str, model: str, region: str) -> bool:
        """Whether an option passes the profile's region, seller and model filters."""
        if region not in self.regions:
            return False
        if self.sellers is not None and provider not in self.sellers:
            return False
        return self.models is None or any(fnmatch.fnmatchcase(model, p) for p in self.models)


_TOP_KEYS = {"name", "description", "monthly_tokens", "context", "batchable_share", "off_peak_share", "buyer",
             "regions", "sellers", "models", "thinking", "free_quotas",
             "plans"}  # usage in plan units (subscriptions, packs): read by pipelines.cost.plans
_TOKEN_KEYS = {"input", "cached_input", "output"}
_CONTEXT_KEYS = {"max_prompt_tokens", "share_above"}
_BUYER_KEYS = {"region", "currency"}


def profiles_dir() -> Path:
    """The bundled profiles folder (``profiles/`` of the checkout)."""
    from pipelines import config

    return config.ROOT / "profiles"


def resolve_profile_path(name_or_path: str) -> Path:
    """A profile file: ``name_or_path`` as a path if it exists, else ``profiles/<name>.yaml``. Raises
    :class:`ProfileError` naming both places when neither exists."""
    p = Path(name_or_path).expanduser()
    if p.is_file():
        return p
    name = name_or_path[:-5] if name_or_path.endswith(".yaml") else name_or_path
    bundled = profiles_dir() / f"{name}.yaml"
    if bundled.is_file():
        return bundled
    raise ProfileError(f"no profile file {name_or_path!r} (neither a file nor {bundled})")


#: caps on a profile: its file size, and a month's token volume in any one key (10^15: a quadrillion tokens a
#: month, about what Google reported processing across all its products in mid-2025; no one buyer comes near).
MAX_PROFILE_BYTES = 1 << 20
MAX_MONTHLY_TOKENS = Decimal(10) ** 15


def load_profile(path: str | Path) -> Profile:
    """Read and validate a workload profile (YAML, schema in docs/workload.md).

    Raises :class:`ProfileError` with the file and key for: a missing file, YAML that is not a mapping, an unknown
    key, a missing required key, a negative or non-numeric token volume, a share outside [0, 1], shares above
    thresholds that increase, thresholds that are not ascending positive integers below ``max_prompt_tokens``,
    ``batchable_share + off_peak_share > 1``, a currency the ECB does not publish, a malformed region or seller.
    """
    import yaml

    path = Path(path)
    if not path.is_file():
        raise ProfileError(f"{path}: no such profile file")
    size = path.stat().st_size
    if size > MAX_PROFILE_BYTES:
        raise ProfileError(f"{path}: {size:,} bytes; a profile is at most {MAX_PROFILE_BYTES:,} bytes")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ProfileError(f"{path}: not valid YAML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ProfileError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except RecursionError:
        raise ProfileError(f"{path}: nested too deeply to be a profile") from None
    return profile_from_dict(doc, str(path))


def profile_from_dict(doc, where: str = "<profile>") -> Profile:
    """:func:`load_profile` on an already parsed document (``where`` names it in errors)."""

    def err(msg: str) -> ProfileError:
        return ProfileError(f"{where}: {msg}")

    def mapping(value, key: str, allowed: set[str], required: set[str]) -> dict:
        if not isinstance(value, dict):
            raise err(f"{key} must be a mapping, not {type(value).__name__}")
        unknown = sorted(set(map(str, value)) - allowed)
        if unknown:
            raise err(f"unknown key {key + '.' if key else ''}{unknown[0]} (allowed: {', '.join(sorted(allowed))})")
        missing = sorted(required - set(value))
        if missing:
            raise err(f"missing key {key + '.' if key else ''}{missing[0]}")
        return value

    def number(value, key: str) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise err(f"{key} must be a number, not {value!r}")
        try:
            d = Decimal(str(value).replace("_", ""))
        except ArithmeticError:
            raise err(f"{key} must be a number, not {value!r}") from None
        if not d.is_finite():
            raise err(f"{key} must be a finite number, not {value!r}")
        return d

    def tokens(value, key: str) -> Decimal:
        d = number(value, key)
        if d < 0:
            raise err(f"{key} must not be negative ({value!r} tokens)")
        if d > MAX_MONTHLY_TOKENS:
            raise err(f"{key} is {value!r} tokens, above the cap of {MAX_MONTHLY_TOKENS:,} (10^15) tokens a month")
        return d

    def share(value, key: str) -> Decimal:
        d = number(value, key)
        if not ZERO <= d <= ONE:
            raise err(f"{key} must be a share in [0, 1], not {value!r}")
        return d

    doc = mapping(doc if doc is not None else {}, "", _TOP_KEYS, {"name", "monthly_tokens", "buyer"})
    name = str(doc["name"])
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise err(f"name must be letters, digits, '_', '-', '.', not {name!r}")
    mt = mapping(doc["monthly_tokens"], "monthly_tokens", _TOKEN_KEYS, {"input", "output"})
    inp = tokens(mt["input"], "monthly_tokens.input")
    cached = tokens(mt.get("cached_input", 0), "monthly_tokens.cached_input")
    out = tokens(mt["output"], "monthly_tokens.output")
    if inp + cached + out == 0:
        raise err("monthly_tokens are all zero: nothing to price")
    ctx = mapping(doc.get("context") or {"max_prompt_tokens": 0}, "context", _CONTEXT_KEYS, set())
    max_prompt = ctx.get("max_prompt_tokens")
    above_raw = ctx.get("share_above") or {}
    if not isinstance(above_raw, dict):
        raise err("context.share_above must be a mapping {threshold tokens: share of requests above it}")
    if max_prompt is None or max_prompt == 0:
        if above_raw:
            raise err("context.share_above needs context.max_prompt_tokens (the longest prompt)")
        max_prompt = 1  # every request at the base tier: nothing is above any threshold
    else:
        mp = number(max_prompt, "context.max_prompt_tokens")
        if mp <= 0 or mp != mp.to_integral_value():
            raise err(f"context.max_prompt_tokens must be a positive whole number of tokens, not {max_prompt!r}")
        max_prompt = int(mp)
    pts = []
    for k, v in above_raw.items():
        t = number(k, f"context.share_above key {k!r}")
        if t <= 0 or t != t.to_integral_value():
            raise err(f"context.share_above threshold {k!r} must be a positive whole number of tokens")
        if t >= max_prompt:
            raise err(f"context.share_above threshold {k!r} is not below context.max_prompt_tokens ({max_prompt})")
        pts.append((int(t), share(v, f"context.share_above[{k}]")))
    pts.sort()
    for (t0, s0), (t1, s1) in zip(pts, pts[1:]):
        if s1 > s0:
            raise err(f"context.share_above must not increase with the threshold ({t0}: {s0}, {t1}: {s1})")
    batch = share(doc.get("batchable_share", 0), "batchable_share")
    off = share(doc.get("off_peak_share", 0), "off_peak_share")
    if batch + off > 1:
        raise err(f"batchable_share + off_peak_share = {batch + off} is more than 1 (they are disjoint shares)")
    buyer = mapping(doc["buyer"], "buyer", _BUYER_KEYS, {"region", "currency"})
    region, currency = str(buyer["region"]), str(buyer["currency"]).upper()
    if not _REGION.match(region):
        raise err(f"buyer.region must be a region slug (global, cn-mainland, intl, us, ...), not {region!r}")
    if not _CURRENCY.match(currency) or not _ecb_knows(currency):
        raise err(f"buyer.currency {currency!r} is not a currency the ECB publishes a reference rate for")
    regions = doc.get("regions")
    if regions is None:
        regions = [region] if region == "global" else [region, "global"]
    if not isinstance(regions, list) or not regions or not all(
            isinstance(r, str) and _REGION.match(r) for r in regions):
        raise err(f"regions must be a list of region slugs, not {regions!r}")
    sellers = doc.get("sellers")
    if sellers is not None and (not isinstance(sellers, list) or not all(
            isinstance(s, str) and re.fullmatch(r"[a-z0-9_.-]+", s) for s in sellers)):
        raise err(f"sellers must be a list of seller slugs, not {sellers!r}")
    models = doc.get("models")
    if models is not None and (not isinstance(models, list) or not all(isinstance(m, str) and m for m in models)):
        raise err(f"models must be a list of model-id patterns, not {models!r}")
    for flag in ("thinking", "free_quotas"):
        if flag in doc and not isinstance(doc[flag], bool):
            raise err(f"{flag} must be true or false, not {doc[flag]!r}")
    return Profile(
        name=name, description=str(doc.get("description") or ""), input_tokens=inp, cached_input_tokens=cached,
        output_tokens=out, max_prompt_tokens=max_prompt, share_above=tuple(pts), batchable_share=batch,
        off_peak_share=off, region=region, currency=currency, regions=tuple(regions),
        sellers=tuple(sellers) if sellers is not None else None, models=tuple(models) if models is not None else None,
        thinking=bool(doc.get("thinking", False)), free_quotas=bool(doc.get("free_quotas", False)), path=where,
    )


def _ecb_knows(currency: str) -> bool:
    from pipelines.history.normalise import EcbRates

    return EcbRates().knows(currency)


def bundled_profiles() -> list[Profile]:
    """The bundled profiles of :data:`BUNDLED`, loaded and validated."""
    return [load_profile(profiles_dir() / f"{n}.yaml") for n in BUNDLED]


# --------------------------------------------------------------------------------------------- prices and offers


@dataclass(frozen=True)
class PriceRow:
    """One token price of an option: ``amount`` in the list currency per 1M tokens."""

    price_kind: str
    service_tier: str
    tier_min_tokens: int
    conditions: str
    amount: Decimal


@dataclass
class Option:
    """A (provider, model, region) sold in one list currency, with its token prices on a day."""

    provider: str
    model: str
    region: str
    currency: str
    prices: list[PriceRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.provider, self.model, self.region, self.currency)

    def content(self) -> tuple:
        """``(key, prices, notes)``: what the option's cost depends on besides the profile and the offers, as a
        hashable tuple that keeps its hash (the memo of :func:`option_cost`). Computed once: an option is not
        changed after it is built."""
        got = self.__dict__.get("_content")
        if got is None:
            got = self.__dict__["_content"] = _HashedTuple((self.key, tuple(self.prices), tuple(self.notes)))
        return got


class _HashedTuple(tuple):
    """A tuple that computes its hash once (a tuple of dataclasses rehashes every member at every lookup)."""

    def __hash__(self) -> int:
        h = self.__dict__.get("hash")
        if h is None:
            h = self.__dict__["hash"] = tuple.__hash__(self)
        return h


@dataclass(frozen=True)
class Offer:
    """The offer fields the cost uses (a row of ``marts.billing_offers``)."""

    provider: str
    model: str | None
    region: str
    offer_kind: str
    amount: Decimal
    currency: str | None
    amount_per_mtok: Decimal | None
    quantity: Decimal | None
    quantity_unit: str | None
    unit: str
    price_kind: str | None
    service_tier: str | None
    tier_min_tokens: int
    valid_days: int | None
    conditions: str | None


def options_from_rows(rows) -> dict[tuple, Option]:
    """Options from price rows ``(provider, model, region, currency, price_kind, service_tier, tier_min_tokens,
    conditions, amount_per_mtok)`` (amount per 1M tokens in ``currency``)."""
    out: dict[tuple, Option] = {}
    for provider, model, region, currency, kind, tier, min_tokens, conditions, amount in rows:
        o = out.get((provider, model, region, currency))
        if o is None:
            o = out[(provider, model, region, currency)] = Option(provider, model, region, currency)
        o.prices.append(PriceRow(kind, tier, int(min_tokens), conditions or "", Decimal(amount)))
    return out


def prices_on(con, days: list[dt.date]) -> dict[dt.date, dict[tuple, Option]]:
    """``{day: {option key: Option}}``: the input / cache_read / output prices (standard, batch, off_peak) in force on
    each day (SQL ``workload_prices``: the reconciled ``marts.price_history``, one price per key and day),
    text models only (:func:`is_text_model`). The SQL returns each price once with the days it is in force on, so
    a price unchanged over 35 months is read and converted once (not 35 times)."""
    from pipelines import warehouse
    from pipelines.sources.base import TOKEN_UNITS

    raw = warehouse.run(con, "workload_prices", {"days": list(days)}).fetchall()
    by_key: dict[tuple, dict[dt.date, list[PriceRow]]] = {}  # option key -> day -> its prices, in the SQL's order
    text_ok: dict[str, bool] = {}
    for provider, model, region, currency, kind, tier, min_tokens, conditions, amount, unit, in_force in raw:
        ok = text_ok.get(model)
        if ok is None:
            ok = text_ok[model] = is_text_model(model)
        if not ok:
            continue
        price = PriceRow(kind, tier, int(min_tokens), conditions or "", Decimal(amount) * TOKEN_UNITS[unit])
        of_key = by_key.setdefault((provider, model, region, currency), {})
        for day in in_force:
            of_key.setdefault(day, []).append(price)
    out: dict[dt.date, dict[tuple, Option]] = {d: {} for d in days}
    for key, of_key in by_key.items():  # keys in the SQL's (sorted) order, as one day's dict had them
        same: dict[tuple, Option] = {}  # days with the same prices share one Option (and its cost memo entry)
        for day, prices in of_key.items():
            t = tuple(prices)
            option = same.get(t)
            if option is None:
                option = same[t] = Option(*key, prices)
            out[day][key] = option
    return out


def offers_on(con, day: dt.date) -> list[Offer]:
    """Offers of ``marts.billing_offers`` usable on ``day``: first seen on or before it, and within their stated
    window (``valid_from`` / ``valid_until``, inclusive). Empty when the table does not exist yet."""
    return offers_by_day(con, [day])[day]


def offers_by_day(con, days: list[dt.date]) -> dict[dt.date, list[Offer]]:
    """:func:`offers_on` for each of ``days`` (UTC dates), in one query (SQL ``workload_offers``): ``{day: offers
    in the query's order}``. Every day maps to an empty list when ``marts.billing_offers`` does not exist yet."""
    from pipelines import warehouse

    out: dict[dt.date, list[Offer]] = {d: [] for d in days}
    if not warehouse.run(con, "workload_has_offers").fetchone()[0]:
        return out  # a warehouse built before the offers existed: priced without them
    made: dict[tuple, Offer] = {}  # one Offer per distinct row, shared by the days it is usable on
    for day, *r in warehouse.run(con, "workload_offers", {"days": list(days)}).fetchall():
        key = tuple(r)
        offer = made.get(key)
        if offer is None:
            offer = made[key] = Offer(*r[:9], r[9], r[10], r[11], int(r[12] or 0), r[13], r[14])
        out[day].append(offer)
    return out


# --------------------------------------------------------------------------------------------- the cost


@dataclass
class Cost:
    """The monthly cost of one option for one profile, in the buyer's currency (Decimal, unrounded).

    ``input``, ``cache``, ``output``: the token volumes at the base-tier standard prices; ``tier_surcharge``: what
    the long-context tiers add (cliff); ``discounts``: what batch and off-peak prices save (<= 0);
    ``free_quota``: what free quotas save (<= 0); ``total``: their sum. ``list_total`` is ``total`` in the list
    currency; ``fx_rate`` buyer-currency units per list-currency unit (ECB, ``fx_date``).
    """

    provider: str
    model: str
    region: str
    list_currency: str
    currency: str
    input: Decimal
    cache: Decimal
    output: Decimal
    tier_surcharge: Decimal
    discounts: Decimal
    free_quota: Decimal
    total: Decimal
    list_total: Decimal
    fx_rate: Decimal
    fx_date: dt.date | None
    free_tokens: Decimal = ZERO
    notes: str = ""

    def row(self) -> dict:
        return {k: getattr(self, k) for k in ("provider", "model", "region", "list_currency", "currency", *BREAKDOWN,
                                               "fx_rate", "fx_date", "free_tokens", "notes")}


def _pick(rows: list[PriceRow], thinking: bool) -> Decimal:
    """One price among rows of one key that differ only in ``conditions`` (see the module doc)."""
    if len(rows) == 1:
        return rows[0].amount
    plain = [r for r in rows if not r.conditions]
    if plain:
        return max(r.amount for r in plain)
    if thinking:
        chosen = [r for r in rows if "思考模式" in r.conditions and "非思考" not in r.conditions]
    else:
        chosen = [r for r in rows if "非思考" in r.conditions or "non-thinking" in r.conditions.lower()]
    return max(r.amount for r in (chosen or rows))


class _Book:
    """An option's prices as ``(kind, service) -> sorted [(tier_min_tokens, amount)]``."""

    def __init__(self, option: Option, thinking: bool):
        groups: dict[tuple, list[PriceRow]] = {}
        for p in option.prices:
            groups.setdefault((p.price_kind, p.service_tier, p.tier_min_tokens), []).append(p)
        self.table: dict[tuple[str, str], list[tuple[int, Decimal]]] = {}
        for (kind, service, tier), rows in groups.items():
            self.table.setdefault((kind, service), []).append((tier, _pick(rows, thinking)))
        for v in self.table.values():
            v.sort()
        self.thresholds = sorted({t for v in self.table.values() for t, _ in v})

    def has(self, kind: str, service: str) -> bool:
        return (kind, service) in self.table

    def price(self, kind: str, service: str, tier: int) -> Decimal | None:
        """The price of ``kind`` at ``service`` for a prompt in tier ``tier``: the row of the highest threshold <=
        ``tier`` (a kind without a row for that tier keeps its lower tier's price), None without any row."""
        rows = self.table.get((kind, service))
        if not rows:
            return None
        best = None
        for t, a in rows:
            if t <= tier:
                best = a
        return best if best is not None else rows[0][1]


def _apply_offers(option: Option, offers: list[Offer]) -> tuple[Option, Decimal | None, Decimal]:
    """Promotions replace the list prices they name (same currency); returns (the option, the batch discount in
    percent off or None, free tokens a month (before the profile's switch))."""
    mine = [o for o in offers
            if o.provider == option.provider and o.model == option.model and o.region == option.region]
    if not mine:
        return option, None, ZERO
    prices = list(option.prices)
    notes = list(option.notes)
    discount = None
    free = ZERO
    for o in mine:
        if o.offer_kind == "promotion" and o.currency == option.currency and o.amount_per_mtok is not None:
            key = (o.price_kind, o.service_tier or "standard", o.tier_min_tokens)
            kept = [p for p in prices if (p.price_kind, p.service_tier, p.tier_min_tokens) != key]
            kept.append(PriceRow(o.price_kind, o.service_tier or "standard", o.tier_min_tokens, "", o.amount_per_mtok))
            prices = kept
            notes.append(f"promotion {o.price_kind}/{o.service_tier} {o.amount_per_mtok.normalize():f} {o.currency}/M")
        elif o.offer_kind == "batch_discount" and o.unit == "percent off":
            discount = o.amount if discount is None else max(discount, o.amount)
        elif o.offer_kind == "free_quota" and o.quantity_unit == "tokens" and o.quantity:
            if o.unit == "per month":
                free = max(free, o.quantity)
            elif o.unit == "one-off" and o.valid_days:
                free = max(free, o.quantity * DAYS_PER_MONTH / Decimal(o.valid_days))
    return Option(option.provider, option.model, option.region, option.currency, prices, notes), discount, free


def uplift_options(options: dict[tuple, Option], offers: list[Offer], regions: tuple[str, ...]) -> dict[tuple, Option]:
    """Options added by ``regional_uplift`` offers in one of ``regions``: the seller's ``global`` option of the model
    with every price times (1 + uplift/100)."""
    out = {}
    for o in offers:
        if o.offer_kind != "regional_uplift" or o.region not in regions or o.unit != "percent uplift":
            continue
        for (provider, model, region, currency), base in options.items():
            if provider == o.provider and model == o.model and region == "global":
                factor = ONE + o.amount / 100
                opt = Option(provider, model, o.region, currency,
                             [PriceRow(p.price_kind, p.service_tier, p.tier_min_tokens, p.conditions, p.amount * factor)
                              for p in base.prices],
                             [f"+{o.amount.normalize():f}% regional uplift ({o.region})"])
                out[opt.key] = opt
    return out


def option_cost(profile: Profile, option: Option, fx: tuple[Decimal, dt.date | None, bool],
                offers: list[Offer] = (), memo: dict | None = None) -> Cost | None:
    """The monthly cost of ``option`` for ``profile`` (see the module doc for the rules), or None when the option
    has no positive standard base-tier input and output price (not a priced text option).

    ``fx``: (buyer-currency units per list-currency unit, the ECB rate's date, whether that rate is older than the
    day asked for); ``offers``: offers in force (those of other options are ignored). Pure: no warehouse access.
    ``memo``: a dict kept across calls (e.g. the months of :func:`history`): the cost in the list currency depends
    only on the profile, the option's prices and notes and its offers, so an option priced the same in another
    month is not recomputed; the result is the same with or without it.
    """
    offers = tuple(offers)
    if memo is None:
        listed = _list_cost(profile, option, offers)
    else:
        key = (profile, option.content(), offers)
        listed = memo[key] if key in memo else memo.setdefault(key, _list_cost(profile, option, offers))
    if listed is None:
        return None
    rate, fx_date, stale = fx
    notes = listed.notes
    if stale:
        notes = "; ".join([n for n in (notes,) if n] + [f"ECB rate of {fx_date} (last in the bundled history)"])
    return Cost(  # every field, as dataclasses.replace would (which costs 4x more: it inspects the fields each call)
        provider=listed.provider, model=listed.model, region=listed.region, list_currency=listed.list_currency,
        currency=profile.currency, input=listed.input * rate, cache=listed.cache * rate, output=listed.output * rate,
        tier_surcharge=listed.tier_surcharge * rate, discounts=listed.discounts * rate,
        free_quota=listed.free_quota * rate, total=listed.list_total * rate, list_total=listed.list_total,
        fx_rate=rate, fx_date=fx_date, free_tokens=listed.free_tokens, notes=notes,
    )


def _list_cost(profile: Profile, option: Option, offers: tuple[Offer, ...]) -> Cost | None:
    """:func:`option_cost` in the option's list currency (rate 1, no FX note)."""
    option, batch_discount, free_month = _apply_offers(option, list(offers))
    book = _Book(option, profile.thinking)
    p_in0 = book.price("input", "standard", 0)
    p_out0 = book.price("output", "standard", 0)
    if not p_in0 or not p_out0 or p_in0 <= 0 or p_out0 <= 0:
        return None
    volumes = {"input": profile.input_tokens, "cache_read": profile.cached_input_tokens,
               "output": profile.output_tokens}
    thresholds = book.thresholds or [0]
    if thresholds[0] != 0:
        thresholds = [0, *thresholds]
    shares = []
    for i, t in enumerate(thresholds):
        nxt = profile.above(thresholds[i + 1]) if i + 1 < len(thresholds) else ZERO
        shares.append((t, profile.above(t) - nxt))

    def unit_price(kind: str, service: str, tier: int) -> Decimal | None:
        """Price per 1M tokens of ``kind`` at ``service`` (None: the service is not offered)."""
        if service == "batch_discount":
            base = unit_price(kind, "standard", tier)
            return base * (1 - batch_discount / 100)
        if not any(book.has(k, service) for k in ("input", "output")):
            return None
        if kind == "cache_read":
            p = book.price("cache_read", service, tier)
            if p is None:
                p = book.price("input", service, tier)  # no cache price at this service: billed as input
            if p is None:
                p = unit_price("cache_read", "standard", tier) if service != "standard" else None
            return p
        p = book.price(kind, service, tier)
        return p if p is not None else (book.price(kind, "standard", tier) if service != "standard" else None)

    def tiered(service: str) -> dict[str, Decimal] | None:
        """Cost per kind of the whole month at ``service`` (list currency), long-context tiers included."""
        out = {}
        for kind, vol in volumes.items():
            total = ZERO
            for t, s in shares:
                if s == 0:
                    continue
                p = unit_price(kind, service, t)
                if p is None:
                    return None
                total += vol * s * p / MTOK
            out[kind] = total
        return out

    std = tiered("standard")
    base = {k: volumes[k] * unit_price(k, "standard", 0) / MTOK for k in volumes}
    surcharge = sum(std.values()) - sum(base.values())
    notes = list(option.notes)
    if not book.has("cache_read", "standard") and profile.cached_input_tokens:
        notes.append("no cache price: cached tokens billed as input")
    std_total = sum(std.values())
    discounts = ZERO
    candidates = {s: tiered(s) for s in ("batch", "off_peak")}
    if batch_discount is not None and candidates["batch"] is None:
        candidates["batch_discount"] = tiered("batch_discount")
        if profile.batchable_share:
            notes.append(f"batch at {batch_discount.normalize():f}% off (batch discount offer)")
    if profile.batchable_share:
        best = min([std_total] + [sum(c.values()) for c in candidates.values() if c is not None])
        discounts += profile.batchable_share * (best - std_total)
    if profile.off_peak_share and candidates["off_peak"] is not None:
        off = sum(candidates["off_peak"].values())
        discounts += profile.off_peak_share * min(ZERO, off - std_total)
    subtotal = std_total + discounts
    free_tokens = ZERO
    free_value = ZERO
    if profile.free_quotas and free_month > 0 and profile.total_tokens > 0:
        free_tokens = min(free_month, profile.total_tokens)
        free_value = -subtotal * free_tokens / profile.total_tokens
        notes.append(f"free quota {free_tokens.quantize(ONE)} tokens/month")
    list_total = subtotal + free_value
    return Cost(
        provider=option.provider, model=option.model, region=option.region, list_currency=option.currency,
        currency=option.currency,
        input=base["input"], cache=base["cache_read"], output=base["output"],
        tier_surcharge=surcharge, discounts=discounts, free_quota=free_value,
        total=list_total, list_total=list_total, fx_rate=ONE, fx_date=None, free_tokens=free_tokens,
        notes="; ".join(notes),
    )


def fx_between(list_currency: str, buyer_currency: str, day: dt.date) -> tuple[Decimal, dt.date | None, bool]:
    """Buyer-currency units per list-currency unit on ``day`` (ECB reference rates, or the last publication before
    it): ``(rate, rate date, stale)``; past the end of the bundled ECB history the last rate is used and ``stale``
    is True. Raises :class:`pipelines.history.normalise.FxError` for a currency without any rate."""
    from pipelines.history.normalise import EcbRates, FxError

    if list_currency == buyer_currency:
        return ONE, None, False
    rates = EcbRates()
    stale = False
    try:
        b, bd = rates.rate(buyer_currency, day)
        lc, ld = rates.rate(list_currency, day)
    except FxError:
        last = min(d for d in (rates.newest(x) for x in {buyer_currency, list_currency, "USD"}) if d)
        if last >= day:
            raise
        b, bd = rates.rate(buyer_currency, last)
        lc, ld = rates.rate(list_currency, last)
        stale = True
    return b / lc, max(bd, ld), stale


def rank(profile: Profile, options: dict[tuple, Option], offers: list[Offer], day: dt.date,
         memo: dict | None = None) -> list[Cost]:
    """Every option the profile allows, priced (:func:`option_cost`, with ``memo``) and sorted by monthly total in
    the buyer's currency (ties: provider, model, region, list currency). Raises :class:`NoPricesError` when none is
    priced."""
    allowed = {k: o for k, o in options.items() if profile.allows(o.provider, o.model, o.region)}
    allowed.update({k: o for k, o in uplift_options(options, offers, profile.regions).items()
                    if profile.allows(o.provider, o.model, o.region)})
    mine: dict[tuple, list[Offer]] = {}
    for o in offers:
        mine.setdefault((o.provider, o.model, o.region), []).append(o)
    fx_cache: dict[str, tuple] = {}
    costs = []
    for opt in allowed.values():
        fx = fx_cache.get(opt.currency)
        if fx is None:
            fx = fx_cache[opt.currency] = fx_between(opt.currency, profile.currency, day)
        c = option_cost(profile, opt, fx, mine.get((opt.provider, opt.model, opt.region), ()), memo)
        if c is not None:
            costs.append(c)
    if not costs:
        raise NoPricesError(f"no option of profile {profile.name!r} has input and output prices in force on {day} "
                            f"(regions {', '.join(profile.regions)}"
                            + (f"; sellers {', '.join(profile.sellers)}" if profile.sellers else "") + ")")
    costs.sort(key=lambda c: (c.total, c.provider, c.model, c.region, c.list_currency))
    return costs


def fit_window(costs: list[Cost], windows: dict[tuple[str, str], dict], longest_prompt: int
               ) -> tuple[list[Cost], list[Cost], int]:
    """``(kept, dropped, unknown)``: the options whose context window (``windows[(provider, model)]["tokens"]``:
    :func:`pipelines.history.lookup.context_windows`) cannot hold a prompt of ``longest_prompt`` tokens are dropped;
    an option whose window no source states is kept (unknown is not too small) and counted in ``unknown``."""
    kept, dropped, unknown = [], [], 0
    for c in costs:
        w = windows.get((c.provider, c.model))
        if w is None:
            unknown += 1
            kept.append(c)
        elif w["tokens"] < longest_prompt:
            dropped.append(c)
        else:
            kept.append(c)
    return kept, dropped, unknown


def cost_at(con, profile: Profile, day: dt.date) -> list[Cost]:
    """:func:`rank` with the prices and offers of the warehouse on ``day``."""
    return rank(profile, prices_on(con, [day])[day], offers_on(con, day), day)


# --------------------------------------------------------------------------------------------- monthly history

#: first month of the workload history (the price history starts 2024-03-26: months before it have no option).
HISTORY_START = dt.date(2024, 1, 1)


def history_days(today: dt.date, start: dt.date = HISTORY_START) -> list[tuple[dt.date, dt.date]]:
    """``[(month start, pricing day)]`` from ``start`` to ``today``'s month: each month is priced on its last day,
    the current month on ``today``."""
    out, m = [], start.replace(day=1)
    while m <= today:
        nxt = (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        out.append((m, min(nxt - dt.timedelta(days=1), today)))
        m = nxt
    return out


def history(con, profiles: list[Profile], today: dt.date, start: dt.date = HISTORY_START) -> list[dict]:
    """Rows of ``marts.workload_costs``: per profile, month and option the monthly cost (:data:`BREAKDOWN`, buyer
    currency) and its ``rank`` that month (1 = cheapest). Months without any priced option are left out."""
    months = history_days(today, start)
    books = prices_on(con, [d for _, d in months])
    offers_of = offers_by_day(con, [d for _, d in months])
    memo: dict = {}  # an option priced the same in another month is not recomputed
    rows = []
    for month, day in months:
        offers = offers_of[day]
        for p in profiles:
            try:
                costs = rank(p, books[day], offers, day, memo)
            except NoPricesError:
                continue
            for i, c in enumerate(costs, start=1):
                rows.append({"profile": p.name, "month": month, "priced_on": day, "rank": i, **c.row()})
    return rows
