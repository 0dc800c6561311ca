"""``tokenprices export --format litellm``: the latest prices as a price map LiteLLM reads.

LiteLLM (``litellm.model_cost``, ``litellm.register_model``) looks a model up by key and reads USD-per-token
fields from its entry. What the export follows, checked against LiteLLM 1.110.2 itself (tests/test_litellm_export.py,
the optional ``litellm`` extra):

- **Provider names**: LiteLLM's ``litellm_provider`` (:data:`LITELLM_PROVIDER`: our ``google`` is LiteLLM's
  ``gemini``, the Gemini API; every other slug is LiteLLM's own name already, :data:`pipelines.config.PROVIDER_SLUGS`).
  A seller LiteLLM has no provider for (``alibaba``'s Model Studio, ``baidu``, ``zhipu``'s bigmodel.cn) is left out:
  LiteLLM could never look it up.
- **Keys**: a model LiteLLM's history knows (imported from it, ``staging.imported_price_runs`` source ``litellm``)
  keeps LiteLLM's own key and ``litellm_provider`` (``vertex_ai/claude-3-5-haiku``, ``jamba-1.5`` of ``ai21``,
  ``command-light`` of ``cohere_chat``); any other takes the bare model id for ``openai`` and ``anthropic`` and the
  ``vertex_ai-*`` sellers (LiteLLM's convention: ``gpt-4o``, ``claude-sonnet-4-5``) and ``<provider>/<model>`` for
  every other seller (``gemini/gemini-2.5-pro``, ``deepseek/deepseek-chat``, ``openrouter/openai/gpt-4o``), which
  is what LiteLLM looks up for a model called that way.
- **Fields** (:func:`litellm_field`): ``input_cost_per_token``, ``output_cost_per_token``,
  ``cache_read_input_token_cost``, ``cache_creation_input_token_cost`` (5-minute write),
  ``cache_creation_input_token_cost_above_1hr``, audio/image/reasoning token prices; a long-context tier adds
  ``_above_<N>k_tokens`` (``input_cost_per_token_above_200k_tokens``, ``cache_read_input_token_cost_above_200k_tokens``),
  a service tier ``_batches``, ``_priority`` or ``_flex`` after it, as LiteLLM spells them. Off-peak prices have no
  flat LiteLLM field and are left out.
- **Evidence**: each entry's ``source`` is the URL of the price and ``metadata.tokenprices`` says which source, in
  force from when, last seen when.

``--only-new-or-different`` compares with a LiteLLM map (``--litellm-map FILE``; default the map bundled with the
installed ``litellm`` package) and keeps only the entries LiteLLM lacks or prices differently, each different field
with LiteLLM's value beside ours in ``metadata.tokenprices.litellm``. A price known only from LiteLLM's own history
(source ``litellm``) is never offered as a difference: LiteLLM's current map is the newer evidence. Merging the
result (``litellm.register_model``) therefore adds and corrects entries and never replaces a price with an older one.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import math
from decimal import Decimal
from pathlib import Path

from pipelines import warehouse

#: our seller slug -> LiteLLM's ``litellm_provider`` where they differ (https://docs.litellm.ai/docs/providers).
LITELLM_PROVIDER: dict[str, str] = {"google": "gemini"}

#: sellers LiteLLM has no provider for: never exported (a key with an unknown provider cannot be looked up).
#: Alibaba Model Studio is LiteLLM's ``dashscope`` only for its international endpoint, whose prices differ.
NOT_IN_LITELLM = frozenset({"alibaba", "baidu", "zhipu", "palm", "anyscale", "doubleword", "sarvam", "avian", "modal"})

#: LiteLLM providers whose keys are the bare model id (LiteLLM's own map: ``gpt-4o``, ``claude-sonnet-4-5``).
BARE_KEY_PROVIDERS = frozenset({"openai", "anthropic"})

#: price_kind -> LiteLLM field stem (USD per token).
KIND_FIELDS = {
    "input": "input_cost_per_token",
    "output": "output_cost_per_token",
    "cache_read": "cache_read_input_token_cost",
    "cache_write": "cache_creation_input_token_cost",
    "cache_write_5m": "cache_creation_input_token_cost",
    "cache_write_1h": "cache_creation_input_token_cost_above_1hr",
    "input_audio": "input_cost_per_audio_token",
    "output_audio": "output_cost_per_audio_token",
    "cache_read_audio": "cache_read_input_audio_token_cost",
    "input_image": "input_cost_per_image_token",
    "output_image": "output_cost_per_image_token",
    "output_reasoning": "output_cost_per_reasoning_token",
    "input_video": "input_cost_per_video_token",
}
#: the kinds LiteLLM prices per context tier and service tier (its cost calculator's rate prefixes).
TIERED_KINDS = frozenset({"input", "output", "cache_read", "cache_write", "cache_write_5m", "cache_write_1h"})
#: service_tier -> LiteLLM suffix.
SERVICE_SUFFIX = {"standard": "", "batch": "_batches", "priority": "_priority", "flex": "_flex"}


def litellm_field(price_kind: str, service_tier: str, tier_min_tokens: int) -> str | None:
    """LiteLLM's field for one price, or None when LiteLLM has none: ``("cache_read", "standard", 200000)`` ->
    ``cache_read_input_token_cost_above_200k_tokens``; ``("input", "batch", 272000)`` ->
    ``input_cost_per_token_above_272k_tokens_batches``."""
    stem, suffix = KIND_FIELDS.get(price_kind), SERVICE_SUFFIX.get(service_tier)
    if stem is None or suffix is None:
        return None
    if price_kind not in TIERED_KINDS and (tier_min_tokens or suffix):
        return None  # LiteLLM reads audio/image/reasoning/video token prices only untiered, standard
    if tier_min_tokens:
        n = tier_min_tokens
        stem += f"_above_{n // 1000}k_tokens" if n % 1000 == 0 else f"_above_{n}_tokens"
    return stem + suffix


def litellm_provider(provider: str) -> str | None:
    """LiteLLM's provider name for our seller slug, or None when LiteLLM has no such provider."""
    if provider in NOT_IN_LITELLM:
        return None
    return LITELLM_PROVIDER.get(provider, provider)


