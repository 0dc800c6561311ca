"""Where things live. Every path can be overridden by an environment variable (see ``.env.example``)."""

from __future__ import annotations

import os
from pathlib import Path

#: the checkout root (the folder holding pyproject.toml).
ROOT = Path(__file__).resolve().parents[1]


def _path(env: str, default: Path) -> Path:
    v = os.environ.get(env)
    return Path(v).expanduser().resolve() if v else default


#: prefixes of DuckDB database names that are not local files (MotherDuck: https://motherduck.com/docs/).
REMOTE_DATABASE_PREFIXES = ("md:", "motherduck:")


def warehouse_database() -> str:
    """What DuckDB opens: ``TOKENPRICES_WAREHOUSE`` as given when it names a MotherDuck database (``md:name``;
    the token comes from ``motherduck_token`` in the environment), else the local file of
    :func:`warehouse_path` as an absolute path."""
    v = os.environ.get("TOKENPRICES_WAREHOUSE", "")
    return v if v.startswith(REMOTE_DATABASE_PREFIXES) else str(warehouse_path())


def is_remote(database: str) -> bool:
    """True for a database name DuckDB does not open as a local file (``md:...``)."""
    return str(database).startswith(REMOTE_DATABASE_PREFIXES)


def warehouse_path() -> Path:
    """The local DuckDB file (``TOKENPRICES_WAREHOUSE``; default ``warehouse/tokenprices.duckdb``). Raises
    ValueError when the variable names a MotherDuck database (use :func:`warehouse_database`)."""
    v = os.environ.get("TOKENPRICES_WAREHOUSE", "")
    if v.startswith(REMOTE_DATABASE_PREFIXES):
        raise ValueError(f"TOKENPRICES_WAREHOUSE={v} is a MotherDuck database, not a local file")
    return _path("TOKENPRICES_WAREHOUSE", ROOT / "warehouse" / "tokenprices.duckdb")


def lake_uri() -> str:
    """Where the Parquet copies of the marts go (``TOKENPRICES_LAKE_URI``): a local folder (default
    ``<data dir>/lake``) or an object-store URI that pyarrow's filesystems open (``s3://bucket/lake``,
    ``gs://bucket/lake``; credentials from the usual AWS/GCP environment)."""
    return os.environ.get("TOKENPRICES_LAKE_URI") or str(data_dir() / "lake")


def duckdb_memory_limit() -> str:
    """DuckDB ``memory_limit`` for warehouse connections (``TOKENPRICES_DUCKDB_MEMORY_LIMIT``; default ``1.5GB``;
    empty = DuckDB's own default, 80% of RAM). With 1.5GB the 5.4M-quote history build peaks at ~1.6 GB RSS
    (bench/scale.py) instead of ~3.8 GB; DuckDB spills to disk beyond it."""
    return os.environ.get("TOKENPRICES_DUCKDB_MEMORY_LIMIT", "1.5GB")


def data_dir() -> Path:
    """Folder for raw page bodies, the Parquet lake and plots (``TOKENPRICES_DATA_DIR``; default ``warehouse/``)."""
    return _path("TOKENPRICES_DATA_DIR", ROOT / "warehouse")


def archive_dir() -> Path:
    """The bundled archive of real captures used by replay (``TOKENPRICES_ARCHIVE``; default ``seed/pages``)."""
    return _path("TOKENPRICES_ARCHIVE", ROOT / "seed" / "pages")


def litellm_dir() -> Path:
    """LiteLLM price-history dataset folder (``TOKENPRICES_LITELLM_DIR``; default ``seed/litellm_price_history``)."""
    return _path("TOKENPRICES_LITELLM_DIR", ROOT / "seed" / "litellm_price_history")


def ecb_rates_url() -> str:
    """The ECB reference-rate file a live run fetches (``TOKENPRICES_ECB_URL``; default the ECB's daily
    ``eurofxref.zip``; its ``eurofxref-hist.zip`` fills a longer gap)."""
    from pipelines.history.normalise import ECB_DAILY_URL

    return os.environ.get("TOKENPRICES_ECB_URL") or ECB_DAILY_URL
