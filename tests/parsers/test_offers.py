"""Billing offers read off the real captures (free quotas, free tier, TPM packs, model units, promotions, batch
discounts, regional uplift), the ParsedOffer contract, and the per-1K normalisation of Baidu's token prices.

Values are the pages' own (the capture line is given where it helps to look).
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.history.normalise import ecb_rate, quote_rows
from pipelines.cost.offers import offer_rows, per_mtok
from pipelines.sources import alibaba, baidu, google, openai, volcengine
from pipelines.sources.base import ParsedOffer, ParseError
from pipelines.sources.registry import offer_parsers

PAGES = Path(__file__).parents[2] / "seed" / "pages"
ALIBABA = PAGES / "alibaba" / "2026-02-27_help-aliyun-model-studio-model-pricing_firecrawl.md"
ALIBABA_MODELS = PAGES / "alibaba" / "2026-02-27_help-aliyun-model-studio-models_firecrawl.md"
VOLC = PAGES / "volcengine" / "2025-12-13_volcengine-docs-82379-1544106_doc-json.txt"
BAIDU = PAGES / "baidu" / "undated-677c5fca_cloud-baidu-qianfan-docs-pricing_text.txt"
GEMINI = PAGES / "gemini" / "2026-04-27_ai-google-dev-gemini-api-pricing.html"
OPENAI_2026 = PAGES / "openai" / "2026-04-27_developers-openai-api-docs-pricing.html"
OPENAI_2025 = PAGES / "openai" / "2025-12-20_platform-openai-docs-pricing.md"
URL_ALIBABA = "https://help.aliyun.com/zh/model-studio/model-pricing"
URL_VOLC = "https://www.volcengine.com/docs/82379/1544106"
URL_BAIDU = "https://cloud.baidu.com/doc/qianfan-docs/s/Jm8r1826a"
URL_GEMINI = "https://ai.google.dev/gemini-api/docs/pricing"
URL_OPENAI = "https://developers.openai.com/api/docs/pricing"


def one(offers, **want):
    hits = [o for o in offers if all(getattr(o, k) == v for k, v in want.items())]
    assert len(hits) == 1, (want, hits)
    return hits[0]


def none(offers, **want):
    return not [o for o in offers if all(getattr(o, k) == v for k, v in want.items())]


@pytest.fixture(scope="module")
def ali():
    return alibaba.parse_offers(ALIBABA.read_bytes(), URL_ALIBABA)


@pytest.fixture(scope="module")
def volc():
    return volcengine.parse_offers(VOLC.read_bytes(), URL_VOLC)


@pytest.fixture(scope="module")
def bd():
    return baidu.parse_offers(BAIDU.read_bytes(), URL_BAIDU)


@pytest.fixture(scope="module")
def gem():
    return google.parse_offers(GEMINI.read_bytes(), URL_GEMINI)


def test_registry_names_the_offer_sources():
    assert set(offer_parsers()) == {"alibaba_model_studio_pricing", "volcengine_ark_pricing", "baidu_qianfan_pricing",
                                    "google_gemini_pricing", "openai_pricing"}


# --- Alibaba: free quotas and batch discounts --------------------------------------------------------------------


def test_alibaba_qwen3_max_free_quota_1m_tokens_90_days(ali):
    # line 262: "| qwen3-max … | 0<Token≤32K | 2.5元 | 10元 | 各100万Token<br>有效期：阿里云百炼开通后90天内 |"
    q = one(ali, model="qwen3-max", offer_kind="free_quota", region="cn-mainland")
    assert (q.quantity, q.quantity_unit, q.valid_days, q.unit) == (Decimal(1_000_000), "tokens", 90, "one-off")
    assert (q.amount, q.currency) == (Decimal(0), "CNY")
    assert q.conditions == "有效期:阿里云百炼开通后90天内" and "line 262" in q.where
    # "各" (each): the merged cell covers the snapshots listed under it (one cell shorter, ending with a price)
    assert one(ali, model="qwen3-max-2026-01-23", offer_kind="free_quota").quantity == Decimal(1_000_000)
    # 全球 and 国际: "全球/国际部署模式的模型无免费额度" -> no quota, but the batch badge is there
    assert none(ali, model="qwen3-max", offer_kind="free_quota", region="global")
    assert none(ali, model="qwen3-max", offer_kind="free_quota", region="intl")


def test_alibaba_per_row_quotas_and_header_validity(ali):
    # "| qwen-turbo-2024-11-01 | 0.3元 | 0.6元 | 1000万Token |", validity in the column header (百炼开通后90天内)
    q = one(ali, model="qwen-turbo-2024-11-01", offer_kind="free_quota")
    assert (q.quantity, q.valid_days, q.conditions) == (Decimal(10_000_000), 90, "有效期:百炼开通后90天内")
    assert one(ali, model="qwen-max", offer_kind="free_quota", region="cn-finance").quantity == Decimal(1_000_000)
    # monthly renewed quota (录音文件识别): "36,000秒（10小时）<br>每月1日0点自动发放<br>有效期1个月"
    m = one(ali, model="paraformer-v2", offer_kind="free_quota")
    assert (m.quantity, m.quantity_unit, m.unit, m.valid_days) == (Decimal(36000), "seconds", "per month", None)
    # not "各": the merged cell is not shared with the model-only rows below it (could be one quota for all)
    assert none(ali, model="paraformer-8k-v2", offer_kind="free_quota")
    # a "限时免费" row and the model-only row below it get no quota
    assert none(ali, model="qwen2-1.5b-instruct") and none(ali, model="qwen2-0.5b-instruct")
    # quotas stated per activation date: one offer per condition
    tts = [o for o in ali if o.model == "qwen3-tts-flash-2025-09-18"]
    assert sorted((o.quantity, o.quantity_unit) for o in tts) == [(Decimal(2000), "characters"),
                                                                  (Decimal(10000), "characters")]


def test_alibaba_batch_discount_badge(ali):
    b = one(ali, model="qwen3-max", offer_kind="batch_discount", region="cn-mainland")
    assert (b.amount, b.unit, b.currency) == (Decimal(50), "percent off", None)
    assert b.conditions.startswith("Batch调用 半价")
    assert one(ali, model="qwen3-max", offer_kind="batch_discount", region="intl").amount == Decimal(50)
    assert none(ali, model="qwen3-max-2025-09-23", offer_kind="batch_discount")  # no badge on that row


def test_alibaba_counts_and_models_page(ali):
    kinds = {}
    for o in ali:
        kinds[(o.offer_kind, o.quantity_unit)] = kinds.get((o.offer_kind, o.quantity_unit), 0) + 1
    assert kinds[("batch_discount", None)] == 34
    assert sum(v for (k, _), v in kinds.items() if k == "free_quota") == 314
    assert len({o.model for o in ali if o.offer_kind == "free_quota" and o.quantity_unit == "tokens"}) == 204
    assert {o.region for o in ali if o.offer_kind == "free_quota"} == {"cn-mainland", "intl", "cn-finance"}
    # the model list's spec tables drop merged cells mid-row: no offers are read there
    assert alibaba.parse_offers(ALIBABA_MODELS.read_bytes(), "https://help.aliyun.com/zh/model-studio/models") == []


def test_alibaba_unreadable_quota_raises():
    body = ALIBABA.read_bytes()
    bad = body.replace("| 10元 | 各100万Token<br>".encode(), "| 10元 | 各abc万Token<br>".encode(), 1)
    assert bad != body
    with pytest.raises(ParseError) as e:
        alibaba.parse_offers(bad, URL_ALIBABA)
    assert "abc" in str(e.value) and "qwen3-max" in str(e.value) and "table at line 259" in str(e.value)


# --- Volcengine: TPM packs and model units ------------------------------------------------------------------------


def test_volcengine_tpm_pack_price_with_its_unit(volc):
    # TPM 保障包: "doubao-seed-1.6 | 小时后付费 | 1.920 元/每10K TPM | 0.480 元/每1K TPM"
    q = one(volc, model="doubao-seed-1.6", price_kind="input", unit="per hour")
    assert (q.offer_kind, q.amount, q.currency, q.quantity, q.quantity_unit) == (
        "provisioned_throughput", Decimal("1.920"), "CNY", Decimal(10000), "TPM")
    assert str(q.amount) == "1.920" and q.conditions.startswith("小时后付费")
    o = one(volc, model="doubao-seed-1.6", price_kind="output", unit="per hour")
    assert (o.amount, o.quantity) == (Decimal("0.480"), Decimal(1000))
    d = one(volc, model="doubao-seed-1.6", price_kind="input", unit="per day")
    assert (d.amount, d.quantity, d.conditions.split(";")[0]) == (Decimal("23.040"), Decimal(10000), "包天预付费")
    assert one(volc, model="deepseek-r1", price_kind="output", unit="per day").amount == Decimal("46.08")
    assert "0615版本不支持" in one(volc, model="doubao-seed-1.6-flash", price_kind="input", unit="per hour").conditions


def test_volcengine_model_units(volc):
    a = one(volc, model=None, model_name="方舟A型模型单元", unit="per hour")
    assert (a.offer_kind, a.amount, a.currency, a.quantity, a.quantity_unit) == (
        "model_unit", Decimal("25.00"), "CNY", Decimal(1), "model units")
    assert one(volc, model_name="方舟A型模型单元", unit="per month").amount == Decimal("16700.00")
    assert one(volc, model_name="方舟D型模型单元", unit="per month").amount == Decimal("12800.00")
    assert len([o for o in volc if o.offer_kind == "model_unit"]) == 8
    assert len([o for o in volc if o.offer_kind == "provisioned_throughput"]) == 52  # 13 models x 2 plans x in/out


def test_volcengine_unreadable_tpm_price_raises():
    body = VOLC.read_bytes()
    bad = body.replace('"insert":"1.920 元/每10K TPM\\n"'.encode(), '"insert":"abc 元/每10K TPM\\n"'.encode(), 1)
    assert bad != body
    # the first such cell in the document data is doubao-pro-32k's (cell zones are not stored in table order)
    with pytest.raises(ParseError, match=r"abc.*TPM 保障包.*row 19 col '输入' \(doubao-pro-32k, 小时后付费\)"):
        volcengine.parse_offers(bad, URL_VOLC)


# --- Baidu: promotions with their dates; per-1K prices normalised per 1M ------------------------------------------


def test_baidu_monthly_promotions_with_end_dates(bd):
    # 深度思考: "DeepSeek-R1-250528 推理服务 输入 0.004 0.0016 0.0004 0.0008 元/千tokens"; note:
    # "活动时间为2月2日00:00:00- 3月31日23:59:59"; the page's 更新时间 is 2026-07-09
    feb = one(bd, model="DeepSeek-R1-250528", price_kind="input", valid_until=dt.date(2026, 2, 28))
    assert (feb.offer_kind, feb.amount, feb.unit, feb.currency, feb.service_tier) == (
        "promotion", Decimal("0.0004"), "per 1K tokens", "CNY", "batch")
    assert feb.valid_from == dt.date(2026, 2, 2)
    assert per_mtok(feb.amount, feb.unit) == Decimal("0.4")  # 0.0004 元 per 1K = 0.4 元 per 1M
    mar = one(bd, model="DeepSeek-R1-250528", price_kind="output", valid_from=dt.date(2026, 3, 1))
    assert (mar.amount, mar.valid_until) == (Decimal("0.0032"), dt.date(2026, 3, 31))
    assert "更新时间 2026-07-09" in mar.conditions and "3月活动价" in mar.conditions
    assert len(bd) == 12 and {o.model for o in bd} == {"DeepSeek-V3.1-Think-250821", "DeepSeek-R1-250528",
                                                       "DeepSeek-R1"}
    # the list prices are unchanged: batch stays the 原价 column
    assert [p.amount for p in baidu.parse(BAIDU.read_bytes(), URL_BAIDU).prices
            if p.model == "DeepSeek-R1-250528" and p.price_kind == "input" and p.service_tier == "batch"] == [
        Decimal("0.0016")]


def test_baidu_ernie_per_1k_prices_normalised_per_1m():
    prices = baidu.parse(BAIDU.read_bytes(), URL_BAIDU).prices
    rows = quote_rows([p for p in prices if p.model == "ERNIE-4.5-Turbo-128K" and p.service_tier == "standard"],
                      source="baidu_qianfan_pricing", source_url=URL_BAIDU, snapshot_sha256="x",
                      observed_at=dt.datetime(2026, 7, 9, tzinfo=dt.UTC))
    by_kind = {r["price_kind"]: r for r in rows}
    rate, day = ecb_rate("CNY", dt.date(2026, 7, 9))
    # 0.0008 元/千tokens = 0.8 元 per 1M tokens = 0.8 / (CNY per USD) USD per 1M
    r = by_kind["input"]
    assert (r["original_amount"], r["original_unit"], r["fx_date"]) == (Decimal("0.0008"), "per 1K tokens", day)
    assert r["usd_per_mtok"] == (Decimal("0.8") / rate).quantize(Decimal("1e-12"))
    assert by_kind["output"]["usd_per_mtok"] == (Decimal("3.2") / rate).quantize(Decimal("1e-12"))
    assert by_kind["cache_read"]["usd_per_mtok"] == (Decimal("0.2") / rate).quantize(Decimal("1e-12"))


def test_baidu_promotion_without_window_raises():
    body = BAIDU.read_bytes()
    bad = body.replace("活动时间为2月2日".encode(), "活动时间待定".encode())
    with pytest.raises(ParseError, match="activity window"):
        baidu.parse_offers(bad, URL_BAIDU)


# --- Gemini: free tier and free grounding allowances -------------------------------------------------------------


def test_gemini_free_tier_and_free_flash_models(gem):
    f = one(gem, model="gemini-2.5-flash", offer_kind="free_tier", price_kind="input", service_tier="standard")
    assert (f.amount, f.currency, f.unit, f.quantity) == (Decimal(0), "USD", "per 1M tokens", None)
    assert "rate-limited" in f.conditions and "used to improve Google's products: Yes" in f.conditions
    free_models = {o.model for o in gem if o.offer_kind == "free_tier" and o.price_kind == "output"
                   and o.service_tier == "standard"}
    assert {"gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-2.0-flash", "gemini-3-flash-preview",
            "gemini-3.1-flash-lite-preview"} <= free_models
    # Gemini 3.1 Pro Preview: "Free Tier: Not available"
    assert none(gem, model="gemini-3.1-pro-preview", offer_kind="free_tier")


def test_gemini_grounding_allowances(gem):
    g = [o for o in gem if o.model == "gemini-2.5-flash" and o.offer_kind == "free_quota"
         and o.service_tier == "standard" and o.conditions.startswith("Free Tier: Grounding with Google Search")]
    assert len(g) == 1 and (g[0].quantity, g[0].quantity_unit, g[0].unit) == (Decimal(500), "requests", "per day")
    p = [o for o in gem if o.model == "gemini-3.1-pro-preview" and o.offer_kind == "free_quota"
         and o.service_tier == "standard" and "Google Search" in o.conditions]
    assert len(p) == 1 and (p[0].quantity, p[0].quantity_unit, p[0].unit) == (
        Decimal(5000), "grounded prompts", "per month")
    assert "shared across Gemini 3" in p[0].conditions


# --- OpenAI: regional processing uplift -------------------------------------------------------------------------


def test_openai_regional_uplift():
    offers = openai.parse_offers(OPENAI_2026.read_bytes(), URL_OPENAI)
    assert {o.model for o in offers} == {"gpt-5.5", "gpt-5.5-pro", "gpt-5.4", "gpt-5.4-mini", "gpt-5.4-nano",
                                         "gpt-5.4-pro"}
    u = one(offers, model="gpt-5.4")
    assert (u.offer_kind, u.amount, u.unit, u.currency, u.region) == (
        "regional_uplift", Decimal(10), "percent uplift", None, "data-residency")
    assert "standard/batch/flex/priority" in u.conditions
    assert openai.parse_offers(OPENAI_2025.read_bytes(), "https://platform.openai.com/docs/pricing") == []


# --- the contract and the rows ----------------------------------------------------------------------------------


def test_parsed_offer_validates():
    ok = dict(provider="x", model="m", model_name="m", offer_kind="free_quota", amount=Decimal(0), currency="CNY",
              unit="one-off", quantity=Decimal(1), quantity_unit="tokens", valid_days=90)
    ParsedOffer(**ok)
    for bad, err in (({"offer_kind": "coupon"}, ValueError), ({"amount": 0.5}, TypeError),
                     ({"amount": Decimal(-1)}, ValueError), ({"unit": "per fortnight"}, ValueError),
                     ({"quantity_unit": "bananas"}, ValueError), ({"valid_days": 0}, ValueError),
                     ({"amount": Decimal(5)}, ValueError), ({"currency": None}, ValueError)):
        with pytest.raises(err):
            ParsedOffer(**{**ok, **bad})
    with pytest.raises(ValueError, match="promotion is a token price"):
        ParsedOffer(**{**ok, "offer_kind": "promotion", "amount": Decimal("0.1")})


def test_offer_rows_convert_at_the_ecb_rate(volc):
    tpm = one(volc, model="doubao-seed-1.6", price_kind="input", unit="per hour")
    at = dt.datetime(2025, 12, 13, tzinfo=dt.UTC)
    [row] = offer_rows([tpm], source="volcengine_ark_pricing", source_url=URL_VOLC, observed_at=at,
                       snapshot_sha256="x")
    rate, day = ecb_rate("CNY", dt.date(2025, 12, 13))
    assert (row["fx_rate"], row["fx_date"]) == (rate, day) and day == dt.date(2025, 12, 12)  # Saturday: Friday's rate
    assert row["usd_amount"] == (Decimal("1.920") / rate).quantize(Decimal("1e-12"))
    assert row["amount_per_mtok"] is None and row["usd_per_mtok"] is None
    assert (row["amount"], row["unit"], row["quantity"], row["quantity_unit"]) == (
        Decimal("1.920"), "per hour", Decimal(10000), "TPM")
    with pytest.raises(ValueError, match="timezone"):
        offer_rows([tpm], source="s", source_url="u", observed_at=at.replace(tzinfo=None), snapshot_sha256="x")


#: captures whose offers are not read: the 2026-06 Volcengine document bills TPM packs and model units
#: "按购买时长后付费" (postpaid by purchased duration), and no line of it says per what duration.
UNREADABLE_OFFERS = {
    "volcengine/2026-06-11_1544106_model-pricing.md": "unknown billing '按购买时长后付费' at table 16 \\('模型单元'\\)",
}


def test_every_capture_of_an_offer_source_gives_its_offers_rows():
    """Every bundled capture whose source states offers goes through parse_offers and offer_rows (the path of
    staging/price_quotes), at its capture date."""
    import hashlib

    from pipelines.sources.fetch import read_manifest
    from pipelines.sources.registry import source_for_url

    from tests.test_all_captures import PENDING  # bundled captures whose parser is not converted yet (issue 19)

    parsers = offer_parsers()
    seen = {}
    for c in read_manifest(PAGES):
        source = source_for_url(c.url)
        if source.name not in parsers or c.file in PENDING:
            continue
        body = (PAGES / c.file).read_bytes()
        if c.file in UNREADABLE_OFFERS:  # logged by staging/billing_offers as unreadable, never guessed
            with pytest.raises(ParseError, match=UNREADABLE_OFFERS[c.file]):
                parsers[source.name](body, c.url)
            continue
        offers = parsers[source.name](body, c.url)
        rows = offer_rows(offers, source=source.name, source_url=c.url, snapshot_sha256=hashlib.sha256(body).hexdigest(),
                          observed_at=dt.datetime.combine(c.captured_on, dt.time(), tzinfo=dt.UTC))
        assert len(rows) == len(offers) and all(r["provider"] == source.provider for r in rows), c.file
        seen[c.file] = len(rows)
    assert seen == {
        "alibaba/2026-02-27_help-aliyun-model-studio-model-pricing_firecrawl.md": 348,
        "alibaba/2026-02-27_help-aliyun-model-studio-models_firecrawl.md": 0,
        "alibaba/2026-06-12_model-pricing_zh.md": 348,
        "volcengine/2025-12-13_volcengine-docs-82379-1544106_doc-json.txt": 60,
        "baidu/undated-677c5fca_cloud-baidu-qianfan-docs-pricing_text.txt": 12,
        "gemini/2026-04-27_ai-google-dev-gemini-api-pricing.html": 118,
        "openai/2024-04-01_openai-com-pricing_text.txt": 0,
        "openai/2025-12-20_platform-openai-docs-pricing.md": 0,
        "openai/2026-04-27_developers-openai-api-docs-pricing.html": 6,
        "openai/2026-07-27_developers-openai-pricing.html": 0,  # the uplift names a class of models, no list
    }
