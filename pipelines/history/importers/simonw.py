"""Simon Willison's llm-prices (llm-prices.com) -> effective-dated price runs.

Dataset: ``data/<vendor>.json`` of **simonw/llm-prices**, read from a folder given at run time (the copy in
``shared/data/llm_prices_simonw`` is of commit ``723ef0bd3a6254436e9fe8d7f05d4d787e99f4c5``, 2026-08-06 01:25 UTC).
Licence: **none** (no licence file, none named in the README): all rights reserved, internal use only. Never copy
the dataset into ``seed/``; tests use a trimmed excerpt under ``tests/fixtures/llm_prices_simonw/``.

Format: ``{"vendor": "openai", "models": [{"id", "name", "price_history": [{"input", "output", "input_cached",
"from_date", "to_date"}, ...]}]}``. Units: ``input`` / ``output`` / ``input_cached`` are **USD per 1M tokens**
(stored as is, ``original_unit = "per 1M tokens"``), read with ``parse_float=Decimal``.

Mapping:

- ``input`` -> ``input``, ``output`` -> ``output``, ``input_cached`` -> ``cache_read``; a null
  ``input_cached`` gives no row (absent is not zero). ``service_tier`` ``standard``, region ``global``.
- Vendor -> seller (:data:`VENDOR_MAP`): ``moonshot-ai`` -> ``moonshot``, ``meta-ai`` -> ``meta`` (Meta's own
  Muse Spark API), ``qwen`` -> ``alibaba`` (Qwen's API is sold by Alibaba Cloud Model Studio; these are its USD
  prices), ``amazon`` -> ``bedrock`` (Nova is sold on Bedrock; the LiteLLM importer's name for it); the others
  (``openai``, ``anthropic``, ``google``, ``deepseek``, ``mistral``, ``xai``, ``minimax``) keep the vendor name.
- ``model`` is the dataset's ``id``. The ids are the site's slugs and are often not the seller's API id
  (``claude-3.7-sonnet`` for ``claude-3-7-sonnet``, ``amazon-nova-pro`` for ``amazon.nova-pro-v1:0``): aliasing
  is left to the alias rules downstream, never guessed here.
- Long-context tiers are separate entries on the site: an entry whose name says ``>NNNk`` and whose id is
  ``<base id>-NNNk`` with ``<base id>`` in the same vendor file (``gpt-5.4-272k``, "GPT-5.4 >272k") is the
  ``<base id>`` model with ``tier_min_tokens = NNN * 1000`` (K = 1,000). ``source_key`` is
  ``<vendor>|<base id>`` for the base and its tiers (one key per model).
- A duplicate id in one vendor file (``grok-4-fast`` twice in ``xai.json``, "Grok 4 Fast" and
  "Grok 4 Fast ≤128k") is read once when its rows are identical; a conflicting duplicate raises ValueError.

Dates (UTC, ``valid_from`` inclusive, ``valid_to`` exclusive, None while current): ``from_date`` / ``to_date``
as given; entries need not be sorted (``deepseek-chat`` lists the newer entry first). ``from_date: null`` means
"from the beginning", i.e. an unknown start. It is not dated back to a sentinel (the model would then seem to
exist, at that price, in months before its release, and drag the market index) nor to the dataset date
unconditionally (an entry that ended before it would get ``valid_from >= valid_to``). Rule: ``valid_from`` =
the latest day on or before :data:`DATASET_DATE` (the commit date of the copy read) on which the dataset says
the price held: ``DATASET_DATE`` for an open entry, ``min(DATASET_DATE, to_date - 1 day)`` for one that ends.
Most entries (both dates null: the current price, start unknown) therefore start on 2026-08-06; ``gpt-5.6-luna``'s
old 1.0/6.0 runs ``[2026-07-29, 2026-07-30)`` and its 0.2/1.2 from 2026-07-30; ``claude-sonnet-5``'s intro price
2/10 runs ``[2026-08-06, 2026-09-01)`` and its announced 3/15 from 2026-09-01 (a future ``valid_from``, emitted).
The same value on both sides of a boundary is one run. Overlapping entries of one model, ``from_date >=
to_date``, or a negative / non-numeric price raise ValueError naming vendor, id and field.

``source_url`` is the vendor file at the dataset commit, ``source_ref`` the commit. A missing ``data/`` folder
(or one with no ``*.json``) raises FileNotFoundError naming it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

from pipelines.config import canonical_provider
from pipelines.history.importers import json_amount

SOURCE = "simonw_llm_prices"
#: the dataset's vendor files on the default branch, for fetching later.
DATASET_URL = "https://github.com/simonw/llm-prices/tree/HEAD/data"
DATASET_COMMIT = "723ef0bd3a6254436e9fe8d7f05d4d787e99f4c5"
#: UTC date of DATASET_COMMIT (2026-08-05 18:25:35 -07:00).
DATASET_DATE = dt.date(2026, 8, 6)

#: vendor file name -> our seller slug, where they differ.
VENDOR_MAP: dict[str, str] = {
    "moonshot-ai": "moonshot",
    "meta-ai": "meta",
    "qwen": "alibaba",
    "amazon": "bedrock",
}

#: dataset field -> price_kind.
FIELDS = {"input": "input", "output": "output", "input_cached": "cache_read"}
UNIT = "per 1M tokens"
_TIER_ID = re.compile(r"^(?P<base>.+)-(?P<k>\d+)k$")
_TIER_NAME = re.compile(r">\s*(?P<k>\d+)\s*k\b", re.I)


def source_url(vendor: str, commit: str = DATASET_COMMIT) -> str:
    return f"https://github.com/simonw/llm-prices/blob/{commit}/data/{vendor}.json"


def _date(value, where: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: not an ISO date: {value!r}") from None


def _tier(model: dict, ids: set[str]) -> tuple[str, int]:
    """``(base id, tier_min_tokens)`` of a model entry (``("gpt-5.4", 272000)`` for ``gpt-5.4-272k``)."""
    m = _TIER_ID.match(model["id"])
    n = _TIER_NAME.search(model.get("name") or "")
    if m and n and m["k"] == n["k"] and m["base"] in ids:
        return m["base"], int(m["k"]) * 1000
    return model["id"], 0


def read_runs(dataset_dir: Path, *, as_of: dt.date = DATASET_DATE, commit: str = DATASET_COMMIT) -> list[dict]:
    """Rows for ``staging.imported_price_runs`` (source ``simonw_llm_prices``) from ``<dataset_dir>/data/*.json``.

    ``as_of`` is the date of the copy read (the commit date of the pinned copy by default), ``commit`` its commit
    (for ``source_url``/``source_ref``). Raises FileNotFoundError naming the folder when it is missing,
    ValueError naming vendor, model and field on a bad entry.
    """
    data_dir = Path(dataset_dir) / "data"
    files = sorted(data_dir.glob("*.json")) if data_dir.is_dir() else []
    if not files:
        raise FileNotFoundError(f"llm-prices dataset not found (no data/*.json): {data_dir}")
    out: list[dict] = []
    for path in files:
        doc = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        vendor = doc.get("vendor") if isinstance(doc, dict) else None
        if vendor != path.stem or not isinstance(doc.get("models"), list):
            raise ValueError(f"llm-prices {path.name}: vendor {vendor!r} / models missing or not matching the file")
        provider = canonical_provider(VENDOR_MAP.get(vendor, vendor))
        ids = {m.get("id") for m in doc["models"] if isinstance(m, dict)}
        by_id: dict[str, list] = {}
        for m in doc["models"]:
            if not (isinstance(m, dict) and isinstance(m.get("id"), str) and isinstance(m.get("price_history"), list)):
                raise ValueError(f"llm-prices {vendor}: malformed model entry {m!r}")
            where = f"llm-prices {vendor}/{m['id']}"
            entries = []
            for e in m["price_history"]:
                if not isinstance(e, dict):
                    raise ValueError(f"{where}: malformed price_history entry {e!r}")
                start = _date(e.get("from_date"), f"{where} from_date")
                end = _date(e.get("to_date"), f"{where} to_date")
                if start is not None and end is not None and start >= end:
                    raise ValueError(f"{where}: from_date {start} not before to_date {end}")
                values = tuple(None if e.get(f) is None else json_amount(e.get(f), f"{where} {f}") for f in FIELDS)
                if values[0] is None or values[1] is None:
                    raise ValueError(f"{where}: entry without input or output price: {e!r}")
                entries.append((start, end, values))
            entries.sort(key=lambda x: (x[0] is not None, x[0] or dt.date.min))
            for (s0, e0, _), (s1, _, _) in zip(entries, entries[1:]):
                if e0 is None or s1 is None or s1 < e0:
                    raise ValueError(f"{where}: overlapping price_history entries ({s0}..{e0} and {s1}..)")
            if m["id"] in by_id:
                if by_id[m["id"]] != entries:
                    raise ValueError(f"{where}: duplicate id with different prices")
                continue
            by_id[m["id"]] = entries
            base, min_tokens = _tier(m, ids)
            prev: dict[str, dict] = {}
            for start, end, values in entries:
                if start is None:
                    start = as_of if end is None else min(as_of, end - dt.timedelta(days=1))
                for (field, kind), amount in zip(FIELDS.items(), values):
                    if amount is None:
                        continue
                    p = prev.get(kind)
                    if p is not None and p["valid_to"] == start and p["usd_per_mtok"] == amount:
                        p["valid_to"] = end
                        continue
                    row = {
                        "source": SOURCE,
                        "provider": provider,
                        "model": base,
                        "source_key": f"{vendor}|{base}",
                        "price_kind": kind,
                        "service_tier": "standard",
                        "tier_min_tokens": min_tokens,
                        "region": "global",
                        "currency": "USD",
                        "usd_per_mtok": amount,
                        "original_amount": amount,
                        "original_unit": UNIT,
                        "valid_from": start,
                        "valid_to": end,
                        "source_url": source_url(vendor, commit),
                        "source_ref": commit,
                    }
                    prev[kind] = row
                    out.append(row)
    return out
