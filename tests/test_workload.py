"""What a workload costs: the profile loader, the cost rules against hand-computed figures, ``tokenprices cost``
against the README's two worked examples, and the workload assets on a warehouse built by the real pipeline."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal

import pytest

from pipelines.cost import workload as w
from tests.conftest import ROOT, run_cli

D = Decimal
USD = (D(1), None, False)  # fx of a USD list for a USD buyer


def profile(**over) -> w.Profile:
    doc = {"name": "t", "monthly_tokens": {"input": 100_000_000, "cached_input": 0, "output": 10_000_000},
           "buyer": {"region": "global", "currency": "USD"}}
    doc.update(over)
    return w.profile_from_dict(doc, "test")


def option(*rows, provider="p", model="m", region="global", currency="USD") -> w.Option:
    """rows: (kind, service, tier, amount[, conditions])."""
    return w.Option(provider, model, region, currency,
                    [w.PriceRow(r[0], r[1], r[2], r[4] if len(r) > 4 else "", D(str(r[3]))) for r in rows])


def offer(kind, **kw) -> w.Offer:
    base = dict(provider="p", model="m", region="global", offer_kind=kind, amount=D(0), currency="CNY",
                amount_per_mtok=None, quantity=None, quantity_unit=None, unit="one-off", price_kind=None,
                service_tier=None, tier_min_tokens=0, valid_days=None, conditions=None)
    base.update(kw)
    return w.Offer(**base)


# --------------------------------------------------------------------------------------------- profiles


def test_bundled_profiles_load():
    ps = {p.name: p for p in w.bundled_profiles()}
    assert set(ps) == set(w.BUNDLED)
    rag = ps["rag_long_prompts"]
    assert (rag.input_tokens, rag.cached_input_tokens, rag.output_tokens) == (D(1_200_000_000), D(400_000_000),
                                                                               D(24_000_000))
    assert rag.share_above == ((32000, D("0.6")), (128000, D("0.25")), (200000, D("0.1")), (272000, D("0.02")))
    assert (rag.region, rag.currency, rag.regions) == ("global", "USD", ("global",))
    batch = ps["batch_summarisation"]
    assert (batch.batchable_share, batch.currency, batch.regions, batch.free_quotas) == (
        D(1), "CNY", ("cn-mainland", "global"), True)
    assert ps["chat_assistant"].off_peak_share == D("0.15")
    assert w.resolve_profile_path("chat_assistant") == ROOT / "profiles" / "chat_assistant.yaml"


def test_share_above_interpolates_between_listed_thresholds():
    p = profile(context={"max_prompt_tokens": 400000, "share_above": {32000: 0.6, 128000: 0.2}})
    assert p.above(0) == 1 and p.above(32000) == D("0.6") and p.above(128000) == D("0.2")
    assert p.above(16000) == D("0.8")  # halfway between (0, 1) and (32000, 0.6)
    assert p.above(80000) == D("0.4")  # halfway between 32000 and 128000
    assert p.above(264000) == D("0.1") and p.above(400000) == 0 and p.above(500000) == 0
    assert profile().above(8192) == 0  # no context block: every request at the base tier


@pytest.mark.parametrize("change, message", [
    ({"colour": "blue"}, "unknown key colour"),
    ({"monthly_tokens": {"input": 1, "output": 1, "cachd_input": 5}}, "unknown key monthly_tokens.cachd_input"),
    ({"monthly_tokens": {"input": -5, "output": 1}}, "monthly_tokens.input must not be negative"),
    ({"monthly_tokens": {"input": "lots", "output": 1}}, "monthly_tokens.input must be a number"),
    ({"monthly_tokens": {"input": 0, "output": 0}}, "all zero"),
    ({"monthly_tokens": {"input": 1}}, "missing key monthly_tokens.output"),
    ({"batchable_share": 1.5}, r"batchable_share must be a share in \[0, 1\]"),
    ({"off_peak_share": -0.1}, r"off_peak_share must be a share in \[0, 1\]"),
    ({"batchable_share": 0.7, "off_peak_share": 0.5}, "more than 1"),
    ({"context": {"max_prompt_tokens": 100000, "share_above": {32000: 1.2}}}, r"share_above\[32000\] must be a share"),
    ({"context": {"max_prompt_tokens": 100000, "share_above": {32000: 0.1, 64000: 0.3}}}, "must not increase"),
    ({"context": {"max_prompt_tokens": 100000, "share_above": {128000: 0.1}}}, "not below context.max_prompt_tokens"),
    ({"context": {"share_above": {32000: 0.1}}}, "needs context.max_prompt_tokens"),
    ({"buyer": {"region": "global", "currency": "XYZ"}}, "XYZ.*ECB"),
    ({"buyer": {"region": "Global Region", "currency": "USD"}}, "buyer.region must be a region slug"),
    ({"thinking": "yes"}, "thinking must be true or false"),
])
def test_profile_errors_name_the_key(tmp_path, change, message):
    import yaml

    doc = {"name": "t", "monthly_tokens": {"input": 1000, "output": 100}, "buyer": {"region": "global", "currency": "USD"}}
    doc.update(change)
    f = tmp_path / "p.yaml"
    f.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(w.ProfileError, match=message) as e:
        w.load_profile(f)
    assert str(f) in str(e.value)


def test_profile_file_errors(tmp_path):
    with pytest.raises(w.ProfileError, match="no such profile file"):
        w.load_profile(tmp_path / "missing.yaml")
    with pytest.raises(w.ProfileError, match="neither a file nor"):
        w.resolve_profile_path("no_such_profile")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(w.ProfileError, match="not valid YAML"):
        w.load_profile(bad)
    listy = tmp_path / "list.yaml"
    listy.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(w.ProfileError, match="must be a mapping"):
        w.load_profile(listy)


# --------------------------------------------------------------------------------------------- cost rules


def test_cliff_tiers_cache_reads_and_breakdown():
    # input 2.50 / cache 0.25 / output 15.00, above 272K 5.00 / 0.50 / 22.50; 2% of requests above 272K
    p = profile(monthly_tokens={"input": 1_200_000_000, "cached_input": 400_000_000, "output": 24_000_000},
                context={"max_prompt_tokens": 400000, "share_above": {32000: 0.6, 272000: 0.02}})
    o = option(("input", "standard", 0, 2.5), ("input", "standard", 272000, 5), ("cache_read", "standard", 0, 0.25),
               ("cache_read", "standard", 272000, 0.5), ("output", "standard", 0, 15), ("output", "standard", 272000, 22.5))
    c = w.option_cost(p, o, USD)
    assert (c.input, c.cache, c.output) == (D(3000), D(100), D(360))
    assert c.tier_surcharge == D("65.6")  # 1,200 x 0.02 x 2.50 + 400 x 0.02 x 0.25 + 24 x 0.02 x 7.50
    assert c.total == D("3525.6") and c.discounts == 0 and c.free_quota == 0 and c.notes == ""


def test_kind_without_a_tier_keeps_its_lower_price_and_missing_cache_is_input():
    p = profile(monthly_tokens={"input": 100_000_000, "cached_input": 50_000_000, "output": 10_000_000},
                context={"max_prompt_tokens": 256000, "share_above": {32000: 0.5, 128000: 0.2}})
    # no cache price: cached tokens at the input price of their tier; output priced at the base tier only
    o = option(("input", "standard", 0, 0.8), ("input", "standard", 32000, 1.2), ("input", "standard", 128000, 2.4),
               ("output", "standard", 0, 8))
    c = w.option_cost(p, o, USD)
    # input: 100 x (0.5 x 0.8 + 0.3 x 1.2 + 0.2 x 2.4) = 124; cache as input: 50 x 1.24 = 62; output 10 x 8 = 80
    assert (c.input, c.cache, c.output, c.tier_surcharge, c.total) == (D(80), D(40), D(80), D(66), D(266))
    assert c.notes == "no cache price: cached tokens billed as input"


def test_batch_off_peak_and_batch_discount():
    p = profile(batchable_share=0.5, off_peak_share=0.2)
    o = option(("input", "standard", 0, 2), ("output", "standard", 0, 8), ("input", "batch", 0, 1),
               ("output", "batch", 0, 4), ("input", "off_peak", 0, 0.5), ("output", "off_peak", 0, 2))
    c = w.option_cost(p, o, USD)
    std = D(200) + D(80)  # 100M x 2 + 10M x 8
    # batchable half at the cheapest service (off-peak: 50 + 20 = 70); 20% off-peak at 70
    assert c.discounts == D("0.5") * (70 - std) + D("0.2") * (70 - std)
    assert c.total == std + c.discounts == D(133)  # 30% at 280 + 70% at 70
    # no batch prices, a "Batch调用 半价" offer: batchable share at 50% off
    plain = option(("input", "standard", 0, 2), ("output", "standard", 0, 8))
    half = w.option_cost(profile(batchable_share=1), plain, USD,
                         [offer("batch_discount", amount=D(50), currency=None, unit="percent off")])
    assert half.discounts == -D(140) and half.total == D(140) and "50% off" in half.notes
    assert w.option_cost(profile(batchable_share=1), plain, USD).discounts == 0  # no batch of any kind


def test_conditional_prices_pick():
    out = [("output", "standard", 0, 2, "输出长度 [0, 0.2] (千 token)"), ("output", "standard", 0, 8,
                                                                       "输出长度 (0.2,+∞) (千 token)")]
    c = w.option_cost(profile(), option(("input", "standard", 0, 1), *out), USD)
    assert c.output == D(80)  # the higher one: a short-answer price needs a condition the profile does not state
    think = [("output", "standard", 0, 2, "非思考模式"), ("output", "standard", 0, 8, "思考模式(思维链+回答)")]
    assert w.option_cost(profile(), option(("input", "standard", 0, 1), *think), USD).output == D(20)
    assert w.option_cost(profile(thinking=True), option(("input", "standard", 0, 1), *think), USD).output == D(80)


def test_promotion_free_quota_uplift_and_fx():
    o = option(("input", "standard", 0, 2), ("output", "standard", 0, 8), ("input", "batch", 0, 1.6),
               ("output", "batch", 0, 6.4), currency="CNY")
    promo = offer("promotion", amount=D("0.0004"), amount_per_mtok=D("0.4"), unit="per 1K tokens",
                  price_kind="input", service_tier="batch")
    c = w.option_cost(profile(batchable_share=1), o, USD, [promo])
    assert c.total == D(40) + D(64) and "promotion input/batch 0.4 CNY/M" in c.notes
    # free quota: 1M tokens valid 90 days -> 1,000,000 x 30.4375 / 90 tokens a month, valued at the average price
    quota = offer("free_quota", quantity=D(1_000_000), quantity_unit="tokens", valid_days=90)
    q = w.option_cost(profile(free_quotas=True), o, USD, [quota])
    free = D(1_000_000) * D("30.4375") / 90
    assert q.free_tokens == free and q.free_quota == -D(280) * free / D(110_000_000)
    assert w.option_cost(profile(), o, USD, [quota]).free_quota == 0  # free_quotas: false
    # CNY list for a USD buyer: every column times the rate
    rate = (D(1) / D("7.1"), dt.date(2026, 1, 2), False)
    fx = w.option_cost(profile(), o, rate)
    assert fx.total == D(280) * rate[0] and fx.list_total == D(280) and fx.fx_date == dt.date(2026, 1, 2)
    # a regional uplift adds an option at the global prices x 1.10
    up = w.uplift_options({o.key: o}, [offer("regional_uplift", amount=D(10), currency=None, unit="percent uplift",
                                             region="data-residency")], ("global", "data-residency"))
    [u] = up.values()
    assert u.region == "data-residency" and w.option_cost(profile(), u, USD).total == D(308)


def test_text_model_rule_is_the_forecasts_rule():
    from pipelines.forecast import fit as forecast

    assert w.NON_TEXT_PATTERNS == forecast.NON_TEXT_PATTERNS
    for m in ("gpt-4o", "gpt-4o-audio-preview", "text-embedding-3-small", "ft:gpt-4o:acme", "gemini-2.5-flash-live"):
        assert w.is_text_model(m) == forecast.is_text_model(m), m
    assert w.history_days(dt.date(2024, 3, 15), dt.date(2024, 1, 1)) == [
        (dt.date(2024, 1, 1), dt.date(2024, 1, 31)), (dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        (dt.date(2024, 3, 1), dt.date(2024, 3, 15))]


def test_options_without_base_prices_are_not_priced_and_rank_raises():
    assert w.option_cost(profile(), option(("input", "standard", 0, 1)), USD) is None
    assert w.option_cost(profile(), option(("input", "standard", 0, 0), ("output", "standard", 0, 0)), USD) is None
    with pytest.raises(w.NoPricesError, match="no option of profile 't'"):
        w.rank(profile(), {}, [], dt.date(2026, 1, 1))


# --------------------------------------------------------------------------------------------- on real data

README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## What a workload costs", 1)[1].split("\n## ", 1)[0]
_NUM = r"-?[\d,]+\.\d\d"
RESULT = re.compile(rf"^- (?P<model>[\w.-]+): input (?P<input>{_NUM}) \+ cache (?P<cache>{_NUM}) \+ output "
                    rf"(?P<output>{_NUM}) \+ tiers (?P<tiers>{_NUM}) = (?P<total>{_NUM}) (?P<cur>[A-Z]{{3}}) a month$",
                    re.M)


def _num(s: str) -> Decimal:
    return Decimal(s.replace(",", ""))


def _table(text: str) -> dict[str, dict[str, str]]:
    """Rows of a ``tokenprices cost`` table by model: {column: cell}."""
    lines = [ln for ln in text.splitlines() if ln.startswith("|")]
    head = [c.strip() for c in lines[0].strip("|").split("|")]
    rows = {}
    for ln in lines[2:]:
        cells = dict(zip(head, (c.strip() for c in ln.strip("|").split("|"))))
        rows[cells["model"]] = cells
    return rows


def _cost(db, *args) -> tuple[int, str, str]:
    out = run_cli("cost", *args, env={"TOKENPRICES_WAREHOUSE": str(db)})
    return out.returncode, out.stdout, out.stderr


def test_readme_worked_examples_equal_the_command(built):
    cmd = re.search(r"^\$ tokenprices (cost .*)$", SECTION, re.M).group(1).split()
    assert cmd[:4] == ["cost", "rag_long_prompts", "--at", "2026-08-31"]
    code, out, err = _cost(built[0], *cmd[1:])
    assert code == 0, err
    got = _table(out)
    shown = _table(SECTION.split("$ tokenprices cost", 1)[1].split("```", 1)[0])
    assert set(got) == set(shown) == {"gpt-5.4", "qwen3-max"}
    for model, row in shown.items():  # the README's copy of the output, every column but the rank
        assert {k: v for k, v in row.items() if k != "#"} == {k: v for k, v in got[model].items() if k != "#"}, model
    results = {m.group("model"): m for m in RESULT.finditer(SECTION)}
    assert set(results) == {"gpt-5.4", "qwen3-max"}
    for model, m in results.items():  # the hand calculations' results
        row = got[model]
        for col, key in (("input", "input"), ("cache", "cache"), ("output", "output"), ("tiers", "tiers"),
                         ("total", "total")):
            assert _num(m.group(key)) == _num(row[col]), (model, col)
        assert row["discounts"] == row["free quota"] == "0.00" and m.group("cur") == "USD"
    # the hand calculation of example 2 in CNY, and its conversion at the ECB rate it names
    # (the 2026-06-12 capture: 全球 priced like 中国内地, 2.5 元 input; before, 8.807 and a total of 26,130.5864 元)
    assert "Total 7,038.40 元" in SECTION and "1 USD = 7.7922 / 1.1596 = 6.719731 CNY" in SECTION
    assert got["qwen3-max"]["fx"] == "0.148815 (2026-08-31)"
    assert (D("7038.40") * D("1.1596") / D("7.7922")).quantize(D("0.01")) == _num(got["qwen3-max"]["total"])


def test_cost_command_ranks_and_fails_clearly(built):
    code, out, _ = _cost(built[0], "chat_assistant", "--at", "2026-08-31", "--top", "3")
    assert code == 0
    rows = list(_table(out).values())
    assert [r["#"] for r in rows] == ["1", "2", "3"]
    totals = [_num(r["total"]) for r in rows]
    assert totals == sorted(totals) and totals[0] > 0
    assert "chat_assistant: 150,000,000 input + 300,000,000 cached input + 60,000,000 output tokens" in out
    code, _, err = _cost(built[0], "no_such_profile.yaml")
    assert code == 2 and "no profile file 'no_such_profile.yaml'" in err and ".yaml.yaml" not in err
    code, out, _ = _cost(built[0], "chat_assistant.yaml", "--at", "2026-08-31", "--top", "3")
    assert code == 0 and [_num(r["total"]) for r in _table(out).values()] == totals  # the bundled file by name
    code, _, err = _cost(built[0], "chat_assistant", "--at", "2099-01-01")
    assert code == 2 and "--at 2099-01-01 is in the future" in err
    code, _, err = _cost(built[0], "chat_assistant", "--at", "2020-01-01")
    assert code == 1 and "has input and output prices in force on 2020-01-01" in err
    code, _, err = _cost(built[0], "chat_assistant", "--at", "31/08/2026")
    assert code == 2 and "--at must be a date" in err


def test_regions_of_one_model_side_by_side(wh):
    # qwen3-max input 2.5 元/M (中国内地, <= 32K) beside 8.807 元/M (国际): same profile, two regional options
    p = dataclasses.replace(profile(buyer={"region": "cn-mainland", "currency": "CNY"}),
                            regions=("cn-mainland", "intl"), models=("qwen3-max",))
    costs = {c.region: c for c in w.cost_at(wh, p, dt.date(2026, 8, 31))}
    assert set(costs) == {"cn-mainland", "intl"}
    assert costs["cn-mainland"].input == D(100) * D("2.5") and costs["intl"].input == D(100) * D("8.807")
    assert costs["cn-mainland"].fx_date is None  # CNY list, CNY buyer


def test_openai_regional_uplift_is_an_option_in_its_region(wh):
    p = dataclasses.replace(profile(), regions=("global", "data-residency"), models=("gpt-5.4",),
                            sellers=("openai",))
    costs = {c.region: c for c in w.cost_at(wh, p, dt.date(2026, 8, 31))}
    assert set(costs) == {"global", "data-residency"}
    assert costs["data-residency"].total == costs["global"].total * D("1.1")
    assert "+10% regional uplift (data-residency)" in costs["data-residency"].notes
    # before the 2026 page stated it, there is no such option
    assert {c.region for c in w.cost_at(wh, p, dt.date(2026, 4, 1))} == {"global"}


def test_volcengine_batch_and_cliff_tier_on_real_prices(wh):
    # doubao-seed-1.6: standard input 0.80 / 1.20 / 2.40 (the (128, 256] tier), batch 0.40 / 0.60 / 1.20;
    # output standard 8.00 (answers > 200 tokens) / 16.00 / 24.00, batch 4.00 / 8.00 / 12.00 元 per 1M
    p = profile(context={"max_prompt_tokens": 256000, "share_above": {32000: 0.5, 128000: 0.2}},
                batchable_share=1, buyer={"region": "global", "currency": "CNY"}, sellers=["volcengine"],
                models=["doubao-seed-1.6"])
    [c] = w.cost_at(wh, p, dt.date(2026, 8, 31))
    # standard: input 100 x (0.5x0.8 + 0.3x1.2 + 0.2x2.4) = 124, output 10 x (0.5x8 + 0.3x16 + 0.2x24) = 136;
    # batch: 100 x (0.5x0.4 + 0.3x0.6 + 0.2x1.2) = 62 and 10 x (0.5x4 + 0.3x8 + 0.2x12) = 68
    assert (c.input, c.output, c.tier_surcharge) == (D(80), D(80), D(100))
    assert (c.discounts, c.total) == (D(-130), D(130))


def test_workload_costs_history_2024_to_today(wh):
    from pipelines.forecast.fit import last_complete_month

    today = dt.datetime.now(dt.UTC).date()
    spans = wh.execute(
        """SELECT profile, min(month), max(month), count(DISTINCT month), count(*) FILTER (WHERE rank = 1),
                  max(month) FILTER (WHERE covered), min(total), any_value(currency)
           FROM marts.workload_costs GROUP BY 1 ORDER BY 1""").fetchall()
    assert [s[0] for s in spans] == sorted(w.BUNDLED)
    last = last_complete_month(wh)
    for name, first, end, months, cheapest, covered_to, lowest, currency in spans:
        assert first == dt.date(2024, 3, 1), name  # the price history starts 2024-03-26
        assert end == today.replace(day=1), name
        assert months == cheapest == (end.year - first.year) * 12 + end.month - first.month + 1, name
        assert covered_to == last and lowest > 0
        assert currency == ("CNY" if name == "batch_summarisation" else "USD")
    bad = wh.execute(
        """SELECT count(*) FROM marts.workload_costs
           WHERE abs(input + cache + output + tier_surcharge + discounts + free_quota - total) > 0.00001
              OR discounts > 0 OR free_quota > 0""").fetchone()[0]
    assert bad == 0
    # the RAG profile's gpt-5.4 row of 2026-08 is the README's worked example
    row = wh.execute("""SELECT total, tier_surcharge FROM marts.workload_costs WHERE profile = 'rag_long_prompts'
                        AND month = DATE '2026-08-01' AND model = 'gpt-5.4' AND provider = 'openai'""").fetchone()
    assert row == (D("3525.600000"), D("65.600000"))
    # free quotas count for batch_summarisation (a new account) on Alibaba's options once the page was seen
    fq = wh.execute("""SELECT min(month), max(free_tokens) FROM marts.workload_costs
                       WHERE profile = 'batch_summarisation' AND free_quota < 0""").fetchone()
    assert fq[0] == dt.date(2026, 2, 1) and fq[1] > D("338194")


def test_billing_offers_mart(wh):
    q = wh.execute("""SELECT quantity, quantity_unit, valid_days, unit, first_seen, currency FROM marts.billing_offers
                      WHERE provider = 'alibaba' AND model = 'qwen3-max' AND offer_kind = 'free_quota'
                        AND region = 'cn-mainland'""").fetchall()
    assert q == [(D("1000000.000000"), "tokens", 90, "one-off", dt.date(2026, 2, 27), "CNY")]
    t = wh.execute("""SELECT amount, currency, unit, quantity, quantity_unit, usd_amount > 0 FROM marts.billing_offers
                      WHERE provider = 'volcengine' AND model = 'doubao-seed-1.6' AND price_kind = 'input'
                        AND unit = 'per hour'""").fetchall()
    assert t == [(D("1.920000000000"), "CNY", "per hour", D("10000.000000"), "TPM", True)]
    kinds = dict(wh.execute("SELECT offer_kind, count(*) FROM marts.billing_offers GROUP BY 1").fetchall())
    assert set(kinds) == {"free_quota", "free_tier", "provisioned_throughput", "model_unit", "batch_discount",
                          "regional_uplift"}  # Baidu's undated capture (its promotions) is not replayed
    # marts.latest_prices stays per-token
    units = {u for (u,) in wh.execute("SELECT DISTINCT original_unit FROM marts.latest_prices").fetchall()}
    assert units <= {"per 1M tokens", "per 1K tokens", "per token"}


def test_workload_forecast_rows(wh, built):
    rows = wh.execute("""SELECT profile, count(*), min(month), max(month), bool_and(lo95 <= lo80 AND lo80 <= yhat
                         AND yhat <= hi80 AND hi80 <= hi95 AND lo95 > 0) FROM forecasts.workload_cost_forecast
                         GROUP BY 1 ORDER BY 1""").fetchall()
    last = wh.execute("SELECT max(month) FROM marts.workload_costs WHERE covered").fetchone()[0]
    first = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    assert [r[0] for r in rows] == sorted(w.BUNDLED)
    for name, n, lo, hi, ordered in rows:
        assert (n, lo, ordered) == (12, first, True), name
    dec = wh.execute("""SELECT profile, factor, ci_low, ci_high, n_obs, model, yhat_12, cheapest
                        FROM forecasts.workload_cost_decline ORDER BY 1""").fetchall()
    assert len(dec) == 3
    for name, factor, lo, hi, n_obs, model, yhat12, cheapest in dec:
        assert lo <= factor <= hi and n_obs >= 24 and model in ("naive", "drift", "loglinear", "ets_damped", "uc_llt")
        assert yhat12 > 0 and "/" in cheapest
    meta = {}
    for result in built[2]:
        for ev in result.all_events:
            if ev.event_type_value == "ASSET_MATERIALIZATION":
                m = ev.step_materialization_data.materialization
                if m.asset_key.to_user_string() == "forecasts/workload_cost_forecast":
                    meta = m.metadata
    assert meta["dagster/row_count"].value == 36
    for name in w.BUNDLED:
        assert isinstance(meta[f"decline_factor/{name}"].value, float)
        assert meta[f"ci_low/{name}"].value <= meta[f"decline_factor/{name}"].value <= meta[f"ci_high/{name}"].value
        assert meta[f"cost_in_12_months/{name}"].value > 0
    assert meta["plot"].value.startswith("![") and "forecast_12_months" in meta
