"""Alibaba Model Studio parser, on the 2026-02-27 Firecrawl captures of 模型调用价格 and 模型列表, and the 2026-06-12
Markdown of 模型调用价格 (issue 19: access-region headings, a deployment-scope column, third-party sections)."""

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.sources.alibaba import SOURCE, parse
from pipelines.sources.base import ParseError

PAGES = Path(__file__).parents[2] / "seed" / "pages" / "alibaba"
PRICING = PAGES / "2026-02-27_help-aliyun-model-studio-model-pricing_firecrawl.md"
MODELS = PAGES / "2026-02-27_help-aliyun-model-studio-models_firecrawl.md"
URL_PRICING = "https://help.aliyun.com/zh/model-studio/model-pricing"
URL_MODELS = "https://help.aliyun.com/zh/model-studio/models"


def read(body: bytes, url: str) -> list:
    """The prices of a page whose every table is understood (no findings)."""
    page = SOURCE.read(body, url)
    assert page.findings == [], page.findings
    return page.prices


def finding(body: bytes, url: str):
    """(prices, 'text at where') of a page with exactly one finding."""
    page = SOURCE.read(body, url)
    assert len(page.findings) == 1, page.findings
    f = page.findings[0]
    return page.prices, f"{f.text} at {f.where}"


@pytest.fixture(scope="module")
def quotes():
    return read(PRICING.read_bytes(), URL_PRICING)


@pytest.fixture(scope="module")
def models_quotes():
    page = SOURCE.read(MODELS.read_bytes(), URL_MODELS)
    # rows whose merged spec cells the crawler dropped mid-row cannot be placed by position: reported, not read
    assert [f.kind for f in page.findings] == ["unknown_row"] * 21
    assert any(f.text.startswith("qwen-vl-max-2025-08-13 又称qwen-vl-max-0813") and "line 954" in f.where
               for f in page.findings)
    return page.prices


def find(quotes, model, kind, region="cn-mainland", min_tokens=0, conditions=None):  # noqa: PLR0913
    hits = [q for q in quotes if (q.model, q.price_kind, q.region, q.tier_min_tokens, q.conditions)
            == (model, kind, region, min_tokens, conditions)]
    assert len(hits) == 1, hits
    return hits[0]


def test_source():
    assert SOURCE.provider == "alibaba" and SOURCE.urls == (URL_PRICING, URL_MODELS)
    assert SOURCE.fmt == "markdown" and SOURCE.hosts == ("help.aliyun.com",) and SOURCE.parse is parse


def test_qwen3_max_regions_and_tiers(quotes):
    q = find(quotes, "qwen3-max", "input")
    assert (q.amount, q.currency, q.unit, q.service_tier) == (Decimal("2.5"), "CNY", "per 1M tokens", "standard")
    assert find(quotes, "qwen3-max", "input", "intl").amount == Decimal("8.807")  # 国际 tab, also quoted in 元
    assert find(quotes, "qwen3-max", "output", "global").amount == Decimal("44.035")
    assert find(quotes, "qwen3-max", "input", min_tokens=32000).amount == Decimal("4")
    assert find(quotes, "qwen3-max", "output", min_tokens=128000).amount == Decimal("28")
    assert find(quotes, "qwen3-max", "output", "intl", 128000).amount == Decimal("110.089")
    # the 金融云 tab has no intro sentence: next tab after 国际
    assert find(quotes, "qwen-max", "input", "cn-finance").amount == Decimal("38")
    assert find(quotes, "qwen-plus", "output", "cn-finance").amount == Decimal("3.8")
    assert find(quotes, "qwen-flash-us", "input", "us").amount == Decimal("0.367")  # the US tab has its own ids
    assert find(quotes, "qwen-flash-us", "output", "us", 256000).amount == Decimal("14.678")


def test_no_batch_rows_and_no_free_quotas(quotes):
    # "Batch调用 半价" is a note, not a price the page writes: nothing is computed
    assert {q.service_tier for q in quotes} == {"standard"}
    assert not [q for q in quotes if q.amount == Decimal(1000000)]  # 各100万Token


