"""OpenRouter ``/api/v1/models`` snapshots committed to a public repository -> effective-dated price runs.

Dataset: raw responses of OpenRouter's public ``GET /api/v1/models`` that **sternelee/solid-pile** committed as
``src/openrouter.json`` 17 times, 2024-03-29 .. 2025-02-08: ``snapshots/*.json`` (the 16 distinct versions) and
``snapshots_manifest.csv`` (``commit_sha, commit_ts_utc, blob_sha, n_models, file, identical_to_commit, bytes``,
one row per commit). Read from a folder given at run time (``shared/data/openrouter``). Licence: **none** (no
licence file; the content is OpenRouter's API output under OpenRouter's terms): internal use only, never copied
into ``seed/``; tests use a trimmed excerpt under ``tests/fixtures/openrouter_snapshots/``.

Units: ``pricing.prompt`` / ``pricing.completion`` are USD per token as decimal strings (``"0.0000007"``), read
with ``Decimal(str)``; ``usd_per_mtok = value * 1,000,000`` exactly, ``original_amount`` the per-token value,
``original_unit = "per token"``. Float noise in the strings (``"0.00000024999"``) is kept as published.

Mapping: ``provider = "openrouter"`` (the seller), ``model`` = ``source_key`` = the OpenRouter id as given
(``openai/gpt-4o``, ``meta-llama/llama-3-8b-instruct:free``), ``prompt`` -> ``input``, ``completion`` ->
``output``, ``service_tier = "standard"``, ``tier_min_tokens = 0``, region ``global``, USD. ``"0"`` (``:free``
variants) gives a 0 row; ``"-1"`` is OpenRouter's "variable / router" sentinel (``openrouter/auto``, and retired
models in some snapshots) and gives no row, exactly as if the model were absent. Skipped: ``image`` (USD per
image) and ``request`` (USD per request) — not token prices. Any other non-numeric or negative value raises
ValueError naming the snapshot, model and field.

Runs: snapshots are read in commit order; dates are the **git commit dates** (UTC), not when the API was queried.
A run of a (model, kind) starts at the commit date of the snapshot where it first appears or its value changes,
and ends (``valid_to``, exclusive) at the commit date of the first snapshot where the value differs or the model
is absent (or priced ``-1``); consecutive identical values are one run; a run still present in the last snapshot
has ``valid_to = None``. **A model absent from one snapshot and back later** starts a new run at the commit date
of the snapshot it is back in, even at an unchanged value: the snapshots are days to months apart, so an absence
is a real delisting, not a one-day glitch (``openrouter/auto`` is the only id that does this, and it is ``-1``
throughout). Several used snapshots on one UTC day: the last of the day stands for the day.

**Reverts are not observations.** A manifest row whose ``identical_to_commit`` is set re-committed bytes already
seen (2024-04-10 08:31 ``543b8675`` restored the 2024-03-29 file 22 minutes after the 2024-04-10 08:09 update):
it says nothing new about the API, and reading it would flip prices back for 22 minutes (zero-length runs) and
then pin stale March values (``01-ai/yi-34b`` 7.2e-07 -> 8e-07 -> 7.2e-07). Such rows are skipped; each distinct
file counts once, at its first commit.

``source_url`` is ``src/openrouter.json`` at the commit where the run's value first appeared, ``source_ref`` that
commit. A missing manifest or snapshot file raises FileNotFoundError naming it.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

SOURCE = "openrouter_snapshots"
#: the committed file on the repository's default branch, for fetching (its history) later.
DATASET_URL = "https://github.com/sternelee/solid-pile/blob/HEAD/src/openrouter.json"
REPO = "sternelee/solid-pile"
REPO_PATH = "src/openrouter.json"
MANIFEST = "snapshots_manifest.csv"
PROVIDER = "openrouter"
#: OpenRouter pricing field -> price_kind (per-token fields only).
FIELDS = {"prompt": "input", "completion": "output"}
SENTINEL = Decimal(-1)
PER_TOKEN_TO_PER_MTOK = Decimal(1_000_000)
_DECIMAL = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")


def source_url(commit: str) -> str:
    return f"https://github.com/{REPO}/blob/{commit}/{REPO_PATH}"


def _per_token(value, where: str) -> Decimal | None:
    """The per-token price, None for the ``-1`` sentinel."""
    if not isinstance(value, str) or not _DECIMAL.match(value.strip()):
        raise ValueError(f"{where}: not a decimal string: {value!r}")
    amount = Decimal(value.strip())
    if amount == SENTINEL:
        return None
    if amount < 0:
        raise ValueError(f"{where}: negative price: {value!r}")
    return amount


def snapshots(dataset_dir: Path) -> list[tuple[str, dt.datetime, Path]]:
    """``[(commit_sha, commit_ts, file), ...]`` of the snapshots used, in commit order (reverts left out)."""
    root = Path(dataset_dir)
    manifest = root / MANIFEST
    if not manifest.is_file():
        raise FileNotFoundError(f"OpenRouter snapshots manifest not found: {manifest}")
    out = []
    with manifest.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if (row.get("identical_to_commit") or "").strip():
                continue
            sha, file = row["commit_sha"].strip(), (row.get("file") or "").strip()
            try:
                ts = dt.datetime.fromisoformat(row["commit_ts_utc"].strip().replace("Z", "+00:00"))
            except (KeyError, AttributeError, ValueError):
                raise ValueError(f"{manifest}: commit {sha}: bad commit_ts_utc {row.get('commit_ts_utc')!r}") from None
            if ts.tzinfo is None:
                ts = ts.replace(tzinfo=dt.UTC)
            if not file:
                raise ValueError(f"{manifest}: commit {sha}: no file and not marked identical to another commit")
            path = root / file
            if not path.is_file():
                raise FileNotFoundError(f"OpenRouter snapshot not found: {path} (commit {sha})")
            out.append((sha, ts.astimezone(dt.UTC), path))
    out.sort(key=lambda s: s[1])
    return out


def _prices(sha: str, path: Path) -> dict[tuple[str, str], Decimal]:
    """``{(model id, price_kind): per-token price}`` of one snapshot."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    models = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(models, list):
        raise ValueError(f"{path.name}: no 'data' list")
    out: dict[tuple[str, str], Decimal] = {}
    for m in models:
        mid = m.get("id") if isinstance(m, dict) else None
        if not isinstance(mid, str) or not isinstance(m.get("pricing"), dict):
            raise ValueError(f"{path.name}: model entry without id or pricing: {str(m)[:200]}")
        for field, kind in FIELDS.items():
            where = f"OpenRouter snapshot {path.name} ({sha[:8]}) {mid} pricing.{field}"
            if field not in m["pricing"]:
                raise ValueError(f"{where}: missing")
            value = _per_token(m["pricing"][field], where)
            if (mid, kind) in out and value != out[(mid, kind)]:
                raise ValueError(f"{where}: model listed twice with different prices")
            if value is not None:
                out[(mid, kind)] = value
    return out


