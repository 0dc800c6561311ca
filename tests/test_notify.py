"""Webhook notifications (Slack-compatible ``{"text": ...}``) and run summaries, over real HTTP on 127.0.0.1.

The sensors are evaluated on real runs of the scrape job (the bundled captures; one with a broken Gemini page,
as in tests/test_checks.py) in an ephemeral Dagster instance.
"""

from __future__ import annotations

import datetime as dt
import json
import socket

import dagster as dg
import duckdb
import pytest
from werkzeug import Response

from assets import raw, staging
from pipelines import notify
from pipelines.definitions import LATEST_PRICES, defs
from pipelines.sources.registry import SOURCES
from tests.conftest import PAGES, replay_resources
from tests.test_checks import DAY, GEMINI, _archive, _scrape


@pytest.fixture(autouse=True)
def _no_webhook(monkeypatch):
    monkeypatch.delenv(notify.WEBHOOK_ENV, raising=False)
    monkeypatch.delenv(notify.NOTIFY_ENV, raising=False)
    monkeypatch.setenv(notify.UI_URL_ENV, "http://127.0.0.1:3000")


def _sensor(name):
    return next(s for s in defs.sensors if s.name == name)


def _posted(httpserver) -> list[str]:
    return [json.loads(req.get_data())["text"] for req, _ in httpserver.log]


# -- post_webhook -----------------------------------------------------------------------------------------------
def test_off_by_default_sends_nothing(httpserver):
    assert notify.webhook_url() is None
    assert notify.post_webhook("hello") is False
    assert httpserver.log == []


def test_posts_slack_json(httpserver, monkeypatch):
    httpserver.expect_request("/hooks/T1/B2/secret", method="POST").respond_with_data("ok")
    monkeypatch.setenv(notify.WEBHOOK_ENV, httpserver.url_for("/hooks/T1/B2/secret"))
    assert notify.post_webhook("price check failed: *google*") is True
    (req, resp), = httpserver.log
    assert req.headers["Content-Type"] == "application/json"
    assert json.loads(req.get_data()) == {"text": "price check failed: *google*"}
    assert resp.status_code == 200


def test_retries_5xx_then_succeeds(httpserver):
    httpserver.expect_ordered_request("/h", method="POST").respond_with_response(Response("busy", status=503))
    httpserver.expect_ordered_request("/h", method="POST").respond_with_data("ok")
    slept = []
    assert notify.post_webhook("x", httpserver.url_for("/h"), sleep=slept.append) is True
    assert len(httpserver.log) == 2 and slept == [1.0]


def test_4xx_is_not_retried(httpserver):
    httpserver.expect_request("/h", method="POST").respond_with_response(Response("no such hook", status=404))
    slept = []
    assert notify.post_webhook("x", httpserver.url_for("/h"), sleep=slept.append) is False
    assert len(httpserver.log) == 1 and slept == []


def test_unreachable_webhook_never_raises():
    with socket.socket() as s:  # a port on 127.0.0.1 with nobody listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    slept = []
    assert notify.post_webhook("x", f"http://127.0.0.1:{port}/h", timeout_s=2, sleep=slept.append) is False
    assert slept == [1.0, 2.0]


def test_long_text_is_truncated(httpserver):
    httpserver.expect_request("/h", method="POST").respond_with_data("ok")
    assert notify.post_webhook("y" * 10_000, httpserver.url_for("/h"))
    text = _posted(httpserver)[0]
    assert len(text) <= notify.MAX_TEXT and text.endswith("(truncated)")


# -- run summaries and sensors on real runs ------------------------------------------------------------------
@pytest.fixture(scope="module")
def broken_run(tmp_path_factory):
    """A scrape of 2026-04-27 whose Gemini capture has its first price cell mangled ("$2.00" -> "$abc")."""
    tmp = tmp_path_factory.mktemp("broken")
    good = (PAGES / GEMINI).read_bytes()
    broken = good.replace(b"<td>$2.00, prompts &lt;= 200k", b"<td>$abc, prompts &lt;= 200k", 1)
    if broken == good:
        broken = good.replace(b"$2.00, prompts <= 200k", b"$abc, prompts <= 200k", 1)
    assert broken != good
    instance = dg.DagsterInstance.ephemeral()
    db = tmp / "w.duckdb"
    result = _scrape(_archive(tmp, broken), db, tmp / "d", instance)
    assert not result.success
    return result, instance, db


def test_report_of_a_broken_scrape_names_that_source_only(broken_run):
    result, instance, db = broken_run
    rep = notify.run_report(instance, result.run_id)
    assert rep.job_name == "__ephemeral_asset_job__" and rep.partition == DAY and rep.status == "FAILURE"
    # a blocking <source>_parsed and a non-blocking <source>_layout_drift check per source
    assert len([c for c in rep.checks if c.severity == "ERROR"]) == len(SOURCES)
    assert len(rep.checks) == 2 * len(SOURCES)
    assert [c.check_name for c in rep.failed_checks] == ["google_gemini_pricing_parsed"]
    assert "$abc" in " ".join(rep.failed_checks[0].problems)
    assert rep.documents == 2 and rep.fetch_mode == "replay" and rep.fetch_failures == {}
    with duckdb.connect(str(db), read_only=True) as con:
        n_openai = con.execute("SELECT count(*) FROM staging.price_quotes WHERE source = 'openai_pricing'").fetchone()[0]
    openai = next(c for c in rep.checks if c.check_name == "openai_pricing_parsed")
    assert openai.passed and openai.quotes == n_openai and n_openai > 100
    assert rep.duration_s is not None and 0 < rep.duration_s < 300