def test_thinking_and_modalities(quotes):
    m = "qwen-plus"
    assert find(quotes, m, "output", conditions="非思考模式").amount == Decimal("2")
    assert find(quotes, m, "output", conditions="思考模式(思维链+回答)").amount == Decimal("8")
    assert find(quotes, m, "output", min_tokens=256000, conditions="思考模式(思维链+回答)").amount == Decimal("64")
    assert find(quotes, m, "input", min_tokens=128000).amount == Decimal("2.4")
    o = "qwen3-omni-flash"
    assert find(quotes, o, "input_audio").amount == Decimal("15.8")
    assert find(quotes, o, "input_image", conditions="图片/视频").amount == Decimal("3.3")
    assert find(quotes, o, "output", conditions="文本 多模态输入").amount == Decimal("12.7")
    assert find(quotes, o, "output_audio", "intl", conditions="文本+音频 仅音频计费").amount == Decimal("110.896")
    lt = "qwen3-livetranslate-flash-realtime"  # "输入：音频 | 输入：图片 | 输出：文本 | 输出：音频"
    assert find(quotes, lt, "output_audio").amount == Decimal("240")
    assert find(quotes, lt, "input_image", "intl").amount == Decimal("9.541")


def test_third_party_models(quotes):
    assert find(quotes, "glm-5", "output", min_tokens=32000).amount == Decimal("22")
    assert find(quotes, "deepseek-v3.2", "input").amount == Decimal("2")
    assert find(quotes, "kimi-k2.5", "output").amount == Decimal("21")
    assert find(quotes, "MiniMax/MiniMax-M2.5", "input").amount == Decimal("2.1")


def test_non_token_prices(quotes):
    v = find(quotes, "wan2.6-t2v", "video_output", conditions="720P")
    assert (v.amount, v.unit) == (Decimal("0.6"), "per second")
    assert find(quotes, "wan2.6-t2v", "video_output", conditions="1080P").amount == Decimal("1")
    assert find(quotes, "wan2.6-i2v-flash", "video_output", "intl",
                conditions="无声视频 audio=false; 1080P").amount == Decimal("0.275221")
    i = find(quotes, "qwen-image-plus", "image_output")
    assert (i.amount, i.unit) == (Decimal("0.2"), "per image")
    assert find(quotes, "z-image-turbo", "image_output",
                conditions="开启提示词改写(prompt_extend=true)").amount == Decimal("0.2")
    t = find(quotes, "qwen3-tts-flash", "speech_output")
    assert (t.amount, t.unit) == (Decimal("0.8"), "per 10K characters")
    assert find(quotes, "qwen-voice-enrollment", "voice_clone").unit == "per voice"
    assert find(quotes, "wan2.2-s2v-detect", "image_input").amount == Decimal("0.004")
    # a model-only row shares the merged price cell of the row above (ASR)
    assert find(quotes, "qwen3-asr-flash", "audio_input").amount == Decimal("0.00022")


def test_skipped_rows(quotes):
    models = {q.model for q in quotes}
    assert "qwen-audio-turbo" not in models  # 目前仅供免费体验 (free trial only)
    assert "aitryon" not in models  # volume-discount table (折扣 / 阶梯层级)
    assert "facechain-facedetect" not in models  # 限时免费
    assert not [q for q in quotes if not q.model or " " in q.model]


def test_counts(quotes):
    assert len({q.model for q in quotes}) == 350
    assert len({(q.model, q.region) for q in quotes}) == 580
    assert len(quotes) == 1548
    assert {q.currency for q in quotes} == {"CNY"} and {q.provider for q in quotes} == {"alibaba"}
    assert {q.region for q in quotes} == {"cn-mainland", "global", "intl", "us", "cn-finance"}


