"""Shared vocabulary of the parsers: what one parsed price is, and the error a parser raises.

A parser is a pure function ``parse(body: bytes, url: str) -> ParsedPage`` (a plain ``list[ParsedPrice]`` is
still accepted): no Dagster, no I/O, no FX. Callers never call it directly but :meth:`Source.read`, which always
returns a :class:`ParsedPage`: the prices understood, the offers, and the :class:`Finding` s (what the page says that
the parser did not understand: non-blocking, everything understood still loads). It reports what the page says (amount, currency, unit) with the key of the price
(provider, model, price_kind, service_tier, tier_min_tokens, region). Normalisation to USD per 1M tokens
and currency conversion happen later, in :mod:`pipelines.history.normalise`.

Vocabulary: ``../shared/notes/price-semantics.md`` (copied as ``docs/price-semantics.md``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

#: price kinds a parser may emit for token prices (price-semantics.md, "price_kind").
PRICE_KINDS = frozenset(
    {
        "input",
        "output",
        "cache_read",
        "cache_write",
        "cache_write_5m",
        "cache_write_1h",
        "input_audio",
        "output_audio",
        "input_image",
        "output_image",
        "cache_read_audio",
    }
)
#: service tiers (price-semantics.md, "service_tier").
SERVICE_TIERS = frozenset({"standard", "batch", "flex", "priority", "off_peak"})

#: original units of token prices and how many of them make one USD-per-1M-tokens figure.
#: ``per 1M tokens`` (also written "MTok" by Anthropic) x1, ``per 1K tokens`` x1000, ``per token`` x1e6.
TOKEN_UNITS: dict[str, Decimal] = {
    "per 1M tokens": Decimal(1),
    "per 1K tokens": Decimal(1000),
    "per token": Decimal(1_000_000),
}

#: non-token units: ``per [N[K|M] ]<thing>`` with <thing> a lowercase noun (``per image``, ``per second``,
#: ``per 1K requests``, ``per 1K searches``, ``per 1M characters``, ``per 10K characters``, ``per hour``,
#: ``per session-hour``, ``per GB-day``, ``per voice``, ``per video``). Such prices are kept with their unit in
#: ``staging.unit_prices`` and never converted into token prices (price-semantics.md, "price_kind").
NON_TOKEN_UNIT = re.compile(r"^per (\d+[KM]? )?[A-Za-z][A-Za-z -]*$")
#: price kinds of non-token prices: lowercase slugs; suggested names: ``image_output``, ``image_input``,
#: ``video_output``, ``audio_transcription``, ``speech_output``, ``web_search``, ``request``, ``tool_call``,
#: ``session_runtime``, ``storage``, ``voice_clone``.
NON_TOKEN_KIND = re.compile(r"^[a-z][a-z0-9_]*$")


def is_token_unit(unit: str) -> bool:
    """True for a unit of :data:`TOKEN_UNITS` (the price normalises to USD per 1M tokens)."""
    return unit in TOKEN_UNITS


class ParseError(ValueError):
    """A page could not be turned into prices.

    The message names the page (URL), and where known the table, row and cell, so an operator can open the
    capture and look. Raised instead of ever returning a guessed or zero price.
    """

    def __init__(self, message: str, *, url: str = "", where: str = ""):
        self.url = url
        self.where = where
        parts = [message]
        if where:
            parts.append(f"at {where}")
        if url:
            parts.append(f"in {url}")
        super().__init__(" ".join(parts))


@dataclass(frozen=True)
class ParsedPrice:
    """One price as a page states it.

    - ``provider``: seller slug (``openai``); ``model``: the seller's API id (``gpt-5.4-mini``);
      ``model_name``: the name as shown on the page.
    - ``price_kind`` in :data:`PRICE_KINDS`; ``service_tier`` in :data:`SERVICE_TIERS`;
      ``tier_min_tokens``: 0 for the base price, else the long-context threshold in tokens (cliff pricing).
    - ``amount`` (Decimal, exactly as written), ``currency`` (ISO 4217: USD, CNY, EUR) and ``unit``
      (a key of :data:`TOKEN_UNITS`, or a non-token unit matching :data:`NON_TOKEN_UNIT`, e.g. ``per image``).
    - ``region``: ``global`` unless the price depends on where the request is served (``cn-mainland``,
      ``intl``, ``us``, ``eu``); ``conditions``: free text for anything else the price depends on.
    - ``where``: the table/row/cell it came from, for error messages and provenance.
    """

    provider: str
    model: str
    model_name: str
    price_kind: str
    amount: Decimal
    currency: str
    unit: str
    service_tier: str = "standard"
    tier_min_tokens: int = 0
    region: str = "global"
    where: str = ""
    conditions: str | None = None

    def __post_init__(self) -> None:
        if self.unit in TOKEN_UNITS:
            if self.price_kind not in PRICE_KINDS:
                raise ValueError(f"unknown price_kind {self.price_kind!r}")
        elif NON_TOKEN_UNIT.match(self.unit):
            if not NON_TOKEN_KIND.match(self.price_kind):
                raise ValueError(f"bad non-token price_kind {self.price_kind!r}")
        else:
            raise ValueError(f"unknown unit {self.unit!r}")
        if self.service_tier not in SERVICE_TIERS:
            raise ValueError(f"unknown service_tier {self.service_tier!r}")
        if not isinstance(self.amount, Decimal):
            raise TypeError("amount must be a Decimal (never float)")
        if self.amount < 0:
            raise ValueError(f"negative price {self.amount} at {self.where}")


def seller_price(provider: str, currency: str, model: str, shown: str, kind: str, amount: Decimal, unit: str,
                 where: str, conditions: str | None = None, **more) -> ParsedPrice:
    """A :class:`ParsedPrice` of ``provider`` in ``currency``, by position in the order a parser reads a cell: the
    model id, its name as shown, the price kind, the amount, the unit, where on the page, the conditions; ``more``:
    ``service_tier``, ``tier_min_tokens``, ``region``. A parser of one seller and currency binds the first two:
    ``_price = functools.partial(seller_price, PROVIDER, "USD")``."""
    return ParsedPrice(provider=provider, model=model, model_name=shown, price_kind=kind, amount=amount,
                       currency=currency, unit=unit, where=where, conditions=conditions, **more)


#: kinds of :class:`Finding`: something on a page the parser did not understand (non-blocking).
#: ``model_id_rule``: a model id derived from the provider's documented naming rule (``"Claude Opus 5"`` ->
#: ``claude-opus-5``) because the name was not in the provider's alias map; ``unreadable_offers``: the page's
#: offers (:meth:`Source.read`) could not be read while its prices could.
FINDING_KINDS = frozenset(
    {"unknown_column", "unknown_row", "unknown_section", "unknown_tab", "unreadable_cell", "model_id_rule",
     "unreadable_offers"}
)


@dataclass(frozen=True)
class Finding:
    """Something on a page the parser did not understand: recorded, never blocking, never a guessed number.

    ``kind`` in :data:`FINDING_KINDS`; ``where`` the exact location (``table 3 'Standard' row 'gpt-5.5' column
    'Cache writes'``); ``text`` the text not understood (or, for ``model_id_rule``, the derived id).
    """

    kind: str
    where: str
    text: str

    def __post_init__(self) -> None:
        if self.kind not in FINDING_KINDS:
            raise ValueError(f"unknown finding kind {self.kind!r}")

    def __str__(self) -> str:
        return f"{self.kind} at {self.where}: {self.text!r}"


#: model facts a parser may state (docs/model-facts.md): token counts, modality lists, dates.
#: ``context_window`` and ``max_output_tokens`` are whole tokens (``"128K"`` read as 128,000, as the pages write
#: context sizes: :func:`pipelines.sources.reader.token_count`); ``input_modalities`` / ``output_modalities`` a
#: comma-separated sorted list of ``text``, ``image``, ``audio``, ``video``, ``file``; ``deprecation_date`` /
#: ``retirement_date`` an ISO date (deprecated: announced for removal; retired: the day requests stop working).
FACT_KINDS = frozenset({"context_window", "max_output_tokens", "input_modalities", "output_modalities",
                        "deprecation_date", "retirement_date"})
#: modality words a fact may list.
MODALITIES = frozenset({"text", "image", "audio", "video", "file"})


@dataclass(frozen=True)
class ParsedFact:
    """One fact about a model as a page states it: ``value`` normalised (tokens as digits, modalities as a sorted
    comma list, dates ISO), ``stated`` the page's own text (``"128K"``, ``"262,144 tokens"``), ``where`` its place."""

    provider: str
    model: str
    fact: str
    value: str
    stated: str
    where: str = ""

    def __post_init__(self) -> None:
        if self.fact not in FACT_KINDS:
            raise ValueError(f"unknown fact {self.fact!r}")
        if self.fact in ("context_window", "max_output_tokens"):
            if not self.value.isdigit() or int(self.value) <= 0:
                raise ValueError(f"{self.fact} must be a positive whole number of tokens, not {self.value!r}")
        elif self.fact.endswith("_modalities"):
            words = self.value.split(",")
            if not self.value or set(words) - MODALITIES or words != sorted(set(words)):
                raise ValueError(f"{self.fact} must be a sorted comma list of {sorted(MODALITIES)}, not {self.value!r}")
        else:
            dt.date.fromisoformat(self.value)


