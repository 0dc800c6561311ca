"""The replay loop of ``tokenprices demo`` and ``tokenprices backfill``: capture days through ``scrape_job``, one
partition after the other, then ``warehouse_job`` once.

``demo`` is a backfill of every capture day of the bundled archive; ``backfill`` picks the days of a range (and may
fetch today live). Both call :func:`replay`, which skips what did not change, judged by what the warehouse stores
(:mod:`pipelines.incremental`): a day whose captures and code match its last good parse, and ``warehouse_job``
when no day was replayed and the marts are current. ``force`` replays and rebuilds everything.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipelines import config

#: run config that keeps Dagster's console log quiet: the CLI prints one line per day from the run's events (each
#: source not fetched with its cause, each failed check with its problems, the step errors), so Dagster's own ERROR
#: lines and stack traces would say it all twice. They stay in the run's event log (the UI, ``--verbose``).
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def dagster_instance():
    """The Dagster instance of ``DAGSTER_HOME`` (runs recorded, shown in the UI), or an ephemeral one with a note
    saying what that means. Runs of a dead process still shown STARTED are marked failed first
    (:func:`fail_orphaned_runs`)."""
    from dagster import DagsterInstance

    if os.environ.get("DAGSTER_HOME"):
        home = Path(os.environ["DAGSTER_HOME"]).expanduser()
        if not home.is_absolute():  # Dagster refuses a relative DAGSTER_HOME ("must be an absolute path")
            home = home.resolve()
            os.environ["DAGSTER_HOME"] = str(home)
        home.mkdir(parents=True, exist_ok=True)
        instance = DagsterInstance.get()
        for run_id, job, pid in fail_orphaned_runs(instance):
            print(f"note: run {run_id} of {job} was still STARTED but its process {pid} is gone (killed or crashed); "
                  "marked it failed so the run queue moves on", file=sys.stderr)
        return instance
    print("note: DAGSTER_HOME is not set, so these runs are not recorded: the UI will not show them "
          f"(`make demo` / `make run` set DAGSTER_HOME={config.ROOT / '.dagster_home'})", file=sys.stderr)
    return DagsterInstance.ephemeral()


def fail_orphaned_runs(instance) -> list[tuple[str, str, int]]:
    """Mark failed every run the instance shows STARTED whose process is gone (``kill -9``, a crash, a reboot):
    (run id, job, pid) of each. Such a run otherwise stays STARTED for ever, holds its pool slot and counts
    against ``max_concurrent_runs`` (``dagster.yaml``), so the queue, and the nightly schedule, stall. The local
    run launcher cannot tell the daemon's run monitoring that its worker died (only ``max_runtime_seconds`` ends
    such a run), hence this check at CLI start-up. The process is the one that logged the run's RUN_START (the
    run worker, or the CLI for its in-process runs); a live process with that pid that started after the run is
    another process. Only for an instance on this machine (SQLite storage): on a shared one the pid is another
    host's."""
    from dagster import DagsterEventType, DagsterRunStatus, RunsFilter

    if "sqlite" not in type(instance.run_storage).__name__.lower():
        return []
    failed = []
    for record in instance.get_run_records(RunsFilter(statuses=[DagsterRunStatus.STARTED])):
        run = record.dagster_run
        starts = instance.all_logs(run.run_id, of_type=DagsterEventType.RUN_START)
        pid = starts[-1].dagster_event.pid if starts and starts[-1].dagster_event else None
        if pid is None or _process_alive(pid, since=record.start_time):
            continue
        instance.report_run_failed(run, message=f"run process {pid} is gone (killed or crashed); marked failed at "
                                                "tokenprices start-up so the run queue moves on")
        failed.append((run.run_id, run.job_name, pid))
    return failed