def read_runs(dataset_dir: Path) -> list[dict]:
    """Rows for ``staging.imported_price_runs`` (source ``openrouter_snapshots``), one per run of an unchanged
    prompt/completion price of one model over the snapshots in ``dataset_dir`` (see the module docstring)."""
    by_day: dict[dt.date, tuple[str, dict]] = {}
    for sha, ts, path in snapshots(dataset_dir):
        by_day[ts.date()] = (sha, _prices(sha, path))  # later snapshot of the same UTC day wins
    open_runs: dict[tuple[str, str], dict] = {}
    out: list[dict] = []
    for day in sorted(by_day):
        sha, prices = by_day[day]
        for key in list(open_runs):
            if prices.get(key) != open_runs[key]["original_amount"]:
                open_runs.pop(key)["valid_to"] = day
        for (mid, kind), per_token in prices.items():
            if (mid, kind) in open_runs:
                continue
            row = {
                "source": SOURCE,
                "provider": PROVIDER,
                "model": mid,
                "source_key": mid,
                "price_kind": kind,
                "service_tier": "standard",
                "tier_min_tokens": 0,
                "region": "global",
                "currency": "USD",
                "usd_per_mtok": per_token * PER_TOKEN_TO_PER_MTOK,
                "original_amount": per_token,
                "original_unit": "per token",
                "valid_from": day,
                "valid_to": None,
                "source_url": source_url(sha),
                "source_ref": sha,
            }
            open_runs[(mid, kind)] = row
            out.append(row)
    return out