def test_models_page(models_quotes, quotes):
    # spec tables with price columns are read, spec-only tables and the flagship summary are not
    assert len({q.model for q in models_quotes}) == 19 and len(models_quotes) == 70
    assert find(models_quotes, "qwen3-max", "input").amount == Decimal("2.5")
    assert find(models_quotes, "qwen3-max", "output", min_tokens=128000).amount == Decimal("28")
    assert find(models_quotes, "qwen-vl-ocr", "output").amount == Decimal("0.5")
    assert find(models_quotes, "qwen-max", "input", "cn-finance").amount == Decimal("38")
    # the 国际 heading wins over the tab's "美国部署模式" sentence
    assert find(models_quotes, "qvq-max", "input", "intl").amount == Decimal("8.807")
    # the same keys agree with the pricing page
    pricing = {(q.model, q.price_kind, q.region, q.tier_min_tokens, q.conditions): q.amount for q in quotes}
    same = [q for q in models_quotes if (q.model, q.price_kind, q.region, q.tier_min_tokens, q.conditions) in pricing]
    assert len(same) >= 60
    assert all(pricing[(q.model, q.price_kind, q.region, q.tier_min_tokens, q.conditions)] == q.amount for q in same)


def test_models_page_truncated_tail():
    body = MODELS.read_bytes()
    assert not body.endswith(b"\n")  # the origin cut the page mid-table
    # cut inside a price cell: the cut-off row must not give a row ("12" of "120元")
    cut = body[: body.index("| 40元 | 120元 |".encode()) + len("| 40元 | 12".encode())]
    quotes = SOURCE.read(cut, URL_MODELS).prices
    assert not [q for q in quotes if q.model == "qwen-max-2024-04-28"]
    assert find(quotes, "qwen-max", "output").amount == Decimal("9.6")


# An unreadable cell is a finding naming the table, line and column; that table is left out (never a guess), every
# other table loads.

def test_broken_price_is_a_finding(quotes):
    body = PRICING.read_bytes()
    bad = body.replace("| 0<Token≤32K | 2.5元 | 10元 |".encode(), "| 0<Token≤32K | abc | 10元 |".encode(), 1)
    assert bad != body
    prices, msg = finding(bad, URL_PRICING)
    assert "abc" in msg and "qwen3-max" in msg and "table at line 259" in msg and "line 262" in msg
    assert "输入单价" in msg
    lost = {q.where.split(" line ")[1] for q in quotes} - {q.where.split(" line ")[1] for q in prices}
    assert lost and all(w.startswith("259 ") for w in lost)  # only that table's rows are missing


def test_broken_tier_row_price_is_a_finding():
    body = PRICING.read_bytes()
    bad = body.replace("| 32K<Token≤128K | 4元 | 16元 |".encode(), "| 32K<Token≤128K | abc | 16元 |".encode(), 1)
    assert bad != body
    _, msg = finding(bad, URL_PRICING)
    assert re.search(r"abc.*line 263", msg)


def test_broken_non_token_price_is_a_finding(quotes):
    assert {q.region for q in quotes if q.model == "qwen-image-plus"} == {"cn-mainland", "intl"}
    body = PRICING.read_bytes()
    bad = body.replace("| qwen-image-plus | 0.2元/张 |".encode(), "| qwen-image-plus | abc元/张 |".encode(), 1)
    assert bad != body
    prices, msg = finding(bad, URL_PRICING)
    assert "qwen-image-plus" in msg
    # the broken cell was the cn-mainland one: that region's price is gone, the intl table's stays
    assert {q.region for q in prices if q.model == "qwen-image-plus"} == {"intl"}


def test_broken_models_page_price_is_a_finding():
    body = MODELS.read_bytes()
    bad = body.replace("| 2.4元 | 9.6元 |".encode(), "| abc | 9.6元 |".encode(), 1)
    assert bad != body
    page = SOURCE.read(bad, URL_MODELS)
    [f] = [f for f in page.findings if f.kind != "unknown_row"]
    assert re.search(r"abc.*qwen-max", f"{f.text} at {f.where}")


def test_no_prices_raises():
    with pytest.raises(ParseError):
        parse("# 模型调用价格\n\n没有表格。\n".encode(), URL_PRICING)


