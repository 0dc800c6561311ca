"""Model facts read off the real captures and the bundled datasets (docs/model-facts.md). Every expected value is
on the capture at the place named beside it."""

from __future__ import annotations

import pytest

from pipelines.history import facts
from pipelines.sources import deepseek, moonshot, openrouter
from pipelines.sources.base import ParsedFact
from pipelines.sources.reader import token_count
from tests.conftest import PAGES, ROOT


def _facts(source, file: str, url: str) -> dict[tuple[str, str], ParsedFact]:
    page = source.read((PAGES / file).read_bytes(), url)
    out = {(f.model, f.fact): f for f in page.facts}
    assert len(out) == len(page.facts)  # one value per model and fact
    return out


def test_token_count_reads_the_pages_ways_of_writing_sizes():
    assert token_count("128K") == 128_000 and token_count("256k") == 256_000 and token_count("1M") == 1_000_000
    assert token_count("262,144 tokens") == 262_144 and token_count("1M-token") == 1_000_000
    assert token_count("1.5M") == 1_500_000
    for text in ("DEFAULT: 4K", "", "0", "1.0001K", "about 8K"):
        assert token_count(text) is None, text


def test_deepseek_chinese_page_states_context_and_max_output():
    """seed/pages/deepseek/2025-12-20_quick-start-pricing_zh-cn.md (the CNY page), lines 19-20:
    ``上下文长度| 128K`` (merged over both model columns) and ``输出长度| 默认 4K，最大 8K| 默认 32K，最大 64K``."""
    f = _facts(deepseek.SOURCE, "deepseek/2025-12-20_quick-start-pricing_zh-cn.md",
               "https://api-docs.deepseek.com/zh-cn/quick_start/pricing")
    assert {k: (v.value, v.stated) for k, v in f.items()} == {
        ("deepseek-chat", "context_window"): ("128000", "128K"),
        ("deepseek-reasoner", "context_window"): ("128000", "128K"),
        ("deepseek-chat", "max_output_tokens"): ("8000", "默认 4K,最大 8K"),
        ("deepseek-reasoner", "max_output_tokens"): ("64000", "默认 32K,最大 64K"),
    }
    assert f[("deepseek-chat", "context_window")].where.startswith("line 19")


def test_deepseek_english_markdown_joins_the_wrapped_max_output_row():
    """..._en.md lines 17-20: ``CONTEXT LENGTH| 128K``, then ``MAX OUTPUT| DEFAULT: 4K`` / ``MAXIMUM: 8K| DEFAULT:
    32K`` / ``MAXIMUM: 64K`` (the crawler wrapped each cell onto the next line)."""
    f = _facts(deepseek.SOURCE, "deepseek/2025-12-20_quick-start-pricing_en.md",
               "https://api-docs.deepseek.com/quick_start/pricing")
    assert f[("deepseek-chat", "max_output_tokens")].value == "8000"
    assert f[("deepseek-reasoner", "max_output_tokens")].value == "64000"
    assert f[("deepseek-reasoner", "context_window")].value == "128000"


def test_deepseek_html_page_merged_cells_apply_to_every_model():
    """The HTML capture: ``<td colspan="3">CONTEXT LENGTH</td><td colspan="3">1M</td>`` and ``MAX OUTPUT`` /
    ``MAXIMUM: 384K`` over the three model columns."""
    f = _facts(deepseek.SOURCE, "deepseek/undated-cd6cb74b_api-docs-quick-start-pricing.html",
               "https://api-docs.deepseek.com/quick_start/pricing")
    for m in ("deepseek-v4-flash", "deepseek-v4-pro", "deepseek-v4-flash-vision-exp"):
        assert f[(m, "context_window")].value == "1000000" and f[(m, "max_output_tokens")].value == "384000"


