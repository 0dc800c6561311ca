"""Helpers shared by the parser tests."""

from __future__ import annotations

from decimal import Decimal

from pipelines.sources.base import ParsedPrice


def find_price(quotes: list[ParsedPrice], model: str, kind: str, tier: str = "standard", min_tokens: int = 0) -> ParsedPrice:
    """The single parsed price for (model, kind, tier, min_tokens); fails the test on 0 or 2+ matches."""
    hits = [
        q
        for q in quotes
        if q.model == model and q.price_kind == kind and q.service_tier == tier and q.tier_min_tokens == min_tokens
    ]
    assert len(hits) == 1, f"{len(hits)} matches for {(model, kind, tier, min_tokens)}: {hits}"
    return hits[0]


def price(quotes: list[ParsedPrice], model: str, kind: str, tier: str = "standard", min_tokens: int = 0) -> Decimal:
    """The amount (as written on the page) of :func:`find_price`."""
    return find_price(quotes, model, kind, tier, min_tokens).amount
