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
import gc
import hashlib
import json
import os
import sys
import time
from contextlib import contextmanager
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
        page = source.read(body, args.url)
        rows = quote_rows(page.prices, **where)
        units = unit_price_rows(page.prices, **where)
    except (ParseError, LookupError) as exc:
        print(f"tokenprices parse: cannot parse {path} as {source.name}: {exc}", file=sys.stderr)
        return 1
    for r in rows:
        print(json.dumps(r, default=_json_default, ensure_ascii=False))
    for r in units:
        print(json.dumps(r, default=_json_default, ensure_ascii=False))
    for f in page.findings:  # what the page says that the parser did not understand (nothing of it was loaded)
        print(f"finding: {f}", file=sys.stderr)
    print(f"{len(rows)} token quotes and {len(units)} prices in other units from {source.name}"
          f"{f', {len(page.findings)} findings' if page.findings else ''}", file=sys.stderr)
    return 0


def cmd_check_pages(args) -> int:
    """Parse every capture of a folder (its ``manifest.csv`` gives each file's URL) and print, per file: token
    quotes, prices in other units, models, layout findings, or the error. Exit 1 only when a page yields nothing
    (a parse error, no source for its URL, no prices); findings alone exit 0. No FX: amounts are counted as the
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
        if not page.prices:
            empty += 1
        print(f"{c.file}: {source.name} {tokens} quotes, {len(page.prices) - tokens} other units, {models} models, "
              f"{len(page.findings)} findings{'' if page.prices else ' ERROR no prices'}")
        for f in page.findings:
            print(f"    {f}")
    print(f"{len(captures)} pages: {len(captures) - empty} read, {empty} yielding nothing, {n_findings} findings",
          file=sys.stderr)
    return 1 if empty else 0


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


@contextmanager
def long_lived():
    """Run the block (the imports of the definitions, opening the Dagster instance) with the garbage collector
    off, then ``gc.freeze()`` every object made so far: the collections during the runs that follow no longer walk
    the millions of long-lived objects of dagster, pandas and the definitions. ``tokenprices demo``, measured with
    ``gc.callbacks``: the main thread's collections took 2.0-2.2 s (1.2-1.4 s of them full collections), and
    0.75-0.95 s (0.2-0.3 s) with this. Objects are still freed by reference counting; only cyclic garbage made
    before the freeze stays, and :func:`main` unfreezes at its end. The collector's on/off state is restored."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _instance():
    """The Dagster instance of ``DAGSTER_HOME`` (runs recorded, shown in the UI, unchanged days skipped), or an
    ephemeral one with a note saying what that means."""
    from dagster import DagsterInstance

    if os.environ.get("DAGSTER_HOME"):
        Path(os.environ["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
        return DagsterInstance.get()
    print("note: DAGSTER_HOME is not set, so these runs are not recorded: the UI will not show them and unchanged "
          "days cannot be skipped next time (`make demo` / `make run` set DAGSTER_HOME=.dagster_home)", file=sys.stderr)
    return DagsterInstance.ephemeral()


#: run config that keeps Dagster's console log to warnings and errors (progress lines are printed by us).
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def _warehouse_con():
    """A connection to the warehouse through the assets' own resource (DuckDB wants one configuration per file
    in a process, and the runs of this process open it that way)."""
    from pipelines.resources import default_resources

    return default_resources()["duckdb"].get_connection()


def replay_unchanged(instance, archive: Path, day, include_estimated: bool = False) -> tuple[bool, str]:
    """(skip?, version) for a replayed scrape of ``day``: skip when a successful scrape_job run of that partition
    had the same input version (:mod:`pipelines.incremental`) and the warehouse still holds its parse."""
    from pipelines import incremental

    version = incremental.replay_day_version(archive, day, include_estimated)
    if not incremental.done_before(instance, "scrape_job", version, day.isoformat()):
        return False, version
    with _warehouse_con() as con:
        return incremental.day_is_loaded(con, day), version


def replay_job(job, fetcher, day, all_checks: bool = False):
    """``scrape_job`` narrowed to the sources with a capture of ``day`` in the archive of ``fetcher`` (a
    :class:`pipelines.sources.fetch.ReplayFetcher`): the run parses and checks those sources only (their
    ``<source>_parsed`` checks), instead of recording a "no capture" check result for every other source. Each
    check result is an event in the Dagster instance (~15 ms each on SQLite), so a replayed day with 3 captured
    sources writes ~22 events instead of ~80. Returns ``job`` itself when every source has a capture that day,
    or with ``all_checks``: the last run of a replay reports every source (:class:`ReplayPlan`), because the UI
    shows the checks of an asset's latest materialization (a source without a capture that day passes, saying
    so)."""
    from assets.raw import page_snapshots
    from assets.staging import PRICE_QUOTES, check_keys
    from pipelines.sources.registry import SOURCES

    if all_checks:
        return job
    names = [n for n, s in SOURCES.items() if any(c.captured_on == day for c in fetcher.captures_for(s))]
    if len(names) == len(SOURCES):
        return job
    return job.get_subset(asset_selection={page_snapshots.key, PRICE_QUOTES}, asset_check_selection=check_keys(names))


def start_ahead(fetcher, days: list):
    """Once the forecast workers are warm (:func:`pipelines.forecast.fit.warm_pool`), start there the parse of every
    capture of ``days`` in the archive of ``fetcher`` (a :class:`pipelines.sources.fetch.ReplayFetcher`) and the reads of
    the bundled datasets ``warehouse_job`` imports (:mod:`pipelines.ahead`): the replayed days and the importers
    then collect them instead of computing them in this process. The calls are started from a background
    thread, which waits for the workers to start (they fork only once the worker server has imported
    statsmodels, ~3 s) while this thread replays the first days; returns that thread (``join()`` it to wait
    until every call is started)."""
    import threading

    from assets.staging import start_dataset_reads
    from pipelines import ahead
    from pipelines.sources.registry import SOURCES, parse_file

    def submit() -> None:
        wanted = set(days)
        for name, source in SOURCES.items():
            for c in fetcher.captures_for(source):
                if c.captured_on in wanted:
                    path = fetcher.archive / c.file
                    sha = hashlib.sha256(path.read_bytes()).hexdigest()  # the raw snapshot's digest, as stored
                    ahead.start(ahead.parse_key(name, sha, c.url), parse_file, name, str(path), c.url)
        start_dataset_reads()

    thread = threading.Thread(target=submit, name="tokenprices-ahead", daemon=True)
    thread.start()
    return thread


class ReplayPlan:
    """A replay of capture days (``tokenprices demo`` and ``backfill``), worked out once before its first run.

    ``todo``: per day ``(skip?, input version, seconds the check took)``, skip when :func:`replay_unchanged`
    (unless ``force``); ``runs``: the days that run, in order; ``last``: the last run, which reports every
    source's check (:func:`replay_job`); a ``live_day`` (backfill ``--live``, not replayed) counts for that.
    ``fetcher``: the :class:`pipelines.sources.fetch.ReplayFetcher` of the archive (its manifest read once, by the caller
    that listed the days).
    """

    def __init__(self, instance, fetcher, days: list, force: bool = False, live_day=None):
        self.fetcher = fetcher
        self.todo: dict = {}
        for day in days:
            t = time.monotonic()
            unchanged, version = replay_unchanged(instance, fetcher.archive, day, fetcher.include_estimated)
            self.todo[day] = (unchanged and not force, version, time.monotonic() - t)
        self.runs = [d for d in days if not self.todo[d][0]]
        self.last = max([*self.runs, *([live_day] if live_day else [])], default=None)
        self._ahead_started = False

    def job(self, job, day):
        """:func:`replay_job` of ``day``: its captured sources' checks, or all of them on the last run."""
        return replay_job(job, self.fetcher, day, all_checks=day == self.last)

    def start_ahead(self) -> None:
        """Warm the forecast workers (:func:`pipelines.forecast.fit.warm_pool`) and, the first time they are,
        :func:`start_ahead` the days that run. Call it before each run: the later calls do nothing."""
        from pipelines.forecast import fit as forecast

        if not self._ahead_started and forecast.warm_pool():
            self._ahead_started = True
            start_ahead(self.fetcher, self.runs)


def warehouse_unchanged(instance) -> tuple[bool, str | None]:
    """(skip?, version) for a warehouse_job run now: skip when a successful run had the same input version
    (:mod:`pipelines.incremental`; None when it must always run) and the marts it writes still exist."""
    from pipelines import incremental

    with _warehouse_con() as con:
        version = incremental.warehouse_version(con)
        exist = version is not None and incremental.marts_exist(con)
    return exist and incremental.done_before(instance, "warehouse_job", version), version


def _run_warehouse(defs, instance, force: bool = False, tags: dict | None = None) -> bool:
    """Run warehouse_job, unless (without ``force``) a successful run already had the same input version."""
    from pipelines import incremental

    t = time.monotonic()
    unchanged, version = warehouse_unchanged(instance)
    if unchanged and not force:
        print(f"  warehouse_job: unchanged inputs and code since its last successful run, skipped "
              f"({time.monotonic() - t:.1f}s; --force runs it)")
        return True
    res = defs.resolve_job_def("warehouse_job").execute_in_process(
        instance=instance, run_config=QUIET, raise_on_error=False,
        tags={**(tags or {}), **({incremental.VERSION_TAG: version} if version else {})},
    )
    print(f"  warehouse_job: {'ok' if res.success else 'FAILED'} ({time.monotonic() - t:.1f}s)")
    return res.success


def cmd_demo(args) -> int:
    """Replay every capture date of the bundled archive through scrape_job, then warehouse_job."""
    with long_lived():
        from pipelines import incremental
        from pipelines.definitions import defs
        from pipelines.sources.fetch import ReplayFetcher
        from pipelines.sources.registry import SOURCES

        archive = Path(args.archive) if args.archive else config.archive_dir()
        fetcher = ReplayFetcher(archive)
        days = fetcher.capture_dates(list(SOURCES.values()))
        print(f"tokenprices demo: replaying {len(days)} capture days from {archive} into "
              f"{config.warehouse_database()}")
        instance = _instance()
    job = defs.resolve_job_def("scrape_job")
    run_config = {
        "resources": {"fetcher": {"config": {"mode": "replay", "archive_dir": str(archive)}}},
        **QUIET,
    }
    ok = True
    skipped = 0
    plan = ReplayPlan(instance, fetcher, days, force=args.force)
    for i, day in enumerate(days, 1):
        skip, version, secs = plan.todo[day]
        t = time.monotonic() - secs
        if skip:
            skipped += 1
            print(f"  [{i}/{len(days)}] scrape {day}: unchanged captures and code, skipped ({secs:.1f}s)")
            continue
        # the forecast workers import statsmodels on another core, then parse the captures and read the datasets
        plan.start_ahead()
        res = plan.job(job, day).execute_in_process(
            partition_key=day.isoformat(), instance=instance, run_config=run_config, raise_on_error=False,
            tags={incremental.VERSION_TAG: version},
        )
        failed = [
            e.asset_check_evaluation_data.check_name
            for e in res.all_events
            if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.asset_check_evaluation_data.passed
        ]
        ok &= res.success and not failed
        status = "ok" if res.success and not failed else f"FAILED {failed or ''}"
        print(f"  [{i}/{len(days)}] scrape {day}: {status} ({time.monotonic() - t:.1f}s)")
    if skipped:
        print(f"  {skipped} of {len(days)} days unchanged since their last successful scrape (--force replays them)")
    ok &= _run_warehouse(defs, instance, force=args.force)
    if not _summary():
        ok = False
    return 0 if ok else 1


def cmd_run(args) -> int:
    """Live scrape of today's UTC partition, then marts and forecasts."""
    with long_lived():
        from pipelines.definitions import LIVE_RUN_CONFIG, defs

        instance = _instance()
    day = dt.datetime.now(dt.UTC).date().isoformat()
    print(f"tokenprices run: live scrape for {day} into {config.warehouse_database()}")
    res = defs.resolve_job_def("scrape_job").execute_in_process(
        partition_key=day, instance=instance, run_config=LIVE_RUN_CONFIG, raise_on_error=False
    )
    print(f"  scrape {day}: {'ok' if res.success else 'FAILED (see the log above)'}")
    ok = _run_warehouse(defs, instance) and res.success
    return 0 if _summary() and ok else 1


def _summary() -> bool:
    """Print the warehouse summary; False (with a message) when a table it reads is missing."""
    import duckdb

    # Same process as the runs, whose DuckDB database may still be open: read through the assets' resource.
    with _warehouse_con() as con:
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
                    help="replay every day and rebuild the marts even when inputs and code are unchanged")
    sp.set_defaults(func=cmd_demo)
    sp = sub.add_parser("run", help="live scrape of today (UTC), then marts and forecasts")
    sp.set_defaults(func=cmd_run)
    from pipelines.cli import commands

    commands.register_all(sub)
    args = p.parse_args(argv)
    try:
        return args.func(args)
    finally:
        gc.unfreeze()  # in-process callers (tests) get their collector back as it was; run() freezes before exit


def run() -> None:
    """The ``tokenprices`` console script: :func:`main`, then exit. ``gc.freeze()`` first moves every object to
    the permanent generation, so the interpreter's last garbage collection does not walk the millions of objects
    of the ~2,700 modules dagster, pandas and statsmodels load (~1.1 s of every command here); objects are still
    released and atexit handlers still run."""
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()
