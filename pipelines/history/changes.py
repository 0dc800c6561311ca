"""Price events: ``tokenprices changes``, the Atom feed of price changes and what the webhook announces.

An event (``marts.price_events``, built by ``warehouse/sql/marts_price_events.sql`` with ``marts/price_changes``) is
a price change within one source's history (``marts.price_changes``), a new model (the first price of a
``(provider, model)`` in any source) or a plan change (``plan_change``: a subscription's or resource pack's price per
billing period changed, ``marts.billing_plan_changes``; ``model`` is the product, with ``plan`` and
``billing_period``). Its ``effective`` date is the first day of the new price: a date after today
is an announced future price (upcoming), listed apart and never current before its date (``marts.latest_prices``
takes only runs with ``valid_from <= today``). ``noticed_at`` is when a build first saw the event; the events a
build adds are announced by the webhook (:func:`pipelines.notify.build_sensors`, ``notify_price_events``), except on
the first build of the table, when every event would be new.

The feed (``<data dir>/price_changes.atom``, :func:`pipelines.config.feed_path`) holds the newest
:data:`FEED_ENTRIES` events, upcoming ones first, written with ``feedgen`` at every build of ``marts/price_changes``.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path

from pipelines import config, warehouse

#: events in the Atom feed (newest first).
FEED_ENTRIES = 200
#: events listed in one build's materialization metadata for the webhook (the count says how many in all).
ANNOUNCE_MAX = 200
FEED_ID = "tag:tokenprices,2026:price-events"


def register(sub) -> None:
    sp = sub.add_parser("changes", help="price changes, new models and plan price changes since a date, and "
                                        "announced future prices")
    sp.add_argument("--since", help="UTC date YYYY-MM-DD (default: 30 days before --as-of)")
    sp.add_argument("--provider", help="only this seller slug (e.g. openai, mistral, openrouter)")
    sp.add_argument("--kind", choices=("price_change", "new_model", "plan_change"), help="only this kind of event")
    sp.add_argument("--as-of", help="today, UTC date YYYY-MM-DD (default: today): later events are upcoming")
    sp.add_argument("--max-rows", type=int, default=500, help="list at most this many events (default 500)")
    sp.add_argument("--format", choices=("text", "json"), default="text", help="json: one object, for scripts")
    sp.set_defaults(func=cmd_changes)


def events(con, *, since: dt.date | None = None, provider: str | None = None, kind: str | None = None,
           noticed_at: dt.datetime | None = None, limit: int = 10_000) -> list[dict]:
    """Rows of ``marts.price_events`` (newest first) as dicts; see ``warehouse/sql/price_events.sql``."""
    cur = warehouse.run(con, "price_events", {"since": since, "provider": provider, "kind": kind,
                                              "noticed_at": noticed_at, "limit": limit})
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def build(con, now: dt.datetime) -> tuple[list[dict], bool]:
    """Rebuild ``marts.price_events`` from ``marts.price_changes``, ``marts.source_price_history`` and
    ``marts.billing_plan_changes``: (the events this
    build added, whether the table existed before; when it did not, every event is new and none is announced)."""
    existed = warehouse.run(con, "price_events_exist").fetchone()[0]
    now = now.astimezone(dt.UTC).replace(tzinfo=None)
    warehouse.run(con, "marts_price_events", {"now": now})
    return events(con, noticed_at=now), existed


def _plain(v: Decimal | None) -> str:
    return "?" if v is None else (f"{v.normalize():f}" if v else "0")


def describe(e: dict, as_of: dt.date) -> str:
    """One line for an event: ``2026-07-27 mistral mistral-large-latest input: 8 -> 0.5 USD (-93.75%)`` and its
    source; a plan change reads ``2026-08-22 zhipu GLM Coding Plan Lite per month: 49 -> 118 CNY (+140.816%)``; an
    upcoming one starts with ``upcoming``."""
    when = f"upcoming {e['effective']}" if e["effective"] > as_of else str(e["effective"])
    if e["kind"] == "plan_change":
        pct = f" ({e['pct_change']:+g}%)" if e["pct_change"] is not None else ""
        body = (f"{e['provider']} {e['model']} {e['plan']} per {e['billing_period']}"
                f"{'' if e['region'] == 'global' else ' ' + e['region']}: {_plain(e['old_amount'])} -> "
                f"{_plain(e['new_amount'])} {e['currency']}{pct}")
        return f"{when} {body}, {e['source']} {e['source_url'] or ''}".rstrip()
    what = e["price_kind"] + ("" if e["service_tier"] == "standard" else f" {e['service_tier']}")
    what += f" >{e['tier_min_tokens'] // 1000}k" if e["tier_min_tokens"] else ""
    what += "" if e["region"] == "global" else f" {e['region']}"
    what += f" ({e['conditions']})" if e["conditions"] else ""
    if e["kind"] == "new_model":
        body = f"new model {e['provider']} {e['model']}: {what} {_plain(e['new_amount'])} {e['currency']}"
    else:
        pct = f" ({e['pct_change']:+g}%)" if e["pct_change"] is not None else ""
        body = (f"{e['provider']} {e['model']} {what}: {_plain(e['old_amount'])} -> {_plain(e['new_amount'])} "
                f"{e['currency']}{pct}")
    return f"{when} {body}, {e['source']} {e['source_url'] or ''}".rstrip()


def write_feed(con, path: Path, as_of: dt.date, *, now: dt.datetime | None = None) -> int:
    """Write the Atom feed of the newest :data:`FEED_ENTRIES` events to ``path`` (atomically); returns the count."""
    from feedgen.feed import FeedGenerator

    now = now or dt.datetime.now(dt.UTC)
    rows = events(con, limit=FEED_ENTRIES)
    fg = FeedGenerator()
    fg.id(FEED_ID)
    fg.title("tokenprices: LLM API price changes")
    fg.subtitle("Price changes, new models, plan price changes and announced future prices, per source, from "
                "tokenprices' history")
    fg.author({"name": "tokenprices"})
    fg.link(href=path.resolve().as_uri(), rel="self")
    fg.updated(now)
    for e in reversed(rows):  # feedgen prepends: the newest ends first
        fe = fg.add_entry()
        fe.id(f"{FEED_ID}:{e['event_id']}")
        line = describe(e, as_of)
        fe.title(line.split(", ")[0])
        fe.updated(dt.datetime.combine(e["effective"], dt.time(), dt.UTC))
        if e["noticed_at"] is not None:
            fe.published(e["noticed_at"].replace(tzinfo=dt.UTC))
        if e["source_url"]:
            fe.link(href=e["source_url"])
        fe.category(term=e["provider"])
        fe.category(term="upcoming" if e["effective"] > as_of else e["kind"])
        fe.content(json.dumps({k: _json(v) for k, v in e.items()}, sort_keys=True), type="text")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".atom.tmp")
    fg.atom_file(str(tmp), pretty=True)
    tmp.replace(path)
    return len(rows)


def _json(v):
    if isinstance(v, Decimal):
        return _plain(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v


def cmd_changes(args) -> int:
    as_of = dt.date.fromisoformat(args.as_of) if args.as_of else dt.datetime.now(dt.UTC).date()
    since = dt.date.fromisoformat(args.since) if args.since else as_of - dt.timedelta(days=30)
    provider = args.provider.strip().lower() if args.provider else None
    con = warehouse.connect_readonly()
    rows = events(con, since=since, provider=provider, kind=args.kind, limit=args.max_rows + 1)
    more = len(rows) > args.max_rows
    rows = rows[: args.max_rows]
    upcoming = [e for e in rows if e["effective"] > as_of]
    past = [e for e in rows if e["effective"] <= as_of]
    if args.format == "json":
        json.dump({"as_of": as_of.isoformat(), "since": since.isoformat(), "provider": provider,
                   "upcoming": [{k: _json(v) for k, v in e.items()} for e in upcoming],
                   "changes": [{k: _json(v) for k, v in e.items()} for e in past], "truncated": more},
                  sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    scope = f" of {provider}" if provider else ""
    print(f"upcoming (announced, not in force before their date){scope}: {len(upcoming)}")
    for e in upcoming:
        print("  " + describe(e, as_of))
    print(f"changes, new models and plan changes{scope} from {since} to {as_of}: {len(past)}")
    for e in past:
        print("  " + describe(e, as_of))
    if more:
        print(f"(first {args.max_rows} shown: --max-rows N for more)")
    print(f"feed: {config.feed_path()}")
    return 0
