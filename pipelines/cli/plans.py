"""``tokenprices plans [--provider P] [--at DATE]``: the subscriptions and resource packs in force (issue 18).

Reads ``marts.billing_plan_history`` (effective-dated; ``warehouse/sql/plans_in_force.sql``) and prints one row per
plan in force on the day: price as the seller states it and in USD (ECB rate of its observation), quota, validity,
models, status, promotion, and where it was read.
"""

from __future__ import annotations

import datetime as dt
import sys


def register(sub) -> None:
    sp = sub.add_parser("plans", help="subscriptions and resource packs in force (marts.billing_plan_history)")
    sp.add_argument("--provider", help="seller slug, e.g. zhipu, minimax")
    sp.add_argument("--at", help="UTC date YYYY-MM-DD (default: today)")
    sp.add_argument("--max-rows", type=int, default=500, help="print at most this many rows (default 500)")
    sp.set_defaults(func=cmd_plans)


def quota_text(r: dict) -> str:
    if r["quota_amount"] is None:
        return ""
    about = "~" if r["quota_is_estimate"] else ""
    per = "" if r["quota_per"] == "validity" else f" / {r['quota_per']}"
    return f"{about}{r['quota_amount']:,f} {r['quota_unit']}{per}".replace(".000000 ", " ")


def cmd_plans(args) -> int:
    from rich.console import Console
    from rich.table import Table

    from pipelines import warehouse
    from pipelines.cli.main import _fmt
    from pipelines.cost.plans import plans_on

    try:
        day = dt.date.fromisoformat(args.at) if args.at else dt.datetime.now(dt.UTC).date()
    except ValueError:
        print(f"tokenprices plans: --at must be a date YYYY-MM-DD, not {args.at!r}", file=sys.stderr)
        return 2
    provider = args.provider.strip().lower() if args.provider else None
    con = warehouse.connect_readonly()
    try:
        rows = plans_on(con, day, provider)
    finally:
        con.close()
    if not rows:
        print(f"tokenprices plans: no plan in force on {day}" + (f" for {provider!r}" if provider else "")
              + " (tokenprices sql \"SELECT DISTINCT provider FROM marts.billing_plan_history\")", file=sys.stderr)
        return 1
    t = Table(title=f"subscriptions and resource packs in force on {day}")
    for c in ("provider", "product", "plan", "billing", "period", "price", "USD", "quota", "validity", "models",
              "status", "since", "source"):
        t.add_column(c, overflow="fold")
    for r in rows[: args.max_rows]:
        price = "" if r["price"] is None else f"{_fmt(r['price'])} {r['currency']}"
        usd = "" if r["usd_price"] is None else f"{r['usd_price']:.2f}"
        valid = f"{r['valid_months']} month(s)" if r["valid_months"] else ""
        t.add_row(r["provider"], r["product"], r["plan"], r["billing_model"], r["billing_period"], price, usd,
                  quota_text(r), valid, (r["models"] or "")[:60], r["status"], str(r["valid_from"]), r["source"])
    Console(width=200).print(t)
    if len(rows) > args.max_rows:
        print(f"(first {args.max_rows} of {len(rows)} plans shown)")
    return 0
