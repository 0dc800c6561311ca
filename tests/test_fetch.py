"""Replay fetcher over the bundled archive (live fetching: test_fetch_live.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from pipelines.sources.fetch import ReplayFetcher
from pipelines.sources.registry import SOURCES
from tests.conftest import PAGES


def test_replay_serves_captures_of_that_day_with_capture_date():
    f = ReplayFetcher(PAGES)
    [r] = f.fetch(SOURCES["anthropic_pricing"], dt.date(2026, 4, 26))
    assert r.observed_at == dt.datetime(2026, 4, 26, tzinfo=dt.UTC)
    assert r.body == (PAGES / "anthropic/2026-04-26_platform-claude-docs-pricing.html").read_bytes()
    assert r.mode == "replay" and r.content_type == "text/html"
    assert f.fetch(SOURCES["anthropic_pricing"], dt.date(2026, 4, 27)) == []


def test_replay_days_skip_estimated_dates_unless_asked():
    sources = list(SOURCES.values())
    # the dated captures of seed/pages/manifest.csv (2024 text renderings, 2025 Markdown, 2026 HTML, ...)
    assert ReplayFetcher(PAGES).capture_dates(sources) == [
        dt.date(2024, 4, 1), dt.date(2025, 10, 15), dt.date(2025, 11, 3), dt.date(2025, 12, 13),
        dt.date(2025, 12, 20), dt.date(2026, 2, 27), dt.date(2026, 4, 26), dt.date(2026, 4, 27),
        dt.date(2026, 6, 11), dt.date(2026, 6, 12), dt.date(2026, 7, 27), dt.date(2026, 8, 19),
    ]
    assert dt.date(2026, 8, 31) in ReplayFetcher(PAGES, include_estimated=True).capture_dates(sources)


def test_replay_without_manifest_names_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="manifest.csv"):
        ReplayFetcher(tmp_path)