def _process_alive(pid: int, since: float | None) -> bool:
    """True while process ``pid`` exists and (when its start time can be read from /proc) began no later than
    ``since`` (epoch seconds): a pid reused by a later process is not the run's."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, another user's
    if since is None:
        return True
    try:
        ticks = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
        boot = next(int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                    if line.startswith("btime "))
        began = boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return True
    return began <= since + 2  # /proc's start time is whole seconds since boot


def warehouse_con():
    """A connection to the warehouse through the assets' own resource (DuckDB wants one configuration per file
    in a process, and the runs of this process open it that way)."""
    from pipelines.resources import default_resources

    return default_resources()["duckdb"].get_connection()


def replay_job(job, fetcher, day, all_checks: bool = False):
    """``scrape_job`` narrowed to the sources with a capture of ``day`` in the archive of ``fetcher`` (a
    :class:`pipelines.sources.fetch.ReplayFetcher`): the run parses and checks those sources only (their
    ``<source>_parsed`` checks), instead of recording a "no capture" check result for every other source. Each
    check result is an event in the Dagster instance (~15 ms each on SQLite), so a replayed day with 3 captured
    sources writes ~22 events instead of ~80. Returns ``job`` itself when every source has a capture that day,
    or with ``all_checks``: the last run of a replay reports every source, because the UI shows the checks of an
    asset's latest materialization (a source without a capture that day passes, saying so)."""
    from assets.raw import page_snapshots
    from assets.staging import PRICE_QUOTES, check_keys
    from pipelines.sources.registry import SOURCES

    if all_checks:
        return job
    names = [n for n, s in SOURCES.items() if any(c.captured_on == day for c in fetcher.captures_for(s))]
    if len(names) == len(SOURCES):
        return job
    return job.get_subset(asset_selection={page_snapshots.key, PRICE_QUOTES}, asset_check_selection=check_keys(names))


def _n(k: int, noun: str) -> str:
    return f"{k:,} {noun}{'' if k == 1 else 's'}"


def day_line(day: dt.date, rep, seconds: float, how: str) -> tuple[str, bool]:
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
    if rep.warned_checks:
        bits.append(f"{len(rep.warned_checks)} with layout findings to review")
    if rep.fetch_failures:
        bits.append(f"{len(rep.fetch_failures)} sources not fetched")
    line = f"{day} {'ok' if ok else 'FAILED'}: " + ", ".join(bits) + f" ({seconds:.1f}s)"
    for c in rep.failed_checks:
        line += f"\n    FAILED {c.check_name}: {'; '.join(c.problems[:2]) or c.reason or ''}"
    for c in rep.warned_checks:
        line += f"\n    review {c.check_name}: {'; '.join(c.problems[:2]) or c.reason or ''}"
    for s, err in rep.fetch_failures.items():
        line += f"\n    not fetched {s}: {err}"
    if not rep.succeeded and not rep.failed_checks:
        for err in rep.step_errors[:3]:
            line += f"\n    {err}"
    return line, ok


@dataclass
class Replayed:
    """What :func:`replay` did: the days replayed, skipped as unchanged and failed; ``warehouse_ok`` (None: the
    warehouse job was not asked for or not reached); ``locked``: stopped because another process holds the
    warehouse file."""

    ran: list[dt.date] = field(default_factory=list)
    unchanged: list[dt.date] = field(default_factory=list)
    failed: list[dt.date] = field(default_factory=list)
    warehouse_ok: bool | None = None
    locked: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed and not self.locked and self.warehouse_ok is not False


def _last_warehouse_run_failed(instance) -> bool:
    """True when this instance's latest ``warehouse_job`` run did not succeed (it may have stopped half-way)."""
    import dagster as dg

    records = instance.get_run_records(filters=dg.RunsFilter(job_name="warehouse_job"), limit=1)
    return bool(records) and records[0].dagster_run.status != dg.DagsterRunStatus.SUCCESS


