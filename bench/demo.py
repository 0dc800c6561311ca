"""Demo benchmark: wall time of `tokenprices demo` split by stage, Dagster's overhead, and unchanged re-runs.

    python bench/demo.py

What it does (all in a temp dir, with a throw-away DAGSTER_HOME, so the runs are recorded and can be read back):

1. ``tokenprices demo`` (a fresh process, as a user runs it) on an empty warehouse; the imports are warm (bytecode
   compiled, files in the OS cache) because a first short process imported everything.
2. The stage split, from the runs' event logs: fetch/replay (``raw/page_snapshots`` steps), parse (the parsers
   alone, timed on the same captures), load (``staging/price_quotes`` minus parse: normalising, drift guards,
   DuckDB writes; plus the dataset importers), history (every ``marts/*`` step), forecast (every
   ``forecasts/*`` step), Dagster's overhead inside runs (run time minus step time), and the process overhead
   (imports, the summary, between runs).
3. ``tokenprices demo`` again on the same warehouse (nothing changed): wall time and rows added per table.
4. ``tokenprices backfill`` of the latest capture day again (the nightly case with nothing new): wall time and
   rows added.
5. ``tokenprices demo --force`` (everything replayed and rebuilt although nothing changed): wall time.

Prints figures and one JSON line; asserts nothing. Budget (issue #14): demo <= 40 s warm; unchanged re-run <= 10 s
with 0 new rows.
"""

from __future__ import annotations

import json
import re
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CLI = [sys.executable, "-m", "pipelines.cli.main"]


