"""Layout drift: a broken or replaced page fails its own source's check only; earlier rows and the marts stay."""

from __future__ import annotations

import datetime as dt
import shutil

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from assets import raw, staging
from tests.conftest import PAGES, replay_resources

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
        resources=replay_resources(db, data, archive=arch),
        instance=instance,
        raise_on_error=False,
    )


def _checks(result):
    return {
        e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data.passed
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }


def _problems(result, check_name):
    return next(
        e.asset_check_evaluation_data.metadata["problems"].value
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION" and e.asset_check_evaluation_data.check_name == check_name
    )


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
    assert "$abc" in str(_problems(bad, "google_gemini_pricing_parsed"))


def _archive_days(tmp, captures: dict[str, tuple[str, bytes]]):
    """An archive folder with its own manifest: {file: (captured_on, body)} for the Gemini URL."""
    arch = tmp / "archive"
    arch.mkdir(parents=True)
    lines = ["file,provider,url,captured_on,date_is_estimate,kind"]
    for name, (day, body) in captures.items():
        (arch / name).write_bytes(body)
        lines.append(f"{name},google,https://ai.google.dev/gemini-api/docs/pricing,{day},false,raw html")
    (arch / "manifest.csv").write_text("\n".join(lines) + "\n")
    return arch


def _run(arch, db, data, instance, day, with_marts=False):
    from assets import marts

    res = replay_resources(db, data, archive=arch)
    r = dg.materialize([raw.page_snapshots, staging.price_quotes], partition_key=day, resources=res,
                       instance=instance, raise_on_error=False)
    if with_marts:
        mart_assets = [marts.source_price_history, marts.price_history, marts.latest_prices, marts.price_changes,
                       marts.model_delistings]
        dg.materialize(mart_assets, resources=res, instance=instance)
    return r


def _latest_google(db):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            """SELECT model, price_kind, service_tier, tier_min_tokens, usd_per_mtok, valid_from FROM marts.latest_prices
               WHERE provider = 'google' ORDER BY ALL"""
        ).fetchall()


def _changes_google(db):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT count(*) FROM marts.price_changes WHERE provider = 'google'").fetchone()[0]


def test_unrelated_page_in_place_of_a_source_keeps_its_latest_prices(tmp_path):
    good = (PAGES / GEMINI).read_bytes()
    unrelated = (PAGES / "deepseek/2025-12-20_quick-start-pricing_en.md").read_bytes()
    arch = _archive_days(tmp_path, {"g1.html": ("2026-04-27", good), "g2.html": ("2026-04-28", unrelated)})
    db, data, instance = tmp_path / "w.duckdb", tmp_path / "d", dg.DagsterInstance.ephemeral()
    assert _run(arch, db, data, instance, "2026-04-27", with_marts=True).success
    before = _latest_google(db)
    assert len(before) > 100
    bad = _run(arch, db, data, instance, "2026-04-28", with_marts=True)
    assert _checks(bad) == {**{c: True for c in _checks(bad)}, "google_gemini_pricing_parsed": False}
    assert _latest_google(db) == before
    assert _changes_google(db) == 0


def test_unit_error_is_drift_not_a_price_change(tmp_path):
    good = (PAGES / GEMINI).read_bytes()
    # the same page the next day with one price written per 1K instead of per 1M (1000x)
    shifted = good.replace(b"<td>$2.00, prompts <= 200k tokens", b"<td>$2000.00, prompts <= 200k tokens", 1)
    assert shifted != good
    arch = _archive_days(tmp_path, {"g1.html": ("2026-04-27", good), "g2.html": ("2026-04-28", shifted)})
    db, data, instance = tmp_path / "w.duckdb", tmp_path / "d", dg.DagsterInstance.ephemeral()
    _run(arch, db, data, instance, "2026-04-27", with_marts=True)
    before = _latest_google(db)
    bad = _run(arch, db, data, instance, "2026-04-28", with_marts=True)
    assert _checks(bad)["google_gemini_pricing_parsed"] is False
    problems = _problems(bad, "google_gemini_pricing_parsed")
    assert any("gemini-3.1-pro-preview input jumped 2.000000000000 -> 2000.000000000000" in p for p in problems)
    assert _latest_google(db) == before and _changes_google(db) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT status FROM staging.parse_runs ORDER BY partition_date").fetchall() == [("ok",), ("drift",)]