@dataclass
class ParsedPage:
    """What one page yields: the prices understood, its offers, the findings (what was not understood) and the
    model facts it states (context window, maximum output, modalities, dates: :class:`ParsedFact`)."""

    prices: list[ParsedPrice]
    offers: list = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    facts: list[ParsedFact] = field(default_factory=list)
    #: subscriptions and resource packs the page sells (:class:`ParsedPlan`): content like prices (issue 18)
    plans: list = field(default_factory=list)


def clean_text(text: str) -> str:
    """NFKC-normalise (fullwidth ``￥``/``（`` to ASCII forms), drop zero-width spaces, collapse whitespace."""
    text = unicodedata.normalize("NFKC", text).replace("\u200b", "").replace("\ufeff", "")
    return re.sub(r"\s+", " ", text).strip()


_MONEY = re.compile(
    r"(?P<pre>US\$|\$|¥|€|元)?\s*(?P<num>\d[\d,]*(?:\.\d+)?|\.\d+)\s*(?P<post>元|€|\$|USD|CNY|EUR)?"
)
_SYMBOLS = {"$": "USD", "US$": "USD", "USD": "USD", "¥": "CNY", "元": "CNY", "CNY": "CNY", "€": "EUR", "EUR": "EUR"}


def parse_money(text: str, *, default_currency: str | None = None) -> tuple[Decimal, str] | None:
    """Read the first amount of money in ``text``: ``"$2.50"`` -> ``(Decimal("2.50"), "USD")``.

    Handles escaped ``\\$``, fullwidth ``￥`` (NFKC to ``¥``), currency after the number (``2元``, ``1.85€``)
    and thousands separators. Returns None when the text holds no number. Raises ValueError when a
    number has no currency and no ``default_currency`` is given.
    """
    t = clean_text(text).replace("\\$", "$").replace("$$", "$")
    m = _MONEY.search(t)
    if not m:
        return None
    sym = m.group("pre") or m.group("post")
    currency = _SYMBOLS[sym] if sym else default_currency
    if currency is None:
        raise ValueError(f"no currency in {text!r}")
    try:
        amount = Decimal(m.group("num").replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
        raise ValueError(f"bad number in {text!r}") from exc
    return amount, currency


@dataclass
class Source:
    """A price source: where it lives and how its documents are read.

    ``name`` is the source id stored with every row (``anthropic_pricing``), ``provider`` the seller it
    prices, ``urls`` the live URLs (fetched every night), ``archive_urls`` older addresses of the same page
    whose archived captures the same parser reads (replayed, never fetched live), ``hosts`` the only hosts
    it may fetch or be redirected to, ``fmt`` the document format (html, markdown, json, text), ``parse``
    the parser, ``parse_offers`` the offer parser of a source whose pages also state offers (None otherwise).
    """

    def read(self, body: bytes, url: str, *, offers: bool = True) -> ParsedPage:
        """The page as :class:`ParsedPage`: the parser's result (a plain list of prices is wrapped), with the
        offers of the source's optional ``parse_offers`` added when ``offers`` and the parser gave none. Raises
        :class:`ParseError` only for what must block the page; unreadable offers are a finding, not an error."""
        got = self.parse(body, url)
        page = got if isinstance(got, ParsedPage) else ParsedPage(prices=list(got))
        if offers and self.parse_offers is not None and not page.offers:
            try:
                page = dataclasses.replace(page, offers=list(self.parse_offers(body, url)))
            except (ParseError, ValueError) as exc:  # ValueError: an offer ParsedOffer refuses
                page = dataclasses.replace(page, offers=[], findings=[
                    *page.findings, Finding("unreadable_offers", getattr(exc, "where", "") or url, str(exc))])
        return page

    name: str
    provider: str
    urls: tuple[str, ...]
    fmt: str
    parse: object  # Callable[[bytes, str], ParsedPage | list[ParsedPrice]]: call it through :meth:`read`
    hosts: tuple[str, ...] = field(default=())
    description: str = ""
    archive_urls: tuple[str, ...] = field(default=())
    #: multi-seller datasets (LiteLLM's price map) carry known bad rows of a few sellers: quarantine those rows
    #: (staging.quarantine) and load the rest, instead of rejecting the whole source as layout drift.
    quarantine_bad_rows: bool = False
    #: Callable[[bytes, str], list[ParsedOffer]] of a source whose pages state offers (free quotas, TPM packs,
    #: promotions ...): parsed in the same pass as the prices (staging/price_quotes); None for the others.
    parse_offers: object | None = None
    #: its pages state subscription plans or resource packs (``ParsedPage.plans``): staging/price_quotes replaces the
    #: source's rows of ``staging.billing_plans`` with each parse (issue 18)
    plans: bool = False
    #: the form the live URL serves and the seed/pages capture of exactly that form a test parses ("": unproven)
    live_form: str = ""
    live_proof: str = ""


# --- offers: what a page sells besides per-token list prices (price-semantics.md, "Beyond per-token list prices") --
#
# A source whose pages state offers has a pure ``parse_offers(body: bytes, url: str) -> list[ParsedOffer]`` beside its
# ``parse`` (``Source.parse_offers``). Like ``parse`` it is pure (no clock, no I/O, no FX), reports what the page says
# (``amount`` exactly as written, a Decimal) and raises :class:`ParseError` on anything it cannot read. Rows and USD
# values: :mod:`pipelines.cost.offers`.

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
#: units an offer's amount is given in besides the token units of :data:`TOKEN_UNITS`:
#: the billing period of a reservation, a one-off grant, or a percentage of the list price.
OFFER_UNITS = frozenset({"one-off", "per hour", "per day", "per month", "percent off", "percent uplift"})
#: what an offer's ``quantity`` counts.
QUANTITY_UNITS = frozenset({
    "tokens", "TPM", "model units", "images", "seconds", "characters", "requests", "voices", "grounded prompts",
    "search queries",
})


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


def offer_key(o: ParsedOffer) -> tuple:
    """What tells two offers of one page apart (the offers' identity within a source); an offer without a model is
    told apart by its ``model_name`` (the machine type of a model unit)."""
    return (o.provider, o.model or f"({o.model_name})", o.offer_kind, o.price_kind, o.service_tier, o.tier_min_tokens,
            o.region, o.unit, o.quantity_unit, o.valid_from, o.valid_until, o.conditions)


def dedupe_offers(offers: list[ParsedOffer], url: str) -> list[ParsedOffer]:
    """One offer per :func:`offer_key` (a page repeats an offer in several tables); the same key with two amounts
    raises :class:`ParseError` naming both places."""
    seen: dict[tuple, ParsedOffer] = {}
    for o in offers:
        k = offer_key(o)
        if k in seen:
            if (seen[k].amount, seen[k].quantity) != (o.amount, o.quantity):
                raise ParseError(f"{o.model} {o.offer_kind} stated as {seen[k].amount}/{seen[k].quantity} and "
                                 f"{o.amount}/{o.quantity} (also at {seen[k].where})", url=url, where=o.where)
            continue
        seen[k] = o
    return list(seen.values())



# --- plans: subscriptions and resource packs (issue 18; price-semantics.md "Beyond per-token list prices") ---------
#
# A seller's third and fourth ways to bill besides per-token prices: a **subscription** (a fixed fee per period for a
# quota: GLM Coding Plan, MiniMax Coding Plan) and a **resource pack** (a prepaid amount of credits, characters or
# tokens, valid for a period: MiniMax's video and audio packages). A page that states them returns them in
# ``ParsedPage.plans`` from its ``parse`` (the same pass as its prices); rows and USD values:
# :mod:`pipelines.cost.plans`.

#: how a plan bills: a fee per period for a quota, or a prepaid pack used up within its validity.
BILLING_MODELS = frozenset({"subscription", "resource_pack"})
#: the period one ``price`` pays for: ``first_month`` is a new buyer's first month (a different renewal price
#: follows), ``one_off`` a pack bought once (its validity is ``valid_days``/``valid_months``).
BILLING_PERIODS = frozenset({"month", "quarter", "year", "first_month", "one_off"})
#: what a quota counts (``quota_unit``); ``quota_per`` is the window it renews in.
QUOTA_UNITS = frozenset({"prompts", "requests", "credits", "characters", "tokens"})
#: the window a quota renews in; ``validity`` for a pack's one-off amount, usable until it expires.
QUOTA_WINDOWS = frozenset({"5 hours", "week", "month", "validity"})
#: whether a new buyer can buy the plan.
PLAN_STATUSES = frozenset({"on_sale", "closed_to_new_buyers"})


@dataclass(frozen=True)
class ParsedPlan:
    """One subscription plan or resource pack as a page states it.

    - ``provider``: seller slug; ``product``: the seller's name of the plan family (``GLM Coding Plan``,
      ``Coding Plan``, ``Video Package``); ``plan``: the tier as the page names it (``Lite``, ``Starter``, ``Pro``).
    - ``billing_model`` in :data:`BILLING_MODELS`; ``billing_period`` in :data:`BILLING_PERIODS`.
    - ``price`` (Decimal exactly as written, or None where the page names the plan but states no price for it),
      ``currency`` (ISO 4217); ``list_price``: the undiscounted price the page shows beside it (原价, struck out).
    - quota: ``quota_amount`` (Decimal) of ``quota_unit`` (:data:`QUOTA_UNITS`) per ``quota_per``
      (:data:`QUOTA_WINDOWS`); ``quota_is_estimate`` when the page says "about" (约); None when the page states none.
    - ``unit_buys``: what one quota unit buys where the page says (``MiniMax-Hailuo-2.3 768p 6s video = 1 积分``).
    - ``valid_days`` / ``valid_months``: a pack's validity after purchase; ``models``: the models the plan includes
      (the page's names); ``status`` in :data:`PLAN_STATUSES`.
    - promotion: ``promo_text`` (the page's wording), ``promo_from`` / ``promo_until`` (UTC dates, inclusive) or, when
      the page gives month-day only (``12.08-01.15``), ``promo_window`` (``12-08..01-15``), dated from the capture
      day in :func:`pipelines.cost.plans.plan_rows`.
    - ``region``: ``global`` unless the plan is sold on a regional site (``cn-mainland``, ``intl``);
      ``conditions``: free text; ``where``: the table/row/cell it was read from.
    """

    provider: str
    product: str
    plan: str
    billing_model: str
    billing_period: str
    price: Decimal | None
    currency: str
    list_price: Decimal | None = None
    quota_amount: Decimal | None = None
    quota_unit: str | None = None
    quota_per: str | None = None
    quota_is_estimate: bool = False
    unit_buys: str | None = None
    valid_days: int | None = None
    valid_months: int | None = None
    models: tuple[str, ...] = ()
    status: str = "on_sale"
    promo_text: str | None = None
    promo_from: dt.date | None = None
    promo_until: dt.date | None = None
    promo_window: str | None = None
    region: str = "global"
    conditions: str | None = None
    where: str = ""

    def __post_init__(self) -> None:
        if self.billing_model not in BILLING_MODELS:
            raise ValueError(f"unknown billing_model {self.billing_model!r}")
        if self.billing_period not in BILLING_PERIODS:
            raise ValueError(f"unknown billing_period {self.billing_period!r}")
        if self.status not in PLAN_STATUSES:
            raise ValueError(f"unknown plan status {self.status!r}")
        for name in ("price", "list_price", "quota_amount"):
            v = getattr(self, name)
            if v is not None and (not isinstance(v, Decimal) or v < 0):
                raise ValueError(f"{name} must be a non-negative Decimal (never float), not {v!r} at {self.where}")
        if self.quota_amount is not None:
            if self.quota_unit not in QUOTA_UNITS or self.quota_per not in QUOTA_WINDOWS:
                raise ValueError(f"a quota needs a unit of {sorted(QUOTA_UNITS)} and a window of "
                                 f"{sorted(QUOTA_WINDOWS)}, not {self.quota_unit!r} per {self.quota_per!r}")
        if self.billing_model == "resource_pack" and self.quota_per not in (None, "validity"):
            raise ValueError(f"a resource pack's amount lasts its validity, not per {self.quota_per!r}")
        if not re.fullmatch(r"[A-Z]{3}", self.currency):
            raise ValueError(f"currency must be ISO 4217, not {self.currency!r}")
        if self.promo_from and self.promo_until and self.promo_until < self.promo_from:
            raise ValueError(f"promotion ends {self.promo_until} before it starts {self.promo_from}")


def plan_key(p: ParsedPlan) -> tuple:
    """What tells two plans apart (their identity across observations and sources)."""
    return (p.provider, p.product, p.plan, p.billing_model, p.billing_period, p.region, p.currency)
