"""genai-prices (Pydantic) price feed -> effective-dated price runs.

Dataset: ``seed/genai_prices/data_v2.json``, a verbatim copy of ``prices/new_data/v2/data.json`` of
**pydantic/genai-prices** at commit ``47df840a5ab10bbcffb8e5ac01b9899032245d1b`` (2026-08-21 20:02 UTC; the v2
feed first appeared on 2026-07-30). Licence: **MIT** (Pydantic Services Inc.), so the copy ships in ``seed/``.
The feed is one snapshot: the prices it says are in force, plus the dated changes it knows of (past and future).

Format: a list of providers ``{id, models: [{id, prices, ...}]}``. ``prices`` is a price set (an object of price
keys) or a list of conditional variants ``[{"prices": {...}}, {"constraint": {...}, "prices": {...}}]``; the
first variant (no constraint) is the default, later matching variants take precedence over earlier ones.

Units: keys ending in ``_mtok`` are USD per 1,000,000 tokens, stored as is (``usd_per_mtok`` = ``original_amount``,
``original_unit = "per 1M tokens"``), read with ``json.loads(..., parse_float=Decimal)`` so no float is involved.
A value is a number or a tiered object ``{"base": 3, "tiers": [{"start": 200000, "price": 6}]}``: the base is
``tier_min_tokens = 0``, each tier a row with ``tier_min_tokens = start`` (tokens; cliff semantics, as the schema
describes: once the prompt crosses ``start`` the whole request is billed at the tier price).

Price keys -> ``price_kind`` (:func:`price_kind`): ``input_mtok`` -> ``input``, ``output_mtok`` -> ``output``,
``cache_read_mtok`` -> ``cache_read``, ``cache_write_mtok`` -> ``cache_write`` (``cache_write_5m`` when the same
price set also has ``cache_write_1h_mtok``: Anthropic's two write durations), ``cache_write_5m_mtok`` /
``cache_write_1h_mtok`` -> ``cache_write_5m`` / ``cache_write_1h``; modality keys keep their modality as a suffix
of the kind (``input_audio_mtok`` -> ``input_audio``, ``cache_audio_read_mtok`` -> ``cache_read_audio``,
``input_image_mtok`` -> ``input_image``, ``output_reasoning_mtok`` -> ``output_reasoning``,
``output_citation_mtok`` -> ``output_citation``); ``text`` is the default modality (``input_text_mtok`` ->
``input``). Two keys of one price set landing on one kind raise ValueError.

Providers -> our seller slugs: the dataset's provider ``id``, except :data:`PROVIDER_MAP` (``aws`` -> ``bedrock``,
as the LiteLLM importer names it; ``x-ai`` -> ``xai``; ``moonshotai`` -> ``moonshot``; ``zhipuai`` -> ``zhipu``)
and the ``huggingface_<sub>`` providers (Hugging Face Inference Providers: Hugging Face bills, the sub-provider
serves): seller ``huggingface``, model ``<id>:<sub>`` — the id the Hugging Face router takes to pin that
sub-provider (``huggingface_novita`` / ``deepseek-ai/DeepSeek-R1`` -> ``huggingface`` /
``deepseek-ai/DeepSeek-R1:novita``). ``google`` stays ``google`` (the dataset's Google provider covers the Gemini
API and Vertex AI, including Claude on Vertex). ``model`` is the dataset's model ``id`` as given.
``source_key`` is ``<provider id>|<model id>``, one per dataset model (all its variants and tiers share it).

Dates (UTC dates; ``valid_from`` inclusive, ``valid_to`` exclusive or None while current):

- A ``start_date`` variant is valid from its date until the next dated variant's date (None for the last).
  Future dates (``2026-09-01``, ``2027-01-01``) are real announced changes and are emitted with a future
  ``valid_from``: a price lookup must take the date into account.
- A price with no start (a plain price set, or the default variant) has an unknown start. It is not dated back
  to a sentinel (that would put the model in months before it existed) and not to the feed's first-published
  date 2026-07-30 (this file is the 2026-08-21 state; what the feed said on 2026-07-30 is not known here).
  Rule: ``valid_from`` = the latest day on or before :data:`DATASET_DATE` (the commit date of the file read) on
  which the feed says the price held, i.e. ``min(DATASET_DATE, first start_date - 1 day)``. So an undated
  current price starts on 2026-08-21; a default superseded by a future change (``claude-sonnet-5``, from
  2026-09-01) runs ``[2026-08-21, 2026-09-01)``; a default superseded by a past change is emitted as the one-day
  run before it (``o3``: 10/40 over ``[2025-06-09, 2025-06-10)``, then 2/8 from 2025-06-10), which keeps the
  change and its old price without inventing how long the old price lasted.

Time-of-day variants (``constraint: {start_time, end_time}``, only DeepSeek's ``deepseek-chat`` /
``deepseek-reasoner``): the model's time regimes (the default, which applies outside the windows, and each
window) must carry exactly two distinct price sets; the higher one (by ``input``, then ``output``) is the
undiscounted all-day list price, ``service_tier = "standard"``, the lower one ``service_tier = "off_peak"``.
In this feed the *default* is the cheap one: DeepSeek's window ``00:30:00Z``-``16:30:00Z`` carries the standard
price (0.27/1.10 for ``deepseek-chat``) and the default the off-peak one (0.135/0.55), so the off-peak window is
the complement, 16:30-00:30 UTC. ``staging.imported_price_runs`` has no ``conditions`` column, so that window is
not stored on the row (the project's ``conditions`` for it would be ``16:30-00:30 UTC``). A model mixing dated
and time-of-day variants, or any other constraint, raises ValueError (not in the feed).

Skipped: non-token units (``*_kcount`` per 1K requests/searches/..., ``*_mchars``, ``*_hours``, ``*_gpixels``,
``*_kpages``: they belong to ``staging.unit_prices``, which has no imported-runs form); empty price sets (157
models, mostly ``:free`` ones — the feed states no price, and absent is not zero). A price unchanged across a
dated change is one run (:func:`merge_adjacent`). Deprecated models are kept (still callable at that price).
Values are imported exactly as written, float artefacts of the feed included
(``0.18000000000000002``, ``0.08333333333333334``; the warehouse column's scale of 12 rounds them). The feed's
``openrouter`` provider lists 184 of its 691 models without the ``<vendor>/`` prefix OpenRouter's API needs
(``grok-3``, ``claude-3.7-sonnet``): kept as given, aliasing is left downstream. Any other key, a negative /
non-numeric value or a malformed tier raises ValueError naming the provider, model and key. A missing ``data_v2.json`` raises FileNotFoundError naming it.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from pipelines.config import canonical_provider
from pipelines.history.importers import json_amount

SOURCE = "genai_prices"
#: the live feed (same path, default branch), for fetching later.
DATASET_URL = "https://raw.githubusercontent.com/pydantic/genai-prices/HEAD/prices/new_data/v2/data.json"
#: the commit the shipped copy comes from, and its (UTC) commit date.
DATASET_COMMIT = "47df840a5ab10bbcffb8e5ac01b9899032245d1b"
DATASET_DATE = dt.date(2026, 8, 21)
#: the v2 feed's first appearance upstream (documentation only: see the module docstring, dates).
FIRST_PUBLISHED = dt.date(2026, 7, 30)
FILE_NAME = "data_v2.json"

#: dataset provider id -> our seller slug, where they differ (``huggingface_<sub>`` handled by :func:`seller`).
PROVIDER_MAP: dict[str, str] = {
    "aws": "bedrock",
    "x-ai": "xai",
    "moonshotai": "moonshot",
    "zhipuai": "zhipu",
}
HUGGINGFACE_PREFIX = "huggingface_"

#: unit suffixes of price keys that are not token prices (skipped).
NON_TOKEN_SUFFIXES = ("_kcount", "_mchars", "_hours", "_gpixels", "_kpages")
MODALITIES = frozenset({"text", "audio", "image", "video"})
UNIT = "per 1M tokens"


def source_url(commit: str = DATASET_COMMIT) -> str:
    return f"https://github.com/pydantic/genai-prices/blob/{commit}/prices/new_data/v2/data.json"


def seller(provider_id: str, model_id: str) -> tuple[str, str]:
    """``(provider, model)`` for a dataset provider id and model id.

    ``("aws", "amazon.nova-pro-v1:0")`` -> ``("bedrock", "amazon.nova-pro-v1:0")``;
    ``("huggingface_novita", "deepseek-ai/DeepSeek-R1")`` -> ``("huggingface", "deepseek-ai/DeepSeek-R1:novita")``.
    """
    if provider_id.startswith(HUGGINGFACE_PREFIX):
        return "huggingface", f"{model_id}:{provider_id[len(HUGGINGFACE_PREFIX):]}"
    return canonical_provider(PROVIDER_MAP.get(provider_id, provider_id)), model_id


def price_kind(key: str, keys: set[str] | frozenset[str] = frozenset()) -> str | None:
    """Our ``price_kind`` for a price key, None for a non-token key; ValueError for an unknown key.

    ``keys`` is the whole price set, to tell Anthropic's 5-minute write (``cache_write_mtok`` beside a
    ``cache_write_1h_mtok``) from a single-duration cache write.
    """
    if key.endswith(NON_TOKEN_SUFFIXES):
        return None
    if not key.endswith("_mtok"):
        raise ValueError(f"unknown price key {key!r}")
    parts = key[: -len("_mtok")].split("_")
    direction = parts[0]
    if direction not in ("input", "output", "cache") or len(parts) > 4:
        raise ValueError(f"unknown price key {key!r}")
    modality = parts[1] if len(parts) > 1 and parts[1] in MODALITIES else None
    rest = parts[2:] if modality else parts[1:]
    suffix = f"_{modality}" if modality and modality != "text" else ""
    if direction == "cache":
        if not rest or rest[0] not in ("read", "write") or len(rest) > 2 or (len(rest) == 2 and rest[0] == "read"):
            raise ValueError(f"unknown price key {key!r}")
        if len(rest) == 2 and rest[1] not in ("5m", "1h"):
            raise ValueError(f"unknown price key {key!r}")
        kind = "cache_" + "_".join(rest)
        if kind == "cache_write":
            one_hour = f"cache_{modality}_write_1h_mtok" if modality else "cache_write_1h_mtok"
            if one_hour in keys:
                kind = "cache_write_5m"
        return kind + suffix
    if len(rest) > 1 or (rest and rest[0] not in ("tool", "reasoning", "citation")):
        raise ValueError(f"unknown price key {key!r}")
    return direction + suffix + (f"_{rest[0]}" if rest else "")


def _tiers(value, where: str) -> list[tuple[int, Decimal]]:
    """``[(tier_min_tokens, amount), ...]`` of a plain or tiered value."""
    if not isinstance(value, dict):
        return [(0, json_amount(value, where))]
    if set(value) != {"base", "tiers"} or not isinstance(value["tiers"], list):
        raise ValueError(f"{where}: malformed tiered price: {value!r}")
    out = [(0, json_amount(value["base"], where))]
    for tier in value["tiers"]:
        if not isinstance(tier, dict) or set(tier) != {"start", "price"}:
            raise ValueError(f"{where}: malformed tier: {tier!r}")
        start = tier["start"]
        if isinstance(start, bool) or not isinstance(start, int) or start <= out[-1][0]:
            raise ValueError(f"{where}: tier start not an increasing positive token count: {start!r}")
        out.append((start, json_amount(tier["price"], where)))
    return out


def _price_rows(prices, where: str) -> list[tuple[str, int, Decimal]]:
    """``[(price_kind, tier_min_tokens, usd_per_mtok), ...]`` of one price set."""
    if not isinstance(prices, dict):
        raise ValueError(f"{where}: prices is not an object: {prices!r}")
    keys = set(prices)
    out: dict[tuple[str, int], Decimal] = {}
    for key, value in prices.items():
        try:
            kind = price_kind(key, keys)
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
        if kind is None:
            continue
        for min_tokens, amount in _tiers(value, f"{where} {key}"):
            if (kind, min_tokens) in out:
                raise ValueError(f"{where} {key}: a second price for {kind} (tier {min_tokens})")
            out[(kind, min_tokens)] = amount
    return [(kind, min_tokens, amount) for (kind, min_tokens), amount in out.items()]


def _regime_key(prices: list[tuple[str, int, Decimal]]) -> tuple[Decimal, Decimal]:
    base = {kind: amount for kind, min_tokens, amount in prices if min_tokens == 0}
    return base.get("input", Decimal(0)), base.get("output", Decimal(0))


def _segments(model_prices, where: str, as_of: dt.date) -> list[tuple[str, dt.date, dt.date | None, list]]:
    """``[(service_tier, valid_from, valid_to, price rows), ...]`` of one model's ``prices``."""
    if isinstance(model_prices, dict):
        return [("standard", as_of, None, _price_rows(model_prices, where))]
    if not isinstance(model_prices, list) or not model_prices:
        raise ValueError(f"{where}: prices is neither an object nor a list of variants")
    default, *conditional = model_prices
    if not isinstance(default, dict) or default.get("constraint") is not None:
        raise ValueError(f"{where}: the first price variant has a constraint")
    default_rows = _price_rows(default.get("prices"), f"{where} (default)")
    dated: list[tuple[dt.date, list]] = []
    timed: list[tuple[str, list]] = []
    for i, variant in enumerate(conditional, start=1):
        c = variant.get("constraint") if isinstance(variant, dict) else None
        vwhere = f"{where} (variant {i})"
        if isinstance(c, dict) and set(c) == {"start_date"}:
            try:
                start = dt.date.fromisoformat(c["start_date"])
            except (TypeError, ValueError):
                raise ValueError(f"{vwhere}: bad start_date {c['start_date']!r}") from None
            if dated and start <= dated[-1][0]:
                raise ValueError(f"{vwhere}: start_date {start} not after the previous variant's")
            dated.append((start, _price_rows(variant.get("prices"), vwhere)))
        elif isinstance(c, dict) and set(c) == {"start_time", "end_time"}:
            timed.append((f"{c['start_time']}-{c['end_time']}", _price_rows(variant.get("prices"), vwhere)))
        else:
            raise ValueError(f"{vwhere}: unsupported constraint {c!r}")
    if dated and timed:
        raise ValueError(f"{where}: dated and time-of-day variants together are not supported")
    if timed:
        distinct: dict[tuple, list] = {}
        for rows in [default_rows] + [rows for _, rows in timed]:
            distinct.setdefault(tuple(sorted(rows)), rows)
        if len(distinct) != 2:
            raise ValueError(f"{where}: time-of-day variants must carry exactly two distinct price sets")
        low, high = sorted(distinct.values(), key=_regime_key)
        if _regime_key(low) == _regime_key(high):
            raise ValueError(f"{where}: time-of-day price sets have the same input and output price")
        return [("standard", as_of, None, high), ("off_peak", as_of, None, low)]
    if not dated:
        return [("standard", as_of, None, default_rows)]
    first = dated[0][0]
    out = [("standard", min(as_of, first - dt.timedelta(days=1)), first, default_rows)]
    for i, (start, rows) in enumerate(dated):
        end = dated[i + 1][0] if i + 1 < len(dated) else None
        out.append(("standard", start, end, rows))
    return out


