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
it, and the result equals a clean build (``tests/test_ops_backfill.py``). The loop itself is
:func:`pipelines.cli.replay.replay` (``tokenprices demo`` runs it over the whole bundled archive): a day whose
captures and code match its last good parse is skipped, and so is ``warehouse_job`` when no day ran and the marts
are current (:mod:`pipelines.incremental`; ``--force`` runs everything).

Output: one line per day (documents stored, sources parsed, quotes, failed checks with their findings, seconds),
a rich progress bar with ETA (drawn only on a terminal), the warehouse job's row counts, the warehouse summary.
Exit status: 0 all days and the warehouse job ok; 1 a day or the warehouse job failed; 2 bad arguments;
3 the warehouse file is locked by another process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pipelines import config

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
                                                         "good parse")
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


def cmd_backfill(args) -> int:
    """``tokenprices backfill``: see the module docstring. Returns the exit status."""
    from pipelines.cli import replay
    from pipelines.config import lock_timeout_s
    from pipelines.resources import WarehouseLockedError, connect_warehouse
    from pipelines.sources.fetch import ReplayFetcher
    from pipelines.sources.registry import SOURCES

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
    done = replay.replay(fetcher, plan.days, live_day=plan.live_day, force=args.force,
                         build_warehouse=not args.no_warehouse, verbose=args.verbose,
                         tags={"tokenprices/backfill": f"{plan.start}..{plan.end}"})
    ran = len(plan.days)
    print(f"\nbackfill {plan.start}..{plan.end}: {ran - len(done.failed)} of {ran} days ok"
          + (f"; FAILED: {', '.join(map(str, done.failed))}" if done.failed else ""))
    if plan.skipped:
        print(f"  skipped {len(plan.skipped)} days without captures: {_fmt_ranges(plan.skipped)}")
    if done.locked:
        print("tokenprices backfill: stopped, the warehouse file is locked by another process (see above)",
              file=sys.stderr)
        return 3
    if done.warehouse_ok:
        from pipelines.cli.main import summary

        if not summary():
            return 1
    return 0 if done.ok else 1
