"""Model facts in the warehouse, the context window in ``price`` and ``cost``, the Python API (``import tokenprices``)
against the command line, and ``tokenprices bill`` on the bundled usage log across the o3 price cut (issue 16).

All on the session warehouse built by the real pipeline from the bundled data (tests/conftest.py ``built``)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D

import pytest

import tokenprices
from pipelines.history import lookup
from tests.conftest import ROOT, run_cli


@pytest.fixture()
def con(built):
    c = tokenprices.connect(built[0])
    yield c
    c.close()


def _cli(db, *args) -> tuple[int, str, str]:
    out = run_cli(*args, env={"TOKENPRICES_WAREHOUSE": str(db)})
    return out.returncode, out.stdout, out.stderr


# ------------------------------------------------------------------------------------------------ model facts


def test_context_window_of_gpt_4o_and_of_cny_priced_models(con):
    # gpt-4o: 128,000 tokens (genai-prices "context_window": 128000; LiteLLM "max_input_tokens": 128000; OpenRouter
    # "context_length": 128000 for openai/gpt-4o)
    assert con.execute("SELECT context_window FROM marts.models WHERE creator = 'openai' AND model = 'gpt-4o'"
                       ).fetchone() == (128000,)
    # Moonshot's CNY page (2025-12-20 capture, line 29: "| kimi-k2-0905-preview | 1M tokens | ￥1.00 | ￥4.00 |
    # ￥16.00 | 262,144 tokens |") is the chosen source of that model's window
    row = con.execute("SELECT tokens, stated, source, chosen FROM marts.model_facts WHERE provider = 'moonshot' AND "
                      "model = 'kimi-k2-0905-preview' AND fact = 'context_window' AND source = 'moonshot_pricing_cn'"
                      ).fetchone()
    assert row == (262144, "262,144 tokens", "moonshot_pricing_cn", True)
    # DeepSeek's CNY page (zh-cn, line 19 "上下文长度| 128K") wins over LiteLLM's 131072 and genai-prices' 64000,
    # which stay beside it
    rows = con.execute("SELECT source, tokens, chosen, sources_disagree FROM marts.model_facts WHERE provider = "
                       "'deepseek' AND model = 'deepseek-chat' AND fact = 'context_window' ORDER BY rank").fetchall()
    assert rows == [("deepseek_pricing", 128000, True, True), ("genai_prices", 64000, False, True),
                    ("litellm", 131072, False, True)]
    assert con.execute("SELECT context_window, context_window_source FROM marts.models WHERE creator = 'deepseek' "
                       "AND model = 'deepseek-chat'").fetchone() == (128000, "deepseek_pricing")


def test_every_fact_has_its_source_date_and_one_chosen_value(con):
    assert con.execute("SELECT count(*) FROM marts.model_facts WHERE source IS NULL OR as_of IS NULL OR "
                       "source_url IS NULL").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM (SELECT provider, model, fact FROM marts.model_facts GROUP BY ALL "
                       "HAVING count(*) FILTER (WHERE chosen) <> 1)").fetchone() == (0,)
    sources = {r[0] for r in con.execute("SELECT DISTINCT source FROM marts.model_facts").fetchall()}
    assert {"deepseek_pricing", "moonshot_pricing_cn", "openrouter_models_api", "genai_prices", "litellm"} <= sources


def test_price_shows_the_window(built):
    code, out, err = _cli(built[0], "price", "gpt-4o", "--at", "2024-06-01")
    assert code == 0, err
    assert "context window" in out and "128,000 tokens" in out
    code, out, err = _cli(built[0], "price", "gpt-4o", "--at", "2024-06-01", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["answers"][0]["context_window"] == {"tokens": 128000, "source": "genai_prices", "own": True}


def test_cost_drops_options_whose_window_is_too_small(built):
    # rag_long_prompts: context.max_prompt_tokens 400000; qwen3-max holds 262,144 tokens, gpt-5.4 more
    windows = lookup.context_windows(tokenprices.connect(built[0]))
    assert windows[("alibaba", "qwen3-max")]["tokens"] < 400_000 <= windows[("openai", "gpt-5.4")]["tokens"]
    args = ("cost", "rag_long_prompts", "--at", "2026-08-31", "--model", "gpt-5.4", "--model", "qwen3-max")
    code, out, err = _cli(built[0], *args)
    assert code == 0, err
    dropped = int(out.split("dropped ", 1)[1].split(" options", 1)[0])
    assert dropped > 0 and "cannot hold the longest prompt (400,000 tokens)" in out
    table = [ln for ln in out.splitlines() if ln.startswith("|")]
    assert any("| gpt-5.4 " in ln for ln in table) and not any("qwen3-max" in ln for ln in table)
    code, out, err = _cli(built[0], *args, "--keep-small-windows")
    assert code == 0 and f"kept {dropped} options" in out
    assert any("| qwen3-max " in ln for ln in out.splitlines() if ln.startswith("|"))


# ------------------------------------------------------------------------------------------------ Python API


CASES = [("gpt-4o", "2024-06-01", ()), ("gpt-4o", "2024-10-15", ()), ("o3", "2025-06-09", ("--all-tiers",)),
         ("o3", "2025-06-10", ("--all-tiers",)), ("deepseek-chat", "2025-12-25", ()),
         ("gemini-2.5-pro", "2025-09-01", ("--all-tiers",)), ("Claude Opus 4.7", "2026-08-19", ("--all-tiers",))]


@pytest.mark.parametrize(("model", "day", "extra"), CASES)
def test_python_api_answers_like_the_cli(built, con, model, day, extra):
    code, out, err = _cli(built[0], "price", model, "--at", day, "--format", "json", *extra)
    assert code == 0, err
    cli = json.loads(out)["answers"]
    api = tokenprices.price_at(model, day, all_tiers=bool(extra), con=con)
    assert [(a.provider, a.model, a.creator, a.canonical_model) for a in api] == [
        (a["provider"], a["model"], a["creator"], a["canonical_model"]) for a in cli]
    for a, c in zip(api, cli):
        assert a.alias_of == (c["alias_of"]["target"] if c["alias_of"] else None)
        assert (a.context_window.tokens if a.context_window else None) == (
            c["context_window"]["tokens"] if c["context_window"] else None)
        got = [{"price_kind": p.price_kind, "service_tier": p.service_tier, "tier_min_tokens": p.tier_min_tokens,
                "region": p.region, "currency": p.currency, "usd_per_mtok": D(p.usd_per_mtok), "source": p.source,
                "sources": list(p.sources), "n_sources": p.n_sources, "valid_from": p.valid_from.isoformat(),
                "valid_to": p.valid_to and p.valid_to.isoformat(),
                "last_confirmed": p.last_confirmed and p.last_confirmed.isoformat()} for p in a.prices]
        assert got == [{**p, "usd_per_mtok": D(p["usd_per_mtok"])} for p in c["prices"]]
        assert got  # never an empty answer


def test_python_api_from_the_parquet_lake_answers_like_the_duckdb_file(built, con):
    lake = tokenprices.connect(lake=built[1] / "lake")
    try:
        for model, day, extra in CASES:
            assert tokenprices.price_at(model, day, all_tiers=bool(extra), con=lake) == \
                tokenprices.price_at(model, day, all_tiers=bool(extra), con=con), (model, day)
        assert tokenprices.latest("anthropic", con=lake) == tokenprices.latest("anthropic", con=con)
    finally:
        lake.close()


def test_cost_applies_the_price_of_the_day_tiers_cache_and_batch(con):
    # o3: $10 / $40 per 1M until the 80% cut of 2025-06-10, then $2 / $8 (OpenAI's announcement of 2025-06-10;
    # genai-prices dates the change 2025-06-10, LiteLLM's mirror shows it from 2025-06-11)
    before = tokenprices.cost("o3", input_tokens=1_000_000, output_tokens=100_000, at="2025-06-09", con=con)
    after = tokenprices.cost("o3", input_tokens=1_000_000, output_tokens=100_000, at=dt.date(2025, 6, 10), con=con)
    assert (before.usd, after.usd) == (D(14), D("2.8"))
    assert [ln.usd_per_mtok for ln in before.lines] == [D(10), D(40)]
    # gemini-2.5-pro: a 250K prompt is above the 200K tier, the whole request at 2.50 / 15; 100K at 1.25 / 10
    # Google's page (2026-04-27 capture onwards): cached input 0.125, above 200K 0.25
    long = tokenprices.cost("gemini-2.5-pro", input_tokens=240_000, cached_tokens=10_000, output_tokens=10_000,
                            at="2026-08-19", con=con)
    assert long.tier_min_tokens == 200_000 and long.prompt_tokens == 250_000
    assert {ln.part: ln.usd_per_mtok for ln in long.lines} == {"input": D("2.5"), "cached": D("0.25"),
                                                               "output": D(15)}
    assert long.usd == D("0.24") * D("2.5") + D("0.01") * D("0.25") + D("0.01") * D(15) and not long.notes
    # on 2025-07-01 no source priced its cache reads yet (LiteLLM's first cache_read is of 2025-07-15): billed as input
    early = tokenprices.cost("gemini-2.5-pro", input_tokens=240_000, cached_tokens=10_000, output_tokens=10_000,
                             at="2025-07-01", con=con)
    assert {ln.part: ln.usd_per_mtok for ln in early.lines}["cached"] == D("2.5")
    assert early.notes == ("no cache-read price: cached tokens billed as input",)
    short = tokenprices.cost("gemini-2.5-pro", input_tokens=100_000, output_tokens=10_000, at="2025-07-01", con=con)
    assert (short.tier_min_tokens, short.usd) == (0, D("0.225"))
    # gpt-4o batch on 2025-06-20: 1.25 / 5
    assert tokenprices.cost("gpt-4o", input_tokens=1_000_000, output_tokens=100_000, at="2025-06-20", tier="batch",
                            con=con).usd == D("1.75")
    # Claude Sonnet 4: cache read 0.30, 5-minute cache write 3.75 (LiteLLM's map from 2025-05-22)
    c = tokenprices.cost("claude-sonnet-4-20250514", input_tokens=50_000, cached_tokens=20_000,
                         cache_write_tokens=10_000, output_tokens=2_000, at="2025-07-02", con=con)
    assert [(ln.part, ln.price_kind, ln.usd_per_mtok) for ln in c.lines] == [
        ("input", "input", D(3)), ("cached", "cache_read", D("0.3")), ("cache_write", "cache_write_5m", D("3.75")),
        ("output", "output", D(15))]
    assert c.usd == D("0.2235")
    with pytest.raises(tokenprices.PriceNotFound, match="no batch input and output price of openai o3"):
        tokenprices.cost("o3", input_tokens=1, output_tokens=1, at="2025-06-20", service_tier="batch", con=con)
    with pytest.raises(tokenprices.PriceNotFound, match="no model or alias 'gpt-9-ultra'"):
        tokenprices.cost("gpt-9-ultra", input_tokens=1, at="2025-06-20", con=con)
    with pytest.raises(ValueError, match="input_tokens must be a whole number"):
        tokenprices.cost("o3", input_tokens=-1, con=con)


def test_latest_json_and_csv_are_the_apis_rows(built, con):
    rows = tokenprices.latest("anthropic", con=con)
    assert rows and all(r.provider == "anthropic" for r in rows)
    code, out, _ = _cli(built[0], "latest", "--provider", "anthropic", "--format", "json")
    assert code == 0
    got = json.loads(out)
    assert [(r["model"], r["price_kind"], D(r["usd_per_mtok"])) for r in got] == [
        (r.model, r.price_kind, r.usd_per_mtok) for r in rows]
    code, out, _ = _cli(built[0], "latest", "--provider", "anthropic", "--format", "csv")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("provider,model,price_kind") and len(lines) == len(rows) + 1


# ------------------------------------------------------------------------------------------------ bill


def test_bill_prices_the_bundled_log_across_the_o3_cut(built):
    """examples/usage.csv (docs/bill.md): o3 at $10 / $40 on 2025-06-02 and 2025-06-09 23:59 UTC, at $2 / $8 from
    2025-06-10 00:01 UTC (the 80% cut OpenAI announced on 2025-06-10; the reconciled history dates it 2025-06-10,
    the day genai-prices gives; LiteLLM's mirror shows it from 2025-06-11)."""
    code, out, err = _cli(built[0], "bill", str(ROOT / "examples/usage.csv"), "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    per_line = {r["line"]: (r["model"], r["day"], D(r["usd"])) for r in doc["requests"]}
    assert per_line[2] == ("o3", "2025-06-02", D("14"))      # 1M x 10 + 0.1M x 40
    assert per_line[3] == ("o3", "2025-06-09", D("4"))       # 0.2M x 10 + 0.05M x 40, a minute before midnight
    assert per_line[4] == ("o3", "2025-06-10", D("0.8"))     # 0.2M x 2 + 0.05M x 8, a minute after
    assert per_line[5] == ("o3", "2025-06-20", D("2.8"))     # 1M x 2 + 0.1M x 8
    assert per_line[6] == ("gpt-4o", "2025-06-20", D("1.75"))   # batch 1.25 / 5
    assert per_line[7] == ("gpt-4o", "2025-06-03", D("1.95"))   # 0.4M x 2.5 + 0.6M cached x 1.25 + 0.02M x 10
    assert per_line[8] == ("gemini-2.5-pro", "2025-07-01", D("0.775"))  # above 200K: 2.5 / 15
    assert per_line[9] == ("gemini-2.5-pro", "2025-07-01", D("0.225"))  # 1.25 / 10
    assert per_line[10] == ("claude-sonnet-4-20250514", "2025-07-02", D("0.2235"))
    totals = {(t["month"], t["model"]): (t["requests"], D(t["usd"])) for t in doc["totals"]}
    assert totals == {("2025-06", "gpt-4o"): (2, D("3.70")), ("2025-06", "o3"): (4, D("21.60")),
                      ("2025-07", "claude-sonnet-4-20250514"): (1, D("0.2235")),
                      ("2025-07", "gemini-2.5-pro"): (2, D("1.00"))}
    assert D(doc["total_usd"]) == D("26.5235")
    assert [(r["line"], r["reason"]) for r in doc["not_priced"]] == [
        (11, "no model or alias 'gpt-9-ultra' in marts.model_aliases"),
        (12, "no price of that snapshot (claude-sonnet-4-5-20250929) on 2024-06-01"),
        (13, "input_tokens 'lots' is not a number")]
    code, out, _ = _cli(built[0], "bill", str(ROOT / "examples/usage.csv"))
    assert code == 0 and "total USD 26.5235" in out and "| 2025-06 | openai o3 " in out and "not priced (3):" in out


def test_bill_reads_jsonl_and_refuses_what_it_cannot_read(built, tmp_path):
    log = tmp_path / "usage.jsonl"
    log.write_text('{"timestamp": "2025-06-09T12:00:00+02:00", "model": "o3", "input_tokens": 1000000, '
                   '"output_tokens": 0}\n{"timestamp": "2025-06-10", "model": "o3", "input_tokens": 1000000, '
                   '"output_tokens": 0}\n', encoding="utf-8")
    code, out, err = _cli(built[0], "bill", str(log), "--format", "json")
    assert code == 0, err
    assert [D(r["usd"]) for r in json.loads(out)["requests"]] == [D(10), D(2)]  # 10:00 UTC on 06-09, then 06-10
    bad = tmp_path / "bad.csv"
    bad.write_text("when,model,input_tokens,output_tokens\n2025-06-09,o3,1,1\n", encoding="utf-8")
    code, _, err = _cli(built[0], "bill", str(bad))
    assert code == 2 and "no column timestamp" in err
    code, _, err = _cli(built[0], "bill", str(tmp_path / "missing.csv"))
    assert code == 2 and "cannot read" in err
