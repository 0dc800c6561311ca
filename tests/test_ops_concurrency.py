"""One DuckDB file, several writers: a clear error (not a hang) when another process holds the file, and two
backfills at once that both finish with the same rows as one after the other."""

from __future__ import annotations

import shutil
import subprocess
import sys

import dagster as dg
import duckdb
import pytest

from assets import raw, staging
from pipelines.resources import WarehouseLockedError, WarehouseResource, connect_warehouse
from tests.conftest import ROOT, replay_resources
from tests.test_ops_backfill import CLI, backfill, counts, env_for

RAW_STAGING = ["raw.page_snapshots", "staging.price_quotes", "staging.unit_prices", "staging.quarantine"]


class FakeClock:
    """A monotonic clock that moves only when :meth:`sleep` is called (records each sleep): what
    connect_warehouse waits is asserted, not waited for."""

    def __init__(self, on_sleep=None):
        self.now, self.sleeps, self.on_sleep = 0.0, [], on_sleep

    def __call__(self) -> float:
        return self.now

    def sleep(self, s: float) -> None:
        if self.on_sleep and not self.sleeps:
            self.on_sleep()
        self.sleeps.append(s)
        self.now += s


@pytest.fixture()
def holder(tmp_path):
    """Another process holding a read-write connection on ``tmp_path/w.duckdb`` (like a `duckdb` shell)."""
    db = tmp_path / "w.duckdb"
    proc = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time\n"
                               f"con = duckdb.connect({str(db)!r}); con.execute('CREATE TABLE t AS SELECT 1 AS x')\n"
                               "print('holding', flush=True); time.sleep(300)"],
        stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "holding"
    yield db, proc
    proc.kill()
    proc.wait()


def test_locked_file_raises_naming_the_holder(holder):
    db, proc = holder
    clock = FakeClock()
    with pytest.raises(WarehouseLockedError) as err:
        connect_warehouse(db, timeout_s=1.0, sleep=clock.sleep, clock=clock)
    waited = clock.now
    assert 1.0 <= waited < 5
    assert clock.sleeps == [0.25] * 4  # polled every poll_s until the deadline, then gave up
    assert err.value.pid == proc.pid and "import duckdb" in err.value.command
    msg = str(err.value)
    assert f"warehouse {db} is locked by process {proc.pid}" in msg and "waited 1s" in msg
    assert "duckdb_warehouse" in msg and "TOKENPRICES_LOCK_TIMEOUT_S" in msg


