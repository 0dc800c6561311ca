"""The asset catalog as the UI shows it: description, kinds, owners, column schema, row counts, freshness,
and a lineage that reads raw -> staging -> marts -> forecasts."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pytest

from assets import columns
from pipelines.definitions import LATEST_PRICES, defs

LAYERS = ["raw", "staging", "marts", "forecasts"]


def _graph():
    return defs.resolve_asset_graph()


def _nodes():
    g = _graph()
    return {k.to_user_string(): g.get(k) for k in g.get_all_asset_keys()}


@pytest.mark.parametrize("key", sorted(_nodes()))
def test_every_asset_is_described_owned_and_kinded(key):
    node = _nodes()[key]
    assert node.description and len(node.description) > 40, key
    assert node.owners == ["team:tokenprices"], key
    assert "duckdb" in node.kinds and len(node.kinds) >= 2, (key, node.kinds)


def test_lineage_reads_raw_staging_marts_forecasts():
    g = _graph()
    rank = {layer: i for i, layer in enumerate(LAYERS)}
    edges = {(p.to_user_string(), k.to_user_string()) for k in g.get_all_asset_keys() for p in g.get(k).parent_keys}
    assert all(rank[p.split("/")[0]] <= rank[c.split("/")[0]] for p, c in edges), "back-edge"
    # every layer after raw is fed by the layer before it
    assert ("raw/page_snapshots", "staging/price_quotes") in edges
    assert {c for p, c in edges if p.startswith("staging/") and c.startswith("marts/")}
    assert {c for p, c in edges if p.startswith("marts/") and c.startswith("forecasts/")}
    # nothing reads the raw layer except staging
    assert all(c.startswith("staging/") for p, c in edges if p.startswith("raw/"))


def _warehouse_columns(wh, key: str) -> dict[str, str]:
    """column -> DuckDB type (lower case, no spaces) of the table of ``key`` (assets/columns.py: TABLE_OF)."""
    sch, name = columns.table_of(key).split(".")
    return {c: t.lower().replace(" ", "") for c, t in wh.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $s AND table_name = $t "
        "ORDER BY ordinal_position", {"s": sch, "t": name}).fetchall()}


def test_every_asset_declares_its_column_schema():
    missing = {k for k, n in _nodes().items() if "dagster/column_schema" not in n.metadata}
    assert not missing, f"declare dagster/column_schema for {missing} (assets/columns.py)"


def test_an_asset_unknown_to_the_column_module_gets_no_schema():
    spec = columns.with_column_schema(dg.AssetSpec(dg.AssetKey(["staging", "not_an_asset"])))
    assert "dagster/column_schema" not in spec.metadata


def test_column_module_has_no_stale_or_duplicate_entries():
    nodes = _nodes()
    assert set(columns.COLUMN_SCHEMAS) <= set(nodes), "entries for assets that do not exist"
    assert set(columns.TABLE_OF) <= set(columns.COLUMN_SCHEMAS)
    for key, schema in columns.COLUMN_SCHEMAS.items():
        names = [c.name for c in schema.columns]
        assert len(names) == len(set(names)), (key, names)
        assert all(c.description for c in schema.columns), key
        # the catalog shows this schema: an asset declaring its own in its decorator has no entry here
        assert nodes[key].metadata["dagster/column_schema"] == schema, f"{key} declares its schema in its decorator"


def test_declared_column_schemas_match_the_warehouse(built, wh):
    checked = 0
    for key, node in _nodes().items():
        schema = node.metadata.get("dagster/column_schema")
        if schema is None:
            continue
        table = columns.table_of(key)
        actual = _warehouse_columns(wh, key)
        assert actual, f"{key}: no table {table}"
        for col in schema.columns:
            assert col.name in actual, f"{key}: declared column {col.name} is not in {table}"
            assert col.type.lower().replace(" ", "") == actual[col.name], (key, col.name, col.type, actual[col.name])
        checked += 1
    assert checked == len(_nodes())


def test_declared_column_schemas_cover_every_column_of_the_table(built, wh):
    """Not a subset: a column added to a table without its entry in the schema fails here."""
    for key, node in _nodes().items():
        declared = [c.name for c in node.metadata["dagster/column_schema"].columns]
        actual = _warehouse_columns(wh, key)
        assert set(declared) == set(actual), (
            f"{key} ({columns.table_of(key)}): undeclared {sorted(set(actual) - set(declared))}, "
            f"not in the table {sorted(set(declared) - set(actual))}")
        assert declared == list(actual), f"{key}: declare the columns in table order"


def test_every_materialization_reports_its_row_count(built, wh):
    seen = {}
    for result in built[2]:
        for ev in result.all_events:
            if ev.event_type_value == "ASSET_MATERIALIZATION":
                m = ev.step_materialization_data.materialization
                seen[m.asset_key.to_user_string()] = m.metadata.get("dagster/row_count")
    assert len(seen) >= 10
    missing = {k for k, v in seen.items() if v is None}
    assert not missing, f"report dagster/row_count for {missing}"
    # an importer skipped for want of its dataset folder still reports its source's rows in the table
    for key, source in (("staging/simonw_llm_prices_history", "simonw_llm_prices"),
                        ("staging/openrouter_snapshots_history", "openrouter_snapshots")):
        assert seen[key].value == wh.execute("SELECT count(*) FROM staging.imported_price_runs WHERE source = $s",
                                             {"s": source}).fetchall()[0][0], key
    # the counts are the tables' real sizes after the last run
    for key in ("marts/price_history", "marts/latest_prices", "forecasts/price_forecast"):
        table = key.replace("/", ".")
        assert seen[key].value == wh.table(table).aggregate("count(*)").fetchall()[0][0], key


def test_latest_prices_goes_stale_after_36_hours():
    nodes = _nodes()
    policy = nodes[LATEST_PRICES.to_user_string()].freshness_policy
    assert isinstance(policy, dg.FreshnessPolicy)
    assert policy.fail_window.to_timedelta() == dt.timedelta(hours=36)
    assert policy.warn_window.to_timedelta() == dt.timedelta(hours=26)
    assert [k for k, n in nodes.items() if n.freshness_policy is not None] == [LATEST_PRICES.to_user_string()]


def test_notification_sensors_are_on_by_default():
    for name in ("run_summary", "notify_run_failure", "notify_stale_prices", "notify_price_events",
                 "warehouse_after_scrape"):
        assert defs.resolve_sensor_def(name).default_status == dg.DefaultSensorStatus.RUNNING, name


def test_executor_is_a_configuration_switch():
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    assert defs.resolve_job_def("scrape_job").executor_def.name == "in_process"  # the default
    code = ("from pipelines.definitions import defs; "
            "print(defs.resolve_job_def('scrape_job').executor_def.name, defs.resolve_job_def('warehouse_job').executor_def.name)")

    def load(value):
        return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "TOKENPRICES_EXECUTOR": value},
                              capture_output=True, text=True, timeout=300)

    out = load("multiprocess")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["multiprocess", "multiprocess"]
    bad = load("spark")
    assert bad.returncode != 0 and "TOKENPRICES_EXECUTOR must be in_process, multiprocess or k8s, not 'spark'" in bad.stderr
