"""The reconciled history as a mart (marts.price_history, built by the asset from every source's evidence) on the
warehouse the real pipeline builds from the bundled data (tests/conftest.py ``built``/``wh``): it answers the
point-in-time questions of test_point_in_time.py as `tokenprices price` does, holds exactly what the rules of
pipelines/history/reconcile.py give for each key, and keeps no price the sanity rules quarantine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pipelines.history import lookup, reconcile
from tests.history.test_point_in_time import QUESTIONS, grade

D = dt.date.fromisoformat


def mart_pair(wh, provider, model, day):
    """(input, output) USD per 1M tokens of marts.price_history on ``day`` (standard tier, base context, global)."""
    rows = dict(wh.execute(
        """SELECT price_kind, usd_per_mtok FROM marts.price_history WHERE provider = $p AND model = $m
           AND service_tier = 'standard' AND tier_min_tokens = 0 AND region = 'global' AND currency = 'USD'
           AND conditions = '' AND price_kind IN ('input', 'output')
           AND valid_from <= $d AND (valid_to IS NULL OR valid_to > $d)""",
        {"p": provider, "m": model, "d": D(day)}).fetchall())
    return (rows["input"].normalize(), rows["output"].normalize()) if len(rows) == 2 else None


def test_the_mart_answers_every_point_in_time_question(wh):
    # `tokenprices price` (lookup.answer) reads the mart: every question of test_point_in_time.py is right
    got = grade(lambda con, name, day, provider, region: lookup.answer(con, name, day, provider, region), wh)
    assert (len(got["correct"]), got["wrong"], got["missing"]) == (len(QUESTIONS), [], [])


def test_the_mart_holds_what_the_rules_give_for_every_key_asked(wh):
    # for every seller's model a question was answered from: the mart's runs (one pass over all the evidence in the
    # asset) are the runs reconcile.reconcile gives that model's evidence at query time, key for key
    asked = set()
    for name, day, provider, region, _expected, _evidence in QUESTIONS:
        res = lookup.answer(wh, name, D(day), provider, region)
        for a in res["answers"]:
            asked.add((a["provider"], (a["alias_of"] or {}).get("target") or a["model"]))
    assert len(asked) >= 35  # 38 sellers' models answer the 56 questions
    for provider, model in sorted(asked):
        want = {(k[2:], r.valid_from, r.valid_to, r.value, r.source, tuple(sorted(r.sources)), r.last_confirmed)
                for k, ev in lookup.evidence(wh, provider, model).items() for r in reconcile.reconcile(ev)}
        have = {((kind, tier, n, region, cur, cond), vf, vt, usd.normalize(), src, tuple(srcs), confirmed)
                for kind, tier, n, region, cur, cond, vf, vt, usd, src, srcs, confirmed in wh.execute(
                    """SELECT price_kind, service_tier, tier_min_tokens, region, currency, conditions, valid_from,
                              valid_to, usd_per_mtok, source, sources, last_confirmed
                       FROM marts.price_history WHERE provider = $p AND model = $m""",
                    {"p": provider, "m": model}).fetchall()}
        assert have == {(k, vf, vt, v.normalize(), s, ss, c) for k, vf, vt, v, s, ss, c in want}, (provider, model)


@pytest.mark.parametrize(("day", "pair"), [
    ("2024-04-01", ("8", "24")),    # seed/pages/mistral 2024-04-01 capture: Mistral Large $8 / $24 (LiteLLM the same)
    ("2024-06-10", ("4", "12")),    # LiteLLM mistral/mistral-large-latest 4e-06 / 1.2e-05 from 2024-06-06
    ("2024-08-01", ("3", "9")),     # LiteLLM 3e-06 / 9e-06 from 2024-07-25
    ("2025-06-01", ("2", "6")),     # LiteLLM 2e-06 / 6e-06 from 2025-01-14
    ("2026-07-01", ("0.5", "1.5")),  # LiteLLM 5e-07 / 1.5e-06 from 2026-03-02; the 2026-07-27 page says the same
])
def test_a_2024_page_capture_does_not_mask_the_later_cuts(wh, day, pair):
    assert mart_pair(wh, "mistral", "mistral-large-latest", day) == tuple(Decimal(v) for v in pair)


def test_the_page_is_not_undone_by_a_lagging_dataset_and_latest_agrees(wh):
    # DeepSeek's cut to 0.28 / 0.42 of 2025-09-29 (overrides/price_overrides.csv, https://api-docs.deepseek.com/news/
    # news250929); the 2025-12-20 page capture (seed/pages/deepseek) shows it; LiteLLM's deepseek/deepseek-chat key
    # still said 0.27 / 1.10 until 2026-01-13: lagging, not a change back
    assert mart_pair(wh, "deepseek", "deepseek-chat", "2025-10-15") == (Decimal("0.28"), Decimal("0.42"))
    assert mart_pair(wh, "deepseek", "deepseek-chat", "2025-12-31") == (Decimal("0.28"), Decimal("0.42"))
    row = wh.execute(
        """SELECT usd_per_mtok, sources, n_sources FROM marts.latest_prices WHERE provider = 'deepseek'
           AND model = 'deepseek-chat' AND price_kind = 'input' AND service_tier = 'standard' AND currency = 'USD'
           AND tier_min_tokens = 0""").fetchone()
    assert row[0] == Decimal("0.28") and "deepseek_pricing" in row[1] and row[2] == len(row[1]) >= 2


def test_latest_is_the_current_run_of_the_reconciled_history(wh):
    key = "provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions"
    current = wh.execute(
        f"""SELECT {key}, usd_per_mtok, source, sources, last_confirmed FROM marts.price_history
            WHERE valid_from <= current_date AND (valid_to IS NULL OR valid_to > current_date)
            EXCEPT SELECT {key}, usd_per_mtok, source, sources, last_confirmed FROM marts.latest_prices""").fetchall()
    assert current == []
    # a price only genai-prices' feed shows carries the feed's own date (the pinned file's commit date, 2026-08-21,
    # pipelines/history/importers/genai_prices.py DATASET_DATE), never the day the warehouse was built
    feed_only = wh.execute(
        """SELECT DISTINCT last_confirmed FROM marts.latest_prices WHERE sources = ['genai_prices']""").fetchall()
    assert feed_only and max(d for (d,) in feed_only) <= dt.date(2026, 9, 1)


#: the slips issue 20 names, as quarantined on import: (provider, model LIKE, price kind, value, reason)
NAMED_SLIPS = [
    ("wandb", "%", "input", None, "far from the market"),          # wandb/* at 10,000+ per 1M (10^6x)
    ("azure_ai", "jais-30b-chat", "output", "9710", "far from the market"),
    ("watsonx", "core42/jais-13b-chat", "output", "2000", "far from the market"),
    ("novita", "%", "input", None, "unit slip"),                    # novita's per-1K values of 2026-01-09
    ("novita", "thudm/glm-4.1v-9b-thinking", "output", "1104", "unit slip"),  # alive only in that window
    ("google", "gemini-1.5-pro", "input", "0", "zero placeholder"),  # LiteLLM's 0 before the paid price was known
    ("anthropic", "claude-3-5-haiku-20241022", "cache_read", "0.8", "cache read"),  # = its input, 2025-02-28
]


@pytest.mark.parametrize("slip", NAMED_SLIPS, ids=lambda s: f"{s[0]}/{s[1]}/{s[2]}")
def test_the_named_slips_are_quarantined_and_in_no_history_nor_latest(wh, slip):
    provider, model, kind, value, reason = slip
    held = wh.execute(
        """SELECT provider, model, price_kind, usd_per_mtok, valid_from, valid_to, reason FROM staging.quarantined_runs
           WHERE provider = $p AND model LIKE $m AND price_kind = $k AND split_part(reason, ':', 1) LIKE $r || '%'
             AND ($v IS NULL OR usd_per_mtok = CAST($v AS DECIMAL(38, 12)))""",
        {"p": provider, "m": model, "k": kind, "r": reason, "v": value}).fetchall()
    assert held, slip
    for table in ("marts.price_history", "marts.source_price_history", "marts.latest_prices"):
        vt = "valid_to" if table != "marts.latest_prices" else "CAST(NULL AS DATE)"  # latest: in force today
        for p, m, k, v, start, end, _ in held:
            n = wh.execute(
                f"""SELECT count(*) FROM {table} WHERE provider = $p AND model = $m AND price_kind = $k
                    AND usd_per_mtok = $v AND valid_from < coalesce(CAST($end AS DATE), DATE '9999-12-31')
                    AND coalesce({vt}, DATE '9999-12-31') > $start""",
                {"p": p, "m": m, "k": k, "v": v, "start": start, "end": end}).fetchone()[0]
            assert n == 0, (table, p, m, k, v, start)


def test_no_token_price_anywhere_is_out_of_the_market(wh):
    # the dearest real token price in the data: o1-pro output at $600 per 1M (LiteLLM o1-pro 6e-04 per token);
    # wandb's 10,000, jais' 9,710 and novita's 1,104 are quarantined
    for table in ("marts.price_history", "marts.source_price_history", "marts.latest_prices"):
        top, low = wh.execute(
            f"""SELECT max(usd_per_mtok), min(usd_per_mtok) FROM {table}
                WHERE price_kind IN ('input', 'output', 'cache_read') AND currency = 'USD'""").fetchone()
        assert top == Decimal(600) and low >= 0, table


def test_no_cache_read_at_or_above_the_input_price_anywhere(wh):
    # a cache hit never costs more than the uncached input (issue 20). Imported runs: LiteLLM's
    # claude-3-5-haiku-20241022 cache read 0.8 = its input (quarantined on import). Pages: the OpenRouter API of
    # 2026-08-19 (seed/pages/openrouter/2026-08-19_api-v1-models.json) lists input_cache_read equal to prompt for
    # openai/gpt-oss-120b (0.00000003 / 0.00000003 per token): held in staging.quarantine with the reason
    held = wh.execute(
        """SELECT usd_per_mtok, reason FROM staging.quarantine WHERE source = 'openrouter_models_api'
           AND model = 'openai/gpt-oss-120b' AND price_kind = 'cache_read'""").fetchall()
    assert len(held) == 1 and held[0][0] == Decimal("0.03") and "at or above the input price" in held[0][1]
    key = "provider, model, service_tier, tier_min_tokens, region, currency, conditions"
    for table in ("marts.price_history", "marts.source_price_history", "marts.latest_prices"):
        same_source = "AND c.source = i.source" if table == "marts.source_price_history" else ""
        i_end, c_end = ("i.valid_to", "c.valid_to") if table != "marts.latest_prices" else ("NULL", "NULL")
        n = wh.execute(
            f"""SELECT count(*) FROM {table} c JOIN {table} i USING ({key})
                WHERE c.price_kind = 'cache_read' AND i.price_kind = 'input' {same_source}
                  AND i.usd_per_mtok > 0 AND c.usd_per_mtok >= i.usd_per_mtok
                  AND c.valid_from < coalesce({i_end}, DATE '9999-12-31')
                  AND i.valid_from < coalesce({c_end}, DATE '9999-12-31')""").fetchone()[0]
        assert n == 0, table
