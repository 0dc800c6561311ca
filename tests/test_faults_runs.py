"""Issue 15 (4): a run killed with `kill -9` does not stay STARTED and stall the run queue."""

from __future__ import annotations

import os
import subprocess
import sys

import dagster as dg
from dagster import DagsterRunStatus, RunsFilter

from pipelines.cli import replay
from tests.conftest import ROOT, replay_resources

#: the statuses a run holds a queue slot in (what max_concurrent_runs counts), from the public DagsterRunStatus
IN_PROGRESS = [DagsterRunStatus.QUEUED, DagsterRunStatus.NOT_STARTED, DagsterRunStatus.STARTING,
               DagsterRunStatus.STARTED, DagsterRunStatus.CANCELING]

HANGING_RUN = """
import time
import dagster as dg

@dg.op
def wait_forever():
    print("started", flush=True)
    time.sleep(300)

@dg.job
def nightly_like():
    wait_forever()

nightly_like.execute_in_process(instance=dg.DagsterInstance.get())
"""


def test_killed_run_is_failed_at_start_up_and_the_next_run_succeeds(tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text((ROOT / "dagster.yaml").read_text())  # the project's instance settings
    run = subprocess.Popen([sys.executable, "-c", HANGING_RUN], env={**os.environ, "DAGSTER_HOME": str(home)},
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert run.stdout.readline().strip() == "started"
    finally:
        run.kill()  # SIGKILL: no chance to report anything
        run.wait()

    monkeypatch.setenv("DAGSTER_HOME", str(home))
    before = dg.DagsterInstance.get()
    [stuck] = before.get_runs(RunsFilter(statuses=[DagsterRunStatus.STARTED]))
    assert stuck.job_name == "nightly_like"  # what the fault pass saw: STARTED for ever
    before.dispose()

    instance = replay.dagster_instance()  # any tokenprices command that records runs starts with this
    try:
        assert instance.get_run_by_id(stuck.run_id).status == DagsterRunStatus.FAILURE
        assert instance.get_runs_count(RunsFilter(statuses=IN_PROGRESS)) == 0  # what the queue counts
        [failure] = instance.all_logs(stuck.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
        assert f"run process {run.pid} is gone" in failure.dagster_event.message

        from assets import raw

        nxt = dg.materialize([raw.page_snapshots], partition_key="2026-04-26", instance=instance,
                             resources=replay_resources(tmp_path / "w.duckdb", tmp_path / "d"))
        assert nxt.success and instance.get_run_by_id(nxt.run_id).status == DagsterRunStatus.SUCCESS
        assert replay.fail_orphaned_runs(instance) == []  # finished runs are left alone
    finally:
        instance.dispose()
