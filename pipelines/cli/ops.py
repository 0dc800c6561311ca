"""Operations commands: ``tokenprices backfill``, day-by-day replay of archived captures with a progress bar.

    tokenprices backfill --from YYYY-MM-DD --to YYYY-MM-DD [--archive DIR] [--live] [--include-estimated]
                         [--no-warehouse] [--verbose]
    tokenprices lineage        the asset graph as a Mermaid flowchart (docs/architecture.md)

Every day of the range that has captures in the archive (``manifest.csv``; default ``seed/pages`` or
``TOKENPRICES_ARCHIVE``) is scraped through ``scrape_job`` in replay mode, one partition after the other, then
``warehouse_job`` rebuilds the marts and forecasts once. Days without captures are skipped and listed at the end
(as date ranges). ``--live`` fetches today's (UTC) partition over HTTP instead; live fetching cannot fill past
days, so ``--live`` needs today inside the range.

Re-running a day is idempotent (its snapshots are keyed by source, URL, fetch time and body; its quotes are
replaced per source in one transaction). A backfill killed at any point (even ``kill -9`` in the middle of a
DuckDB write) leaves the warehouse at its last committed transaction; running the same command again completes
it, and the result equals a clean build (``tests/test_ops_backfill.py``).

Output: one line per day (documents stored, sources parsed, quotes, failed checks with their findings, seconds),
a rich progress bar with ETA (drawn only on a terminal), the warehouse job's row counts, the warehouse summary.
Exit status: 0 all days and the warehouse job ok; 1 a day or the warehouse job failed; 2 bad arguments;
3 the warehouse file is locked by another process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipelines import config

#: run config that keeps Dagster's console log to warnings and errors (the CLI prints its own lines).
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
#: first day of the daily partitions (assets/partitions.py).
FIRST_DAY = dt.date(2024, 1, 1)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def register(sub) -> None:
    """Add ``backfill`` to the ``tokenprices`` subcommands (called by :mod:`pipelines.cli.commands`)."""
    sp = sub.add_parser(
        "backfill",
        help="replay archived captures day by day into the warehouse (progress bar), then rebuild marts",
        description="Replay the archive's captures of every day in [--from, --to] through scrape_job (days "
                    "without captures are skipped and listed), then run warehouse_job. Idempotent; re-run to "
                    "complete an interrupted backfill.",
    )
    sp.add_argument("--from", dest="start", type=_date, required=True, help="first day, YYYY-MM-DD (UTC)")
    sp.add_argument("--to", dest="end", type=_date, required=True, help="last day, YYYY-MM-DD (UTC), inclusive")
    sp.add_argument("--archive", help="replay archive folder with manifest.csv (default seed/pages or "
                                      "TOKENPRICES_ARCHIVE)")
    sp.add_argument("--live", action="store_true", help="fetch today's partition live over HTTP (today must be "
                                                        "in the range); other days are replayed")
    sp.add_argument("--include-estimated", action="store_true",
                    help="also replay captures whose date is an estimate (manifest date_is_estimate=true)")
    sp.add_argument("--no-warehouse", action="store_true", help="scrape only; do not run warehouse_job after")
    sp.add_argument("--verbose", action="store_true", help="show Dagster's INFO log (per-source fetch/parse lines)")
    sp.add_argument("--force", action="store_true", help="replay days (and rebuild the marts) even when their "
                                                         "captures and the code are unchanged since their last "
                                                         "successful run")
    sp.set_defaults(func=cmd_backfill)
    sp = sub.add_parser("lineage", help="print the asset graph as a Mermaid flowchart (docs/architecture.md)")
    sp.set_defaults(func=cmd_lineage)


LAYERS = ("raw", "staging", "marts", "forecasts")


def lineage_mermaid() -> str:
    """The code location's asset graph as a Mermaid ``flowchart LR``, one subgraph per layer (raw, staging,
    marts, forecasts), edges parent --> child. Deterministic (sorted), for docs/architecture.md."""
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    keys = sorted(graph.get_all_asset_keys(), key=lambda k: (LAYERS.index(k.path[0]) if k.path[0] in LAYERS
                                                             else len(LAYERS), k.path))
    node = lambda k: "_".join(k.path)  # noqa: E731
    lines = ["flowchart LR"]
    for layer in LAYERS:
        members = [k for k in keys if k.path[0] == layer]
        if members:
            lines.append(f"  subgraph {layer}")
            lines += [f"    {node(k)}[{'/'.join(k.path)}]" for k in members]
            lines.append("  end")
    for k in keys:
        for parent in sorted(graph.get(k).parent_keys, key=lambda p: p.path):
            lines.append(f"  {node(parent)} --> {node(k)}")
    return "\n".join(lines)


def cmd_lineage(args) -> int:
    """``tokenprices lineage``: print :func:`lineage_mermaid`."""
    print(lineage_mermaid())
    return 0


@dataclass
class Plan:
    """Which partitions a backfill runs: ``days`` (ascending) and how, and ``skipped`` days without captures."""

    start: dt.date
    end: dt.date
    days: list[dt.date]
    live_day: dt.date | None
    skipped: list[dt.date] = field(default_factory=list)


def plan_backfill(start: dt.date, end: dt.date, capture_days: list[dt.date], *, live: bool,
                  today: dt.date | None = None) -> Plan:
    """Days of ``[start, end]`` to scrape: those in ``capture_days``, plus ``today`` when ``live``.

    Raises ValueError (with a message for the user) for an empty or reversed range, a range reaching past today
    (UTC) or before the first partition (2024-01-01), or ``live`` without today in the range.
    """
    today = today or dt.datetime.now(dt.UTC).date()
    if start > end:
        raise ValueError(f"--from {start} is after --to {end}")
    if start < FIRST_DAY:
        raise ValueError(f"--from {start} is before the first daily partition ({FIRST_DAY})")
    if end > today:
        raise ValueError(f"--to {end} is in the future (today is {today} UTC)")
    if live and not (start <= today <= end):
        raise ValueError(f"--live fetches today's partition only ({today} UTC), which is not in {start}..{end}; "
                         "past days are replayed from the archive")
    wanted = {d for d in capture_days if start <= d <= end}
    if live:
        wanted.add(today)
    every = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    return Plan(start, end, sorted(wanted), today if live else None, [d for d in every if d not in wanted])


def date_ranges(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive runs of ``days`` (ascending) as (first, last) pairs: [1,2,3,5] -> [(1,3), (5,5)]."""
    out: list[tuple[dt.date, dt.date]] = []
    for d in days:
        if out and d == out[-1][1] + dt.timedelta(days=1):
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def _fmt_ranges(days: list[dt.date], limit: int = 8) -> str:
    parts = [f"{a}" if a == b else f"{a}..{b} ({(b - a).days + 1} days)" for a, b in date_ranges(days)]
    more = len(parts) - limit
    return ", ".join(parts[:limit]) + (f", … and {more} more ranges" if more > 0 else "")