def test_moonshot_cny_page_context_column():
    """seed/pages/moonshot/2025-12-20_pricing-chat_zh-cn.md line 29: ``| kimi-k2-0905-preview | 1M tokens | ￥1.00 |
    ￥4.00 | ￥16.00 | 262,144 tokens |``; line 64 ``| moonshot-v1-8k | … | 8,192 tokens |``."""
    f = _facts(moonshot.SOURCE_CN, "moonshot/2025-12-20_pricing-chat_zh-cn.md",
               "https://platform.moonshot.cn/docs/pricing/chat")
    assert (f[("kimi-k2-0905-preview", "context_window")].value, f[("kimi-k2-0905-preview", "context_window")].stated) \
        == ("262144", "262,144 tokens")
    assert f[("kimi-k2-0711-preview", "context_window")].value == "131072"
    assert f[("moonshot-v1-8k", "context_window")].value == "8192"
    assert len(f) == 11  # five kimi-k2 rows and six moonshot-v1 rows; kimi-latest's table has no such column


def test_kimi_intl_doc_table_context_column():
    """The .md export: ``["kimi-k3", "1M tokens", …, "1,048,576 tokens"]``."""
    f = _facts(moonshot.SOURCE_INTL, "moonshot/undated-97f45f28_platform-kimi-ai-docs-pricing-chat.md",
               "https://platform.kimi.ai/docs/pricing/chat.md")
    assert f[("kimi-k3", "context_window")].value == "1048576"
    assert f[("kimi-k2.6", "context_window")].value == "262144"


def test_openrouter_api_facts():
    """seed/pages/openrouter/2026-08-19_api-v1-models.json, ``"id": "openai/gpt-4o"`` (line 37370):
    ``"context_length": 128000``, ``"input_modalities": ["text", "image", "file"]``, ``"max_completion_tokens": 16384``."""
    f = _facts(openrouter.SOURCE, "openrouter/2026-08-19_api-v1-models.json", "https://openrouter.ai/api/v1/models")
    assert f[("openai/gpt-4o", "context_window")].value == "128000"
    assert f[("openai/gpt-4o", "max_output_tokens")].value == "16384"
    assert f[("openai/gpt-4o", "input_modalities")].value == "file,image,text"
    assert f[("openai/gpt-4o", "output_modalities")].value == "text"
    assert sum(1 for k in f if k[1] == "context_window") == 414  # every model of the capture has context_length
    assert sum(1 for k in f if k[1] == "retirement_date") == 4   # the four non-null expiration_date values


def test_a_fact_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError):
        ParsedFact("x", "m", "context_window", "128K", "128K")
    with pytest.raises(ValueError):
        ParsedFact("x", "m", "input_modalities", "text,image", "")  # not sorted
    with pytest.raises(ValueError):
        ParsedFact("x", "m", "parameters", "1", "1")


def test_litellm_and_genai_prices_facts():
    """seed/litellm_price_history/model_prices_latest.json ``"gpt-4o"``: ``"max_input_tokens": 128000``,
    ``"max_output_tokens": 16384``; ``"deepseek-chat"`` and ``"deepseek/deepseek-chat"``: ``"max_input_tokens":
    131072``; seed/genai_prices/data_v2.json: openai gpt-4o ``"context_window": 128000``, deepseek-chat 64000."""
    rows, problems = facts.litellm_rows(ROOT / "seed/litellm_price_history/model_prices_latest.json")
    by = {(r["provider"], r["model"], r["fact"]): r for r in rows}
    assert by[("openai", "gpt-4o", "context_window")]["value"] == "128000"
    assert by[("openai", "gpt-4o", "max_output_tokens")]["value"] == "16384"
    assert by[("deepseek", "deepseek-chat", "context_window")]["value"] == "131072"
    assert by[("deepseek", "deepseek-chat", "context_window")]["location"] == "$['deepseek-chat'].max_input_tokens"
    assert str(by[("openai", "gpt-4o", "context_window")]["as_of"]) == "2026-07-24"  # the copy's last_updated
    assert len(rows) == len(by)
    gp, _ = facts.genai_prices_rows(ROOT / "seed/genai_prices")
    g = {(r["provider"], r["model"]): r["value"] for r in gp}
    assert g[("openai", "gpt-4o")] == "128000" and g[("deepseek", "deepseek-chat")] == "64000"
