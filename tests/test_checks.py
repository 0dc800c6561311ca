"""A broken page fails its own source's check only, and the rows already stored for it stay intact."""

from __future__ import annotations

import shutil

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from assets import raw, staging
from pipelines.resources import DataDirResource, FetcherResource
from tests.conftest import PAGES

DAY = "2026-04-27"  # OpenAI and Gemini captures
GEMINI = "gemini/2026-04-27_ai-google-dev-gemini-api-pricing.html"
OPENAI = "openai/2026-04-27_developers-openai-api-docs-pricing.html"


def _archive(tmp, gemini_body: bytes):
    arch = tmp / "archive"
    (arch / "gemini").mkdir(parents=True)
    (arch / "openai").mkdir()
    shutil.copy(PAGES / "manifest.csv", arch / "manifest.csv")
    shutil.copy(PAGES / OPENAI, arch / OPENAI)
    (arch / GEMINI).write_bytes(gemini_body)
    return arch


def _scrape(arch, db, data, instance):
    return dg.materialize(
        [raw.page_snapshots, staging.price_quotes],
        partition_key=DAY,
        resources={
            "fetcher": FetcherResource(mode="replay", archive_dir=str(arch)),
            "duckdb": DuckDBResource(database=str(db)),
            "data_dir": DataDirResource(path=str(data)),
        },
        instance=instance,
        raise_on_error=False,
    )


def _checks(result):
    return {
        e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data.passed
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }


def _google_quotes(db):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT count(*), count(DISTINCT snapshot_sha256) FROM staging.price_quotes WHERE provider = 'google'"
        ).fetchone()


def test_broken_capture_fails_only_its_source(tmp_path):
    db, data, instance = tmp_path / "w.duckdb", tmp_path / "d", dg.DagsterInstance.ephemeral()
    good = (PAGES / GEMINI).read_bytes()
    ok = _scrape(_archive(tmp_path / "good", good), db, data, instance)
    assert ok.success and all(_checks(ok).values())
    n_good, _ = _google_quotes(db)
    assert n_good > 100

    # The same day's capture with the gemini-3.1-pro-preview input cell mangled: "$2.00" -> "$abc".
    broken = good.replace(b"<td>$2.00, prompts &lt;= 200k", b"<td>$abc, prompts &lt;= 200k", 1)
    if broken == good:
        broken = good.replace(b"$2.00, prompts <= 200k", b"$abc, prompts <= 200k", 1)
    assert broken != good
    bad = _scrape(_archive(tmp_path / "bad", broken), db, data, instance)
    checks = _checks(bad)
    assert checks["google_gemini_pricing_parsed"] is False
    assert checks["openai_pricing_parsed"] is True
    assert not bad.success  # blocking check: the run fails loudly
    # the earlier good rows of this source are untouched
    assert _google_quotes(db) == (n_good, 1)
    failure = next(
        e.asset_check_evaluation_data for e in bad.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.asset_check_evaluation_data.passed
    )
    assert "$abc" in failure.metadata["error"].value