def _env(tmp: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOKENPRICES_")}
    return {**env, "DAGSTER_HOME": str(tmp / "home"), "TOKENPRICES_WAREHOUSE": str(tmp / "w.duckdb"),
            "TOKENPRICES_DATA_DIR": str(tmp / "data")}


def _timed(cmd: list[str], env: dict) -> tuple[float, subprocess.CompletedProcess]:
    t = time.perf_counter()
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    secs = time.perf_counter() - t
    if out.returncode != 0:
        print(out.stdout[-2000:], out.stderr[-2000:], file=sys.stderr)
    return secs, out


def _counts(db: Path) -> dict[str, int]:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        tables = [f"{s}.{t}" for s, t in con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables ORDER BY 1, 2").fetchall()]
        return {t: con.table(t).aggregate("count(*)").fetchall()[0][0] for t in tables}


def _step_times(home: Path, since: float) -> tuple[dict[str, float], float, int, dict[str, set]]:
    """(seconds per step key summed over runs, seconds of all runs, number of runs, step key -> asset keys it
    materialized) for runs started after ``since`` (epoch seconds) in the instance at ``home``."""
    import dagster as dg

    os.environ["DAGSTER_HOME"] = str(home)
    instance = dg.DagsterInstance.get()
    steps: dict[str, float] = defaultdict(float)
    assets: dict[str, set] = defaultdict(set)
    run_total, n_runs = 0.0, 0
    for record in instance.get_run_records():
        if not record.start_time or record.start_time < since or not record.end_time:
            continue
        n_runs += 1
        run_total += record.end_time - record.start_time
        started: dict[str, float] = {}
        for r in instance.get_records_for_run(record.dagster_run.run_id).records:
            ev = r.event_log_entry.dagster_event
            if ev is None or not ev.step_key:
                continue
            if ev.event_type_value == "ASSET_MATERIALIZATION":
                assets[ev.step_key].add(ev.asset_key.to_user_string())
            elif ev.event_type_value == "STEP_START":
                started[ev.step_key] = r.event_log_entry.timestamp
            elif ev.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and ev.step_key in started:
                steps[ev.step_key] += r.event_log_entry.timestamp - started.pop(ev.step_key)
    return dict(steps), run_total, n_runs, dict(assets)


def _stage(step_assets: set) -> str:
    """The benchmark stage of a step, from the layer of the assets it materialized."""
    layers = {a.split("/")[0] for a in step_assets}
    if "staging/price_quotes" in step_assets:
        return "load"
    if layers == {"raw"}:
        return "fetch/replay"
    if layers == {"staging"}:
        return "load (dataset importers)"
    if layers == {"marts"}:
        return "history (marts)"
    if layers == {"forecasts"}:
        return "forecast"
    return f"other ({', '.join(sorted(step_assets)) or 'no asset'})"


def _parse_seconds() -> tuple[float, int]:
    """Seconds the parsers alone take on every capture the demo replays (median of 3 per capture), and how many."""
    import statistics

    from pipelines.sources.fetch import ReplayFetcher
    from pipelines.sources.registry import SOURCES

    pages = ROOT / "seed" / "pages"
    fetcher = ReplayFetcher(pages)
    total, n = 0.0, 0
    for source in SOURCES.values():
        for cap in fetcher.captures_for(source):
            body = (pages / cap.file).read_bytes()
            times = []
            for _ in range(3):
                t = time.perf_counter()
                source.read(body, cap.url)
                times.append(time.perf_counter() - t)
            total += statistics.median(times)
            n += 1
    return total, n


def main() -> int:
    # warm: the project's bytecode compiled (as `make venv` does) and the files in the OS cache
    subprocess.run([sys.executable, "-m", "compileall", "-q", "pipelines", "assets"], cwd=ROOT, check=True)
    subprocess.run([sys.executable, "-c", "import pipelines.definitions, pipelines.cli.main"], cwd=ROOT, check=True)
    tmp = Path(tempfile.mkdtemp(prefix="tokenprices-bench-"))
    try:
        (tmp / "home").mkdir()
        shutil.copy(ROOT / "dagster.yaml", tmp / "home" / "dagster.yaml")
        env = _env(tmp)
        t0 = time.time()
        wall, out = _timed([*CLI, "demo"], env)
        if out.returncode != 0:
            return 1
        first_counts = _counts(tmp / "w.duckdb")
        steps, runs_s, n_runs, step_assets = _step_times(tmp / "home", t0)
        parse_s, n_caps = _parse_seconds()

        by_stage = defaultdict(float)
        for key, secs in steps.items():
            by_stage[_stage(step_assets.get(key, set()))] += secs
        by_stage["parse (parsers alone)"] = parse_s
        by_stage["load"] = max(0.0, by_stage["load"] - parse_s)
        step_total = sum(steps.values())
        by_stage["Dagster overhead in runs"] = runs_s - step_total
        by_stage["process (imports, summary, between runs)"] = wall - runs_s

        t1 = time.time()
        wall2, out2 = _timed([*CLI, "demo"], env)
        second_counts = _counts(tmp / "w.duckdb")
        added = {t: second_counts[t] - first_counts.get(t, 0) for t in second_counts
                 if second_counts[t] != first_counts.get(t, 0)}
        _, runs2_s, _, _ = _step_times(tmp / "home", t1)

        last_day = "2026-08-19"
        wall3, out3 = _timed([*CLI, "backfill", "--from", last_day, "--to", last_day], env)
        third_counts = _counts(tmp / "w.duckdb")
        added3 = {t: third_counts[t] - second_counts.get(t, 0) for t in third_counts
                  if third_counts[t] != second_counts.get(t, 0)}
        wall4, out4 = _timed([*CLI, "backfill", "--from", last_day, "--to", last_day, "--no-warehouse"], env)
        wall5, out5 = _timed([*CLI, "demo", "--force"], env)
        fifth_counts = _counts(tmp / "w.duckdb")
        added5 = {t: fifth_counts[t] - third_counts.get(t, 0) for t in fifth_counts
                  if fifth_counts[t] != third_counts.get(t, 0)}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    ok = lambda cond: "ok" if cond else "MISS"  # noqa: E731
    days = sum(1 for ln in out.stdout.splitlines() if re.match(r"\s*\[\d+/\d+\] \d{4}-\d\d-\d\d ok:", ln))
    print(f"demo (fresh warehouse, warm imports): {wall:.1f} s wall for {days} capture days + warehouse_job "
          f"({n_runs} Dagster runs)   budget <= 40 s: {ok(wall <= 40)}")
    for stage in ("fetch/replay", "parse (parsers alone)", "load", "load (dataset importers)", "history (marts)",
                  "forecast", "Dagster overhead in runs", "process (imports, summary, between runs)"):
        print(f"  {stage:42} {by_stage.get(stage, 0.0):6.1f} s  {100 * by_stage.get(stage, 0.0) / wall:5.1f}%")
    for stage, secs in by_stage.items():
        if stage.startswith("other"):
            print(f"  {stage:42} {secs:6.1f} s")
    slow = sorted(steps.items(), key=lambda kv: -kv[1])[:6]
    print("  slowest steps (summed over runs): " + ", ".join(f"{k} {v:.1f}s" for k, v in slow))
    print(f"  parse: {n_caps} captures, {parse_s:.2f} s in the parsers")
    print(f"unchanged re-run of the demo: {wall2:.1f} s wall (runs {runs2_s:.1f} s); rows added: "
          f"{added or 'none'}   target <= 10 s and 0 rows: {ok(wall2 <= 10 and not added)}")
    data_added = {t: n for t, n in added.items() if t != "staging.parse_runs"}
    if added and not data_added:
        print("  (only the parse log staging.parse_runs grows: one row per parse, by design; data tables add 0 rows)")
    print(f"unchanged nightly (backfill of {last_day} again + warehouse_job): {wall3:.1f} s; rows added: {added3 or 'none'}"
          f"   target <= 10 s: {ok(wall3 <= 10)}")
    print(f"unchanged nightly scrape only (--no-warehouse): {wall4:.1f} s")
    skipped = sum(1 for ln in out2.stdout.splitlines() if "skipped" in ln)
    print(f"  (the unchanged runs skip work whose inputs and code did not change: {skipped} skip lines in the re-run)")
    print(f"forced re-run (demo --force: every day replayed, every mart rebuilt): {wall5:.1f} s; rows added: "
          f"{ {t: n for t, n in added5.items() if t != 'staging.parse_runs'} or 'none'} in data tables")
    print("json " + json.dumps({"demo_wall_s": round(wall, 2), "stages_s": {k: round(v, 2) for k, v in by_stage.items()},
                                "rerun_wall_s": round(wall2, 2), "rerun_rows_added": added,
                                "nightly_unchanged_wall_s": round(wall3, 2), "nightly_rows_added": added3,
                                "nightly_scrape_only_s": round(wall4, 2), "forced_rerun_wall_s": round(wall5, 2),
                                "parse_s": round(parse_s, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
