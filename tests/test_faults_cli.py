"""Issue 15 (1, 7): `tokenprices sql` is a sandbox, and every bad input a user can give ends in one line.

Each escape of the fault pass is tried on a real warehouse file (the real schema, one real capture parsed by
the pipeline) and must be refused without touching any file; each bad input must give one line on stderr and
a non-zero exit, never a traceback.
"""

from __future__ import annotations

import hashlib
import re
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.cli import main as cli
from tests.conftest import PAGES, ROOT, replay_resources


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """A warehouse holding one real replayed day (2026-04-26: the Anthropic page), and a Parquet file beside it."""
    from assets import raw, staging

    tmp = tmp_path_factory.mktemp("sandbox")
    db = tmp / "tokenprices.duckdb"
    res = dg.materialize([raw.page_snapshots, staging.price_quotes], partition_key="2026-04-26",
                         resources=replay_resources(db, tmp / "data"), raise_on_error=False)
    assert res.success
    lake = tmp / "lake" / "marts" / "latest.parquet"
    lake.parent.mkdir(parents=True)
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT 42 AS answer) TO '{lake}' (FORMAT parquet)")
    return db, lake


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sql(db, query, capsys, monkeypatch) -> tuple[int, str, str]:
    monkeypatch.setenv("TOKENPRICES_WAREHOUSE", str(db))
    try:
        code = cli.main(["sql", query])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
        out = capsys.readouterr()
        return code, out.out, out.err + str(exc.code)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_warehouse_is_readable(warehouse, capsys, monkeypatch):
    db, _ = warehouse
    query = "SELECT count(*) AS n FROM staging.price_quotes WHERE model = 'claude-opus-4-7'"
    with duckdb.connect(str(db), read_only=True) as con:
        n = con.execute(query).fetchone()[0]
    assert n == 7  # standard and batch input/output, cache writes (5m, 1h) and cache read of the real page
    code, out, err = _sql(db, query, capsys, monkeypatch)
    assert code == 0, err
    assert "│ 7 │" in out


ESCAPES = {
    "read a file": "SELECT * FROM read_csv('/etc/passwd')",
    "list files": "SELECT * FROM glob('~/**')",
    "read text": "SELECT * FROM read_text('/etc/hostname')",
    "install an extension": "INSTALL httpfs",
    "load an extension": "LOAD httpfs",
    "raise memory_limit": "SET memory_limit = '64GB'",
    "switch external access back on": "SET enable_external_access = true",
    "unlock the configuration": "RESET lock_configuration",
}


@pytest.mark.parametrize("what", list(ESCAPES))
def test_escape_is_refused(warehouse, capsys, monkeypatch, what):
    """Before: read_csv/glob returned rows, INSTALL tried a download, SET worked."""
    code, out, err = _sql(warehouse[0], ESCAPES[what], capsys, monkeypatch)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "disabled" in err or "locked" in err


def test_copy_cannot_write_files_nor_overwrite_the_lake(warehouse, capsys, monkeypatch, tmp_path):
    """Before: COPY … TO wrote any file, including over the Parquet lake readers are told to use."""
    db, lake = warehouse
    before = _digest(lake)
    for target in (tmp_path / "some" / "where.py", tmp_path / "where.py", lake):
        code, _, err = _sql(db, f"COPY (SELECT 'import os' AS x) TO '{target}' (FORMAT csv)", capsys, monkeypatch)
        assert code == 1 and "disabled by configuration" in err
    assert not (tmp_path / "where.py").exists() and _digest(lake) == before
    code, _, err = _sql(db, f"EXPORT DATABASE '{tmp_path / 'dump'}'", capsys, monkeypatch)
    assert code == 1 and not (tmp_path / "dump").exists()


def test_attach_read_write_cannot_drop_tables(warehouse, capsys, monkeypatch, tmp_path):
    """Before: ATTACH of a hard link to the warehouse READ_WRITE, then DROP TABLE, destroyed the table."""
    db, _ = warehouse
    link = tmp_path / "link.duckdb"
    os.link(db, link)
    for target in (link, tmp_path / "other.duckdb"):
        code, _, err = _sql(db, f"ATTACH '{target}' AS o (READ_WRITE)", capsys, monkeypatch)
        assert code == 1 and "disabled by configuration" in err
    code, _, err = _sql(db, "DROP TABLE staging.price_quotes", capsys, monkeypatch)
    assert code == 1 and "read-only" in err
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM staging.price_quotes").fetchone()[0] > 0


def test_oversized_query_names_the_cap(warehouse, capsys, monkeypatch):
    code, _, err = _sql(warehouse[0], "SELECT 1 -- " + "x" * cli.MAX_QUERY_CHARS, capsys, monkeypatch)
    assert code == 2 and f"the limit is {cli.MAX_QUERY_CHARS:,}" in err


# -- one line, non-zero, no traceback --------------------------------------------------------------------------