def replay(fetcher, days: list[dt.date], *, live_day: dt.date | None = None, force: bool = False,
           build_warehouse: bool = True, verbose: bool = False, tags: dict | None = None) -> Replayed:
    """Run ``scrape_job`` for each of ``days`` (ascending) from the archive of ``fetcher`` (a
    :class:`pipelines.sources.fetch.ReplayFetcher`), ``live_day`` fetched live instead, then (``build_warehouse``)
    ``warehouse_job``; one line per day on stdout, a progress bar on a terminal.

    Without ``force``, a replayed day that is unchanged (:func:`pipelines.incremental.unchanged_days`) is skipped,
    and ``warehouse_job`` is skipped when no day ran, the marts are current
    (:func:`pipelines.incremental.marts_current`), the instance's last ``warehouse_job`` run did not fail and the
    importers do not read the internet (``TOKENPRICES_IMPORT_LIVE``). Stops at a day whose run found the warehouse
    file locked by another process (``locked``). The definitions and the Dagster instance (:func:`dagster_instance`)
    are loaded when first needed: an unchanged re-run imports no asset module."""
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)

    from pipelines import incremental
    from pipelines.notify import run_report

    quiet = {} if verbose else QUIET
    replay_config = {"resources": {"fetcher": {"config": {
        "mode": "replay", "archive_dir": str(fetcher.archive), "include_estimated": bool(fetcher.include_estimated)}}},
        **quiet}
    tags = tags or {}
    done = Replayed()
    t = time.monotonic()
    if force:
        skip = set()
    else:
        with warehouse_con() as con:
            skip = incremental.unchanged_days(con, fetcher, [d for d in days if d != live_day])
    check_s = time.monotonic() - t
    to_run = [d for d in days if d not in skip]
    last = max(to_run, default=None)  # the last run reports every source's check (replay_job)
    instance = dagster_instance() if to_run or build_warehouse else None
    out = Console(file=sys.stdout, highlight=False, soft_wrap=True)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn())
    with Progress(*columns, console=out, transient=False, disable=not out.is_terminal) as progress:
        task = progress.add_task("replay", total=len(days) + (1 if build_warehouse else 0))
        say = lambda text: progress.console.print(text, markup=False)  # noqa: E731
        for i, day in enumerate(days, 1):
            progress.update(task, description=f"scrape {day}")
            if day in skip:
                say(f"  [{i}/{len(days)}] {day} replay: unchanged (same captures and code as its last good parse), "
                    f"skipped")
                done.unchanged.append(day)
                progress.advance(task)
                continue
            from pipelines.definitions import LIVE_RUN_CONFIG, defs  # imported once a run is needed

            job = defs.resolve_job_def("scrape_job")
            live = day == live_day
            t = time.monotonic()
            res = (job if live else replay_job(job, fetcher, day, all_checks=day == last)).execute_in_process(
                partition_key=day.isoformat(), instance=instance, raise_on_error=False, tags=tags,
                run_config={**LIVE_RUN_CONFIG, **quiet} if live else replay_config,
            )
            rep = run_report(instance, res.run_id)
            line, ok = day_line(day, rep, time.monotonic() - t, "live" if live else "replay")
            say(f"  [{i}/{len(days)}] {line}")
            progress.advance(task)
            done.ran.append(day)
            if not ok:
                done.failed.append(day)
            if any("is locked by" in e for e in rep.step_errors):
                done.locked = True
                break
        if done.unchanged:
            say(f"  {len(done.unchanged)} of {len(days)} days unchanged since their last good parse "
                f"({check_s:.1f}s to check; --force replays them)")
        if build_warehouse and not done.locked:
            progress.update(task, description="warehouse_job")
            t = time.monotonic()
            with warehouse_con() as con:
                current = incremental.marts_current(con)
            live_imports = config.import_live()
            if not (force or done.ran or live_imports or not current or _last_warehouse_run_failed(instance)):
                say("  warehouse_job: no day replayed and the marts are newer than every parse, skipped "
                    "(--force rebuilds them, e.g. after changing a dataset folder)")
                done.warehouse_ok = True
            else:
                from pipelines.definitions import defs

                res = defs.resolve_job_def("warehouse_job").execute_in_process(
                    instance=instance, run_config=quiet, raise_on_error=False, tags=tags)
                rep = run_report(instance, res.run_id)
                done.warehouse_ok = rep.succeeded
                rows = ", ".join(f"{k} {v:,}" for k, v in rep.rows.items())
                say(f"  warehouse_job {'ok' if rep.succeeded else 'FAILED'} ({time.monotonic() - t:.1f}s): {rows}"
                    + "".join(f"\n    {e}" for e in rep.step_errors))
            progress.advance(task)
    return done
