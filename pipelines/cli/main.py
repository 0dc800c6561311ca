"""``tokenprices`` command line: parse a saved page, query the warehouse, run the pipeline.

    tokenprices parse FILE --url URL [--observed-at YYYY-MM-DD]   one JSON object per quote (token prices
                                                                 carry usd_per_mtok, others usd_per_unit + unit)
    tokenprices sql "QUERY"                                      run SQL on the warehouse, print a table
    tokenprices latest [--provider P]                            latest prices (marts.latest_prices)
    tokenprices sources                                          the registered sources, as Markdown
    tokenprices demo [--archive DIR]                             replay captures (default seed/pages), build everything
    tokenprices run                                              live scrape of today, then marts + forecasts
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

from pipelines import config


def _json_default(v):
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    raise TypeError(type(v))


def cmd_parse(args) -> int:
    from pipelines.history.normalise import quote_rows, unit_price_rows
    from pipelines.sources.registry import source_for_url
    from pipelines.sources.base import ParseError

    path = Path(args.file)
    if not path.is_file():
        print(f"tokenprices parse: no such file: {path}", file=sys.stderr)
        return 2
    try:
        source = source_for_url(args.url)
    except KeyError as exc:
        print(f"tokenprices parse: {exc.args[0]}", file=sys.stderr)
        return 2
    body = path.read_bytes()
    observed = dt.date.fromisoformat(args.observed_at) if args.observed_at else dt.datetime.now(dt.UTC).date()
    where = {
        "source": source.name,
        "source_url": args.url,
        "observed_at": dt.datetime.combine(observed, dt.time(), tzinfo=dt.UTC),
        "snapshot_sha256": hashlib.sha256(body).hexdigest(),
    }
    try:
        prices = source.parse(body, args.url)
        rows = quote_rows(prices, **where)
        units = unit_price_rows(prices, **where)
    except (ParseError, LookupError) as exc:
        print(f"tokenprices parse: cannot parse {path} as {source.name}: {exc}", file=sys.stderr)
        return 1
    for r in rows:
        print(json.dumps(r, default=_json_default, ensure_ascii=False))
    for r in units:
        print(json.dumps(r, default=_json_default, ensure_ascii=False))
    print(f"{len(rows)} token quotes and {len(units)} prices in other units from {source.name}", file=sys.stderr)
    return 0


def _connect_ro(read_only: bool = True):
    import duckdb

    db = config.warehouse_database()
    if not config.is_remote(db) and not Path(db).exists():
        raise SystemExit(f"tokenprices: no warehouse at {db}; run `make demo` (or `tokenprices demo`) first")
    return duckdb.connect(db, read_only=read_only)


def _fmt(v) -> str:
    """Cell text: NULL as '', decimals without exponent or trailing zeros (0E-12 -> 0, 2.500 -> 2.5)."""
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return f"{v.normalize():f}" if v else "0"
    return str(v)


def _print_table(cur, title: str | None = None, max_rows: int = 200) -> None:
    from rich.console import Console
    from rich.table import Table

    cols = [d[0] for d in cur.description]
    rows = cur.fetchmany(max_rows + 1)
    t = Table(title=title, show_lines=False)
    for c in cols:
        t.add_column(c, overflow="fold")
    for r in rows[:max_rows]:
        t.add_row(*[_fmt(v) for v in r])
    Console(width=max(100, os.get_terminal_size().columns if sys.stdout.isatty() else 200)).print(t)
    if len(rows) > max_rows:
        print(f"(first {max_rows} rows shown)")


def cmd_sql(args) -> int:
    import duckdb

    con = _connect_ro()
    try:
        cur = con.execute(args.query)
    except duckdb.Error as exc:
        print(f"tokenprices sql: {exc}", file=sys.stderr)
        return 1
    if cur.description:
        _print_table(cur, max_rows=args.max_rows)
    return 0


def cmd_latest(args) -> int:
    con = _connect_ro()
    if args.provider:
        known = [r[0] for r in con.execute("SELECT DISTINCT provider FROM marts.latest_prices ORDER BY 1").fetchall()]
        if args.provider not in known:
            print(f"tokenprices latest: no provider {args.provider!r}; known: {', '.join(known[:40])}"
                  + (" …" if len(known) > 40 else ""), file=sys.stderr)
            return 1
    cur = con.execute(
        """SELECT provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions,
                  usd_per_mtok, source, valid_from
           FROM marts.latest_prices
           WHERE ($provider IS NULL OR provider = $provider) AND ($all OR source <> 'litellm')
           ORDER BY provider, model, service_tier, tier_min_tokens, price_kind""",
        {"provider": args.provider, "all": args.all_sources},
    )
    title = "latest prices, USD per 1M tokens" + ("" if args.all_sources else " (provider pages; --all-sources adds LiteLLM)")
    _print_table(cur, title=title, max_rows=args.max_rows)
    return 0


def cmd_demo(args) -> int:
    """A backfill of the bundled archive: replay every capture day through scrape_job, then warehouse_job
    (:func:`pipelines.cli.replay.replay`)."""
    from pipelines.cli import replay
    from pipelines.sources.fetch import ReplayFetcher
    from pipelines.sources.registry import SOURCES

    archive = Path(args.archive) if args.archive else config.archive_dir()
    fetcher = ReplayFetcher(archive)
    days = fetcher.capture_dates(list(SOURCES.values()))
    print(f"tokenprices demo: replaying {len(days)} capture days from {archive} into "
          f"{config.warehouse_database()}")
    done = replay.replay(fetcher, days, force=args.force)
    return 0 if _summary() and done.ok else 1


def cmd_run(args) -> int:
    """Live scrape of today's UTC partition, then marts and forecasts."""
    from pipelines.cli.replay import QUIET, dagster_instance
    from pipelines.definitions import LIVE_RUN_CONFIG, defs

    instance = dagster_instance()
    day = dt.datetime.now(dt.UTC).date().isoformat()
    print(f"tokenprices run: live scrape for {day} into {config.warehouse_database()}")
    res = defs.resolve_job_def("scrape_job").execute_in_process(
        partition_key=day, instance=instance, run_config=LIVE_RUN_CONFIG, raise_on_error=False
    )
    print(f"  scrape {day}: {'ok' if res.success else 'FAILED (see the log above)'}")
    t = time.monotonic()
    wh = defs.resolve_job_def("warehouse_job").execute_in_process(instance=instance, run_config=QUIET,
                                                                 raise_on_error=False)
    print(f"  warehouse_job: {'ok' if wh.success else 'FAILED'} ({time.monotonic() - t:.1f}s)")
    return 0 if _summary() and wh.success and res.success else 1


