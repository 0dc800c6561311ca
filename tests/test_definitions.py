"""The code location loads, and every job, schedule, sensor and check resolves."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import dagster as dg

from pipelines.definitions import defs, nightly_scrape
from pipelines.sources.registry import SOURCES
from tests.conftest import ROOT


def test_jobs_and_automation_resolve():
    assert defs.resolve_job_def("scrape_job").partitions_def is not None
    defs.resolve_job_def("warehouse_job")
    assert defs.resolve_schedule_def("nightly_scrape").cron_schedule == "0 2 * * *"
    defs.resolve_sensor_def("warehouse_after_scrape")


def test_groups_are_layers_and_lineage_flows_one_way():
    graph = defs.resolve_asset_graph()
    order = {"raw": 0, "staging": 1, "marts": 2, "forecasts": 3}
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.group_name == key.path[0]
        assert node.description, f"{key} has no description"
        for parent in node.parent_keys:
            assert order[parent.path[0]] <= order[key.path[0]], f"back-edge {parent} -> {key}"


def test_one_blocking_check_per_source():
    specs = [s for a in defs.assets if isinstance(a, dg.AssetsDefinition) for s in a.check_specs]
    staging = [s for s in specs if s.asset_key.path[0] == "staging"]
    assert {s.name for s in staging if s.blocking} == {f"{n}_parsed" for n in SOURCES}
    # and per source one non-blocking check listing its pages' layout findings (issue 19)
    assert {s.name for s in staging if not s.blocking} == {f"{n}_layout_drift" for n in SOURCES}
    # the other checks: one non-blocking interval check per forecast series asset
    rest = [s for s in specs if s.asset_key.path[0] != "staging"]
    assert len(rest) == 4 and all(s.name.endswith("_within_last_forecast") and not s.blocking for s in rest)


def test_nightly_schedule_scrapes_that_day_live():
    ctx = dg.build_schedule_context(scheduled_execution_time=dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC))
    req = nightly_scrape(ctx)
    assert req.partition_key == "2026-11-30"
    assert req.run_config["resources"]["fetcher"]["config"]["mode"] == "live"


def test_dagster_definitions_validate():
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}  # validate uses a temporary instance
    out = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-w", str(ROOT / "workspace.yaml")],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env=env,
    )
    assert out.returncode == 0, out.stdout + out.stderr