def test_failure_sensor_posts_the_failed_check(broken_run, httpserver, monkeypatch):
    result, instance, db = broken_run
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    monkeypatch.setenv(notify.WEBHOOK_ENV, httpserver.url_for("/hook"))
    ctx = dg.build_run_status_sensor_context(
        sensor_name="notify_run_failure", dagster_instance=instance, dagster_run=result.dagster_run,
        dagster_event=result.get_run_failure_event(),
    ).for_run_failure()
    _sensor("notify_run_failure")(ctx)
    (text,) = _posted(httpserver)
    lines = text.splitlines()
    assert lines[0].startswith(f"tokenprices __ephemeral_asset_job__ {DAY}: FAILED in ")
    failed = [ln for ln in lines if "FAILED  " in ln]
    assert len(failed) == 1 and "google_gemini_pricing_parsed (staging/price_quotes)" in failed[0]
    assert "$abc" in failed[0]
    assert any(ln.strip().startswith("ok      openai_pricing_parsed:") for ln in lines)
    assert f"checks: {len(SOURCES) - 1} passed, 1 failed" in text
    assert lines[-1] == f"http://127.0.0.1:3000/runs/{result.run_id}"


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory):
    """A clean replay scrape of 2025-12-20 (seven sources, eight captures)."""
    tmp = tmp_path_factory.mktemp("clean")
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize([raw.page_snapshots, staging.price_quotes], partition_key="2025-12-20",
                            resources=replay_resources(tmp / "w.duckdb", tmp / "d"), instance=instance)
    assert result.success
    return result, instance, tmp / "w.duckdb"


def _success_ctx(result, instance):
    return dg.build_run_status_sensor_context(
        sensor_name="run_summary", dagster_instance=instance, dagster_run=result.dagster_run,
        dagster_event=result.get_run_success_event(),
    )


def test_summary_of_a_clean_run_is_not_posted_by_default(clean_run, httpserver, monkeypatch):
    result, instance, db = clean_run
    monkeypatch.setenv(notify.WEBHOOK_ENV, httpserver.url_for("/hook"))
    _sensor("run_summary")(_success_ctx(result, instance))
    assert httpserver.log == []


def test_summary_of_a_clean_run_counts_real_quotes(clean_run, httpserver, monkeypatch):
    result, instance, db = clean_run
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    monkeypatch.setenv(notify.WEBHOOK_ENV, httpserver.url_for("/hook"))
    monkeypatch.setenv(notify.NOTIFY_ENV, "all")
    _sensor("run_summary")(_success_ctx(result, instance))
    (text,) = _posted(httpserver)
    with duckdb.connect(str(db), read_only=True) as con:
        per_source = dict(con.execute(
            "SELECT source, count(*) FROM staging.price_quotes WHERE partition_date = DATE '2025-12-20' GROUP BY 1"
        ).fetchall())
        docs = con.execute("SELECT count(*) FROM raw.page_snapshots").fetchone()[0]
    assert len(per_source) == 7 and docs == 8
    assert f"documents: {docs} stored (replay), 0 unchanged (304), 0 sources not fetched" in text
    assert f"{len(per_source)} sources parsed {sum(per_source.values()):,} quotes" in text
    for source, n in per_source.items():
        assert f"ok      {source}_parsed: {n:,} quotes" in text
    assert "FAILED" not in text


def test_stale_latest_prices_posted_once(httpserver, monkeypatch):
    from pipelines.definitions import LATEST_PRICES_FAIL_WINDOW

    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    monkeypatch.setenv(notify.WEBHOOK_ENV, httpserver.url_for("/hook"))
    instance = dg.DagsterInstance.ephemeral()
    instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=LATEST_PRICES))

    # the real window (36 h): just materialized, so fresh
    fresh = next(s for s in notify.build_sensors(LATEST_PRICES, LATEST_PRICES_FAIL_WINDOW)
                 if s.name == "notify_stale_prices")
    ctx = dg.build_sensor_context(instance=instance)
    assert "fresh" in fresh(ctx).skip_message
    assert httpserver.log == []

    # a zero window: stale at once -> one post; the next tick on the same materialization stays quiet
    stale = next(s for s in notify.build_sensors(LATEST_PRICES, dt.timedelta(0)) if s.name == "notify_stale_prices")
    ctx = dg.build_sensor_context(instance=instance)
    stale(ctx)
    (text,) = _posted(httpserver)
    assert text.startswith("tokenprices: marts/latest_prices is stale: last materialized")
    assert "/assets/marts/latest_prices" in text
    again = dg.build_sensor_context(instance=instance, cursor=ctx.cursor)
    assert "already notified" in stale(again).skip_message
    assert len(httpserver.log) == 1
