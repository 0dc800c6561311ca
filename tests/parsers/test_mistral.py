"""Mistral pricing parser against the bundled 2024 text capture and the 2026-07-27 live page (seed/pages/mistral)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.sources import mistral
from pipelines.sources.registry import source_for_url
from pipelines.sources.base import ParseError
from tests.helpers import find_price, price

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


# ---------------------------------------------------------------- the live page: mistral.ai/pricing/api cards (2026-07-27)

LIVE = PAGE.parent / "2026-07-27_mistral-pricing-api.html"
LIVE_URL = "https://mistral.ai/pricing/api"


@pytest.fixture(scope="module")
def live():
    return mistral.SOURCE.read(LIVE.read_bytes(), LIVE_URL)


def test_live_url_and_form():
    assert mistral.SOURCE.urls == (LIVE_URL,)
    assert mistral.SOURCE.live_proof == "mistral/2026-07-27_mistral-pricing-api.html"
    assert source_for_url(LIVE_URL) is mistral.SOURCE


def test_live_cards_usd_and_eur(live):
    usd, eur = in_currency(live.prices, "USD"), in_currency(live.prices, "EUR")
    assert price(usd, "mistral-medium-latest", "input") == Decimal("1.5")
    assert price(eur, "mistral-medium-latest", "input") == Decimal("1.25")
    assert price(usd, "mistral-medium-latest", "output") == Decimal("7.5")
    assert price(eur, "mistral-medium-latest", "output") == Decimal("6.4")
    assert price(usd, "mistral-small-latest", "input") == Decimal("0.15")
    assert price(eur, "mistral-small-latest", "output") == Decimal("0.5")
    assert price(usd, "mistral-large-latest", "output") == Decimal("1.5")
    assert price(eur, "codestral-latest", "output") == Decimal("0.79")
    assert price(usd, "devstral-medium-latest", "output") == Decimal("2")
    assert price(eur, "magistral-small-latest", "output") == Decimal("1.31")
    assert price(usd, "open-mixtral-8x22b", "output") == Decimal("6")
    assert price(usd, "mistral-embed", "input") == Decimal("0.1")
    assert not [q for q in live.prices if q.model == "mistral-embed" and q.price_kind == "output"]
    q = find_price(usd, "mistral-small-latest", "input")
    assert q.model_name == "Mistral Small 4" and q.unit == "per 1M tokens" and q.where == (
        "card 5 'Mistral Small 4' label 'Input (/M tokens)'")


def test_live_non_token_prices(live):
    rows = {(q.model, q.price_kind, q.unit, q.currency): q.amount for q in live.prices if q.unit != "per 1M tokens"}
    assert rows[("mistral-ocr-4-0", "ocr", "per 1K pages", "USD")] == Decimal("4")
    assert rows[("mistral-ocr-4-0", "document_ai", "per 1K pages", "EUR")] == Decimal("4.38")
    assert rows[("voxtral-mini-tts-latest", "speech_output", "per 1K characters", "USD")] == Decimal("0.016")
    assert rows[("voxtral-mini-latest", "audio_input", "per minute", "USD")] == Decimal("0.003")
    assert rows[("voxtral-small-latest", "audio_input", "per minute", "EUR")] == Decimal("0.0035")
    assert price(in_currency(live.prices, "USD"), "voxtral-small-latest", "input") == Decimal("0.1")


def test_live_counts_and_no_multiplier_prices(live):
    assert len({q.model for q in live.prices}) == 22 and len(live.prices) == 78
    assert {q.currency for q in live.prices} == {"USD", "EUR"}
    # "Batch -50%" and "Cached input -90%" are toggles applied by the page's script: no price is written for them
    assert {q.service_tier for q in live.prices} == {"standard"}
    assert not [q for q in live.prices if q.price_kind.startswith("cache")]
    # featured cards repeat catalogue cards: one row per key
    keys = [(q.model, q.price_kind, q.unit, q.currency) for q in live.prices]
    assert len(keys) == len(set(keys))


def test_live_page_loads_what_it_understands_and_reports_the_rest(live):
    """Before: no reader for cards ('no prices found'). Now every card with an API id loads; the rest are findings."""
    found = {(f.kind, f.where) for f in live.findings}
    assert ("unreadable_cell", "card 15 'Leanstral'") in found  # "Free" without a price kind: no guessed row
    assert ("unknown_row", "card 21 'Classifier API model 3B'") in found  # no API model id on the card
    assert ("unknown_row", "card 29 'Web search'") in found
    assert len(live.findings) == 9
    assert not [q for q in live.prices if q.model == "labs-leanstral-2603"]


def _card(text: str, model_id: str) -> tuple[int, int]:
    start = text.rindex("<mistral-block-card-model", 0, text.index(f'data-text="{model_id}"'))
    return start, text.index("</mistral-block-card-model>", start) + len("</mistral-block-card-model>")


def test_live_survives_new_column_new_model_renamed_section(live):
    real = LIVE.read_text(encoding="utf-8")
    # one extra unknown column: a "Cache writes" price line added to the Codestral card
    s, e = _card(real, "codestral-latest")
    card = real[s:e]
    out_line = card[card.index('<div class="flex justify-between"><p class="text-body-base relative">Output'):]
    out_line = out_line[: out_line.index("</mistral-atom-text-price></div>") + len("</mistral-atom-text-price></div>")]
    extra = out_line.replace("Output (/M tokens)", "Cache writes (/M tokens)")
    edited = real[:s] + card.replace(out_line, out_line + extra) + real[e:]
    # one new model: a copy of the Codestral card as "Codestral 3" / codestral-3-latest at $0.5 / $1.5
    s, e = _card(edited, "codestral-latest")
    new = (edited[s:e].replace("codestral-latest", "codestral-3-latest").replace(">Codestral<", ">Codestral 3<")
           .replace("&quot;priceUsd&quot;:0.3,", "&quot;priceUsd&quot;:0.5,").replace(">$0.3<", ">$0.5<"))
    edited = edited[:e] + new + edited[e:]
    # one renamed section
    assert edited.count("Browse our APIs.") == 1
    edited = edited.replace("Browse our APIs.", "All our models.")
    after = mistral.SOURCE.read(edited.encode(), LIVE_URL)
    key = lambda q: (q.model, q.price_kind, q.unit, q.currency, q.amount)  # noqa: E731
    assert {key(q) for q in live.prices} < {key(q) for q in after.prices}
    added = {key(q) for q in after.prices} - {key(q) for q in live.prices}
    assert ("codestral-3-latest", "input", "per 1M tokens", "USD", Decimal("0.5")) in added
    assert {k[0] for k in added} == {"codestral-3-latest"}
    unknown = [f for f in after.findings if f.kind == "unknown_column"]
    assert [(f.where, f.text) for f in unknown] == [
        ("card 14 'Codestral' label 'Cache writes (/M tokens)'", "Cache writes (/M tokens)"),
        ("card 15 'Codestral 3' label 'Cache writes (/M tokens)'", "Cache writes (/M tokens)"),
    ]


def test_live_price_text_disagreeing_with_data_is_a_finding():
    real = LIVE.read_bytes()
    bad = real.replace(b">$0.9</span>", b">$0.95</span>", 1)  # Codestral output: rendered text no longer the data
    assert bad != real
    page = mistral.SOURCE.read(bad, LIVE_URL)
    assert [(f.kind, f.where) for f in page.findings if f.kind == "unreadable_cell"] == [
        ("unreadable_cell", "card 14 'Codestral' label 'Output (/M tokens)'"), ("unreadable_cell", "card 15 'Leanstral'")]
    assert not [q for q in page.prices if q.model == "codestral-latest" and q.price_kind == "output"]
