"""Polite live fetching, over real HTTP on 127.0.0.1 with injected faults.

The fetcher's sleep is recorded instead of slept, so backoff and Retry-After are asserted, not waited for.
"""

from __future__ import annotations

import datetime as dt
import gzip
import socket
import threading
import time

import dagster as dg
import duckdb
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from pipelines.sources.fetch import USER_AGENT, FetchError, LiveFetcher, PolitePolicy, Validators
from pipelines.sources.base import Source
from tests.conftest import PAGES

TODAY = dt.datetime.now(dt.UTC).date()
PAGE = (PAGES / "anthropic/2026-04-26_platform-claude-docs-pricing.html").read_bytes()


class Sleeps(list):
    def __call__(self, s: float) -> None:
        self.append(s)


def fetcher(**policy) -> tuple[LiveFetcher, Sleeps]:
    sleeps = Sleeps()
    defaults = {"timeout_s": 2, "min_delay_s": 0, "backoff_initial_s": 1, "backoff_max_s": 8}
    return LiveFetcher(PolitePolicy(**{**defaults, **policy}), sleep=sleeps), sleeps


def source(server: HTTPServer, *paths: str, name: str = "local") -> Source:
    return Source(name=name, provider="x", urls=tuple(server.url_for(p) for p in paths or ("/pricing",)),
                  fmt="html", parse=None, hosts=("127.0.0.1",))


@pytest.fixture()
def server(httpserver: HTTPServer):
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    return httpserver


def test_capture_served_with_project_user_agent(server):
    server.expect_request("/pricing", headers={"User-Agent": USER_AGENT}).respond_with_data(PAGE, content_type="text/html")
    [r] = fetcher()[0].fetch(source(server), TODAY)
    assert r.body == PAGE and r.status == 200 and "+https://" in USER_AGENT


def test_429_retry_after_is_honoured(server):
    server.expect_oneshot_request("/pricing").respond_with_data("slow down", status=429, headers={"Retry-After": "7"})
    server.expect_oneshot_request("/pricing").respond_with_data(PAGE)
    f, sleeps = fetcher()
    [r] = f.fetch(source(server), TODAY)
    assert r.body == PAGE and sleeps == [7.0]


def test_503_backs_off_exponentially_with_jitter_then_succeeds(server):
    for _ in range(2):
        server.expect_oneshot_request("/pricing").respond_with_data("busy", status=503)
    server.expect_oneshot_request("/pricing").respond_with_data(PAGE)
    f, sleeps = fetcher()
    [r] = f.fetch(source(server), TODAY)
    assert r.body == PAGE
    assert len(sleeps) == 2 and 0 <= sleeps[0] <= 2 and 0 <= sleeps[1] <= 4  # random in [0, 1*2^n]


def test_persistent_503_gives_up_naming_url(server):
    server.expect_request("/pricing").respond_with_data("busy", status=503)
    f, sleeps = fetcher(max_attempts=3)
    with pytest.raises(FetchError, match=r"/pricing: gave up after 3 attempts: HTTP 503"):
        f.fetch(source(server), TODAY)
    assert len(sleeps) == 2


def test_retry_after_too_long_fails_instead_of_stalling(server):
    server.expect_request("/pricing").respond_with_data("", status=503, headers={"Retry-After": "86400"})
    with pytest.raises(FetchError, match="retry after 86400s"):
        fetcher()[0].fetch(source(server), TODAY)


def test_timeout_is_retried_then_reported(server):
    def slow(_request):
        time.sleep(1.0)
        return Response("late")

    server.expect_request("/pricing").respond_with_handler(slow)
    f, sleeps = fetcher(timeout_s=0.2, max_attempts=2)
    with pytest.raises(FetchError, match="ReadTimeout"):
        f.fetch(source(server), TODAY)
    assert len(sleeps) == 1


def test_oversized_body_refused_by_content_length(server):
    server.expect_request("/pricing").respond_with_data(b"x" * 5000)
    with pytest.raises(FetchError, match="5,000 bytes exceeds the limit of 1,000"):
        fetcher(max_bytes=1000)[0].fetch(source(server), TODAY)


def test_oversized_after_decompression_refused(server):
    bomb = gzip.compress(b"0" * 200_000)  # ~200 bytes on the wire
    server.expect_request("/pricing").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="after decompression"):
        fetcher(max_bytes=10_000)[0].fetch(source(server), TODAY)


