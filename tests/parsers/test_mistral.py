"""Mistral pricing parser against the bundled 2024 text capture (seed/pages/mistral)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.sources import mistral
from pipelines.sources.base import ParseError
from tests.helpers import price

PAGE = Path(__file__).parents[2] / "seed" / "pages" / "mistral" / "2024-04-01_docs-mistral-platform-pricing_text.txt"
URL = "https://docs.mistral.ai/platform/pricing/"


def in_currency(quotes, currency):
    return [q for q in quotes if q.currency == currency]


@pytest.fixture(scope="module")
def quotes():
    return mistral.SOURCE.read(PAGE.read_bytes(), URL).prices


def test_source():
    s = mistral.SOURCE
    assert s.name == "mistral_pricing" and s.provider == "mistral" and s.parse is mistral.parse
    assert URL in s.archive_urls and "docs.mistral.ai" in s.hosts


def test_usd_prices(quotes):
    usd = in_currency(quotes, "USD")
    assert price(usd, "open-mistral-7b", "input") == Decimal("0.25")
    assert price(usd, "open-mistral-7b", "output") == Decimal("0.25")
    assert price(usd, "open-mixtral-8x7b", "input") == Decimal("0.7")
    assert price(usd, "mistral-small-latest", "input") == Decimal("2")
    assert price(usd, "mistral-small-latest", "output") == Decimal("6")
    assert price(usd, "mistral-medium-latest", "input") == Decimal("2.7")  # "2.7$" + wrapped "/ 1M tokens"
    assert price(usd, "mistral-medium-latest", "output") == Decimal("8.1")
    assert price(usd, "mistral-large-latest", "input") == Decimal("8")
    assert price(usd, "mistral-large-latest", "output") == Decimal("24")


def test_eur_prices_are_separate_rows(quotes):
    eur = in_currency(quotes, "EUR")
    assert price(eur, "mistral-small-latest", "input") == Decimal("1.85")
    assert price(eur, "mistral-small-latest", "output") == Decimal("5.55")
    assert price(eur, "open-mixtral-8x7b", "output") == Decimal("0.65")
    assert price(eur, "mistral-large-latest", "output") == Decimal("22")
    assert price(eur, "open-mistral-7b", "input") == Decimal("0.2")
    # same key in both currencies
    keys = lambda qs: {(q.model, q.price_kind, q.service_tier, q.tier_min_tokens) for q in qs}  # noqa: E731
    assert keys(eur) == keys(in_currency(quotes, "USD"))


def test_embeddings_input_only(quotes):
    rows = [q for q in quotes if q.model == "mistral-embed"]
    assert {(q.price_kind, q.currency, q.amount) for q in rows} == {
        ("input", "USD", Decimal("0.1")),
        ("input", "EUR", Decimal("0.1")),
    }
    assert rows[0].where.startswith("table 1 ('EMBEDDINGS API') row 1")


def test_counts_names_units(quotes):
    assert len({q.model for q in quotes}) == 6
    assert len(quotes) == 5 * 4 + 2
    assert {q.unit for q in quotes} == {"per 1M tokens"}
    assert {q.provider for q in quotes} == {"mistral"}
    assert {q.model_name for q in quotes if q.model == "open-mistral-7b"} == {"Mistral 7B"}  # wrapped "Mistral\n7B"
    assert {q.model_name for q in quotes if q.model == "mistral-large-latest"} == {"Mistral Large"}


def test_broken_price_cell_names_table_row_col():
    real = PAGE.read_bytes()
    body = real.replace(b"8.1$", b"abc$", 1)
    assert body != real
    with pytest.raises(ParseError) as exc:
        mistral.parse(body, URL)
    msg = str(exc.value)
    assert "'abc$ / 1M tokens'" in msg
    assert "table 0 ('CHAT COMPLETIONS API') row 4 col 'Output (USD)'" in msg
    assert URL in msg


def test_broken_first_price_of_row():
    body = PAGE.read_bytes().replace(b"1.85\xe2\x82\xac", b"abc\xe2\x82\xac", 1)  # 1.85€
    with pytest.raises(ParseError, match=r"row 3 col 'Input \(EUR\)'"):
        mistral.parse(body, URL)


def test_currency_mismatch_raises():
    body = PAGE.read_bytes().replace(b"tokens6$ / 1M", b"tokens6\xe2\x82\xac / 1M", 1)  # USD column written in EUR
    with pytest.raises(ParseError, match=r"row 3 col 'Output \(USD\)'"):
        mistral.parse(body, URL)


def test_markdown_layout_same_interpreter():
    md = (
        "| Model | Endpoint | Input (USD) | Output (USD) | Input (EUR) | Output (EUR) |\n"
        "| --- | --- | --- | --- | --- | --- |\n"
        "| Mistral Small | mistral-small-latest | 2$ / 1M tokens | 6$ / 1M tokens | 1.85€ / 1M tokens | - |\n"
    )
    q = mistral.SOURCE.read(md.encode(), URL).prices
    assert len(q) == 3  # "-" is no row
    assert price(in_currency(q, "EUR"), "mistral-small-latest", "input") == Decimal("1.85")


def test_page_without_prices_raises():
    with pytest.raises(ParseError, match="no prices found"):
        mistral.parse(b"PRICING AND RATE LIMITS\n\nContact us.\n", URL)
