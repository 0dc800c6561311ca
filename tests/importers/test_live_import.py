"""Live dataset import over real HTTP on 127.0.0.1: the same polite client, the same reader as the bundled copy."""

from __future__ import annotations

import datetime as dt

from pytest_httpserver import HTTPServer

from pipelines.sources.fetch import PolitePolicy
from pipelines.history.importers import genai_prices, live
from tests.conftest import ROOT

FEED = (ROOT / "seed" / "genai_prices" / "data_v2.json").read_bytes()


def test_genai_prices_feed_fetched_and_read(httpserver: HTTPServer):
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    httpserver.expect_request("/prices/new_data/v2/data.json").respond_with_data(FEED, content_type="application/json")
    folder, today = live.genai_prices_live(PolitePolicy(min_delay_s=0), url=httpserver.url_for("/prices/new_data/v2/data.json"))
    assert (folder / "data_v2.json").read_bytes() == FEED
    rows = genai_prices.read_runs(folder, as_of=today, commit="main")
    bundled = genai_prices.read_runs(ROOT / "seed" / "genai_prices")
    assert len(rows) == len(bundled) > 3000
    assert today == dt.datetime.now(dt.UTC).date()


def test_robots_disallow_stops_a_live_import(httpserver: HTTPServer):
    import pytest

    from pipelines.sources.fetch import FetchError

    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /\n")
    with pytest.raises(FetchError, match="robots.txt"):
        live.genai_prices_live(PolitePolicy(min_delay_s=0), url=httpserver.url_for("/data.json"))
