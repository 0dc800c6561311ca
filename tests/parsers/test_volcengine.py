"""Volcengine Ark price-page parser, on the 2025-12-13 provider-document-JSON capture and the 2026-06-11 Markdown
document (issue 19: its new sections no longer refuse the page)."""

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
    page = SOURCE.read(CAPTURE.read_bytes(), URL)
    assert page.findings == []  # the 2025-12 document: every section, column and cell understood
    return page.prices


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


def test_broken_token_price_is_a_finding_not_a_price():
    """An unreadable price cell is reported where it is, with its text, and not loaded; every other price loads."""
    body = CAPTURE.read_bytes()
    bad = body.replace(b'"insert":"2.8\\n"', b'"insert":"abc\\n"', 1)
    assert bad != body
    page = SOURCE.read(bad, URL)
    [f] = page.findings
    assert f.kind == "unreadable_cell" and f.text == "abc"
    assert "doubao-seed-code" in f.where and "深度思考模型 / 在线推理" in f.where and "row 5" in f.where
    assert "输入" in f.where
    assert len(page.prices) == 202 - 1


def test_broken_image_price_is_a_finding():
    body = CAPTURE.read_bytes()
    bad = body.replace(b'"insert":"0.259\\n"', b'"insert":"abc\\n"', 1)
    assert bad != body
    page = SOURCE.read(bad, URL)
    assert [(f.kind, f.text) for f in page.findings] == [("unreadable_cell", "abc")]
    assert "doubao-seedream-3.0-t2i" in page.findings[0].where
    assert not [p for p in page.prices if p.model == "doubao-seedream-3.0-t2i"]


def test_no_prices_raises():
    with pytest.raises(ParseError):
        parse(b'# x\n{"version": "1", "data": {"0": {"ops": [{"insert": "nothing\\n"}]}}}', URL)


# --- the 2026-06-11 Markdown document (provider Markdown: the MDContent the docs JSON carries) ----------------

MD = CAPTURE.parent / "2026-06-11_1544106_model-pricing.md"


@pytest.fixture(scope="module")
def md_page():
    return SOURCE.read(MD.read_bytes(), URL)


def test_markdown_document_loads_with_its_unknowns_as_findings(md_page):
    """The page refused before (`price table under unknown section '在线推理(常规)'`) now loads: its sections are
    read by their full heading path, and what is not understood is listed, not guessed."""
    assert [(f.kind, f.where, f.text) for f in md_page.findings] == [
        ("unknown_section", "table 1 ('大语言模型 / 在线推理(低延迟)')", "在线推理(低延迟)"),
        ("unknown_column", "table 10 ('3D生成模型') row 0 col '产物(3D 文件)'", "产物(3D 文件)"),
        ("unknown_column", "table 10 ('3D生成模型') row 0 col '输出单价 元/次'", "输出单价 元/次"),
        ("unknown_section", "table 17 ('工具及插件 / 联网内容插件')", "工具及插件"),
        ("unknown_section", "table 18 ('工具及插件 / 豆包助手')", "工具及插件"),
        # the offers read in the same pass: the model-unit table is billed "按购买时长后付费" (postpaid by purchased
        # duration), which never says per hour or per day, so no offer is guessed from it
        ("unreadable_offers", "table 16 ('模型单元') row 1 col 1",
         "unknown billing '按购买时长后付费' at table 16 ('模型单元') row 1 col 1 in https://www.volcengine.com/docs/82379/1544106"),
    ]
    q = md_page.prices
    assert {p.currency for p in q} == {"CNY"} and {p.provider for p in q} == {"volcengine"}
    assert len(q) == 302 and len({p.model for p in q}) == 27


