"""``tokenprices price MODEL --at DATE``, ``tokenprices lag`` and ``tokenprices export --format litellm|csv``.

``price`` accepts any alias of ``marts.model_aliases`` (a page's display name, a LiteLLM key, an OpenRouter id),
follows dated alias moves (``overrides/alias_moves.csv``) and answers from the reconciled history of all the
evidence (``marts.price_history``, built by :func:`history_rows` with :mod:`pipelines.history.reconcile` from every
source's runs), in every region. ``lag`` measures how long each
dataset trails the earliest evidence of a price change, per seller. ``export`` reads ``marts.latest_prices`` (the LiteLLM map:
:mod:`pipelines.history.litellm_export`).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path

from pipelines import warehouse


def register(sub) -> None:
    sp = sub.add_parser("price", help="the prices of a model in force on a date (USD per 1M tokens)")
    sp.add_argument("model", help="model id or any alias: gpt-4o, 'Claude Opus 4.7', openai/gpt-4o, gemini/gemini-2.5-pro")
    sp.add_argument("--at", help="UTC date YYYY-MM-DD (default: today)")
    sp.add_argument("--provider", help="seller slug (default: the model's creator if it sells it, else every seller)")
    sp.add_argument("--region", help="only this region (default: every region the seller prices, each shown)")
    sp.add_argument("--all-tiers", action="store_true", help="also batch/flex/priority and long-context tiers")
    sp.add_argument("--format", choices=("text", "json"), default="text", help="json: one object, for scripts")
    sp.set_defaults(func=cmd_price)
    sp = sub.add_parser("lag", help="how many days each dataset trails the earliest evidence of a price change")
    sp.add_argument("--min-changes", type=int, default=1, help="only sellers with at least this many changes")
    sp.add_argument("--format", choices=("text", "json"), default="text")
    sp.set_defaults(func=cmd_lag)
    sp = sub.add_parser("export", help="write the latest prices as a LiteLLM price map or CSV")
    sp.add_argument("--format", choices=("litellm", "csv"), required=True)
    sp.add_argument("--out", help="file to write (default: standard output)")
    sp.add_argument("--only-new-or-different", action="store_true",
                    help="litellm: only the entries LiteLLM's map lacks or prices differently, with the evidence")
    sp.add_argument("--litellm-map", help="LiteLLM's model_prices_and_context_window.json to compare with "
                    "(default: the one of the installed litellm package)")
    sp.set_defaults(func=cmd_export)


def _con():

    return warehouse.connect_readonly()


def sellers_for(con, model: str) -> list[tuple[str, str, str, str]]:
    """(provider, model, creator, canonical_model) rows of every seller of the model(s) the name ``model`` stands
    for: the name is matched exactly against the aliases (then case-insensitively), and the identities it
    belongs to are expanded to all their sellers' ids."""
    from pipelines import warehouse

    for exact in (True, False):
        rows = warehouse.run(con, "alias_sellers", {"a": model, "exact": exact}).fetchall()
        if rows:
            return rows
    return []


def choose(ids: list[tuple[str, str, str, str]], name: str, provider: str | None) -> list[tuple[str, str, str, str]]:
    """The sellers' ids to answer with: ``provider``'s if given, else the creator's own; among them the id spelled
    exactly like the name asked for (a dated snapshot answers for itself, never for its family), else the
    canonical id (``gpt-4o`` rather than its dated snapshots), else all."""
    ids = [r for r in ids if r[0] == provider] if provider else ([r for r in ids if r[0] == r[2]] or ids)
    short = name.split("/")[-1]
    exact = [r for r in ids if r[1] in (name, short)] or [r for r in ids if r[1].lower() in (name.lower(), short.lower())]
    return exact or [r for r in ids if r[1] == r[3]] or ids


#: dated alias moves (``overrides/alias_moves.csv``): an alias answers with its target's price on that date.
ALIAS_MOVES = Path(__file__).resolve().parents[2] / "overrides" / "alias_moves.csv"


def alias_moves(path: Path | None = None) -> dict[tuple[str, str], list[dict]]:
    """``{(provider, alias): [{target, valid_from, source_url, note}, ...]}`` in date order, from the versioned
    file (columns provider, alias, target, valid_from, source_url, note). A row without a source URL or date is
    an error naming its line: every move must say where it was published."""
    path = path or ALIAS_MOVES
    out: dict[tuple[str, str], list[dict]] = {}
    if not path.is_file():
        return out
    with path.open(encoding="utf-8", newline="") as f:
        for line, r in enumerate(csv.DictReader(f), start=2):
            if not r.get("source_url") or not r.get("valid_from") or not r.get("target"):
                raise ValueError(f"{path.name}:{line}: an alias move needs target, valid_from and source_url")
            out.setdefault((r["provider"], r["alias"]), []).append(
                {"target": r["target"], "valid_from": dt.date.fromisoformat(r["valid_from"]),
                 "source_url": r["source_url"], "note": r.get("note", "")})
    for moves in out.values():
        moves.sort(key=lambda m: m["valid_from"])
    return out