def test_lock_released_in_time_is_waited_for(tmp_path):
    db = tmp_path / "w.duckdb"
    proc = subprocess.Popen([sys.executable, "-c", f"import duckdb, sys; c = duckdb.connect({str(db)!r}); "
                                                   "print('holding', flush=True); sys.stdin.readline()"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "holding"

    def release():  # the holder closes the file while connect_warehouse waits for the first time
        proc.stdin.write("done\n")
        proc.stdin.close()
        proc.wait(timeout=60)

    clock = FakeClock(on_sleep=release)
    with connect_warehouse(db, timeout_s=30, sleep=clock.sleep, clock=clock) as con:
        assert con.execute("SELECT 42").fetchone() == (42,)
    assert clock.now < 20
    assert clock.sleeps == [0.25]  # one wait, then the file was free


def test_other_duckdb_errors_are_not_retried(tmp_path):
    bad = tmp_path / "not-a-database.duckdb"
    bad.write_bytes(b"this is not a DuckDB file" * 200)
    clock = FakeClock()
    with pytest.raises(duckdb.Error) as err:
        connect_warehouse(bad, timeout_s=30, sleep=clock.sleep, clock=clock)
    assert not isinstance(err.value, WarehouseLockedError) and clock.now < 5
    assert clock.sleeps == []  # raised at once, never retried


def test_asset_run_on_a_locked_file_fails_with_the_message(holder, tmp_path):
    from pipelines.notify import run_report

    db, proc = holder
    instance = dg.DagsterInstance.ephemeral()
    res = dg.materialize(
        [raw.page_snapshots],
        partition_key="2025-12-13",
        resources=replay_resources(db, tmp_path / "d", duckdb=WarehouseResource(database=str(db), lock_timeout_s=1)),
        instance=instance,
        raise_on_error=False,
    )
    assert not res.success
    (failure,) = [e for e in res.all_events if e.event_type_value == "STEP_FAILURE"]
    err = failure.step_failure_data.error
    assert err.cause.cls_name == "WarehouseLockedError"
    assert f"is locked by process {proc.pid}" in err.cause.message
    # the run summary (sensor, backfill) names the lock, not Dagster's wrapper error
    (line,) = run_report(instance, res.run_id).step_errors
    assert line.startswith("raw__page_snapshots: pipelines.resources.WarehouseLockedError: warehouse ")
    assert f"is locked by process {proc.pid} (" in line


def test_backfill_on_a_locked_file_exits_3_at_once(holder, tmp_path):
    db, proc = holder
    out = backfill(tmp_path, "--from", "2025-12-13", "--to", "2025-12-13", timeout=120,
                   TOKENPRICES_LOCK_TIMEOUT_S="2")
    assert out.returncode == 3, out.stdout + out.stderr
    # at once: after the configured 2 s lock wait (not the 60 s default, not a hang: backfill's timeout), without
    # measuring the wall clock of a process start on a busy machine
    assert f"is locked by process {proc.pid}" in out.stderr and "waited 2s" in out.stderr


@pytest.fixture(scope="module")
def one_after_the_other(tmp_path_factory) -> dict[str, int]:
    """Row counts of the raw and staging tables after scraping the two days of the test below one after the
    other, in this process."""
    seq = tmp_path_factory.mktemp("sequential")
    for day in ("2025-12-20", "2026-04-27"):
        assert dg.materialize([raw.page_snapshots, staging.price_quotes], partition_key=day,
                              resources=replay_resources(seq / "w.duckdb", seq / "d"),
                              instance=dg.DagsterInstance.ephemeral()).success
    return counts(seq / "w.duckdb", RAW_STAGING)


@pytest.mark.parametrize("shared_instance", [False, True], ids=["own-instances", "shared-instance"])
def test_two_backfills_at_once_match_one_after_the_other(tmp_path, shared_instance, one_after_the_other):
    """Two processes scrape different days into one file at the same time, with their own ephemeral instances or
    one shared instance (DAGSTER_HOME and the project's dagster.yaml). CLI runs do not go through the run queue
    (where the pool ``duckdb_warehouse`` admits one writing run at a time), so either way DuckDB's file lock,
    waited for by WarehouseResource, orders them; a run holds the file from its first step to its end."""
    extra = {"TOKENPRICES_LOCK_TIMEOUT_S": "300"}
    if shared_instance:
        home = tmp_path / "home"
        home.mkdir()
        shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
        extra["DAGSTER_HOME"] = str(home)
        # create the instance's SQLite storage once: two processes creating it at the same moment race
        # (a Dagster/SQLite limit, not ours; `make dev`/`make demo` have created it long before)
        subprocess.run([sys.executable, "-c", "import dagster as dg; i = dg.DagsterInstance.get(); i.get_runs(); "
                        "i.get_asset_keys(); i.all_instigator_state()"], env=env_for(tmp_path, **extra), check=True)
    procs = [subprocess.Popen([*CLI, "backfill", "--from", day, "--to", day, "--no-warehouse"], cwd=ROOT,
                              env=env_for(tmp_path, **extra), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
             for day in ("2025-12-20", "2026-04-27")]
    outs = [p.communicate(timeout=600)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs

    together, apart = counts(tmp_path / "w.duckdb", RAW_STAGING), one_after_the_other
    assert together == apart and together["staging.price_quotes"] > 1000
