"""Alibaba Model Studio parser, on the 2026-02-27 Firecrawl captures of 模型调用价格 and 模型列表."""

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


@pytest.fixture(scope="module")
def quotes():
    return parse(PRICING.read_bytes(), URL_PRICING)


@pytest.fixture(scope="module")
def models_quotes():
    return parse(MODELS.read_bytes(), URL_MODELS)


def find(quotes, model, kind, region="cn-mainland", min_tokens=0, conditions=None):
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
    quotes = parse(cut, URL_MODELS)
    assert not [q for q in quotes if q.model == "qwen-max-2024-04-28"]
    assert find(quotes, "qwen-max", "output").amount == Decimal("9.6")


def test_broken_price_raises():
    body = PRICING.read_bytes()
    bad = body.replace("| 0<Token≤32K | 2.5元 | 10元 |".encode(), "| 0<Token≤32K | abc | 10元 |".encode(), 1)
    assert bad != body
    with pytest.raises(ParseError) as e:
        parse(bad, URL_PRICING)
    msg = str(e.value)
    assert "abc" in msg and "qwen3-max" in msg and "table at line 259" in msg and "line 262" in msg
    assert "输入单价" in msg


def test_broken_tier_row_price_raises():
    body = PRICING.read_bytes()
    bad = body.replace("| 32K<Token≤128K | 4元 | 16元 |".encode(), "| 32K<Token≤128K | abc | 16元 |".encode(), 1)
    assert bad != body
    with pytest.raises(ParseError, match=r"abc.*line 263"):
        parse(bad, URL_PRICING)


def test_broken_non_token_price_raises():
    body = PRICING.read_bytes()
    bad = body.replace("| qwen-image-plus | 0.2元/张 |".encode(), "| qwen-image-plus | abc元/张 |".encode(), 1)
    assert bad != body
    with pytest.raises(ParseError, match="qwen-image-plus"):
        parse(bad, URL_PRICING)


def test_broken_models_page_price_raises():
    body = MODELS.read_bytes()
    bad = body.replace("| 2.4元 | 9.6元 |".encode(), "| abc | 9.6元 |".encode(), 1)
    assert bad != body
    with pytest.raises(ParseError, match=r"abc.*qwen-max"):
        parse(bad, URL_MODELS)


def test_no_prices_raises():
    with pytest.raises(ParseError):
        parse("# 模型调用价格\n\n没有表格。\n".encode(), URL_PRICING)
