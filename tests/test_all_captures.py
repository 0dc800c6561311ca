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

# Captures bundled by issue 19 whose parser has not been converted yet on this branch: their parse is expected to
# fail (strict xfail: the test turns red the day it parses, so the entry must then be removed). The parsers land on
# the r1-reader (openai, anthropic), r2-live (mistral, xai, groq, moonshot) and r3-cn-fx (alibaba, volcengine)
# branches; this list is empty once they are all merged.
PENDING: dict[str, str] = {
}


def _param(c):
    marks = [pytest.mark.xfail(strict=True, reason=PENDING[c.file])] if c.file in PENDING else []
    return pytest.param(c, id=c.file, marks=marks)


@pytest.mark.parametrize("capture", [_param(c) for c in CAPTURES])
def test_capture_parses_into_quotes(capture):
    source = source_for_url(capture.url)
    body = (PAGES / capture.file).read_bytes()
    page = source.read(body, capture.url)
    prices = page.prices
    if source.plans:  # subscription and pack pages (issue 18): their content is plans, not token prices
        assert page.plans and not prices, f"{capture.file}: no plans"
        return
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


@pytest.mark.slow  # the CLI on every capture: left out of make test-fast
def test_cli_parse_every_capture_exits_zero(capsys):
    """`tokenprices parse` on every capture exits 0 and prints what it read: the real command's ``main`` per capture
    (its exit status and output, any exception counted as that capture's failure), and the first capture through a
    process of its own, so the installed entry point is exercised too (a process per capture cost ~100 s)."""
    from pipelines.cli.main import main

    captures = [c for c in CAPTURES if c.file not in PENDING]
    failures = []
    first = captures[0]
    out = subprocess.run(
        [sys.executable, "-m", "pipelines.cli.main", "parse", str(PAGES / first.file), "--url", first.url,
         "--observed-at", first.captured_on.isoformat()],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    if out.returncode != 0 or not out.stdout.strip():
        failures.append(f"{first.file}: rc={out.returncode} {out.stderr[-300:]}")
    for c in captures[1:]:
        try:
            rc = main(["parse", str(PAGES / c.file), "--url", c.url, "--observed-at", c.captured_on.isoformat()])
        except BaseException as exc:  # noqa: BLE001 - a crash (or SystemExit) is this capture's failure
            rc = f"{type(exc).__name__}: {exc}"
        got = capsys.readouterr()
        if rc not in (0, None) or not got.out.strip():
            failures.append(f"{c.file}: rc={rc} {got.err[-300:]}")
    assert not failures, "\n".join(failures)


def test_pending_captures_are_in_the_manifest():
    """PENDING names bundled captures only (a typo would silently xfail nothing)."""
    assert set(PENDING) <= {c.file for c in CAPTURES}
