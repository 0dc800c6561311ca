"""Dagster resources: the fetch client (live or replay) and the DuckDB warehouse. All configuration here.

Configured from :mod:`pipelines.config` (the environment, see ``.env.example``): ``TOKENPRICES_FETCH_MODE``
(replay|live, default replay), ``TOKENPRICES_ARCHIVE``, ``TOKENPRICES_WAREHOUSE``, ``TOKENPRICES_DATA_DIR``,
``TOKENPRICES_LAKE_URI``, ``TOKENPRICES_ECB_URL`` (the ECB rates file a live run fetches), ``TOKENPRICES_DUCKDB_MEMORY_LIMIT``, ``TOKENPRICES_LOCK_TIMEOUT_S`` (how long a writer
waits for the DuckDB file lock, default 60 s).
"""

from __future__ import annotations

import re
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import ConfigurableResource
from dagster_duckdb import DuckDBResource
from pydantic import Field, PrivateAttr

from pipelines import config
from pipelines.sources.fetch import USER_AGENT, Fetcher, LiveFetcher, PolitePolicy, ReplayFetcher, WaybackFetcher


class FetcherResource(ConfigurableResource):
    """Fetch client for the scrape: ``mode="live"`` fetches the sources' URLs over HTTP now; ``mode="replay"``
    serves the real captures in ``archive_dir`` (its ``manifest.csv`` gives each capture's URL and date)."""

    mode: str = Field(default="replay", description="live | replay | wayback (Internet Archive backfill)")
    wayback_base: str = Field(default="https://web.archive.org", description="wayback: the archive's base URL")
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
    ecb_url: str = Field(default="", description="live: ECB reference-rate file fetched each run "
                                                 "(default TOKENPRICES_ECB_URL, else the ECB's daily eurofxref.zip)")

    def client(self) -> Fetcher:
        """The configured :class:`~pipelines.sources.fetch.Fetcher`. Raises ValueError for an unknown mode."""
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
        if self.mode == "wayback":
            return WaybackFetcher(
                self.wayback_base,
                PolitePolicy(user_agent=self.user_agent, timeout_s=self.timeout_s, min_delay_s=self.min_delay_s,
                             max_attempts=self.max_attempts, max_bytes=self.max_bytes,
                             respect_robots=self.respect_robots),
            )
        if self.mode == "replay":
            return ReplayFetcher(
                Path(self.archive_dir) if self.archive_dir else config.archive_dir(),
                include_estimated=self.include_estimated,
            )
        raise ValueError(f"fetcher mode must be 'live', 'replay' or 'wayback', not {self.mode!r}")

    def ecb_rates(self):
        """What to fetch ECB rates with: live, a function fetching today's reference rates politely (rows for
        ``raw.ecb_rates``, see :func:`pipelines.history.normalise.fetch_ecb_rates`); replay and wayback: None (the
        stored history is used)."""
        if self.mode != "live":
            return None
        from pipelines.history.normalise import fetch_ecb_rates

        url = self.ecb_url or config.ecb_rates_url()
        return lambda: fetch_ecb_rates(self.client(), url)


class DataDirResource(ConfigurableResource):
    """Folder for raw page bodies (``raw/``), the Parquet lake (``lake/``) and plots (``plots/``)."""

    path: str = Field(default="", description="default: warehouse/ of the checkout")

    lake_uri: str = Field(default="", description="Parquet lake: a folder or s3:// / gs:// URI "
                                                  "(default TOKENPRICES_LAKE_URI, else <path>/lake)")

    def root(self) -> Path:
        p = Path(self.path) if self.path else config.data_dir()
        p.mkdir(parents=True, exist_ok=True)
        return p

    def lake(self) -> str:
        """The Parquet lake's folder or object-store URI (see :func:`pipelines.config.lake_uri`)."""
        return self.lake_uri or config.lake_uri(self.root())


class WarehouseLockedError(RuntimeError):
    """The DuckDB file is held by another process (DuckDB allows one read-write process per file).

    ``pid`` and ``command`` name the holder when DuckDB reports it (None otherwise).
    """

    def __init__(self, message: str, pid: int | None = None, command: str | None = None):
        super().__init__(message)
        self.pid = pid
        self.command = command


def _holder(message: str) -> tuple[int | None, str | None]:
    """(PID, command line) of the lock holder named in a DuckDB lock error; (None, None) when not named."""
    m = re.search(r"\(PID (\d+)\)", message)
    if not m:
        return None, None
    pid = int(m.group(1))
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        cmd = " ".join(a.decode(errors="replace") for a in raw.split(b"\0") if a)
        cmd = " ".join(cmd.split())[:200] or None  # one line, short
    except OSError:
        cmd = None
    return pid, cmd