def _summary() -> bool:
    """Print the warehouse summary; False (with a message) when a table it reads is missing."""
    import duckdb

    from pipelines.cli.replay import warehouse_con

    # Same process as the runs, whose DuckDB database may still be open: read through the assets' resource.
    with warehouse_con() as con:
        try:
            _print_summary(con)
        except duckdb.CatalogException as exc:
            print(f"\ntokenprices: no summary, the warehouse is incomplete ({exc.args[0].splitlines()[0]}); "
                  "see the errors above", file=sys.stderr)
            return False
    return True


def _print_summary(con) -> None:
    q = lambda s: con.execute(s).fetchone()  # noqa: E731
    providers, models, quotes = q(
        "SELECT count(DISTINCT provider), count(DISTINCT provider || '/' || model), count(*) FROM staging.price_quotes"
    )
    snaps, raw_bytes = q("SELECT count(*), coalesce(sum(bytes), 0) FROM raw.page_snapshots")
    hist, hist_models = q("SELECT count(*), count(DISTINCT provider || '/' || model) FROM marts.price_history")
    latest, changes = q("SELECT (SELECT count(*) FROM marts.latest_prices), (SELECT count(*) FROM marts.price_changes)")
    decline = con.execute(
        """SELECT series, factor, ci_low, ci_high, n_obs, "window" FROM forecasts.price_decline
           WHERE series = 'matched_model_blended' ORDER BY series"""
    ).fetchall()
    n_series = con.execute("SELECT count(DISTINCT series) FROM forecasts.price_decline").fetchone()[0]
    print()
    print("tokenprices warehouse summary")
    print(f"  raw snapshots     {snaps} pages, {raw_bytes:,} bytes")
    print(f"  providers         {providers} (from pages)")
    print(f"  models            {models} (from pages), {hist_models} in history")
    print(f"  quotes            {quotes} observed prices (staging.price_quotes)")
    print(f"  history rows      {hist} effective-dated runs (marts.price_history)")
    print(f"  latest prices     {latest}; price changes {changes}")
    for s, f, lo, hi, n, w in decline:
        print(f"  decline factor    {s}: prices fall {f:.2f}x per year (95% CI {lo:.2f}-{hi:.2f}; {n} months {w})")
    print(f"  forecast series   {n_series} (forecasts.price_decline; see docs/forecasting.md)")
    print(f"  warehouse         {config.warehouse_database()}")