def alias_target(provider: str, model: str, day: dt.date, moves: dict | None = None) -> dict | None:
    """The alias move of ``(provider, model)`` in force on ``day`` (the latest on or before it), if any."""
    moves = alias_moves() if moves is None else moves
    current = None
    for m in moves.get((provider, model), []):
        if m["valid_from"] <= day:
            current = m
    return current


def _norm(v: Decimal) -> Decimal:
    return Decimal(v).quantize(Decimal("1e-9")).normalize()


def evidence(con, provider: str | None = None, model: str | None = None,
             today: dt.date | None = None) -> dict[tuple, list]:
    """``{(provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions): [Evidence]}``
    of one seller's model, or of every model when ``provider`` is None (``warehouse/sql/price_evidence.sql``)."""
    from pipelines import warehouse
    from pipelines.history import reconcile

    groups: dict[tuple, list] = {}
    for (prov, mod, series, source, rank, kind, tier, min_tokens, region, currency, conditions, usd, vf, vt, last_obs,
         url, amount, unit) in warehouse.run(con, "price_evidence",
                                             {"p": provider, "m": model, "today": today or dt.date.today()}).fetchall():
        groups.setdefault((prov, mod, kind, tier, min_tokens, region, currency, conditions), []).append(
            reconcile.Evidence(series, source, rank, _norm(usd), vf, vt, last_obs, amount, unit, url))
    return groups


def history_rows(con, today: dt.date | None = None) -> list[dict]:
    """The rows of ``marts.price_history``: every price key's reconciled runs, from one pass over all the evidence
    (:func:`evidence` of every model, :func:`pipelines.history.reconcile.reconcile` per key). Each run carries the
    evidence that dated it (source, rank, URL, the amount as that source wrote it), the sources that agree and the
    day it was last confirmed."""
    from pipelines.history import reconcile

    rows = []
    for (prov, mod, kind, tier, min_tokens, region, currency, conditions), ev in evidence(con, today=today).items():
        for r in reconcile.reconcile(ev, today):
            o = r.origin
            rows.append({"provider": prov, "model": mod, "price_kind": kind, "service_tier": tier,
                         "tier_min_tokens": min_tokens, "region": region, "currency": currency,
                         "conditions": conditions, "source": r.source, "valid_from": r.valid_from,
                         "valid_to": r.valid_to, "usd_per_mtok": r.value, "original_amount": o.amount,
                         "original_unit": o.unit, "source_url": o.url, "source_rank": o.rank,
                         "sources": sorted(r.sources), "n_sources": r.n_sources, "last_confirmed": r.last_confirmed})
    return rows


def dataset_lags(con) -> list[tuple[str, str, int, float, int]]:
    """``(dataset, seller, changes, median days, max days)``: how long after the earliest evidence of a price change
    each dataset showed the new value, per seller (standard tier, base context, USD, input and output prices)."""
    import statistics

    from pipelines.history import reconcile

    per: dict[tuple[str, str], list[int]] = {}
    for key, ev in evidence(con).items():
        prov, _mod, kind, tier, min_tokens, _region, currency, conditions = key
        if kind not in ("input", "output") or tier != "standard" or min_tokens or currency != "USD" or conditions:
            continue
        for source, days in reconcile.lags(reconcile.reconcile(ev), ev):
            per.setdefault((source, prov), []).append(days)
    return sorted(((src, prov, len(d), statistics.median(d), max(d)) for (src, prov), d in per.items()),
                  key=lambda t: (t[0], -t[2], t[1]))


