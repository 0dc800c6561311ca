"""``tokenprices price MODEL --at DATE`` and ``tokenprices export --format litellm|csv``.

Both read the marts. ``price`` accepts any alias of ``marts.model_aliases`` (a page's display name, a LiteLLM key, an
OpenRouter id) and answers from ``marts.price_history`` with the same precedence as ``marts.latest_prices``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path


def register(sub) -> None:
    sp = sub.add_parser("price", help="the prices of a model in force on a date (USD per 1M tokens)")
    sp.add_argument("model", help="model id or any alias: gpt-4o, 'Claude Opus 4.7', openai/gpt-4o, gemini/gemini-2.5-pro")
    sp.add_argument("--at", help="UTC date YYYY-MM-DD (default: today)")
    sp.add_argument("--provider", help="seller slug (default: the model's creator if it sells it, else every seller)")
    sp.add_argument("--all-tiers", action="store_true", help="also batch/flex/priority and long-context tiers")
    sp.set_defaults(func=cmd_price)
    sp = sub.add_parser("export", help="write the latest prices as a LiteLLM price map or CSV")
    sp.add_argument("--format", choices=("litellm", "csv"), required=True)
    sp.add_argument("--out", help="file to write (default: standard output)")
    sp.set_defaults(func=cmd_export)


def _con():
    from pipelines.cli.main import _connect_ro

    return _connect_ro()


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
    like the name asked for or the canonical id (``gpt-4o`` rather than its dated snapshots), else all."""
    ids = [r for r in ids if r[0] == provider] if provider else ([r for r in ids if r[0] == r[2]] or ids)
    short = name.split("/")[-1]
    exact = [r for r in ids if r[1] in (name, short, r[3])]
    return exact or ids


def prices_at(con, provider: str, model: str, day: dt.date, all_tiers: bool = False) -> list[tuple]:
    """(price_kind, service_tier, tier_min_tokens, currency, usd_per_mtok, source, valid_from, valid_to) in force on
    ``day`` for one seller's model, best-ranked source per price (staging.source_precedence)."""
    return con.execute(
        """SELECT h.price_kind, h.service_tier, h.tier_min_tokens, h.currency, h.usd_per_mtok, h.source,
                  h.valid_from, h.valid_to
           FROM marts.price_history h LEFT JOIN staging.source_precedence p ON p.source = h.source
           WHERE h.provider = $p AND h.model = $m AND h.valid_from <= $d AND (h.valid_to IS NULL OR h.valid_to > $d)
             AND h.region = 'global' AND h.conditions = ''
             AND ($all OR (h.service_tier = 'standard' AND h.tier_min_tokens = 0))
           QUALIFY row_number() OVER (PARTITION BY h.price_kind, h.service_tier, h.tier_min_tokens, h.currency
                                      ORDER BY coalesce(p.rank, 1), h.valid_from DESC) = 1
           ORDER BY h.service_tier, h.tier_min_tokens, h.currency, h.price_kind""",
        {"p": provider, "m": model, "d": day, "all": all_tiers},
    ).fetchall()


def cmd_price(args) -> int:
    day = dt.date.fromisoformat(args.at) if args.at else dt.datetime.now(dt.UTC).date()
    con = _con()
    ids = sellers_for(con, args.model)
    if not ids:
        print(f"tokenprices price: no model or alias {args.model!r} in marts.model_aliases", file=sys.stderr)
        return 1
    ids = choose(ids, args.model, args.provider)
    found = False
    for provider, model, creator, canonical in ids:
        rows = prices_at(con, provider, model, day, args.all_tiers)
        if not rows:
            continue
        found = True
        print(f"{provider} {model} ({creator}/{canonical}) on {day}, USD per 1M tokens:")
        for kind, tier, min_tokens, currency, usd, source, vf, vt in rows:
            label = kind if (tier, min_tokens) == ("standard", 0) else f"{kind} [{tier}{f', >{min_tokens:,} tokens' if min_tokens else ''}]"
            cur = "" if currency == "USD" else f" ({currency} list)"
            print(f"  {label:<32} {_plain(usd):>12}{cur}   {source}, {vf}..{vt or ''}")
    if not found:
        print(f"tokenprices price: no price of {args.model!r} in force on {day}", file=sys.stderr)
        return 1
    return 0


def _plain(v: Decimal) -> str:
    return f"{v.normalize():f}" if v else "0"


#: marts.latest_prices (price_kind, service_tier, tier_min_tokens) -> LiteLLM field (USD per token).
#: Source: LiteLLM's model_prices_and_context_window.json field names (seed/litellm_price_history/README.md).
LITELLM_FIELDS = {
    ("input", "standard", 0): "input_cost_per_token",
    ("output", "standard", 0): "output_cost_per_token",
    ("cache_read", "standard", 0): "cache_read_input_token_cost",
    ("cache_write", "standard", 0): "cache_creation_input_token_cost",
    ("cache_write_5m", "standard", 0): "cache_creation_input_token_cost",
    ("cache_write_1h", "standard", 0): "cache_creation_input_token_cost_above_1hr",
    ("input", "batch", 0): "input_cost_per_token_batches",
    ("output", "batch", 0): "output_cost_per_token_batches",
    ("input", "priority", 0): "input_cost_per_token_priority",
    ("output", "priority", 0): "output_cost_per_token_priority",
    ("input", "flex", 0): "input_cost_per_token_flex",
    ("output", "flex", 0): "output_cost_per_token_flex",
    ("input", "standard", 200000): "input_cost_per_token_above_200k_tokens",
    ("output", "standard", 200000): "output_cost_per_token_above_200k_tokens",
}


def litellm_map(con) -> dict:
    """A LiteLLM-compatible price map from ``marts.latest_prices`` (USD lists, global region, base conditions):
    ``{key: {"litellm_provider": seller, "mode": "chat", <field>: USD per token (JSON number), ...}}``, the key
    being the model id for the model's creator and ``<seller>/<model>`` for resellers."""
    rows = con.execute(
        """SELECT provider, model, price_kind, service_tier, tier_min_tokens, usd_per_mtok FROM marts.latest_prices
           WHERE currency = 'USD' AND region = 'global' AND conditions = '' ORDER BY ALL"""
    ).fetchall()
    creators = dict(
        ((p, m), c) for p, m, c in con.execute("SELECT DISTINCT provider, model, creator FROM marts.model_aliases").fetchall()
    )
    out: dict[str, dict] = {}
    for provider, model, kind, tier, min_tokens, usd in rows:
        field = LITELLM_FIELDS.get((kind, tier, min_tokens))
        if field is None:
            continue
        key = model if creators.get((provider, model)) == provider else f"{provider}/{model}"
        entry = out.setdefault(key, {"litellm_provider": provider, "mode": "chat"})
        entry.setdefault(field, float(usd / Decimal(1_000_000)))
    return out


def cmd_export(args) -> int:
    con = _con()
    out = open(args.out, "w", encoding="utf-8", newline="") if args.out else sys.stdout
    try:
        if args.format == "litellm":
            json.dump(litellm_map(con), out, indent=2, sort_keys=True)
            out.write("\n")
        else:
            cur = con.execute("SELECT * FROM marts.latest_prices ORDER BY provider, model, price_kind, service_tier")
            w = csv.writer(out)
            w.writerow([d[0] for d in cur.description])
            for row in cur.fetchall():
                w.writerow([_plain(v) if isinstance(v, Decimal) else ("" if v is None else v) for v in row])
    finally:
        if args.out:
            out.close()
    if args.out:
        print(f"wrote {Path(args.out)}", file=sys.stderr)
    return 0
