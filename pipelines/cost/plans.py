"""Subscriptions and resource packs: rows for the warehouse, and what they cost a workload beside pay-as-you-go.

LLM sellers bill three ways (issue 18): per token (``marts.price_history``), by **subscription** (a fee per period for
a quota: prompts or requests per 5 hours, per week or per month; credits per month) and by **resource pack** (a
prepaid amount of credits, characters or tokens valid for a period). Parsers state plans as
:class:`pipelines.sources.base.ParsedPlan`; the importer of the dated coding-plan snapshots
(:mod:`pipelines.history.importers.coding_plans`) gives the same rows.

- :func:`plan_rows`: parsed plans -> rows of ``staging.billing_plans`` (``warehouse/sql/schema_plans.sql``): price as
  written, USD at the ECB rate of the observation day (:func:`pipelines.history.normalise.ecb_rate_or_newest`, the one
  FX path), a promotion's month-day window dated from the observation day.
- :func:`plans_on`: the plans in force on a day (``marts.billing_plan_history``).
- :func:`rank_plans`: a profile's plan usage (:class:`PlanUsage`, ``plans:`` in a profile) against each plan and the
  cheapest pay-as-you-go option for the same models: monthly cost, whether the quota covers the usage (and by how
  much it falls short), a pack's effective unit price and validity, and the break-even usage.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from pipelines.history.normalise import USD_PLACES, ecb_rate_or_newest
from pipelines.sources.base import ParsedPlan

#: days of an average month (365.25 / 12), as in :mod:`pipelines.cost.offers`.
DAYS_PER_MONTH = Decimal("30.4375")
#: hours of an average month: 5-hour windows a month = HOURS_PER_MONTH / 5; weeks a month = DAYS_PER_MONTH / 7.
HOURS_PER_MONTH = DAYS_PER_MONTH * 24
#: months one price of a billing period pays for (``one_off``: a pack's validity, given per plan).
PERIOD_MONTHS = {"month": Decimal(1), "first_month": Decimal(1), "quarter": Decimal(3), "year": Decimal(12)}


def promo_dates(window: str | None, on: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """A month-day window ``'12-08..01-15'`` as dates: the occurrence that contains ``on`` (the capture day), else
    (None, None) -- a window the page gives without its year is dated only when the capture falls inside it."""
    if not window:
        return None, None
    a, b = window.split("..")
    (m1, d1), (m2, d2) = (tuple(int(x) for x in s.split("-")) for s in (a, b))
    for y in (on.year - 1, on.year):
        start = dt.date(y, m1, d1)
        end = dt.date(y if (m2, d2) >= (m1, d1) else y + 1, m2, d2)
        if start <= on <= end:
            return start, end
    return None, None


def plan_rows(plans: list[ParsedPlan], *, source: str, source_url: str, observed_at: dt.datetime,
              snapshot_sha256: str, scope: str | None = None) -> list[dict]:
    """Rows for ``staging.billing_plans``, one per plan, in the order given.

    ``usd_price`` / ``usd_list_price`` at the ECB rate of the observation's UTC day (``fx_rate``: units of the
    currency per USD, ``fx_date``: the rate's date; the newest known past the ECB history). ``scope``: what one
    observation covers (the page URL, or a dataset's seller entry), so a plan missing from a later observation of the
    same scope ends there. ``observed_at`` must be timezone-aware. Raises ValueError, FxError.
    """
    if observed_at.tzinfo is None:
        raise ValueError("observed_at must be timezone-aware (UTC)")
    day = observed_at.astimezone(dt.UTC).date()
    rows = []
    for p in plans:
        rate, fx_date = ecb_rate_or_newest(p.currency, day)
        promo_from, promo_until = p.promo_from, p.promo_until
        if p.promo_window and not (promo_from or promo_until):
            promo_from, promo_until = promo_dates(p.promo_window, day)
        rows.append({
            "observed_at": observed_at.astimezone(dt.UTC).replace(tzinfo=None),
            "source": source, "scope": scope or source_url,
            "provider": p.provider, "product": p.product, "plan": p.plan,
            "billing_model": p.billing_model, "billing_period": p.billing_period, "region": p.region,
            "price": p.price, "currency": p.currency, "list_price": p.list_price,
            "usd_price": None if p.price is None else (p.price / rate).quantize(USD_PLACES),
            "usd_list_price": None if p.list_price is None else (p.list_price / rate).quantize(USD_PLACES),
            "fx_rate": rate, "fx_date": fx_date,
            "quota_amount": p.quota_amount, "quota_unit": p.quota_unit, "quota_per": p.quota_per,
            "quota_is_estimate": p.quota_is_estimate, "unit_buys": p.unit_buys,
            "valid_days": p.valid_days, "valid_months": p.valid_months,
            "models": "; ".join(p.models) or None, "status": p.status,
            "promo_text": p.promo_text, "promo_from": promo_from, "promo_until": promo_until,
            "promo_window": p.promo_window, "conditions": p.conditions,
            "source_url": source_url, "snapshot_sha256": snapshot_sha256, "location": p.where,
        })
    return rows


def sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


# ------------------------------------------------------------------------------------------ plans against a workload


@dataclass(frozen=True)
class PlanUsage:
    """A profile's usage in the units plans sell (``plans:`` in a profile YAML; docs/workload.md).

    - ``models``: the seller model ids the usage runs on (``minimax-m2``, ``glm-4.6``): a plan counts when it includes
      one of them, and the pay-as-you-go comparison is the cheapest of them in ``marts.price_history``.
    - ``prompts_per_day`` and ``peak_prompts_per_5h``: coding-tool prompts; ``requests_per_prompt``: model calls one
      prompt makes (a plan counting requests is charged that many per prompt); ``tokens_per_request``:
      ``input``, ``cached_input`` and ``output`` tokens of one model call (what pay-as-you-go would bill).
    - ``days_per_month``: working days the prompts a day are spent on.
    - ``characters_per_month`` (speech), ``credits_per_month`` (credit plans, where the page says what a credit buys).
    Every field is an explicit assumption printed with the result.
    """

    models: tuple[str, ...] = ()
    prompts_per_day: Decimal = Decimal(0)
    peak_prompts_per_5h: Decimal = Decimal(0)
    requests_per_prompt: Decimal = Decimal(1)
    days_per_month: Decimal = Decimal(22)
    input_tokens_per_request: Decimal = Decimal(0)
    cached_input_tokens_per_request: Decimal = Decimal(0)
    output_tokens_per_request: Decimal = Decimal(0)
    characters_per_month: Decimal = Decimal(0)
    speech_models: tuple[str, ...] = ()
    sellers: tuple[str, ...] = ()

    @property
    def prompts_per_month(self) -> Decimal:
        return self.prompts_per_day * self.days_per_month

    @property
    def requests_per_month(self) -> Decimal:
        return self.prompts_per_month * self.requests_per_prompt

    def assumptions(self) -> list[str]:
        out = []
        if self.prompts_per_day:
            out.append(
                f"{self.prompts_per_day:f} prompts a day on {self.days_per_month:f} days a month "
                f"(= {self.prompts_per_month:,f} a month), at most {self.peak_prompts_per_5h:f} in a 5-hour window; "
                f"{self.requests_per_prompt:f} model requests per prompt; one request = "
                f"{self.input_tokens_per_request:,f} input + {self.cached_input_tokens_per_request:,f} cached input + "
                f"{self.output_tokens_per_request:,f} output tokens; models {', '.join(self.models)}")
        if self.characters_per_month:
            out.append(f"{self.characters_per_month:,f} characters of speech a month"
                       + (f" on {', '.join(self.speech_models)}" if self.speech_models else ""))
        return out


PLAN_USAGE_KEYS = {"models", "prompts_per_day", "peak_prompts_per_5h", "requests_per_prompt", "days_per_month",
                   "tokens_per_request", "characters_per_month", "speech_models", "sellers"}


def usage_from_dict(doc: dict, where: str) -> PlanUsage:
    """The ``plans:`` section of a profile. Raises ValueError naming the key for an unknown key or a bad value."""
    if not isinstance(doc, dict):
        raise ValueError(f"{where}: plans must be a mapping")
    unknown = set(doc) - PLAN_USAGE_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown plans key(s) {sorted(unknown)} (known: {sorted(PLAN_USAGE_KEYS)})")

    def num(key: str, value, default: str) -> Decimal:
        v = Decimal(str(value if value is not None else default))
        if v < 0:
            raise ValueError(f"{where}: plans.{key} must not be negative")
        return v

    tpr = doc.get("tokens_per_request") or {}
    if set(tpr) - {"input", "cached_input", "output"}:
        raise ValueError(f"{where}: plans.tokens_per_request takes input, cached_input, output")
    return PlanUsage(
        models=tuple(doc.get("models") or ()),
        prompts_per_day=num("prompts_per_day", doc.get("prompts_per_day"), "0"),
        peak_prompts_per_5h=num("peak_prompts_per_5h", doc.get("peak_prompts_per_5h"), "0"),
        requests_per_prompt=num("requests_per_prompt", doc.get("requests_per_prompt"), "1"),
        days_per_month=num("days_per_month", doc.get("days_per_month"), "22"),
        input_tokens_per_request=num("tokens_per_request.input", tpr.get("input"), "0"),
        cached_input_tokens_per_request=num("tokens_per_request.cached_input", tpr.get("cached_input"), "0"),
        output_tokens_per_request=num("tokens_per_request.output", tpr.get("output"), "0"),
        characters_per_month=num("characters_per_month", doc.get("characters_per_month"), "0"),
        speech_models=tuple(doc.get("speech_models") or ()),
        sellers=tuple(doc.get("sellers") or ()),
    )


@dataclass(frozen=True)
class PlanRow:
    """A row of ``marts.billing_plan_history`` in force on a day (the fields the ranking uses)."""

    provider: str
    product: str
    plan: str
    billing_model: str
    billing_period: str
    region: str
    price: Decimal
    currency: str
    usd_price: Decimal
    quota_amount: Decimal | None
    quota_unit: str | None
    quota_per: str | None
    quota_is_estimate: bool
    valid_months: int | None
    models: str | None
    status: str
    valid_from: dt.date
    source: str


def plans_on(con, day: dt.date, provider: str | None = None) -> list[dict]:
    """Rows of ``marts.billing_plan_history`` in force on ``day`` (valid_from <= day < valid_to), as dicts."""
    from pipelines import warehouse

    cur = warehouse.run(con, "plans_in_force", {"day": day, "provider": provider})
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


@dataclass
class PlanCost:
    """One option of the plan ranking: a subscription, a pack or the pay-as-you-go reference, per month in USD."""

    kind: str                     # subscription | resource_pack | pay_as_you_go
    provider: str
    option: str                   # product / plan (period), or the model for pay-as-you-go
    monthly_usd: Decimal          # what the usage costs a month with this option (USD at the ECB rate)
    covers: bool                  # the quota covers the profile's usage
    shortfall: str = ""           # by how much it does not (in the quota's unit and window)
    unit_price: str = ""          # a pack's effective price per unit, and its validity
    break_even: str = ""          # usage at which it costs the same as the cheapest pay-as-you-go option
    notes: str = ""
    currency: str = "USD"
    list_price: str = ""          # the price as the seller states it
    models: str = ""
    extra: dict = field(default_factory=dict)


def _months(row: dict) -> Decimal:
    if row["billing_period"] == "one_off":
        return Decimal(row["valid_months"] or 0) or Decimal(1)
    return PERIOD_MONTHS[row["billing_period"]]


def _includes(row: dict, models: tuple[str, ...]) -> bool:
    """The plan includes one of the profile's models: its models (the page's names) compared as ids
    (lowercase, spaces to hyphens: ``MiniMax M2`` -> ``minimax-m2``, ``GLM-4.6`` -> ``glm-4.6``)."""
    names = {m.strip().lower().replace(" ", "-") for m in (row.get("models") or "").split(";") if m.strip()}
    return bool(names & {m.lower() for m in models})


def _usage_in(row: dict, u: PlanUsage) -> Decimal | None:
    """The profile's usage in the plan's quota unit and window (None when the profile states none in that unit)."""
    unit, per = row["quota_unit"], row["quota_per"]
    if unit == "prompts" and per == "5 hours":
        return u.peak_prompts_per_5h
    if unit == "requests" and per == "5 hours":
        return u.peak_prompts_per_5h * u.requests_per_prompt
    if unit == "prompts" and per == "month":
        return u.prompts_per_month
    if unit == "requests" and per == "month":
        return u.requests_per_month
    if unit == "requests" and per == "week":
        return u.requests_per_month / (DAYS_PER_MONTH / 7)
    if unit == "prompts" and per == "week":
        return u.prompts_per_month / (DAYS_PER_MONTH / 7)
    if unit == "characters":
        return u.characters_per_month if per == "month" else u.characters_per_month * Decimal(row["valid_months"] or 1)
    return None


def payg_per_request(prices: dict[str, Decimal], u: PlanUsage) -> Decimal:
    """USD of one model request at pay-as-you-go prices (USD per 1M tokens by price kind; a missing cache price
    counts cached input as input)."""
    cache = prices.get("cache_read", prices["input"])
    return (u.input_tokens_per_request * prices["input"] + u.cached_input_tokens_per_request * cache
            + u.output_tokens_per_request * prices["output"]) / Decimal(1_000_000)


def payg_options(con, day: dt.date, u: PlanUsage) -> list[tuple[str, str, dict[str, Decimal]]]:
    """``(provider, model, {price_kind: USD per 1M tokens})`` of the profile's models in force on ``day``: the
    standard, base-context prices of :func:`pipelines.cost.workload.prices_on` (the precedence of
    ``marts.latest_prices``), converted at the ECB rate (:func:`pipelines.cost.workload.fx_between`); a model sold
    in several regions or currencies counts with its cheapest."""
    from pipelines.cost.workload import fx_between, prices_on

    wanted = {m.lower() for m in u.models}
    got: dict[tuple[str, str], dict[str, Decimal]] = {}
    for (provider, model, _region, currency), option in prices_on(con, [day])[day].items():
        if model.lower() not in wanted or (u.sellers and provider not in u.sellers):
            continue
        rate = fx_between(currency, "USD", day)[0]
        for r in option.prices:
            if r.service_tier == "standard" and r.tier_min_tokens == 0 and not r.conditions:
                d = got.setdefault((provider, model), {})
                usd = r.amount * rate
                d[r.price_kind] = min(d.get(r.price_kind, usd), usd)
    return [(p, m, d) for (p, m), d in sorted(got.items()) if "input" in d and "output" in d]


def rank_plans(plans: list[dict], payg: list[tuple[str, str, dict[str, Decimal]]], u: PlanUsage) -> list[PlanCost]:
    """The profile's usage priced with each plan that includes its models and with each pay-as-you-go option, cheapest
    first (options that do not cover the usage after those that do).

    - Subscription: its price per month (a quarter / year price over 3 / 12 months), USD at the ECB rate of its
      observation. ``covers`` when the profile's usage in the quota's unit and window is within the quota (an
      estimate, ``约``, is counted as stated and said so); otherwise ``shortfall`` says by how much.
    - Pack: ``unit_price`` = price / quota per unit, with its validity; the month's cost is the packs the month's usage
      needs over the validity (whole packs, at least one).
    - Break-even: for a plan, the usage (prompts a day) at which pay-as-you-go with the cheapest of the same models
      costs the plan's monthly price; for a pack, characters a month.
    """
    out: list[PlanCost] = []
    per_request = {(p, m): payg_per_request(d, u) for p, m, d in payg}
    cheapest = min(per_request.values(), default=None)
    if u.prompts_per_day and per_request:
        for (p, m), r in per_request.items():
            monthly = r * u.requests_per_month
            out.append(PlanCost("pay_as_you_go", p, m, monthly, True, models=m,
                                notes=f"{r * 1000:.4f} USD per 1,000 requests"))
    for row in plans:
        if u.sellers and row["provider"] not in u.sellers:
            continue
        if row["usd_price"] is None or row["billing_period"] == "first_month":
            continue  # a price the page does not state, or a new buyer's first month only: not a monthly cost
        speech = row["quota_unit"] == "characters"
        if speech:
            if not u.characters_per_month:
                continue
        elif not (u.models and _includes(row, u.models)):
            continue
        months = _months(row)
        label = f"{row['product']} / {row['plan']} ({row['billing_period']})"
        usage = _usage_in(row, u)
        quota = row["quota_amount"]
        covers, shortfall = True, ""
        if quota is not None and usage is not None and usage > quota:
            covers = False
            shortfall = (f"needs {usage:,.0f} {row['quota_unit']} per {row['quota_per']}, quota {quota:,f}"
                         f"{' (about)' if row['quota_is_estimate'] else ''}: {usage - quota:,.0f} over "
                         f"({(usage / quota - 1) * 100:.0f}% more)")
        elif quota is None:
            shortfall = "quota not stated: coverage unknown"
        monthly = row["usd_price"] / months
        unit_price = break_even = ""
        if row["billing_model"] == "resource_pack" and quota:
            per_unit = row["price"] / quota
            unit_price = (f"{per_unit * 10_000:.4f} {row['currency']} per 10K {row['quota_unit']}, valid "
                          f"{row['valid_months']} month(s)")
            if speech:
                need = u.characters_per_month * months
                packs = max(Decimal(1), (need / quota).to_integral_value(rounding=ROUND_CEILING))
                monthly = row["usd_price"] * packs / months
                covers, shortfall = True, (f"{packs} packs per {row['valid_months']} month(s)" if packs > 1 else "")
        elif cheapest and u.requests_per_prompt and u.days_per_month:
            per_prompt = cheapest * u.requests_per_prompt
            prompts_day = monthly / per_prompt / u.days_per_month
            break_even = f"{prompts_day:,.1f} prompts a day"
        out.append(PlanCost(row["billing_model"], row["provider"], label, monthly, covers, shortfall, unit_price,
                            break_even, currency=row["currency"], models=row.get("models") or "",
                            list_price=f"{row['price']:,f} {row['currency']} per "
                                       f"{row['billing_period'].replace('one_off', 'pack')}",
                            notes="quota is an estimate (约)" if row["quota_is_estimate"] else ""))
    return sorted(out, key=lambda c: (not c.covers, c.monthly_usd, c.provider, c.option))
