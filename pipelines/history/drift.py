"""Layout-drift and sanity guards on a parse, before its rows may enter the warehouse.

A page whose layout changed usually still "parses" — into too few models, or into numbers off by the factor of
a unit (per token read as per 1M: 10^6; per 1K: 10^3). These rules catch that; a finding fails the source's
blocking check and the rows are not written, so the marts keep the previous prices and emit no change or
removal events.

Blocking (:func:`findings`, the reasons to reject a parse): no prices at all (the parser's ParseError), far fewer
models than the last good parse, an implausible value, a jump beyond :data:`MAX_JUMP`. Not blocking: what the page
says that the parser did not understand (:class:`pipelines.sources.base.Finding`: an unknown column, row, section or
tab, an unreadable cell, a model id derived by a naming rule); everything understood loads, and the findings are
recorded with the parse (:func:`run_detail`) and listed by the source's ``layout_drift`` check.

Zero is a price only when the page says so: a quote of 0 (or below) is a finding unless the page states the
model is free (:func:`says_free`), since a layout change or a stray "0" reads as 0 as easily as "Free" does, and
a wrong 0 would show as a -100% change and a free model in every export. Any move between two observations is
checked, from or to zero included.
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal

#: fewer models than this share of the same URL's last good parse is drift.
MIN_MODEL_RATIO = 0.5
#: a token price above this (USD per 1M tokens) is implausible for any listed model.
MAX_USD_PER_MTOK = Decimal(10_000)
#: a non-zero token price below this (USD per 1M tokens) is implausible (a per-1M value read as per-token).
MIN_NONZERO_USD_PER_MTOK = Decimal("0.0001")
#: a price that moved by this factor or more since the source's previous partition is a unit error, not a
#: price change: real list-price cuts are at most ~10x (o3: 5x, 2025-06; gpt-4o: 2x, 2024), the unit mistakes
#: in the LiteLLM history (dataset README) are 64x to 10^6x. 20 keeps twice the largest real cut and stays
#: well under the smallest unit error (the fault pass let a 49.6x rise through a 50x guard). A move to or from
#: zero is an infinite factor: always a finding, except a move to a zero the page calls free.
MAX_JUMP = Decimal(20)
#: what a page writes for a price it means to be zero (the parsers keep it in ``location`` or ``conditions``).
FREE_WORDS = re.compile(r"\bfree\b|免费|不计费", re.I)
#: sources whose 0 is taken as stated: LiteLLM's map is a third-party dataset of many sellers whose JSON writes 0
#: for what LiteLLM does not charge (local, free and router models) and carries no page wording to check; its
#: known unit errors are caught by the range and jump rules, and its rows are quarantined one by one.
ZERO_AS_STATED = frozenset({"litellm_price_map"})


def key(r: dict) -> tuple:
    """The identity of a token price within one source: (provider, model, price_kind, service_tier,
    tier_min_tokens, region, original_currency, conditions or '')."""
    return (r["provider"], r["model"], r["price_kind"], r["service_tier"], r["tier_min_tokens"], r["region"],
            r["original_currency"], r["conditions"] or "")


def says_free(r: dict) -> bool:
    """True when the page states this quote is free: the page's word for it (``Free``, ``Free of charge``,
    ``免费``, ``不计费``) is in the quote's ``location`` or ``conditions``, or the seller's model id is its free
    variant (OpenRouter's ``:free`` ids, priced 0 by its API)."""
    text = f"{r.get('location') or ''} {r.get('conditions') or ''}"
    return bool(FREE_WORDS.search(text)) or str(r["model"]).endswith(":free")


def row_problem(r: dict, previous_values: dict[tuple, Decimal]) -> str | None:
    """Why one quote is not believable, or None: out of range; zero or negative without the page saying the
    model is free; a move by MAX_JUMP or more (or to or from zero) since the previous partition."""
    v = r["usd_per_mtok"]
    if not math.isfinite(float(v)) or v < 0 or v > MAX_USD_PER_MTOK or (0 < v < MIN_NONZERO_USD_PER_MTOK):
        return f"implausible {r['model']} {r['price_kind']}: {v} USD per 1M tokens ({r['location']})"
    if v == 0 and r.get("source") not in ZERO_AS_STATED and not says_free(r):
        return (f"{r['model']} {r['price_kind']} is 0 USD per 1M tokens but the page does not say it is free "
                f"({r['location']})")
    old = previous_values.get(key(r))
    if old is None or old == v:
        return None
    if old == 0 or v == 0:
        if v == 0 and says_free(r):
            return None  # the page now says free: a real change (a promotion, a free tier), not a unit error
        return f"{r['model']} {r['price_kind']} jumped {old} -> {v} USD per 1M tokens (to or from zero)"
    if v / old >= MAX_JUMP or old / v >= MAX_JUMP:
        return f"{r['model']} {r['price_kind']} jumped {old} -> {v} USD per 1M tokens (>= {MAX_JUMP}x)"
    return None


def cache_read_problems(rows: list[dict]) -> dict[int, str]:
    """``{index in rows: reason}`` of the cache-read quotes at or above the input price of the same key in the same
    parse: a cache hit never costs more than the uncached input (issue 20), so such a row is a listing's slip (the
    OpenRouter API's ``input_cache_read`` equal to ``prompt`` for models whose upstream offers no cache discount),
    not a price. For the multi-seller lists whose bad rows are quarantined one by one."""
    inputs = {key(r)[:2] + key(r)[3:]: r["usd_per_mtok"] for r in rows if r["price_kind"] == "input"}
    out = {}
    for i, r in enumerate(rows):
        if r["price_kind"] != "cache_read" or r["usd_per_mtok"] <= 0:
            continue
        inp = inputs.get(key(r)[:2] + key(r)[3:])
        if inp is not None and 0 < inp <= r["usd_per_mtok"]:
            out[i] = (f"cache read {r['usd_per_mtok']} at or above the input price {inp} USD per 1M tokens "
                      f"({r['model']}, {r['location']})")
    return out


def findings(
    rows: list[dict], *, n_models: int, previous_models: int | None, previous_values: dict[tuple, Decimal]
) -> list[str]:
    """Reasons to reject a parse of one URL (empty list: accept).

    ``rows``: ``staging.price_quotes`` rows of this parse; ``n_models``: models it priced (token or other
    units); ``previous_models``: the same count for the last good parse of the same URL (None if none);
    ``previous_values``: usd_per_mtok of the source's previous partition by :func:`key`.
    """
    out: list[str] = []
    if previous_models and n_models < MIN_MODEL_RATIO * previous_models:
        out.append(
            f"{n_models} models, fewer than {MIN_MODEL_RATIO:.0%} of the {previous_models} models of the last good parse"
        )
    out += [p for p in (row_problem(r, previous_values) for r in rows) if p]
    return out[:50]


def run_detail(problems: list[str], layout: list, *, kind: str = "drift", notes: list[str] = ()) -> str | None:
    """``staging.parse_runs.detail`` of one parse: a JSON list of ``{"kind", "where", "text"}``, the blocking
    ``problems`` first (``kind`` ``drift`` or ``parse_error``, ``where`` empty), then the page's non-blocking layout
    findings (:class:`pipelines.sources.base.Finding`) with their kind and exact location, then ``notes`` (kind
    ``fx``: prices converted at an ECB rate older than the observation day, see
    :func:`pipelines.history.normalise.fx_warnings`). None when all are empty."""
    items = [{"kind": kind, "where": "", "text": p} for p in problems]
    items += [{"kind": f.kind, "where": f.where, "text": f.text} for f in layout]
    items += [{"kind": "fx", "where": "", "text": n} for n in notes]
    return json.dumps(items, ensure_ascii=False) if items else None
