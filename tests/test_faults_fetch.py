"""Issue 15: hostile or absent servers cost one source, within a deadline, and are reported for what they are.

Real HTTP on 127.0.0.1: raw-socket servers that trickle, hang or send garbage (no network beyond loopback; the
offline case makes name resolution fail the way it does on a machine without network).
"""

from __future__ import annotations

import datetime as dt
import gzip
import socket
import threading
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from pipelines.sources.base import Source
from pipelines.sources.fetch import FetchError, LiveFetcher, PolitePolicy

TODAY = dt.datetime.now(dt.UTC).date()


class Trickler:
    """A raw HTTP server on 127.0.0.1 that answers every connection with ``head`` then ``body`` one byte every
    ``gap`` seconds (at most ``seconds`` long), counting the bytes it managed to send."""

    def __init__(self, head: bytes, body: bytes, gap: float = 0.2, seconds: float = 30.0, trickle_head: bool = False):
        self.head, self.body, self.gap, self.seconds, self.trickle_head = head, body, gap, seconds, trickle_head
        self.sent = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        end = time.monotonic() + self.seconds
        try:
            conn.recv(65536)
            data = self.head + self.body
            if not self.trickle_head:
                conn.sendall(self.head)
                self.sent += len(self.head)
                data = self.body
            for b in data:
                if time.monotonic() > end:
                    break
                conn.sendall(bytes([b]))
                self.sent += 1
                time.sleep(self.gap)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self.sock.close()


def fetcher(**policy) -> LiveFetcher:
    defaults = {"timeout_s": 5, "min_delay_s": 0, "backoff_initial_s": 0, "backoff_max_s": 0, "max_attempts": 1}
    return LiveFetcher(PolitePolicy(**{**defaults, **policy}), sleep=lambda s: None)


def src(*urls: str, hosts=("127.0.0.1",)) -> Source:
    return Source(name="t", provider="x", urls=urls, fmt="html", parse=None, hosts=hosts)


PAGE_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 200\r\n\r\n"


@pytest.fixture()
def trickling_body():
    t = Trickler(PAGE_HEAD, b"x" * 200)  # 200 bytes at 5 a second: 40 s, cut at 30 s
    yield t
    t.close()


def test_trickled_body_ends_at_the_request_deadline(trickling_body):
    """Before: httpx's timeout is per read, so this fetch lasted as long as the server (30 s) and succeeded."""
    f = fetcher(request_deadline_s=1.5, respect_robots=False)
    with pytest.raises(FetchError, match=r"no complete answer within the 2s deadline"):
        f.fetch(src(trickling_body.url("/pricing")), TODAY)
    assert trickling_body.sent < len(PAGE_HEAD) + 40  # cut after ~1.5 s of 200 bytes


def test_trickled_headers_end_at_the_request_deadline():
    t = Trickler(PAGE_HEAD, b"x" * 200, trickle_head=True)
    try:
        with pytest.raises(FetchError, match="deadline"):
            fetcher(request_deadline_s=1.0, respect_robots=False).fetch(src(t.url("/pricing")), TODAY)
        assert t.sent < len(PAGE_HEAD)  # the status line and headers never finished
    finally:
        t.close()


def test_source_deadline_bounds_all_its_urls_and_retries(trickling_body):
    """Each request alone is within its (long) deadline; the source as a whole is not."""
    f = fetcher(request_deadline_s=60, source_deadline_s=1.5, max_attempts=4, respect_robots=False)
    urls = [trickling_body.url(f"/p{i}") for i in range(3)]
    with pytest.raises(FetchError, match=r"/p0: .*deadline"):
        f.get_urls(src(*urls), urls)
    assert trickling_body.sent < len(PAGE_HEAD) + 40


def test_trickled_robots_txt_is_a_deadline_not_a_disallow():
    t = Trickler(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 400\r\n\r\n",
                 b"User-agent: *\nAllow: /\n" + b"#" * 376)
    try:
        f = fetcher(request_deadline_s=1.0)
        with pytest.raises(FetchError, match=r"robots.txt: no complete answer within") as err:
            f.fetch(src(t.url("/pricing")), TODAY)
        assert "disallowed" not in str(err.value)
    finally:
        t.close()


