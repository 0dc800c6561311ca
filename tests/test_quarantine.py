"""LiteLLM's price map carries known bad rows (wandb/* at 10^6x): they go to staging.quarantine with their reason,
the rest of the map loads, and the source's check passes."""

from __future__ import annotations

import shutil
from decimal import Decimal

import dagster as dg
import duckdb

from assets import raw, staging
from tests.conftest import ROOT, replay_resources

MAP = ROOT / "seed" / "litellm_price_history" / "model_prices_latest.json"
URL = "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"


def test_bad_rows_of_a_multi_seller_map_are_quarantined(tmp_path):
    arch = tmp_path / "archive"
    arch.mkdir()
    shutil.copy(MAP, arch / "litellm.json")
    # the snapshot's own date (README: newest snapshot 2026-07-24 18:23 UTC)
    (arch / "manifest.csv").write_text(
        "file,provider,url,captured_on,date_is_estimate,kind\n"
        f"litellm.json,litellm,{URL},2026-07-24,false,dataset json\n"
    )
    db = tmp_path / "w.duckdb"
    res = dg.materialize(
        [raw.page_snapshots, staging.price_quotes],
        partition_key="2026-07-24",
        resources=replay_resources(db, tmp_path / "d", archive=arch),
    )
    assert res.success
    with duckdb.connect(str(db), read_only=True) as con:
        held = con.execute(
            "SELECT provider, model, price_kind, usd_per_mtok, reason FROM staging.quarantine ORDER BY ALL"
        ).fetchall()
        assert held and {h[0] for h in held} == {"wandb"}
        row = next(h[1:] for h in held if h[1] == "deepseek-ai/DeepSeek-R1-0528" and h[2] == "input")
        # README: wandb/deepseek-ai/DeepSeek-R1-0528 input 0.135 USD per token = 135,000 USD per 1M tokens
        assert row[2] == 135000 and "implausible" in row[3]
        loaded = con.execute(
            """SELECT usd_per_mtok FROM staging.price_quotes WHERE provider = 'openai' AND model = 'gpt-4o'
               AND price_kind = 'input' AND service_tier = 'standard' AND tier_min_tokens = 0"""
        ).fetchall()
        assert [x[0] for x in loaded] == [Decimal("2.5")]
        assert con.execute(
            "SELECT count(*) FROM staging.price_quotes WHERE provider = 'wandb' AND usd_per_mtok > 10000"
        ).fetchone()[0] == 0