def cmd_lag(args) -> int:
    con = _con()
    rows = [r for r in dataset_lags(con) if r[2] >= args.min_changes]
    if args.format == "json":
        json.dump([dict(zip(("dataset", "seller", "changes", "median_days", "max_days"), r)) for r in rows],
                  sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    print("days from the earliest evidence of a price change to the dataset showing it (input/output, standard):")
    print(f"  {'dataset':<22} {'seller':<28} {'changes':>7} {'median':>7} {'max':>5}")
    for src, prov, n, med, mx in rows:
        print(f"  {src:<22} {prov:<28} {n:>7} {med:>7g} {mx:>5}")
    return 0


def prices_at(con, provider: str, model: str, day: dt.date, all_tiers: bool = False,
              region: str | None = None) -> list[dict]:
    """The reconciled prices of one seller's model in force on ``day`` (``marts.price_history``, built by
    :func:`history_rows`): one dict per (price_kind, service_tier, tier_min_tokens, region, currency) with the value,
    the evidence that dated it, how many sources showed it and the last day one was seen showing it. Standard tier,
    base context and unconditional prices only unless ``all_tiers``; every region unless ``region``."""
    out = []
    for (kind, tier, min_tokens, reg, currency, conditions, usd, source, n_sources, sources, vf, vt,
         confirmed) in warehouse.run(con, "price_history_at", {"p": provider, "m": model, "day": day}).fetchall():
        if conditions or (region and reg != region):
            continue
        if not all_tiers and (tier != "standard" or min_tokens != 0):
            continue
        out.append({"price_kind": kind, "service_tier": tier, "tier_min_tokens": min_tokens, "region": reg,
                    "currency": currency, "usd_per_mtok": _norm(usd), "source": source, "n_sources": n_sources,
                    "sources": list(sources), "valid_from": vf, "valid_to": vt, "last_confirmed": confirmed})
    out.sort(key=lambda d: (d["region"] != "global", d["region"], d["service_tier"], d["tier_min_tokens"],
                            d["currency"], d["price_kind"]))
    return out


def answer(con, name: str, day: dt.date, provider: str | None = None, region: str | None = None,
           all_tiers: bool = False) -> dict:
    """What ``tokenprices price NAME --at DAY`` answers: ``{"asked", "day", "answers": [{provider, model, creator,
    canonical_model, alias_of, context_window: {tokens, source, own} or None, prices: [...]}], "error"}``. An alias with a dated move answers with its target's
    price on that day; a dated snapshot answers for itself only ("no price of that snapshot on that date" rather
    than its family's price)."""
    ids = sellers_for(con, name)
    if not ids:
        return {"asked": name, "day": day, "answers": [], "error": f"no model or alias {name!r} in marts.model_aliases"}
    moves = alias_moves()
    answers: list[dict] = []
    for group in candidates(ids, name, provider):
        ids = group
        answers = _answers(con, group, day, all_tiers, region, moves)
        if answers:
            break
    error = None
    if not answers:
        snapshot = len(ids) == 1 and ids[0][1] != ids[0][3]
        what = "that snapshot" if snapshot else repr(name)
        error = f"no price of {what} ({ids[0][1] if snapshot else name}) on {day}" + (f" in region {region}" if region else "")
    return {"asked": name, "day": day, "answers": answers, "error": error}


def candidates(ids: list[tuple[str, str, str, str]], name: str, provider: str | None) -> list[list[tuple]]:
    """The sellers' ids to try in turn (:func:`choose`'s order): the id spelled like the name, then the canonical
    id, then every id of the seller. A dated snapshot asked by its own id is the only candidate: it answers for
    itself or not at all."""
    ids = [r for r in ids if r[0] == provider] if provider else ([r for r in ids if r[0] == r[2]] or ids)
    first = choose(ids, name, provider)
    if any(r[1] != r[3] and r[1].lower() in (name.lower(), name.split("/")[-1].lower()) for r in first):
        return [first]
    groups = [first]
    canonical = [r for r in ids if r[1] == r[3]]
    for g in (canonical, ids):
        if g and g not in groups:
            groups.append(g)
    return groups


def _answers(con, ids, day, all_tiers, region, moves) -> list[dict]:
    answers = []
    for prov, model, creator, canonical in ids:
        move = alias_target(prov, model, day, moves)
        rows, alias_of = [], None
        if move is not None:
            rows = prices_at(con, prov, move["target"], day, all_tiers, region)
            if rows:
                alias_of = {"alias": model, "target": move["target"], "since": move["valid_from"],
                            "source_url": move["source_url"]}
        if not rows:
            rows = prices_at(con, prov, model, day, all_tiers, region)
        if rows:
            answers.append({"provider": prov, "model": model, "creator": creator, "canonical_model": canonical,
                            "alias_of": alias_of, "context_window": context_window(con, prov, model),
                            "prices": rows})
    return answers


def context_windows(con, provider: str | None = None, model: str | None = None) -> dict[tuple[str, str], dict]:
    """``{(provider, model): {"tokens", "source", "own"}}``: the context window of each seller id (of one when
    given): its own fact in ``marts.model_facts``, else its model identity's in ``marts.models`` (``own`` False);
    ids without one are absent (``warehouse/sql/model_windows.sql``)."""
    return {(p, m): {"tokens": t, "source": s, "own": o}
            for p, m, t, s, o in warehouse.run(con, "model_windows", {"p": provider, "m": model}).fetchall()}


def context_window(con, provider: str, model: str) -> dict | None:
    """The context window of one seller id (:func:`context_windows`), None when no source states one."""
    return context_windows(con, provider, model).get((provider, model))


def cmd_price(args) -> int:
    try:
        day = dt.date.fromisoformat(args.at) if args.at else dt.datetime.now(dt.UTC).date()
    except ValueError as exc:
        print(f"tokenprices price: --at {args.at!r} is not a date YYYY-MM-DD ({exc})", file=sys.stderr)
        return 2
    con = _con()
    res = answer(con, args.model, day, args.provider, args.region, args.all_tiers)
    if args.format == "json":
        json.dump(res, sys.stdout, indent=2, default=_json_value)
        sys.stdout.write("\n")
        return 1 if res["error"] else 0
    if res["error"]:
        print(f"tokenprices price: {res['error']}", file=sys.stderr)
        return 1
    for a in res["answers"]:
        via = f", as {a['alias_of']['target']} (its target since {a['alias_of']['since']})" if a["alias_of"] else ""
        print(f"{a['provider']} {a['model']} ({a['creator']}/{a['canonical_model']}{via}) on {day}, USD per 1M tokens:")
        w = a["context_window"]
        print(f"  {'context window':<40} {w['tokens']:>12,} tokens   {w['source']}"
              + ("" if w["own"] else f" (of {a['creator']}/{a['canonical_model']})") if w else
              f"  {'context window':<40} {'unknown':>12}   (no source states it)")
        for p in a["prices"]:
            tier, min_tokens = p["service_tier"], p["tier_min_tokens"]
            label = p["price_kind"] if (tier, min_tokens) == ("standard", 0) else (
                f"{p['price_kind']} [{tier}{f', >{min_tokens:,} tokens' if min_tokens else ''}]")
            cur = "" if p["currency"] == "USD" else f" ({p['currency']} list)"
            reg = "" if p["region"] == "global" else f" [{p['region']}]"
            print(f"  {label + reg:<40} {_plain(p['usd_per_mtok']):>12}{cur}   {p['source']}, "
                  f"{p['n_sources']} source{'s agree' if p['n_sources'] != 1 else ' agrees'}, last confirmed "
                  f"{p['last_confirmed']}, {p['valid_from']}..{p['valid_to'] or ''}")
    return 0


def _plain(v: Decimal) -> str:
    """Fixed-point text of a Decimal, without exponent or trailing zeros (10, not 1E+1; 0.075, not 0.0750)."""
    return f"{v.normalize():f}" if v else "0"


def _json_value(v):
    """JSON for what ``json`` cannot write: a Decimal as its fixed-point text (exact, never a float, never
    ``1E+1``), a date as ISO text, a set as a sorted list."""
    if isinstance(v, Decimal):
        return _plain(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    return sorted(v)


def cmd_export(args) -> int:
    con = _con()
    out = open(args.out, "w", encoding="utf-8", newline="") if args.out else sys.stdout
    try:
        if args.format == "litellm":
            from pipelines.history import litellm_export

            entries = litellm_export.litellm_map(con)
            if args.only_new_or_different:
                path = Path(args.litellm_map) if args.litellm_map else litellm_export.installed_litellm_map()
                theirs = json.loads(path.read_text(encoding="utf-8"))
                exported = len(entries)
                entries, counts = litellm_export.compare(entries, theirs)
                print(f"{exported} entries; compared with {path}: {counts['new']} new, {counts['different']} "
                      f"priced differently (emitted); {counts['same']} priced the same, {counts['other_provider']} "
                      f"keys LiteLLM has for another provider, {counts['only_litellm_evidence']} differing only "
                      f"where LiteLLM's own history is the evidence (left out)", file=sys.stderr)
            json.dump(entries, out, indent=2, sort_keys=True)
            out.write("\n")
        else:
            cur = warehouse.run(con, "export_latest_prices")
            w = csv.writer(out)
            w.writerow([d[0] for d in cur.description])
            for row in cur.fetchall():
                w.writerow([_plain(v) if isinstance(v, Decimal) else ";".join(v) if isinstance(v, list)
                            else ("" if v is None else v) for v in row])
    finally:
        if args.out:
            out.close()
    if args.out:
        print(f"wrote {Path(args.out)}", file=sys.stderr)
    return 0
