"""Normalisation to USD per 1M tokens and ECB conversion (exact Decimal)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pipelines.history.normalise import FxError, ecb_rate, quote_rows, to_usd_per_mtok
from pipelines.sources.base import ParsedPrice, parse_money


def test_per_token_decimal_string_rescales_exactly():
    # OpenRouter writes USD per single token as decimal strings: "0.00000045" = $0.45 / 1M tokens.
    usd, rate, _ = to_usd_per_mtok(Decimal("0.00000045"), "USD", "per token", dt.date(2026, 8, 19))
    assert usd == Decimal("0.45") and rate == 1


def test_per_1k_rescales_exactly():
    usd, _, _ = to_usd_per_mtok(Decimal("0.0008"), "USD", "per 1K tokens", dt.date(2026, 1, 5))
    assert usd == Decimal("0.8")


def test_weekend_uses_last_ecb_publication():
    # 2025-12-20 is a Saturday; the ECB published USD 1.1712 and CNY 8.2465 per EUR on Friday 2025-12-19.
    rate, day = ecb_rate("CNY", dt.date(2025, 12, 20))
    assert day == dt.date(2025, 12, 19)
    assert rate == Decimal("8.2465") / Decimal("1.1712")


def test_eur_price_converted():
    # Mistral's 2024 page: 1.85 EUR / 1M tokens. ECB 2024-04-02: USD 1.0749 per EUR.
    usd, rate, day = to_usd_per_mtok(Decimal("1.85"), "EUR", "per 1M tokens", dt.date(2024, 4, 2))
    assert day == dt.date(2024, 4, 2)
    assert usd == (Decimal("1.85") * Decimal("1.0749")).quantize(Decimal("1e-12"))


def test_no_rate_after_bundled_history_is_an_error():
    with pytest.raises(FxError, match="no ECB rate for CNY"):
        ecb_rate("CNY", dt.date(2099, 1, 1))


def test_quote_rows_need_utc():
    p = ParsedPrice("deepseek", "deepseek-chat", "deepseek-chat", "input", Decimal(2), "CNY", "per 1M tokens")
    with pytest.raises(ValueError, match="timezone"):
        quote_rows([p], source="s", source_url="u", observed_at=dt.datetime(2025, 12, 20), snapshot_sha256="x")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("$0.50 / MTok", (Decimal("0.50"), "USD")),
        ("\\$0.3 / M tokens", (Decimal("0.3"), "USD")),
        ("￥1.00", (Decimal("1.00"), "CNY")),
        ("0.2元", (Decimal("0.2"), "CNY")),
        ("1.85€ / 1M tokens", (Decimal("1.85"), "EUR")),
        ("2$ / 1M tokens", (Decimal("2"), "USD")),
        ("Not available", None),
    ],
)
def test_parse_money(text, expected):
    assert parse_money(text) == expected


def test_parsed_price_refuses_float_and_negative():
    with pytest.raises(TypeError):
        ParsedPrice("a", "m", "m", "input", 0.5, "USD", "per 1M tokens")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        ParsedPrice("a", "m", "m", "input", Decimal(-1), "USD", "per 1M tokens")
