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
"""

from __future__ import annotations

import json
import math
from decimal import Decimal

#: fewer models than this share of the same URL's last good parse is drift.
MIN_MODEL_RATIO = 0.5
#: a token price above this (USD per 1M tokens) is implausible for any listed model.
MAX_USD_PER_MTOK = Decimal(10_000)
#: a non-zero token price below this (USD per 1M tokens) is implausible (a per-1M value read as per-token).
MIN_NONZERO_USD_PER_MTOK = Decimal("0.0001")
#: a price that moved by more than this factor since the source's previous partition is a unit error, not a
#: price change: real list-price cuts are at most ~10x (o3: 5x, 2025-06; gpt-4o: 2x, 2024); the unit mistakes
#: in the LiteLLM history (dataset README) are 64x to 10^6x.
MAX_JUMP = Decimal(50)


def key(r: dict) -> tuple:
    """The identity of a token price within one source: (provider, model, price_kind, service_tier,
    tier_min_tokens, region, original_currency, conditions or '')."""
    return (r["provider"], r["model"], r["price_kind"], r["service_tier"], r["tier_min_tokens"], r["region"],
            r["original_currency"], r["conditions"] or "")


def row_problem(r: dict, previous_values: dict[tuple, Decimal]) -> str | None:
    """Why one quote is not believable (out of range, or a >MAX_JUMP move since the previous partition), or None."""
    v = r["usd_per_mtok"]
    if not math.isfinite(float(v)) or v < 0 or v > MAX_USD_PER_MTOK or (0 < v < MIN_NONZERO_USD_PER_MTOK):
        return f"implausible {r['model']} {r['price_kind']}: {v} USD per 1M tokens ({r['location']})"
    old = previous_values.get(key(r))
    if old and v and (v / old > MAX_JUMP or old / v > MAX_JUMP):
        return f"{r['model']} {r['price_kind']} jumped {old} -> {v} USD per 1M tokens (> {MAX_JUMP}x)"
    return None


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
