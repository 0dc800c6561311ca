"""The coding-plan snapshot importer (pipelines/history/importers/coding_plans.py) on the three bundled snapshots
(seed/coding_plans/, MIT: jqknono/coding-plans-for-copilot's assets/provider-pricing.json at three commits).

Evidence for each expected value: the snapshot file and entry named in the assertion's comment (the scraper read it
off the seller's page https://bigmodel.cn/glm-coding on that day)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pipelines.history.importers import coding_plans
from tests.conftest import ROOT

DIR = ROOT / "seed" / "coding_plans"


def zhipu(rows, day, plan, period="month"):
    got = [r for r in rows if r["provider"] == "zhipu" and r["plan"] == plan and r["billing_period"] == period
           and r["observed_at"].date() == day]
    assert len(got) == 1, got
    return got[0]


def test_zhipu_lite_is_49_yuan_in_february_and_118_in_august():
    rows, problems = coding_plans.read_all(DIR)
    assert problems == []
    # 2026-02-15 file, providers[0] 'zhipu-ai', plans[0] "GLM Coding Lite (月)": currentPrice 49, "¥49/月"
    feb = zhipu(rows, dt.date(2026, 2, 15), "Lite")
    assert (feb["price"], feb["currency"], feb["product"], feb["region"]) == (Decimal(49), "CNY", "GLM Coding Plan",
                                                                            "cn-mainland")
    assert feb["source"] == "coding_plans_snapshots" and feb["source_url"] == "https://bigmodel.cn/glm-coding"
    assert feb["location"].startswith("2026-02-15_coding-plans-for-copilot_provider-pricing.json providers[0]")
    # 2026-08-22 file, 'zhipu-ai' "GLM Coding Lite": currentPrice 118 "¥118/月", serviceDetails "每周 10,000 积分"
    aug = zhipu(rows, dt.date(2026, 8, 22), "Lite")
    assert aug["price"] == 118
    assert (aug["quota_amount"], aug["quota_unit"], aug["quota_per"]) == (10_000, "credits", "week")
    # Pro / Max: ¥149 / ¥469 on 2026-02-15 (plans[1], plans[2]); ¥538 / ¥1078 on 2026-08-22
    assert [zhipu(rows, dt.date(2026, 2, 15), p)["price"] for p in ("Pro", "Max")] == [149, 469]
    assert [zhipu(rows, dt.date(2026, 8, 22), p)["price"] for p in ("Pro", "Max")] == [538, 1078]
    # 2026-02-15 "GLM Coding Lite (季)": currentPrice 132.3, originalPrice 147 ("¥147/季"), unit 季
    q = zhipu(rows, dt.date(2026, 2, 15), "Lite", "quarter")
    assert (q["price"], q["list_price"]) == (Decimal("132.3"), Decimal(147))
    # USD at the ECB rate of the day (the one FX path): price / fx_rate
    assert feb["usd_price"] == (Decimal(49) / feb["fx_rate"]).quantize(Decimal("1e-12"))


def test_each_snapshot_is_evidence_dated_by_its_generated_at():
    rows, _ = coding_plans.read_all(DIR)
    by_day = {}
    for r in rows:
        by_day.setdefault(r["observed_at"].date(), set()).add(r["scope"])
    # generatedAt 2026-02-15T03:05:20.923Z (5 sellers), 2026-05-01 and 2026-08-22 (26 sellers each)
    assert {d: len(s) for d, s in by_day.items()} == {dt.date(2026, 2, 15): 5, dt.date(2026, 5, 1): 26,
                                                      dt.date(2026, 8, 22): 26}
    assert {r["partition_date"] for r in rows} == set(by_day)


def test_quota_status_and_period_rules():
    rows, _ = coding_plans.read_all(DIR)
    feb = {r["plan"] + "/" + r["billing_period"]: r for r in rows
           if r["provider"] == "minimax" and r["observed_at"].date() == dt.date(2026, 2, 15)}
    # 2026-02-15 'minimax-ai' "Plus 高性价比": "¥49 /月", notes "用量: 100 prompts / 每 5 小时"
    plus = feb["Plus/month"]
    assert (plus["price"], plus["quota_amount"], plus["quota_unit"], plus["quota_per"]) == (49, 100, "prompts",
                                                                                           "5 hours")
    # "Starter 立省两个月": "¥290 /年"
    assert feb["Starter/year"]["price"] == 290
    # 2026-02-15 'aliyun-ai' "Lite 基础套餐": "10元/首月", unit 首月, "每月1.8万次请求"
    lite = next(r for r in rows if r["provider"] == "alibaba" and r["billing_period"] == "first_month")
    assert (lite["price"], lite["quota_amount"], lite["quota_unit"], lite["quota_per"]) == (10, 18_000, "requests",
                                                                                           "month")
    # 2026-08-22 'github-copilot' "GitHub Copilot Pro": "$10/月", "300 premium requests/月（可额外购买）"
    pro = next(r for r in rows if r["provider"] == "github" and r["plan"] == "Pro"
               and r["observed_at"].date() == dt.date(2026, 8, 22))
    assert (pro["price"], pro["currency"], pro["quota_amount"], pro["quota_per"]) == (10, "USD", 300, "month")
    # a plan whose text says 已停止新购 / 已售罄 is closed to new buyers
    assert {(r["provider"], r["plan"]) for r in rows if r["status"] == "closed_to_new_buyers"} == {
        ("stepfun-step-plan", "Flash Pro"), ("alibaba", "Lite")}


def test_quota_wordings_with_scale_words_and_estimates():
    rows, _ = coding_plans.read_all(DIR)
    aug = {(r["provider"], r["product"], r["plan"]): r for r in rows if r["observed_at"].date() == dt.date(2026, 8, 22)}

    def q(key):
        r = aug[key]
        return r["quota_amount"], r["quota_unit"], r["quota_per"], r["quota_is_estimate"]

    # 'tencent-cloud-ai' "Coding Plan Lite": "用量限制: 每 5 小时：最多约 1,200 次请求 每周：..."
    assert q(("tencent", "Coding Plan", "Lite")) == (1200, "requests", "5 hours", True)
    # 'huawei-token-plan' "Token Plan Standard": "用量限制: 每订阅月 1.3 亿 Tokens"
    assert q(("huawei", "Token Plan", "Standard")) == (130_000_000, "tokens", "month", False)
    # 'stepfun-step-plan' "Flash Mini": "月使用量: 400M Credits"
    assert q(("stepfun-step-plan", "Coding Plan", "Flash Mini")) == (400_000_000, "credits", "month", False)
    # 'minimax-ai' "Plus": "月度约 6 亿+ token M3 用量" (a token-plan page: product Token Plan)
    assert q(("minimax", "Token Plan", "Plus")) == (600_000_000, "tokens", "month", True)
    # 'baidu-qianfan-ai' "Token Plan Mini": "额度规格: 1000万 Token" gives no window: no quota, never a guessed one
    assert q(("baidu", "Token Plan", "Mini"))[0] is None
