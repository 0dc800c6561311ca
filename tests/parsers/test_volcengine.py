"""Volcengine Ark price-page parser, on the 2025-12-13 provider-document-JSON capture."""

from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.sources.base import ParseError
from pipelines.sources.volcengine import SOURCE, parse
from tests.helpers import find_price, price

CAPTURE = Path(__file__).parents[2] / "seed" / "pages" / "volcengine" / "2025-12-13_volcengine-docs-82379-1544106_doc-json.txt"
URL = "https://www.volcengine.com/docs/82379/1544106"


@pytest.fixture(scope="module")
def quotes():
    return parse(CAPTURE.read_bytes(), URL)


def cond(quotes, model, kind, tier, conditions):
    hits = [q for q in quotes if (q.model, q.price_kind, q.service_tier, q.tier_min_tokens, q.conditions)
            == (model, kind, tier, 0, conditions)]
    assert len(hits) == 1, hits
    return hits[0].amount


def test_source():
    assert SOURCE.provider == "volcengine" and SOURCE.urls == (URL,) and SOURCE.fmt == "json"
    assert SOURCE.hosts == ("www.volcengine.com",) and SOURCE.parse is parse


def test_doubao_seed_16_batch_and_tiers(quotes):
    m = "doubao-seed-1.6"
    q = find_price(quotes, m, "input", "batch")
    assert (q.amount, q.currency, q.unit) == (Decimal("0.40"), "CNY", "per 1M tokens") and str(q.amount) == "0.40"
    assert q.conditions is None  # same input price in both output-length bands: one row
    assert price(quotes, m, "input", min_tokens=128000) == Decimal("2.40")  # (128, 256], 在线推理
    assert price(quotes, m, "input", min_tokens=32000) == Decimal("1.20")
    assert price(quotes, m, "output", "batch", 128000) == Decimal("12.00")
    assert price(quotes, m, "cache_read") == Decimal("0.16")


def test_output_length_condition_kept(quotes):
    m = "doubao-seed-1.6"
    assert cond(quotes, m, "output", "standard", "输出长度 [0, 0.2] (千 token)") == Decimal("2.00")
    assert cond(quotes, m, "output", "standard", "输出长度 (0.2,+∞) (千 token)") == Decimal("8.00")
    assert cond(quotes, "doubao-seed-1.6-lite", "output", "batch", "输出长度 (0.2,+∞) (千 token)") == Decimal("1.20")


def test_merged_model_cells_carried_down(quotes):
    # "doubao-seed-code" appears only on its first tier row
    assert price(quotes, "doubao-seed-code", "output", min_tokens=128000) == Decimal("16.00")
    assert price(quotes, "deepseek-v3.2", "input", min_tokens=32000) == Decimal("4.00")
    assert price(quotes, "doubao-seed-1.6-flash", "input", "batch", 128000) == Decimal("0.300")


def test_other_models(quotes):
    assert price(quotes, "kimi-k2", "output") == Decimal("16.00")
    assert price(quotes, "deepseek-v3", "input", "batch") == Decimal("1.00")
    assert price(quotes, "doubao-1.5-vision-pro", "output") == Decimal("9.00")
    assert price(quotes, "doubao-embedding-large", "input") == Decimal("0.70")
    assert price(quotes, "doubao-embedding-vision", "input_image") == Decimal("1.80")
    # "不支持" / "-" -> no row
    assert not [q for q in quotes if q.model == "doubao-1.5-thinking-pro" and q.price_kind == "cache_read"]
    assert not [q for q in quotes if q.model == "doubao-1.5-pro-256k" and q.price_kind == "cache_read"]
    # note lines of the model cell stay in model_name only
    q = find_price(quotes, "doubao-1.5-thinking-pro", "input")
    assert q.amount == Decimal("4.00") and q.model_name == "doubao-1.5-thinking-pro 含m-250415、m-250428版本"


def test_non_token_prices(quotes):
    q = find_price(quotes, "doubao-seedream-4.5", "image_output")
    assert (q.amount, q.unit, q.currency) == (Decimal("0.25"), "per image", "CNY")
    assert price(quotes, "doubao-seedream-3.0-t2i", "image_output") == Decimal("0.259")
    s = find_price(quotes, "doubao-seed-1.6", "cache_storage")
    assert (s.amount, s.unit) == (Decimal("0.017"), "per 1M token-hours")
    assert price(quotes, "doubao-seed3d-1.0", "model3d_output") == Decimal("2.4")


def test_skipped_sections_and_counts(quotes):
    assert not [q for q in quotes if "seedance" in q.model]  # video generation: no price kind for video tokens
    assert not [q for q in quotes if "TPM" in q.where or "模型单元" in q.where or "精调" in q.where]
    assert not [q for q in quotes if q.model.startswith("doubao-1-5-")]  # fine-tuning base ids
    # fine-tuned inference (精调后在线推理: doubao-seed-1.6 (32,128] input 2.40) did not overwrite the base price
    assert price(quotes, "doubao-seed-1.6", "input", min_tokens=32000) == Decimal("1.20")
    assert {q.currency for q in quotes} == {"CNY"} and {q.provider for q in quotes} == {"volcengine"}
    assert len({q.model for q in quotes}) == 30
    assert len(quotes) == 202


def test_broken_token_price_raises():
    body = CAPTURE.read_bytes()
    bad = body.replace(b'"insert":"2.8\\n"', b'"insert":"abc\\n"', 1)
    assert bad != body
    with pytest.raises(ParseError) as e:
        parse(bad, URL)
    msg = str(e.value)
    assert "abc" in msg and "doubao-seed-code" in msg and "深度思考模型 / 在线推理" in msg and "row 5" in msg
    assert "输入" in msg


def test_broken_image_price_raises():
    body = CAPTURE.read_bytes()
    bad = body.replace(b'"insert":"0.259\\n"', b'"insert":"abc\\n"', 1)
    assert bad != body
    with pytest.raises(ParseError, match="doubao-seedream-3.0-t2i"):
        parse(bad, URL)


def test_no_prices_raises():
    with pytest.raises(ParseError):
        parse(b'# x\n{"version": "1", "data": {"0": {"ops": [{"insert": "nothing\\n"}]}}}', URL)