def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "pipelines.cli.main", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, **(env or {})})


def one_line(out) -> str:
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, out.stderr
    return lines[0]


DEEPSEEK = PAGES / "deepseek/2025-12-20_quick-start-pricing_zh-cn.md"
DEEPSEEK_URL = "https://api-docs.deepseek.com/zh-cn/quick_start/pricing"


def test_parse_bad_observed_at_is_one_line():
    """Before: ValueError traceback from date.fromisoformat."""
    line = one_line(run("parse", str(DEEPSEEK), "--url", DEEPSEEK_URL, "--observed-at", "2025-13-45"))
    assert line == "tokenprices parse: --observed-at must be a date YYYY-MM-DD, not '2025-13-45'"


def test_parse_oversized_page_names_the_cap(tmp_path):
    """Before: a 50 MB page took 40 s and 1.36 GB and printed 55,932 duplicate quotes."""
    big = tmp_path / "big.md"
    with big.open("wb") as fh:
        fh.write(DEEPSEEK.read_bytes())
        fh.truncate(50 * 10**6)
    line = one_line(run("parse", str(big), "--url", DEEPSEEK_URL))
    assert f"is 50,000,000 bytes; the limit is {cli.MAX_PAGE_BYTES:,}" in line


def test_truncated_warehouse_is_one_line(warehouse, tmp_path):
    """Before: duckdb's IOException traceback."""
    cut = tmp_path / "cut.duckdb"
    cut.write_bytes(warehouse[0].read_bytes()[:5000])
    line = one_line(run("sql", "SELECT 1", env={"TOKENPRICES_WAREHOUSE": str(cut)}))
    assert line.startswith(f"tokenprices: cannot open the warehouse {cut}: ")


def test_locked_warehouse_is_one_line(warehouse):
    """Another process writing the file: one line naming it (before: a traceback)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
         "time.sleep(120)", str(warehouse[0])], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        line = one_line(run("latest", env={"TOKENPRICES_WAREHOUSE": str(warehouse[0])}))
        assert line.startswith(f"tokenprices: cannot open the warehouse {warehouse[0]}: ") and "lock" in line
    finally:
        holder.kill()
        holder.wait()


def _archive_with(tmp_path, rows: str):
    arch = tmp_path / "archive"
    (arch / "deepseek").mkdir(parents=True)
    (arch / "deepseek" / DEEPSEEK.name).write_bytes(DEEPSEEK.read_bytes())
    (arch / "manifest.csv").write_text("file,provider,url,captured_on,date_is_estimate,kind\n" + rows)
    return arch


def test_demo_with_a_bad_manifest_date_is_one_line(tmp_path):
    """Before: date.fromisoformat's ValueError traceback."""
    arch = _archive_with(tmp_path, f"deepseek/{DEEPSEEK.name},deepseek,{DEEPSEEK_URL},2025-12-45,false,md\n")
    env = {"TOKENPRICES_WAREHOUSE": str(tmp_path / "w.duckdb"), "TOKENPRICES_DATA_DIR": str(tmp_path / "d")}
    line = one_line(run("demo", "--archive", str(arch), env={**env, "DAGSTER_HOME": ""}))
    assert line == (f"tokenprices demo: {arch / 'manifest.csv'} line 2: captured_on '2025-12-45' is not a date "
                    "YYYY-MM-DD")


def _cost(profile, capsys) -> tuple[int, str]:
    code = cli.main(["cost", str(profile)])
    return code, capsys.readouterr().err


def _chat_profile() -> str:
    return (ROOT / "profiles" / "chat_assistant.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("fault", ["not UTF-8", "nested", "1e300 tokens", "oversized"])
def test_bad_cost_profile_is_one_line(tmp_path, capsys, fault):
    """Before: UnicodeDecodeError / RecursionError / decimal.InvalidOperation tracebacks."""
    from pipelines.cost import workload

    p = tmp_path / "profile.yaml"
    if fault == "not UTF-8":
        p.write_bytes(_chat_profile().encode("utf-8").replace(b"name: chat_assistant", b"name: chat_\xff\xfe"))
        expect = f"{p}: not UTF-8 text (invalid start byte at byte "
    elif fault == "nested":
        p.write_text("name: x\nmonthly_tokens: " + "[" * 100_000 + "]" * 100_000 + "\n")
        expect = f"{p}: nested too deeply to be a profile"
    elif fault == "1e300 tokens":
        p.write_text(re.sub(r"(?m)^  input: [0-9_]+", "  input: 1e300", _chat_profile()))
        expect = f"monthly_tokens.input is '1e300' tokens, above the cap of {workload.MAX_MONTHLY_TOKENS:,} (10^15)"
    else:
        p.write_text(_chat_profile() + "#" * workload.MAX_PROFILE_BYTES)
        expect = f"a profile is at most {workload.MAX_PROFILE_BYTES:,} bytes"
    code, err = _cost(p, capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1 and expect in err, err
