"""Dagster resources: the fetch client (live or replay) and the DuckDB warehouse. All configuration here.

Environment (see ``.env.example``): ``TOKENPRICES_FETCH_MODE`` (replay|live, default replay),
``TOKENPRICES_ARCHIVE``, ``TOKENPRICES_WAREHOUSE``, ``TOKENPRICES_DATA_DIR``, ``TOKENPRICES_LITELLM_DIR``.
"""

from __future__ import annotations

import os
from pathlib import Path

from dagster import ConfigurableResource
from dagster_duckdb import DuckDBResource
from pydantic import Field

from pipelines import config
from pipelines.fetch import USER_AGENT, Fetcher, LiveFetcher, PolitePolicy, ReplayFetcher


class FetcherResource(ConfigurableResource):
    """Fetch client for the scrape: ``mode="live"`` fetches the sources' URLs over HTTP now; ``mode="replay"``
    serves the real captures in ``archive_dir`` (its ``manifest.csv`` gives each capture's URL and date)."""

    mode: str = Field(default="replay", description="live | replay")
    archive_dir: str = Field(default="", description="replay archive folder (default seed/pages)")
    include_estimated: bool = Field(
        default=False, description="replay: also replay captures whose date is an estimate (manifest date_is_estimate)"
    )
    timeout_s: float = Field(default=30.0, description="live: per-request timeout, seconds")
    user_agent: str = Field(default=USER_AGENT, description="live: User-Agent header (with a contact URL)")
    min_delay_s: float = Field(default=2.0, description="live: pause between requests to one host, seconds")
    max_attempts: int = Field(default=4, description="live: attempts per URL (retries on 429/5xx/timeouts)")
    max_bytes: int = Field(default=20 * 2**20, description="live: largest body accepted (after decompression)")
    respect_robots: bool = Field(default=True, description="live: obey robots.txt")

    def client(self) -> Fetcher:
        """The configured :class:`~pipelines.fetch.Fetcher`. Raises ValueError for an unknown mode."""
        if self.mode == "live":
            return LiveFetcher(
                PolitePolicy(
                    user_agent=self.user_agent,
                    timeout_s=self.timeout_s,
                    min_delay_s=self.min_delay_s,
                    max_attempts=self.max_attempts,
                    max_bytes=self.max_bytes,
                    respect_robots=self.respect_robots,
                )
            )
        if self.mode == "replay":
            return ReplayFetcher(
                Path(self.archive_dir) if self.archive_dir else config.archive_dir(),
                include_estimated=self.include_estimated,
            )
        raise ValueError(f"fetcher mode must be 'live' or 'replay', not {self.mode!r}")


class DataDirResource(ConfigurableResource):
    """Folder for raw page bodies (``raw/``), the Parquet lake (``lake/``) and plots (``plots/``)."""

    path: str = Field(default="", description="default: warehouse/ of the checkout")

    def root(self) -> Path:
        p = Path(self.path) if self.path else config.data_dir()
        p.mkdir(parents=True, exist_ok=True)
        return p


def default_resources() -> dict:
    """Resources for Definitions and the CLI, configured from the environment."""
    db = config.warehouse_path()
    db.parent.mkdir(parents=True, exist_ok=True)
    return {
        "fetcher": FetcherResource(mode=os.environ.get("TOKENPRICES_FETCH_MODE", "replay")),
        "duckdb": DuckDBResource(database=str(db)),
        "data_dir": DataDirResource(),
    }
