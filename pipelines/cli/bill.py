"""``tokenprices bill USAGE``: price a usage log at the prices in force on each request's day (docs/bill.md).

USAGE is a CSV file (a header row) or JSON Lines (one object a line) of requests with ``timestamp``, ``model``,
``input_tokens``, ``output_tokens`` and optionally ``cached_tokens``, ``cache_write_tokens``, ``provider``,
``service_tier``, ``region``. Each request is priced by the Python API (:func:`tokenprices.api.request_cost`, the
prices of :func:`tokenprices.api.price_at` on the request's UTC day, looked up once per model and day): long-context
tiers by prompt size, batch and other service tiers, cache reads and writes. The command prints the totals per
month and model, the grand total, and every request it could not price with the reason. Exit status 0 when the
file was read (even with unpriced requests), 2 when it cannot be read (missing, not CSV/JSONL, a required column
missing).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from decimal import Decimal
from pathlib import Path

REQUIRED = ("timestamp", "model", "input_tokens", "output_tokens")
TOKENS = ("input_tokens", "cached_tokens", "cache_write_tokens", "output_tokens")
OPTIONAL = ("cached_tokens", "cache_write_tokens", "provider", "service_tier", "region")


class UsageError(ValueError):
    """The usage file cannot be read as a whole (the message names the file and what is wrong)."""


def register(sub) -> None:
    sp = sub.add_parser("bill", help="price a usage log (CSV or JSONL of requests) at the prices in force each day")
    sp.add_argument("usage", help="CSV or JSONL file of requests (docs/bill.md), e.g. examples/usage.csv")
    sp.add_argument("--format", choices=("text", "json"), default="text",
                    help="json: totals, per-request costs and unpriced rows as one object")
    sp.set_defaults(func=cmd_bill)


def read_usage(path: Path) -> list[tuple[int, dict]]:
    """``[(line number, row)]`` of a CSV (header row) or JSONL file: JSONL when the name ends in ``.jsonl`` /
    ``.ndjson`` or the first character is ``{``. Raises :class:`UsageError` for a file that cannot be read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from exc
    rows: list[tuple[int, dict]] = []
    if path.suffix.lower() in (".jsonl", ".ndjson") or text.lstrip().startswith("{"):
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as exc:
                raise UsageError(f"{path}:{n}: not a JSON object ({exc})") from exc
            if not isinstance(obj, dict):
                raise UsageError(f"{path}:{n}: not a JSON object")
            rows.append((n, obj))
        cols = set().union(*(r.keys() for _, r in rows)) if rows else set()
    else:
        reader = csv.DictReader(io.StringIO(text))
        cols = set(reader.fieldnames or [])
        rows = [(n, r) for n, r in enumerate(reader, start=2)]
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise UsageError(f"{path}: no column {', '.join(missing)} (needs {', '.join(REQUIRED)}; docs/bill.md)")
    if not rows:
        raise UsageError(f"{path}: no requests")
    return rows


def _tokens(row: dict, col: str) -> int:
    v = row.get(col)
    if v is None or v == "":
        if col in REQUIRED:
            raise ValueError(f"{col} is empty")
        return 0
    try:
        n = Decimal(str(v).strip())
    except ArithmeticError:
        raise ValueError(f"{col} {v!r} is not a number") from None
    if n < 0 or n != int(n):
        raise ValueError(f"{col} {v!r} is not a whole number >= 0")
    return int(n)


def _day(v) -> dt.date:
    s = str(v or "").strip()
    try:
        t = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"timestamp {v!r} is not an ISO date or time") from None
    return t.astimezone(dt.UTC).date() if t.tzinfo else t.date()