def _instance():
    from pipelines.cli.main import _instance as instance

    return instance()


def _n(k: int, noun: str) -> str:
    return f"{k:,} {noun}{'' if k == 1 else 's'}"


def _day_line(day: dt.date, rep, seconds: float, how: str) -> tuple[str, bool]:
    """One line per scraped day, from its run report; ok = run succeeded and no check failed."""
    ok = rep.succeeded and not rep.failed_checks
    parsed = [c for c in rep.checks if c.passed and c.quotes]
    quotes = sum(c.quotes for c in parsed)
    n_docs = rep.documents or 0
    bits = [f"{_n(n_docs, 'document')} ({how})"]
    if rep.unchanged:
        bits.append(f"{rep.unchanged} unchanged (304)")
    bits.append(f"{_n(len(parsed), 'source')} parsed {_n(quotes, 'quote')}")
    if rep.failed_checks:
        bits.append(f"{len(rep.failed_checks)} checks FAILED")
    if rep.fetch_failures:
        bits.append(f"{len(rep.fetch_failures)} sources not fetched")
    line = f"{day} {'ok' if ok else 'FAILED'}: " + ", ".join(bits) + f" ({seconds:.1f}s)"
    for c in rep.failed_checks:
        line += f"\n    FAILED {c.check_name}: {'; '.join(c.problems[:2]) or c.reason or ''}"
    for s, err in rep.fetch_failures.items():
        line += f"\n    not fetched {s}: {err}"
    if not rep.succeeded and not rep.failed_checks:
        for err in rep.step_errors[:3]:
            line += f"\n    {err}"
    return line, ok


