"""The code location loads, and every job, schedule, sensor and check resolves."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

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


def _dg(*args, env=None):
    """``dg ARGS`` as `make dev` runs it: .venv's dg with that environment active, from the checkout."""
    env = {**{k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"},  # a temporary instance
           "VIRTUAL_ENV": str(Path(sys.executable).parents[1]), "NO_COLOR": "1", **(env or {})}
    return subprocess.run([str(Path(sys.executable).parent / "dg"), *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env=env)


def test_dg_loads_the_project_without_a_warning():
    """`make dev` runs `dg dev` (Dagster 1.13's CLI; `dagster dev` printed a SupersessionWarning) on the project of
    pyproject.toml [tool.dg]: `dg check defs` loads the same definitions and says nothing but that they load."""
    out = _dg("check", "defs")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "All definitions loaded successfully" in out.stdout
    assert not re.search(r"warn", out.stdout + out.stderr, re.I), out.stdout + out.stderr
    listed = _dg("list", "defs", "--json")
    assert listed.returncode == 0 and not re.search(r"warn", listed.stderr, re.I), listed.stderr
    defs_json = json.loads(listed.stdout)
    keys = {a["asset_key"] for a in defs_json["assets"]}
    assert {"marts/price_changes", "marts/latest_prices", "raw/page_snapshots"} <= keys
    assert "notify_price_events" in {s["name"] for s in defs_json["sensors"]}


def test_make_dev_uses_dg_dev_and_links_the_instance_settings(tmp_path):
    dry = subprocess.run(["make", "-n", "dev", f"DAGSTER_HOME={tmp_path}"], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert re.search(r"/dg dev -h 127\.0\.0\.1 -p 3000$", dry.stdout, re.M), dry.stdout
    assert "dagster dev" not in dry.stdout and "workspace.yaml" not in dry.stdout
    # the instance settings: a link to ./dagster.yaml, made silently (before: a note about a differing copy)
    made = subprocess.run(["make", "-s", "dagster-home", f"DAGSTER_HOME={tmp_path}"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert made.returncode == 0 and made.stdout == "" and made.stderr == ""
    assert (tmp_path / "dagster.yaml").resolve() == ROOT / "dagster.yaml"
