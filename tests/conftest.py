"""Shared fixtures: paths of the bundled real data, and one warehouse built by the real pipeline.

How a test gets a warehouse (a build by the real pipeline costs ~30 s on 2 cores, a copy about a second):

- to read it: ``wh`` (a read-only connection) or ``built`` (DuckDB file, data folder, run results, instance),
  built once per session;
- to change it or run assets on it: ``copy_warehouse(built, tmp_path)``, a writable copy;
- for a scenario of its own (a broken capture, a few days): ``dg.materialize`` of the assets it needs with
  ``replay_resources(db, data_dir, archive=...)`` over a small archive, never the whole pipeline;
- several tests of one file on the same scenario: one ``scope="module"`` fixture that builds it once.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_duckdb import DuckDBResource

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "seed" / "pages"


def replay_resources(db: Path, data_dir: Path, *, archive: Path = PAGES, fetcher=None, duckdb=None) -> dict:
    """The Dagster resources of a test run, the one copy every test uses: the DuckDB file ``db``, the data folder
    ``data_dir``, and a fetcher replaying ``archive`` (the bundled captures unless given). ``fetcher`` (a
    FetcherResource in live or wayback mode) and ``duckdb`` (e.g. a WarehouseResource with a short lock timeout)
    replace the defaults."""
    from pipelines.resources import DataDirResource, FetcherResource

    return {
        "fetcher": fetcher or FetcherResource(mode="replay", archive_dir=str(archive)),
        "duckdb": duckdb or DuckDBResource(database=str(db)),
        "data_dir": DataDirResource(path=str(data_dir)),
    }


@pytest.fixture()
def resources(tmp_path) -> dict:
    """:func:`replay_resources` of the bundled captures on a fresh DuckDB file and data folder in ``tmp_path``."""
    return replay_resources(tmp_path / "w.duckdb", tmp_path / "d")


def build_warehouse(db: Path, data_dir: Path, instance: dg.DagsterInstance) -> list[dg.ExecuteInJobResult]:
    """Run the real pipeline on the bundled captures: scrape every replay day, then history/marts/forecasts."""
    from assets import raw, staging
    from pipelines.sources.fetch import ReplayFetcher
    from pipelines.sources.registry import SOURCES

    res = replay_resources(db, data_dir)
    results = []
    for day in ReplayFetcher(PAGES).capture_dates(list(SOURCES.values())):
        results.append(
            dg.materialize(
                [raw.page_snapshots, staging.price_quotes],
                partition_key=day.isoformat(),
                resources=res,
                instance=instance,
            )
        )
    # everything else: importers, marts, forecasts (what warehouse_job runs)
    from pipelines.definitions import ALL_ASSETS

    rest = [a for a in ALL_ASSETS if a.partitions_def is None]
    results.append(dg.materialize(rest, resources=res, instance=instance))
    return results


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """(db path, data dir, run results, instance) of a warehouse built once by the real pipeline."""
    tmp = tmp_path_factory.mktemp("warehouse")
    db, data_dir = tmp / "tokenprices.duckdb", tmp / "data"
    instance = dg.DagsterInstance.ephemeral()
    results = build_warehouse(db, data_dir, instance)
    return db, data_dir, results, instance


def copy_warehouse(built, dest: Path) -> tuple[Path, Path]:
    """A writable copy of the ``built`` warehouse in ``dest``: (DuckDB file, data folder with the raw blobs and the
    lake). For a test that changes or re-runs a built warehouse: a copy costs a second, a build ~30 s."""
    import shutil

    db, data_dir = dest / "tokenprices.duckdb", dest / "data"
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(built[0], db)
    shutil.copytree(built[1], data_dir)
    return db, data_dir


@pytest.fixture()
def wh(built):
    """A read-only connection to the built warehouse."""
    con = duckdb.connect(str(built[0]), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def httpserver_listen_address():
    """pytest-httpserver on 127.0.0.1 (never anything but loopback), any free port."""
    return ("127.0.0.1", 0)
