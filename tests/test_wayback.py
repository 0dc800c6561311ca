"""Archive backfill from the Internet Archive, against a local server that speaks the CDX API and serves ``id_``
captures (the 2024-04-01 OpenAI text capture stands in for the archived page)."""

from __future__ import annotations

import datetime as dt
import json

import dagster as dg
import duckdb
from pytest_httpserver import HTTPServer

from pipelines.sources.fetch import PolitePolicy, WaybackFetcher
from pipelines.sources.registry import SOURCES
from tests.conftest import PAGES

OLD = (PAGES / "openai/2024-04-01_openai-com-pricing_text.txt").read_bytes()
CDX_HEADER = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]


def serve_archive(server: HTTPServer):
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    rows = [CDX_HEADER, ["com,openai)/pricing", "20240401093000", "https://openai.com/pricing", "text/html", "200",
                         "ABCDEF", str(len(OLD))]]
    server.expect_request("/cdx/search/cdx", query_string={
        "url": "https://openai.com/pricing", "output": "json", "from": "20240401", "to": "20240401",
        "filter": "statuscode:200", "collapse": "digest"}).respond_with_data(json.dumps(rows))
    server.expect_request("/cdx/search/cdx").respond_with_data("[]")
    server.expect_request("/web/20240401093000id_/https://openai.com/pricing").respond_with_data(OLD)


def test_cdx_listing_and_capture_fetch(httpserver: HTTPServer):
    serve_archive(httpserver)
    f = WaybackFetcher(httpserver.url_for("/"), PolitePolicy(min_delay_s=0), sleep=lambda s: None)
    caps = f.captures(SOURCES["openai_pricing"], dt.date(2024, 4, 1), dt.date(2024, 4, 1))
    assert [(c.timestamp, c.original, c.digest) for c in caps] == [
        (dt.datetime(2024, 4, 1, 9, 30, tzinfo=dt.UTC), "https://openai.com/pricing", "ABCDEF")]
    [r] = f.fetch(SOURCES["openai_pricing"], dt.date(2024, 4, 1))
    assert r.body == OLD and r.url == "https://openai.com/pricing" and r.mode == "wayback"
    assert r.observed_at == dt.datetime(2024, 4, 1, 9, 30, tzinfo=dt.UTC)
    # every request went to the archive host only
    assert all(req.host.startswith("127.0.0.1") or req.host.startswith("localhost") for req, _ in httpserver.log)


def test_wayback_partition_replays_through_todays_parser(httpserver: HTTPServer, tmp_path, monkeypatch):
    """The scrape job in wayback mode: the archived 2024 page parses into gpt-4-turbo-era quotes of that day."""
    import assets.raw as raw_assets
    from assets import staging
    from pipelines.resources import FetcherResource
    from tests.conftest import replay_resources

    serve_archive(httpserver)
    monkeypatch.setattr(raw_assets, "SOURCES", {"openai_pricing": SOURCES["openai_pricing"]})
    db = tmp_path / "w.duckdb"
    res = dg.materialize(
        [raw_assets.page_snapshots, staging.price_quotes],
        partition_key="2024-04-01",
        resources=replay_resources(db, tmp_path / "d", fetcher=FetcherResource(
            mode="wayback", wayback_base=httpserver.url_for("/"), min_delay_s=0)),
        raise_on_error=False,
    )
    checks = {e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data.passed
              for e in res.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"}
    assert checks["openai_pricing_parsed"] is True
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            """SELECT observed_at, usd_per_mtok, source_url FROM staging.price_quotes
               WHERE model = 'gpt-4-0125-preview' AND price_kind = 'input' AND service_tier = 'standard'"""
        ).fetchall()
    assert [(r[0], float(r[1]), r[2]) for r in rows] == [
        (dt.datetime(2024, 4, 1, 9, 30), 10.0, "https://openai.com/pricing")]
