"""The one way to write: pipelines.warehouse.insert / replace / transaction on a real warehouse schema.

The row is DeepSeek's deepseek-chat input price as its pricing page stated it on 2025-12-20 ($0.28 / 1M tokens,
seed/pages capture)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines import warehouse

DAY = dt.date(2025, 12, 20)
ROW = {"observed_at": dt.datetime(2025, 12, 20, tzinfo=dt.UTC), "source": "deepseek_pricing",
       "provider": "deepseek", "model": "deepseek-chat", "model_name": "deepseek-chat", "price_kind": "input",
       "service_tier": "standard", "tier_min_tokens": 0, "region": "global",
       "usd_per_mtok": Decimal("0.28"), "original_amount": Decimal("0.28"), "original_currency": "USD",
       "original_unit": "per 1M tokens", "fx_rate": Decimal(1), "fx_date": dt.date(2025, 12, 20),
       "conditions": None, "source_url": "https://api-docs.deepseek.com/quick_start/pricing",
       "snapshot_sha256": "a" * 64, "location": "table 0 row 1"}


def _small_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    warehouse.ensure_schema(con)
    warehouse.insert(con, "staging.price_quotes", [ROW], partition_date=DAY)
    return con


def _quotes(con) -> list[tuple]:
    return con.execute("""SELECT partition_date, source, price_kind, usd_per_mtok FROM staging.price_quotes
                          ORDER BY ALL""").fetchall()


# moved from tests/test_incremental.py (warehouse.insert_rows -> warehouse.insert): assertions unchanged
def test_insert_rows_keeps_decimals_exact_and_times_in_utc(tmp_path):
    con = _small_warehouse(tmp_path / "w.duckdb")
    got = con.execute("SELECT usd_per_mtok, observed_at, partition_date, conditions FROM staging.price_quotes").fetchall()
    assert got == [(Decimal("0.280000000000"), dt.datetime(2025, 12, 20, 0, 0), dt.date(2025, 12, 20), None)]
    # an aware time in another zone is stored as its UTC instant
    cet = dt.timezone(dt.timedelta(hours=1))
    cur = con.execute("SELECT * FROM staging.price_quotes")
    row = dict(zip([d[0] for d in cur.description], cur.fetchall()[0]))
    row |= {"observed_at": dt.datetime(2025, 12, 21, 0, 30, tzinfo=cet), "usd_per_mtok": Decimal("0.123456789012"),
            "original_amount": Decimal("2"), "fx_rate": Decimal("7.123456789012345678")}
    del row["partition_date"]
    assert warehouse.insert(con, "staging.price_quotes", [row], partition_date=dt.date(2025, 12, 21)) == 1
    assert con.execute("""SELECT observed_at, usd_per_mtok, fx_rate FROM staging.price_quotes
                          WHERE partition_date = DATE '2025-12-21'""").fetchall() == [
        (dt.datetime(2025, 12, 20, 23, 30), Decimal("0.123456789012"), Decimal("7.123456789012345678"))]
    assert warehouse.insert(con, "staging.price_quotes", []) == 0
    del row["location"]
    with pytest.raises(duckdb.BinderException, match="location"):
        warehouse.insert(con, "staging.price_quotes", [row], partition_date=dt.date(2025, 12, 22))


def test_replace_rewrites_only_its_partition_and_is_idempotent(tmp_path):
    con = _small_warehouse(tmp_path / "w.duckdb")
    other = {**ROW, "source": "deepseek_pricing_cn"}
    warehouse.insert(con, "staging.price_quotes", [other], partition_date=DAY)
    out = {**ROW, "price_kind": "output", "usd_per_mtok": Decimal("0.42"), "original_amount": Decimal("0.42")}
    part = {"partition_date": DAY, "source": "deepseek_pricing"}
    for _ in range(2):  # a re-run of the partition adds no duplicate
        assert warehouse.replace(con, "staging.price_quotes", [ROW, out], part) == 2
    assert _quotes(con) == [(DAY, "deepseek_pricing", "input", Decimal("0.280000000000")),
                            (DAY, "deepseek_pricing", "output", Decimal("0.420000000000")),
                            (DAY, "deepseek_pricing_cn", "input", Decimal("0.280000000000"))]
    # no rows: the partition is emptied, the other source's rows stay
    assert warehouse.replace(con, "staging.price_quotes", [], part) == 0
    assert _quotes(con) == [(DAY, "deepseek_pricing_cn", "input", Decimal("0.280000000000"))]
    # a list value: any of its values
    warehouse.replace(con, "staging.price_quotes", [], {"source": ["deepseek_pricing_cn", "nobody"]})
    assert _quotes(con) == []


def test_replace_rolls_back_when_the_insert_fails(tmp_path):
    con = _small_warehouse(tmp_path / "w.duckdb")
    bad = {k: v for k, v in ROW.items() if k != "location"}
    with pytest.raises(duckdb.BinderException, match="location"):
        warehouse.replace(con, "staging.price_quotes", [bad], {"partition_date": DAY, "source": ROW["source"]})
    assert _quotes(con) == [(DAY, "deepseek_pricing", "input", Decimal("0.280000000000"))]  # the delete undone
    # an outer transaction takes the inner writes with it
    with pytest.raises(RuntimeError):
        with warehouse.transaction(con):
            warehouse.replace(con, "staging.price_quotes", [], {"source": ROW["source"]})
            assert _quotes(con) == []
            raise RuntimeError("stop")
    assert len(_quotes(con)) == 1
    con.execute("SELECT 1")  # the connection is usable: no transaction left open
    with warehouse.transaction(con):
        pass


def test_replace_by_keys_of_the_new_rows(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    warehouse.ensure_schema(con)
    row = {"series": "matched_model_blended", "month": dt.date(2026, 8, 1), "yhat": 90.0, "lo80": 85.0, "hi80": 95.0,
           "lo95": 80.0, "hi95": 99.0, "model": "drift", "run_id": "r1", "made_at": dt.datetime(2026, 8, 2)}
    first = pd.DataFrame([{**row, "origin_month": dt.date(2026, 7, 1)},
                          {**row, "origin_month": dt.date(2026, 6, 1), "month": dt.date(2026, 7, 1)}])
    warehouse.replace(con, "forecasts.forecast_archive", first, keys=("series", "origin_month"))
    again = pd.DataFrame([{**row, "origin_month": pd.Timestamp(2026, 7, 1), "yhat": 91.0, "run_id": "r2"}])
    warehouse.replace(con, "forecasts.forecast_archive", again, keys=("series", "origin_month"))
    assert con.execute("SELECT origin_month, yhat, run_id FROM forecasts.forecast_archive ORDER BY 1").fetchall() == [
        (dt.date(2026, 6, 1), 90.0, "r1"), (dt.date(2026, 7, 1), 91.0, "r2")]
    with pytest.raises(ValueError, match="no column origin"):
        warehouse.replace(con, "forecasts.forecast_archive", again, {"origin": 1})
    with pytest.raises(ValueError, match="no table"):
        warehouse.replace(con, "forecasts.no_such_table", again)