def test_far_fewer_models_is_drift(tmp_path):
    good = (PAGES / GEMINI).read_bytes()
    # the page cut before its 6th model section: the later models' tables are gone
    starts = [i for i in range(len(good)) if good.startswith(b'<h2 id="gemini', i)]
    assert len(starts) > 10
    cut = good[: starts[5]] + b"</body></html>"
    arch = _archive_days(tmp_path, {"g1.html": ("2026-04-27", good), "g2.html": ("2026-04-28", cut)})
    db, data, instance = tmp_path / "w.duckdb", tmp_path / "d", dg.DagsterInstance.ephemeral()
    _run(arch, db, data, instance, "2026-04-27")
    bad = _run(arch, db, data, instance, "2026-04-28")
    assert _checks(bad)["google_gemini_pricing_parsed"] is False
    problems = _problems(bad, "google_gemini_pricing_parsed")
    with duckdb.connect(str(db), read_only=True) as con:
        good_models = con.execute("SELECT n_models FROM staging.parse_runs WHERE status = 'ok' AND source = 'google_gemini_pricing'").fetchone()[0]
    assert good_models > 20
    assert any(f"fewer than 50% of the {good_models} models of the last good parse" in p for p in problems), problems


# -- the marts' invariants as asset checks (assets/marts.py INVARIANTS) ------------------------------------------
def _run_checks(db) -> dict[str, dg.AssetCheckResult]:
    """``{"<asset>/<check>": result}`` of the marts' invariants on the warehouse ``db``."""
    from assets.marts import marts_invariants

    ctx = dg.build_asset_check_context(resources={"duckdb": DuckDBResource(database=str(db))})
    return {f"{r.asset_key.path[-1]}/{r.check_name}": r for r in marts_invariants(ctx)}


def test_marts_invariant_checks_pass_on_the_built_warehouse_and_fail_on_a_broken_one(built, tmp_path):
    from pipelines.definitions import defs

    names = {"price_history/runs_do_not_overlap", "price_history/valid_from_before_valid_to",
             "source_price_history/runs_do_not_overlap", "source_price_history/valid_from_before_valid_to",
             "latest_prices/one_price_per_key", "price_changes/records_a_change"}
    # warehouse_job runs them after their assets
    job_checks = defs.resolve_job_def("warehouse_job").asset_layer.asset_graph.asset_check_keys
    assert names <= {f"{k.asset_key.path[-1]}/{k.name}" for k in job_checks if k.asset_key.path[0] == "marts"}
    ok = _run_checks(built[0])
    assert set(ok) == names
    assert all(r.passed and r.metadata["violations"].value == 0 for r in ok.values()), ok

    db = tmp_path / "broken.duckdb"
    shutil.copy(built[0], db)
    # LiteLLM's gpt-4o standard input price, as bound parameters
    gpt4o = {"p": "openai", "m": "gpt-4o", "k": "input", "t": "standard", "n": 0, "c": "USD", "s": "litellm"}
    key = """provider = $p AND model = $m AND price_kind = $k AND service_tier = $t AND tier_min_tokens = $n
             AND currency = $c AND source = $s"""
    with duckdb.connect(str(db)) as con:
        # LiteLLM's gpt-4o input: $5 until the cut to $2.50 on 2024-11-14 (tests/test_pipeline.py)
        cut = con.execute("SELECT usd_per_mtok, valid_to FROM marts.source_price_history WHERE " + key
                          + " AND valid_to = DATE '2024-11-14'", gpt4o).fetchall()
        assert cut == [(5, dt.date(2024, 11, 14))]
        # the $5 run said to last a day longer overlaps the $2.50 run
        con.execute("UPDATE marts.source_price_history SET valid_to = DATE '2024-11-15' WHERE " + key
                    + " AND valid_to = DATE '2024-11-14'", gpt4o)
        # a run ending on its first day
        con.execute("UPDATE marts.source_price_history SET valid_to = valid_from WHERE " + key
                    + " AND valid_to IS NULL", gpt4o)
        # the same two defects in the reconciled history (one run per key: no source in the key)
        one = {k: v for k, v in gpt4o.items() if k != "s"}
        key1 = key.replace("AND source = $s", "")
        end5 = con.execute("SELECT valid_to FROM marts.price_history WHERE " + key1 + " AND usd_per_mtok = 5",
                           one).fetchone()[0]
        con.execute("UPDATE marts.price_history SET valid_to = CAST($d AS DATE) + 1 WHERE " + key1
                    + " AND valid_to = $d", {**one, "d": end5})
        con.execute("UPDATE marts.price_history SET valid_to = valid_from WHERE " + key1 + " AND valid_to IS NULL",
                    one)
        # the current price listed twice
        con.execute("INSERT INTO marts.latest_prices SELECT * FROM marts.latest_prices WHERE provider = 'openai' "
                    "AND model = 'gpt-4o' AND price_kind = 'input' AND service_tier = 'standard' "
                    "AND tier_min_tokens = 0 AND currency = 'USD'")
        # a "change" from $5 to $5
        con.execute("UPDATE marts.price_changes SET new_amount = old_amount WHERE " + key, gpt4o)
    bad = _run_checks(db)
    assert {n: r.passed for n, r in bad.items()} == dict.fromkeys(names, False)
    assert {n: r.metadata["violations"].value for n, r in bad.items()} == dict.fromkeys(names, 1)
    assert all(r.severity == dg.AssetCheckSeverity.ERROR for r in bad.values())
    assert "gpt-4o" in bad["latest_prices/one_price_per_key"].metadata["examples"].value