def _is_lock_error(exc: duckdb.Error) -> bool:
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def connect_warehouse(
    database: str | Path,
    *,
    read_only: bool = False,
    timeout_s: float = 60.0,
    poll_s: float = 0.25,
    config: dict | None = None,
    sleep=time.sleep,
    clock=time.monotonic,
) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file, waiting at most ``timeout_s`` seconds for another process's lock to go away.

    DuckDB lets one process at a time open a file read-write (or several processes read-only); inside Dagster,
    every writer is in the concurrency pool ``duckdb_warehouse`` so runs wait for each other there. A process
    outside Dagster (a ``duckdb`` shell, a notebook, ``tokenprices demo`` without the shared DAGSTER_HOME)
    holding the file makes this retry every ``poll_s`` s and then raise :class:`WarehouseLockedError` naming
    the file, the holder's PID and command line, and what to do. Never waits longer than ``timeout_s``
    (0 = fail at once). Other DuckDB errors are raised unchanged. ``sleep`` and ``clock`` (seconds, monotonic) are
    the waiting and the time it reads: tests pass their own, so no test waits on the wall clock.
    """
    deadline = clock() + max(0.0, timeout_s)
    while True:
        try:
            return duckdb.connect(str(database), read_only=read_only, config=config or {})
        except duckdb.Error as exc:
            if not _is_lock_error(exc):
                raise
            if clock() >= deadline:
                pid, cmd = _holder(str(exc))
                who = f"process {pid}" + (f" ({cmd})" if cmd else "") if pid else "another process"
                raise WarehouseLockedError(
                    f"warehouse {database} is locked by {who}; waited {timeout_s:.0f}s. DuckDB allows one writing "
                    "process per file: close that process's connection (or stop it) and re-run. Runs of the "
                    "Dagster instance queue for each other in the pool 'duckdb_warehouse'; set "
                    "TOKENPRICES_LOCK_TIMEOUT_S to wait longer.",
                    pid=pid, command=cmd,
                ) from exc
            sleep(min(poll_s, max(0.0, deadline - clock())))


class WarehouseResource(DuckDBResource):
    """:class:`dagster_duckdb.DuckDBResource` that fails clearly instead of hanging when the file is locked, and
    opens the file once per run.

    ``get_connection()`` waits at most ``lock_timeout_s`` for a lock held by another process, then raises
    :class:`WarehouseLockedError` (the stock resource retries silently for ~100 s and then raises DuckDB's
    bare IO error). Inside a run (between Dagster's ``setup_for_execution`` and ``teardown_after_execution``:
    the whole run with the in-process executor, one step with the multiprocess one) the first step opens the
    connection and the others reuse it; it is closed when the run ends, so the file is held for the run, as
    the pool ``duckdb_warehouse`` (granularity ``run``, ``dagster.yaml``) already holds it for the other runs
    of the instance. Opening the file costs ~40 ms and every close checkpoints it: ~2 s over the demo's runs.
    A step that leaves a transaction open (an error between BEGIN and COMMIT) has it rolled back when its
    ``with`` block ends, as closing the connection did. Outside a run (the CLI) each ``get_connection()``
    opens and closes its own. Assets keep their ``duckdb: DuckDBResource`` annotation; this is a drop-in
    subclass.
    """

    lock_timeout_s: float = Field(default=60.0, description="seconds to wait for another process's lock")
    _in_run: bool = PrivateAttr(default=False)
    _con: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)

    def setup_for_execution(self, context) -> None:
        self._in_run = True

    def teardown_after_execution(self, context) -> None:
        con, self._con, self._in_run = self._con, None, False
        if con is not None:
            con.close()

    def _connect(self) -> duckdb.DuckDBPyConnection:
        config = {"custom_user_agent": "dagster", **self.connection_config}
        return connect_warehouse(self.database, timeout_s=self.lock_timeout_s, config=config)

    @contextmanager
    def get_connection(self):
        if not self._in_run:
            con = self._connect()
            try:
                yield con
            finally:
                con.close()
            return
        if self._con is None:
            self._con = self._connect()
        try:
            yield self._con
        finally:
            try:
                self._con.rollback()  # only a transaction left open by the step; none: nothing to undo
            except duckdb.TransactionException:
                pass


def default_resources() -> dict:
    """Resources for Definitions and the CLI, configured by :mod:`pipelines.config` (``TOKENPRICES_FETCH_MODE``;
    ``TOKENPRICES_WAREHOUSE``, a local file or ``md:<name>`` on MotherDuck; ``TOKENPRICES_DUCKDB_MEMORY_LIMIT``;
    ``TOKENPRICES_LOCK_TIMEOUT_S``)."""
    db = config.warehouse_database()
    if not config.is_remote(db):
        Path(db).parent.mkdir(parents=True, exist_ok=True)
    limit = config.duckdb_memory_limit()
    return {
        "fetcher": FetcherResource(mode=config.fetch_mode()),
        "duckdb": WarehouseResource(database=db, lock_timeout_s=config.lock_timeout_s(),
                                    connection_config={"memory_limit": limit} if limit else {}),
        "data_dir": DataDirResource(),
    }
