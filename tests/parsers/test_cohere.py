"""Cohere pricing parser on the 2025-10-15 Jina Reader capture of cohere.com/pricing."""

from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.sources import cohere
from pipelines.sources.base import ParseError
from tests.helpers import find_price, price

PAGE = Path(__file__).parents[2] / "seed" / "pages" / "cohere" / "2025-10-15_cohere-com-pricing_jina.md"
URL = "https://cohere.com/pricing"


@pytest.fixture(scope="module")
def quotes():
    return cohere.SOURCE.read(PAGE.read_bytes(), URL).prices


def test_source():
    assert cohere.SOURCE.provider == "cohere" and cohere.SOURCE.urls == (URL,)
    assert cohere.SOURCE.hosts == ("cohere.com",) and cohere.SOURCE.parse is cohere.parse


def test_counts(quotes):
    assert len({q.model for q in quotes}) == 7
    assert len(quotes) == 14
    assert {(q.currency, q.unit, q.provider, q.region) for q in quotes} == {
        ("USD", "per 1M tokens", "cohere", "global")}


def test_prices(quotes):
    assert price(quotes, "command-r-plus-08-2024", "input") == Decimal("2.50")
    assert price(quotes, "command-r-plus-08-2024", "output") == Decimal("10.00")
    assert price(quotes, "command-r-plus-04-2024", "input") == Decimal("3.00")
    assert price(quotes, "command-r-plus-04-2024", "output") == Decimal("15.00")
    assert price(quotes, "command-r-03-2024", "output") == Decimal("1.50")
    assert price(quotes, "command-light", "input") == Decimal("0.30")
    assert price(quotes, "command", "output") == Decimal("2.00")
    for model in ("c4ai-aya-expanse-8b", "c4ai-aya-expanse-32b"):
        q = find_price(quotes, model, "input")
        assert q.amount == Decimal("0.50") and q.model_name == "Aya Expanse models (8B and 32B)"
        assert price(quotes, model, "output") == Decimal("1.50")


def test_legacy_condition(quotes):
    assert find_price(quotes, "command-light", "input").conditions == "legacy model pricing (for existing customers)"
    assert find_price(quotes, "c4ai-aya-expanse-8b", "input").conditions is None


def test_broken_price_raises():
    body = PAGE.read_bytes()
    bad = body.replace(b"$15.00/1M tokens for output", b"$abc/1M tokens for output", 1)
    assert bad != body
    with pytest.raises(ParseError) as e:
        cohere.parse(bad, URL)
    assert "line 379" in str(e.value) and "Command R+ 04-2024" in str(e.value)


def test_unknown_model_is_a_finding_not_a_guessed_id(quotes):
    body = PAGE.read_bytes()
    bad = body.replace(b"Command-light pricing", b"Command Ultra pricing", 1)
    assert bad != body
    page = cohere.SOURCE.read(bad, URL)
    assert [(f.kind, f.where) for f in page.findings] == [
        ("unknown_row", "line 377 (under 'Where do I find pricing for our legacy models?')")]
    assert "Command Ultra" in page.findings[0].text
    assert {q.model for q in page.prices} == {q.model for q in quotes} - {"command-light"}


def _edited(text: str) -> str:
    """The real 2025-10-15 page with one extra unknown price (a cached-input clause), one new model and one renamed
    section (the Aya FAQ entry)."""
    line = "Command R 03-2024 pricing is $0.50/1M tokens for input and $1.50/1M tokens for output"
    assert text.count(line) == 1
    text = text.replace(line, line + " and $0.10/1M tokens for cached input")
    aya = "Find more information about the Aya models [here](https://cohere.com/research/aya).    \n"
    assert text.count(aya) == 1
    text = text.replace(aya, aya + "\nCommand A pricing is $2.50/1M tokens for input and $10.00/1M tokens for output\n")
    heading = "What is the cost for accessing the research Aya models via the API?"
    assert text.count(heading) == 1
    return text.replace(heading, "How much do the Aya research models cost on the API?")


def test_unknown_price_new_model_renamed_section_leave_every_other_price(quotes):
    page = cohere.SOURCE.read(_edited(PAGE.read_text(encoding="utf-8")).encode(), URL)
    key = lambda q: (q.model, q.price_kind, q.unit, q.conditions)  # noqa: E731
    old = {key(q): q.amount for q in quotes}
    new = {key(q): q.amount for q in page.prices}
    assert old.items() <= new.items()
    assert {k: v for k, v in new.items() if k not in old} == {
        ("command-a-03-2025", "input", "per 1M tokens", None): Decimal("2.50"),
        ("command-a-03-2025", "output", "per 1M tokens", None): Decimal("10.00"),
    }
    assert [(f.kind, f.where, f.text) for f in page.findings] == [
        ("unknown_column", "line 378 (under 'Where do I find pricing for our legacy models?')",
         "$0.10/1M tokens for cached input")]
    assert cohere.SOURCE.read(PAGE.read_bytes(), URL).findings == []


def test_no_prices_raises():
    with pytest.raises(ParseError, match="no prices"):
        cohere.parse(b"Title: Pricing\n\nContact sales.\n", URL)
