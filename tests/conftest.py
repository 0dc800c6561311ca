"""Shared fixtures: paths of the bundled real data, one warehouse built by the real pipeline, the CLI in-process.

How a test gets a warehouse (a build by the real pipeline costs ~45 s on 2 cores, a copy about a second):

- to read it: ``wh`` (a read-only connection) or ``built`` (DuckDB file, data folder, the runs' results), built once
  per session and shared by the pytest-xdist workers: never write to it;
- to change it or run assets on it: ``copy_warehouse(built, tmp_path)``, a writable copy;
- for a scenario of its own (a broken capture, a few days): ``dg.materialize`` of the assets it needs with
  ``replay_resources(db, data_dir, archive=...)`` over a small archive, never the whole pipeline;
- several tests of one file on the same scenario: one ``scope="module"`` fixture that builds it once.

A command of the CLI on a warehouse: ``run_cli(*args, env={"TOKENPRICES_WAREHOUSE": ...})`` runs it in this
process (a process start costs ~1.5 s); start a process only to test the process itself (exit status of the
console script, signals, two processes at once). No test reaches the internet (``offline``): a server a test needs
listens on 127.0.0.1.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "seed" / "pages"


def replay_resources(db: Path, data_dir: Path, *, archive: Path = PAGES, fetcher=None, duckdb=None) -> dict:
    """The Dagster resources of a test run, the one copy every test uses: the DuckDB file ``db``, the data folder
    ``data_dir``, and a fetcher replaying ``archive`` (the bundled captures unless given). The warehouse resource
    is the one of production (:class:`pipelines.resources.WarehouseResource`: one connection per run).
    ``fetcher`` (a FetcherResource in live or wayback mode) and ``duckdb`` (e.g. a WarehouseResource with a short
    lock timeout) replace the defaults."""
    from pipelines.resources import DataDirResource, FetcherResource, WarehouseResource

    return {
        "fetcher": fetcher or FetcherResource(mode="replay", archive_dir=str(archive)),
        "duckdb": duckdb or WarehouseResource(database=str(db)),
        "data_dir": DataDirResource(path=str(data_dir)),
    }


@pytest.fixture()
def resources(tmp_path) -> dict:
    """:func:`replay_resources` of the bundled captures on a fresh DuckDB file and data folder in ``tmp_path``."""
    return replay_resources(tmp_path / "w.duckdb", tmp_path / "d")


def build_warehouse(db: Path, data_dir: Path, instance: dg.DagsterInstance) -> list[dg.ExecuteInJobResult]:
    """Run the real pipeline on the bundled captures as ``tokenprices demo`` does: ``scrape_job`` for every replay
    day, narrowed like the CLI's replay to the sources with a capture that day (all of them on the last day:
    :func:`pipelines.cli.replay.replay_job`), then every other asset (what warehouse_job runs); Dagster's console
    log quiet, as the CLI keeps it (the events are in the results)."""
    from pipelines.cli.replay import QUIET, replay_job
    from pipelines.definitions import ALL_ASSETS, scrape_job
    from pipelines.sources.fetch import ReplayFetcher
    from pipelines.sources.registry import SOURCES

    res = replay_resources(db, data_dir)
    fetcher = ReplayFetcher(PAGES)
    days = fetcher.capture_dates(list(SOURCES.values()))
    job = dg.Definitions(assets=ALL_ASSETS, jobs=[scrape_job], resources=res).resolve_job_def("scrape_job")
    results = [replay_job(job, fetcher, day, all_checks=day == days[-1]).execute_in_process(
        partition_key=day.isoformat(), instance=instance, run_config=QUIET) for day in days]
    # everything else: importers, marts, forecasts (what warehouse_job runs)
    rest = [a for a in ALL_ASSETS if a.partitions_def is None]
    results.append(dg.materialize(rest, resources=res, instance=instance, run_config=QUIET))
    return results


@dataclass(frozen=True)
class BuiltRun:
    """What a test reads of one run of the ``built`` pipeline: whether it succeeded, and its events."""

    success: bool
    all_events: list


@pytest.fixture(scope="session")
def built(tmp_path_factory, worker_id):
    """(db path, data dir, runs, None) of a warehouse built once by the real pipeline, read-only for the tests
    (``copy_warehouse`` to change it); ``runs`` are :class:`BuiltRun` (success and events of each run).

    With pytest-xdist the workers share one build: the first worker to need it builds it under a file lock while
    the other goes on with tests that do not (``pytest_collection_modifyitems`` orders the files for that), and
    the events of the runs go through a file, serialised by Dagster's serdes."""
    import fcntl

    from dagster import deserialize_value, serialize_value

    base = tmp_path_factory.getbasetemp()  # a worker's own folder is in the session's, which its workers share
    tmp = (base if worker_id == "master" else base.parent) / "built"
    runs = tmp / "runs.json"
    tmp.mkdir(exist_ok=True)
    with open(tmp / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if the build fails
        if not runs.exists():
            results = build_warehouse(tmp / "tokenprices.duckdb", tmp / "data", dg.DagsterInstance.ephemeral())
            part = runs.with_suffix(".part")
            part.write_text(serialize_value([[r.success, r.all_events] for r in results]), encoding="utf-8")
            part.rename(runs)  # only a finished build is shared
    done = deserialize_value(runs.read_text(encoding="utf-8"), list)
    return tmp / "tokenprices.duckdb", tmp / "data", [BuiltRun(ok, events) for ok, events in done], None


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """``tokenprices ARGS`` run in this process by its ``main``, with ``env`` set for the call: a CompletedProcess
    with the exit status, stdout and stderr, as the process would give (a process start costs ~1.5 s; the console
    script itself runs as a process in test_cli). A ``SystemExit`` ends it as it ends the interpreter: its message
    on stderr and status 1."""
    import contextlib
    import io
    import os
    import sys
    from unittest import mock

    from pipelines.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with mock.patch.dict(os.environ, env or {}), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = exc.code
            if code is None:
                code = 0
            elif not isinstance(code, int):
                print(code, file=sys.stderr)
                code = 1
    return subprocess.CompletedProcess(["tokenprices", *args], code, out.getvalue(), err.getvalue())


def copy_warehouse(built, dest: Path) -> tuple[Path, Path]:
    """A writable copy of the ``built`` warehouse in ``dest``: (DuckDB file, data folder with the raw blobs and the
    lake). For a test that changes or re-runs a built warehouse: a copy costs a second, a build ~30 s."""
    import shutil

    db, data_dir = dest / "tokenprices.duckdb", dest / "data"
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(built[0], db)
    shutil.copytree(built[1], data_dir)
    return db, data_dir


@pytest.fixture()
def wh(built):
    """A read-only connection to the built warehouse."""
    con = duckdb.connect(str(built[0]), read_only=True)
    yield con
    con.close()


#: the hosts a test may resolve: the loopback only (servers of tests listen on 127.0.0.1)
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


@pytest.fixture(autouse=True, scope="session")
def offline():
    """No test touches the internet: in the test processes, resolving any host but the loopback fails at once, as
    it would offline (``socket.gaierror``). Before this guard, registering the LiteLLM export made LiteLLM try
    huggingface.co for every ``huggingface/`` key (174 requests, ~30 s of waiting on this machine)."""
    import socket

    resolve = socket.getaddrinfo

    def loopback_only(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and name not in LOOPBACK:
            raise socket.gaierror(socket.EAI_NONAME, f"tests are offline: {name} is not resolved")
        return resolve(host, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket, "getaddrinfo", loopback_only)
        yield


@pytest.fixture(scope="session")
def httpserver_listen_address():
    """pytest-httpserver on 127.0.0.1 (never anything but loopback), any free port."""
    return ("127.0.0.1", 0)


#: the slowest test files, run first and in this order (``make test`` keeps it: ``--no-loadscope-reorder``), so
#: that the two pytest-xdist workers finish together instead of one running a long file at the end alone. The
#: files that read the ``built`` warehouse alternate with files that do not, so that one worker builds it while the
#: other runs tests. A file missing here only runs later; the order changes no result.
SLOW_FIRST = (
    "test_ops_backfill.py",  # built; a kill -9 and a 12-day backfill through the CLI
    "test_ops_concurrency.py",  # two backfills at once
    "test_incremental.py",  # built; four CLI backfills
    "test_definitions.py",  # dg loads the project
    "test_pipeline.py",  # built; the whole pipeline again on a copy
    "test_faults_sources.py",
    "test_litellm_export.py",  # built; LiteLLM registers the export
    "test_forecast_assets.py",  # built; two forecast runs
    "test_faults_cli.py",
    "test_checks.py",  # built
    "test_history_marts.py",  # built
    "test_delisting.py",
    "test_plans.py",  # built
    "test_forecast_models.py",
)


def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest keep their order
