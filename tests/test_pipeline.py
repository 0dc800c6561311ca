"""End to end on the bundled real captures: raw -> staging -> marts -> forecasts in a real DuckDB file."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from decimal import Decimal

import dagster as dg
import duckdb
import pytest

from tests.conftest import build_warehouse, copy_warehouse


def latest(con, provider, model, kind, tier="standard", min_tokens=0):
    rows = con.execute(
        """SELECT usd_per_mtok FROM marts.latest_prices WHERE provider=$p AND model=$m AND price_kind=$k
           AND service_tier=$t AND tier_min_tokens=$n AND currency='USD'""",
        {"p": provider, "m": model, "k": kind, "t": tier, "n": min_tokens},
    ).fetchall()
    assert len(rows) == 1, f"{provider}/{model} {kind} {tier} {min_tokens}: {rows}"
    return rows[0][0]


def test_every_run_succeeded(built):
    for r in built[2]:
        assert r.success
        evals = [e.asset_check_evaluation_data for e in r.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
        # every check passes but the non-blocking layout-drift warnings (a page's findings to review, issue 19)
        failed = [e.check_name for e in evals if not e.passed]
        assert all(e.severity == dg.AssetCheckSeverity.WARN for e in evals if not e.passed), failed
        assert all(n.endswith("_layout_drift") for n in failed), failed


@pytest.mark.parametrize(
    "provider,model,kind,tier,min_tokens,expected",
    [
        ("anthropic", "claude-opus-4-7", "input", "standard", 0, "5"),
        ("anthropic", "claude-opus-4-7", "output", "standard", 0, "25"),
        ("anthropic", "claude-opus-4-7", "cache_read", "standard", 0, "0.5"),
        ("anthropic", "claude-opus-4-7", "cache_write_5m", "standard", 0, "6.25"),
        ("anthropic", "claude-opus-4-7", "cache_write_1h", "standard", 0, "10"),
        ("anthropic", "claude-opus-4-7", "input", "batch", 0, "2.5"),
        ("openai", "gpt-5.4-mini", "input", "standard", 0, "0.75"),
        ("openai", "gpt-5.4-mini", "cache_read", "standard", 0, "0.075"),
        ("openai", "gpt-5.4-mini", "output", "standard", 0, "4.5"),
        ("openai", "gpt-5.4-mini", "input", "priority", 0, "1.5"),
        ("google", "gemini-3.1-pro-preview", "input", "standard", 0, "2"),
        ("google", "gemini-3.1-pro-preview", "input", "standard", 200000, "4"),
    ],
)
def test_latest_prices_from_pages(wh, provider, model, kind, tier, min_tokens, expected):
    assert latest(wh, provider, model, kind, tier, min_tokens) == Decimal(expected)


def test_latest_prices_name_their_page(wh):
    # Claude Opus 4.7 at $5 input: LiteLLM listed it first (claude-opus-4-7|anthropic 5e-06 from 2026-04-16), so
    # LiteLLM dates the reconciled price; the page captured on 2026-04-26 and 2026-07-27 (seed/pages/anthropic)
    # shows the same $5 and is named among the agreeing sources, with its last capture as the confirmation
    src, valid_from, usd, sources, confirmed = wh.execute(
        """SELECT source, valid_from, usd_per_mtok, sources, last_confirmed FROM marts.latest_prices
           WHERE provider='anthropic' AND model='claude-opus-4-7' AND price_kind='input' AND service_tier='standard'
           AND tier_min_tokens = 0"""
    ).fetchone()
    assert (src, valid_from, usd) == ("litellm", dt.date(2026, 4, 16), Decimal(5))
    assert "anthropic_pricing" in sources and confirmed >= dt.date(2026, 7, 27)
    url = wh.execute(
        """SELECT DISTINCT source_url FROM marts.source_price_history WHERE provider='anthropic'
           AND model='claude-opus-4-7' AND price_kind='input' AND service_tier='standard' AND tier_min_tokens = 0
           AND source = 'anthropic_pricing'""").fetchall()
    assert ("https://platform.claude.com/docs/en/about-claude/pricing",) in url


def test_deepseek_cny_page_converted_at_ecb_rate(wh):
    rows = wh.execute(
        """SELECT original_amount, original_currency, usd_per_mtok, fx_rate, fx_date, source_url
           FROM staging.price_quotes WHERE provider='deepseek' AND model='deepseek-chat' AND price_kind='input'
           AND service_tier='standard' ORDER BY original_currency"""
    ).fetchall()
    assert len(rows) == 2
    cny, usd = rows
    # ECB reference rates of Friday 2025-12-19 (2025-12-20 is a Saturday): USD 1.1712, CNY 8.2465 per EUR.
    cny_per_usd = Decimal("8.2465") / Decimal("1.1712")
    assert cny[:2] == (Decimal("2"), "CNY")
    assert cny[2] == (Decimal(2) / cny_per_usd).quantize(Decimal("1e-12"))
    assert cny[4] == dt.date(2025, 12, 19)
    assert abs(cny[3] - cny_per_usd) < Decimal("1e-15")
    assert cny[5] == "https://api-docs.deepseek.com/zh-cn/quick_start/pricing"
    assert usd[:3] == (Decimal("0.28"), "USD", Decimal("0.28"))
    assert usd[5] == "https://api-docs.deepseek.com/quick_start/pricing"


def test_history_gpt4o_input_cut(wh):
    def on(day):
        return wh.execute(
            """SELECT DISTINCT usd_per_mtok FROM marts.price_history WHERE provider='openai' AND model='gpt-4o'
               AND price_kind='input' AND service_tier='standard' AND tier_min_tokens=0 AND currency='USD'
               AND valid_from <= $d AND (valid_to IS NULL OR valid_to > $d)""",
            {"d": day},
        ).fetchall()

    assert on(dt.date(2024, 6, 1)) == [(Decimal(5),)]
    assert on(dt.date(2025, 1, 1)) == [(Decimal("2.5"),)]


def test_price_changes_record_the_gpt4o_cut(wh):
    row = wh.execute(
        """SELECT old_usd_per_mtok, new_usd_per_mtok, changed_at, pct_change FROM marts.price_changes
           WHERE provider='openai' AND model='gpt-4o' AND price_kind='input' AND service_tier='standard'
           AND source='litellm'"""
    ).fetchall()
    assert row == [(Decimal(5), Decimal("2.5"), dt.date(2024, 11, 14), -50.0)]


def test_history_runs_do_not_overlap(wh):
    # the reconciled history: one price per key and day, whatever the sources; each source's own runs: per source
    for table, source in (("marts.price_history", ""), ("marts.source_price_history", ", source")):
        overlaps = wh.execute(
            f"""SELECT count(*) FROM {table} a JOIN {table} b
               USING (provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions{source})
               WHERE a.valid_from < b.valid_from AND (a.valid_to IS NULL OR a.valid_to > b.valid_from)"""
        ).fetchone()[0]
        assert overlaps == 0, table


def test_raw_snapshots_are_content_addressed(built, wh):
    from pipelines.warehouse import blob_path

    rows = wh.execute("SELECT sha256, bytes, capture_file FROM raw.page_snapshots").fetchall()
    # the 31 dated captures of seed/pages/manifest.csv (the 8 with estimated dates are not replayed)
    assert len(rows) == 31
    from tests.conftest import PAGES

    for sha, n, capture in rows:
        body = blob_path(built[1], sha).read_bytes()
        assert hashlib.sha256(body).hexdigest() == sha and len(body) == n
        assert body == (PAGES / capture).read_bytes()


def test_forecast_tables(wh):
    factor, lo, hi, n_obs = wh.execute(
        "SELECT factor, ci_low, ci_high, n_obs FROM forecasts.price_decline WHERE series='matched_model_blended'"
    ).fetchone()
    assert lo <= factor <= hi and n_obs >= 24 and math.isfinite(factor)
    months = wh.execute(
        """SELECT month, yhat, lo80, hi80, lo95, hi95 FROM forecasts.price_forecast
           WHERE series = 'matched_model_blended' ORDER BY month"""
    ).fetchall()
    assert len(months) == 12
    last_index_month = wh.execute(
        "SELECT max(month) FROM forecasts.market_index WHERE series = 'matched_model_blended'"
    ).fetchall()[0][0]
    assert months[0][0] > last_index_month
    for _, yhat, lo80, hi80, lo95, hi95 in months:
        assert lo95 <= lo80 <= yhat <= hi80 <= hi95


def test_parquet_exports_match_marts(built, wh):
    lake = built[1] / "lake" / "marts"
    # price_history is hive-partitioned by provider
    n_hist = duckdb.connect().execute(
        "SELECT count(*), count(DISTINCT provider) FROM read_parquet($p, hive_partitioning = true)",
        {"p": str(lake / "price_history" / "**" / "*.parquet")},
    ).fetchall()[0]
    assert n_hist == wh.execute("SELECT count(*), count(DISTINCT provider) FROM marts.price_history").fetchall()[0]
    assert (lake / "price_history" / "provider=openai" / "part-0.parquet").is_file()
    for table in ("latest_prices", "price_changes", "price_structure", "price_discrepancies", "models"):
        n_parquet = duckdb.connect().execute(
            "SELECT count(*) FROM read_parquet($p)", {"p": str(lake / f"{table}.parquet")}
        ).fetchall()[0][0]
        assert n_parquet == wh.table(f"marts.{table}").aggregate("count(*)").fetchall()[0][0] > 0
        assert (lake / f"{table}.parquet").stat().st_mode & 0o044 == 0o044  # readable by group and others
    assert not list(lake.glob(".*"))  # no temp files left behind


def test_rerun_adds_no_duplicates(built, tmp_path):
    """The whole pipeline run again on (a copy of) the built warehouse adds no row anywhere."""
    db, data = copy_warehouse(built, tmp_path)
    tables = ["raw.page_snapshots", "staging.price_quotes", "staging.imported_price_runs", "marts.price_history",
              "marts.latest_prices", "marts.price_changes", "forecasts.market_index", "forecasts.price_decline",
              "forecasts.price_forecast"]

    def counts():
        with duckdb.connect(str(db), read_only=True) as con:
            return {t: con.table(t).aggregate("count(*)").fetchall()[0][0] for t in tables}

    first = counts()
    build_warehouse(db, data, dg.DagsterInstance.ephemeral())
    assert counts() == first
    assert all(first[t] > 0 for t in tables)


@pytest.mark.parametrize(
    "creator,model,names",
    [
        ("openai", "gpt-4o", {"litellm": "gpt-4o", "openrouter_models_api": "openai/gpt-4o", "openai_pricing": "gpt-4o"}),
        ("anthropic", "claude-sonnet-4-5", {"litellm": "claude-sonnet-4-5",
                                            "openrouter_models_api": "anthropic/claude-sonnet-4.5",
                                            "anthropic_pricing": "Claude Sonnet 4.5"}),
        ("google", "gemini-2.5-pro", {"litellm": "gemini/gemini-2.5-pro", "openrouter_models_api": "google/gemini-2.5-pro",
                                      "google_gemini_pricing": "gemini-2.5-pro"}),
        ("deepseek", "deepseek-chat", {"litellm": "deepseek-chat", "openrouter_models_api": "deepseek/deepseek-chat",
                                       "deepseek_pricing": "deepseek-chat"}),
    ],
)
def test_model_aliases_join_every_source(wh, creator, model, names):
    for source, alias in names.items():
        rows = wh.execute(
            "SELECT DISTINCT creator, canonical_model FROM marts.model_aliases WHERE source = $s AND alias = $a",
            {"s": source, "a": alias},
        ).fetchall()
        assert rows == [(creator, model)], (source, alias, rows)
    sellers = wh.execute("SELECT sellers FROM marts.models WHERE creator = $c AND model = $m",
                         {"c": creator, "m": model}).fetchone()[0]
    assert creator in sellers and "openrouter" in sellers


def test_unmatched_aliases_are_listed_not_guessed(wh):
    n, example = wh.execute(
        """SELECT count(*), min(model) FILTER (WHERE provider = 'databricks') FROM marts.unmatched_aliases"""
    ).fetchone()
    assert n > 0 and example.startswith("databricks-")
