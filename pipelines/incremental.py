"""Skip what did not change, judged by what the warehouse already stores (``tokenprices demo`` and ``backfill``).

A Dagster run has a fixed cost (run records and events written to the instance, ~1-3 s per replayed day on a
2-core machine) even when it would write nothing new, so the replay loop (:mod:`pipelines.cli.replay`) asks the
warehouse first:

- **A replayed day is unchanged** (:func:`unchanged_days`) when every capture the archive holds for it (source,
  URL, sha256 of its bytes: the snapshot's content address) has an ``ok`` parse of that day in
  ``staging.parse_runs`` made by this :func:`code_version`. The price_quotes step writes a source's quotes and
  commits before it logs an ``ok`` parse, so an ``ok`` row means the quotes are there. A changed or added
  capture, a parse error, a layout-drift rejection or a change to the code replays the day.
- **The marts are current** (:func:`marts_current`) when they exist and the newest forecast
  (``forecasts.forecast_archive.made_at``) is newer than the newest parse: nothing was parsed since the last
  ``warehouse_job`` got that far. The replay loop runs ``warehouse_job`` when it replayed a day, when the marts
  are not current, or when the instance's last ``warehouse_job`` run failed.

Not seen by these rules: the dataset folders given at run time (``TOKENPRICES_*_DIR``) and the bundled
``seed/`` datasets the importers read. After changing those, ``--force`` rebuilds; ``TOKENPRICES_IMPORT_LIVE=1``
(importers read the internet) always rebuilds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cache

import duckdb

from pipelines import config, warehouse


@cache
def code_version() -> str:
    """sha256 (16 hex digits) over the relative path and bytes of every ``pipelines/**/*.py``, ``assets/**/*.py``
    and ``warehouse/**/*.sql`` of this checkout: the version of the code a parse (and everything after it) ran.
    All of it rather than the parsers alone, so that a helper moved to another module still counts; computed once
    per process (~20 ms)."""
    h = hashlib.sha256()
    for pattern in ("pipelines/**/*.py", "assets/**/*.py", "warehouse/**/*.sql"):
        for path in sorted(config.ROOT.glob(pattern)):
            h.update(str(path.relative_to(config.ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def day_captures(fetcher, day: dt.date) -> set[tuple[str, str, str]]:
    """``(source, url, sha256)`` of every capture of ``day`` that ``fetcher`` (a
    :class:`pipelines.sources.fetch.ReplayFetcher`) replays: what the day's parse reads."""
    from pipelines.sources.registry import SOURCES

    return {(name, c.url, hashlib.sha256((fetcher.archive / c.file).read_bytes()).hexdigest())
            for name, source in SOURCES.items() for c in fetcher.captures_for(source) if c.captured_on == day}


def unchanged_days(con: duckdb.DuckDBPyConnection, fetcher, days: list[dt.date]) -> set[dt.date]:
    """The ``days`` whose every capture (:func:`day_captures`) has an ``ok`` parse of that day by this
    :func:`code_version` in ``staging.parse_runs`` (SQL ``replay_parsed_ok``)."""
    warehouse.ensure_schema(con)
    parsed = set(warehouse.run(con, "replay_parsed_ok", {"code_version": code_version()}).fetchall())
    out = set()
    for day in days:
        captures = day_captures(fetcher, day)
        if captures and all((day, *c) in parsed for c in captures):
            out.add(day)
    return out


def marts_current(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the marts and forecasts exist and the newest forecast was made after the newest parse (SQL
    ``replay_marts_current``); False when a table they need is missing."""
    try:
        return bool(warehouse.run(con, "replay_marts_current").fetchone()[0])
    except duckdb.CatalogException:
        return False
