"""Skip what did not change: input versions for the CLI's day-by-day replays (``demo``, ``backfill``).

A Dagster run has a fixed cost (run records and ~80 events written to the instance's SQLite event log, about
2-4 s per scrape run on a 2-core machine) even when it would write nothing new. So before launching a run, the
CLI computes a *version* of everything the run reads and looks in the Dagster instance for a successful run of
the same job and partition tagged with that version (tag :data:`VERSION_TAG`). When there is one, and the
warehouse still holds that run's output, the run is skipped and the CLI says so; ``--force`` runs anyway.

What a version covers (any change → the run happens):

- **code**: every ``*.py`` under ``pipelines/`` and ``assets/`` and every ``*.sql`` under ``warehouse/``
  (:func:`code_version`), so a parser fix re-parses every day.
- **scrape day** (replay): the bytes of that day's captures and the replay options (:func:`replay_day_version`).
  Live fetches are never skipped: the page may have changed since.
- **warehouse_job**: the content of every table the scrapes wrote (:data:`SCRAPED_TABLES`: row count and a
  sum of row hashes), the files the importers and forecasts read (``seed/``,
  ``overrides/``, ``profiles/``, and the dataset folders named by ``TOKENPRICES_*_DIR`` variables and
  ``TOKENPRICES_OVERRIDES``: name, size, mtime), the
  values of the ``TOKENPRICES_*`` variables, and today's UTC date (the forecasts' last complete month moves with
  it). ``TOKENPRICES_IMPORT_LIVE=1`` (importers fetch from the internet) is never skipped.

The check is cheap: hashing ~120 source files, the day's captures, and one aggregate per staging table (tens of
milliseconds on the demo warehouse).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from functools import lru_cache
from pathlib import Path

import dagster as dg
import duckdb

from pipelines import config

#: run tag holding the input version a run was launched with.
VERSION_TAG = "tokenprices/input_version"
#: the tables scrape_job writes and warehouse_job reads (``staging.parse_runs``, a log, is left out; the tables
#: the warehouse_job's own importers write are covered by their input files instead).
SCRAPED_TABLES = ("raw.page_snapshots", "staging.price_quotes", "staging.unit_prices", "staging.quarantine")
#: folders of bundled inputs, relative to the project root.
_INPUT_DIRS = ("seed", "overrides", "profiles")
#: variables naming a file or folder the warehouse_job reads (listed by name, size and mtime). The others
#: (warehouse, data dir, archive: the job's outputs or the scrape's input) enter by value only.
_INPUT_PATH_VARS = ("TOKENPRICES_CAPABILITY_DIR", "TOKENPRICES_EPOCH_DIR", "TOKENPRICES_GENAI_PRICES_DIR",
                    "TOKENPRICES_LITELLM_DIR", "TOKENPRICES_OPENROUTER_SNAPSHOTS_DIR", "TOKENPRICES_OVERRIDES",
                    "TOKENPRICES_SIMONW_DIR")


def _sha(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


@lru_cache(maxsize=1)
def code_version() -> str:
    """sha256 (16 hex digits) over the relative path and bytes of every ``pipelines/**/*.py``, ``assets/**/*.py``
    and ``warehouse/**/*.sql`` of this checkout (or installed package)."""
    h = hashlib.sha256()
    for pattern in ("pipelines/**/*.py", "assets/**/*.py", "warehouse/**/*.sql"):
        for path in sorted(config.ROOT.glob(pattern)):
            h.update(str(path.relative_to(config.ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def replay_day_version(archive: Path, day: dt.date, include_estimated: bool) -> str:
    """Version of a replayed scrape of ``day``: the code, the replay options, and the file name, URL and bytes of
    every capture of that day in the archive's manifest (estimated dates only with ``include_estimated``)."""
    from pipelines.sources.fetch import read_manifest

    parts = [code_version(), "replay", str(bool(include_estimated)), day.isoformat()]
    for c in sorted(read_manifest(archive), key=lambda c: c.file):
        if c.captured_on == day and (include_estimated or not c.date_is_estimate):
            parts.append(f"{c.file} {c.url} {hashlib.sha256((Path(archive) / c.file).read_bytes()).hexdigest()}")
    return _sha(*parts)


def _listing(path: Path) -> list[str]:
    if path.is_file():
        st = path.stat()
        return [f"{path} {st.st_size} {st.st_mtime_ns}"]
    if path.is_dir():
        return [line for p in sorted(path.rglob("*")) if p.is_file() for line in _listing(p)]
    return [f"{path} absent"]


def scraped_state(con: duckdb.DuckDBPyConnection) -> list[str]:
    """One line per table the scrape_job writes (:data:`SCRAPED_TABLES`): name, row count and the sum of its rows'
    hashes (a content fingerprint: any changed, added or removed row changes it). Tables not created yet count
    as absent. Raises duckdb.Error when the warehouse cannot be read."""
    have = {r[0] for r in con.execute(
        "SELECT table_schema || '.' || table_name FROM information_schema.tables").fetchall()}
    out = []
    for name in SCRAPED_TABLES:
        if name not in have:
            out.append(f"{name} absent")
            continue
        n, h = con.table(name).aggregate("count(*), sum(hash(*COLUMNS(*))::HUGEINT)").fetchall()[0]
        out.append(f"{name} {n} {h}")
    return out


def warehouse_version(con: duckdb.DuckDBPyConnection, today: dt.date | None = None) -> str | None:
    """Version of a ``warehouse_job`` run on this warehouse today (UTC), or None when it must always run
    (``TOKENPRICES_IMPORT_LIVE`` set)."""
    env = {k: v for k, v in os.environ.items() if k.startswith("TOKENPRICES_")}
    if env.get("TOKENPRICES_IMPORT_LIVE", "") in ("1", "true", "yes"):
        return None
    today = today or dt.datetime.now(dt.UTC).date()
    parts = [code_version(), today.isoformat(), *scraped_state(con)]
    parts += [f"{k}={v}" for k, v in sorted(env.items())]
    for k in _INPUT_PATH_VARS:
        if env.get(k):
            parts += _listing(Path(env[k]).expanduser())
    for d in _INPUT_DIRS:
        parts += _listing(config.ROOT / d)
    return _sha(*parts)


def done_before(instance: dg.DagsterInstance, job: str, version: str | None, partition: str | None = None) -> bool:
    """True when ``instance`` has a successful run of ``job`` (and ``partition``) tagged with ``version``."""
    if version is None:
        return False
    tags = {VERSION_TAG: version}
    if partition is not None:
        tags["dagster/partition"] = partition
    runs = instance.get_run_records(
        filters=dg.RunsFilter(job_name=job, tags=tags, statuses=[dg.DagsterRunStatus.SUCCESS]), limit=1)
    return bool(runs)


def day_is_loaded(con: duckdb.DuckDBPyConnection, day: dt.date) -> bool:
    """True when the warehouse holds an ``ok`` parse of the partition ``day`` (its output is still there)."""
    return bool(con.table("staging.parse_runs").filter(
        duckdb.ColumnExpression("partition_date") == duckdb.ConstantExpression(day)).filter(
        duckdb.ColumnExpression("status") == duckdb.ConstantExpression("ok")).aggregate("count(*)").fetchall()[0][0])


def marts_exist(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the warehouse has the marts and forecasts a ``warehouse_job`` run writes."""
    have = {r[0] for r in con.execute(
        "SELECT table_schema || '.' || table_name FROM information_schema.tables").fetchall()}
    return {"marts.price_history", "marts.latest_prices", "forecasts.price_forecast"} <= have