def bill(rows: list[tuple[int, dict]], con) -> dict:
    """``{"priced": [(line, row, Cost)], "unpriced": [(line, row, reason)], "totals": {(month, provider, model):
    [requests, input, cached, cache_write, output, usd]}, "usd": total}``. Prices are looked up once per (model,
    day, provider, region)."""
    from tokenprices.api import PriceNotFound, price_at, request_cost

    looked: dict[tuple, object] = {}
    priced, unpriced = [], []
    for line, row in rows:
        try:
            day = _day(row.get("timestamp"))
            counts = {c: _tokens(row, c) for c in TOKENS}
            model = str(row.get("model") or "").strip()
            if not model:
                raise ValueError("model is empty")
            provider = (str(row.get("provider") or "").strip().lower()) or None
            region = str(row.get("region") or "").strip() or None
            tier = str(row.get("service_tier") or "").strip().lower() or "standard"
            key = (model, day, provider, region)
            if key not in looked:
                try:
                    looked[key] = price_at(model, day, provider, region, all_tiers=True, con=con)
                except PriceNotFound as exc:
                    looked[key] = exc
            got = looked[key]
            if isinstance(got, PriceNotFound):
                raise got
            c = request_cost(got, service_tier=tier, region=region, **counts)
        except (ValueError, PriceNotFound) as exc:
            unpriced.append((line, row, str(exc)))
            continue
        priced.append((line, row, c))
    totals: dict[tuple, list] = {}
    for _, row, c in priced:
        t = totals.setdefault((c.day.strftime("%Y-%m"), c.provider, c.model), [0, 0, 0, 0, 0, Decimal(0)])
        t[0] += 1
        for i, ln in enumerate(("input", "cached", "cache_write", "output"), start=1):
            t[i] += sum(x.tokens for x in c.lines if x.part == ln)
        t[5] += c.usd
    return {"priced": priced, "unpriced": unpriced, "totals": dict(sorted(totals.items())),
            "usd": sum((c.usd for _, _, c in priced), Decimal(0))}


def _usd(v: Decimal) -> str:
    """Exact USD text: fixed point, at least cents, no exponent (``2.8`` -> ``2.80``, ``0.000125`` as is)."""
    v = v.normalize()
    text = f"{v:f}"
    return text if "." in text and len(text.split(".")[1]) >= 2 else f"{v:.2f}"


def render(res: dict, path: Path) -> str:
    from tabulate import tabulate

    n = len(res["priced"]) + len(res["unpriced"])
    out = [f"{path}: {n} requests, {len(res['priced'])} priced at the prices in force on their day (UTC), "
           f"{len(res['unpriced'])} not priced; USD"]
    rows = [[month, f"{prov} {model}", t[0], f"{t[1]:,}", f"{t[2]:,}", f"{t[3]:,}", f"{t[4]:,}", _usd(t[5])]
            for (month, prov, model), t in res["totals"].items()]
    out.append(tabulate(rows, headers=("month", "model", "requests", "input", "cached", "cache write", "output", "USD"),
                        tablefmt="github", disable_numparse=True))
    out.append(f"total USD {_usd(res['usd'])}")
    if res["unpriced"]:
        out.append(f"\nnot priced ({len(res['unpriced'])}):")
        out += [f"  line {line}: {row.get('timestamp')} {row.get('model')}: {why}" for line, row, why in res["unpriced"]]
    return "\n".join(out)


def cmd_bill(args) -> int:
    from tokenprices.api import connect

    path = Path(args.usage)
    try:
        rows = read_usage(path)
    except UsageError as exc:
        print(f"tokenprices bill: {exc}", file=sys.stderr)
        return 2
    con = connect()
    try:
        res = bill(rows, con)
    finally:
        con.close()
    if args.format == "json":
        doc = {
            "file": str(path), "total_usd": _usd(res["usd"]),
            "totals": [{"month": m, "provider": p, "model": mo, "requests": t[0], "input_tokens": t[1],
                        "cached_tokens": t[2], "cache_write_tokens": t[3], "output_tokens": t[4], "usd": _usd(t[5])}
                       for (m, p, mo), t in res["totals"].items()],
            "requests": [{"line": line, "day": c.day.isoformat(), "provider": c.provider, "model": c.model,
                          "service_tier": c.service_tier, "tier_min_tokens": c.tier_min_tokens, "usd": _usd(c.usd),
                          "notes": list(c.notes)} for line, _, c in res["priced"]],
            "not_priced": [{"line": line, "model": row.get("model"), "timestamp": row.get("timestamp"), "reason": why}
                           for line, row, why in res["unpriced"]],
        }
        json.dump(doc, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(render(res, path))
    return 0
