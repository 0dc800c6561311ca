"""The DuckDB warehouse: SQL files by name, schema, raw blob store, atomic Parquet exports.

SQL lives in ``warehouse/sql/*.sql`` and is loaded by name; values are bound as ``$name`` parameters,
never formatted into the text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def sql(name: str) -> str:
    """Text of ``warehouse/sql/<name>.sql``. Raises FileNotFoundError naming the file."""
    res = resources.files("warehouse").joinpath("sql", f"{name}.sql")
    if not res.is_file():
        raise FileNotFoundError(f"no SQL file warehouse/sql/{name}.sql")
    return res.read_text(encoding="utf-8")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create schemas and tables that do not exist yet, and (re)write the source precedence table (idempotent).
    Done once per connection (a run's steps share one: :class:`pipelines.resources.WarehouseResource`), which
    remembers it in a DuckDB session variable: the second call on the same connection returns at once (~25 ms
    saved a step)."""
    if con.execute("SELECT getvariable('tokenprices_schema_ensured')").fetchall()[0][0]:  # fetchall: no unfinished result
        return
    con.execute(sql("schema"))
    con.execute(sql("schema_offers"))
    con.execute(sql("schema_facts"))
    con.execute(sql("schema_plans"))
    con.execute(sql("source_precedence"))
    con.execute("SET VARIABLE tokenprices_schema_ensured = true")


def run(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> duckdb.DuckDBPyConnection:
    """Execute the SQL file ``name`` with named parameters ``params`` (``$key`` in the file)."""
    return con.execute(sql(name), params or {})


def _arrow_value(v):
    """A Python value as Arrow takes it without losing anything: Decimal as its exact text (DuckDB casts it to the
    column's DECIMAL on insert, as it does a bound parameter), aware datetimes as naive UTC."""
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, dt.datetime) and v.tzinfo is not None:
        return v.astimezone(dt.UTC).replace(tzinfo=None)
    return v


def in_transaction(con: duckdb.DuckDBPyConnection) -> bool:
    """True while ``con`` has a transaction open: two statements then run in the same transaction, whereas each
    statement outside one is a transaction of its own (DuckDB's ``current_transaction_id()``)."""
    ask = "SELECT current_transaction_id()"
    return con.execute(ask).fetchall() == con.execute(ask).fetchall()  # fetchall: no unfinished result left


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """``with transaction(con):`` runs the block in one transaction: BEGIN, then COMMIT at the end, or ROLLBACK
    and re-raise on any exception. Inside a transaction already open on the connection (an outer ``transaction``)
    it joins that one: DuckDB has no nested transactions, and the outer block commits or rolls back everything."""
    if in_transaction(con):
        yield con
        return
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


Rows = list[dict] | pd.DataFrame | pa.Table


def columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, tuple[str, bool]]:
    """``{column: (DuckDB type, has a default)}`` of ``table`` (``schema.name``) in table order, from DuckDB's
    catalog. Raises ValueError when there is no such table."""
    schema, name = table.split(".")
    cols = run(con, "table_columns", {"schema": schema, "table": name}).fetchall()
    if not cols:
        raise ValueError(f"no table {table} in the warehouse")
    return {c: (t, d) for c, t, d in cols}


