"""``tokenprices backfill``: day-by-day replay, skipped days, idempotent re-runs, and a kill -9 in the middle of
a DuckDB write that the next run completes (compared with a clean build of the same range)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from pipelines import warehouse
from pipelines.cli.ops import date_ranges, plan_backfill
from tests.conftest import ROOT

CLI = [sys.executable, "-m", "pipelines.cli.main"]
D = dt.date
#: the bundled archive's capture days with exact dates (seed/pages/manifest.csv, date_is_estimate=false)
CAPTURE_DAYS = [D(2024, 4, 1), D(2025, 10, 15), D(2025, 12, 13), D(2025, 12, 20), D(2026, 2, 27), D(2026, 4, 26),
                D(2026, 4, 27), D(2026, 8, 19)]

def env_for(tmp: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "TOKENPRICES_ARCHIVE")}
    return {**env, "TOKENPRICES_WAREHOUSE": str(tmp / "w.duckdb"), "TOKENPRICES_DATA_DIR": str(tmp / "data"),
            "PYTHONUNBUFFERED": "1", **extra}


def backfill(tmp: Path, *args, timeout=600, **extra) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "backfill", *args], cwd=ROOT, env=env_for(tmp, **extra), capture_output=True,
                          text=True, timeout=timeout)


def counts(db: Path, tables: list[str] | None = None) -> dict[str, int]:
    """Row count per table: ``tables``, or every table of the file except the parse log (staging.parse_runs)."""
    with duckdb.connect(str(db), read_only=True) as con:
        present = {f"{s}.{t}" for s, t in con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables").fetchall()}
        wanted = [t for t in tables if t in present] if tables else sorted(present - {"staging.parse_runs"})
        return {t: con.table(t).aggregate("count(*)").fetchall()[0][0] for t in wanted}


# -- planning ---------------------------------------------------------------------------------------------------
def test_plan_keeps_capture_days_and_lists_the_rest_as_skipped():
    p = plan_backfill(D(2025, 12, 10), D(2025, 12, 21), CAPTURE_DAYS, live=False, today=D(2026, 11, 30))
    assert p.days == [D(2025, 12, 13), D(2025, 12, 20)] and p.live_day is None
    assert len(p.skipped) == 10 and D(2025, 12, 13) not in p.skipped
    assert date_ranges(p.skipped) == [(D(2025, 12, 10), D(2025, 12, 12)), (D(2025, 12, 14), D(2025, 12, 19)),
                                      (D(2025, 12, 21), D(2025, 12, 21))]


def test_plan_live_only_for_today():
    today = D(2026, 11, 30)
    p = plan_backfill(D(2026, 11, 28), today, CAPTURE_DAYS, live=True, today=today)
    assert p.days == [today] and p.live_day == today and p.skipped == [D(2026, 11, 28), D(2026, 11, 29)]
    with pytest.raises(ValueError, match="--live fetches today's partition only"):
        plan_backfill(D(2025, 12, 1), D(2025, 12, 31), CAPTURE_DAYS, live=True, today=today)


@pytest.mark.parametrize("start,end,message", [
    (D(2025, 12, 20), D(2025, 12, 1), "is after --to"),
    (D(2023, 12, 1), D(2024, 1, 5), "before the first daily partition"),
    (D(2026, 11, 1), D(2026, 12, 5), "is in the future"),
])
def test_plan_rejects_bad_ranges(start, end, message):
    with pytest.raises(ValueError, match=message):
        plan_backfill(start, end, CAPTURE_DAYS, live=False, today=D(2026, 11, 30))


def test_cli_bad_range_exits_2(tmp_path):
    out = backfill(tmp_path, "--from", "2025-12-20", "--to", "2025-12-01")
    assert out.returncode == 2 and "is after --to" in out.stderr
    assert not (tmp_path / "w.duckdb").exists()


# -- replay, skipped days, idempotence ----------------------------------------------------------------------
def test_backfill_reports_days_and_rerun_adds_nothing(tmp_path):
    out = backfill(tmp_path, "--from", "2025-12-12", "--to", "2025-12-21", "--no-warehouse")
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("tokenprices backfill 2025-12-12..2025-12-21: 2 days to scrape")
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        by_day = dict(con.execute(
            "SELECT partition_date, count(*) FROM staging.price_quotes GROUP BY 1").fetchall())
        docs = dict(con.execute("SELECT partition_date, count(*) FROM raw.page_snapshots GROUP BY 1").fetchall())
    assert set(by_day) == {D(2025, 12, 13), D(2025, 12, 20)}
    day1 = next(ln for ln in lines if "[1/2] 2025-12-13 ok:" in ln)
    assert f"{docs[D(2025, 12, 13)]} document (replay), 1 source parsed {by_day[D(2025, 12, 13)]:,} quotes" in day1
    day2 = next(ln for ln in lines if "[2/2] 2025-12-20 ok:" in ln)
    assert f"{docs[D(2025, 12, 20)]} documents (replay), 7 sources parsed {by_day[D(2025, 12, 20)]:,} quotes" in day2
    assert "backfill 2025-12-12..2025-12-21: 2 of 2 days ok" in out.stdout
    assert ("skipped 8 days without captures: 2025-12-12, 2025-12-14..2025-12-19 (6 days), 2025-12-21"
            in out.stdout)

    before = counts(tmp_path / "w.duckdb")
    again = backfill(tmp_path, "--from", "2025-12-12", "--to", "2025-12-21", "--no-warehouse")
    assert again.returncode == 0, again.stdout + again.stderr
    assert counts(tmp_path / "w.duckdb") == before


# -- kill -9 in the middle of a write -----------------------------------------------------------------------------
def _all_rows(db: Path) -> dict[str, list]:
    """Full content of the tables whose values must match a clean build exactly (no load timestamps)."""
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            "price_quotes": con.execute("SELECT * FROM staging.price_quotes ORDER BY ALL").fetchall(),
            "price_history": con.execute("SELECT * FROM marts.price_history ORDER BY ALL").fetchall(),
            "latest_prices": con.execute("SELECT * FROM marts.latest_prices ORDER BY ALL").fetchall(),
            "price_decline": con.execute("SELECT * FROM forecasts.price_decline ORDER BY ALL").fetchall(),
            "parses": con.execute("""SELECT DISTINCT partition_date, source, url, snapshot_sha256, status
                                     FROM staging.parse_runs ORDER BY ALL""").fetchall(),
        }


def test_kill_9_mid_write_then_rerun_equals_clean_build(built, tmp_path):
    """The clean build is the session's ``built`` warehouse: the real pipeline over every capture day of the
    bundled archive, the 12 days of this range."""
    rng = ("--from", "2024-04-01", "--to", "2026-08-19")
    killed_dir = tmp_path / "killed"
    killed_dir.mkdir()

    db, wal = killed_dir / "w.duckdb", killed_dir / "w.duckdb.wal"
    proc = subprocess.Popen([*CLI, "backfill", *rng], cwd=ROOT, env=env_for(killed_dir), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    seen: list[str] = []
    reader = threading.Thread(target=lambda: seen.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()
    deadline = time.monotonic() + 300
    while not any("[2/" in ln for ln in seen):  # two days committed, the third is being written
        assert proc.poll() is None and time.monotonic() < deadline, "".join(seen)
        time.sleep(0.05)
    killed_during_write = False
    while time.monotonic() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > 0:  # uncommitted-to-file writes of an open connection
            proc.send_signal(signal.SIGKILL)
            killed_during_write = True
            break
        time.sleep(0.001)
    assert proc.wait(timeout=60) == -signal.SIGKILL
    reader.join(timeout=10)
    assert killed_during_write, "the backfill never wrote after day 2: " + "".join(seen)
    assert not any("[12/12]" in ln for ln in seen)

    # consistent on reopen: DuckDB replays its WAL; every quote's snapshot and body are there
    with duckdb.connect(str(db)) as con:
        orphans = con.execute("""SELECT count(*) FROM staging.price_quotes q WHERE NOT EXISTS (
                                     SELECT 1 FROM raw.page_snapshots s WHERE s.sha256 = q.snapshot_sha256)""").fetchone()[0]
        shas = [r[0] for r in con.execute("SELECT DISTINCT sha256 FROM raw.page_snapshots").fetchall()]
        days = con.execute("SELECT count(DISTINCT partition_date) FROM raw.page_snapshots").fetchone()[0]
    assert orphans == 0 and 2 <= days < 8
    for sha in shas:
        warehouse.read_blob(killed_dir / "data", sha)  # raises if missing or corrupt

    rerun = subprocess.run([*CLI, "backfill", *rng], cwd=ROOT, env=env_for(killed_dir), capture_output=True,
                           text=True, timeout=900)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "12 of 12 days ok" in rerun.stdout  # every capture day of seed/pages (12 since issue 19)
    assert "warehouse_job ok" in rerun.stdout
    assert all(r.success for r in built[2])

    expected = counts(built[0])
    assert set(expected) >= {"raw.page_snapshots", "staging.price_quotes", "marts.price_history",
                             "marts.latest_prices", "forecasts.price_forecast"}
    assert expected["staging.price_quotes"] > 4000 and expected["marts.latest_prices"] > 5000
    assert counts(db) == expected
    assert _all_rows(db) == _all_rows(built[0])