def test_redirect_to_another_host_refused(server):
    server.expect_request("/pricing").respond_with_data("", status=302, headers={"Location": "http://localhost:9/x"})
    with pytest.raises(FetchError, match="host 'localhost' not in"):
        fetcher()[0].fetch(source(server), TODAY)


def test_robots_disallow_is_obeyed(httpserver: HTTPServer):
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /pricing\n")
    httpserver.expect_request("/pricing").respond_with_data(PAGE)
    with pytest.raises(FetchError, match="disallowed by robots.txt"):
        fetcher()[0].fetch(source(httpserver), TODAY)
    assert all(req.path != "/pricing" for req, _ in httpserver.log)


class _StillClock:
    """Stands in for the ``time`` module of pipelines.sources.fetch: ``monotonic()`` does not move, so the pause
    between two requests is the whole crawl delay however long the requests took (no wall-clock threshold)."""

    def __getattr__(self, name):
        return getattr(time, name)

    @staticmethod
    def monotonic() -> float:
        return 1000.0


def test_robots_crawl_delay_spaces_requests_to_one_host(httpserver: HTTPServer, monkeypatch):
    from pipelines.sources import fetch

    monkeypatch.setattr(fetch, "time", _StillClock())
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nCrawl-delay: 5\n")
    httpserver.expect_request("/a").respond_with_data("a")
    httpserver.expect_request("/b").respond_with_data("b")
    f, sleeps = fetcher()
    f.fetch(source(httpserver, "/a", "/b"), TODAY)
    assert len(sleeps) == 1 and 4.9 < sleeps[0] <= 5
    assert sleeps == [5.0]


def test_unchanged_page_costs_a_304(server):
    server.expect_request("/pricing", headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    f, _ = fetcher()
    [r] = f.fetch(source(server), TODAY, {server.url_for("/pricing"): Validators(etag='"v1"')})
    assert r.status == 304 and r.body == b""


def _truncating_server():
    """A raw HTTP server that promises 10,000 bytes and closes after 100."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)

    def serve():
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10000\r\nContent-Type: text/html\r\n\r\n" + b"x" * 100)
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    return sock


def test_truncated_body_is_an_error_not_a_short_page():
    sock = _truncating_server()
    try:
        port = sock.getsockname()[1]
        src = Source(name="t", provider="x", urls=(f"http://127.0.0.1:{port}/pricing",), fmt="html", parse=None,
                     hosts=("127.0.0.1",))
        f, sleeps = fetcher(max_attempts=2, respect_robots=False)
        with pytest.raises(FetchError, match="RemoteProtocolError|incomplete"):
            f.fetch(src, TODAY)
    finally:
        sock.close()


def test_live_cannot_fill_a_past_day(server):
    with pytest.raises(FetchError, match="only fill today's partition"):
        fetcher()[0].fetch(source(server), TODAY - dt.timedelta(days=1))


def test_one_failing_source_does_not_stop_the_others(server, tmp_path, monkeypatch):
    """The raw asset, live, against two local sources: one serves the page, one answers 503 every time."""
    import assets.raw as raw_assets
    from pipelines.resources import FetcherResource
    from tests.conftest import replay_resources

    server.expect_request("/good").respond_with_data(PAGE, content_type="text/html")
    server.expect_request("/bad").respond_with_data("down", status=503)
    monkeypatch.setattr(raw_assets, "SOURCES", {
        "good": source(server, "/good", name="good"), "bad": source(server, "/bad", name="bad"),
    })
    db = tmp_path / "w.duckdb"
    res = dg.materialize(
        [raw_assets.page_snapshots],
        partition_key=TODAY.isoformat(),
        resources=replay_resources(db, tmp_path / "d",
                                   fetcher=FetcherResource(mode="live", min_delay_s=0, max_attempts=1)),
    )
    assert res.success
    meta = res.asset_materializations_for_node("raw__page_snapshots")[0].metadata
    assert "bad" in meta["failed_sources"].value and "HTTP 503" in meta["failed_sources"].value["bad"]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT source, http_status, bytes FROM raw.page_snapshots").fetchall() == [("good", 200, len(PAGE))]
