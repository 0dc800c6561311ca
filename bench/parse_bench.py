"""Benchmark: parse time per bundled capture, and the cost of the offline demo build.

Prints figures; asserts nothing. Run with ``make bench``.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

import dagster as dg

from pipelines.sources.fetch import ReplayFetcher
from pipelines.sources.registry import SOURCES

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "seed" / "pages"


def parse_figures(repeat: int = 5) -> None:
    fetcher = ReplayFetcher(PAGES)
    print(f"{'source':24} {'capture':58} {'KB':>7} {'quotes':>6} {'median ms':>9} {'peak MiB':>8}")
    for source in SOURCES.values():
        for cap in fetcher.captures_for(source):
            body = (PAGES / cap.file).read_bytes()
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                quotes = source.read(body, cap.url).prices
                times.append(time.perf_counter() - t)
            tracemalloc.start()
            source.read(body, cap.url)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(f"{source.name:24} {cap.file[:58]:58} {len(body) / 1024:7.0f} {len(quotes):6d} "
                  f"{statistics.median(times) * 1000:9.1f} {peak / 2**20:8.1f}")


def build_figures() -> None:
    import sys

    sys.path.insert(0, str(ROOT))
    from tests.conftest import build_warehouse

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        build_warehouse(Path(tmp) / "w.duckdb", Path(tmp) / "d", dg.DagsterInstance.ephemeral())
        first = time.perf_counter() - t
        t = time.perf_counter()
        build_warehouse(Path(tmp) / "w.duckdb", Path(tmp) / "d", dg.DagsterInstance.ephemeral())
        second = time.perf_counter() - t
        size = (Path(tmp) / "w.duckdb").stat().st_size
    print(f"\nfull offline build (in-process): {first:.1f}s first, {second:.1f}s re-run; DuckDB file {size / 2**20:.1f} MiB")


if __name__ == "__main__":
    parse_figures()
    build_figures()