def litellm_key(provider: str, model: str) -> str:
    """The key LiteLLM looks the model up by (``provider`` is LiteLLM's name)."""
    if provider in BARE_KEY_PROVIDERS or provider.startswith("vertex_ai"):
        return model
    return f"{provider}/{model}"


def litellm_map(con) -> dict:
    """``{key: {"litellm_provider", "mode": "chat", <field>: USD per token, "source": url, "metadata": {...}}}`` from
    ``marts.latest_prices`` (USD lists, global region, no conditions)."""
    out: dict[str, dict] = {}
    evidence: dict[str, dict] = {}
    known = {(p, m): (k, lp) for p, m, k, lp in warehouse.run(con, "litellm_keys").fetchall()}
    owner: dict[str, tuple[str, str]] = {}
    for provider, model, kind, tier, min_tokens, usd, source, url, valid_from, last_seen in warehouse.run(
            con, "export_litellm_prices").fetchall():
        field, lp = litellm_field(kind, tier, min_tokens), litellm_provider(provider)
        if field is None or lp is None:
            continue
        key, lp = known.get((provider, model)) or (litellm_key(lp, model), lp)
        if owner.setdefault(key, (provider, model)) != (provider, model):
            continue  # two sellers' models on one key (LiteLLM's old bare keys): the first keeps it, never a mix
        entry = out.setdefault(key, {"litellm_provider": lp, "mode": "chat"})
        if field in entry:
            continue  # cache_write and cache_write_5m: one LiteLLM field, the first kind kept
        entry[field] = float(usd / Decimal(1_000_000))
        ev = evidence.setdefault(key, {"fields": {}})
        ev["fields"][field] = {"source": source, "source_url": url, "valid_from": _iso(valid_from),
                               "last_seen": _iso(last_seen)}
    for key, entry in out.items():
        fields = evidence[key]["fields"]
        # the entry's source: the URL most of its fields come from (the input price's when tied)
        urls = [f["source_url"] for f in fields.values() if f["source_url"]]
        if urls:
            entry["source"] = max(dict.fromkeys(urls), key=urls.count)
        entry["metadata"] = {"tokenprices": {"fields": fields}}
    return out


def _iso(v) -> str | None:
    return v.isoformat() if isinstance(v, dt.date) else v


def installed_litellm_map() -> Path:
    """The price map bundled with the installed ``litellm`` package (read without importing it)."""
    try:
        spec = importlib.util.find_spec("litellm")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("--only-new-or-different needs LiteLLM's map: give --litellm-map FILE (LiteLLM's "
                                "model_prices_and_context_window.json) or install the extra: pip install "
                                "'tokenprices[litellm]'")
    return Path(next(iter(spec.submodule_search_locations))) / "model_prices_and_context_window_backup.json"


def same_price(a, b) -> bool:
    """Equal USD-per-token prices (JSON floats: equal to 1e-9 relative)."""
    return isinstance(a, (int, float)) and isinstance(b, (int, float)) and math.isclose(a, b, rel_tol=1e-9, abs_tol=0)


def compare(ours: dict, theirs: dict) -> tuple[dict, dict]:
    """(entries to emit, counts): of ``ours``, the entries ``theirs`` lacks (``new``) and the ones whose price
    fields it prices differently (``different``: only our fields that differ, each with LiteLLM's value in
    ``metadata.tokenprices.litellm``); counted too: ``same`` (every field priced like LiteLLM), ``other_provider``
    (LiteLLM has the key for another provider: left out), ``only_litellm_evidence`` (differences whose only
    evidence is LiteLLM's own history: left out)."""
    emit: dict[str, dict] = {}
    counts = {"new": 0, "different": 0, "same": 0, "other_provider": 0, "only_litellm_evidence": 0}
    for key, entry in ours.items():
        their = theirs.get(key)
        if their is None:
            emit[key] = entry
            counts["new"] += 1
            continue
        if their.get("litellm_provider") != entry["litellm_provider"]:
            counts["other_provider"] += 1
            continue
        fields = entry["metadata"]["tokenprices"]["fields"]
        differ = {f: v for f, v in entry.items() if f in fields and not same_price(v, their.get(f))}
        if not differ:
            counts["same"] += 1
            continue
        differ = {f: v for f, v in differ.items() if fields[f]["source"] != "litellm"}
        if not differ:
            counts["only_litellm_evidence"] += 1
            continue
        counts["different"] += 1
        emit[key] = {"litellm_provider": entry["litellm_provider"], "mode": their.get("mode", "chat"), **differ,
                     **({"source": entry["source"]} if "source" in entry else {}),
                     "metadata": {"tokenprices": {"fields": {f: fields[f] for f in differ},
                                                  "litellm": {f: their.get(f) for f in differ}}}}
    return emit, counts
