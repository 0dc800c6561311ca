"""Model facts: context window, maximum output tokens, input/output modalities, deprecation and retirement dates.

Three kinds of source, each row keeping its source, address, date and the text it was read from
(docs/model-facts.md):

- **pages and price APIs** (rank 1, the seller's own word): parsers emit :class:`~pipelines.sources.base.ParsedFact`
  (DeepSeek's and Kimi/Moonshot's pricing pages, OpenRouter's ``/api/v1/models``); :func:`page_rows` turns them
  into rows of ``staging.model_facts`` in the same pass as the prices (``staging/price_quotes``);
- **genai-prices** (rank 2, curated): each model's ``context_window`` (:func:`genai_prices_rows`);
- **LiteLLM's price map** (rank 3, aggregator): ``max_input_tokens`` (-> ``context_window``), ``max_output_tokens``,
  ``supported_modalities`` / ``supported_output_modalities`` and ``deprecation_date`` of its text models
  (:func:`litellm_rows`).

The ranks are those of ``staging.source_precedence`` (prices and facts share one precedence); the marts pick per
(provider, model, fact) the best-ranked source, then the latest date (``warehouse/sql/marts_model_facts.sql``).
Pure functions: no Dagster, no warehouse.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from pipelines.sources.base import MODALITIES, ParsedFact

#: the bundled LiteLLM map (``seed/litellm_price_history/model_prices_latest.json``) is the RoCry/llm-api-price
#: mirror's copy at this commit (seed/litellm_price_history/README.md); its ``last_updated`` key dates it.
LITELLM_COMMIT = "8442b939a6ead479f7995b5d74d8dce488bd0966"
LITELLM_FILE = "model_prices_latest.json"
#: LiteLLM field -> fact. ``max_input_tokens`` is the longest prompt LiteLLM accepts: the context window as a prompt
#: limit (``cost`` checks prompts against it).
LITELLM_FIELDS = {
    "max_input_tokens": "context_window",
    "max_output_tokens": "max_output_tokens",
    "supported_modalities": "input_modalities",
    "supported_output_modalities": "output_modalities",
    "deprecation_date": "deprecation_date",
}


def page_rows(facts: list[ParsedFact], *, source: str, source_url: str, observed_at: dt.datetime,
              snapshot_sha256: str) -> list[dict]:
    """Rows for ``staging.model_facts`` (one per fact a page states), like the quotes of the same page."""
    at = observed_at.astimezone(dt.UTC).replace(tzinfo=None)
    return [{"observed_at": at, "source": source, "provider": f.provider, "model": f.model, "fact": f.fact,
             "value": f.value, "stated": f.stated, "source_url": source_url, "snapshot_sha256": snapshot_sha256,
             "location": f.where} for f in facts]


def _count(v) -> str | None:
    """A token count as LiteLLM writes it (``128000``, ``1000000.0``) -> digits; None for anything else."""
    if isinstance(v, bool) or not isinstance(v, (int, Decimal)):
        return None
    if v <= 0 or v != int(v):
        return None
    return str(int(v))


def _modalities(v) -> str | None:
    if not isinstance(v, list) or not v or not all(isinstance(x, str) for x in v) or set(v) - MODALITIES:
        return None
    return ",".join(sorted(set(v)))


def _date(v) -> str | None:
    try:
        return dt.date.fromisoformat(str(v)[:10]).isoformat()
    except ValueError:
        return None


_READ = {"context_window": _count, "max_output_tokens": _count, "input_modalities": _modalities,
         "output_modalities": _modalities, "deprecation_date": _date}


def litellm_rows(path: Path) -> tuple[list[dict], list[str]]:
    """``(rows, problems)`` of LiteLLM's price map at ``path``: one row per (seller, model, fact) of its text models
    (modes chat/completion/responses; ``deprecation_date`` of every entry, whatever its mode: a date is about the id,
    and some text models carry another mode there, ``gemini/gemini-1.5-flash`` ``embedding``), seller and model by
    :func:`pipelines.history.importers.litellm.canonical`.
    Several keys of one (seller, model) (``deepseek-chat``, ``deepseek/deepseek-chat``): the key that is the model id
    wins, else the first key in order. A value of another shape is a problem (named with its key), never a row.
    FileNotFoundError naming the file when it is missing."""
    from pipelines.history.importers.litellm import TEXT_MODES, canonical

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"LiteLLM price map not found: {path}")
    doc = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    as_of = _date(doc.get("last_updated")) if isinstance(doc.get("last_updated"), str) else None
    as_of = dt.date.fromisoformat(as_of) if as_of else dt.date.fromtimestamp(path.stat().st_mtime, dt.UTC)
    url = f"https://github.com/RoCry/llm-api-price/blob/{LITELLM_COMMIT}/model_prices_and_context_window.json"
    best: dict[tuple[str, str, str], tuple[bool, dict]] = {}
    problems: list[str] = []
    for key in sorted(k for k, e in doc.items() if isinstance(e, dict)):
        entry = doc[key]
        if not isinstance(entry.get("litellm_provider"), str):
            continue
        provider, model = canonical(key, entry["litellm_provider"])
        text = entry.get("mode") in TEXT_MODES
        for field, fact in LITELLM_FIELDS.items():
            raw = entry.get(field)
            if raw is None or (not text and fact != "deprecation_date"):
                continue
            value = _READ[fact](raw)
            if value is None:
                problems.append(f"$[{key!r}].{field}={raw!r} is no {fact}")
                continue
            row = {"provider": provider, "model": model, "fact": fact, "value": value,
                   "stated": json.dumps(raw, default=str), "source": "litellm", "source_url": url, "as_of": as_of,
                   "location": f"$[{key!r}].{field}"}
            k = (provider, model, fact)
            primary = key == model
            if k not in best or (primary and not best[k][0]):
                best[k] = (primary, row)
    return [r for _, r in best.values()], problems


def genai_prices_rows(dataset_dir: Path) -> tuple[list[dict], list[str]]:
    """``(rows, problems)``: each genai-prices model's ``context_window`` (seller and model by
    :func:`pipelines.history.importers.genai_prices.seller`), dated by the pinned copy's commit date. Its
    ``deprecated`` flag carries no date and is not a fact here. FileNotFoundError naming the file when missing."""
    from pipelines.history.importers import genai_prices as gp

    path = Path(dataset_dir) / gp.FILE_NAME
    if not path.is_file():
        raise FileNotFoundError(f"genai-prices dataset not found: {path}")
    rows, problems = [], []
    for p in json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal):
        for i, m in enumerate(p.get("models") or []):
            raw = m.get("context_window")
            if raw is None:
                continue
            where = f"[{p.get('id')!r}].models[{i}] ({m.get('id')}).context_window"
            value = _count(raw)
            if value is None:
                problems.append(f"{where}={raw!r} is no context_window")
                continue
            provider, model = gp.seller(p["id"], m["id"])
            rows.append({"provider": provider, "model": model, "fact": "context_window", "value": value,
                         "stated": str(raw), "source": gp.SOURCE, "source_url": gp.source_url(),
                         "as_of": gp.DATASET_DATE, "location": where})
    return rows, problems
