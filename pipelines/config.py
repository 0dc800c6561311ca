"""Where things live. Every path can be overridden by an environment variable (see ``.env.example``)."""

from __future__ import annotations

import os
from pathlib import Path

#: the checkout root (the folder holding pyproject.toml).
ROOT = Path(__file__).resolve().parents[1]


def _path(env: str, default: Path) -> Path:
    v = os.environ.get(env)
    return Path(v).expanduser().resolve() if v else default


def warehouse_path() -> Path:
    """The DuckDB file (``TOKENPRICES_WAREHOUSE``; default ``warehouse/tokenprices.duckdb``)."""
    return _path("TOKENPRICES_WAREHOUSE", ROOT / "warehouse" / "tokenprices.duckdb")


def data_dir() -> Path:
    """Folder for raw page bodies, the Parquet lake and plots (``TOKENPRICES_DATA_DIR``; default ``warehouse/``)."""
    return _path("TOKENPRICES_DATA_DIR", ROOT / "warehouse")


def archive_dir() -> Path:
    """The bundled archive of real captures used by replay (``TOKENPRICES_ARCHIVE``; default ``seed/pages``)."""
    return _path("TOKENPRICES_ARCHIVE", ROOT / "seed" / "pages")


def litellm_dir() -> Path:
    """LiteLLM price-history dataset folder (``TOKENPRICES_LITELLM_DIR``; default ``seed/litellm_price_history``)."""
    return _path("TOKENPRICES_LITELLM_DIR", ROOT / "seed" / "litellm_price_history")
