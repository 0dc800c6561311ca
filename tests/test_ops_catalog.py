"""The asset catalog as the UI shows it: description, kinds, owners, column schema, row counts, freshness,
and a lineage that reads raw -> staging -> marts -> forecasts."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pytest

from pipelines.definitions import LATEST_PRICES, defs

LAYERS = ["raw", "staging", "marts", "forecasts"]
#: assets that do not declare ``dagster/column_schema`` yet (issue #6 asks every asset to). A new asset must
#: declare one; when one of these gains its schema, drop it from this list.
KNOWN_WITHOUT_COLUMN_SCHEMA = {
    "raw/page_snapshots", "staging/litellm_price_history", "staging/genai_prices_history",
    "staging/openrouter_snapshots_history", "staging/price_overrides", "staging/simonw_llm_prices_history",
    "marts/latest_prices", "marts/price_changes", "marts/model_delistings", "marts/model_aliases",
    "marts/price_discrepancies", "marts/price_structure", "forecasts/market_index", "forecasts/price_decline",
    "forecasts/price_forecast", "forecasts/backtest", "forecasts/price_tiers", "forecasts/provider_indexes",
    "forecasts/cheapest_at_capability",
}
#: assets whose materialization has no ``dagster/row_count`` yet (same rule: shrink it, never grow it).
KNOWN_WITHOUT_ROW_COUNT = {"staging/openrouter_snapshots_history", "staging/simonw_llm_prices_history"}
#: asset -> warehouse table, where the table is not named like the asset key
TABLE_OF = {"staging/litellm_price_history": "staging.imported_price_runs"}


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


def test_assets_without_column_schema_are_only_the_known_ones():
    missing = {k for k, n in _nodes().items() if "dagster/column_schema" not in n.metadata}
    assert missing <= KNOWN_WITHOUT_COLUMN_SCHEMA, f"declare dagster/column_schema for {missing - KNOWN_WITHOUT_COLUMN_SCHEMA}"


def test_declared_column_schemas_match_the_warehouse(built, wh):
    checked = 0
    for key, node in _nodes().items():
        schema = node.metadata.get("dagster/column_schema")
        if schema is None:
            continue
        table = TABLE_OF.get(key, key.replace("/", "."))
        sch, name = table.split(".")
        actual = {c: t.lower().replace(" ", "") for c, t in wh.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $s AND table_name = $t",
            {"s": sch, "t": name}).fetchall()}
        assert actual, f"{key}: no table {table}"
        for col in schema.columns:
            assert col.name in actual, f"{key}: declared column {col.name} is not in {table}"
            assert col.type.lower().replace(" ", "") == actual[col.name], (key, col.name, col.type, actual[col.name])
        checked += 1
    assert checked >= 2


def test_every_materialization_reports_its_row_count(built, wh):
    seen = {}
    for result in built[2]:
        for ev in result.all_events:
            if ev.event_type_value == "ASSET_MATERIALIZATION":
                m = ev.step_materialization_data.materialization
                seen[m.asset_key.to_user_string()] = m.metadata.get("dagster/row_count")
    assert len(seen) >= 10
    missing = {k for k, v in seen.items() if v is None}
    assert missing <= KNOWN_WITHOUT_ROW_COUNT, f"report dagster/row_count for {missing - KNOWN_WITHOUT_ROW_COUNT}"
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
    for name in ("run_summary", "notify_run_failure", "notify_stale_prices", "warehouse_after_scrape"):
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
