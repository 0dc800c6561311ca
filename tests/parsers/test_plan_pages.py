"""Subscription and resource-pack pages (pipelines/sources/plans.py), read through ``Source.read`` on the real
captures in seed/pages (the sellers' own .md exports, 2025-12-19, date an estimate). Every expected value is read off
the capture; each test says where on the page it is."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.sources.registry import source_for_url
from tests.conftest import PAGES

ZHIPU = ("zhipu/2025-12-19_glm-coding-plan-overview-cn.md", "https://docs.bigmodel.cn/cn/coding-plan/overview.md")
CODING_CN = ("minimax/2025-12-19_coding-plan-cn.md", "https://platform.minimaxi.com/docs/pricing/coding-plan.md")
CODING_EN = ("minimax/2025-12-19_coding-plan-en.md", "https://platform.minimax.io/docs/pricing/coding-plan.md")
VIDEO_CN = ("minimax/2025-12-19_video-package-cn.md", "https://platform.minimaxi.com/docs/pricing/video-package.md")
VIDEO_EN = ("minimax/2025-12-19_video-package-en.md", "https://platform.minimax.io/docs/pricing/video-package.md")
AUDIO_CN = ("minimax/2025-12-19_audio-package-cn.md", "https://platform.minimaxi.com/docs/pricing/audio-package.md")
AUDIO_SUB = ("minimax/2025-12-19_audio-subscription-en.md",
             "https://platform.minimax.io/docs/pricing/audio-subscription.md")
ALL = (ZHIPU, CODING_CN, CODING_EN, VIDEO_CN, VIDEO_EN, AUDIO_CN, AUDIO_SUB)


def read(capture):
    file, url = capture
    page = source_for_url(url).read((PAGES / file).read_bytes(), url)
    return page, {(p.plan, p.billing_period): p for p in page.plans}


def row(p):
    """(price, period, quota amount, quota unit, quota window) of a plan."""
    return p.price, p.billing_period, p.quota_amount, p.quota_unit, p.quota_per


@pytest.mark.parametrize("capture", ALL, ids=lambda c: c[0])
def test_every_plan_page_reads_whole_with_no_finding_and_no_token_price(capture):
    page, plans = read(capture)
    assert page.prices == [] and page.findings == [] and len(plans) == len(page.plans) >= 3


def test_zhipu_glm_coding_plan_tiers_quotas_models_promotion_and_no_price():
    page, plans = read(ZHIPU)
    # "### 用量说明": "**Lite 套餐**：每 5 小时最多约 120 次 prompts" (Pro 约 600, Max 约 2400): about, per 5 hours
    assert {k: row(p) for k, p in plans.items()} == {
        ("Lite", "month"): (None, "month", Decimal(120), "prompts", "5 hours"),
        ("Pro", "month"): (None, "month", Decimal(600), "prompts", "5 hours"),
        ("Max", "month"): (None, "month", Decimal(2400), "prompts", "5 hours"),
    }
    lite = plans[("Lite", "month")]
    assert lite.quota_is_estimate and lite.currency == "CNY" and lite.product == "GLM Coding Plan"
    # the page states no per-tier price: "每月最低仅需 20 元" is kept as a condition, never as Lite's price
    assert "每月最低仅需 20 元" in lite.conditions and lite.price is None
    # "如何切换使用的模型": ANTHROPIC_DEFAULT_OPUS/SONNET_MODEL GLM-4.6, HAIKU GLM-4.5-Air
    assert lite.models == ("GLM-4.6", "GLM-4.5-Air")
    # <Info>: "在跨年活动期间（12.08-01.15）" ... 连续包月 50%, 连续包季 55%, 连续包年 60%
    assert lite.promo_window == "12-08..01-15"
    assert "连续包月 50% off" in lite.promo_text and "连续包年 60% off" in lite.promo_text
    assert lite.where == "section '用量说明' line 81 (Lite 套餐)"


def test_minimax_coding_plan_cn_monthly_and_yearly():
    _, plans = read(CODING_CN)
    # "### 按月订阅" table: 价格 row "¥29 /月" / "¥49 /月" / "¥119 /月"; 用量 row "40 prompts / 每 5 小时" ...
    assert row(plans[("Starter", "month")]) == (Decimal(29), "month", Decimal(40), "prompts", "5 hours")
    assert row(plans[("Plus", "month")]) == (Decimal(49), "month", Decimal(100), "prompts", "5 hours")
    assert row(plans[("Max", "month")]) == (Decimal(119), "month", Decimal(300), "prompts", "5 hours")
    # "### 按年订阅" table: "¥290 /年<br />(原价 ¥348)", "¥490 /年<br />(原价 ¥588)"; no yearly Max
    assert row(plans[("Starter", "year")]) == (Decimal(290), "year", Decimal(40), "prompts", "5 hours")
    assert plans[("Starter", "year")].list_price == 348 and plans[("Plus", "year")].list_price == 588
    assert ("Max", "year") not in plans
    plus = plans[("Plus", "month")]
    assert plus.currency == "CNY" and plus.region == "cn-mainland" and plus.models == ("MiniMax M2",)
    assert plus.conditions == "最优惠"  # the header badge "Plus `最优惠`"
    assert plus.where == "table 0 ('Coding Plan / 按月订阅') row 1 col 'Plus'"


def test_minimax_coding_plan_intl_usd_with_struck_list_prices():
    _, plans = read(CODING_EN)
    # "## Monthly": "**\$10 /month**" / "\$20" / "\$50"; Prompts row "**100** prompts / 5 hours" / 300 / 1000
    assert row(plans[("Starter", "month")]) == (Decimal(10), "month", Decimal(100), "prompts", "5 hours")
    assert row(plans[("Plus", "month")]) == (Decimal(20), "month", Decimal(300), "prompts", "5 hours")
    assert row(plans[("Max", "month")]) == (Decimal(50), "month", Decimal(1000), "prompts", "5 hours")
    # "## Yearly": "**\$500 /year** ~~600~~"
    assert (plans[("Max", "year")].price, plans[("Max", "year")].list_price) == (Decimal(500), Decimal(600))
    assert plans[("Max", "year")].currency == "USD" and plans[("Max", "year")].region == "intl"


def test_minimax_video_packs_cn_tiers_validity_credits_and_what_a_credit_buys():
    _, plans = read(VIDEO_CN)
    # table "视频资源包": 折扣价 ¥7,000 / ¥15,000 / ¥30,000 / ¥40,000; 原价 ¥7,368 ...; 有效期 1 个月; 积分总量 3,680 ...
    got = {k[0]: (p.price, p.list_price, p.valid_months, p.quota_amount, p.quota_unit, p.billing_period)
           for k, p in plans.items()}
    assert got == {
        "视频基础包": (Decimal(7000), Decimal(7368), 1, Decimal(3680), "credits", "one_off"),
        "视频高级包": (Decimal(15000), Decimal(16667), 1, Decimal(8330), "credits", "one_off"),
        "视频进阶包": (Decimal(30000), Decimal(35294), 1, Decimal(17650), "credits", "one_off"),
        "视频企业包": (Decimal(40000), Decimal(50000), 1, Decimal(25000), "credits", "one_off"),
    }  # the 商务定制 column states no price: no plan
    base = plans[("视频基础包", "one_off")]
    assert base.billing_model == "resource_pack" and base.quota_per == "validity"
    assert base.conditions == "节省 5%; RPM 20"
    # <Info> 1.: "[MiniMax-Hailuo-02] [MiniMax-Hailuo-2.3]，生成单条768p，6s视频，扣减1积分"
    assert "MiniMax-Hailuo-02 / MiniMax-Hailuo-2.3 768p 6s video = 1 credits" in base.unit_buys
    assert "MiniMax-Hailuo-2.3-Fast 768p 6s video = 0.7 credits" in base.unit_buys
    assert set(base.models) == {"MiniMax-Hailuo-2.3-Fast", "MiniMax-Hailuo-02", "MiniMax-Hailuo-2.3"}


def test_minimax_video_packs_intl():
    _, plans = read(VIDEO_EN)
    # "Discounted Price" \$1,000 / \$2,500 / \$4,500 / \$6,000; "Valid" 1 month; "Total units" 3,760 units ...
    got = {k[0]: (p.price, p.valid_months, p.quota_amount) for k, p in plans.items()}
    assert got == {"Standard": (Decimal(1000), 1, Decimal(3760)), "Pro": (Decimal(2500), 1, Decimal(9920)),
                   "Scale": (Decimal(4500), 1, Decimal(18900)), "Business": (Decimal(6000), 1, Decimal(26780))}
    assert plans[("Standard", "one_off")].currency == "USD"
    assert "MiniMax-Hailuo-2.3 / MiniMax-Hailuo-02 1080p 6s video = 2 credits" in plans[("Pro", "one_off")].unit_buys


def test_minimax_speech_packs_cn_hd_and_turbo_with_validity():
    _, plans = read(AUDIO_CN)
    # "#### HD 系列": 折扣价 ¥630 / ¥5,950 / ¥56,000; 有效期 1 个月 / 3 个月 / 1 年; 总字符数量 2,000,000 字符 ...
    got = {k[0]: (p.price, p.list_price, p.valid_months, p.quota_amount, p.quota_unit) for k, p in plans.items()}
    assert got == {
        "HD 系列 语音套餐一": (Decimal(630), Decimal(700), 1, Decimal(2_000_000), "characters"),
        "HD 系列 语音套餐二": (Decimal(5950), Decimal(7000), 3, Decimal(20_000_000), "characters"),
        "HD 系列 语音套餐三": (Decimal(56000), Decimal(70000), 12, Decimal(200_000_000), "characters"),
        # "#### Turbo 系列": ¥360 / ¥3,400 / ¥32,000 for the same characters and validity
        "Turbo 系列 语音套餐一": (Decimal(360), Decimal(400), 1, Decimal(2_000_000), "characters"),
        "Turbo 系列 语音套餐二": (Decimal(3400), Decimal(4000), 3, Decimal(20_000_000), "characters"),
        "Turbo 系列 语音套餐三": (Decimal(32000), Decimal(40000), 12, Decimal(200_000_000), "characters"),
    }
    assert plans[("HD 系列 语音套餐三", "one_off")].conditions == "节省 20%; RPM 500"


def test_minimax_audio_subscription_three_periods_per_tier():
    _, plans = read(AUDIO_SUB)
    # rows "Monthly Subscription" \$5, "3-month Subscription (10% off)" \$13.5, "Yearly Subscription (20% off)" \$48;
    # "Credits per month" 100,000 (Starter column)
    assert row(plans[("Starter", "month")]) == (Decimal(5), "month", Decimal(100_000), "credits", "month")
    assert row(plans[("Starter", "quarter")]) == (Decimal("13.5"), "quarter", Decimal(100_000), "credits", "month")
    assert row(plans[("Starter", "year")]) == (Decimal(48), "year", Decimal(100_000), "credits", "month")
    assert plans[("Starter", "quarter")].conditions == "10% off; RPM 10"
    # Pro column: \$99 / \$267 / \$950, 1,100,000 credits; Business \$999 / \$2,697 / \$9,590, 20,000,000
    assert [plans[("Pro", p)].price for p in ("month", "quarter", "year")] == [99, 267, 950]
    assert plans[("Business", "year")].price == 9590 and plans[("Business", "month")].quota_amount == 20_000_000
    assert len(plans) == 15  # 5 tiers x 3 periods; "Customer Pricing" states no price


def test_an_unknown_row_is_a_finding_and_the_rest_still_loads():
    file, url = CODING_CN
    body = (PAGES / file).read_text(encoding="utf-8").replace("| **适用场景** |", "| **并发上限** |", 1)
    page = source_for_url(url).read(body.encode(), url)
    assert [(f.kind, f.text) for f in page.findings] == [("unknown_row", "并发上限")]
    assert len(page.plans) == 5
