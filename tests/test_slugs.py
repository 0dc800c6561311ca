"""One slug per seller everywhere: every provider value in the marts (and the lake's partitions) is the canonical
slug (pipelines.config.PROVIDER_SLUGS), and no two differ only in spelling (``amazon-nova`` / ``amazon_nova``)."""

from __future__ import annotations

import re

from pipelines.config import PROVIDER_SLUGS, canonical_provider
from pipelines.history.importers import genai_prices, litellm

MARTS_WITH_PROVIDER = ("price_history", "latest_prices", "price_changes", "price_discrepancies", "model_aliases",
                       "model_delistings")


def _spelling(slug: str) -> str:
    return re.sub(r"[^a-z0-9]", "", slug)


def test_every_provider_in_the_marts_is_canonical(built, wh):
    providers = set()
    for table in MARTS_WITH_PROVIDER:
        providers |= {r[0] for r in wh.execute(f"SELECT DISTINCT provider FROM marts.{table}").fetchall()}  # noqa: S608 - fixed names
    assert len(providers) > 50  # the bundled LiteLLM history alone has ~90 sellers
    assert not {p for p in providers if canonical_provider(p) != p}
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", p) for p in providers), providers
    by_spelling: dict[str, set[str]] = {}
    for p in providers:
        by_spelling.setdefault(_spelling(p), set()).add(p)
    assert not [s for s in by_spelling.values() if len(s) > 1]
    # the Parquet lake is partitioned by the same slugs (before: both provider=amazon-nova and provider=amazon_nova)
    lake = built[1] / "lake" / "marts" / "price_history"
    parts = {d.name.removeprefix("provider=") for d in lake.iterdir() if d.is_dir()}
    assert "amazon_nova" in parts and "amazon-nova" not in parts
    assert parts <= {p for p in providers}


def test_dataset_spellings_map_to_one_slug():
    # genai-prices says together/fireworks/voyageai, LiteLLM together_ai/fireworks_ai/voyage: one seller each
    assert genai_prices.seller("together", "m") == ("together_ai", "m")
    assert genai_prices.seller("fireworks", "m") == ("fireworks_ai", "m")
    assert genai_prices.seller("voyageai", "m") == ("voyage", "m")
    assert litellm.canonical("amazon-nova/nova-pro-v1", "amazon-nova") == ("amazon_nova", "nova-pro-v1")
    assert litellm.canonical("together_ai/x", "together_ai") == ("together_ai", "x")
    # an alias never maps to another alias
    assert not set(PROVIDER_SLUGS.values()) & set(PROVIDER_SLUGS)
