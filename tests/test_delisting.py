"""Delisting needs a model absent from several consecutive good snapshots; one missing day is not a delisting."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import duckdb

from tests.conftest import PAGES
from tests.test_checks import GEMINI, _archive_days, _run

GOOD = (PAGES / GEMINI).read_bytes()


def _without_model(model_anchor: bytes) -> tuple[bytes, str]:
    """The real page with one model's section (its <h2> up to the next model's <h2>) removed."""
    starts = [i for i in range(len(GOOD)) if GOOD.startswith(b'<h2 id="gemini', i)]
    k = next(j for j, i in enumerate(starts) if GOOD.startswith(model_anchor, i))
    return GOOD[: starts[k]] + GOOD[starts[k + 1]:], model_anchor.decode()


def test_one_missing_day_is_not_a_delisting_three_are(tmp_path):
    page, _ = _without_model(b'<h2 id="gemini-2.0-flash-lite"')
    days = {
        "d1.html": ("2026-05-01", GOOD),
        "d2.html": ("2026-05-02", page),   # missing once
        "d3.html": ("2026-05-03", GOOD),
        "d4.html": ("2026-05-04", page),   # then missing three times in a row
        "d5.html": ("2026-05-05", page),
        "d6.html": ("2026-05-06", page),
    }
    arch = _archive_days(tmp_path, days)
    db, data, instance = tmp_path / "w.duckdb", tmp_path / "d", dg.DagsterInstance.ephemeral()
    for i, (day, _) in enumerate(sorted(days.values())):
        assert _run(arch, db, data, instance, day, with_marts=(i == len(days) - 1)).success
    with duckdb.connect(str(db), read_only=True) as con:
        runs = con.execute(
            """SELECT valid_from, valid_to, usd_per_mtok FROM marts.price_history WHERE provider = 'google'
               AND model = 'gemini-2.0-flash-lite' AND price_kind = 'input' AND service_tier = 'standard'
               AND tier_min_tokens = 0"""
        ).fetchall()
        # one run from day 1, not broken by day 2's absence, ended on day 4
        assert [(a, b) for a, b, _ in runs] == [(dt.date(2026, 5, 1), dt.date(2026, 5, 4))]
        delisted = con.execute(
            "SELECT model, last_seen, delisted_at, absent_observations, relisted_at FROM marts.model_delistings"
        ).fetchall()
        assert delisted == [("gemini-2.0-flash-lite", dt.date(2026, 5, 3), dt.date(2026, 5, 4), 3, None)]
        assert con.execute(
            "SELECT count(*) FROM marts.price_changes WHERE model = 'gemini-2.0-flash-lite'"
        ).fetchone()[0] == 0
