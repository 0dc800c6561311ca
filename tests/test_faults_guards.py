"""Issue 15 (3): $0 and moves to or from zero do not pass the drift guards; the jump threshold on both sides.

Rows are the real quotes of bundled captures (DeepSeek, Z.ai, Zhipu), changed only in the value under test; the
end-to-end case replays a DeepSeek capture edited to $0 through the real pipeline.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import dagster as dg
import duckdb
import pytest

from pipelines.history import drift
from pipelines.history.normalise import quote_rows
from pipelines.sources.registry import SOURCES
from tests.conftest import PAGES
from tests.test_checks import _checks, _problems, _run

DEEPSEEK = "deepseek/2025-12-20_quick-start-pricing_en.md"
DEEPSEEK_URL = "https://api-docs.deepseek.com/quick_start/pricing"


def _rows(source: str, file: str, url: str, day: str) -> list[dict]:
    prices = SOURCES[source].read((PAGES / file).read_bytes(), url).prices
    at = dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC)
    return quote_rows(prices, source=source, source_url=url, observed_at=at, snapshot_sha256="0" * 64)


@pytest.fixture(scope="module")
def chat_input() -> dict:
    [r] = [r for r in _rows("deepseek_pricing", DEEPSEEK, DEEPSEEK_URL, "2025-12-20")
           if r["model"] == "deepseek-chat" and r["price_kind"] == "input"]
    assert r["usd_per_mtok"] == Decimal("0.28")  # "1M INPUT TOKENS (CACHE MISS)| $0.28"
    return r


def _with(r: dict, v) -> dict:
    return {**r, "usd_per_mtok": Decimal(v)}


def test_zero_without_the_page_saying_free_is_a_finding(chat_input):
    """Before: 0 passed (only negative and out-of-range values were findings)."""
    why = drift.row_problem(_with(chat_input, 0), {})
    assert why and "deepseek-chat input is 0 USD per 1M tokens but the page does not say it is free" in why


def test_negative_is_a_finding(chat_input):
    assert "implausible" in drift.row_problem(_with(chat_input, "-0.28"), {})


def test_zero_the_page_calls_free_is_accepted():
    zai = [r for r in _rows("zai_pricing", "zai/undated-dbfce0af_docs-z-ai-guides-overview-pricing.html",
                            "https://docs.z.ai/guides/overview/pricing", "2026-06-30")
           if r["model"] == "glm-4.7-flash"]
    assert {r["usd_per_mtok"] for r in zai} == {0} and all(r["location"].endswith("= 'Free'") for r in zai)
    zhipu = [r for r in _rows("zhipu_model_pages", "zhipu/2025-12-20_docs-bigmodel-guide-models-text-glm-4.md",
                              "https://docs.bigmodel.cn/cn/guide/models/text/glm-4.md", "2025-12-20")
             if r["usd_per_mtok"] == 0]
    assert zhipu and all("free model" in r["conditions"] for r in zhipu)
    assert [drift.row_problem(r, {}) for r in zai + zhipu] == [None] * (len(zai) + len(zhipu))


@pytest.mark.parametrize(("old", "new"), [("0", "13.90"), ("13.90", "0")])
def test_a_move_to_or_from_zero_is_a_finding(chat_input, old, new):
    """Before: the jump guard skipped zero, so 0 -> 13.90 the day after a $0 was accepted."""
    why = drift.row_problem(_with(chat_input, new), {drift.key(chat_input): Decimal(old)})
    assert why and "deepseek-chat input" in why


@pytest.mark.parametrize(("factor", "rejected"), [
    ("19.9", False), ("20", True), ("49.6", True),  # 49.6x passed the former 50x guard
])
def test_jump_threshold_on_both_sides(chat_input, factor, rejected):
    old = chat_input["usd_per_mtok"]
    for new in (old * Decimal(factor), old / Decimal(factor)):  # a rise and a cut by the same factor
        why = drift.row_problem(_with(chat_input, new), {drift.key(chat_input): old})
        assert (why is not None) is rejected, (factor, new, why)
        if rejected:
            assert f">= {drift.MAX_JUMP}x" in why
    assert drift.MAX_JUMP == 20


def test_deepseek_at_zero_fails_its_check_and_keeps_its_prices(tmp_path):
    """The fault pass: a DeepSeek capture at $0 replayed into latest_prices (0) and price_changes (-100%)."""
    good = (PAGES / DEEPSEEK).read_bytes()
    zero = good.replace(b"1M INPUT TOKENS (CACHE MISS)| $0.28", b"1M INPUT TOKENS (CACHE MISS)| $0", 1)
    assert zero != good
    arch = tmp_path / "archive"
    arch.mkdir()
    (arch / "d1.md").write_bytes(good)
    (arch / "d2.md").write_bytes(zero)
    (arch / "manifest.csv").write_text(
        "file,provider,url,captured_on,date_is_estimate,kind\n"
        f"d1.md,deepseek,{DEEPSEEK_URL},2025-12-20,false,crawler markdown\n"
        f"d2.md,deepseek,{DEEPSEEK_URL},2025-12-21,false,crawler markdown\n")
    db, data, instance = tmp_path / "w.duckdb", tmp_path / "d", dg.DagsterInstance.ephemeral()
    assert _run(arch, db, data, instance, "2025-12-20", with_marts=True).success
    latest = "SELECT usd_per_mtok FROM marts.latest_prices WHERE model = 'deepseek-chat' AND price_kind = 'input'"
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(latest).fetchall() == [(Decimal("0.28"),)]
    bad = _run(arch, db, data, instance, "2025-12-21", with_marts=True)
    assert _checks(bad)["deepseek_pricing_parsed"] is False
    assert any("deepseek-chat input is 0 USD per 1M tokens but the page does not say it is free" in p
               for p in _problems(bad, "deepseek_pricing_parsed"))
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(latest).fetchall() == [(Decimal("0.28"),)]
        assert con.execute("SELECT count(*) FROM marts.price_changes WHERE provider = 'deepseek'").fetchone()[0] == 0
