"""OpenAI pricing parser against the bundled capture (seed/pages/openai, developers.openai.com, Astro)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pipelines.sources import openai
from pipelines.sources.base import ParseError
from tests.helpers import price

PAGE = Path(__file__).parents[2] / "seed" / "pages" / "openai" / "2026-04-27_developers-openai-api-docs-pricing.html"
URL = "https://developers.openai.com/api/docs/pricing"




def absent(quotes, model, kind, tier="standard", min_tokens=0):
    return not any(
        q.model == model and q.price_kind == kind and q.service_tier == tier and q.tier_min_tokens == min_tokens
        for q in quotes
    )


@pytest.fixture(scope="module")
def quotes():
    return openai.parse(PAGE.read_bytes(), URL)


def test_gpt_5_4_mini(quotes):
    assert price(quotes, "gpt-5.4-mini", "input") == Decimal("0.75")
    assert price(quotes, "gpt-5.4-mini", "cache_read") == Decimal("0.075")
    assert price(quotes, "gpt-5.4-mini", "output") == Decimal("4.5")
    assert price(quotes, "gpt-5.4-mini", "input", tier="priority") == Decimal("1.5")
    assert price(quotes, "gpt-5.4-mini", "output", tier="priority") == Decimal("9.00")
    # no long-context prices for gpt-5.4-mini ("-" in the Long context columns)
    assert not [q for q in quotes if q.model == "gpt-5.4-mini" and q.tier_min_tokens]


def test_gpt_5_5_short_and_long_context(quotes):
    q = quotes
    assert price(q, "gpt-5.5", "input") == Decimal("5.00")
    assert price(q, "gpt-5.5", "cache_read") == Decimal("0.50")
    assert price(q, "gpt-5.5", "output") == Decimal("30.00")
    assert price(q, "gpt-5.5", "input", min_tokens=272_000) == Decimal("10.00")
    assert price(q, "gpt-5.5", "cache_read", min_tokens=272_000) == Decimal("1.00")
    assert price(q, "gpt-5.5", "output", min_tokens=272_000) == Decimal("45.00")
    assert {x.tier_min_tokens for x in q} == {0, 272_000}
    # priority has no long-context prices ("-"); gpt-5.5-pro batch long context is "-" too
    assert absent(q, "gpt-5.5", "input", tier="priority", min_tokens=272_000)
    assert absent(q, "gpt-5.5-pro", "input", tier="batch", min_tokens=272_000)
    assert price(q, "gpt-5.5-pro", "input", min_tokens=272_000) == Decimal("60.00")
    assert absent(q, "gpt-5.5-pro", "cache_read")  # "-" is absent, not zero


def test_batch_and_flex_rows(quotes):
    q = quotes
    # Batch tab, gpt-5.4: $1.25 / $0.13 / $7.50, long context $2.50 / $0.25 / $11.25
    assert price(q, "gpt-5.4", "input", tier="batch") == Decimal("1.25")
    assert price(q, "gpt-5.4", "cache_read", tier="batch") == Decimal("0.13")
    assert price(q, "gpt-5.4", "output", tier="batch") == Decimal("7.50")
    assert price(q, "gpt-5.4", "output", tier="batch", min_tokens=272_000) == Decimal("11.25")
    # Flex tab, gpt-5.4-mini: $0.375 / $0.0375 / $2.25; gpt-5.5 long-context input $5.00
    assert price(q, "gpt-5.4-mini", "input", tier="flex") == Decimal("0.375")
    assert price(q, "gpt-5.4-mini", "cache_read", tier="flex") == Decimal("0.0375")
    assert price(q, "gpt-5.4-mini", "output", tier="flex") == Decimal("2.25")
    assert price(q, "gpt-5.5", "input", tier="flex", min_tokens=272_000) == Decimal("5.00")
    assert {x.service_tier for x in q} == {"standard", "batch", "flex", "priority"}


def test_where_names_table_row_col(quotes):
    p = next(x for x in quotes if x.model == "gpt-5.5" and x.price_kind == "output" and x.tier_min_tokens)
    assert p.where == "table 0 ('Flagship models') row 1 col 'Long context / Output'"
    assert str(p.amount) == "45.00"
    assert {(x.currency, x.unit) for x in quotes} == {("USD", "per 1M tokens")}


def test_standard_model_counts(quotes):
    static = {q.model for q in quotes if q.where.startswith("table 0 ")}
    assert static == {"gpt-5.5", "gpt-5.5-pro", "gpt-5.4", "gpt-5.4-mini", "gpt-5.4-nano", "gpt-5.4-pro"}
    # the "All models" list (only in the astro-island props) has 42 text-token models on the Standard tab
    text_standard = {q.model for q in quotes if q.service_tier == "standard" and "Flagship models" in q.where}
    assert len(text_standard) == 42
    assert price(quotes, "o3", "input") == Decimal("2")  # a props-only row
    assert price(quotes, "o3", "cache_read") == Decimal("0.5")
    assert price(quotes, "o3", "output", tier="batch") == Decimal("4")
    assert absent(quotes, "o3", "cache_read", tier="batch")  # "-" in the props


def test_modality_and_specialized_tables(quotes):
    q = quotes
    assert price(q, "gpt-realtime-1.5", "input_audio") == Decimal("32.00")
    assert price(q, "gpt-realtime-1.5", "cache_read_audio") == Decimal("0.40")
    assert price(q, "gpt-realtime-1.5", "output_audio") == Decimal("64.00")
    assert price(q, "gpt-realtime-1.5", "input") == Decimal("4.00")
    assert price(q, "gpt-realtime-1.5", "input_image") == Decimal("5.00")
    assert price(q, "gpt-image-2", "output_image", tier="batch") == Decimal("15.00")
    assert price(q, "gpt-image-2", "cache_read", tier="batch") == Decimal("0.625")  # Text row
    assert price(q, "omni-moderation-latest", "input") == Decimal("0")  # "Free"
    assert price(q, "gpt-5.3-codex", "output", tier="priority") == Decimal("28.00")
    assert price(q, "o3-deep-research", "input", tier="batch") == Decimal("5.00")


def test_non_token_tables_skipped(quotes):
    models = {q.model for q in quotes}
    for m in ("sora-2", "sora-2-pro", "gpt-4o-transcribe", "o4-mini-2025-04-16", "tts-1", "tts-1-hd", "Web search"):
        assert m not in models
    keys = [(q.model, q.price_kind, q.service_tier, q.tier_min_tokens) for q in quotes]
    assert len(keys) == len(set(keys))  # SSR and props rows merged, no duplicates


def _island_rows(body: bytes, tier: str) -> list:
    soup = BeautifulSoup(body, "lxml")
    for island in soup.find_all("astro-island", attrs={"component-export": "TextTokenPricingTables"}):
        props = json.loads(island["props"])
        if props["tier"] == [0, tier]:
            return [[v for _, v in row] for _, row in props["rows"][1]]
    raise AssertionError(f"no island for {tier}")


def test_static_table_and_island_props_agree_on_gpt_5_4_mini(quotes):
    for tier in ("standard", "batch", "flex", "priority"):
        row = next(r for r in _island_rows(PAGE.read_bytes(), tier) if r[0] == "gpt-5.4-mini")
        static = next(q for q in quotes if q.model == "gpt-5.4-mini" and q.service_tier == tier)
        assert re.match(r"table [0-3] \('Flagship models'\)", static.where)  # read from the SSR table
        assert [Decimal(str(x)) for x in row[1:]] == [
            price(quotes, "gpt-5.4-mini", k, tier=tier) for k in ("input", "cache_read", "output")
        ]


def test_broken_price_cell_names_table_row_cell():
    real = PAGE.read_bytes()
    body = real.replace(b">$0.075</span>", b">$abc</span>", 1)
    assert body != real
    with pytest.raises(ParseError) as exc:
        openai.parse(body, URL)
    msg = str(exc.value)
    assert "'$abc'" in msg
    assert "table 0 ('Flagship models') row 4 col 'Short context / Cached input'" in msg
    assert URL in msg


def test_static_and_props_disagreement_raises():
    real = PAGE.read_bytes()
    body = real.replace(b"&quot;gpt-5.4-mini&quot;],[0,0.75]", b"&quot;gpt-5.4-mini&quot;],[0,0.76]", 1)
    assert body != real
    with pytest.raises(ParseError, match=r"static table says 0.75 but astro-island props say 0.76"):
        openai.parse(body, URL)


def test_long_context_without_stated_threshold_raises():
    real = PAGE.read_bytes()
    body = real.replace(b" (&lt;272K context length)", b"")
    assert body != real
    with pytest.raises(ParseError, match=r"no long-context threshold.*table 0 \('Flagship models'\) row 1 col 'Long context / Input'"):
        openai.parse(body, URL)


def test_markdown_is_refused():
    with pytest.raises(ParseError, match="not an HTML page"):
        openai.parse(b"# Pricing\n\n| Model | Input |\n| --- | --- |\n| gpt-x | $1 |\n", URL)
