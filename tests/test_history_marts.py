"""History marts on the warehouse built from the bundled real data: discrepancies, price structure, the CLI's
`price` and `export`, overrides."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import dagster as dg
import duckdb

from tests.conftest import replay_resources, run_cli

ECB_CNY_PER_USD_2025_12_19 = Decimal("8.2465") / Decimal("1.1712")


def cli(built, *args, env=None):
    """``tokenprices ARGS`` on the ``built`` warehouse (in this process: :func:`tests.conftest.run_cli`)."""
    return run_cli(*args, env={"TOKENPRICES_WAREHOUSE": str(built[0]), **(env or {})})


def test_price_at_a_date(built):
    out = cli(built, "price", "gpt-4o", "--at", "2024-06-01")
    assert out.returncode == 0, out.stderr
    lines = {line.split()[0]: line.split()[1] for line in out.stdout.splitlines()[2:]}
    assert lines == {"input": "5", "output": "15"}
    # the window of the answer (genai-prices "context_window": 128000 for openai gpt-4o; docs/model-facts.md)
    assert out.stdout.splitlines()[1].split() == ["context", "window", "128,000", "tokens", "genai_prices"]
    # an OpenRouter id is an alias of the same model; the creator's own price answers
    out = cli(built, "price", "openai/gpt-4o", "--at", "2025-01-01", "--provider", "openai")
    assert "input" in out.stdout and " 2.5 " in out.stdout


def test_price_of_unknown_model_is_a_clear_error(built):
    out = cli(built, "price", "no-such-model")
    assert out.returncode == 1 and "no model or alias 'no-such-model'" in out.stderr


def test_export_litellm_map_round_trips_latest_prices(built, tmp_path):
    path = tmp_path / "map.json"
    out = cli(built, "export", "--format", "litellm", "--out", str(path))
    assert out.returncode == 0, out.stderr
    m = json.loads(path.read_text())
    # Anthropic's page: claude-opus-4-7 input $5 / MTok, output $25, 5m cache write $6.25, batch input $2.50
    opus = m["claude-opus-4-7"]
    assert opus["litellm_provider"] == "anthropic"
    assert (opus["input_cost_per_token"], opus["output_cost_per_token"]) == (5e-06, 2.5e-05)
    assert (opus["cache_creation_input_token_cost"], opus["input_cost_per_token_batches"]) == (6.25e-06, 2.5e-06)
    assert m["openrouter/openai/gpt-4o"]["litellm_provider"] == "openrouter"
    csv_out = cli(built, "export", "--format", "csv")
    header = csv_out.stdout.splitlines()[0].split(",")
    assert header[:3] == ["provider", "model", "price_kind"] and len(csv_out.stdout.splitlines()) > 1000


def test_cny_and_usd_pages_compared_after_fx(wh):
    rows = wh.execute(
        """SELECT currency_a, usd_a, currency_b, usd_b, ratio FROM marts.price_discrepancies
           WHERE provider = 'deepseek' AND model = 'deepseek-chat' AND price_kind = 'input'
             AND source_a = 'deepseek_pricing' AND source_b = 'deepseek_pricing'"""
    ).fetchall()
    assert len(rows) == 1
    cur_a, usd_a, cur_b, usd_b, ratio = rows[0]
    assert (cur_a, cur_b) == ("CNY", "USD")
    assert usd_a == (Decimal(2) / ECB_CNY_PER_USD_2025_12_19).quantize(Decimal("1e-12")) and usd_b == Decimal("0.28")
    assert abs(ratio - float(Decimal("0.28") / usd_a)) < 1e-6


def test_aggregator_lag_is_a_discrepancy(wh):
    # DeepSeek's page of 2025-12-20 says 0.28 USD input; LiteLLM still had 0.27 until 2026-01-13
    ratio = wh.execute(
        """SELECT ratio FROM marts.price_discrepancies WHERE provider = 'deepseek' AND model = 'deepseek-chat'
           AND price_kind = 'input' AND currency_a = 'USD' AND source_b = 'litellm'"""
    ).fetchone()[0]
    assert abs(ratio - 0.27 / 0.28) < 1e-6


def test_price_structure(wh):
    def row(provider, model, currency="USD"):
        return wh.execute(
            """SELECT output_input_ratio, cache_read_discount, batch_discount, long_context_tier,
                      long_context_premium, cny_usd_gap FROM marts.price_structure
               WHERE provider = $p AND model = $m AND currency = $c""",
            {"p": provider, "m": model, "c": currency},
        ).fetchone()

    assert row("anthropic", "claude-opus-4-7") == (5.0, 0.9, 0.5, None, None, None)
    # Gemini 3.1 Pro: $2 / $4 over 200k prompts, output $12, context caching $0.20, batch $1
    assert row("google", "gemini-3.1-pro-preview") == (6.0, 0.9, 0.5, 200000, 2.0, None)
    gap = row("deepseek", "deepseek-chat", "CNY")[5]
    assert abs(gap - float(Decimal(2) / ECB_CNY_PER_USD_2025_12_19 / Decimal("0.28") - 1)) < 1e-4


def test_history_has_four_sources_and_real_cuts(wh):
    sources = {r[0] for r in wh.execute("SELECT DISTINCT source FROM marts.source_price_history").fetchall()}
    assert {"litellm", "genai_prices", "openai_pricing", "anthropic_pricing"} <= sources

    def on(model, kind, day):
        return wh.execute(
            """SELECT usd_per_mtok FROM marts.price_history h LEFT JOIN staging.source_precedence p USING (source)
               WHERE provider = 'openai' AND model = $m AND price_kind = $k AND service_tier = 'standard'
               AND tier_min_tokens = 0 AND currency = 'USD' AND valid_from <= $d AND (valid_to IS NULL OR valid_to > $d)
               ORDER BY coalesce(p.rank, 1) LIMIT 1""",
            {"m": model, "k": kind, "d": day},
        ).fetchone()[0]

    assert (on("o3", "input", "2025-06-01"), on("o3", "input", "2025-07-01")) == (Decimal(10), Decimal(2))


def test_unit_errors_are_quarantined_not_in_history(wh):
    for table in ("marts.price_history", "marts.source_price_history"):
        assert wh.execute(
            f"""SELECT count(*) FROM {table} WHERE provider = 'google' AND model = 'gemini-2.0-flash'
               AND price_kind = 'input' AND usd_per_mtok >= 100"""
        ).fetchone()[0] == 0
    assert wh.execute(
        """SELECT count(*) FROM staging.quarantined_runs WHERE source = 'litellm' AND model = 'gemini-2.0-flash'
           AND provider = 'google'"""
    ).fetchone()[0] == 2


def test_override_outranks_every_source_and_survives_reimport(tmp_path, monkeypatch):
    from assets import marts, staging

    path = tmp_path / "overrides.csv"
    path.write_text(
        "provider,model,price_kind,service_tier,tier_min_tokens,region,currency,valid_from,valid_to,usd_per_mtok,"
        "reason,author\n"
        "openai,gpt-4o,input,standard,0,global,USD,2024-08-06,,2.5,cut announced before LiteLLM caught up,test\n"
    )
    monkeypatch.setenv("TOKENPRICES_OVERRIDES", str(path))
    db = tmp_path / "w.duckdb"
    res = replay_resources(db, tmp_path / "d")
    assets = [staging.price_overrides, staging.litellm_price_history, marts.source_price_history,
              marts.price_history, marts.latest_prices]
    dg.materialize(assets, resources=res, selection=assets)
    dg.materialize([staging.litellm_price_history], resources=res)  # a re-import of another dataset
    hist = [marts.source_price_history, marts.price_history]
    dg.materialize(hist, resources=res, selection=hist)
    with duckdb.connect(str(db), read_only=True) as con:
        reconciled = con.execute(
            """SELECT source, valid_from, usd_per_mtok, sources FROM marts.price_history WHERE provider = 'openai'
               AND model = 'gpt-4o' AND price_kind = 'input' AND service_tier = 'standard' AND tier_min_tokens = 0
               AND valid_from <= DATE '2024-09-01' AND (valid_to IS NULL OR valid_to > DATE '2024-09-01')"""
        ).fetchall()
        rows = con.execute(
            """SELECT source, valid_from, valid_to, usd_per_mtok FROM marts.source_price_history h
               LEFT JOIN staging.source_precedence p USING (source)
               WHERE provider = 'openai' AND model = 'gpt-4o' AND price_kind = 'input' AND service_tier = 'standard'
               AND tier_min_tokens = 0 AND valid_from <= DATE '2024-09-01'
               AND (valid_to IS NULL OR valid_to > DATE '2024-09-01') ORDER BY coalesce(p.rank, 1)"""
        ).fetchall()
    # on 2024-09-01 LiteLLM still said 5; the override (rank 0) says 2.5 and comes first
    assert [(r[0], r[3]) for r in rows] == [("override", Decimal("2.5")), ("litellm", Decimal(5))]
    # the reconciled history: the override's change (first sighting, better rank) from its date, 2024-08-06
    assert [r[:3] for r in reconciled] == [("override", dt.date(2024, 8, 6), Decimal("2.5"))]
    assert "override" in reconciled[0][3]


def test_a_stale_page_is_a_discrepancy_on_every_day_it_overlaps_a_later_cut(wh):
    # seed/pages/mistral 2024-04-01: mistral-large-latest input 8 (captured once, so its run stays open); LiteLLM
    # recorded 4 (2024-06-06), 3 (2024-07-25), 2 (2025-01-14) and 0.5 (2026-03-02): each is a disagreement, the
    # largest (16x) first among Mistral's
    rows = wh.execute(
        """SELECT day, source_a, usd_a, source_b, usd_b FROM marts.price_discrepancies
           WHERE provider = 'mistral' AND model = 'mistral-large-latest' AND price_kind = 'input'
             AND currency_a = 'USD' AND currency_b = 'USD' AND source_b = 'litellm' ORDER BY day"""
    ).fetchall()
    assert [(r[0].isoformat(), r[4]) for r in rows] == [
        ("2024-06-06", Decimal(4)), ("2024-07-25", Decimal(3)), ("2025-01-14", Decimal(2)),
        ("2026-03-02", Decimal("0.5"))]
    assert {(r[1], r[2]) for r in rows} == {("mistral_pricing", Decimal(8))}


def test_latest_prices_do_not_keep_a_page_price_a_later_change_replaced(wh):
    # the 2024 page said 8 / 24 for mistral-large-latest; LiteLLM's 2026-03-02 change to 0.5 / 1.5 replaces it
    rows = dict(wh.execute(
        """SELECT price_kind, usd_per_mtok FROM marts.latest_prices WHERE provider = 'mistral'
           AND model = 'mistral-large-latest' AND currency = 'USD' AND service_tier = 'standard'
           AND price_kind IN ('input', 'output')""").fetchall())
    assert rows == {"input": Decimal("0.5"), "output": Decimal("1.5")}
    # a page that no later change contradicts stays the answer: DeepSeek's 2025-12-20 page, 0.28 input
    src = wh.execute(
        """SELECT source, usd_per_mtok FROM marts.latest_prices WHERE provider = 'deepseek' AND model = 'deepseek-chat'
           AND currency = 'USD' AND service_tier = 'standard' AND price_kind = 'input'""").fetchone()
    assert src[1] == Decimal("0.28")


def test_no_quarantinable_token_price_is_current(wh):
    # wandb's 10,000, jais' 9,710: gone from the latest prices (far from the market), with their reasons kept
    top = wh.execute("""SELECT max(usd_per_mtok) FROM marts.latest_prices WHERE price_kind IN ('input', 'output')
                        AND currency = 'USD'""").fetchone()[0]
    assert top <= 1200
    reasons = wh.execute("""SELECT DISTINCT provider, split_part(reason, ':', 1) FROM staging.quarantined_runs
                            WHERE provider IN ('wandb', 'azure_ai', 'novita', 'watsonx')""").fetchall()
    assert {("wandb", "far from the market"), ("azure_ai", "far from the market"),
            ("novita", "unit slip"), ("watsonx", "unit slip")} <= set(reasons)


def test_price_shows_regions_sources_and_json(built):
    out = cli(built, "price", "MiniMax-M2", "--at", "2025-12-20")
    assert out.returncode == 0, out.stderr
    assert "[intl]" in out.stdout and "[cn-mainland]" in out.stdout and "last confirmed 2025-12-20" in out.stdout
    out = cli(built, "price", "MiniMax-M2", "--at", "2025-12-20", "--region", "intl", "--format", "json")
    res = json.loads(out.stdout)
    prices = {p["price_kind"]: p for p in res["answers"][0]["prices"]}
    assert prices["input"]["usd_per_mtok"] == "0.3" and prices["input"]["region"] == "intl"
    assert prices["input"]["source"] == "minimax_pricing_intl"
    # whole numbers stay fixed-point text: gpt-4o's output on 2024-10-15 is "10", not "1E+1" (the 2.50/10 price of
    # gpt-4o-2024-08-06, the snapshot gpt-4o points to since 2024-10-02)
    out = cli(built, "price", "gpt-4o", "--at", "2024-10-15", "--format", "json")
    res = json.loads(out.stdout)
    usd = {p["price_kind"]: p["usd_per_mtok"] for p in res["answers"][0]["prices"] if p["region"] == "global"}
    assert (usd["input"], usd["output"]) == ("2.5", "10")
    # a snapshot before its launch has no price of its own (not gpt-4o's)
    out = cli(built, "price", "gpt-4o-2024-08-06", "--at", "2024-07-15")
    assert out.returncode == 1 and "no price of that snapshot" in out.stderr


def test_lag_per_dataset_and_seller(built):
    out = cli(built, "lag", "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = {(r["dataset"], r["seller"]): r for r in json.loads(out.stdout)}
    # LiteLLM followed DeepSeek's announced 2025-09-29 cut on 2026-01-13 (deepseek/deepseek-chat) at the latest
    assert rows[("litellm", "deepseek")]["max_days"] >= 100