def test_markdown_document_values(md_page):
    q = md_page.prices
    # 在线推理(常规) -> standard, tiers by input length (K = 1000), audio input and audio cache hits apart
    assert price(q, "doubao-seed-2.0-pro", "input") == Decimal("3.2")
    assert price(q, "doubao-seed-2.0-pro", "output", min_tokens=128000) == Decimal("48.0")
    assert price(q, "doubao-seed-2.0-lite", "input_audio", min_tokens=32000) == Decimal("13.5")
    assert price(q, "doubao-seed-2.0-lite", "cache_read") == Decimal("0.12")
    assert price(q, "doubao-seed-2.0-lite", "cache_read_audio", min_tokens=128000) == Decimal("5.4")
    assert price(q, "glm-4.7", "input", min_tokens=32000) == Decimal("4.0")
    assert cond(q, "glm-4.7", "output", "standard", "输出长度 (0.2,+∞) (千 token)") == Decimal("14.0")
    assert price(q, "deepseek-v4-pro", "input") == Decimal("12.00")
    assert price(q, "deepseek-v4-pro", "cache_read") == Decimal("1.00")
    # 批量推理 -> batch
    assert price(q, "deepseek-v4-flash", "input", "batch") == Decimal("0.50")
    assert price(q, "doubao-seed-2.0-mini", "output", "batch", 128000) == Decimal("4.0")
    # the low-latency section is a finding, not a second standard price
    assert len([p for p in q if (p.model, p.price_kind, p.service_tier, p.tier_min_tokens)
                == ("doubao-seed-2.0-pro", "input", "standard", 0)]) == 1
    # cache storage, images, embeddings (向量模型)
    s = find_price(q, "doubao-seed-1.6", "cache_storage")
    assert (s.amount, s.unit) == (Decimal("0.017"), "per 1M token-hours")
    i = find_price(q, "doubao-seedream-5.0-lite", "image_output")
    assert (i.amount, i.unit) == (Decimal("0.22"), "per image")
    assert price(q, "doubao-embedding-vision", "input_image") == Decimal("1.80")
    # fine-tuned inference (推理-在线推理 under 模型精调) did not overwrite the base price; TPM packs are offers
    assert price(q, "doubao-seed-1.6", "input", min_tokens=32000) == Decimal("1.20")
    assert not [p for p in q if "TPM" in p.where or "精调" in p.where or "模型单元" in p.where]
    assert not [p for p in q if "seedance" in p.model or "seed3d" in p.model.lower()]


def _edited(text: str) -> str:
    """The real 2026-06-11 document with one extra unknown column, one new model and one renamed section."""
    old_header = "|模型名称 |条件<br><br>千 token |输入<br><br>元/百万token |缓存命中<br><br>元/百万token |输出<br><br>元/百万token |\n|---|---|---|---|---|"
    assert text.count(old_header) == 1
    text = text.replace(old_header, "|模型名称 |条件<br><br>千 token |输入<br><br>元/百万token |缓存命中<br><br>元/百万token |"
                                    "输出<br><br>元/百万token |缓存写入<br><br>元/百万token |\n|---|---|---|---|---|---|")
    # every row of that (batch) table gets a cell in the new column
    lines = text.split("\n")
    start = lines.index("## 批量推理")
    for i in range(start, len(lines)):
        if lines[i].startswith("|") and not lines[i].startswith(("|模型名称", "|---")):
            lines[i] += "0.99 |"
        elif lines[i].startswith("> "):
            break
    text = "\n".join(lines)
    new_row = "|deepseek\\-r1 |\\- |4.00 |\\- |0.017 |0.80 |\\- |16.00 |"
    assert text.count(new_row) == 1
    text = text.replace(new_row, new_row + "\n|doubao\\-seed\\-3.0 |\\- |5.00 |\\- |0.017 |1.00 |\\- |20.00 |")
    assert text.count("# 向量模型") == 1
    return text.replace("# 向量模型", "# 嵌入模型")


def test_unknown_column_new_model_renamed_section_leave_every_other_price(md_page):
    page = SOURCE.read(_edited(MD.read_text(encoding="utf-8")).encode(), URL)
    new = {(p.model, p.price_kind, p.service_tier, p.tier_min_tokens, p.conditions): p.amount for p in page.prices}
    old = {(p.model, p.price_kind, p.service_tier, p.tier_min_tokens, p.conditions): p.amount for p in md_page.prices}
    embeddings = {k for k in old if k[0] == "doubao-embedding-vision"}
    assert embeddings and {k: v for k, v in old.items() if k not in embeddings}.items() <= new.items()
    added = {k: v for k, v in new.items() if k not in old}
    assert added == {("doubao-seed-3.0", "input", "standard", 0, None): Decimal("5.00"),
                     ("doubao-seed-3.0", "cache_storage", "standard", 0, None): Decimal("0.017"),
                     ("doubao-seed-3.0", "cache_read", "standard", 0, None): Decimal("1.00"),
                     ("doubao-seed-3.0", "output", "standard", 0, None): Decimal("20.00")}
    kinds = [(f.kind, f.text) for f in page.findings if (f.kind, f.text) not in
             {(g.kind, g.text) for g in md_page.findings}]
    assert kinds == [("unknown_column", "缓存写入 元/百万token"), ("unknown_section", "嵌入模型")]


def test_every_markdown_price_is_cny_per_unit_as_written(md_page):
    """Cross-check against the page text: every loaded amount appears in its row as written (no rescaling)."""
    text = MD.read_text(encoding="utf-8")
    for p in md_page.prices:
        assert f"|{p.amount} |" in text or f"|{p.amount}" in text, p
