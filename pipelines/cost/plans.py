"""Subscriptions and resource packs: rows for the warehouse, and what they cost a workload beside pay-as-you-go.

LLM sellers bill three ways (issue 18): per token (``marts.price_history``), by **subscription** (a fee per period for
a quota: prompts or requests per 5 hours, per week or per month; credits per month) and by **resource pack** (a
prepaid amount of credits, characters or tokens valid for a period). Parsers state plans as
:class:`pipelines.sources.base.ParsedPlan`; the importer of the dated coding-plan snapshots
(:mod:`pipelines.history.importers.coding_plans`) gives the same rows.

- :func:`plan_rows`: parsed plans -> rows of ``staging.billing_plans`` (``warehouse/sql/schema_plans.sql``): price as
  written, USD at the ECB rate of the observation day (:meth:`pipelines.history.normalise.EcbRates.rate_or_newest`, the one
  FX path), a promotion's month-day window dated from the observation day.
- :func:`plans_on`: the plans in force on a day (``marts.billing_plan_history``).
- :func:`rank_plans`: a profile's plan usage (:class:`PlanUsage`, ``plans:`` in a profile) against each plan and the
  cheapest pay-as-you-go option for the same models: monthly cost, whether the quota covers the usage (and by how
  much it falls short), a pack's effective unit price and validity, and the break-even usage.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from pipelines.cost.offers import DAYS_PER_MONTH
from pipelines.history.normalise import EcbRates, observed_utc
from pipelines.history.normalise import usd as usd_at
from pipelines.sources.base import ParsedPlan

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
              snapshot_sha256: str, scope: str | None = None, rates: EcbRates | None = None) -> list[dict]:
    """Rows for ``staging.billing_plans``, one per plan, in the order given.

    ``usd_price`` / ``usd_list_price`` at the ECB rate of the observation's UTC day (``fx_rate``: units of the
    currency per USD, ``fx_date``: the rate's date; the newest known past the ECB history). ``scope``: what one
    observation covers (the page URL, or a dataset's seller entry), so a plan missing from a later observation of the
    same scope ends there. ``rates``: the run's :class:`EcbRates` (default: the bundled history). ``observed_at``
    must be timezone-aware. Raises ValueError, FxError.
    """
    rates = rates or EcbRates()
    at = observed_utc(observed_at)
    day = at.date()
    rows = []
    for p in plans:
        rate, fx_date = rates.rate_or_newest(p.currency, day)
        promo_from, promo_until = p.promo_from, p.promo_until
        if p.promo_window and not (promo_from or promo_until):
            promo_from, promo_until = promo_dates(p.promo_window, day)
        rows.append({
            "observed_at": at,
            "source": source, "scope": scope or source_url,
            "provider": p.provider, "product": p.product, "plan": p.plan,
            "billing_model": p.billing_model, "billing_period": p.billing_period, "region": p.region,
            "price": p.price, "currency": p.currency, "list_price": p.list_price,
            "usd_price": None if p.price is None else usd_at(p.price, p.currency, rate),
            "usd_list_price": None if p.list_price is None else usd_at(p.list_price, p.currency, rate),
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

    - ``models``: the model ids the token usage runs on (pay-as-you-go options: the cheapest seller of each);
      ``speech_models``: the speech models the characters run on.
    - ``products``: ``{"seller/product[/plan prefix]": model id}``: which model the buyer would run on each plan family
      (an explicit assumption, printed; a plan whose own data lists models is also matched by those).
    - ``prompts_per_day`` on ``days_per_month`` days, ``peak_prompts_per_5h``: coding-tool prompts;
      ``requests_per_prompt``: model calls one prompt makes (a plan counting requests is charged that many per
      prompt); ``tokens_per_request``: ``input``, ``cached_input``, ``output`` tokens of one call (what
      pay-as-you-go bills).
    - ``characters_per_month``: characters of speech synthesised a month.
    Every field is an explicit assumption, printed with the result (:meth:`assumptions`).
    """

    models: tuple[str, ...] = ()
    products: tuple[tuple[str, str], ...] = ()
    prompts_per_day: Decimal = Decimal(0)
    peak_prompts_per_5h: Decimal = Decimal(0)
    requests_per_prompt: Decimal = Decimal(1)
    days_per_month: Decimal = Decimal(22)
    input_tokens_per_request: Decimal = Decimal(0)
    cached_input_tokens_per_request: Decimal = Decimal(0)
    output_tokens_per_request: Decimal = Decimal(0)
    characters_per_month: Decimal = Decimal(0)
    speech_models: tuple[str, ...] = ()

    @property
    def prompts_per_month(self) -> Decimal:
        return self.prompts_per_day * self.days_per_month

    @property
    def requests_per_month(self) -> Decimal:
        return self.prompts_per_month * self.requests_per_prompt

    def monthly_tokens(self) -> dict[str, Decimal]:
        """Tokens a month the prompts make (what ``monthly_tokens`` of the same profile should say)."""
        r = self.requests_per_month
        return {"input": r * self.input_tokens_per_request, "cached_input": r * self.cached_input_tokens_per_request,
                "output": r * self.output_tokens_per_request}

    def assumptions(self) -> list[str]:
        out = []
        if self.prompts_per_day:
            out.append(
                f"{self.prompts_per_day:f} prompts a day on {self.days_per_month:f} days a month "
                f"(= {self.prompts_per_month:,f} a month), at most {self.peak_prompts_per_5h:f} in a 5-hour window")
            out.append(
                f"{self.requests_per_prompt:f} model requests per prompt; one request = "
                f"{self.input_tokens_per_request:,f} input + {self.cached_input_tokens_per_request:,f} cached input + "
                f"{self.output_tokens_per_request:,f} output tokens; pay-as-you-go models: {', '.join(self.models)}")
        if self.characters_per_month:
            out.append(f"{self.characters_per_month:,f} characters of speech a month on "
                       f"{', '.join(self.speech_models) or '(no speech model named)'}")
        if self.products:
            out.append("plan families and the model run on each: "
                       + "; ".join(f"{k} -> {m}" for k, m in self.products))
        out.append(f"a month is {DAYS_PER_MONTH} days; quarter and year prices are spread over 3 and 12 months; "
                   "USD at the ECB rate of each price's observation")
        return out


PLAN_USAGE_KEYS = {"models", "products", "prompts_per_day", "peak_prompts_per_5h", "requests_per_prompt",
                   "days_per_month", "tokens_per_request", "characters_per_month", "speech_models"}


def usage_from_dict(doc, where: str) -> PlanUsage:
    """The ``plans:`` section of a profile. Raises ValueError naming the key for an unknown key or a bad value."""
    if not isinstance(doc, dict):
        raise ValueError(f"{where}: plans must be a mapping")
    unknown = set(doc) - PLAN_USAGE_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown plans key(s) {sorted(unknown)} (known: {sorted(PLAN_USAGE_KEYS)})")

    def num(key: str, value, default: str) -> Decimal:
        try:
            v = Decimal(str(value if value is not None else default))
        except ArithmeticError:
            raise ValueError(f"{where}: plans.{key} must be a number, not {value!r}") from None
        if v < 0:
            raise ValueError(f"{where}: plans.{key} must not be negative")
        return v

    tpr = doc.get("tokens_per_request") or {}
    if not isinstance(tpr, dict) or set(tpr) - {"input", "cached_input", "output"}:
        raise ValueError(f"{where}: plans.tokens_per_request takes input, cached_input, output")
    products = doc.get("products") or {}
    if not isinstance(products, dict) or any(str(k).count("/") < 1 for k in products):
        raise ValueError(f"{where}: plans.products maps 'seller/product[/plan prefix]' to a model id")
    return PlanUsage(
        models=tuple(str(m) for m in doc.get("models") or ()),
        products=tuple((str(k), str(v)) for k, v in products.items()),
        prompts_per_day=num("prompts_per_day", doc.get("prompts_per_day"), "0"),
        peak_prompts_per_5h=num("peak_prompts_per_5h", doc.get("peak_prompts_per_5h"), "0"),
        requests_per_prompt=num("requests_per_prompt", doc.get("requests_per_prompt"), "1"),
        days_per_month=num("days_per_month", doc.get("days_per_month"), "22"),
        input_tokens_per_request=num("tokens_per_request.input", tpr.get("input"), "0"),
        cached_input_tokens_per_request=num("tokens_per_request.cached_input", tpr.get("cached_input"), "0"),
        output_tokens_per_request=num("tokens_per_request.output", tpr.get("output"), "0"),
        characters_per_month=num("characters_per_month", doc.get("characters_per_month"), "0"),
        speech_models=tuple(str(m) for m in doc.get("speech_models") or ()),
    )


def load_usage(path) -> PlanUsage | None:
    """The ``plans:`` section of a profile file, or None when it has none."""
    import yaml
    from pathlib import Path

    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or doc.get("plans") is None:
        return None
    return usage_from_dict(doc["plans"], str(path))


def plans_on(con, day: dt.date, provider: str | None = None) -> list[dict]:
    """Rows of ``marts.billing_plan_history`` in force on ``day`` (valid_from <= day < valid_to), as dicts."""
    from pipelines import warehouse

    cur = warehouse.run(con, "plans_in_force", {"day": day, "provider": provider})
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


@dataclass
class PlanCost:
    """One option of the plan ranking: a subscription, a pack or a pay-as-you-go reference, per month in USD."""

    kind: str                     # subscription | resource_pack | pay_as_you_go
    provider: str
    option: str                   # product / plan (period), or the model for pay-as-you-go
    model: str                    # the model the usage runs on with this option
    monthly_usd: Decimal          # what the usage costs a month with this option
    covers: bool | None           # the quota covers the usage (None: the plan states no quota in a unit the profile uses)
    coverage: str = ""            # by how much it does not, or why it is unknown
    unit_price: str = ""          # a pack's effective price per unit, and its validity
    break_even: str = ""          # usage at which it costs the same as the cheapest pay-as-you-go option (same model)
    stated: str = ""              # the price as the seller states it
    notes: str = ""


def _months(row: dict) -> Decimal:
    if row["billing_period"] == "one_off":
        return Decimal(row["valid_months"] or 0) or (Decimal(row["valid_days"]) / DAYS_PER_MONTH
                                                     if row["valid_days"] else Decimal(1))
    return PERIOD_MONTHS[row["billing_period"]]


def _norm(name: str) -> str:
    return name.strip().lower().replace(" ", "-")


def plan_model(row: dict, u: PlanUsage) -> str | None:
    """The model the profile runs on this plan: by ``products`` (seller/product[/plan prefix]), else one of the
    profile's models that the plan's own data lists (names compared as ids: ``MiniMax M2`` = ``minimax-m2``)."""
    for key, model in u.products:
        parts = key.split("/", 2)
        if parts[0] == row["provider"] and parts[1] == row["product"] and (
                len(parts) < 3 or row["plan"].startswith(parts[2])):
            listed = {_norm(m) for m in (row.get("models") or "").split(";") if m.strip()}
            return model if not listed or _norm(model) in listed or not any(
                _norm(m) in listed for m in (*u.models, *u.speech_models)) else None
    listed = {_norm(m) for m in (row.get("models") or "").split(";") if m.strip()}
    return next((m for m in (*u.models, *u.speech_models) if _norm(m) in listed), None)


def _usage_in(row: dict, u: PlanUsage) -> Decimal | None:
    """The profile's usage in the plan's quota unit and window (None when the profile states none in that unit)."""
    unit, per = row["quota_unit"], row["quota_per"]
    weeks = DAYS_PER_MONTH / 7
    if unit in ("prompts", "requests") and u.prompts_per_day:
        mult = u.requests_per_prompt if unit == "requests" else Decimal(1)
        return {"5 hours": u.peak_prompts_per_5h * mult, "month": u.prompts_per_month * mult,
                "week": u.prompts_per_month * mult / weeks}.get(per)
    if unit == "tokens" and u.prompts_per_day and per == "month":
        return sum(u.monthly_tokens().values())
    if unit == "characters" and u.characters_per_month:
        return u.characters_per_month if per == "month" else u.characters_per_month * _months(row)
    return None


def payg_per_request(prices: dict[str, Decimal], u: PlanUsage) -> Decimal:
    """USD of one model request at pay-as-you-go prices (USD per 1M tokens by price kind; without a cache-read
    price cached input counts as input)."""
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
        if model.lower() not in wanted:
            continue
        rate = fx_between(currency, "USD", day)[0]
        for r in option.prices:
            if r.service_tier == "standard" and r.tier_min_tokens == 0 and not r.conditions:
                d = got.setdefault((provider, model), {})
                usd = r.amount * rate
                d[r.price_kind] = min(d.get(r.price_kind, usd), usd)
    return [(p, m, d) for (p, m), d in sorted(got.items()) if "input" in d and "output" in d]


def speech_payg(con, day: dt.date, u: PlanUsage) -> list[tuple[str, str, Decimal]]:
    """``(provider, model, USD per character)`` of the profile's speech models: the latest ``speech_output`` price
    per characters observed on or before ``day`` (``staging.unit_prices``; cheapest region)."""
    from pipelines import warehouse

    if not u.speech_models:
        return []
    out: dict[tuple[str, str], Decimal] = {}
    for provider, model, unit, usd in warehouse.run(con, "plans_speech_prices",
                                                    {"day": day, "models": list(u.speech_models)}).fetchall():
        per = _per_characters(unit)
        if per:
            v = Decimal(usd) / per
            out[(provider, model)] = min(out.get((provider, model), v), v)
    return [(p, m, v) for (p, m), v in sorted(out.items())]


def _per_characters(unit: str) -> Decimal | None:
    """``per 10K characters`` -> 10000; ``per 1M characters`` -> 1000000; ``per character`` -> 1."""
    import re

    m = re.fullmatch(r"per (?:(\d+)([KM])? )?characters?", unit)
    if not m:
        return None
    n = Decimal(m.group(1) or 1)
    return n * {"K": 1000, "M": 1_000_000, None: 1}[m.group(2)]


def rank_plans(plans: list[dict], payg: list[tuple[str, str, dict[str, Decimal]]], u: PlanUsage,
               speech: list[tuple[str, str, Decimal]] = ()) -> list[PlanCost]:
    """The profile's usage priced with each plan it can run on (:func:`plan_model`) and with pay-as-you-go, cheapest
    first; options whose quota does not cover the usage come after those that do (or may).

    - Subscription: its price per month (a quarter / year price over 3 / 12 months; a first month only is left out),
      USD at the ECB rate of its observation. ``covers`` when the usage in the quota's unit and window is within the
      quota (an estimate, ``约``, counted as stated); else ``coverage`` says by how much it is exceeded. A quota in a
      unit the profile does not state (credits without what one buys) leaves coverage unknown (None).
    - Pack: ``unit_price`` = price / amount (per 10K units), with its validity; the month's cost is the whole packs
      the usage over the validity needs, over the validity.
    - Pay-as-you-go: each seller of the profile's models (tokens) and speech models (characters).
    - Break-even: the usage at which pay-as-you-go with the cheapest seller of the same model costs the option's
      monthly price (prompts a day for token plans, characters a month for speech).
    """
    out: list[PlanCost] = []
    per_request: dict[str, Decimal] = {}
    for p, m, d in payg:
        r = payg_per_request(d, u)
        per_request[_norm(m)] = min(per_request.get(_norm(m), r), r)
        if u.prompts_per_day:
            out.append(PlanCost("pay_as_you_go", p, m, m, r * u.requests_per_month, True,
                                stated=f"{r * 1000:.4f} USD per 1,000 requests"))
    per_char: dict[str, Decimal] = {}
    for p, m, v in speech:
        per_char[_norm(m)] = min(per_char.get(_norm(m), v), v)
        if u.characters_per_month:
            out.append(PlanCost("pay_as_you_go", p, m, m, v * u.characters_per_month, True,
                                stated=f"{v * 10_000:.4f} USD per 10K characters"))
    for row in plans:
        if row["usd_price"] is None or row["billing_period"] == "first_month":
            continue  # no stated price, or a new buyer's first month only: not a monthly cost
        model = plan_model(row, u)
        if model is None:
            continue
        months = _months(row)
        monthly = row["usd_price"] / months
        quota, usage = row["quota_amount"], _usage_in(row, u)
        label = f"{row['product']} / {row['plan']} ({row['billing_period'].replace('one_off', 'pack')})"
        stated = f"{row['price'].normalize():,f} {row['currency']} per {row['billing_period'].replace('one_off', 'pack')}"
        covers, coverage, unit_price, break_even = None, "", "", ""
        if quota is None:
            coverage = "quota not stated"
        elif usage is None:
            coverage = f"quota in {row['quota_unit']} per {row['quota_per']}: the profile states no usage in that unit"
        elif row["billing_model"] == "resource_pack":
            packs = max(Decimal(1), (usage / quota).to_integral_value(rounding=ROUND_CEILING))
            monthly = row["usd_price"] * packs / months
            covers, coverage = True, f"{packs:f} pack(s) per {months:f} month(s)"
        elif usage > quota:
            covers = False
            coverage = (f"NOT COVERED: {usage:,.0f} {row['quota_unit']} per {row['quota_per']} needed, quota "
                        f"{'about ' if row['quota_is_estimate'] else ''}{quota:,.0f}: {usage - quota:,.0f} over "
                        f"(+{(usage / quota - 1) * 100:.0f}%)")
        else:
            covers = True
            coverage = (f"uses {usage:,.0f} of {'about ' if row['quota_is_estimate'] else ''}{quota:,.0f} "
                        f"{row['quota_unit']} per {row['quota_per']}")
        if row["billing_model"] == "resource_pack" and quota:
            unit_price = (f"{row['price'] / quota * 10_000:,.4f} {row['currency']} per 10K {row['quota_unit']}, "
                          f"valid {months:f} month(s)")
        if row["quota_unit"] == "characters" or _norm(model) in per_char:
            v = per_char.get(_norm(model))
            break_even = (f"{monthly / v:,.0f} characters a month" if v else f"no pay-as-you-go price of {model}")
        else:
            r = per_request.get(_norm(model))
            if r and u.requests_per_prompt and u.days_per_month:
                break_even = f"{monthly / (r * u.requests_per_prompt) / u.days_per_month:,.1f} prompts a day"
            else:
                break_even = f"no pay-as-you-go price of {model}"
        out.append(PlanCost(row["billing_model"], row["provider"], label, model, monthly, covers, coverage,
                            unit_price, break_even, stated,
                            notes=f"in force since {row['valid_from']} ({row['source']})"))
    return sorted(out, key=lambda c: (c.covers is False, c.monthly_usd, c.provider, c.option))


PLAN_COLUMNS = ("#", "kind", "provider", "option", "model", "USD / month", "covers", "coverage", "pack unit price",
                "break-even vs pay-as-you-go", "stated price", "notes")


def render_plans(u: PlanUsage, costs: list[PlanCost], day: dt.date, shown=None) -> str:
    """The plan ranking as text: the assumptions, then a GitHub pipe table, cheapest first (``shown``: the sellers
    whose rows to print, ranks kept; None = all)."""
    from tabulate import tabulate

    head = [f"subscriptions and packs beside pay-as-you-go, prices in force on {day} (USD per month):"]
    head += [f"  assumption: {a}" for a in u.assumptions()]
    rows = [[i, c.kind, c.provider, c.option, c.model, f"{c.monthly_usd:,.2f}",
             {True: "yes", False: "NO", None: "?"}[c.covers], c.coverage, c.unit_price, c.break_even, c.stated,
             c.notes] for i, c in enumerate(costs, start=1) if shown is None or c.provider in shown]
    table = tabulate(rows, headers=PLAN_COLUMNS, tablefmt="github", disable_numparse=True)
    return "\n".join(head) + "\n\n" + (table if rows else "(no plan or pay-as-you-go price for these models)")


def plan_report(con, path, day: dt.date, sellers=()) -> str | None:
    """:func:`render_plans` of the profile file's ``plans:`` section on ``day`` (None when it has none); with
    ``sellers``, only their rows (ranks among all)."""
    u = load_usage(path)
    if u is None:
        return None
    costs = rank_plans(plans_on(con, day), payg_options(con, day, u), u, speech_payg(con, day, u))
    return render_plans(u, costs, day, [c.provider for c in costs if not sellers or c.provider in sellers])