def sources_markdown() -> str:
    """docs/sources.md: every registered source with its URLs, format and what it parses (its description),
    plus the bundled captures it reads. Generated; a test keeps the committed file in step with the code."""
    from pipelines.sources.fetch import read_manifest
    from pipelines.sources.registry import SOURCES, norm_url

    captures = read_manifest(config.archive_dir())
    lines = [
        "# Sources",
        "",
        "Generated by `tokenprices sources > docs/sources.md` from `pipelines/sources/registry.py`; what each parser reads and",
        "skips in detail is in its module docstring (`pipelines/sources/<module>.py`).",
        "",
    ]
    for s in SOURCES.values():
        urls = {norm_url(u) for u in (*s.urls, *s.archive_urls)}
        caps = [c for c in captures if norm_url(c.url) in urls]
        lines += [f"## `{s.name}` ({s.provider})", "", s.description, ""]
        lines += [f"- live: {u}" for u in s.urls]
        lines += [f"- archived address: {u}" for u in s.archive_urls]
        lines += [f"- format: {s.fmt}; module: `{s.parse.__module__}`; hosts: {', '.join(s.hosts)}"]
        lines += [f"- capture `seed/pages/{c.file}` ({c.captured_on}{', date estimated' if c.date_is_estimate else ''})"
                  for c in caps]
        lines.append("")
    return "\n".join(lines)


def cmd_sources(args) -> int:
    print(sources_markdown())
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="tokenprices", description="LLM API prices: scrape, warehouse, forecast.")
    sub = p.add_subparsers(dest="cmd", required=True)
    sp = sub.add_parser("parse", help="parse a saved capture, print one JSON object per quote")
    sp.add_argument("file")
    sp.add_argument("--url", required=True, help="the page's URL (picks the source)")
    sp.add_argument("--observed-at", help="observation date YYYY-MM-DD (default: today UTC); sets the FX date")
    sp.set_defaults(func=cmd_parse)
    sp = sub.add_parser("sql", help="run SQL on the warehouse (read-only) and print a table")
    sp.add_argument("query")
    sp.add_argument("--max-rows", type=int, default=200, help="print at most this many rows (default 200)")
    sp.set_defaults(func=cmd_sql)
    sp = sub.add_parser("latest", help="latest prices (provider pages; --all-sources adds LiteLLM)")
    sp.add_argument("--provider", help="seller slug, e.g. anthropic, openai, google, deepseek, openrouter")
    sp.add_argument("--all-sources", action="store_true", help="also show prices known only from LiteLLM's history")
    sp.add_argument("--max-rows", type=int, default=500, help="print at most this many rows (default 500)")
    sp.set_defaults(func=cmd_latest)
    sp = sub.add_parser("sources", help="print the registered sources (Markdown: docs/sources.md)")
    sp.set_defaults(func=cmd_sources)
    sp = sub.add_parser("demo", help="replay the bundled captures offline and build the warehouse")
    sp.add_argument("--archive", help="replay archive folder (default seed/pages)")
    sp.add_argument("--force", action="store_true",
                    help="replay every day and rebuild the marts even when captures and code are unchanged")
    sp.set_defaults(func=cmd_demo)
    sp = sub.add_parser("run", help="live scrape of today (UTC), then marts and forecasts")
    sp.set_defaults(func=cmd_run)
    from pipelines.cli import commands

    commands.register_all(sub)
    args = p.parse_args(argv)
    return args.func(args)


def run() -> None:
    """The ``tokenprices`` console script: :func:`main`, then exit with its status."""
    sys.exit(main())


if __name__ == "__main__":
    run()
