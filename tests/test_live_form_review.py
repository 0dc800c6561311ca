"""A live page of a source whose live form is unproven, that its parser cannot read: stored and listed for review.

Cohere's parser was written on a crawler Markdown capture, while its live URL serves the site's HTML, of which no
capture exists (``live form: unproven``). Its first live fetch must not fail silently nor block the night: the body
is stored in the raw layer, the parse run is ``review``, and the non-blocking layout-drift check lists it. Served
here over real HTTP on 127.0.0.1: a real HTML capture (Mistral's pricing page) in place of the unknown live page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from pytest_httpserver import HTTPServer

from pipelines.sources.registry import SOURCES, live_form_unproven
from tests.conftest import PAGES

TODAY = dt.datetime.now(dt.UTC).date()
HTML = (PAGES / "mistral/2026-07-27_mistral-pricing-api.html").read_bytes()


def _run(httpserver: HTTPServer, tmp_path, monkeypatch, name: str):
    import assets.raw as raw_assets
    import assets.staging as staging
    from pipelines.resources import DataDirResource, FetcherResource

    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    httpserver.expect_request("/pricing").respond_with_data(HTML, content_type="text/html")
    local = dataclasses.replace(SOURCES[name], urls=(httpserver.url_for("/pricing"),), archive_urls=(),
                                hosts=("127.0.0.1",))
    monkeypatch.setattr(raw_assets, "SOURCES", {name: local})
    monkeypatch.setattr(staging, "SOURCES", {name: local})
    db = tmp_path / "w.duckdb"
    selection = (dg.AssetSelection.assets(raw_assets.page_snapshots)
                 | dg.AssetSelection.assets(staging.PRICE_QUOTES).without_checks()
                 | dg.AssetSelection.checks(*staging.check_keys([name])))
    res = dg.materialize(
        [raw_assets.page_snapshots, staging.price_quotes],
        selection=selection,
        partition_key=TODAY.isoformat(),
        resources={
            "fetcher": FetcherResource(mode="live", min_delay_s=0, max_attempts=1),
            "duckdb": DuckDBResource(database=str(db)),
            "data_dir": DataDirResource(path=str(tmp_path / "d")),
        },
        raise_on_error=False,
    )
    return res, db


def test_unproven_live_form_is_stored_and_reported_for_review(httpserver, tmp_path, monkeypatch):
    assert live_form_unproven(SOURCES["cohere_pricing"])
    res, db = _run(httpserver, tmp_path, monkeypatch, "cohere_pricing")
    assert res.success
    checks = {e.check_name: e for e in res.get_asset_check_evaluations()}
    assert checks["cohere_pricing_parsed"].passed  # not blocking
    drift = checks["cohere_pricing_layout_drift"]
    assert not drift.passed and drift.severity == dg.AssetCheckSeverity.WARN
    detail = drift.metadata["detail"].value
    assert [d["kind"] for d in detail] == ["live_form_review"] and "no prices found" in detail[0]["text"]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT bytes FROM raw.page_snapshots").fetchall() == [(len(HTML),)]
        status, n, raw_detail = con.execute("SELECT status, n_quotes, detail FROM staging.parse_runs").fetchone()
    assert (status, n) == ("review", 0)
    assert json.loads(raw_detail)[0]["kind"] == "live_form_review"


def test_proven_live_form_that_fails_still_blocks(httpserver, tmp_path, monkeypatch):
    """A source whose live form is proven (Groq's .md export) failing on its live page is a real break: blocking."""
    assert not live_form_unproven(SOURCES["groq_pricing"])
    res, db = _run(httpserver, tmp_path, monkeypatch, "groq_pricing")
    assert not res.success
    checks = {e.check_name: e for e in res.get_asset_check_evaluations()}
    assert not checks["groq_pricing_parsed"].passed
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT status FROM staging.parse_runs").fetchall() == [("parse_error",)]
