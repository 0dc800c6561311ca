"""Raw layer: every fetched document, stored once by content hash, recorded in ``raw.page_snapshots``."""


import dataclasses
import datetime as dt
from pathlib import Path

import dagster as dg
import duckdb as duckdb_lib
from dagster_duckdb import DuckDBResource

from assets.partitions import daily_partitions  # noqa: F401 (re-exported)
from pipelines import config, warehouse
from pipelines.sources.fetch import FetchError, Validators
from pipelines.sources.registry import SOURCES
from pipelines.resources import DataDirResource, FetcherResource


def _last_snapshots(duckdb: DuckDBResource, before_network: bool) -> dict[str, dict]:
    """source -> url -> (sha256, bytes, etag, last_modified, content_type) of its latest stored snapshot.

    ``before_network`` (live and wayback fetches, not replay): a local file is read on a read-only connection of its own, closed before any fetch (the run's writing
    connection is opened after the fetches); when that cannot be opened (no file yet: nothing stored; another
    process writing, or this process holding the file: the run's own connection) the resource's is used."""
    db = str(getattr(duckdb, "database", ""))
    if before_network and db and db != ":memory:" and not config.is_remote(db):
        if not Path(db).exists():
            return {}
        try:
            con = duckdb_lib.connect(db, read_only=True)
        except duckdb_lib.Error:
            con = None
        if con is not None:
            try:
                found = warehouse.run(con, "last_snapshots").fetchall()
            except duckdb_lib.CatalogException:
                found = []  # no raw.page_snapshots yet
            finally:
                con.close()
            return _by_source(found)
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        return _by_source(warehouse.run(con, "last_snapshots").fetchall())


def _by_source(found) -> dict[str, dict]:
    latest: dict[str, dict] = {}
    for name, url, sha, n, etag, lm, ctype in found:
        latest.setdefault(name, {})[url] = (sha, n, etag, lm, ctype)
    return latest


@dg.asset(
    key=dg.AssetKey(["raw", "page_snapshots"]),
    group_name="raw",
    kinds={"python", "duckdb"},
    owners=["team:tokenprices"],
    partitions_def=daily_partitions,
    pool="duckdb_warehouse",
    description=__doc__,
)
def page_snapshots(
    context: dg.AssetExecutionContext,
    fetcher: FetcherResource,
    duckdb: DuckDBResource,
    data_dir: DataDirResource,
) -> dg.MaterializeResult:
    """Fetch every source's pages for the partition's UTC day (live: now; replay: the captures of that day).

    Each body goes to ``<data_dir>/raw/<sha[:2]>/<sha256>`` once; each fetch is a row of
    ``raw.page_snapshots`` (re-running the same fetch adds nothing). A source whose fetch fails is logged,
    recorded in the metadata and left out; the others are still stored. The run fails when every attempted
    fetch failed.
    """
    day = dt.date.fromisoformat(context.partition_key)
    client = fetcher.client()
    root = data_dir.root()
    stored, failed, rows = 0, {}, []
    # Every fetch happens before the warehouse is opened for writing: a slow server (each live request and
    # source has a deadline, pipelines/sources/fetch.py) never holds the DuckDB write lock, so readers
    # (`tokenprices sql`, `latest`, the UI) are not blocked by a network wait.
    latest = _last_snapshots(duckdb, before_network=client.mode != "replay")  # read once, for every source
    fetched: dict[str, list] = {}
    for source in SOURCES.values():
        last = latest.get(source.name, {})
        validators = {u: Validators(etag=v[2], last_modified=v[3]) for u, v in last.items() if v[2] or v[3]}
        try:
            fetched[source.name] = client.fetch(source, day, validators)
        except Exception as exc:  # noqa: BLE001 - any error in one source's fetch costs that source only
            why = str(exc) if isinstance(exc, FetchError) else f"{type(exc).__name__}: {exc}"
            context.log.error(f"{source.name}: {why}")
            failed[source.name] = why
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        for name, results in fetched.items():
            last = latest.get(name, {})
            for r in results:
                if r.status == 304:
                    if r.url not in last:
                        context.log.error(f"{name}: 304 for {r.url} but no stored snapshot to reuse")
                        failed[name] = f"304 without a stored snapshot: {r.url}"
                        continue
                    sha, n, _, _, ctype = last[r.url]
                    r = dataclasses.replace(
                        r, content_type=r.content_type or ctype, etag=r.etag or last[r.url][2],
                        last_modified=r.last_modified or last[r.url][3],
                    )
                    context.log.info(f"{r.source}: {r.url} 304 unchanged, reusing sha256 {sha[:12]}")
                else:
                    try:
                        sha, n = warehouse.store_blob(root, r.body), len(r.body)
                    except OSError as exc:  # a full or read-only disk: this document is not stored
                        context.log.error(f"{name}: cannot store {r.url}: {exc}")
                        failed[name] = f"cannot store {r.url}: {exc}"
                        continue
                warehouse.run(
                    con,
                    "insert_page_snapshot",
                    {
                        "partition_date": day,
                        "source": r.source,
                        "url": r.url,
                        "final_url": r.final_url,
                        "fetched_at": r.fetched_at.astimezone(dt.UTC).replace(tzinfo=None),
                        "fetch_mode": r.mode,
                        "http_status": r.status,
                        "content_type": r.content_type,
                        "bytes": n,
                        "sha256": sha,
                        "capture_file": r.capture,
                        "etag": r.etag,
                        "last_modified": r.last_modified,
                    },
                )
                stored += 1
                rows.append((r.source, r.url, n, sha[:12]))
                if r.status != 304:
                    context.log.info(f"{r.source}: {r.url} {n:,} bytes sha256 {sha[:12]}")
        total = warehouse.run(con, "partition_snapshot_count", {"partition_date": day}).fetchone()[0]
    if failed and not stored:
        raise dg.Failure(description=f"every fetch failed for {day}",
                         metadata={"failed_sources": dg.MetadataValue.json(failed)})
    table = "\n".join(f"| {s} | {u} | {b:,} | `{h}` |" for s, u, b, h in rows) or "| (none) | | | |"
    return dg.MaterializeResult(
        metadata={
            "fetch_mode": client.mode,
            "documents_fetched": stored,
            "dagster/row_count": total,
            "failed_sources": dg.MetadataValue.json(failed),
            "preview": dg.MetadataValue.md("| source | url | bytes | sha256 |\n|---|---|---|---|\n" + table),
        }
    )
