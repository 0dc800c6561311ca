"""Where things live. Every path can be overridden by an environment variable (see ``.env.example``)."""

from __future__ import annotations

import os
from pathlib import Path

#: the checkout root (the folder holding pyproject.toml).
ROOT = Path(__file__).resolve().parents[1]


def _path(env: str, default: Path) -> Path:
    v = os.environ.get(env)
    return Path(v).expanduser().resolve() if v else default


#: First-party sellers: model makers that sell their own models through their own API (price-semantics.md,
#: "provider" and "creator"), as ``{seller slug: creator slug}``. The one definition: identity, forecasts and
#: workloads use it or the subsets below (tests/test_config.py). Volcengine is ByteDance's cloud selling ByteDance's
#: Doubao: its creator is not its own slug, so its ids are placed by family prefix (pipelines.history.models).
FIRST_PARTY: dict[str, str] = {
    "openai": "openai", "anthropic": "anthropic", "google": "google", "deepseek": "deepseek", "mistral": "mistral",
    "xai": "xai", "cohere": "cohere", "moonshot": "moonshot", "minimax": "minimax", "zai": "zai", "zhipu": "zhipu",
    "alibaba": "alibaba", "baidu": "baidu", "perplexity": "perplexity", "amazon": "amazon", "ai21": "ai21",
    "volcengine": "bytedance",
}
#: first-party sellers whose slug is also the creator's: a model id they sell with no creator in it is theirs.
SELF_NAMED_SELLERS = frozenset(s for s, creator in FIRST_PARTY.items() if s == creator)
#: the market index basket (``matched_model_blended``, docs/forecasting.md): the first-party sellers whose USD list
#: prices make up the market series, in the order the series lists them.
MARKET_INDEX_SELLERS = ("openai", "anthropic", "google", "deepseek", "mistral", "xai", "cohere", "moonshot", "minimax")

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
