"""Issue 15: one source's fault costs that source only, and a network wait never blocks warehouse readers.

The raw asset runs live against local sources on 127.0.0.1 (pytest-httpserver and a raw trickling socket
server); the warehouse is read from another process while a fetch is in progress.
"""

from __future__ import annotations

import datetime as dt
import gzip
import subprocess
import sys
import threading
import time

import dagster as dg
import duckdb
from pytest_httpserver import HTTPServer

from pipelines import warehouse
from pipelines.resources import DataDirResource, FetcherResource, WarehouseResource
from pipelines.sources.base import Source
from pipelines.sources.fetch import LiveFetcher, PolitePolicy
from tests.conftest import PAGES
from tests.test_faults_fetch import PAGE_HEAD, Trickler

TODAY = dt.datetime.now(dt.UTC).date()
PAGE = (PAGES / "anthropic/2026-04-26_platform-claude-docs-pricing.html").read_bytes()


class QuickLiveFetcher(FetcherResource):
    """The live fetcher with a short request deadline (the resource does not expose the deadlines)."""

    request_deadline_s: float = 2.0

    def client(self):
        return LiveFetcher(PolitePolicy(min_delay_s=0, max_attempts=1, respect_robots=False,
                                        request_deadline_s=self.request_deadline_s))


def _source(name: str, url: str) -> Source:
    return Source(name=name, provider="x", urls=(url,), fmt="html", parse=None, hosts=("127.0.0.1",))


def _materialize(monkeypatch, sources: dict, db, tmp_path, deadline: float = 2.0):
    import assets.raw as raw_assets

    monkeypatch.setattr(raw_assets, "SOURCES", sources)
    return dg.materialize(
        [raw_assets.page_snapshots],
        partition_key=TODAY.isoformat(),
        resources={
            "fetcher": QuickLiveFetcher(mode="live", request_deadline_s=deadline),
            "duckdb": WarehouseResource(database=str(db), lock_timeout_s=1),
            "data_dir": DataDirResource(path=str(tmp_path / "d")),
        },
        raise_on_error=False,
    )


def _failed(res) -> dict:
    return res.asset_materializations_for_node("raw__page_snapshots")[0].metadata["failed_sources"].value


def _stored(db) -> list:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT source, http_status, bytes FROM raw.page_snapshots ORDER BY source").fetchall()


def test_corrupt_gzip_and_a_bad_url_fail_their_source_only(httpserver: HTTPServer, tmp_path, monkeypatch):
    """Before: httpx.DecodingError (and any error but FetchError) failed the whole step; later sources were
    never fetched."""
    httpserver.expect_request("/gz").respond_with_data(
        gzip.compress(b"<html>" * 100)[:-20] + b"garbage!" * 10, headers={"Content-Encoding": "gzip"})
    httpserver.expect_request("/good").respond_with_data(PAGE, content_type="text/html")
    port = httpserver.port
    sources = {
        "gz": _source("gz", httpserver.url_for("/gz")),
        "badurl": _source("badurl", f"http://127.0.0.1:{port}:{port}/x"),  # httpx.InvalidURL
        "good": _source("good", httpserver.url_for("/good")),
    }
    db = tmp_path / "w.duckdb"
    res = _materialize(monkeypatch, sources, db, tmp_path)
    assert res.success
    failed = _failed(res)
    assert set(failed) == {"gz", "badurl"}
    assert "body cannot be decoded (Content-Encoding 'gzip')" in failed["gz"]
    assert failed["badurl"].startswith("InvalidURL:")
    assert _stored(db) == [("good", 200, len(PAGE))]


