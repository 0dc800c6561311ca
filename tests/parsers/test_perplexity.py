"""Perplexity pricing parser on the 2025-10-15 Jina Reader capture of docs.perplexity.ai/getting-started/pricing."""

from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.sources.registry import source_for_url
from pipelines.sources import perplexity
from pipelines.sources.base import PRICE_KINDS, ParseError
from tests.helpers import find_price, price

PAGE = Path(__file__).parents[2] / "seed" / "pages" / "perplexity" / "2025-10-15_docs-perplexity-pricing_jina.md"
URL = "https://docs.perplexity.ai/getting-started/pricing"


@pytest.fixture(scope="module")
def quotes():
    return perplexity.parse(PAGE.read_bytes(), URL)


def test_source():
    # the live URL is the Mintlify .md export of the page (unproven: the capture is crawler Markdown of the page)
    assert perplexity.SOURCE.provider == "perplexity" and perplexity.SOURCE.urls == (URL + ".md",)
    assert source_for_url(URL) is perplexity.SOURCE and not perplexity.SOURCE.live_proof
    assert perplexity.SOURCE.hosts == ("docs.perplexity.ai",)


def test_counts(quotes):
    assert len(quotes) == 12
    assert {q.model for q in quotes} == {
        "sonar", "sonar-pro", "sonar-reasoning", "sonar-reasoning-pro", "sonar-deep-research", "search"}
    assert {(q.currency, q.provider, q.region) for q in quotes} == {("USD", "perplexity", "global")}


def test_token_prices(quotes):
    assert price(quotes, "sonar", "input") == Decimal("1")
    assert price(quotes, "sonar", "output") == Decimal("1")
    q = find_price(quotes, "sonar-pro", "output")
    assert (q.amount, q.unit, q.model_name) == (Decimal("15"), "per 1M tokens", "Sonar Pro")
    assert price(quotes, "sonar-reasoning", "output") == Decimal("5")
    assert price(quotes, "sonar-reasoning-pro", "input") == Decimal("2")
    assert price(quotes, "sonar-deep-research", "output") == Decimal("8")


def test_non_token_prices(quotes):
    s = find_price(quotes, "sonar-deep-research", "web_search")
    assert (s.amount, s.unit) == (Decimal("5"), "per 1K searches")
    api = find_price(quotes, "search", "request")
    assert (api.amount, api.unit, api.model_name) == (Decimal("5.00"), "per 1K requests", "Search API")
    # no request-fee prices for the Sonar models: the capture holds only the "Token Pricing" tab
    assert not [q for q in quotes if q.model.startswith("sonar") and q.price_kind == "request"]


def test_citation_and_reasoning_tokens_not_emitted(quotes):
    assert "citation" not in PRICE_KINDS and "reasoning" not in PRICE_KINDS
    assert {q.price_kind for q in quotes if q.model == "sonar-deep-research"} == {"input", "output", "web_search"}


def test_request_fee_table_by_context_size():
    # synthetic: the live page's "Request Pricing" tab is not in the capture; appended here in the same
    # Markdown form to exercise the reader.
    extra = (
        "\n### Request fees (USD per 1K requests)\n\n"
        "| Model | Low | Medium | High |\n| --- | --- | --- | --- |\n"
        "| **Sonar** | $5 | $8 | $12 |\n| **Sonar Pro** | $6 | $10 | $14 |\n"
    )
    quotes = perplexity.parse(PAGE.read_bytes() + extra.encode(), URL)
    pro = {q.conditions: q.amount for q in quotes if q.model == "sonar-pro" and q.price_kind == "request"}
    assert pro["search_context_size=high"] == Decimal("14")
    assert {q.unit for q in quotes if q.price_kind == "request"} == {"per 1K requests"}
    sizes = {q.conditions: q.amount for q in quotes if q.model == "sonar" and q.price_kind == "request"}
    assert sizes == {"search_context_size=low": Decimal("5"), "search_context_size=medium": Decimal("8"),
                     "search_context_size=high": Decimal("12")}


def test_request_fee_table_without_unit_raises():
    extra = "\n### Request fees\n\n| Model | Low | Medium | High |\n| --- | --- | --- | --- |\n| **Sonar** | $5 | $8 | $12 |\n"
    with pytest.raises(ParseError, match="1K requests"):
        perplexity.parse(PAGE.read_bytes() + extra.encode(), URL)


def test_broken_price_raises():
    body = PAGE.read_bytes()
    bad = body.replace(b"| **Sonar Pro** | $3 |", b"| **Sonar Pro** | $abc |", 1)
    assert bad != body
    with pytest.raises(ParseError) as e:
        perplexity.parse(bad, URL)
    assert "row 2" in str(e.value) and "Input Tokens ($/1M)" in str(e.value)


def test_broken_citation_price_raises():
    body = PAGE.read_bytes()
    bad = body.replace(b"| $8 | $2 | $5 |", b"| $8 | $abc | $5 |", 1)
    assert bad != body
    with pytest.raises(ParseError, match="Citation Tokens"):
        perplexity.parse(bad, URL)


def test_unknown_model_raises():
    body = PAGE.read_bytes()
    bad = body.replace(b"| **Sonar Reasoning** | $1", b"| **Sonar Turbo** | $1", 1)
    assert bad != body
    with pytest.raises(ParseError, match="Sonar Turbo"):
        perplexity.parse(bad, URL)


def test_no_prices_raises():
    with pytest.raises(ParseError, match="no prices"):
        perplexity.parse(b"Title: Pricing\n\nNothing.\n", URL)
