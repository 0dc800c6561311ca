"""Scale benchmark: N models x D days of daily quotes through the history build and the latest-price query.

    python bench/scale.py [--models 5000] [--days 1095] [--memory-limit 1.5GB|''] [--threads N]

Three fresh processes, so each peak RSS is that step's own: (1) generate the synthetic
``staging.price_quotes`` (bench/sql/synthetic_quotes.sql) in a temp DuckDB file; (2) build
``marts.source_price_history`` with the real ``warehouse/sql/marts_source_price_history.sql``, the reconciled
``marts.price_history`` as its asset does (``pipelines.history.lookup.history_rows``) and ``marts.latest_prices``
with ``marts_latest_prices.sql``; (3) query the latest prices like a user (one model; one seller) on a fresh
connection, cold and warm. Prints figures (seconds, rows, peak RSS in MiB) and one JSON line per step; asserts
nothing. Targets (issue #6): history build <= 60 s and <= 2 GB RSS; latest-price query <= 50 ms.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _connect(db: str, args):
    import duckdb

    settings = {}
    if args.memory_limit:
        settings["memory_limit"] = str(args.memory_limit)
    if args.threads:
        settings["threads"] = int(args.threads)
    return duckdb.connect(db, config=settings)  # settings as connection config, not SQL text


def step_generate(db: str, args) -> dict:
    from pipelines import warehouse

    con = _connect(db, args)
    warehouse.ensure_schema(con)
    sql = (ROOT / "bench" / "sql" / "synthetic_quotes.sql").read_text()
    t = time.perf_counter()
    con.execute(sql, {"n_models": args.models, "n_days": args.days, "start": "2023-01-01"})
    secs = time.perf_counter() - t
    n = con.execute("SELECT count(*) FROM staging.price_quotes").fetchone()[0]
    con.close()
    return {"step": "generate", "rows": n, "seconds": round(secs, 2), "peak_rss_mib": round(_rss_mib())}


def step_build(db: str, args) -> dict:
    import datetime as dt

    from pipelines import warehouse
    from pipelines.history import lookup

    base = _rss_mib()
    con = _connect(db, args)
    warehouse.ensure_schema(con)
    t = time.perf_counter()
    warehouse.run(con, "marts_source_price_history", {"delist_after": 3})
    hist_s = time.perf_counter() - t
    hist_rss = _rss_mib()
    t = time.perf_counter()
    rows = lookup.history_rows(con, dt.date(2025, 12, 31))
    with warehouse.transaction(con):
        warehouse.run(con, "marts_price_history")
        warehouse.insert(con, "marts.price_history", rows)
    reconcile_s = time.perf_counter() - t
    t = time.perf_counter()
    warehouse.run(con, "marts_latest_prices", {"as_of": "2025-12-31"})
    latest_s = time.perf_counter() - t
    rows = con.execute("SELECT (SELECT count(*) FROM marts.source_price_history), (SELECT count(*) FROM marts.latest_prices),"
                       " (SELECT count(*) FROM staging.price_quotes), (SELECT count(*) FROM marts.price_history)").fetchone()
    con.close()
    return {"step": "build", "quotes": rows[2], "history_rows": rows[0], "reconciled_rows": rows[3],
            "latest_rows": rows[1], "history_seconds": round(hist_s, 2), "reconcile_seconds": round(reconcile_s, 2),
            "latest_build_seconds": round(latest_s, 2),
            "peak_rss_mib_after_history": round(hist_rss), "peak_rss_mib": round(_rss_mib()),
            "rss_before_mib": round(base), "memory_limit": args.memory_limit or "default (80% of RAM)"}


LATEST_ONE = """SELECT price_kind, service_tier, tier_min_tokens, usd_per_mtok, source, valid_from
FROM marts.latest_prices WHERE provider = $provider AND model = $model"""
LATEST_SELLER = """SELECT model, price_kind, usd_per_mtok, valid_from FROM marts.latest_prices
WHERE provider = $provider ORDER BY model"""
AS_OF = """SELECT usd_per_mtok FROM marts.price_history WHERE provider = $provider AND model = $model
AND price_kind = 'input' AND valid_from <= $day AND (valid_to IS NULL OR valid_to > $day)"""


def _time(con, sql, params, n=50) -> dict:
    t = time.perf_counter()
    con.execute(sql, params).fetchall()
    first = time.perf_counter() - t
    times = []
    for _ in range(n):
        t = time.perf_counter()
        con.execute(sql, params).fetchall()
        times.append(time.perf_counter() - t)
    times.sort()
    return {"first_ms": round(first * 1000, 2), "median_ms": round(statistics.median(times) * 1000, 2),
            "p95_ms": round(times[int(0.95 * len(times)) - 1] * 1000, 2)}


def step_query(db: str, args) -> dict:
    import duckdb

    t = time.perf_counter()
    con = duckdb.connect(db, read_only=True)
    connect_ms = (time.perf_counter() - t) * 1000
    one = {"provider": "seller17", "model": f"model-{args.models // 2 + 17 - (args.models // 2) % 50}"}
    out = {"step": "query", "connect_ms": round(connect_ms, 2),
           "latest_one_model": _time(con, LATEST_ONE, one),
           "latest_one_seller": _time(con, LATEST_SELLER, {"provider": "seller17"}),
           "history_as_of": _time(con, AS_OF, {**one, "day": "2024-06-30"})}
    out["rows_one_model"] = len(con.execute(LATEST_ONE, one).fetchall())
    out["rows_one_seller"] = len(con.execute(LATEST_SELLER, {"provider": "seller17"}).fetchall())
    con.close()
    out["peak_rss_mib"] = round(_rss_mib())
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", type=int, default=5000)
    p.add_argument("--days", type=int, default=1095)
    from pipelines import config

    p.add_argument("--memory-limit", default=config.duckdb_memory_limit(),
                   help="DuckDB memory_limit for the build (default: the warehouse's, TOKENPRICES_DUCKDB_MEMORY_LIMIT "
                        "or 1.5GB); '' for DuckDB's own default (80%% of RAM)")
    p.add_argument("--threads", type=int, default=0, help="DuckDB threads (default: all cores)")
    p.add_argument("--step", choices=["generate", "build", "query"], help=argparse.SUPPRESS)
    p.add_argument("--db", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.step:
        fn = {"generate": step_generate, "build": step_build, "query": step_query}[args.step]
        print(json.dumps(fn(args.db, args)))
        return 0

    def run(step: str, db: str) -> dict:
        cmd = [sys.executable, __file__, "--step", step, "--db", db, "--models", str(args.models),
               "--days", str(args.days), "--memory-limit", args.memory_limit] \
              + (["--threads", str(args.threads)] if args.threads else [])
        t = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
        res = json.loads(out.stdout.strip().splitlines()[-1])
        res["process_seconds"] = round(time.perf_counter() - t, 2)
        return res

    with tempfile.TemporaryDirectory(prefix="tokenprices-scale-") as tmp:
        db = str(Path(tmp) / "scale.duckdb")
        gen = run("generate", db)
        size = Path(db).stat().st_size
        build = run("build", db)
        query = run("query", db)
    print(f"scale: {args.models:,} models x {args.days:,} days = {gen['rows']:,} quotes "
          f"(generated in {gen['seconds']:.1f}s; DuckDB file {size / 2**20:.0f} MiB)")
    ok = lambda cond: "ok" if cond else "MISS"  # noqa: E731
    print(f"  source history     {build['history_seconds']:6.1f} s  -> {build['history_rows']:,} rows   "
          f"target <= 60 s: {ok(build['history_seconds'] <= 60)}")
    print(f"  peak RSS (build)   {build['peak_rss_mib']:6.0f} MiB (process before: {build['rss_before_mib']} MiB; "
          f"memory_limit {build['memory_limit']})   target <= 2048 MiB: {ok(build['peak_rss_mib'] <= 2048)}")
    print(f"  reconciled history {build['reconcile_seconds']:6.1f} s  -> {build['reconciled_rows']:,} rows "
          "(pipelines/history/reconcile.py over every key)")
    print(f"  latest_prices build {build['latest_build_seconds']:5.2f} s  -> {build['latest_rows']:,} rows")
    for name, label in (("latest_one_model", "latest price, one model"), ("latest_one_seller", "latest prices, one seller"),
                        ("history_as_of", "as-of price from history")):
        q = query[name]
        print(f"  {label:26} median {q['median_ms']:6.2f} ms, p95 {q['p95_ms']:6.2f} ms, first {q['first_ms']:6.2f} ms"
              + (f"   target <= 50 ms: {ok(q['median_ms'] <= 50)}" if name == "latest_one_model" else ""))
    print(f"  read-only connect  {query['connect_ms']:6.1f} ms")
    for r in (gen, build, query):
        print("  json " + json.dumps(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
