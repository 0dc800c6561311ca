"""Every bundled capture parses through the source its URL names (the `tokenprices parse` contract)."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys

import pytest

from pipelines.sources.fetch import read_manifest
from pipelines.history.normalise import quote_rows, unit_price_rows
from pipelines.sources.registry import source_for_url
from tests.conftest import PAGES, ROOT

CAPTURES = read_manifest(PAGES)


@pytest.mark.parametrize("capture", CAPTURES, ids=[c.file for c in CAPTURES])
def test_capture_parses_into_quotes(capture):
    source = source_for_url(capture.url)
    body = (PAGES / capture.file).read_bytes()
    prices = source.read(body, capture.url).prices
    at = dt.datetime.combine(capture.captured_on, dt.time(), tzinfo=dt.UTC)
    sha = hashlib.sha256(body).hexdigest()
    quotes = quote_rows(prices, source=source.name, source_url=capture.url, observed_at=at, snapshot_sha256=sha)
    units = unit_price_rows(prices, source=source.name, source_url=capture.url, observed_at=at, snapshot_sha256=sha)
    assert quotes, f"{capture.file}: no token quotes"
    assert len(quotes) + len(units) == len(prices)
    assert {q["provider"] for q in quotes} <= {source.provider} or source.provider == "litellm"
    keys = [(q["provider"], q["model"], q["price_kind"], q["service_tier"], q["tier_min_tokens"], q["region"],
             q["original_currency"], q["conditions"]) for q in quotes]
    assert len(keys) == len(set(keys)), f"{capture.file}: the same price key twice"


def test_cli_parse_every_capture_exits_zero():
    """One process for all captures would hide a crash in the CLI layer: run the real command on each."""
    failures = []
    for c in CAPTURES:
        out = subprocess.run(
            [sys.executable, "-m", "pipelines.cli.main", "parse", str(PAGES / c.file), "--url", c.url,
             "--observed-at", c.captured_on.isoformat()],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )
        if out.returncode != 0 or not out.stdout.strip():
            failures.append(f"{c.file}: rc={out.returncode} {out.stderr[-300:]}")
    assert not failures, "\n".join(failures)
