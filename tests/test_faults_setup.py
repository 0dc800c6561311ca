"""Issue 15 (9): the README's DAGSTER_HOME command works, the CLI's hint is absolute, and the DuckDB pin matches
the storage version the warehouse is written in."""

from __future__ import annotations

import re
import tomllib

import duckdb

from pipelines import config
from pipelines.cli import replay
from tests.conftest import ROOT


def test_relative_dagster_home_is_made_absolute(tmp_path, monkeypatch):
    """Before: `DAGSTER_HOME=.dagster_home tokenprices backfill …` (the README's command) crashed in Dagster
    with "must be an absolute path"."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DAGSTER_HOME", ".dagster_home")
    instance = replay.dagster_instance()
    try:
        assert instance.root_directory == str(tmp_path / ".dagster_home")
    finally:
        instance.dispose()


def test_docs_and_hint_give_an_absolute_dagster_home(monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert not re.search(r"DAGSTER_HOME=\.", readme)  # before: `DAGSTER_HOME=.dagster_home .venv/bin/tokenprices …`
    assert 'DAGSTER_HOME="$PWD/.dagster_home" .venv/bin/tokenprices' in readme
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    replay.dagster_instance().dispose()
    assert f"set DAGSTER_HOME={config.ROOT / '.dagster_home'})" in capsys.readouterr().err


def test_duckdb_pin_matches_the_storage_version_written(tmp_path):
    """Before: `duckdb>=1.2` while the file needs DuckDB 2.x (a 1.4 client could not open it)."""
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    [pin] = [d for d in deps if re.match(r"duckdb\b", d)]
    assert pin == "duckdb>=2.0,<3"
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:  # as the warehouse resource opens it
        con.execute("CREATE TABLE t AS SELECT 1")
        [(tags,)] = con.execute("SELECT tags FROM duckdb_databases() WHERE database_name = 'w'").fetchall()
    assert tags["storage_version"] == "v2.0.0+"
    assert duckdb.__version__.split(".")[0] == "2"
    assert "storage format v2.0.0" in (ROOT / "README.md").read_text(encoding="utf-8")
