"""LiteLLM price-map history -> effective-dated price runs.

Dataset: ``seed/litellm_price_history/litellm_price_changes.parquet`` (MIT, BerriAI/litellm's
``model_prices_and_context_window.json`` as mirrored by AgentOps-AI/tokencost and RoCry/llm-api-price; see
that folder's README). Each row is one unchanged value of one field of one ``(model_key, litellm_provider)``
over ``[first_seen_ts, ended_ts)``. Cost fields are USD per token.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq

from pipelines.config import canonical_provider

#: LiteLLM cost field -> (price_kind, service_tier, tier_min_tokens). Source: the dataset README's list of
#: tracked fields; ``*_batches`` are Batch API prices, ``*_above_200k_tokens`` apply once the prompt is over
#: 200k tokens (cliff). ``cache_creation_input_token_cost`` is the single cache-write price LiteLLM keeps
#: (Anthropic's 5-minute write, 1.25x input), stored as ``cache_write`` except for Anthropic (``cache_write_5m``).
FIELD_MAP: dict[str, tuple[str, str, int]] = {
    "input_cost_per_token": ("input", "standard", 0),
    "output_cost_per_token": ("output", "standard", 0),
    "cache_read_input_token_cost": ("cache_read", "standard", 0),
    "cache_creation_input_token_cost": ("cache_write", "standard", 0),
    "input_cost_per_token_batches": ("input", "batch", 0),
    "output_cost_per_token_batches": ("output", "batch", 0),
    "input_cost_per_token_above_200k_tokens": ("input", "standard", 200_000),
    "output_cost_per_token_above_200k_tokens": ("output", "standard", 200_000),
}

#: LiteLLM ``litellm_provider`` -> our seller slug, where they differ. Other providers keep LiteLLM's name
#: (``bedrock``, ``azure``, ``vertex_ai-language-models`` ...): each is a seller of its own.
PROVIDER_MAP: dict[str, str] = {
    "gemini": "google",
    "cohere_chat": "cohere",
    "text-completion-openai": "openai",
}

#: entry modes imported (token-priced text generation). Embeddings, images, audio, rerank... are not.
TEXT_MODES = frozenset({"chat", "completion", "responses"})

#: where each mirror kept the file, for source_url provenance.
MIRROR_PATHS = {
    "RoCry/llm-api-price": "model_prices_and_context_window.json",
    "AgentOps-AI/tokencost": "tokencost/model_prices.json",
}

PER_TOKEN_TO_PER_MTOK = Decimal(1_000_000)


def canonical(model_key: str, litellm_provider: str) -> tuple[str, str]:
    """``(provider, model)`` for a LiteLLM entry: the provider mapped by PROVIDER_MAP and a leading
    ``"<litellm_provider>/"`` or ``"<provider>/"`` prefix removed from the key.

    ``("gemini/gemini-2.0-flash", "gemini")`` -> ``("google", "gemini-2.0-flash")``;
    ``("gpt-4o", "openai")`` -> ``("openai", "gpt-4o")``.
    """
    provider = canonical_provider(PROVIDER_MAP.get(litellm_provider, litellm_provider))
    model = model_key
    for prefix in (f"{litellm_provider}/", f"{provider}/"):
        if litellm_provider and model.startswith(prefix):
            model = model[len(prefix) :]
            break
    return provider, model


def mode_at(modes: list[tuple[dt.datetime, str]], ts: dt.datetime) -> str | None:
    """The entry's ``mode`` in force at ``ts`` (the last one first seen on or before it; else the first one seen
    after it), from its ``(first_seen_ts, value)`` runs in time order; None when the entry never had a mode.

    A key's price runs are kept or dropped by the mode of their own time, not by the key's latest mode: LiteLLM
    relabelled ``gemini/gemini-1.5-flash`` as an embedding model on 2026-03-12, which does not make its 2024-2026
    chat prices any less real."""
    current = None
    for first_seen, value in modes:
        if first_seen <= ts:
            current = value
        else:
            return current if current is not None else value
    return current


def read_runs(dataset_dir: Path) -> list[dict]:
    """Rows for ``staging.imported_price_runs`` (source ``litellm``), one per price run of a text model.

    Amounts come from the dataset's ``value`` text as Decimal (``"2.5e-06"`` -> 2.5 USD per 1M tokens exactly).
    ``valid_from``/``valid_to`` are the UTC dates of ``first_seen_ts``/``ended_ts``. Raises FileNotFoundError
    naming the file when the dataset is missing, ValueError on a cost value that is not a number.
    """
    path = Path(dataset_dir) / "litellm_price_changes.parquet"
    if not path.is_file():
        raise FileNotFoundError(f"LiteLLM dataset not found: {path}")
    rows = pq.read_table(path).to_pylist()
    modes: dict[tuple[str, str], list[tuple[dt.datetime, str]]] = {}
    for r in rows:
        if r["field"] == "mode":
            modes.setdefault((r["model_key"], r["litellm_provider"]), []).append((r["first_seen_ts"], r["value"]))
    for runs in modes.values():
        runs.sort()
    out = []
    for r in rows:
        mapped = FIELD_MAP.get(r["field"])
        if mapped is None:
            continue
        mode = mode_at(modes.get((r["model_key"], r["litellm_provider"]), []), r["first_seen_ts"])
        if mode is not None and mode not in TEXT_MODES:
            continue
        kind, tier, min_tokens = mapped
        provider, model = canonical(r["model_key"], r["litellm_provider"])
        if kind == "cache_write" and provider == "anthropic":
            kind = "cache_write_5m"
        try:
            per_token = Decimal(r["value"])
        except ArithmeticError as exc:
            raise ValueError(f"LiteLLM {r['model_key']} {r['field']}: not a number: {r['value']!r}") from exc
        if not per_token.is_finite():
            raise ValueError(f"LiteLLM {r['model_key']} {r['field']}: not finite: {r['value']!r}")
        repo = r["source_repo"]
        ended = r["ended_ts"]
        out.append(
            {
                "source": "litellm",
                "provider": provider,
                "model": model,
                "source_key": f"{r['model_key']}|{r['litellm_provider']}",
                "price_kind": kind,
                "service_tier": tier,
                "tier_min_tokens": min_tokens,
                "region": "global",
                "currency": "USD",
                "usd_per_mtok": per_token * PER_TOKEN_TO_PER_MTOK,
                "original_amount": per_token,
                "original_unit": "per token",
                "valid_from": r["first_seen_ts"].astimezone(dt.UTC).date(),
                "valid_to": ended.astimezone(dt.UTC).date() if ended is not None else None,
                "source_url": f"https://github.com/{repo}/blob/{r['commit_sha']}/{MIRROR_PATHS.get(repo, '')}",
                "source_ref": r["commit_sha"],
            }
        )
    return out