def test_trickling_server_ends_at_the_deadline_and_readers_are_not_blocked(httpserver: HTTPServer, tmp_path, monkeypatch):
    """A server trickling its page: the source fails at its deadline, the other is stored, and another process
    reads the warehouse while the fetch waits. Before: the write lock was held during fetches (the reader got
    "Could not set lock on file") and the fetch lasted as long as the server trickled (here 30 s)."""
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        warehouse.ensure_schema(con)
    trickle = Trickler(PAGE_HEAD, b"x" * 200, gap=0.1, seconds=30)  # 20 s of body; the deadline cuts it at 8 s
    httpserver.expect_request("/good").respond_with_data(PAGE, content_type="text/html")
    sources = {"slow": _source("slow", trickle.url("/pricing")), "good": _source("good", httpserver.url_for("/good"))}
    out = {}
    run = threading.Thread(target=lambda: out.setdefault("res", _materialize(monkeypatch, sources, db, tmp_path, 8.0)))
    try:
        run.start()
        while trickle.sent <= len(PAGE_HEAD) and run.is_alive():
            time.sleep(0.05)  # wait until the slow fetch is under way
        reader = subprocess.run(
            [sys.executable, "-c",
             "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
             "print(con.execute('SELECT count(*) FROM raw.page_snapshots').fetchone()[0])", str(db)],
            capture_output=True, text=True, timeout=60,
        )
        during, fetching = trickle.sent, run.is_alive()
        run.join(timeout=60)
    finally:
        trickle.close()
    assert reader.returncode == 0, reader.stderr
    assert reader.stdout.strip() == "0"
    assert fetching and len(PAGE_HEAD) < during < len(PAGE_HEAD) + 200  # the reader ran while the page trickled
    res = out["res"]
    assert res.success
    assert "no complete answer within the 8s deadline" in _failed(res)["slow"]
    assert _stored(db) == [("good", 200, len(PAGE))]


# -- a corrupt raw blob -------------------------------------------------------------------------------------------

def _replay(arch, db, data, assets):
    from dagster_duckdb import DuckDBResource

    return dg.materialize(assets, partition_key="2026-04-27", raise_on_error=False, resources={
        "fetcher": FetcherResource(mode="replay", archive_dir=str(arch)),
        "duckdb": DuckDBResource(database=str(db)),
        "data_dir": DataDirResource(path=str(data)),
    })


def _gemini_blob(db, data):
    with duckdb.connect(str(db), read_only=True) as con:
        [(sha,)] = con.execute("SELECT sha256 FROM raw.page_snapshots WHERE source = 'google_gemini_pricing'").fetchall()
    return sha, warehouse.blob_path(data, sha)


def _corrupt(path):
    path.chmod(0o644)
    body = bytearray(path.read_bytes())
    body[len(body) // 2] ^= 0xFF  # one flipped byte, as a bad disk would
    path.write_bytes(bytes(body))


def test_corrupt_blob_is_restored_from_the_capture(tmp_path):
    """Before: read_blob's ValueError failed the whole day's price_quotes, and the blob stayed corrupt."""
    import hashlib

    from assets import raw, staging
    from tests.test_checks import GEMINI, _archive, _checks

    arch, db, data = _archive(tmp_path, (PAGES / GEMINI).read_bytes()), tmp_path / "w.duckdb", tmp_path / "d"
    assert _replay(arch, db, data, [raw.page_snapshots]).success
    sha, path = _gemini_blob(db, data)
    _corrupt(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() != sha
    res = _replay(arch, db, data, [staging.price_quotes])
    assert res.success and _checks(res) == {"google_gemini_pricing_parsed": True, "openai_pricing_parsed": True,
                                            **{c: True for c in _checks(res)}}
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha  # repaired from the replay capture
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM staging.price_quotes WHERE provider = 'google'").fetchone()[0] > 100


def test_corrupt_blob_that_cannot_be_restored_fails_its_source_only(tmp_path):
    from assets import raw, staging
    from tests.test_checks import GEMINI, _archive, _checks, _problems

    arch, db, data = _archive(tmp_path, (PAGES / GEMINI).read_bytes()), tmp_path / "w.duckdb", tmp_path / "d"
    assert _replay(arch, db, data, [raw.page_snapshots]).success
    sha, path = _gemini_blob(db, data)
    _corrupt(path)
    (arch / GEMINI).write_bytes((PAGES / GEMINI).read_bytes() + b"\n")  # the capture no longer has those bytes
    res = _replay(arch, db, data, [staging.price_quotes])
    checks = _checks(res)
    assert checks["google_gemini_pricing_parsed"] is False and checks["openai_pricing_parsed"] is True
    assert any(f"raw blob {sha} is corrupt or missing, and no fresh fetch" in p
               for p in _problems(res, "google_gemini_pricing_parsed"))
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM staging.price_quotes WHERE provider = 'google'").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM staging.price_quotes WHERE provider = 'openai'").fetchone()[0] > 50
