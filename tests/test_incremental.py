"""Skipping unchanged work (pipelines/incremental.py), bulk inserts, and the configuration switches for running
beyond one machine (MotherDuck database name, lake URI, DuckDB memory limit)."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from pipelines import config, incremental, warehouse
from tests.conftest import ROOT

CLI = [sys.executable, "-m", "pipelines.cli.main"]
#: two small capture days of the bundled archive: Volcengine's document (1 file) and Cohere + Perplexity (2 files)
DAYS = ("2025-12-13", "2025-10-15")


def _archive(tmp: Path) -> Path:
    """A replay archive with the bundled captures of :data:`DAYS` (copied byte for byte)."""
    src = ROOT / "seed" / "pages"
    out = tmp / "archive"
    with open(src / "manifest.csv", newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = [r for r in reader if r["captured_on"] in DAYS and r["date_is_estimate"] == "false"]
        fields = reader.fieldnames
    assert len(rows) == 3
    for r in rows:
        (out / r["file"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / r["file"], out / r["file"])
    with open(out / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    return out


def _backfill(tmp: Path, archive: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOKENPRICES_")}
    env |= {"TOKENPRICES_WAREHOUSE": str(tmp / "w.duckdb"), "TOKENPRICES_DATA_DIR": str(tmp / "data"),
            "DAGSTER_HOME": str(tmp / "dagster_home"), "PYTHONUNBUFFERED": "1"}
    out = subprocess.run([*CLI, "backfill", "--from", "2025-10-01", "--to", "2025-12-31", "--archive", str(archive),
                          "--no-warehouse", *extra], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    return out


def _table_rows(db: Path) -> dict[str, list]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: sorted(con.table(t).fetchall(), key=repr)
                for t in ("raw.page_snapshots", "staging.price_quotes", "staging.unit_prices")}


def test_backfill_skips_unchanged_days_and_replays_a_changed_capture(tmp_path):
    archive = _archive(tmp_path)
    first = _backfill(tmp_path, archive)
    assert "[1/2] 2025-10-15 ok:" in first.stdout and "[2/2] 2025-12-13 ok:" in first.stdout
    before = _table_rows(tmp_path / "w.duckdb")
    assert len(before["staging.price_quotes"]) > 50

    again = _backfill(tmp_path, archive)
    assert "[1/2] 2025-10-15 replay: unchanged captures and code since its last successful run, skipped" in again.stdout
    assert "[2/2] 2025-12-13 replay: unchanged captures and code since its last successful run, skipped" in again.stdout
    assert _table_rows(tmp_path / "w.duckdb") == before

    # one capture of 2025-10-15 changes (a byte appended): that day is replayed, the other is still skipped
    cohere = next(archive.glob("cohere/*.md"))
    cohere.write_bytes(cohere.read_bytes() + b"\n")
    changed = _backfill(tmp_path, archive)
    assert "[1/2] 2025-10-15 ok:" in changed.stdout
    assert "[2/2] 2025-12-13 replay: unchanged" in changed.stdout
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        docs = con.execute("SELECT count(*) FROM raw.page_snapshots WHERE source = 'cohere_pricing'").fetchone()[0]
    assert docs == 2  # the new body is a new snapshot; the old one is kept (immutable)

    forced = _backfill(tmp_path, archive, "--force")
    assert "[1/2] 2025-10-15 ok:" in forced.stdout and "[2/2] 2025-12-13 ok:" in forced.stdout


def test_replay_day_version_follows_the_bytes_and_the_options(tmp_path):
    archive = _archive(tmp_path)
    day = dt.date(2025, 12, 13)
    v = incremental.replay_day_version(archive, day, False)
    assert v == incremental.replay_day_version(archive, day, False)
    assert v != incremental.replay_day_version(archive, day, True)
    assert v != incremental.replay_day_version(archive, dt.date(2025, 10, 15), False)
    doc = next(archive.glob("volcengine/*"))
    doc.write_bytes(doc.read_bytes().replace(b"0.40", b"0.41", 1))
    assert incremental.replay_day_version(archive, day, False) != v


def _small_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    warehouse.ensure_schema(con)
    row = {"observed_at": dt.datetime(2025, 12, 20, tzinfo=dt.UTC), "source": "deepseek_pricing",
           "provider": "deepseek", "model": "deepseek-chat", "model_name": "deepseek-chat", "price_kind": "input",
           "service_tier": "standard", "tier_min_tokens": 0, "region": "global",
           "usd_per_mtok": Decimal("0.28"), "original_amount": Decimal("0.28"), "original_currency": "USD",
           "original_unit": "per 1M tokens", "fx_rate": Decimal(1), "fx_date": dt.date(2025, 12, 20),
           "conditions": None, "source_url": "https://api-docs.deepseek.com/quick_start/pricing",
           "snapshot_sha256": "a" * 64, "location": "table 0 row 1"}
    warehouse.insert(con, "staging.price_quotes", [row], partition_date=dt.date(2025, 12, 20))
    return con


def test_warehouse_version_follows_scraped_rows_inputs_and_the_date(tmp_path, monkeypatch):
    for k in list(os.environ):
        if k.startswith("TOKENPRICES_"):
            monkeypatch.delenv(k)
    con = _small_warehouse(tmp_path / "w.duckdb")
    today = dt.date(2026, 11, 30)
    v = incremental.warehouse_version(con, today)
    assert v == incremental.warehouse_version(con, today)
    assert v != incremental.warehouse_version(con, today + dt.timedelta(days=1))  # the last complete month moves
    con.execute("UPDATE staging.price_quotes SET original_amount = 0.27")
    v2 = incremental.warehouse_version(con, today)
    assert v2 != v
    # a dataset folder given at run time is an input: a changed file changes the version
    ds = tmp_path / "simonw"
    ds.mkdir()
    (ds / "prices.json").write_text("[]")
    monkeypatch.setenv("TOKENPRICES_SIMONW_DIR", str(ds))
    v3 = incremental.warehouse_version(con, today)
    assert v3 != v2
    (ds / "prices.json").write_text("[{}]")
    assert incremental.warehouse_version(con, today) != v3
    # live imports read the internet: never skipped
    monkeypatch.setenv("TOKENPRICES_IMPORT_LIVE", "1")
    assert incremental.warehouse_version(con, today) is None


def test_scraped_state_sees_swapped_values(tmp_path):
    """Two rows exchanging their prices change the fingerprint (it hashes whole rows, not columns)."""
    con = _small_warehouse(tmp_path / "w.duckdb")
    con.execute("""INSERT INTO staging.price_quotes SELECT * REPLACE ('output' AS price_kind,
                   1.1 AS usd_per_mtok, 1.1 AS original_amount) FROM staging.price_quotes""")
    before = incremental.scraped_state(con)
    con.execute("""UPDATE staging.price_quotes SET usd_per_mtok = CASE WHEN price_kind = 'input' THEN 1.1 ELSE 0.28 END,
                   original_amount = CASE WHEN price_kind = 'input' THEN 1.1 ELSE 0.28 END""")
    assert incremental.scraped_state(con) != before
    assert [s.split()[:2] for s in before] == [["raw.page_snapshots", "0"], ["staging.price_quotes", "2"],
                                               ["staging.unit_prices", "0"], ["staging.quarantine", "0"]]


# -- beyond one machine: configuration switches --------------------------------------------------------------------
def test_lake_uri_writes_through_pyarrow_filesystems(tmp_path):
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.t AS SELECT range AS i, 'p' || (range % 3) AS provider FROM range(10)")
    uri = f"file://{tmp_path}/lake"
    assert warehouse.export_parquet(con, "marts.t", uri) == f"{uri}/marts/t.parquet"
    assert pq.read_table(tmp_path / "lake" / "marts" / "t.parquet").num_rows == 10
    assert warehouse.export_parquet(con, "marts.t", uri, ("provider",)) == f"{uri}/marts/t"
    parts = sorted(p.parent.name for p in (tmp_path / "lake" / "marts" / "t").rglob("*.parquet"))
    assert parts == ["provider=p0", "provider=p1", "provider=p2"]
    # a re-export with fewer partitions leaves no stale partition behind
    con.execute("DELETE FROM marts.t WHERE provider = 'p2'")
    warehouse.export_parquet(con, "marts.t", uri, ("provider",))
    assert sorted(p.parent.name for p in (tmp_path / "lake" / "marts" / "t").rglob("*.parquet")) == [
        "provider=p0", "provider=p1"]


def test_motherduck_database_names_pass_through(monkeypatch, tmp_path):
    from pipelines.resources import DataDirResource, default_resources

    monkeypatch.setenv("TOKENPRICES_WAREHOUSE", "md:tokenprices")
    monkeypatch.setenv("TOKENPRICES_LAKE_URI", "s3://example-bucket/lake")
    monkeypatch.setenv("TOKENPRICES_DATA_DIR", str(tmp_path / "data"))
    assert config.warehouse_database() == "md:tokenprices"
    with pytest.raises(ValueError, match="is a MotherDuck database"):
        config.warehouse_path()
    res = default_resources()
    assert res["duckdb"].database == "md:tokenprices"
    assert not (Path.cwd() / "md:tokenprices").exists()
    assert DataDirResource().lake() == "s3://example-bucket/lake"
    monkeypatch.delenv("TOKENPRICES_LAKE_URI")
    assert DataDirResource().lake() == str(tmp_path / "data" / "lake")


def test_memory_limit_is_set_on_warehouse_connections(monkeypatch, tmp_path):
    from pipelines.resources import default_resources

    monkeypatch.setenv("TOKENPRICES_WAREHOUSE", str(tmp_path / "w.duckdb"))
    monkeypatch.delenv("TOKENPRICES_DUCKDB_MEMORY_LIMIT", raising=False)
    with default_resources()["duckdb"].get_connection() as con:
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] in ("1.3 GiB", "1.4 GiB")
    monkeypatch.setenv("TOKENPRICES_DUCKDB_MEMORY_LIMIT", "")
    assert default_resources()["duckdb"].connection_config == {}