def _arrow(rows: Rows, constants: dict) -> pa.Table:
    """``rows`` as one Arrow table, ``constants`` added as columns where the rows lack them."""
    if isinstance(rows, pa.Table):
        table = rows
    elif isinstance(rows, pd.DataFrame):
        table = pa.Table.from_pandas(rows, preserve_index=False)
    else:
        names = list(dict.fromkeys(k for r in rows for k in r))
        data = {}
        for c in names:
            values = [_arrow_value(r.get(c)) for r in rows]
            kinds = {type(v) for v in values if v is not None}
            if str in kinds and len(kinds) > 1:  # e.g. Decimal (as text) beside int: all as text, DuckDB casts
                values = [None if v is None else str(v) for v in values]
            data[c] = values
        table = pa.table(data)
    for c, v in constants.items():
        if c not in table.column_names:
            table = table.append_column(c, pa.array([_arrow_value(v)] * table.num_rows))
    return table


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: Rows, **constants) -> int:
    """Bulk-insert ``rows`` (dicts, a DataFrame or an Arrow table; ``constants`` added to each row lacking them)
    into ``table`` in one statement from Arrow: 4,000 quotes take ~15 ms instead of ~4 s with ``executemany``.

    Every column of the table is read from the rows and cast to the column's type (Decimal travels as its exact
    text); a column with a DEFAULT may be left out, columns the table lacks are ignored. A column the table needs
    and the rows lack raises duckdb.BinderException naming it. Returns the number of rows inserted."""
    data = _arrow(rows, constants)
    if not data.num_rows:
        return 0
    cols = [(c, t) for c, (t, default) in columns(con, table).items() if not (default and c not in data.column_names)]
    names = ", ".join(_ident(c) for c, _ in cols)
    select = ", ".join(f"CAST({_ident(c)} AS {t})" for c, t in cols)
    with _registered(con, "new_rows", data):
        # identifiers only, read from DuckDB's catalog for this table and quoted (_ident); values travel in Arrow
        con.execute(f"INSERT INTO {_table(table)} ({names}) SELECT {select} FROM new_rows")
    return data.num_rows


@contextmanager
def _registered(con: duckdb.DuckDBPyConnection, name: str, data: pa.Table) -> Iterator[None]:
    """``data`` visible to SQL as the view ``name`` within the block. A failed statement aborts the transaction,
    which then drops the view itself at its ROLLBACK (unregistering it in the aborted transaction would raise)."""
    con.register(name, data)
    try:
        yield
    except BaseException:
        try:
            con.unregister(name)
        except duckdb.TransactionException:
            pass
        raise
    con.unregister(name)


def replace(con: duckdb.DuckDBPyConnection, table: str, rows: Rows, where: dict | None = None,
            keys: tuple[str, ...] = ()) -> int:
    """Replace a slice of ``table`` by ``rows``, in one transaction (or the caller's :func:`transaction`).

    Deletes the rows matching ``where`` -- ``{column: value}``, all of them; a list or tuple value means any of its
    values; ``None``/``{}`` the whole table -- and, with ``keys`` (column names), only those whose ``keys`` equal
    a new row's (no new row: nothing deleted); then inserts ``rows`` (:func:`insert`). ``where``'s single values
    are added to rows lacking the column (the slice written is the one deleted). Values are bound as parameters,
    never formatted into the SQL; table and column names are checked against the catalog (ValueError for an
    unknown one). Returns the number of rows inserted."""
    where = where or {}
    cols = columns(con, table)
    unknown = [c for c in (*where, *keys) if c not in cols]
    if unknown:
        raise ValueError(f"{table} has no column {', '.join(unknown)}")
    conds, params = [], {}
    for i, (c, v) in enumerate(where.items()):
        if not isinstance(v, (list, tuple, set)):
            params[f"p{i}"] = v
            conds.append(f"{_ident(c)} = $p{i}")
        elif v:
            params[f"p{i}"] = list(v)
            conds.append(f"list_contains($p{i}, {_ident(c)})")
        else:  # any of no values: no row
            conds.append("false")
    data = _arrow(rows, {c: v for c, v in where.items() if not isinstance(v, (list, tuple, set))})
    # The statements below are built from identifiers only (table and column names checked against the catalog
    # above and quoted by _ident, types read from the catalog); every value is a bound $p parameter.
    with transaction(con):
        if keys and data.num_rows:
            k = ", ".join(_ident(c) for c in keys)
            cast = ", ".join(f"CAST({_ident(c)} AS {cols[c][0]})" for c in keys)
            with _registered(con, "new_keys", data.select(list(keys))):
                conds.append(f"({k}) IN (SELECT DISTINCT {cast} FROM new_keys)")
                con.execute(f"DELETE FROM {_table(table)} WHERE {' AND '.join(conds)}", params)
        elif not keys:
            con.execute(f"DELETE FROM {_table(table)}" + (f" WHERE {' AND '.join(conds)}" if conds else ""), params)
        return insert(con, table, data)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table(table: str) -> str:
    return ".".join(_ident(p) for p in table.split("."))


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


