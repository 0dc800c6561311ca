"""The DuckDB warehouse: SQL files by name, schema, raw blob store, atomic Parquet exports.

SQL lives in ``warehouse/sql/*.sql`` and is loaded by name; values are bound as ``$name`` parameters,
never formatted into the text.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow.parquet as pq



def sql(name: str) -> str:
    """Text of ``warehouse/sql/<name>.sql``. Raises FileNotFoundError naming the file."""
    res = resources.files("warehouse").joinpath("sql", f"{name}.sql")
    if not res.is_file():
        raise FileNotFoundError(f"no SQL file warehouse/sql/{name}.sql")
    return res.read_text(encoding="utf-8")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create schemas and tables that do not exist yet, and (re)write the source precedence table (idempotent)."""
    con.execute(sql("schema"))
    con.execute(sql("source_precedence"))


def run(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> duckdb.DuckDBPyConnection:
    """Execute the SQL file ``name`` with named parameters ``params`` (``$key`` in the file)."""
    return con.execute(sql(name), params or {})


def blob_path(data_dir: Path, sha256: str) -> Path:
    return Path(data_dir) / "raw" / sha256[:2] / sha256


def store_blob(data_dir: Path, body: bytes) -> str:
    """Store ``body`` once under ``<data_dir>/raw/<sha[:2]>/<sha>`` (write to temp, rename); return its sha256.

    A body already stored is not written again; stored files are made read-only (snapshots are immutable).
    """
    sha = hashlib.sha256(body).hexdigest()
    path = blob_path(data_dir, sha)
    if path.exists():
        return sha
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(body)
    os.chmod(tmp, 0o444)
    os.replace(tmp, path)
    return sha


def read_blob(data_dir: Path, sha256: str) -> bytes:
    """The stored body with this sha256; raises FileNotFoundError, or ValueError if the bytes do not match."""
    body = blob_path(data_dir, sha256).read_bytes()
    if hashlib.sha256(body).hexdigest() != sha256:
        raise ValueError(f"raw blob {sha256} is corrupt")
    return body


def export_parquet(con: duckdb.DuckDBPyConnection, table: str, lake_dir: Path) -> Path:
    """Write ``table`` (e.g. ``marts.price_history``) to ``<lake_dir>/<schema>/<name>.parquet`` atomically.

    The file is written to a temp file in the same folder and renamed into place, so a reader never sees a
    half-written file. Returns the path.
    """
    schema, name = table.split(".")
    out = Path(lake_dir) / schema / f"{name}.parquet"
    out.parent.mkdir(parents=True, exist_ok=True)
    arrow = con.table(table).to_arrow_table()
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{name}-", suffix=".parquet")
    os.close(fd)
    try:
        pq.write_table(arrow, tmp, compression="zstd")
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; the lake is for every reader
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out