# --- 2026-06-12: access-region headings, a 服务部署范围 column, third-party sections ---------------------------

JUNE = PAGES / "2026-06-12_model-pricing_zh.md"


@pytest.fixture(scope="module")
def june():
    return SOURCE.read(JUNE.read_bytes(), URL_PRICING)


def test_june_page_loads_what_it_understands(june):
    """Refused whole before ('cannot tell the deployment region of the table at table at line 2209'): now every
    table with a region loads, and what is not understood is listed with its place, never guessed."""
    q = june.prices
    assert len(q) == 1710 and len({p.model for p in q}) == 351
    assert {p.provider for p in q} == {"alibaba"} and {p.currency for p in q} == {"CNY"}
    assert {p.region for p in q} == {"cn-mainland", "intl", "global", "us", "eu"}
    kinds = {}
    for f in june.findings:
        kinds[f.kind] = kinds.get(f.kind, 0) + 1
    assert kinds == {"unknown_column": 18, "unreadable_cell": 22, "unknown_row": 4}
    # the MiniMax speech table at line 2209 (the one refused before) loads: region from its rows
    s = find(q, "MiniMax/speech-2.8-hd", "speech_output")
    assert (s.amount, s.unit, s.where.startswith("table at line 2209")) == (Decimal("3.5"), "per 10K characters", True)
    assert ("unknown_column", "table at line 2209 col '复刻一个音色'", "复刻一个音色") in {
        (f.kind, f.where, f.text) for f in june.findings}
    # a variant column of no known meaning (3D task types): the prices it tells apart are not loaded
    assert not [p for p in q if p.model.startswith("Tripo/")]
    assert any(f.text == "3D任务类型" for f in june.findings)


def test_june_regions_named_per_table_and_row(june):
    """Each row's 服务部署范围 names its region (中国内地 / 全球 / 国际 / 美国 / 欧盟); the access-region heading
    (华北2(北京), 美国(弗吉尼亚), 新加坡, 德国(法兰克福)) is kept in the location."""
    q = june.prices
    # qwen3-max: tiers 0 / 32K / 128K, five deployment scopes
    assert find(q, "qwen3-max", "input").amount == Decimal("2.5")
    assert find(q, "qwen3-max", "input", min_tokens=32000).amount == Decimal("4")
    assert find(q, "qwen3-max", "output", min_tokens=128000).amount == Decimal("28")
    assert find(q, "qwen3-max", "input", "global").amount == Decimal("2.5")  # Virginia and Frankfurt agree
    assert find(q, "qwen3-max", "input", "intl").amount == Decimal("8.807")
    assert find(q, "qwen3-max", "output", "intl", 128000).amount == Decimal("110.089")
    e = find(q, "qwen3-max", "input", "eu")
    assert e.amount == Decimal("8.993") and "德国(法兰克福)" in e.where
    u = find(q, "qwen-plus-us", "input", "us")
    assert u.amount == Decimal("2.936") and "美国(弗吉尼亚)" in u.where
    assert find(q, "qwen3-coder-plus", "output", "intl", 256000).amount == Decimal("440.354")


def test_june_third_party_models_keep_seller_alibaba(june):
    q = june.prices
    assert find(q, "deepseek-v4-pro", "input").amount == Decimal("12")
    assert find(q, "deepseek-v4-pro", "output", "intl").amount == Decimal("35.972")
    assert find(q, "kimi/kimi-k2.6", "output").amount == Decimal("27")
    assert find(q, "siliconflow/deepseek-v3.2", "input").amount == Decimal("2")
    assert find(q, "vanchin/deepseek-ocr", "output").amount == Decimal("0.216")
    m = find(q, "xiaomi/mimo-v2.5-pro", "output", min_tokens=256000)  # 输入Token数量: the tier column
    assert m.amount == Decimal("42") and m.provider == "alibaba"
    i = find(q, "kling/kling-v3-omni-image-generation", "image_output", conditions="4K")
    assert (i.amount, i.unit) == (Decimal("0.4"), "per image")


