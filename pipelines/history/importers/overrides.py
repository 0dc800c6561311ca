"""User price overrides (``overrides/price_overrides.csv``, versioned) -> runs of source ``override``.

Format and rules: ``overrides/README.md``. An override is a person's correction with a reason and an author; it
outranks every other source (see ``warehouse/sql/source_precedence.sql``).
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path

SOURCE = "override"
COLUMNS = ("provider", "model", "price_kind", "service_tier", "tier_min_tokens", "region", "currency", "valid_from",
           "valid_to", "usd_per_mtok", "reason", "author")


def read_runs(path: Path) -> list[dict]:
    """Rows for ``staging.imported_price_runs`` from the overrides file.

    Raises FileNotFoundError naming the file, ValueError naming the line for a malformed row (missing column,
    bad date or number, valid_to not after valid_from, empty reason or author).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"overrides file not found: {path}")
    out = []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing columns {missing}")
        for line, r in enumerate(reader, start=2):
            try:
                valid_from = dt.date.fromisoformat(r["valid_from"])
                valid_to = dt.date.fromisoformat(r["valid_to"]) if r["valid_to"] else None
                usd = Decimal(r["usd_per_mtok"])
                min_tokens = int(r["tier_min_tokens"] or 0)
            except (ValueError, InvalidOperation) as exc:
                raise ValueError(f"{path}:{line}: {exc}") from exc
            if valid_to is not None and valid_to <= valid_from:
                raise ValueError(f"{path}:{line}: valid_to {valid_to} is not after valid_from {valid_from}")
            if usd < 0 or not r["reason"].strip() or not r["author"].strip():
                raise ValueError(f"{path}:{line}: a negative price, or no reason or author")
            out.append(
                {
                    "source": SOURCE,
                    "provider": r["provider"],
                    "model": r["model"],
                    "source_key": path.name,  # one key per file: every line of it counts
                    "price_kind": r["price_kind"],
                    "service_tier": r["service_tier"] or "standard",
                    "tier_min_tokens": min_tokens,
                    "region": r["region"] or "global",
                    "currency": r["currency"] or "USD",
                    "usd_per_mtok": usd,
                    "original_amount": usd,
                    "original_unit": "per 1M tokens",
                    "valid_from": valid_from,
                    "valid_to": valid_to,
                    "source_url": f"{path.name}#L{line}",
                    "source_ref": f"{r['author']}: {r['reason']}",
                }
            )
    return out
