"""The shared reader (pipelines/sources/reader.py) on text and documents taken from the bundled captures."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pipelines.sources import reader
from pipelines.sources.reader import Cell, CellError, read_price

PAGES = Path(__file__).parents[2] / "seed" / "pages"


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("$3.125", Cell(Decimal("3.125"), "USD")),  # openai 2026-07-27, Cache writes
        ("$12.50 / MTok", Cell(Decimal("12.50"), "USD", "per 1M tokens")),  # anthropic 2026-07-27
        ("Input: $0.25 / MTok", Cell(Decimal("0.25"), "USD", "per 1M tokens", "Input")),  # anthropic 2024 text
        ("5 元 / 百万 Tokens", Cell(Decimal("5"), "CNY", "per 1M tokens")),  # zhipu glm-4 page
        ("0.2元", Cell(Decimal("0.2"), "CNY")),  # deepseek zh-cn
        ("￥2 / 百万tokens", Cell(Decimal("2"), "CNY", "per 1M tokens")),  # fullwidth yen, NFKC
        ("0.2€", Cell(Decimal("0.2"), "EUR")),  # mistral 2024 text
        ("$1.25\nwith data sharing", Cell(Decimal("1.25"), "USD", None, "with data sharing")),
        ("Free", Cell(Decimal(0), "USD")),
        ("免费", Cell(Decimal(0), "USD")),
    ],
)
def test_read_price(text, cell):
    kw = {"allow_label": True} if ":" in text else {}
    assert read_price(text, **kw) == cell


@pytest.mark.parametrize("text", ["-", "—", "–", "", "Not available", "不支持", "/", "\\-"])
def test_absent_is_no_price_never_zero(text):
    assert read_price(text) is None


@pytest.mark.parametrize("text", ["$abc / MTok", "Contact sales", "$15.00 / 1M characters", "$10.00 / 1k calls",
                                  "$0.006 / minute", "12", "Input: $6 / MTok"])
def test_unreadable_cells_raise_never_guess(text):
    """Another unit, no currency, or a label where none is allowed: the reader does not turn it into a price."""
    with pytest.raises(CellError):
        read_price(text)


def test_bare_number_takes_the_default_currency():
    assert read_price("12", default_currency="CNY") == Cell(Decimal("12"), "CNY")


@pytest.mark.parametrize(
    ("text", "rng"),
    [
        ("0<Token≤32K", (0, 32_000)),  # alibaba
        ("32K<Token≤128K", (32_000, 128_000)),
        ("256K<Token≤1M", (256_000, 1_000_000)),
        ("prompts <= 200k tokens", (0, 200_000)),  # gemini
        ("prompts > 200k tokens", (200_000, None)),
        ("≤ 200K input tokens", (0, 200_000)),  # anthropic 2025
        ("> 200K input tokens", (200_000, None)),
        ("Output", None),
    ],
)
def test_token_range(text, rng):
    assert reader.token_range(text) == rng


def test_header_vocabulary_english_and_chinese():
    assert [reader.header_kind(h) for h in ("Input", "Cached input", "Cache writes", "Cache Hits & Refreshes",
                                            "5m Cache Writes", "Output / cost", "Reasoning surcharge")] == [
        "input", "cache_read", "cache_write", "cache_read", "cache_write_5m", "output", None]
    assert [reader.header_kind(h) for h in ("输入", "输出", "缓存命中", "缓存未命中", "输入（缓存命中）")] == [
        "input", "output", "cache_read", "input", "cache_read"]
    assert reader.header_kind("缓存存储") is None and "缓存存储" in reader.NOT_TOKEN_HEADERS
    assert reader.header_unit("百万tokens输入（缓存命中）") is None  # a row label, no "/" unit
    assert reader.header_unit("Prices per 1M tokens") == "per 1M tokens"
    assert reader.header_unit("单价(元/千tokens)") == "per 1K tokens"


def test_service_tiers_of_tabs_and_sections():
    assert [reader.service_tier(x) for x in ("Standard", "Batch", "Flex", "Priority", "Off-peak", "批量推理",
                                              "在线推理(常规)", "Fast mode")] == [
        "standard", "batch", "flex", "priority", "off_peak", "batch", "standard", None]


def test_sniff_the_bundled_forms():
    assert reader.sniff((PAGES / "openai/2026-07-27_developers-openai-pricing.html").read_bytes()) == "html"
    assert reader.sniff((PAGES / "deepseek/2025-12-20_quick-start-pricing_zh-cn.md").read_bytes()) == "markdown"
    assert reader.sniff((PAGES / "openrouter/2026-08-19_api-v1-models.json").read_bytes()) == "json"
    assert reader.sniff((PAGES / "openai/2024-04-01_openai-com-pricing_text.txt").read_bytes()) == "text"


def test_astro_island_props_of_the_openai_page():
    soup = BeautifulSoup((PAGES / "openai/2026-07-27_developers-openai-pricing.html").read_bytes(), "lxml")
    [(island, props), *_] = reader.astro_islands(soup, ("TextTokenPricingTables",))
    assert island.get("uid") == "Z1tKpMr" and props["tier"] == "standard"
    assert props["rows"][0] == ["gpt-5.6-sol", 5, Decimal("0.5"), Decimal("6.25"), 30]
    assert isinstance(props["rows"][1][3], Decimal)  # 3.125, never a float


def test_next_flight_payload_of_the_claude_page():
    payload = reader.next_flight((PAGES / "anthropic/2026-07-27_platform-claude-pricing.html").read_bytes())
    assert '"children":["Claude Fable 5"]' in payload
    rows = reader.flight_json(payload)
    cells = [d.get("children") for v in rows for d in reader.walk(v) if d.get("className", "").startswith("p-2")]
    assert ["Claude Fable 5"] in cells and ["$$10 / MTok"] in cells


def test_script_json_of_the_gemini_page():
    data = reader.script_json((PAGES / "gemini/2026-04-27_ai-google-dev-gemini-api-pricing.html").read_bytes(),
                              type="application/json")
    assert data is not None


def test_run_together_cells_of_the_2024_openai_text():
    lines = (PAGES / "openai/2024-04-01_openai-com-pricing_text.txt").read_text().splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("ModelInputOutputgpt-4-0125-preview"))
    text = " ".join(lines[start : start + 2])[len("ModelInputOutput") :]
    cells = reader.run_together_cells(text, re.compile(r"\s*/\s*1M\s+tokens"))
    assert cells[:2] == ["gpt-4-0125-preview$10.00 / 1M tokens", "$30.00 / 1M tokens"]


def test_slug_id():
    assert reader.slug_id("Claude Opus 5") == "claude-opus-5"
    assert reader.slug_id("Claude Opus 4.8") == "claude-opus-4-8"