def _june_edited(text: str) -> str:
    """The real 2026-06-12 page with one extra unknown column, one new model and one renamed section."""
    head = ("| **模型 ID（Model ID）** | **服务部署范围** | **输入单价（每百万Token）** | **输出单价（每百万Token）** > "
            "**思维链+回答** |\n| --- | --- | --- | --- |\n| deepseek-v4-pro")
    assert text.count(head) == 3  # Virginia, Singapore, Frankfurt: edit the first (Virginia)
    start = text.index(head)
    end = text.index("\n\n", start)
    lines = text[start:end].split("\n")
    lines[0] += " **缓存命中单价（每百万Token）** |"
    lines[1] += " --- |"
    lines[2:] = [ln + " 1元 |" for ln in lines[2:]] + ["| deepseek-v5 | 全球  | 3元 | 6元 | 0.3元 |"]
    text = text[:start] + "\n".join(lines) + text[end:]
    assert text.count("### **Kimi-月之暗面**") == 1
    return text.replace("### **Kimi-月之暗面**", "### **Kimi-Moonshot**")


def test_unknown_column_new_model_renamed_section_leave_every_other_price(june):
    page = SOURCE.read(_june_edited(JUNE.read_text(encoding="utf-8")).encode(), URL_PRICING)
    key = lambda p: (p.model, p.price_kind, p.region, p.tier_min_tokens, p.unit, p.conditions)  # noqa: E731
    old = {key(p): p.amount for p in june.prices}
    new = {key(p): p.amount for p in page.prices}
    assert old.items() <= new.items()
    assert {k: v for k, v in new.items() if k not in old} == {
        ("deepseek-v5", "input", "global", 0, "per 1M tokens", None): Decimal("3"),
        ("deepseek-v5", "output", "global", 0, "per 1M tokens", None): Decimal("6"),
    }
    def moved(fs):  # the edit moves later lines down: compare findings without line numbers
        return Counter((f.kind, re.sub(r"line \d+", "line N", f"{f.where} {f.text}")) for f in fs)

    added = moved(page.findings) - moved(june.findings)
    assert list(added.items()) == [(("unknown_column", "table at line N col '缓存命中单价(每百万Token)' "
                                     "缓存命中单价(每百万Token)"), 1)]
    assert len(page.findings) == len(june.findings) + 1
    assert "Kimi-Moonshot" in find(page.prices, "kimi/kimi-k2.6", "input").where


def test_html_copy_is_refused_until_a_capture_proves_it():
    """The live URL serves HTML; no capture of that form exists, so it is not read blind (live form: unproven)."""
    with pytest.raises(ParseError, match="only the Markdown rendering"):
        SOURCE.read(b"<!DOCTYPE html><html><body><table></table></body></html>", URL_PRICING)


def test_june_offers_keep_the_90_day_validity():
    """The 2026-06 quota header writes its validity on the label's line; the quota is the same offer as in 2026-02."""
    from pipelines.sources.alibaba import parse_offers

    june = [o for o in parse_offers(JUNE.read_bytes(), URL_PRICING) if o.offer_kind == "free_quota"]
    feb = [o for o in parse_offers(PRICING.read_bytes(), URL_PRICING) if o.offer_kind == "free_quota"]
    pick = lambda offers: [(o.quantity, o.quantity_unit, o.valid_days, o.conditions) for o in offers  # noqa: E731
                           if (o.model, o.region) == ("qwen3-max", "cn-mainland")]
    assert pick(june) == pick(feb) == [(Decimal("1000000"), "tokens", 90, "有效期:阿里云百炼开通后90天内")]
    assert len(june) == 319 and sum(o.valid_days == 90 for o in june) == 315
    # the 2026-06 badge is written "Batch调用半价" (no space): still a batch discount
    batch = [o for o in parse_offers(JUNE.read_bytes(), URL_PRICING) if o.offer_kind == "batch_discount"]
    assert len(batch) == 29 and ("qwen3-max", "cn-mainland") in {(o.model, o.region) for o in batch}