def export_parquet(
    con: duckdb.DuckDBPyConnection, table: str, lake_dir: str | Path, partition_by: tuple[str, ...] = ()
) -> Path | str:
    """Write ``table`` (e.g. ``marts.price_history``) to the Parquet lake, atomically.

    Without ``partition_by``: one file ``<lake_dir>/<schema>/<name>.parquet``, written to a temp file in the same
    folder and renamed into place, so a reader never sees a half-written file. With ``partition_by`` (e.g.
    ``("provider",)``): a hive-partitioned folder ``<lake_dir>/<schema>/<name>/provider=<p>/part-0.parquet``
    (readable as one dataset by DuckDB ``read_parquet('.../**/*.parquet', hive_partitioning=true)``, pandas and
    polars), written to a temp folder and swapped in by two renames. Returns the file or folder path.

    ``lake_dir`` may be a URI (``s3://bucket/lake``, ``gs://bucket/lake``, ``file:///srv/lake``): the table is then
    written through pyarrow's filesystem for that scheme (:func:`export_parquet_uri`) and the URI is returned.
    """
    if "://" in str(lake_dir):
        return export_parquet_uri(con, table, str(lake_dir), partition_by)
    schema, name = table.split(".")
    if partition_by:
        return _export_partitioned(con, table, Path(lake_dir) / schema / name, partition_by)
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


def export_parquet_uri(con: duckdb.DuckDBPyConnection, table: str, lake_uri: str,
                       partition_by: tuple[str, ...] = ()) -> str:
    """Write ``table`` under an object-store (or ``file://``) URI with pyarrow's filesystems: one object
    ``<uri>/<schema>/<name>.parquet`` (an object store replaces an object in one PUT, so readers see the old or the
    new file, never half of one), or with ``partition_by`` one object per partition under ``<uri>/<schema>/<name>/``
    (partitions that disappeared are deleted; a reader listing during the write may see old and new partitions
    side by side). Credentials come from the environment pyarrow reads (AWS_*, GOOGLE_APPLICATION_CREDENTIALS).
    Raises pyarrow.ArrowInvalid for a scheme pyarrow has no filesystem for. Returns the object or folder URI."""
    import pyarrow.dataset as ds
    import pyarrow.fs as pafs

    fs, base = pafs.FileSystem.from_uri(lake_uri.rstrip("/"))
    schema, name = table.split(".")
    arrow = con.table(table).to_arrow_table()
    if partition_by:
        folder = f"{base}/{schema}/{name}"
        fs.delete_dir_contents(folder, missing_dir_ok=True)
        ds.write_dataset(arrow, folder, filesystem=fs, format="parquet", partitioning=list(partition_by),
                         partitioning_flavor="hive", basename_template="part-{i}.parquet",
                         existing_data_behavior="overwrite_or_ignore")
        return f"{lake_uri.rstrip('/')}/{schema}/{name}"
    fs.create_dir(f"{base}/{schema}", recursive=True)
    pq.write_table(arrow, f"{base}/{schema}/{name}.parquet", filesystem=fs, compression="zstd")
    return f"{lake_uri.rstrip('/')}/{schema}/{name}.parquet"


