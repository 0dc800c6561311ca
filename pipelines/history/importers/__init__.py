"""Importers of public price datasets (pure: files in, rows out; no Dagster)."""

from decimal import Decimal


def json_amount(value, where: str) -> Decimal:
    """A price as a dataset's JSON states it (read with ``parse_float=Decimal``): an int or Decimal, finite and not
    negative, exactly. Raises ValueError naming ``where`` for anything else (a string, a bool, NaN, a negative)."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise ValueError(f"{where}: not a number: {value!r}")
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"{where}: not a price: {value!r}")
    return amount
