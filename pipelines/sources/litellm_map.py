"""LiteLLM price map (``model_prices_and_context_window.json``) -> prices of many sellers.

https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json is one JSON object:
``{"<model_key>": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2.5e-06, …}, …}``
plus ``sample_spec`` (a schema description) and, in mirrored copies, ``last_updated`` (a timestamp string);
both are skipped. Values are USD **per token** (``unit="per token"``), read with
``json.loads(parse_float=Decimal)`` so ``2.5e-06`` stays exactly ``Decimal("2.5E-6")`` (never a float).

Seller and model: :func:`pipelines.history.importers.litellm.canonical` (the same mapping the history importer uses:
``gemini`` -> ``google``, the ``"<provider>/"`` prefix removed from the key). ``SOURCE.provider`` is
``"litellm"`` (a multi-seller source); every row carries its mapped seller. ``model_name`` is the raw LiteLLM
key. Only text modes are read (``mode`` in chat / completion / responses; other modes and entries without a
mode are skipped).

Fields (``<base>[_above_<N>k_tokens][_batches|_priority|_flex]``):

=======================================================  ==========================================
``input_cost_per_token``                                  ``input``
``output_cost_per_token``                                 ``output``
``cache_read_input_token_cost``                           ``cache_read``
``cache_creation_input_token_cost``                       ``cache_write`` (``cache_write_5m`` for
                                                          Anthropic, as in the history importer)
``cache_creation_input_token_cost_above_1hr``             ``cache_write_1h``
``input_cost_per_audio_token`` / ``output_cost_per_audio_token``  ``input_audio`` / ``output_audio``
``input_cost_per_image_token``                            ``input_image``
suffix ``_above_<N>k_tokens``                             ``tier_min_tokens = N * 1000``
suffix ``_batches`` / ``_priority`` / ``_flex``           service tier ``batch`` / ``priority`` / ``flex``
=======================================================  ==========================================

Skipped on purpose (not per-token list prices of a text model, or duplicates): per-second / per-image /
per-character / per-request / per-query (``search_context_cost_per_query``) / per-session fields,
``output_cost_per_reasoning_token`` (a reasoning-mode output price: no price kind for it yet),
``input_cost_per_token_cache_hit`` (DeepSeek's duplicate of ``cache_read_input_token_cost``),
Databricks ``*_dbu_*`` (DBUs, not USD), ``citation_cost_per_token``. Any other field of a text model whose name
says ``cost`` or ``price`` (a new or renamed price field) is not read: it becomes an ``unknown_column`` finding
(``field=value``) and the entry's known fields still load (issue 19). Fields without ``cost``/``price`` in their
name (``max_tokens``, ``supports_*`` …) are not prices and are not reported.

Several keys can map to the same (seller, model) (``deepseek-chat`` and ``deepseek/deepseek-chat``). Equal
values are emitted once. When they disagree, the entry whose key *is* the model id (the unprefixed key) wins
and the others are dropped for that price; if no such entry exists the price is ambiguous and
:class:`ParseError` is raised. A value that is not a non-negative number raises :class:`ParseError` naming the
key and field.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

from pipelines.history.importers.litellm import TEXT_MODES, canonical
from pipelines.sources.base import ParsedPage, ParsedPrice, ParseError, Source
from pipelines.sources.reader import Findings

UNIT = "per token"
CURRENCY = "USD"

_BASES: dict[str, str] = {
    "input_cost_per_token": "input",
    "output_cost_per_token": "output",
    "cache_read_input_token_cost": "cache_read",
    "cache_creation_input_token_cost": "cache_write",
    "cache_creation_input_token_cost_above_1hr": "cache_write_1h",
    "input_cost_per_audio_token": "input_audio",
    "output_cost_per_audio_token": "output_audio",
    "input_cost_per_image_token": "input_image",
}
_FIELD = re.compile(
    r"^(?P<base>" + "|".join(sorted(map(re.escape, _BASES), key=len, reverse=True)) + r")"
    r"(?:_above_(?P<k>\d+)k_tokens)?(?:_(?P<tier>batches|priority|flex))?$"
)
_TIERS = {None: "standard", "batches": "batch", "priority": "priority", "flex": "flex"}
_SKIP_KEYS = frozenset({"sample_spec", "last_updated"})
#: price fields skipped on purpose (see the module doc): not reported as findings.
_SKIPPED_FIELD = re.compile(
    r"_per_(?:second|image|character|request|query|session)(?:_|$)|_per_audio_per_second|_per_video_per_second"
    r"|^output_cost_per_reasoning_token$|^input_cost_per_token_cache_hit$|_dbu_|^citation_cost_per_token$"
)
_PRICE_WORD = re.compile(r"cost|price")


def parse(body: bytes, url: str) -> ParsedPage:
    """Per-token USD prices of every text model in the LiteLLM price map; unknown price fields as findings."""
    try:
        doc = json.loads(body, parse_float=Decimal)
    except ValueError as exc:
        raise ParseError(f"not JSON: {exc}", url=url) from exc
    if not isinstance(doc, dict):
        raise ParseError("top level is not an object", url=url, where="$")
    # (provider, model, kind, tier, min_tokens) -> [(price, key_is_model)]
    found: dict[tuple, list[tuple[ParsedPrice, bool]]] = {}
    findings = Findings()
    for key, entry in doc.items():
        if key in _SKIP_KEYS:
            continue
        if not isinstance(entry, dict):
            raise ParseError("entry is not an object", url=url, where=f"$[{key!r}]")
        if entry.get("mode") not in TEXT_MODES:
            continue
        lp = entry.get("litellm_provider")
        if not isinstance(lp, str) or not lp:
            raise ParseError("text model without litellm_provider", url=url, where=f"$[{key!r}]")
        provider, model = canonical(key, lp)
        for field, value in entry.items():
            m = _FIELD.match(field)
            if not m:
                if _PRICE_WORD.search(field) and not _SKIPPED_FIELD.search(field):
                    findings.add("unknown_column", f"$[{key!r}].{field}", f"{field}={value}")
                continue
            where = f"$[{key!r}].{field}"
            amount = _amount(value, url, where)
            kind = _BASES[m.group("base")]
            if kind == "cache_write" and provider == "anthropic":
                kind = "cache_write_5m"
            p = ParsedPrice(
                provider=provider,
                model=model,
                model_name=key,
                price_kind=kind,
                amount=amount,
                currency=CURRENCY,
                unit=UNIT,
                service_tier=_TIERS[m.group("tier")],
                tier_min_tokens=int(m.group("k")) * 1000 if m.group("k") else 0,
                where=where,
            )
            found.setdefault((provider, model, kind, p.service_tier, p.tier_min_tokens), []).append(
                (p, key == model)
            )
    out: list[ParsedPrice] = []
    for k, cands in found.items():
        amounts = {p.amount for p, _ in cands}
        if len(amounts) == 1:
            out.append(cands[0][0])
            continue
        primary = [p for p, is_id in cands if is_id]
        if len(primary) != 1:
            wheres = ", ".join(f"{p.where}={p.amount}" for p, _ in cands)
            raise ParseError(f"conflicting prices for {k}: {wheres}", url=url, where=cands[0][0].where)
        out.append(primary[0])
    if not out:
        raise ParseError("no text-model prices found", url=url)
    return findings.page(out, url)


def _amount(v: object, url: str, where: str) -> Decimal:
    if isinstance(v, bool) or not isinstance(v, (int, Decimal)):
        raise ParseError(f"cannot read price {v!r}", url=url, where=where)
    d = Decimal(v) if isinstance(v, int) else v
    if not d.is_finite() or d < 0:
        raise ParseError(f"cannot read price {v!r}", url=url, where=where)
    return d


SOURCE = Source(
    name="litellm_price_map",
    provider="litellm",
    urls=("https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json",),
    fmt="json",
    parse=parse,
    hosts=("raw.githubusercontent.com",),
    description="LiteLLM's model_prices_and_context_window.json: USD per-token prices of text models of many "
    "sellers (seller mapped by pipelines.history.importers.litellm.canonical), with batch/priority/flex and "
    "long-context (_above_Nk_tokens) fields. Known bad rows of a few sellers (wandb/* at 10^6x) are "
    "quarantined, not loaded.",
    quarantine_bad_rows=True,
)