def test_huge_robots_txt_is_read_up_to_its_cap(httpserver: HTTPServer):
    """A 200 MiB robots.txt: the first 500 KiB are parsed (RFC 9309 2.5), the rest is never downloaded."""
    served = []

    def huge(_request):
        def chunks():
            yield b"User-agent: *\nAllow: /\n"
            for _ in range(200 * 16):  # 200 MiB of comments
                served.append(1)
                yield b"#" * 65536 + b"\n"
        return Response(chunks(), content_type="text/plain")

    httpserver.expect_request("/robots.txt").respond_with_handler(huge)
    httpserver.expect_request("/pricing").respond_with_data("<html>ok</html>", content_type="text/html")
    [r] = fetcher().fetch(src(httpserver.url_for("/pricing")), TODAY)
    assert r.body == b"<html>ok</html>"
    assert len(served) < 100  # at most a few MiB left the server (socket buffers), not 200 MiB


def test_corrupt_gzip_is_a_fetch_error_naming_the_encoding(httpserver: HTTPServer):
    """Before: httpx.DecodingError escaped the fetcher and failed the whole page_snapshots step."""
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    httpserver.expect_request("/pricing").respond_with_data(
        gzip.compress(b"<html>" * 100)[:-20] + b"garbage!" * 10, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match=r"/pricing: body cannot be decoded \(Content-Encoding 'gzip'\)"):
        fetcher().fetch(src(httpserver.url_for("/pricing")), TODAY)


def test_offline_is_said_once_per_host_and_robots_is_not_called_disallowed(monkeypatch):
    """No network: name resolution fails. Before: "disallowed by robots.txt" for every URL."""
    lookups = []

    def offline(host, *args, **kwargs):
        lookups.append(host)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", offline)
    f = fetcher(max_attempts=3)
    a = src("https://docs.example.test/a", hosts=("docs.example.test",))
    with pytest.raises(FetchError) as first:
        f.fetch(a, TODAY)
    assert "cannot resolve docs.example.test (DNS lookup failed: no network?)" in str(first.value)
    assert "disallowed" not in str(first.value)
    with pytest.raises(FetchError, match="docs.example.test was unreachable earlier in this run") as second:
        f.get_urls(a, ["https://docs.example.test/b"])
    assert "disallowed" not in str(second.value)
    assert lookups == ["docs.example.test"]  # one attempt at the host, then it is known to be unreachable


def test_refused_connection_says_so_once_per_host():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    f = fetcher(max_attempts=2)
    with pytest.raises(FetchError, match=r"cannot connect to 127\.0\.0\.1 \(network down or host unreachable\?\)"):
        f.fetch(src(f"http://127.0.0.1:{port}/a"), TODAY)
    with pytest.raises(FetchError, match="unreachable earlier in this run"):
        f.fetch(src(f"http://127.0.0.1:{port}/b"), TODAY)


def test_robots_txt_server_error_says_why_the_site_counts_as_disallowed(httpserver: HTTPServer):
    httpserver.expect_request("/robots.txt").respond_with_data("down", status=503)
    with pytest.raises(FetchError, match=r"robots.txt answered HTTP 503, and a robots.txt that cannot be read disallows"):
        fetcher().fetch(src(httpserver.url_for("/pricing")), TODAY)
    assert all(req.path != "/pricing" for req, _ in httpserver.log)


def test_replayed_capture_over_the_size_cap_is_refused(tmp_path):
    """Before: a 50 MB capture was replayed (40 s, 1.36 GB, 55,932 duplicate quotes)."""
    from pipelines.sources.fetch import ReplayFetcher
    from pipelines.sources.registry import SOURCES
    from tests.conftest import PAGES

    page = PAGES / "deepseek/2025-12-20_quick-start-pricing_en.md"
    (tmp_path / "big.md").write_bytes(page.read_bytes())
    with (tmp_path / "big.md").open("r+b") as fh:
        fh.truncate(50 * 10**6)
    (tmp_path / "manifest.csv").write_text("file,provider,url,captured_on,date_is_estimate,kind\n"
                                           "big.md,deepseek,https://api-docs.deepseek.com/quick_start/pricing,"
                                           "2025-12-20,false,crawler markdown\n")
    with pytest.raises(FetchError, match=r"big.md: capture of 50,000,000 bytes exceeds the limit of 20,971,520"):
        ReplayFetcher(tmp_path).fetch(SOURCES["deepseek_pricing"], dt.date(2025, 12, 20))
