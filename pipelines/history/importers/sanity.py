"""Sanity rules for imported price runs: what is held back in ``staging.quarantined_runs``, and what is mended.

Public price datasets carry real mistakes (the LiteLLM history README lists them): per-1K or per-1M values typed
into per-token fields for a few hours, per-character prices typed as per-token, entries removed in bulk and
restored days later, float noise. None of them is a price change. Rules, applied per series (one dataset key, one
price kind, service tier, context tier, region and currency), runs in date order:

1. **Implausible values** (negative, or above :data:`MAX_USD_PER_MTOK`) are quarantined.
2. **Zero-length runs** (valid_to = valid_from: a value that lived for hours) are quarantined, unless they
   continue a run of the same value (a flap, rule 5).
3. **Spikes**: a run at least :data:`SPIKE_FACTOR` x away from both its neighbours, in the same direction, is a
   unit mistake that was reverted (gemini-2.0-flash 1000x for 5 hours; gemini-1.5-pro per-character 64x) and is
   quarantined.
4. **Float noise**: a value with 5+ significant digits within :data:`NOISE_TOLERANCE` (relative) of a value with
   at most 3 (0.24999 -> 0.25 USD per 1M tokens) is rounded to that value; the raw value is kept in quarantine
   with reason ``rounded``. Exact fractions such as 0.546875 (= 35/64) are 2e-4 away and stay as they are.
5. **Flaps**: two runs of the same value separated by a gap of at most :data:`MAX_FLAP_GAP_DAYS` days (a bulk
   removal that came back) are one run. The same happens across a quarantined run between equal neighbours.

Plausibility relative to the market (issue 20), each quarantined with its reason:

6. **Sentinels**: a negative value (``-1``) is not a price.
7. **Zero placeholders**: a zero in a series that is paid at another time (before or after) is a placeholder, not
   a free model (LiteLLM's ``gemini/gemini-1.5-pro`` at 0 until the paid price was known). A series that is zero
   throughout stays: the dataset says the model is free.
8. **Unit slips at the edges**: the first or last run of a series :data:`SLIP_FACTOR` x or more away from its
   only neighbour (novita's 2026-01-09 per-1K values, 500 then 0.05): rule 3 needs two neighbours, a slip that is
   the first value a key ever had has one. Days-long flaps count, not only hours.
9. **Cache reads at or above the input price** of the same key and time: a cache hit never costs more than the
   uncached input (LiteLLM's ``claude-3-5-haiku-20241022`` cache read 0.8 = its input, 2025-02-28 to 2025-04-09).
10. **Far from the market**: a value :data:`SLIP_FACTOR` x or more away from every price of the same model
    (:func:`pipelines.history.models.resolve`) and kind at the dataset's other sellers (wandb's Qwen3-235B at
    10,000 where deepinfra charges 0.13), or above :data:`MARKET_CEILING_FACTOR` x the dearest price of its kind
    any first-party seller (the model's own creator) has in the dataset (azure_ai ``jais-30b-chat`` at 9,710,
    watsonx ``jais-13b-chat`` at 2,000 per 1M tokens: no first-party text price ever came near). This replaces a
    fixed ceiling: a wrong value of 9,000 is as wrong as one of 11,000.
11. **Slip windows**: a series whose only run spans exactly a window in which :data:`SLIP_WINDOW_MIN` or more runs
    of the same dataset and seller were unit slips or spikes is one of them (novita's
    ``thudm/glm-4.1v-9b-thinking`` at 280 / 1,104, listed only during novita's per-1K slip of 2026-01-09 to
    2026-01-13, where every other novita key was 8,000x its price before and after): it has no neighbour to be
    compared with, but it lived and died with the slip.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

MAX_USD_PER_MTOK = Decimal(10_000)
SPIKE_FACTOR = Decimal(10)
NOISE_TOLERANCE = Decimal("0.0001")
MAX_FLAP_GAP_DAYS = 14
SLIP_FACTOR = Decimal(100)
MARKET_CEILING_FACTOR = Decimal(2)
SLIP_WINDOW_MIN = 3

SERIES_KEY = ("source", "source_key", "price_kind", "service_tier", "tier_min_tokens", "region", "currency")


def _evident(v: Decimal) -> Decimal | None:
    """The nearest value with at most 3 significant digits if ``v`` has 5+ and is within NOISE_TOLERANCE of it."""
    if v <= 0:
        return None
    digits = len(v.normalize().as_tuple().digits)
    if digits < 5:
        return None
    exp = v.adjusted() - 2  # keep 3 significant digits
    rounded = v.quantize(Decimal(1).scaleb(exp))
    if rounded and abs(v - rounded) / rounded <= NOISE_TOLERANCE:
        return rounded.normalize()
    return None


def _far(a: Decimal, b: Decimal) -> int:
    """+1 if a >= SPIKE_FACTOR * b, -1 if a * SPIKE_FACTOR <= b, else 0 (0 prices are never far)."""
    if a <= 0 or b <= 0:
        return 0
    if a >= SPIKE_FACTOR * b:
        return 1
    if a * SPIKE_FACTOR <= b:
        return -1
    return 0


def _merge_flaps(runs: list[dict]) -> list[dict]:
    """Join consecutive runs of the same value whose gap is at most MAX_FLAP_GAP_DAYS days."""
    merged: list[dict] = []
    for r in runs:
        if merged:
            last = merged[-1]
            gap = (r["valid_from"] - last["valid_to"]).days if last["valid_to"] is not None else None
            if last["usd_per_mtok"] == r["usd_per_mtok"] and gap is not None and gap <= MAX_FLAP_GAP_DAYS:
                last["valid_to"] = r["valid_to"]
                continue
        merged.append(r)
    return merged


def clean_runs(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """Apply the rules above to rows of ``staging.imported_price_runs``.

    Returns ``(kept, quarantined)``: ``kept`` are rows for the history (possibly merged or rounded);
    ``quarantined`` are rows of ``staging.quarantined_runs`` (the row as imported plus ``reason``).
    Pure; the input is not modified.
    """
    series: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        series[tuple(r[k] for k in SERIES_KEY)].append(dict(r))
    kept: list[dict] = []
    held: list[dict] = []
    alone: list[dict] = []  # the only run left of its series (no neighbour to compare with)
    for runs in series.values():
        runs.sort(key=lambda r: (r["valid_from"], r["valid_to"] or dt.date.max))
        ok = []
        paid = any(r["usd_per_mtok"] > 0 for r in runs)
        for r in runs:
            v = r["usd_per_mtok"]
            if v < 0:
                held.append({**r, "reason": f"sentinel: negative value {v} is not a price"})
            elif v > MAX_USD_PER_MTOK:
                held.append({**r, "reason": f"implausible value {v} USD per 1M tokens"})
            elif v == 0 and paid:
                held.append({**r, "reason": "zero placeholder: the same key is paid at another time"})
            else:
                ok.append(r)
        # a value that came back the next day after a bulk removal continues its run (flap), even when the
        # comeback itself lasted only hours
        ok = _merge_flaps(ok)
        lasting = []
        for r in ok:
            if r["valid_to"] is not None and r["valid_to"] <= r["valid_from"]:
                held.append({**r, "reason": "zero-length run (a value that lived for hours)"})
            else:
                lasting.append(r)
        ok = lasting
        # spikes: far from both neighbours in the same direction; removed one at a time, the most extreme
        # first (ties: the shorter run, as unit mistakes are short-lived), since removing one changes the
        # neighbours of the next
        while True:
            cands = []
            for i in range(1, len(ok) - 1):
                v, a, b = ok[i]["usd_per_mtok"], ok[i - 1]["usd_per_mtok"], ok[i + 1]["usd_per_mtok"]
                d1, d2 = _far(v, a), _far(v, b)
                if d1 and d1 == d2:
                    ratio = min(max(v / a, a / v), max(v / b, b / v))
                    cands.append((ratio, -_days(ok[i]), i))
            if not cands:
                break
            _, _, i = max(cands)
            held.append({**ok[i], "reason": (
                f"spike: {ok[i]['usd_per_mtok']} between {ok[i - 1]['usd_per_mtok']} and "
                f"{ok[i + 1]['usd_per_mtok']} USD per 1M tokens (unit mistake that was reverted)")})
            del ok[i]
        # unit slips at the edges: the first or last run far from its only neighbour
        while len(ok) >= 2:
            for i, j in ((0, 1), (len(ok) - 1, len(ok) - 2)):
                v, n = ok[i]["usd_per_mtok"], ok[j]["usd_per_mtok"]
                if v > 0 and n > 0 and (v >= SLIP_FACTOR * n or v * SLIP_FACTOR <= n) and _days(ok[i]) <= _days(ok[j]):
                    held.append({**ok[i], "reason": f"unit slip: {v} next to {n} USD per 1M tokens "
                                                    f"({SLIP_FACTOR}x or more, the shorter-lived of the two)"})
                    del ok[i]
                    break
            else:
                break
        for r in ok:
            ev = _evident(r["usd_per_mtok"])
            if ev is not None and ev != r["usd_per_mtok"]:
                held.append({**r, "reason": f"rounded: float noise {r['usd_per_mtok']} -> {ev}"})
                factor = ev / r["usd_per_mtok"]
                r["usd_per_mtok"] = ev
                r["original_amount"] = r["original_amount"] * factor
        ok = _merge_flaps(ok)
        if len(ok) == 1:
            alone.append(ok[0])
        kept += ok
    kept, held_window = _slip_windows(kept, alone, held)
    kept, held_market = _market(kept)
    return kept, held + held_window + held_market


def _slip_windows(kept: list[dict], alone: list[dict], held: list[dict]) -> tuple[list[dict], list[dict]]:
    """Rule 11 (module docstring): a series' only run, spanning exactly a window in which at least
    :data:`SLIP_WINDOW_MIN` runs of the same dataset and seller were unit slips or spikes, is one of them."""
    windows: dict[tuple, int] = defaultdict(int)
    for h in held:
        if h["reason"].startswith(("unit slip", "spike")):
            windows[(h["source"], h["provider"], h["valid_from"], h["valid_to"])] += 1
    out, ids = [], set()
    for r in alone:
        n = windows.get((r["source"], r["provider"], r["valid_from"], r["valid_to"]), 0)
        if n >= SLIP_WINDOW_MIN and r["usd_per_mtok"] > 0:
            ids.add(id(r))
            out.append({**r, "reason": f"unit slip: {r['usd_per_mtok']} USD per 1M tokens lived only in "
                                       f"{r['provider']}'s slip window {r['valid_from']}..{r['valid_to']}, where "
                                       f"{n} runs of {r['source']} were unit slips or spikes"})
    return [r for r in kept if id(r) not in ids], out


def _overlaps(a: dict, b: dict) -> bool:
    return a["valid_from"] < (b["valid_to"] or dt.date.max) and b["valid_from"] < (a["valid_to"] or dt.date.max)


def _market(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """Rules 9 and 10 (module docstring), across series: cache reads against the same key's input, values against
    the same model at the other sellers and against the dearest first-party price of their kind."""
    from pipelines.history.models import resolve

    held: list[dict] = []
    bad: set[int] = set()
    inputs: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        if r["price_kind"] == "input":
            inputs[(r["source"], r["source_key"], r["service_tier"], r["tier_min_tokens"], r["region"],
                    r["currency"])].append(r)
    for i, r in enumerate(rows):
        if r["price_kind"] != "cache_read" or r["usd_per_mtok"] <= 0:
            continue
        same = inputs.get((r["source"], r["source_key"], r["service_tier"], r["tier_min_tokens"], r["region"],
                           r["currency"]), [])
        over = [x for x in same if _overlaps(x, r) and x["usd_per_mtok"] > 0 and r["usd_per_mtok"] >= x["usd_per_mtok"]]
        if over:
            bad.add(i)
            held.append({**r, "reason": f"cache read {r['usd_per_mtok']} at or above the input price "
                                        f"{over[0]['usd_per_mtok']} USD per 1M tokens"})
    identity: dict[tuple[str, str], tuple[str, str] | None] = {}
    ceiling: dict[str, Decimal] = {}
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        key = (r["provider"], r["model"])
        if key not in identity:
            identity[key] = resolve(*key)
        ident = identity[key]
        if r["currency"] != "USD":
            continue
        groups[(ident or key, r["price_kind"], r["service_tier"], r["tier_min_tokens"])].append(i)
        if (ident and ident[0] == r["provider"] and r["price_kind"] in ("input", "output")
                and r["service_tier"] == "standard" and i not in bad):
            ceiling[r["price_kind"]] = max(ceiling.get(r["price_kind"], Decimal(0)), r["usd_per_mtok"])
    for (ident, kind, _tier, _min), idx in groups.items():
        for i in idx:
            if i in bad:
                continue
            r, v = rows[i], rows[i]["usd_per_mtok"]
            top = ceiling.get(kind)
            if top and v > MARKET_CEILING_FACTOR * top:
                bad.add(i)
                held.append({**r, "reason": f"far from the market: {v} USD per 1M tokens is over "
                                            f"{MARKET_CEILING_FACTOR}x the dearest first-party {kind} price ({top})"})
                continue
            others = [rows[j]["usd_per_mtok"] for j in idx if rows[j]["provider"] != r["provider"]
                      and rows[j]["usd_per_mtok"] > 0]
            if v > 0 and others and (v >= SLIP_FACTOR * max(others) or v * SLIP_FACTOR <= min(others)):
                bad.add(i)
                held.append({**r, "reason": f"far from the market: {v} USD per 1M tokens is {SLIP_FACTOR}x or more "
                                            f"away from every other seller of {ident[0]}/{ident[1]} "
                                            f"({min(others)}..{max(others)})"})
    return [r for i, r in enumerate(rows) if i not in bad], held


def _days(r: dict) -> int:
    """Days a run covers (an open run counts up to today)."""
    return ((r["valid_to"] or dt.date.today()) - r["valid_from"]).days
