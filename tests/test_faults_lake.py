"""Issue 15 (6): the Parquet lake's folder swap recovers from a crash at any point of an earlier swap."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines import warehouse
from pipelines.history.normalise import quote_rows
from pipelines.sources.registry import SOURCES
from tests.conftest import PAGES

URL = "https://api-docs.deepseek.com/quick_start/pricing"


@pytest.fixture()
def con():
    """marts.price_history stand-in holding the real quotes of the DeepSeek capture of 2025-12-20."""
    prices = SOURCES["deepseek_pricing"].read((PAGES / "deepseek/2025-12-20_quick-start-pricing_en.md").read_bytes(), URL).prices
    rows = quote_rows(prices, source="deepseek_pricing", source_url=URL, snapshot_sha256="0" * 64,
                      observed_at=dt.datetime(2025, 12, 20, tzinfo=dt.UTC))
    quotes = pa.Table.from_pylist([{k: r[k] for k in ("provider", "model", "price_kind")}
                                  | {"usd_per_mtok": str(r["usd_per_mtok"])} for r in rows])
    c = duckdb.connect()
    c.execute("CREATE SCHEMA marts")
    c.register("quotes", quotes)  # the Arrow rows by name (not DuckDB's scan of Python variables)
    c.execute("CREATE TABLE marts.price_history AS SELECT * FROM quotes")
    yield c
    c.close()


def _lake_rows(folder):
    t = pq.read_table(folder, partitioning="hive")
    return sorted(zip(t["model"].to_pylist(), t["price_kind"].to_pylist(), t["usd_per_mtok"].to_pylist()))


def _stale(folder):
    folder.mkdir(parents=True)
    (folder / "provider=deepseek").mkdir()
    (folder / "provider=deepseek" / "part-0.parquet").write_bytes(b"stale copy")
    return folder


@pytest.mark.parametrize("crash", ["after both renames", "between the renames", "before the swap"])
def test_leftover_from_a_crashed_swap_is_recovered(con, tmp_path, crash):
    """Before: a leftover .price_history-old/ beside price_history/ made every later export fail with
    "Directory not empty", and with it every downstream mart."""
    lake = tmp_path / "lake"
    out = warehouse.export_parquet(con, "marts.price_history", lake, partition_by=("provider",))
    expected = _lake_rows(out)
    assert ("deepseek-chat", "input", "0.280000000000") in expected
    marts = lake / "marts"
    if crash == "after both renames":
        _stale(marts / ".price_history-old")
    elif crash == "between the renames":
        (marts / "price_history").rename(marts / ".price_history-old")
    else:
        _stale(marts / ".price_history-k2x9q1ab")
    again = warehouse.export_parquet(con, "marts.price_history", lake, partition_by=("provider",))
    assert again == out and _lake_rows(out) == expected
    assert sorted(p.name for p in marts.iterdir()) == ["price_history"]