def cmd_backfill(args) -> int:
    """``tokenprices backfill``: see the module docstring. Returns the exit status."""
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)

    from pipelines.sources.fetch import ReplayFetcher
    from pipelines.sources.registry import SOURCES
    from pipelines.resources import WarehouseLockedError, connect_warehouse, lock_timeout_s

    err = Console(stderr=True)
    archive = Path(args.archive).resolve() if args.archive else config.archive_dir()
    try:
        fetcher = ReplayFetcher(archive, include_estimated=args.include_estimated)
        plan = plan_backfill(args.start, args.end, fetcher.capture_dates(list(SOURCES.values())), live=args.live)
    except (ValueError, FileNotFoundError) as exc:
        print(f"tokenprices backfill: {exc}", file=sys.stderr)
        return 2

    db = config.warehouse_database()
    if not config.is_remote(db):
        Path(db).parent.mkdir(parents=True, exist_ok=True)
    try:  # fail at once, clearly, rather than fail every day one after the other
        connect_warehouse(db, timeout_s=lock_timeout_s(), config={"custom_user_agent": "dagster"}).close()
    except WarehouseLockedError as exc:
        print(f"tokenprices backfill: {exc}", file=sys.stderr)
        return 3

    print(f"tokenprices backfill {plan.start}..{plan.end}: {len(plan.days)} days to scrape "
          f"({'replay from ' + str(archive)}{', today live' if plan.live_day else ''}), "
          f"{len(plan.skipped)} days without captures skipped; warehouse {db}", flush=True)

    from pipelines.cli.main import ReplayPlan, long_lived, warehouse_unchanged

    with long_lived():
        from pipelines.definitions import LIVE_RUN_CONFIG, defs
        from pipelines.incremental import VERSION_TAG
        from pipelines.notify import run_report

        instance = _instance()
    quiet = {} if args.verbose else QUIET
    replay_config = {"resources": {"fetcher": {"config": {
        "mode": "replay", "archive_dir": str(archive), "include_estimated": bool(args.include_estimated)}}}, **quiet}
    job = defs.resolve_job_def("scrape_job")
    tags = {"tokenprices/backfill": f"{plan.start}..{plan.end}"}
    out = Console(file=sys.stdout, highlight=False, soft_wrap=True)
    failed_days: list[dt.date] = []
    locked = False
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn())
    replay = ReplayPlan(instance, fetcher, [d for d in plan.days if d != plan.live_day], args.force, plan.live_day)
    with Progress(*columns, console=out, transient=False, disable=not out.is_terminal) as progress:
        task = progress.add_task("backfill", total=len(plan.days) + (0 if args.no_warehouse else 1))
        for i, day in enumerate(plan.days, 1):
            progress.update(task, description=f"scrape {day}")
            live = day == plan.live_day
            t = time.monotonic()
            version = None
            if not live:
                skip, version, _ = replay.todo[day]
                if skip:
                    progress.console.print(f"  [{i}/{len(plan.days)}] {day} replay: unchanged captures and code "
                                           f"since its last successful run, skipped", markup=False)
                    progress.advance(task)
                    continue
            if not args.no_warehouse:
                # the forecast workers import statsmodels on another core, then parse the replayed captures and
                # read the importers' datasets (pipelines.ahead) while the days replay
                replay.start_ahead()
            run_job = job if live else replay.job(job, day)
            res = run_job.execute_in_process(
                partition_key=day.isoformat(), instance=instance, raise_on_error=False,
                tags={**tags, **({VERSION_TAG: version} if version else {})},
                run_config={**LIVE_RUN_CONFIG, **quiet} if live else replay_config,
            )
            rep = run_report(instance, res.run_id)
            line, ok = _day_line(day, rep, time.monotonic() - t, "live" if live else "replay")
            progress.console.print(f"  [{i}/{len(plan.days)}] {line}", markup=False)
            progress.advance(task)
            if not ok:
                failed_days.append(day)
            if any("is locked by" in e for e in rep.step_errors):
                locked = True
                break
        wh_ok = True
        if not args.no_warehouse and not locked:
            progress.update(task, description="warehouse_job")
            t = time.monotonic()
            unchanged, version = warehouse_unchanged(instance)
            if unchanged and not args.force:
                progress.console.print("  warehouse_job: unchanged inputs and code since its last successful run, "
                                       "skipped", markup=False)
            else:
                res = defs.resolve_job_def("warehouse_job").execute_in_process(
                    instance=instance, run_config=quiet, raise_on_error=False,
                    tags={**tags, **({VERSION_TAG: version} if version else {})})
                rep = run_report(instance, res.run_id)
                wh_ok = rep.succeeded
                rows = ", ".join(f"{k} {v:,}" for k, v in rep.rows.items())
                progress.console.print(
                    f"  warehouse_job {'ok' if wh_ok else 'FAILED'} ({time.monotonic() - t:.1f}s): {rows}"
                    + "".join(f"\n    {e}" for e in rep.step_errors), markup=False)
            progress.advance(task)

    ran = len(plan.days)
    print(f"\nbackfill {plan.start}..{plan.end}: {ran - len(failed_days)} of {ran} days ok"
          + (f"; FAILED: {', '.join(map(str, failed_days))}" if failed_days else ""))
    if plan.skipped:
        print(f"  skipped {len(plan.skipped)} days without captures: {_fmt_ranges(plan.skipped)}")
    if locked:
        err.print("tokenprices backfill: stopped, the warehouse file is locked by another process (see above)",
                  markup=False)
        return 3
    if not args.no_warehouse and wh_ok:
        from pipelines.cli.main import _summary

        if not _summary():
            return 1
    return 0 if not failed_days and wh_ok else 1
