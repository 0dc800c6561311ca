"""``tokenprices`` command line: parse a saved page, query the warehouse, run the pipeline.

    tokenprices parse FILE --url URL [--observed-at YYYY-MM-DD]   one JSON object per quote (token prices
                                                                 carry usd_per_mtok, others usd_per_unit + unit)
                                                                 and per plan (subscriptions, packs)
    tokenprices sql "QUERY"                                      run SQL on the warehouse, print a table
    tokenprices latest [--provider P] [--format text|json|csv]   latest prices (marts.latest_prices)
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
from decimal import Decimal
from pathlib import Path

from pipelines import config, warehouse


def _json_default(v):
    if isinstance(v, Decimal):
        return f"{v:f}"  # fixed-point, exact: never 1E+1
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    raise TypeError(type(v))


#: largest page ``tokenprices parse`` reads: the live fetcher's limit (PolitePolicy.max_bytes, 20 MiB).
MAX_PAGE_BYTES = 20 * 2**20


def cmd_parse(args) -> int:
    from pipelines.cost.plans import plan_rows
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
    try:
        observed = dt.date.fromisoformat(args.observed_at) if args.observed_at else dt.datetime.now(dt.UTC).date()
    except ValueError:
        print(f"tokenprices parse: --observed-at must be a date YYYY-MM-DD, not {args.observed_at!r}", file=sys.stderr)
        return 2
    size = path.stat().st_size
    if size > MAX_PAGE_BYTES:
        print(f"tokenprices parse: {path} is {size:,} bytes; the limit is {MAX_PAGE_BYTES:,} (the live fetcher's "
              "max_bytes: no real pricing page is near it)", file=sys.stderr)
        return 2
    body = path.read_bytes()
    where = {
        "source": source.name,
        "source_url": args.url,
        "observed_at": dt.datetime.combine(observed, dt.time(), tzinfo=dt.UTC),
        "snapshot_sha256": hashlib.sha256(body).hexdigest(),
    }
    try:
        page = source.read(body, args.url)
        rows = quote_rows(page.prices, **where)
        units = unit_price_rows(page.prices, **where)
        plans = plan_rows(page.plans, **where)
    except (ParseError, LookupError) as exc:
        print(f"tokenprices parse: cannot parse {path} as {source.name}: {exc}", file=sys.stderr)
        return 1
    for r in rows:
        print(json.dumps(r, default=_json_default, ensure_ascii=False))
    for r in units:
        print(json.dumps(r, default=_json_default, ensure_ascii=False))
    for r in plans:
        print(json.dumps({"plan": r}, default=_json_default, ensure_ascii=False))
    for f in page.findings:  # what the page says that the parser did not understand (nothing of it was loaded)
        print(f"finding: {f}", file=sys.stderr)
    print(f"{len(rows)} token quotes and {len(units)} prices in other units"
          f"{f', {len(plans)} plans (subscriptions and packs)' if plans else ''} from {source.name}"
          f"{f', {len(page.findings)} findings' if page.findings else ''}", file=sys.stderr)
    return 0


def cmd_check_pages(args) -> int:
    """Parse every capture of a folder (its ``manifest.csv`` gives each file's URL) and print, per file: token
    quotes, prices in other units, models, plans (subscriptions and resource packs: content like prices), layout
    findings, or the error. Exit 1 only when a page yields nothing (a parse error, no source for its URL, neither
    prices nor plans); findings alone exit 0. No FX: amounts are counted as the
    pages state them."""
    from pipelines.sources.base import ParseError, is_token_unit
    from pipelines.sources.fetch import read_manifest
    from pipelines.sources.registry import source_for_url

    folder = Path(args.dir)
    try:
        captures = read_manifest(folder)
    except FileNotFoundError as exc:
        print(f"tokenprices check-pages: {exc}", file=sys.stderr)
        return 2
    empty = n_findings = 0
    for c in captures:
        path = folder / c.file
        try:
            source = source_for_url(c.url)
            page = source.read(path.read_bytes(), c.url)
        except (ParseError, KeyError, LookupError, OSError, ValueError) as exc:
            empty += 1
            msg = exc.args[0] if isinstance(exc, KeyError) else str(exc)
            print(f"{c.file}: ERROR {type(exc).__name__}: {msg}")
            continue
        tokens = sum(1 for p in page.prices if is_token_unit(p.unit))
        models = len({(p.provider, p.model) for p in page.prices})
        n_findings += len(page.findings)
        content = page.prices or page.plans
        if not content:
            empty += 1
        print(f"{c.file}: {source.name} {tokens} quotes, {len(page.prices) - tokens} other units, {models} models, "
              f"{f'{len(page.plans)} plans, ' if page.plans else ''}"
              f"{len(page.findings)} findings{'' if content else ' ERROR no prices or plans'}")
        for f in page.findings:
            print(f"    {f}")
    print(f"{len(captures)} pages: {len(captures) - empty} read, {empty} yielding nothing, {n_findings} findings",
          file=sys.stderr)
    return 1 if empty else 0


def _fmt(v) -> str:
    """Cell text: NULL as '', decimals without exponent or trailing zeros (0E-12 -> 0, 2.500 -> 2.5), a list as
    comma-separated values."""
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return f"{v.normalize():f}" if v else "0"
    if isinstance(v, list):  # e.g. the sources of a reconciled price
        return ", ".join(_fmt(x) for x in v)
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


#: longest query ``tokenprices sql`` accepts, and most rows it prints.
MAX_QUERY_CHARS = 100_000
MAX_PRINTED_ROWS = 100_000


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def cmd_sql(args) -> int:
    """Run one query on a sandboxed read-only connection (:data:`pipelines.warehouse.SANDBOX`): the warehouse's tables and views,
    nothing else."""
    import duckdb

    if len(args.query) > MAX_QUERY_CHARS:
        print(f"tokenprices sql: the query is {len(args.query):,} characters; the limit is {MAX_QUERY_CHARS:,}",
              file=sys.stderr)
        return 2
    if not 0 < args.max_rows <= MAX_PRINTED_ROWS:
        print(f"tokenprices sql: --max-rows must be between 1 and {MAX_PRINTED_ROWS:,}, not {args.max_rows}",
              file=sys.stderr)
        return 2
    con = warehouse.connect_readonly()
    try:
        cur = con.execute(args.query)
        if cur.description:
            _print_table(cur, max_rows=args.max_rows)
    except duckdb.Error as exc:
        print(f"tokenprices sql: {_first_line(exc)}", file=sys.stderr)
        return 1
    finally:
        con.close()
    return 0


def cmd_latest(args) -> int:
    con = warehouse.connect_readonly()
    if args.provider:
        args.provider = args.provider.strip().lower()  # slugs are lowercase: OpenAI -> openai
        known = [r[0] for r in warehouse.run(con, "latest_providers").fetchall()]
        if args.provider not in known:
            close = [k for k in known if args.provider in k or k in args.provider]
            print(f"tokenprices latest: no provider {args.provider!r}"
                  + (f"; did you mean {', '.join(close[:5])}?" if close else "")
                  + f"; first-party sellers: {', '.join(k for k in known if k in config.FIRST_PARTY)}"
                  + f" ({len(known)} providers in all: tokenprices sql \"SELECT DISTINCT provider FROM marts.latest_prices\")",
                  file=sys.stderr)
            return 1
    params = {"provider": args.provider, "all": args.all_sources}
    if args.format != "text":
        cur = warehouse.run(con, "latest_prices_list", params)  # every row, for scripts (--max-rows is for the table only)
        cols = [d[0] for d in cur.description]
        rows = cur.fetchall()
        if args.format == "json":
            json.dump([{c: _fmt(v) if isinstance(v, Decimal) else v for c, v in zip(cols, r)} for r in rows],
                      sys.stdout, indent=2, default=_json_default)
            sys.stdout.write("\n")
        else:
            import csv

            w = csv.writer(sys.stdout)
            w.writerow(cols)
            w.writerows([_fmt(v) for v in r] for r in rows)
        return 0
    counts = warehouse.run(con, "latest_prices_sources", params).fetchall()
    shown = ", ".join(f"{src} {n}" for src, n, _ in counts if n)
    hidden = sum(h for _, _, h in counts)
    print("latest prices, USD per 1M tokens: the reconciled price in force today (marts.latest_prices); "
          "source = the evidence that dated it, n_sources = how many sources agree")
    print(f"sources shown (prices dated by each): {shown or 'none'}")
    if hidden:
        print(f"{hidden} prices only LiteLLM (an aggregator) shows are left out; --all-sources shows them")
    _print_table(warehouse.run(con, "latest_prices_list", params), max_rows=args.max_rows)
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
    return 0 if summary() and done.ok else 1


def cmd_run(args) -> int:
    """Live scrape of today's UTC partition, then marts and forecasts: the replay loop with today fetched live
    (:func:`pipelines.cli.replay.replay`), so a failed source is one line with its cause, not a stack trace."""
    from pipelines.cli import replay
    from pipelines.sources.fetch import ReplayFetcher

    today = dt.datetime.now(dt.UTC).date()
    print(f"tokenprices run: live scrape for {today} into {config.warehouse_database()}")
    done = replay.replay(ReplayFetcher(config.archive_dir()), [today], live_day=today)
    return 0 if summary() and done.ok else 1


def summary() -> bool:
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
    (providers, models, quotes, snaps, raw_bytes, hist, source_hist, hist_models, latest, changes,
     n_series) = warehouse.run(con, "summary_counts").fetchone()
    decline = warehouse.run(con, "summary_decline").fetchall()
    print()
    print("tokenprices warehouse summary")
    print(f"  raw snapshots     {snaps} pages, {raw_bytes:,} bytes")
    print(f"  providers         {providers} (from pages)")
    print(f"  models            {models} (from pages), {hist_models} in history")
    print(f"  quotes            {quotes} observed prices (staging.price_quotes)")
    print(f"  history rows      {hist} reconciled runs (marts.price_history), from {source_hist} runs of the "
          "sources' own histories (marts.source_price_history)")
    print(f"  latest prices     {latest}; price changes {changes}")
    for s, f, lo, hi, n, w in decline:
        print(f"  decline factor    {s}: prices fall {f:.2f}x per year (95% CI {lo:.2f}-{hi:.2f}; {n} months {w})")
    print(f"  forecast series   {n_series} (forecasts.price_decline; see docs/forecasting.md)")
    # the forecast page's quality-adjusted headline: the highest LMArena level whose monthly cheapest price has a
    # trend (a handful of record lows gives no honest factor: docs/forecasting.md)
    from pipelines.forecast import capability, report
    from pipelines.forecast import fit as forecast

    trends = {s: (f, lo, hi, n) for s, f, lo, hi, n in
              warehouse.run(con, "summary_quality", {"method": forecast.METHOD_LOGLINEAR}).fetchall()}
    ref = capability.headline_reference(trends.__contains__)
    if ref is not None:
        f, lo, hi, n = trends[capability.series_name(ref)]
        print(f"  quality-adjusted  cheapest at {ref}'s LMArena level: {report.decline_text(f, lo, hi, n)}")
    else:
        print("  quality-adjusted  not included (LMArena ratings are not shipped): TOKENPRICES_CAPABILITY_FETCH=1 "
              "fetches the public leaderboard CSV (or TOKENPRICES_CAPABILITY_DIR=<folder>)")
    print(f"  warehouse         {config.warehouse_database()}")
    print(f"  price feed        {config.feed_path()} (Atom; tokenprices changes --since DATE lists them)")


def sources_markdown() -> str:
    """docs/sources.md: every registered source with its URLs, format and what it parses (its description), its
    live form and the capture proving it (or ``live form: unproven``), plus the bundled captures it reads. Generated; a test keeps the committed file in step with the code."""
    from pipelines.sources.fetch import read_manifest
    from pipelines.sources.registry import NEEDS_BROWSER, SOURCES, norm_url

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
        proof = s.live_proof if s.live_proof.startswith("seed/") else f"seed/pages/{s.live_proof}"
        lines += [f"- live form: {s.live_form}; proven by `{proof}`" if s.live_proof else
                  f"- live form: unproven: {s.live_form or s.fmt}, no capture of it (a live fetch is stored and its "
                  "parse reported for review)"]
        lines += [f"- capture `seed/pages/{c.file}` ({c.captured_on}{', date estimated' if c.date_is_estimate else ''})"
                  for c in caps]
        lines.append("")
    lines += ["## Pages that need a browser", "",
              "Listed, not scraped: their prices appear only once a browser runs the page's scripts.", ""]
    lines += [f"- {url}: {why}" for url, why in NEEDS_BROWSER.items()]
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
    sp = sub.add_parser("check-pages", help="parse every capture of a folder (with its manifest.csv): quotes, "
                        "models, layout findings, errors per file; exit 1 only when a page yields nothing")
    sp.add_argument("dir", help="a folder of captures with its manifest.csv (e.g. seed/pages)")
    sp.set_defaults(func=cmd_check_pages)
    sp = sub.add_parser("sql", help="run SQL on the warehouse (read-only) and print a table")
    sp.add_argument("query")
    sp.add_argument("--max-rows", type=int, default=200, help="print at most this many rows (default 200)")
    sp.set_defaults(func=cmd_sql)
    sp = sub.add_parser("latest", help="latest prices, reconciled, with their sources (--all-sources: also LiteLLM-only ones)")
    sp.add_argument("--provider", help="seller slug, e.g. anthropic, openai, google, deepseek, openrouter")
    sp.add_argument("--all-sources", action="store_true", help="also show prices only LiteLLM (its price map or history) shows")
    sp.add_argument("--max-rows", type=int, default=500, help="print at most this many rows (default 500)")
    sp.add_argument("--format", choices=("text", "json", "csv"), default="text",
                    help="json (a list of objects, amounts as exact decimal text) or csv: every row, for scripts")
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
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print(f"tokenprices {args.cmd}: interrupted", file=sys.stderr)
        return 130
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - one line instead of a traceback (TOKENPRICES_DEBUG=1 shows it)
        if config.debug():
            raise
        print(f"tokenprices {args.cmd}: {_user_error(exc)}", file=sys.stderr)
        return 1


def _user_error(exc: BaseException) -> str:
    """One line for an error that ends a command: what failed and why, never a traceback."""
    import duckdb

    from pipelines.resources import WarehouseLockedError

    from pipelines.sources.fetch import ManifestError

    if isinstance(exc, (WarehouseLockedError, ManifestError, FileNotFoundError, PermissionError, IsADirectoryError)):
        return _first_line(exc)
    if isinstance(exc, duckdb.Error):
        return f"warehouse {config.warehouse_database()}: {_first_line(exc)}"
    if isinstance(exc, UnicodeDecodeError):
        return f"a file is not UTF-8 text ({exc.reason} at byte {exc.start})"
    if isinstance(exc, RecursionError):
        return "input nested too deeply to read"
    if isinstance(exc, OSError):
        return f"{type(exc).__name__}: {_first_line(exc)}"
    return f"{type(exc).__name__}: {_first_line(exc)} (TOKENPRICES_DEBUG=1 shows the traceback)"


def run() -> None:
    """The ``tokenprices`` console script: :func:`main`, then exit with its status."""
    sys.exit(main())


if __name__ == "__main__":
    run()
