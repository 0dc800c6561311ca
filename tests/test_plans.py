"""Subscriptions and resource packs in the warehouse and against a workload (issue 18): the plan marts of the built
warehouse (the session fixture: the real pipeline on the bundled captures and the coding-plan snapshots), the plan
ranking of ``tokenprices cost``, and the ``plans`` / ``parse`` / ``check-pages`` commands.

Evidence: the Zhipu prices are the scraper's (seed/coding_plans/, files named in each assertion); the MiniMax quotas and
prices are the sellers' pages (seed/pages/minimax/2025-12-19_*.md) and the 2026-02-15 snapshot."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal

import pytest

from pipelines.cost import plans as P
from pipelines.sources.registry import source_for_url
from tests.conftest import PAGES, ROOT
from tests.conftest import run_cli as run

MARCH = dt.date(2026, 3, 1)
PROFILE = ROOT / "profiles" / "coding_assistant.yaml"


def test_plan_history_has_zhipu_lite_at_49_then_118(wh):
    got = wh.execute("""SELECT price, valid_from, valid_to, source FROM marts.billing_plan_history
                        WHERE provider = 'zhipu' AND product = 'GLM Coding Plan' AND plan = 'Lite'
                          AND billing_period = 'month' ORDER BY valid_from""").fetchall()
    # 2026-02-15 and 2026-05-01 snapshots: ¥49 (one interval); 2026-08-22: ¥118, still in force
    assert got == [(Decimal(49), dt.date(2026, 2, 15), dt.date(2026, 8, 22), "coding_plans_snapshots"),
                   (Decimal(118), dt.date(2026, 8, 22), None, "coding_plans_snapshots")]
    # the quarterly price of 2026-02-15 is missing from the 2026-05-01 snapshot of the same seller: it ends there
    q = wh.execute("""SELECT price, valid_to FROM marts.billing_plan_history WHERE provider = 'zhipu'
                      AND plan = 'Lite' AND billing_period = 'quarter'""").fetchall()
    assert q == [(Decimal("132.3"), dt.date(2026, 5, 1))]


def test_plan_changes_sit_beside_price_changes(wh):
    ch = wh.execute("""SELECT old_price, new_price, changed_at, round(pct_change, 2) FROM marts.billing_plan_changes
                       WHERE provider = 'zhipu' AND plan = 'Lite' AND billing_period = 'month'""").fetchall()
    assert ch == [(Decimal(49), Decimal(118), dt.date(2026, 8, 22), 140.82)]
    # marts.price_changes stays token prices: no plan in it
    assert wh.execute("SELECT count(*) FROM marts.price_changes WHERE model IN ('Lite', 'GLM Coding Lite')").fetchone() == (0,)


def test_plans_in_force_are_the_open_intervals_with_provenance(wh):
    n_open = wh.execute("SELECT count(*) FROM marts.billing_plan_history WHERE valid_to IS NULL").fetchone()[0]
    assert wh.execute("SELECT count(*) FROM marts.billing_plans").fetchone()[0] == n_open > 0
    lite = wh.execute("""SELECT price, currency, usd_price > 0, first_seen, last_seen, source_url, location
                         FROM marts.billing_plans WHERE provider = 'zhipu' AND plan = 'Lite'""").fetchall()
    assert lite == [(Decimal(118), "CNY", True, dt.date(2026, 8, 22), dt.date(2026, 8, 22),
                     "https://bigmodel.cn/glm-coding",
                     "2026-08-22_coding-plans-for-copilot_provider-pricing.json providers[25] 'zhipu-ai' "
                     "plans[0] 'GLM Coding Lite'")]


def usage() -> P.PlanUsage:
    u = P.load_usage(PROFILE)
    assert u is not None
    return u


def test_bundled_profile_states_the_same_tokens_in_both_units():
    import yaml

    doc = yaml.safe_load(PROFILE.read_text(encoding="utf-8"))
    assert {k: Decimal(v) for k, v in doc["monthly_tokens"].items()} == usage().monthly_tokens()


def test_coding_assistant_ranks_subscriptions_beside_pay_as_you_go(wh):
    u = usage()
    costs = P.rank_plans(P.plans_on(wh, MARCH), P.payg_options(wh, MARCH, u), u)
    kinds = {c.kind for c in costs}
    assert {"subscription", "pay_as_you_go"} <= kinds
    by = {(c.provider, c.option): c for c in costs}
    # MiniMax Coding Plan Starter ¥29 a month (2026-02-15 snapshot: "¥29 /月", "40 prompts / 每 5 小时"): the
    # profile's 40 peak prompts per 5 hours fit exactly
    starter = by[("minimax", "Coding Plan / Starter (month)")]
    assert starter.covers is True and starter.coverage == "uses 40 of 40 prompts per 5 hours"
    fx = wh.execute("""SELECT fx_rate FROM staging.billing_plans WHERE provider = 'minimax' AND plan = 'Starter'
                          AND billing_period = 'month' AND CAST(observed_at AS DATE) = DATE '2026-02-15'""").fetchone()[0]
    assert starter.monthly_usd == (Decimal(29) / fx).quantize(Decimal("1e-12"))  # ECB rate of 2026-02-15
    # break-even against the cheapest pay-as-you-go seller of MiniMax-M2: monthly price / (USD per prompt) / days
    payg = {m: P.payg_per_request(d, u) for p, m, d in P.payg_options(wh, MARCH, u) if m == "MiniMax-M2"}
    per_prompt = min(payg.values()) * u.requests_per_prompt
    assert starter.break_even == f"{starter.monthly_usd / per_prompt / u.days_per_month:,.1f} prompts a day"
    # a plan is cheaper than pay-as-you-go for this usage, and the ranking is cheapest first among those that cover
    covering = [c for c in costs if c.covers is not False]
    assert [c.monthly_usd for c in covering] == sorted(c.monthly_usd for c in covering)
    assert covering[0].kind == "subscription" and covering[0].monthly_usd < min(
        c.monthly_usd for c in costs if c.kind == "pay_as_you_go")


def test_usage_above_a_quota_marks_the_plan_not_covering(wh):
    u = dataclasses.replace(usage(), peak_prompts_per_5h=Decimal(50))
    costs = P.rank_plans(P.plans_on(wh, MARCH), P.payg_options(wh, MARCH, u), u)
    by = {(c.provider, c.option): c for c in costs}
    starter = by[("minimax", "Coding Plan / Starter (month)")]
    assert starter.covers is False
    assert starter.coverage == ("NOT COVERED: 50 prompts per 5 hours needed, quota 40: 10 over (+25%)")
    assert by[("minimax", "Coding Plan / Plus (month)")].covers is True  # 100 prompts per 5 hours
    assert costs.index(starter) > max(i for i, c in enumerate(costs) if c.covers is not False)


def test_speech_packs_at_their_unit_price_with_validity_and_break_even(wh):
    """The speech packs of the real capture (minimax/2025-12-19_audio-package-cn.md) against MiniMax's pay-as-you-go
    speech price in the built warehouse (minimax/2025-12-20_pricing-pay-as-you-go_zh-cn.md: speech-2.6-hd 3.5 元 per
    10K characters). The capture's date is an estimate, so its plans are not replayed into the warehouse; the test
    turns them into rows with the same function the pipeline uses."""
    file, url = "minimax/2025-12-19_audio-package-cn.md", "https://platform.minimaxi.com/docs/pricing/audio-package.md"
    page = source_for_url(url).read((PAGES / file).read_bytes(), url)
    rows = P.plan_rows(page.plans, source="minimax_plans_cn", source_url=url, snapshot_sha256="x",
                       observed_at=dt.datetime(2025, 12, 19, tzinfo=dt.UTC))
    rows = [{**r, "valid_from": dt.date(2025, 12, 19)} for r in rows]
    u = P.PlanUsage(products=(("minimax/语音资源包/HD 系列", "speech-2.6-hd"),),
                    characters_per_month=Decimal(3_000_000), speech_models=("speech-2.6-hd",))
    speech = P.speech_payg(wh, dt.date(2025, 12, 20), u)
    assert [(p, m) for p, m, _ in speech] == [("minimax", "speech-2.6-hd")]
    costs = P.rank_plans(rows, [], u, speech)
    by = {c.option: c for c in costs}
    one = by["语音资源包 / HD 系列 语音套餐一 (pack)"]
    # ¥630 for 2,000,000 characters, valid 1 month (折扣价 / 总字符数量 / 有效期 of the HD 系列 table)
    assert one.unit_price == "3.1500 CNY per 10K characters, valid 1 month(s)"
    # 3M characters a month need 2 of these packs a month
    assert one.coverage == "2 pack(s) per 1 month(s)"
    assert one.monthly_usd == rows[0]["usd_price"] * 2
    three = by["语音资源包 / HD 系列 语音套餐三 (pack)"]  # ¥56,000 for 200M characters, valid 1 year: one pack
    assert three.coverage == "1 pack(s) per 12 month(s)" and three.monthly_usd == rows[2]["usd_price"] / 12
    per_char = speech[0][2]
    assert three.break_even == f"{three.monthly_usd / per_char:,.0f} characters a month"
    assert {c.kind for c in costs} == {"resource_pack", "pay_as_you_go"}
    assert not any("Turbo" in c.option for c in costs)  # the profile runs HD only


@pytest.mark.parametrize("file,url,n", [
    ("zhipu/2025-12-19_glm-coding-plan-overview-cn.md", "https://docs.bigmodel.cn/cn/coding-plan/overview.md", 3),
    ("minimax/2025-12-19_coding-plan-cn.md", "https://platform.minimaxi.com/docs/pricing/coding-plan.md", 5),
    ("minimax/2025-12-19_coding-plan-en.md", "https://platform.minimax.io/docs/pricing/coding-plan.md", 6),
    ("minimax/2025-12-19_video-package-cn.md", "https://platform.minimaxi.com/docs/pricing/video-package.md", 4),
    ("minimax/2025-12-19_video-package-en.md", "https://platform.minimax.io/docs/pricing/video-package.md", 4),
    ("minimax/2025-12-19_audio-package-cn.md", "https://platform.minimaxi.com/docs/pricing/audio-package.md", 6),
    ("minimax/2025-12-19_audio-subscription-en.md", "https://platform.minimax.io/docs/pricing/audio-subscription.md", 15),
])
def test_parse_prints_the_plans_of_each_page(file, url, n):
    out = run("parse", str(PAGES / file), "--url", url, "--observed-at", "2025-12-19")
    assert out.returncode == 0, out.stderr
    plans = [json.loads(line)["plan"] for line in out.stdout.splitlines()]
    assert len(plans) == n and all(p["source_url"] == url for p in plans)
    assert f"{n} plans (subscriptions and packs)" in out.stderr


def test_check_pages_counts_plans_as_content():
    out = run("check-pages", str(PAGES))
    assert out.returncode == 0, out.stdout[-2000:]
    assert "minimax/2025-12-19_audio-subscription-en.md: minimax_plans_intl 0 quotes, 0 other units, 0 models, " \
           "15 plans, 0 findings" in out.stdout
    assert "0 yielding nothing" in out.stderr


def test_plans_command_lists_plans_in_force(built):
    env = {"TOKENPRICES_WAREHOUSE": str(built[0])}
    out = run("plans", "--provider", "zhipu", "--at", "2026-03-01", env=env)
    assert out.returncode == 0, out.stderr
    lines = [line for line in out.stdout.splitlines() if "GLM Coding Plan" in line]
    assert len(lines) == 9  # Lite / Pro / Max x month / quarter / year of the 2026-02-15 snapshot
    assert any("Lite" in line and "49 CNY" in line and "month" in line for line in lines)
    later = run("plans", "--provider", "zhipu", "--at", "2026-09-01", env=env)
    assert any("Lite" in line and "118 CNY" in line for line in later.stdout.splitlines())
    none = run("plans", "--provider", "nobody", env=env)
    assert none.returncode == 1 and "no plan in force" in none.stderr


def test_cost_command_prints_the_plan_ranking_with_its_assumptions(built):
    env = {"TOKENPRICES_WAREHOUSE": str(built[0])}
    out = run("cost", "coding_assistant", "--at", "2026-03-01", "--top", "3", env=env)
    assert out.returncode == 0, out.stderr
    assert "subscriptions and packs beside pay-as-you-go, prices in force on 2026-03-01" in out.stdout
    assert "assumption: 15 model requests per prompt" in out.stdout
    assert "| subscription  | minimax    | Coding Plan / Starter (month)" in out.stdout
    assert "| pay_as_you_go |" in out.stdout


def test_a_plans_section_with_an_unknown_key_or_negative_usage_is_refused():
    with pytest.raises(ValueError, match=r"unknown plans key\(s\) \['prompts_a_day'\]"):
        P.usage_from_dict({"prompts_a_day": 60}, "p.yaml")
    with pytest.raises(ValueError, match="plans.peak_prompts_per_5h must not be negative"):
        P.usage_from_dict({"peak_prompts_per_5h": -1}, "p.yaml")
    with pytest.raises(ValueError, match="seller/product"):
        P.usage_from_dict({"products": {"Coding Plan": "MiniMax-M2"}}, "p.yaml")