def _export_partitioned(con, table: str, out: Path, partition_by: tuple[str, ...]) -> Path:
    import shutil

    import pyarrow.dataset as ds

    out.parent.mkdir(parents=True, exist_ok=True)
    # Recover from a crash in an earlier swap (the lake is written by one run at a time: pool duckdb_warehouse).
    # ``.<name>-old`` left beside ``<name>``: the swap completed but the old copy was not removed (it made the
    # first rename below fail with "Directory not empty" for ever); ``.<name>-old`` without ``<name>``: the crash
    # came between the two renames, so the previous copy goes back in place until the new one is ready. Any other
    # ``.<name>-*`` is a temp folder of an export that died before its swap.
    old = out.parent / f".{out.name}-old"
    if old.exists():
        if out.exists():
            shutil.rmtree(old)
        else:
            os.replace(old, out)
    for stale in out.parent.glob(f".{out.name}-*"):
        if stale.is_dir():
            shutil.rmtree(stale)
        else:
            stale.unlink()
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}-"))
    try:
        ds.write_dataset(
            con.table(table).to_arrow_table(),
            tmp,
            format="parquet",
            partitioning=list(partition_by),
            partitioning_flavor="hive",
            basename_template="part-{i}.parquet",
            existing_data_behavior="overwrite_or_ignore",
        )
        for p in [tmp, *tmp.rglob("*")]:
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        if out.exists():
            os.replace(out, old)
        os.replace(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out


# -- read-only connections for user text (the CLI's sql, latest, price, cost, export) ------------------------------
#: DuckDB settings of every connection the read-only commands open (``sql``, ``latest``, ``cost``, ``price``,
#: ``export``): user text reaches SQL there, so the connection can read the warehouse and nothing else.
#: ``enable_external_access`` off refuses every file and network access (``read_csv('/etc/passwd')``, ``glob``, ``COPY … TO``, ``ATTACH``,
#: ``INSTALL``/``LOAD``, ``EXPORT DATABASE``), extensions are neither installed nor loaded behind the query's
#: back, and ``lock_configuration`` makes every ``SET``/``PRAGMA``/``RESET`` of a setting an error (so none of
#: the above can be switched back on, nor ``memory_limit`` raised). The warehouse itself is opened read-only.
SANDBOX = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}


def connect_readonly(read_only: bool = True, database: str | None = None):
    """A read-only, sandboxed (:data:`SANDBOX`) connection to the warehouse (``database``, default the configured
    one). Exits with one line naming the file when there is none or it cannot be opened (locked by a writer,
    truncated, not a DuckDB file, written by a newer DuckDB)."""
    from pipelines import config

    db = database or config.warehouse_database()
    if not config.is_remote(db) and not Path(db).exists():
        raise SystemExit(f"tokenprices: no warehouse at {db}; run `make demo` (or `tokenprices demo`) first")
    # MotherDuck (md:) needs its extension and the network: only the configuration lock applies there.
    settings = {"lock_configuration": True} if config.is_remote(db) else SANDBOX
    try:
        limit = {"memory_limit": config.duckdb_memory_limit()} if config.duckdb_memory_limit() else {}
        return duckdb.connect(db, read_only=read_only, config={**limit, **settings})
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SystemExit(f"tokenprices: cannot open the warehouse {db}: {first}") from None


#: the lake's tables the price lookups read (pipelines/history/lookup.py), besides staging.source_precedence
#: (recreated from its SQL file): ``(schema.table, path under the lake, hive-partitioned folder)``.
LAKE_TABLES = (
    ("marts.price_history", "marts/price_history", True),
    ("marts.latest_prices", "marts/latest_prices.parquet", False),
    ("marts.model_aliases", "marts/model_aliases.parquet", False),
    ("marts.models", "marts/models.parquet", False),
    ("marts.model_facts", "marts/model_facts.parquet", False),
)


def connect_lake(lake_dir: str | Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding the Parquet lake's tables of :data:`LAKE_TABLES` (copied in: the lake is small)
    under their warehouse names, so the same SQL files answer from the lake as from the DuckDB file; sandboxed
    (:data:`SANDBOX`) from the start: pyarrow reads the files, DuckDB only gets the rows. FileNotFoundError naming
    the first missing file."""
    lake = Path(lake_dir)
    con = duckdb.connect(":memory:", config=SANDBOX)
    con.execute("CREATE SCHEMA marts; CREATE SCHEMA staging")
    con.execute(sql("source_precedence"))
    for table, rel, partitioned in LAKE_TABLES:
        path = lake / rel
        if not path.exists():
            con.close()
            raise FileNotFoundError(f"no {table} in the Parquet lake: {path} (run `make demo` or the warehouse job)")
        data = pq.read_table(path, partitioning="hive") if partitioned else pq.read_table(path)
        with _registered(con, "lake_rows", data):
            # identifiers only, from LAKE_TABLES above; the rows travel in Arrow
            con.execute(f"CREATE TABLE {_table(table)} AS SELECT * FROM lake_rows")
    return con
