"""Skipping unchanged work by what the warehouse stores (pipelines/incremental.py), bulk inserts, and the
configuration switches for running beyond one machine (MotherDuck database name, lake URI, DuckDB memory limit)."""

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
from tests.conftest import ROOT, copy_warehouse

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


def _backfill(tmp: Path, archive: Path, *extra: str, warehouse_job: bool = False) -> subprocess.CompletedProcess:
    """``tokenprices backfill`` of the archive's range into ``tmp``, a process with an ephemeral Dagster instance of
    its own (no DAGSTER_HOME): what it skips, it knows from the warehouse alone."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOKENPRICES_") and k != "DAGSTER_HOME"}
    env |= {"TOKENPRICES_WAREHOUSE": str(tmp / "w.duckdb"), "TOKENPRICES_DATA_DIR": str(tmp / "data"),
            "PYTHONUNBUFFERED": "1"}
    out = subprocess.run([*CLI, "backfill", "--from", "2025-10-01", "--to", "2025-12-31", "--archive", str(archive),
                          *([] if warehouse_job else ["--no-warehouse"]), *extra], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    return out


def _table_rows(db: Path) -> dict[str, list]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: sorted(con.table(t).fetchall(), key=repr)
                for t in ("raw.page_snapshots", "staging.price_quotes", "staging.unit_prices", "marts.price_history",
                          "marts.latest_prices", "forecasts.price_decline")}


SKIPPED = "replay: unchanged (same captures and code as its last good parse), skipped"


def test_backfill_skips_unchanged_days_and_replays_a_changed_capture_or_code(built, tmp_path):
    """On a copy of the session's ``built`` warehouse (the pipeline over every bundled capture day, by this code, in
    another process and Dagster instance), the two days of an archive holding the same captures are unchanged: the
    skip reads what the warehouse stores (staging.parse_runs), not the history of a Dagster instance. (That a first
    backfill replays both days and builds the marts: test_ops_backfill.)"""
    archive = _archive(tmp_path)
    db, _ = copy_warehouse(built, tmp_path)
    db.rename(tmp_path / "w.duckdb")  # the file _backfill points TOKENPRICES_WAREHOUSE at
    before = _table_rows(tmp_path / "w.duckdb")
    assert len(before["staging.price_quotes"]) > 50 and len(before["marts.latest_prices"]) > 50

    # nothing changed: both days and the warehouse job are skipped, the warehouse is as it was
    again = _backfill(tmp_path, archive, warehouse_job=True)
    assert f"[1/2] 2025-10-15 {SKIPPED}" in again.stdout
    assert f"[2/2] 2025-12-13 {SKIPPED}" in again.stdout
    assert "warehouse_job: no day replayed and the marts are newer than every parse, skipped" in again.stdout
    assert "2 of 2 days ok" in again.stdout
    assert _table_rows(tmp_path / "w.duckdb") == before

    def cohere_docs() -> int:
        with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
            return con.execute("SELECT count(*) FROM raw.page_snapshots WHERE source = 'cohere_pricing'").fetchone()[0]

    # one capture of 2025-10-15 changes (a byte appended): that day is replayed, the other is still skipped
    docs = cohere_docs()
    cohere = next(archive.glob("cohere/*.md"))
    cohere.write_bytes(cohere.read_bytes() + b"\n")
    changed = _backfill(tmp_path, archive)
    assert "[1/2] 2025-10-15 ok:" in changed.stdout
    assert f"[2/2] 2025-12-13 {SKIPPED}" in changed.stdout
    assert cohere_docs() == docs + 1  # the new body is a new snapshot; the old one is kept (immutable)

    # a day last parsed by other code (a parser fix since) is replayed
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("UPDATE staging.parse_runs SET code_version = 'older' WHERE partition_date = DATE '2025-12-13'")
    recoded = _backfill(tmp_path, archive)
    assert f"[1/2] 2025-10-15 {SKIPPED}" in recoded.stdout and "[2/2] 2025-12-13 ok:" in recoded.stdout

    forced = _backfill(tmp_path, archive, "--force")
    assert "[1/2] 2025-10-15 ok:" in forced.stdout and "[2/2] 2025-12-13 ok:" in forced.stdout


def test_a_day_is_unchanged_only_when_every_capture_has_a_good_parse_by_this_code(tmp_path):
    from pipelines.sources.fetch import ReplayFetcher

    archive = _archive(tmp_path)
    fetcher = ReplayFetcher(archive)
    oct15, dec13 = dt.date(2025, 10, 15), dt.date(2025, 12, 13)
    caps = incremental.day_captures(fetcher, oct15)
    assert {(s, u.split("/")[2]) for s, u, _ in caps} == {("cohere_pricing", "cohere.com"),
                                                           ("perplexity_pricing", "docs.perplexity.ai")}
    assert all(len(sha) == 64 for *_, sha in caps)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    warehouse.ensure_schema(con)
    assert incremental.unchanged_days(con, fetcher, [oct15, dec13]) == set()  # nothing parsed yet

    def parsed(day, source, url, sha, status="ok", version=None):
        warehouse.run(con, "insert_parse_run", {
            "partition_date": day, "source": source, "url": url, "snapshot_sha256": sha, "status": status,
            "n_quotes": 1, "n_unit_prices": 0, "n_models": 1, "detail": None,
            "code_version": version or incremental.code_version()})

    (s1, u1, h1), (s2, u2, h2) = sorted(caps)
    parsed(oct15, s1, u1, h1)
    parsed(oct15, s2, u2, h2, status="drift")  # rejected: the day is not done
    assert incremental.unchanged_days(con, fetcher, [oct15]) == set()
    parsed(oct15, s2, u2, h2, version="older")  # parsed ok, but by other code
    assert incremental.unchanged_days(con, fetcher, [oct15]) == set()
    parsed(oct15, s2, u2, "0" * 64)  # another body of that URL
    assert incremental.unchanged_days(con, fetcher, [oct15]) == set()
    parsed(oct15, s2, u2, h2)
    assert incremental.unchanged_days(con, fetcher, [oct15, dec13]) == {oct15}
    # the archive's bytes change: not unchanged any more
    doc = archive / next(c.file for c in fetcher.captures if c.url == u1)
    doc.write_bytes(doc.read_bytes() + b" ")
    assert incremental.unchanged_days(con, fetcher, [oct15]) == set()


def test_marts_are_current_when_built_after_the_newest_parse(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    warehouse.ensure_schema(con)
    assert not incremental.marts_current(con)  # no marts yet
    con.execute("CREATE TABLE marts.price_history AS SELECT 1 AS x")
    con.execute("CREATE TABLE marts.latest_prices AS SELECT 1 AS x")
    path = "1.0 AS yhat, 1.0 AS lo80, 1.0 AS hi80, 1.0 AS lo95, 1.0 AS hi95, 'naive' AS model"
    con.execute(f"INSERT INTO forecasts.price_forecast BY NAME SELECT 'index' AS series, DATE '2026-01-01' AS month, {path}")
    assert not incremental.marts_current(con)  # no forecast made yet
    con.execute(f"""INSERT INTO forecasts.forecast_archive BY NAME SELECT 'index' AS series, DATE '2026-01-01' AS month,
                    DATE '2025-12-01' AS origin_month, {path}, 'r1' AS run_id, TIMESTAMP '2026-01-02 10:00' AS made_at""")
    assert incremental.marts_current(con)  # nothing parsed at all
    con.execute("""INSERT INTO staging.parse_runs BY NAME SELECT DATE '2026-01-02' AS partition_date, 's' AS source,
                   'u' AS url, 'h' AS snapshot_sha256, TIMESTAMP '2026-01-02 09:00' AS parsed_at, 'ok' AS status,
                   1 AS n_quotes, 0 AS n_unit_prices, 1 AS n_models""")
    assert incremental.marts_current(con)
    con.execute("UPDATE staging.parse_runs SET parsed_at = TIMESTAMP '2026-01-02 11:00'")  # parsed after the build
    assert not incremental.marts_current(con)


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
