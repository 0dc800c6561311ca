"""Work started ahead in the warm workers (pipelines.ahead): collected once, by key; computed here otherwise."""

from __future__ import annotations

import hashlib
import os
import time

import pytest

from pipelines import ahead
from pipelines.forecast import fit as forecast
from pipelines.config import ROOT
from pipelines.sources.fetch import read_manifest
from pipelines.sources.registry import SOURCES, parse_file, source_for_url

ARCHIVE = ROOT / "seed" / "pages"


@pytest.fixture
def warm(monkeypatch):
    """A warm pool for this test only (the flag is restored after it; the worker server stays up)."""
    monkeypatch.setattr(forecast, "_WARM", False)
    monkeypatch.setattr(ahead, "_FUTURES", {})
    assert not ahead.start(("pid",), os.getpid)  # nothing is started without a warm pool
    assert ahead.take(("pid",), os.getpid) == os.getpid()
    assert forecast.warm_pool()
    return ahead


def test_started_calls_are_collected_once_by_key(warm):
    assert warm.start(("pid",), os.getpid)
    assert not warm.start(("pid",), os.getpid)  # one call per key
    warm._FUTURES[("pid",)].result()  # let it run
    worker = warm.take(("pid",), os.getpid)
    assert worker != os.getpid()  # the worker's result
    assert warm.take(("pid",), os.getpid) == os.getpid()  # taken once: then computed here
    assert warm.take(None, os.getpid) == os.getpid()


def test_a_call_that_raised_or_has_not_begun_is_computed_here(warm):
    warm.start(("bad",), int, "x")
    assert isinstance(warm._FUTURES[("bad",)].exception(), ValueError)
    with pytest.raises(ValueError, match="invalid literal"):  # raised here, as without ahead work
        warm.take(("bad",), int, "x")
    # keep the workers busy and the pool's hand-over queue full (it takes one call more than there are workers,
    # and those count as running), then ask for a call still queued behind them: it is not waited for
    busy = [warm.start(("sleep", i), time.sleep, 0.5) for i in range(2 * forecast.default_workers() + 2)]
    warm.start(("queued",), os.getpid)
    time.sleep(0.3)
    assert all(busy) and warm.take(("queued",), os.getpid) == os.getpid()


def test_a_capture_parsed_ahead_equals_its_parse_here(warm):
    capture = next(c for c in read_manifest(ARCHIVE) if c.provider == "anthropic")
    path = ARCHIVE / capture.file
    name = source_for_url(capture.url).name
    body = path.read_bytes()
    key = warm.parse_key(name, hashlib.sha256(body).hexdigest(), capture.url)
    here = SOURCES[name].read(body, capture.url, offers=False)
    assert warm.start(key, parse_file, name, str(path), capture.url)
    warm._FUTURES[key].result()
    got = warm.take(key, lambda: pytest.fail("parsed here although it was parsed ahead"))
    assert got == here and len(got.prices) > 5


KILLED_PARENT = """
import os, sys, time
from pipelines.forecast import fit as forecast
assert forecast.warm_pool()
pool = forecast.ahead_pool()
workers = {pool.submit(os.getpid).result() for _ in range(4)}
server = pool.submit(os.getppid).result()
print(server, *sorted(workers), flush=True)
time.sleep(600)
"""


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as f:
            return any(line.split()[1:2] == ["Z"] for line in f if line.startswith("State:"))
    except FileNotFoundError:
        return True


def test_workers_and_their_server_end_when_the_parent_is_killed():
    """A command killed with SIGKILL (or by the OOM killer) leaves no pool worker or worker server behind."""
    import signal
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", KILLED_PARENT], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert len(pids) >= 2 and all(not _gone(p) for p in pids)  # the server and at least one worker, running
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not all(_gone(p) for p in pids):
        time.sleep(0.2)
    assert [p for p in pids if not _gone(p)] == []
