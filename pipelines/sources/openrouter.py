"""OpenRouter models API (https://openrouter.ai/api/v1/models) -> prices.

``{"data": [{"id": "openai/gpt-4o", "name": "OpenAI: GPT-4o", "pricing": {...}}, ...]}``. The seller is
OpenRouter (``provider="openrouter"``); ``model`` is the OpenRouter API id exactly as given (``openai/gpt-4o``,
``anthropic/claude-opus-5:batch``, ``~openai/gpt-latest``), ``model_name`` the ``name``.

``pricing`` values are decimal strings in USD per single token (``unit="per token"``), read with
``Decimal(str)`` (never float). Fields read:

=====================  ===================================================================
``prompt``             ``input``
``completion``         ``output``
``input_cache_read``   ``cache_read``
``input_cache_write``  ``cache_write``; ``cache_write_5m`` when ``input_cache_write_1h`` is
                       also given (Anthropic's two write durations)
``input_cache_write_1h`` ``cache_write_1h``
``audio``              ``input_audio`` (audio input tokens)
``audio_output``       ``output_audio``
``input_audio_cache``  ``cache_read_audio``
``image_output``       ``output_image`` (image output tokens)
=====================  ===================================================================

Non-token fields, emitted with their own unit when non-zero (``"0"`` there means "no such fee", not a free
price, so it gives no row); OpenRouter's API documents ``image`` as the cost per input image, ``web_search`` as
the cost per web search operation and ``request`` as a fixed cost per API request:

=====================  ===================================================================
``image``              kind ``image_input``, unit ``per image``
``web_search``         kind ``web_search``, unit ``per search``
``request``            kind ``request``, unit ``per request``
=====================  ===================================================================

(On the 2026-08-19 capture every ``image`` value equals the model's ``prompt`` per-token price, all of them on
Google models; they are kept as the API documents them, per image.) These fields inside ``overrides`` are
ignored (no tiered non-token fee has been seen).

Model facts (:class:`~pipelines.sources.base.ParsedFact`, of the OpenRouter id): ``context_length`` ->
``context_window``, ``top_provider.max_completion_tokens`` -> ``max_output_tokens``, ``architecture.input_modalities``
/ ``output_modalities``, ``expiration_date`` -> ``retirement_date``.

Skipped on purpose: ``internal_reasoning`` (reasoning tokens are billed as completion tokens; not a separate
price), ``discount``. Any other ``pricing`` key is not read: it becomes an ``unknown_column`` finding (``key=value``)
and the model's known fields still load (issue 19: a new price field never blocks the listing).

Values: ``"-1"`` is OpenRouter's sentinel for unknown/variable pricing (routers such as ``openrouter/auto``)
and gives no row; ``"0"`` gives a 0 row (``:free`` variants); any other non-numeric or negative string
raises :class:`ParseError` naming the model id and field.

Ids ending in ``:batch`` (name ``… (batch)``) are OpenRouter's batch variants: ``service_tier="batch"``, with
the id kept as is (it is what a request names).

``pricing.overrides`` is a list of conditional prices:

- ``{"min_prompt_tokens": 200000, "prompt": …, …}``: a long-context tier -> ``tier_min_tokens`` = that
  threshold; only the fields the override states are emitted for that tier.
- ``{"utc_start": 100, "utc_end": 400, "prompt": …}``: time-of-day windows (HHMM, UTC). The windows must
  carry exactly two distinct price sets; the higher one is the undiscounted all-day list price
  (``standard``), the lower one ``off_peak`` with the windows in ``conditions``. The top-level price of a
  field priced by the windows is not emitted (it repeats one of the windows).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation

from pipelines.sources.base import MODALITIES, ParsedFact, ParsedPage, ParsedPrice, ParseError, Source, seller_price
from pipelines.sources.reader import Findings

PROVIDER = "openrouter"
UNIT = "per token"
CURRENCY = "USD"

_KINDS = {
    "prompt": "input",
    "completion": "output",
    "input_cache_read": "cache_read",
    "input_cache_write": "cache_write",
    "input_cache_write_1h": "cache_write_1h",
    "audio": "input_audio",
    "audio_output": "output_audio",
    "input_audio_cache": "cache_read_audio",
    "image_output": "output_image",
}
#: non-token fields -> (price kind, unit); emitted only when non-zero.
_NON_TOKEN = {
    "image": ("image_input", "per image"),
    "web_search": ("web_search", "per search"),
    "request": ("request", "per request"),
}
_SKIPPED = frozenset({"internal_reasoning", "discount", *_NON_TOKEN})
_TIER_KEYS = frozenset({"min_prompt_tokens", "utc_start", "utc_end"})
_NUMBER = re.compile(r"^\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$")
_SENTINEL = "-1"


def parse(body: bytes, url: str) -> ParsedPage:
    """Per-token USD prices of every model in the OpenRouter models list; unknown pricing keys as findings."""
    try:
        doc = json.loads(body, parse_float=Decimal)
    except ValueError as exc:
        raise ParseError(f"not JSON: {exc}", url=url) from exc
    data = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(data, list):
        raise ParseError("no 'data' list", url=url, where="$.data")
    out: list[ParsedPrice] = []
    facts: list[ParsedFact] = []
    findings = Findings()
    for i, m in enumerate(data):
        base = f"data[{i}]"
        if not isinstance(m, dict) or not isinstance(m.get("id"), str) or not m["id"]:
            raise ParseError("model without an id", url=url, where=base)
        model = m["id"]
        where = f"{base} ({model}).pricing"
        pricing = m.get("pricing")
        if pricing is None:
            continue
        if not isinstance(pricing, dict):
            raise ParseError("pricing is not an object", url=url, where=where)
        for key in sorted(set(pricing) - set(_KINDS) - _SKIPPED - {"overrides"}):
            findings.add("unknown_column", f"{where}.{key}", f"{key}={pricing[key]}")
        out.extend(_model_prices(model, str(m.get("name") or model), pricing, where, url))
        facts += _facts(model, m, base, findings)
    seen: dict[tuple, str] = {}
    for p in out:
        key = (p.model, p.price_kind, p.service_tier, p.tier_min_tokens, p.region)
        if key in seen:
            raise ParseError(f"price {key} given twice (also at {seen[key]})", url=url, where=p.where)
        seen[key] = p.where
    return findings.page(out, url, facts=facts)


def _facts(model: str, m: dict, base: str, findings: Findings) -> list[ParsedFact]:
    """The model facts of one entry: ``context_length``, ``top_provider.max_completion_tokens``,
    ``architecture.input_modalities`` / ``output_modalities`` and ``expiration_date`` (the day OpenRouter stops
    serving the id: ``retirement_date``). A value of another shape is an ``unreadable_cell`` finding."""
    out: list[ParsedFact] = []
    arch = m.get("architecture") if isinstance(m.get("architecture"), dict) else {}
    top = m.get("top_provider") if isinstance(m.get("top_provider"), dict) else {}
    for fact, value, where in (("context_window", m.get("context_length"), f"{base}.context_length"),
                               ("max_output_tokens", top.get("max_completion_tokens"),
                                f"{base}.top_provider.max_completion_tokens")):
        if value is None:
            continue
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            out.append(ParsedFact(PROVIDER, model, fact, str(value), str(value), where))
        else:
            findings.add("unreadable_cell", where, repr(value))
    for fact in ("input_modalities", "output_modalities"):
        words = arch.get(fact)
        if words is None:
            continue
        where = f"{base}.architecture.{fact}"
        if isinstance(words, list) and words and set(words) <= MODALITIES:
            out.append(ParsedFact(PROVIDER, model, fact, ",".join(sorted(set(words))), json.dumps(words), where))
        else:
            findings.add("unreadable_cell", where, repr(words))
    exp = m.get("expiration_date")
    if exp is not None:
        try:
            out.append(ParsedFact(PROVIDER, model, "retirement_date", dt.date.fromisoformat(str(exp)).isoformat(),
                                  str(exp), f"{base}.expiration_date"))
        except ValueError:
            findings.add("unreadable_cell", f"{base}.expiration_date", repr(exp))
    return out


def _model_prices(model: str, name: str, pricing: dict, where: str, url: str) -> list[ParsedPrice]:
    tier = "batch" if model.endswith(":batch") else "standard"
    two_writes = "input_cache_write_1h" in pricing
    overrides = pricing.get("overrides") or []
    if not isinstance(overrides, list):
        raise ParseError("overrides is not a list", url=url, where=f"{where}.overrides")

    def kind_of(field: str) -> str:
        k = _KINDS[field]
        return "cache_write_5m" if k == "cache_write" and two_writes else k

    def row(field: str, amount: Decimal, w: str, service_tier: str = tier, min_tokens: int = 0, cond=None):
        return seller_price(PROVIDER, CURRENCY, model, name, kind_of(field), amount, UNIT, w, cond,
                            service_tier=service_tier, tier_min_tokens=min_tokens)

    out: list[ParsedPrice] = []
    windows: list[tuple[int, dict]] = []
    for j, ov in enumerate(overrides):
        w = f"{where}.overrides[{j}]"
        if not isinstance(ov, dict):
            raise ParseError("override is not an object", url=url, where=w)
        unknown = set(ov) - set(_KINDS) - _SKIPPED - _TIER_KEYS
        if unknown:
            raise ParseError(f"unknown override condition {sorted(unknown)}", url=url, where=w)
        has_min = "min_prompt_tokens" in ov
        has_utc = "utc_start" in ov or "utc_end" in ov
        if has_min == has_utc:
            raise ParseError("override needs exactly one of min_prompt_tokens or utc_start/utc_end", url=url, where=w)
        if has_min:
            thr = ov["min_prompt_tokens"]
            if not isinstance(thr, int) or isinstance(thr, bool) or thr <= 0:
                raise ParseError(f"bad min_prompt_tokens {thr!r}", url=url, where=f"{w}.min_prompt_tokens")
            for field in _KINDS:
                if field in ov and (a := _amount(ov[field], url, f"{w}.{field}")) is not None:
                    out.append(row(field, a, f"{w}.{field}", min_tokens=thr))
        else:
            windows.append((j, ov))

    windowed: set[str] = set()
    if windows:
        out_w, windowed = _time_windows(windows, where, url)
        for field, amount, w, service_tier, cond in out_w:
            out.append(row(field, amount, w, service_tier=service_tier, cond=cond))

    for field in _KINDS:
        if field in pricing and field not in windowed:
            a = _amount(pricing[field], url, f"{where}.{field}")
            if a is not None:
                out.append(row(field, a, f"{where}.{field}"))
    for field, (kind, unit) in _NON_TOKEN.items():
        if field in pricing:
            a = _amount(pricing[field], url, f"{where}.{field}")
            if a:  # None (-1 sentinel) and 0 (no such fee) give no row
                out.append(
                    seller_price(PROVIDER, CURRENCY, model, name, kind, a, unit, f"{where}.{field}",
                                 service_tier=tier)
                )
    return out


def _time_windows(windows: list[tuple[int, dict]], where: str, url: str):
    """Time-of-day overrides -> [(field, amount, where, service_tier, conditions)], fields covered."""
    groups: dict[tuple, list[tuple[int, str]]] = {}
    for j, ov in windows:
        w = f"{where}.overrides[{j}]"
        span = f"{_hhmm(ov.get('utc_start'), url, f'{w}.utc_start')}-{_hhmm(ov.get('utc_end'), url, f'{w}.utc_end')}"
        prices = tuple(
            sorted((f, a) for f in _KINDS if f in ov and (a := _amount(ov[f], url, f"{w}.{f}")) is not None)
        )
        groups.setdefault(prices, []).append((j, span))
    if len(groups) != 2:
        raise ParseError(f"time-of-day overrides with {len(groups)} price sets (expected peak and off-peak)",
                         url=url, where=f"{where}.overrides")
    (pa, wa), (pb, wb) = groups.items()
    da, db = dict(pa), dict(pb)
    if set(da) != set(db):
        raise ParseError("time-of-day overrides price different fields", url=url, where=f"{where}.overrides")
    if all(da[f] >= db[f] for f in da):
        peak, off = (da, wa), (db, wb)
    elif all(db[f] >= da[f] for f in da):
        peak, off = (db, wb), (da, wa)
    else:
        raise ParseError("time-of-day overrides: no price set dominates the other", url=url,
                         where=f"{where}.overrides")
    cond = "off-peak UTC " + ", ".join(span for _, span in off[1])
    out = []
    for field in sorted(peak[0]):
        jp, jo = peak[1][0][0], off[1][0][0]
        out.append((field, peak[0][field], f"{where}.overrides[{jp}].{field}", "standard", None))
        out.append((field, off[0][field], f"{where}.overrides[{jo}].{field}", "off_peak", cond))
    return out, set(peak[0])


def _hhmm(v: object, url: str, where: str) -> str:
    if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 2400 or v % 100 >= 60:
        raise ParseError(f"bad UTC time {v!r} (expected HHMM)", url=url, where=where)
    return f"{v // 100:02d}:{v % 100:02d}"


def _amount(v: object, url: str, where: str) -> Decimal | None:
    """A per-token price string -> Decimal; None for the ``-1`` sentinel; ParseError for anything else."""
    if isinstance(v, str):
        s = v.strip()
        if s == _SENTINEL:
            return None
        if _NUMBER.match(s):
            try:
                return Decimal(s)
            except InvalidOperation:  # pragma: no cover - the regex admits only numbers
                pass
    elif isinstance(v, (int, Decimal)) and not isinstance(v, bool):
        if v == -1:
            return None
        if v >= 0:
            return Decimal(str(v))
    raise ParseError(f"cannot read price {v!r}", url=url, where=where)


SOURCE = Source(
    name="openrouter_models_api",
    provider=PROVIDER,
    urls=("https://openrouter.ai/api/v1/models",),
    fmt="json",
    parse=parse,
    hosts=("openrouter.ai",),
    description="OpenRouter models API (JSON): per-token USD prices of every model OpenRouter sells, "
    "with long-context (min_prompt_tokens) and time-of-day overrides. A row the drift guards reject (a 0 of a model "
    "that is not a `:free` variant, such as the audio models priced 0 per token) is quarantined, not loaded.",
    # hundreds of models of many sellers: one implausible row is held back with its reason (staging.quarantine)
    # instead of rejecting the whole listing (2026-08-19: google/lyria-3-*-preview at "0" per token, not ":free")
    quarantine_bad_rows=True,
)