def test_layout_findings_load_the_page_and_warn_in_the_layout_drift_check(tmp_path):
    """Issue 19: the Claude Platform page of 2026-07-27 names models the alias map does not know. Its prices load
    (the blocking check passes), the ids derived by Anthropic's naming rule are listed by the non-blocking
    anthropic_pricing_layout_drift check (WARN) and kept in staging.parse_runs.detail."""
    import json

    capture = "anthropic/2026-07-27_platform-claude-pricing.html"
    arch = tmp_path / "archive"
    (arch / "anthropic").mkdir(parents=True)
    shutil.copy(PAGES / capture, arch / capture)
    (arch / "manifest.csv").write_text(
        "file,provider,url,captured_on,date_is_estimate,kind\n"
        f"{capture},anthropic,https://platform.claude.com/docs/en/about-claude/pricing,2026-07-27,false,raw html\n")
    db, data, instance = tmp_path / "w.duckdb", tmp_path / "d", dg.DagsterInstance.ephemeral()
    result = _run(arch, db, data, instance, "2026-07-27")
    assert result.success
    checks = _checks(result)
    assert checks["anthropic_pricing_parsed"] is True
    assert checks["anthropic_pricing_layout_drift"] is False
    [ev] = [e.asset_check_evaluation_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"
            and e.asset_check_evaluation_data.check_name == "anthropic_pricing_layout_drift"]
    assert ev.severity == dg.AssetCheckSeverity.WARN
    assert ev.metadata["model_id_rule"].value == ["Claude Fable 5 -> claude-fable-5", "Claude Mythos 5 -> claude-mythos-5",
                                                  "Claude Opus 5 -> claude-opus-5", "Claude Sonnet 5 -> claude-sonnet-5"]
    # evaluated for every source read; only a page with findings fails it (WARN)
    assert [c for c, ok in checks.items() if c.endswith("_layout_drift") and not ok] == ["anthropic_pricing_layout_drift"]
    assert any("'Claude Fable 5 -> claude-fable-5'" in p and p.startswith("model_id_rule at table 0")
               for p in _problems(result, "anthropic_pricing_layout_drift"))
    with duckdb.connect(str(db), read_only=True) as con:
        status, detail = con.execute("SELECT status, detail FROM staging.parse_runs").fetchone()
        fable = con.execute("SELECT original_amount FROM staging.price_quotes WHERE model = 'claude-fable-5' "
                            "AND price_kind = 'input' AND service_tier = 'standard'").fetchone()[0]
    assert status == "ok" and float(fable) == 10
    items = json.loads(detail)
    assert {(i["kind"], i["text"]) for i in items} >= {("model_id_rule", "Claude Fable 5 -> claude-fable-5")}
    assert all(i["where"].startswith("table ") for i in items)
