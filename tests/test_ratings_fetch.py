"""The LMArena ratings importer over real HTTP on 127.0.0.1, serving the leaderboard CSV as it is published.

The file served is ``lmarena_text_2025-08-04.csv`` of the shared capability folder: ``csv/lmarena_text.csv`` of
fboulnois/llm-leaderboard-csv copied verbatim at commit e964e252a171a83b8bf189675ca01406d86bc810 (leaderboard
version 2025-08-04, 266 rows; see that folder's README.md). It is LMArena's data and not shipped: read from the
folder at test time (``TOKENPRICES_CAPABILITY_DIR`` or ``../shared/data/capability``); the tests skip without it.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pipelines.forecast import capability, ratings_fetch
from pipelines.sources.fetch import FetchError, LiveFetcher, PolitePolicy
from tests.conftest import ROOT

CAPABILITY_DIR = Path(os.environ.get("TOKENPRICES_CAPABILITY_DIR") or ROOT.parent / "shared" / "data" / "capability")
PUBLISHED = CAPABILITY_DIR / "lmarena_text_2025-08-04.csv"
pytestmark = pytest.mark.skipif(not PUBLISHED.is_file(), reason=f"LMArena CSV (not shipped) not found: {PUBLISHED}")


class _Leaderboard(BaseHTTPRequestHandler):
    """robots.txt disallowing /private/; the CSV answering 503 once (a retry must follow), then the file; an HTML
    page where a CSV was expected."""

    def do_GET(self):  # noqa: N802 (http.server's naming)
        srv = self.server
        srv.seen.append(self.path)
        if self.path == "/robots.txt":
            body, status, ctype = b"User-agent: *\nDisallow: /private/\n", 200, "text/plain"
        elif self.path in ("/csv/lmarena_text.csv", "/private/lmarena_text.csv"):
            if srv.fail_first and self.path not in srv.failed:
                srv.failed.add(self.path)
                body, status, ctype = b"busy", 503, "text/plain"
            else:
                body, status, ctype = PUBLISHED.read_bytes(), 200, "text/csv; charset=utf-8"
        elif self.path == "/moved.html":
            body, status, ctype = b"<html><body>This page has moved</body></html>", 200, "text/html"
        else:
            body, status, ctype = b"not found", 404, "text/plain"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if status == 503:
            self.send_header("Retry-After", "0")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Leaderboard)
    srv.seen, srv.failed, srv.fail_first = [], set(), True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv, f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def _fetcher() -> LiveFetcher:
    # the project's polite client as a live run uses it; no pause between requests to the local server
    return LiveFetcher(PolitePolicy(min_delay_s=0, backoff_initial_s=0.01, backoff_max_s=0.05, timeout_s=5),
                       sleep=lambda s: None)


def test_fetch_stores_the_published_csv_with_its_provenance(server, tmp_path):
    srv, base = server
    url = f"{base}/csv/lmarena_text.csv"
    published = PUBLISHED.read_bytes()
    snap = ratings_fetch.fetch_snapshot(url, tmp_path, _fetcher())
    # robots.txt asked first; the 503 retried (tenacity), then the file
    assert srv.seen == ["/robots.txt", "/csv/lmarena_text.csv", "/csv/lmarena_text.csv"]
    today = dt.datetime.now(dt.UTC).date()
    assert snap.file == tmp_path / f"lmarena_text_{today}.csv" and snap.stored
    assert snap.file.read_bytes() == published  # verbatim
    assert snap.sha256 == hashlib.sha256(published).hexdigest() and snap.bytes == len(published)
    assert snap.rows == 266  # the README of the shared folder: 266 rows in leaderboard version 2025-08-04
    with (tmp_path / "provenance.csv").open(newline="") as f:
        [row] = list(csv.DictReader(f))
    assert row["url"] == url and row["final_url"] == url and row["sha256"] == snap.sha256
    assert row["fetched_at"].startswith(str(today)) and row["fetched_at"].endswith("Z")
    assert (row["file"], row["rows"], row["stored"]) == (snap.file.name, "266", "True")

    # the folder feeds the cheapest-at-capability series as a given folder does: values read off the file
    ratings = capability.load_ratings(tmp_path)
    top = ratings[ratings["model"] == "Gemini-2.5-Pro"].iloc[0]
    assert (top["version"], top["organization"], top["score"]) == (today, "Google", 1470)  # line 2 of the CSV
    gpt4o = ratings[ratings["model"] == "GPT-4o-2024-05-13"]["score"].item()
    assert gpt4o == 1302  # a threshold reference of capability.DEFAULT_THRESHOLDS, rated in this snapshot

    # the same bytes again: no second snapshot file, one more provenance row
    again = ratings_fetch.fetch_snapshot(url, tmp_path, _fetcher())
    assert not again.stored and again.file == snap.file
    assert sorted(p.name for p in tmp_path.glob("lmarena_text_*.csv")) == [snap.file.name]
    assert [r["stored"] for r in ratings_fetch.stored_snapshots(tmp_path)] == ["True", "False"]


def test_robots_disallow_and_a_wrong_format_store_nothing(server, tmp_path):
    srv, base = server
    with pytest.raises(FetchError, match="robots.txt"):
        ratings_fetch.fetch_snapshot(f"{base}/private/lmarena_text.csv", tmp_path, _fetcher())
    assert "/private/lmarena_text.csv" not in srv.seen
    with pytest.raises(ValueError, match=r"moved.html: not the LMArena leaderboard CSV: columns \['model', "):
        ratings_fetch.fetch_snapshot(f"{base}/moved.html", tmp_path, _fetcher())
    assert list(tmp_path.iterdir()) == []


def test_check_format_names_the_bad_line():
    body = b"rank,model,arena_score,organization\n1,A,1300,X\n2,B,n/a,Y\n"
    with pytest.raises(ValueError, match=r"line 3: arena_score 'n/a' is not a number"):
        ratings_fetch.check_format(body, "u")
    assert ratings_fetch.check_format(b"model,organization,arena_score\nA,X,1300\n", "u") == 1