def read_runs(dataset_dir: Path, *, as_of: dt.date = DATASET_DATE, commit: str = DATASET_COMMIT) -> list[dict]:
    """Rows for ``staging.imported_price_runs`` (source ``genai_prices``), one per (model, price kind, tier,
    service tier, dated variant) of ``<dataset_dir>/data_v2.json``.

    ``as_of`` is the date of the feed read (the commit date of the pinned copy by default; for a live fetch, the
    fetch date) and ``commit`` its commit, for ``source_url``/``source_ref``. Raises FileNotFoundError naming the
    file when it is missing, ValueError naming provider, model and key on a bad entry.
    """
    path = Path(dataset_dir) / FILE_NAME
    if not path.is_file():
        raise FileNotFoundError(f"genai-prices dataset not found: {path}")
    data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of providers")
    url = source_url(commit)
    out: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for p in data:
        pid = p.get("id")
        if not isinstance(pid, str) or not isinstance(p.get("models"), list):
            raise ValueError(f"genai-prices provider {pid!r}: no id or models")
        for m in p["models"]:
            mid = m.get("id")
            where = f"genai-prices {pid}/{mid}"
            if not isinstance(mid, str) or not mid:
                raise ValueError(f"{where}: model without an id")
            provider, model = seller(pid, mid)
            if (provider, model) in seen:
                raise ValueError(f"{where}: second entry for {provider}/{model}")
            seen.add((provider, model))
            for tier, valid_from, valid_to, rows in _segments(m.get("prices"), where, as_of):
                for kind, min_tokens, amount in rows:
                    out.append(
                        {
                            "source": SOURCE,
                            "provider": provider,
                            "model": model,
                            "source_key": f"{pid}|{mid}",
                            "price_kind": kind,
                            "service_tier": tier,
                            "tier_min_tokens": min_tokens,
                            "region": "global",
                            "currency": "USD",
                            "usd_per_mtok": amount,
                            "original_amount": amount,
                            "original_unit": UNIT,
                            "valid_from": valid_from,
                            "valid_to": valid_to,
                            "source_url": url,
                            "source_ref": commit,
                        }
                    )
    return merge_adjacent(out)


def merge_adjacent(rows: list[dict]) -> list[dict]:
    """Join runs of one price key whose value does not change across a dated variant boundary (``o3``'s
    cache_read is 0.5 before and after 2025-06-10: one run). Order of first appearance is kept."""
    merged: list[dict] = []
    last: dict[tuple, dict] = {}
    for r in sorted(rows, key=lambda r: r["valid_from"]):
        key = (r["provider"], r["model"], r["price_kind"], r["service_tier"], r["tier_min_tokens"])
        prev = last.get(key)
        if prev is not None and prev["valid_to"] == r["valid_from"] and prev["usd_per_mtok"] == r["usd_per_mtok"]:
            prev["valid_to"] = r["valid_to"]
            continue
        last[key] = r
        merged.append(r)
    return merged
