"""``tokenprices cost PROFILE [--at DATE] [--top N]``: what a workload costs a month with every option.

Reads the warehouse (``marts.price_history``, ``marts.billing_offers``) and prices the profile with
:mod:`pipelines.cost.workload`; prints the options ranked by monthly total in the buyer's currency, with the breakdown.
Options whose context window (``marts.model_facts``, :func:`pipelines.history.lookup.context_windows`) cannot hold
the profile's longest prompt are dropped and counted (``--keep-small-windows`` keeps them); an unknown window is kept.
PROFILE is a YAML file or the name of a bundled profile (``profiles/<name>.yaml``; schema in docs/workload.md).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import sys
from decimal import ROUND_HALF_EVEN, Decimal

from pipelines import warehouse

#: the columns of the ranked table, in order (money columns in the buyer's currency per month).
COLUMNS = ("#", "provider", "model", "region", "list", "input", "cache", "output", "tiers", "discounts",
           "free quota", "total", "fx", "notes")
CENT = Decimal("0.01")


def register(sub) -> None:
    sp = sub.add_parser("cost", help="what a workload profile costs a month with every (provider, model, region)")
    sp.add_argument("profile", help="profile YAML file, or a bundled profile name (chat_assistant, rag_long_prompts, "
                                    "batch_summarisation, coding_assistant)")
    sp.add_argument("--at", help="UTC date YYYY-MM-DD of the prices (default: today)")
    sp.add_argument("--top", type=int, default=20, help="options to show (default 20; 0 = all)")
    sp.add_argument("--model", action="append", default=[], metavar="PATTERN",
                    help="show only models matching this shell pattern (repeatable); ranks stay those among all")
    sp.add_argument("--provider", action="append", default=[], metavar="SELLER",
                    help="show only this seller (repeatable)")
    sp.add_argument("--keep-small-windows", action="store_true",
                    help="keep options whose context window cannot hold the profile's longest prompt "
                         "(context.max_prompt_tokens); by default they are dropped and counted")
    fq = sp.add_mutually_exclusive_group()
    fq.add_argument("--free-quotas", dest="free_quotas", action="store_true", default=None,
                    help="count free quotas (a new account), whatever the profile says")
    fq.add_argument("--no-free-quotas", dest="free_quotas", action="store_false",
                    help="do not count free quotas, whatever the profile says")
    sp.set_defaults(func=cmd_cost)


def money(v: Decimal) -> str:
    """``3525.6`` -> ``3,525.60`` (rounded half-even to the cent); zero as ``0.00``, never ``-0.00``."""
    r = v.quantize(CENT, rounding=ROUND_HALF_EVEN)
    return f"{r + 0:,.2f}" if r else "0.00"


def render(profile, costs, day: dt.date, shown) -> str:
    """The command's text: a header naming the profile, date and currency, then the ranked table (GitHub
    Markdown pipe table) of ``shown`` (``[(rank, Cost)]``)."""
    from tabulate import tabulate

    head = [
        f"{profile.name}: {profile.input_tokens:,.0f} input + {profile.cached_input_tokens:,.0f} cached input + "
        f"{profile.output_tokens:,.0f} output tokens a month; buyer {profile.region}, {profile.currency}",
        f"prices in force on {day}; {len(costs)} options priced (regions {', '.join(profile.regions)}); "
        f"amounts in {profile.currency} per month"
        + ("; free quotas counted" if profile.free_quotas else ""),
    ]
    rows = []
    for i, c in shown:
        fx = "" if c.fx_date is None else f"{c.fx_rate.quantize(Decimal('0.000001')).normalize():f} ({c.fx_date})"
        rows.append([i, c.provider, c.model, c.region, c.list_currency, money(c.input), money(c.cache),
                     money(c.output), money(c.tier_surcharge), money(c.discounts), money(c.free_quota),
                     money(c.total), fx, c.notes])
    table = tabulate(rows, headers=COLUMNS, tablefmt="github", disable_numparse=True)
    return "\n".join(head) + "\n\n" + table


def cmd_cost(args) -> int:
    import dataclasses

    from pipelines.cost import workload

    try:
        profile = workload.load_profile(workload.resolve_profile_path(args.profile))
    except workload.ProfileError as exc:
        print(f"tokenprices cost: {exc}", file=sys.stderr)
        return 2
    if args.free_quotas is not None:
        profile = dataclasses.replace(profile, free_quotas=args.free_quotas)
    try:
        day = dt.date.fromisoformat(args.at) if args.at else dt.datetime.now(dt.UTC).date()
    except ValueError:
        print(f"tokenprices cost: --at must be a date YYYY-MM-DD, not {args.at!r}", file=sys.stderr)
        return 2
    today = dt.datetime.now(dt.UTC).date()
    if day > today:
        print(f"tokenprices cost: --at {day} is in the future (today is {today} UTC); prices are known up to today",
              file=sys.stderr)
        return 2
    if args.top < 0:
        print("tokenprices cost: --top must be 0 (all) or more", file=sys.stderr)
        return 2
    from pipelines.history.lookup import context_windows

    con = warehouse.connect_readonly()
    try:
        costs = workload.cost_at(con, profile, day)
        windows = context_windows(con)
    except workload.NoPricesError as exc:
        print(f"tokenprices cost: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    kept, dropped, unknown = workload.fit_window(costs, windows, profile.max_prompt_tokens)
    if dropped:
        e_g = ", ".join(f"{c.provider}/{c.model} {windows[(c.provider, c.model)]['tokens']:,}" for c in dropped[:3])
        print(f"{'kept' if args.keep_small_windows else 'dropped'} {len(dropped)} options whose context window cannot "
              f"hold the longest prompt ({profile.max_prompt_tokens:,} tokens), e.g. {e_g}; "
              f"{unknown} options with no known window kept")
    if not args.keep_small_windows:
        costs = kept
    shown = [(i, c) for i, c in enumerate(costs, start=1)
             if (not args.model or any(fnmatch.fnmatchcase(c.model, p) for p in args.model))
             and (not args.provider or c.provider in args.provider)]
    if not shown:
        print(f"tokenprices cost: no priced option matches --model {args.model} --provider {args.provider} "
              f"on {day}", file=sys.stderr)
        return 1
    print(render(profile, costs, day, shown[: args.top] if args.top else shown))
    return print_plans(args.profile, day, args.provider)


def print_plans(profile: str, day: dt.date, sellers: list[str] = ()) -> int:
    """Subscriptions and packs beside pay-as-you-go, for a profile with a ``plans:`` section (pipelines/cost/plans.py);
    ``sellers`` (``--provider``) keeps only their rows."""
    from pipelines.cost import plans, workload

    path = workload.resolve_profile_path(profile)
    try:
        plans.load_usage(path)
    except ValueError as exc:
        print(f"tokenprices cost: {exc}", file=sys.stderr)
        return 2
    con = warehouse.connect_readonly()
    try:
        text = plans.plan_report(con, path, day, sellers)
    finally:
        con.close()
    if text is not None:
        print("\n" + text)
    return 0
