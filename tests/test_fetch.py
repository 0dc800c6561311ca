"""Fetch clients: replay over the bundled archive, live over real HTTP on 127.0.0.1."""

from __future__ import annotations

import datetime as dt

import pytest
from pytest_httpserver import HTTPServer

from pipelines.fetch import USER_AGENT, FetchError, LiveFetcher, ReplayFetcher
from pipelines.registry import SOURCES
from pipelines.sources.base import Source
from tests.conftest import PAGES

TODAY = dt.datetime.now(dt.UTC).date()


def test_replay_serves_captures_of_that_day_with_capture_date():
    f = ReplayFetcher(PAGES)
    [r] = f.fetch(SOURCES["anthropic_pricing"], dt.date(2026, 4, 26))
    assert r.observed_at == dt.datetime(2026, 4, 26, tzinfo=dt.UTC)
    assert r.body == (PAGES / "anthropic/2026-04-26_platform-claude-docs-pricing.html").read_bytes()
    assert r.mode == "replay" and r.content_type == "text/html"
    assert f.fetch(SOURCES["anthropic_pricing"], dt.date(2026, 4, 27)) == []


def test_replay_days_skip_estimated_dates_unless_asked():
    sources = list(SOURCES.values())
    assert ReplayFetcher(PAGES).capture_dates(sources) == [
        dt.date(2025, 12, 20), dt.date(2026, 4, 26), dt.date(2026, 4, 27), dt.date(2026, 8, 19),
    ]
    assert dt.date(2026, 8, 31) in ReplayFetcher(PAGES, include_estimated=True).capture_dates(sources)


def test_replay_without_manifest_names_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="manifest.csv"):
        ReplayFetcher(tmp_path)


def _source(server: HTTPServer, path: str = "/pricing", hosts=("127.0.0.1",)) -> Source:
    return Source(name="local", provider="x", urls=(server.url_for(path),), fmt="html", parse=None, hosts=hosts)


def test_live_fetch_over_http_sends_user_agent(httpserver: HTTPServer):
    body = (PAGES / "anthropic/2026-04-26_platform-claude-docs-pricing.html").read_bytes()
    httpserver.expect_request("/pricing", headers={"User-Agent": USER_AGENT}).respond_with_data(
        body, content_type="text/html; charset=utf-8"
    )
    [r] = LiveFetcher(timeout_s=5).fetch(_source(httpserver), TODAY)
    assert r.body == body and r.status == 200 and r.content_type.startswith("text/html")
    assert r.mode == "live" and r.observed_at.date() == TODAY


def test_live_follows_redirect_within_allowed_host(httpserver: HTTPServer):
    httpserver.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/pricing"})
    httpserver.expect_request("/pricing").respond_with_data("ok")
    [r] = LiveFetcher(timeout_s=5).fetch(_source(httpserver, "/old"), TODAY)
    assert r.body == b"ok" and r.final_url.endswith("/pricing")


def test_live_refuses_redirect_to_other_host(httpserver: HTTPServer):
    httpserver.expect_request("/pricing").respond_with_data(
        "", status=302, headers={"Location": "http://localhost:1/elsewhere"}
    )
    with pytest.raises(FetchError, match="host 'localhost' not in"):
        LiveFetcher(timeout_s=5).fetch(_source(httpserver), TODAY)


def test_live_http_error_names_url_and_status(httpserver: HTTPServer):
    httpserver.expect_request("/pricing").respond_with_data("busy", status=503)
    with pytest.raises(FetchError, match=r"/pricing: HTTP 503"):
        LiveFetcher(timeout_s=5).fetch(_source(httpserver), TODAY)


def test_live_cannot_fill_a_past_day(httpserver: HTTPServer):
    with pytest.raises(FetchError, match="only fill today's partition"):
        LiveFetcher().fetch(_source(httpserver), TODAY - dt.timedelta(days=1))
