"""Simon Willison's llm-prices importer, on a trimmed excerpt (tests/fixtures/llm_prices_simonw, commit 723ef0bd)
and, when present, on the full dataset folder (shared/data/llm_prices_simonw)."""

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.history.importers import simonw
from pipelines.history.importers.simonw import read_runs

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "llm_prices_simonw"
FULL = ROOT.parent / "shared" / "data" / "llm_prices_simonw"
D = dt.date
COMMIT = "723ef0bd3a6254436e9fe8d7f05d4d787e99f4c5"


def table_columns(table: str) -> list[str]:
    sql = (ROOT / "warehouse" / "sql" / "schema.sql").read_text()
    body = re.search(rf"CREATE TABLE IF NOT EXISTS {re.escape(table)} \((.*?)\n\);", sql, re.S).group(1)
    return [line.split()[0] for line in body.splitlines() if line.strip() and not line.strip().startswith("--")]


@pytest.fixture(scope="module")
def rows():
    return read_runs(FIXTURE)


def runs(rows, provider, model, kind, min_tokens=0):
    return sorted(
        (r["valid_from"], r["valid_to"], r["usd_per_mtok"])
        for r in rows
        if (r["provider"], r["model"], r["price_kind"], r["tier_min_tokens"]) == (provider, model, kind, min_tokens)
    )


def test_module_contract(rows):
    assert simonw.SOURCE == "simonw_llm_prices"
    assert simonw.DATASET_URL.startswith("https://github.com/simonw/llm-prices")
    assert simonw.__doc__ and "licence" in simonw.__doc__.lower()
    cols = table_columns("staging.imported_price_runs")
    for r in rows:
        assert list(r) == cols
        assert type(r["usd_per_mtok"]) is Decimal and type(r["original_amount"]) is Decimal
        assert type(r["valid_from"]) is dt.date and (r["valid_to"] is None or r["valid_to"] > r["valid_from"])
        assert (r["source"], r["service_tier"], r["region"], r["currency"], r["original_unit"]) == (
            "simonw_llm_prices", "standard", "global", "USD", "per 1M tokens")
        assert r["source_ref"] == COMMIT
    gpt = next(r for r in rows if r["model"] == "gpt-4o")
    assert gpt["source_url"] == f"https://github.com/simonw/llm-prices/blob/{COMMIT}/data/openai.json"


def test_unordered_history_deepseek_chat(rows):
    # listed newest first: {0.27, 1.1, from 2025-02-08}, then {0.14, 0.28, until 2025-02-08, from null}
    assert runs(rows, "deepseek", "deepseek-chat", "input") == [(D(2025, 2, 7), D(2025, 2, 8), Decimal("0.14")),
                                                                (D(2025, 2, 8), None, Decimal("0.27"))]
    assert runs(rows, "deepseek", "deepseek-chat", "output") == [(D(2025, 2, 7), D(2025, 2, 8), Decimal("0.28")),
                                                                 (D(2025, 2, 8), None, Decimal("1.1"))]
    assert runs(rows, "deepseek", "deepseek-chat", "cache_read") == []  # input_cached null: no row


def test_several_entries_gpt_5_6_luna_with_long_context_tier(rows):
    # open start, ended 2026-07-30 (before the dataset date 2026-08-06): the day before the change
    assert runs(rows, "openai", "gpt-5.6-luna", "input") == [(D(2026, 7, 29), D(2026, 7, 30), Decimal("1.0")),
                                                             (D(2026, 7, 30), None, Decimal("0.2"))]
    assert runs(rows, "openai", "gpt-5.6-luna", "output") == [(D(2026, 7, 29), D(2026, 7, 30), Decimal("6.0")),
                                                              (D(2026, 7, 30), None, Decimal("1.2"))]
    assert runs(rows, "openai", "gpt-5.6-luna", "cache_read") == [(D(2026, 7, 29), D(2026, 7, 30), Decimal("0.1")),
                                                                  (D(2026, 7, 30), None, Decimal("0.02"))]
    # "gpt-5.6-luna-272k" / "GPT-5.6 Luna >272k" is the same model's long-context tier
    assert runs(rows, "openai", "gpt-5.6-luna", "input", 272000) == [
        (D(2026, 7, 29), D(2026, 7, 30), Decimal("2.0")), (D(2026, 7, 30), None, Decimal("0.4"))]
    assert runs(rows, "openai", "gpt-5.6-luna", "output", 272000) == [
        (D(2026, 7, 29), D(2026, 7, 30), Decimal("9.0")), (D(2026, 7, 30), None, Decimal("1.8"))]
    assert not [r for r in rows if r["model"] == "gpt-5.6-luna-272k"]
    assert {r["source_key"] for r in rows if r["model"] == "gpt-5.6-luna"} == {"openai|gpt-5.6-luna"}


def test_future_change_and_current_prices(rows):
    # intro price from the dataset date until the announced 2026-09-01 price (future valid_from, emitted)
    assert runs(rows, "anthropic", "claude-sonnet-5", "input") == [(D(2026, 8, 6), D(2026, 9, 1), Decimal(2)),
                                                                   (D(2026, 9, 1), None, Decimal(3))]
    assert runs(rows, "anthropic", "claude-sonnet-5", "output") == [(D(2026, 8, 6), D(2026, 9, 1), Decimal(10)),
                                                                    (D(2026, 9, 1), None, Decimal(15))]
    # both dates null: current price, known from the dataset date
    assert runs(rows, "openai", "gpt-4o", "cache_read") == [(D(2026, 8, 6), None, Decimal("1.25"))]
    assert runs(rows, "anthropic", "claude-sonnet-4.5", "output", 200000) == [(D(2026, 8, 6), None, Decimal("22.5"))]


def test_vendor_mapping_and_duplicate_id(rows):
    assert runs(rows, "moonshot", "kimi-k2-thinking", "cache_read") == [(D(2026, 8, 6), None, Decimal("0.15"))]
    assert {r["provider"] for r in rows} == {"anthropic", "deepseek", "moonshot", "openai", "xai"}
    # grok-4-fast is listed twice with the same prices: read once; grok-4-fast-128k is its >128k tier
    assert runs(rows, "xai", "grok-4-fast", "input") == [(D(2026, 8, 6), None, Decimal("0.2"))]
    assert runs(rows, "xai", "grok-4-fast", "input", 128000) == [(D(2026, 8, 6), None, Decimal("0.40"))]
    assert len(rows) == 38


def write_vendor(tmp_path, vendor, models):
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / f"{vendor}.json").write_text(json.dumps({"vendor": vendor, "models": models}))
    return tmp_path


def entry(**kw):
    return {"input": 1, "output": 2, "input_cached": None, "from_date": None, "to_date": None} | kw


def test_missing_dataset(tmp_path):
    with pytest.raises(FileNotFoundError, match=str(tmp_path / "data")):
        read_runs(tmp_path)


@pytest.mark.parametrize(
    "models, message",
    [
        ([{"id": "m1", "name": "M1", "price_history": [entry(input="free")]}], "acme/m1 input: not a number"),
        ([{"id": "m1", "name": "M1", "price_history": [entry(output=-2)]}], "acme/m1 output: not a price"),
        ([{"id": "m1", "name": "M1", "price_history": [entry(from_date="2025-13-01")]}], "acme/m1 from_date"),
        ([{"id": "m1", "name": "M1", "price_history": [entry(from_date="2025-02-02", to_date="2025-02-01")]}],
         "acme/m1: from_date"),
        ([{"id": "m1", "name": "M1", "price_history": [entry(), entry(from_date="2025-01-01")]}], "acme/m1: overlap"),
        ([{"id": "m1", "name": "M1", "price_history": [entry()]},
          {"id": "m1", "name": "M1 again", "price_history": [entry(input=3)]}], "acme/m1: duplicate id"),
    ],
)
def test_bad_values_name_the_entry(tmp_path, models, message):
    with pytest.raises(ValueError, match=message):
        read_runs(write_vendor(tmp_path, "acme", models))


def test_unchanged_value_across_entries_is_one_run(tmp_path):
    path = write_vendor(tmp_path, "acme", [{"id": "m1", "name": "M1", "price_history": [
        entry(input=1, output=2, to_date="2025-03-01"), entry(input=1, output=1.5, from_date="2025-03-01")]}])
    rows = read_runs(path, as_of=D(2025, 6, 1), commit="c0ffee")
    assert runs(rows, "acme", "m1", "input") == [(D(2025, 2, 28), None, Decimal(1))]
    assert runs(rows, "acme", "m1", "output") == [(D(2025, 2, 28), D(2025, 3, 1), Decimal(2)),
                                                  (D(2025, 3, 1), None, Decimal("1.5"))]


def test_full_shared_dataset():
    if not (FULL / "data").is_dir():
        pytest.skip(f"full llm-prices dataset not present at {FULL}")
    rows = read_runs(FULL)
    assert len(rows) == 374
    assert {r["provider"] for r in rows} == {"anthropic", "deepseek", "google", "meta", "minimax", "mistral",
                                             "moonshot", "openai", "alibaba", "xai", "bedrock"}
    assert runs(rows, "openai", "gpt-5.6-terra", "input") == [(D(2026, 7, 29), D(2026, 7, 30), Decimal("2.5")),
                                                              (D(2026, 7, 30), None, Decimal(2))]
    assert runs(rows, "openai", "o1-pro", "output") == [(D(2026, 8, 6), None, Decimal(600))]
    assert runs(rows, "alibaba", "qwen3.6-plus", "output", 256000) == [(D(2026, 8, 6), None, Decimal(6))]
    assert runs(rows, "google", "gemini-1.5-flash-8b", "input", 128000) == [(D(2026, 8, 6), None, Decimal("0.075"))]
    keys = [(r["provider"], r["model"], r["price_kind"], r["tier_min_tokens"], r["valid_from"]) for r in rows]
    assert len(keys) == len(set(keys))


def test_rows_load_into_the_warehouse_table(rows):
    import duckdb

    from pipelines import warehouse

    con = duckdb.connect()
    warehouse.ensure_schema(con)
    con.executemany(
        """INSERT INTO staging.imported_price_runs VALUES ($source, $provider, $model, $source_key, $price_kind,
           $service_tier, $tier_min_tokens, $region, $currency, $usd_per_mtok, $original_amount, $original_unit,
           $valid_from, $valid_to, $source_url, $source_ref)""",
        rows,
    )
    back = con.execute("SELECT sum(usd_per_mtok), sum(original_amount), count(*) FROM staging.imported_price_runs")
    total_mtok, total_original, n = back.fetchone()
    assert n == len(rows)
    # exact decimals, up to the column scales (usd_per_mtok DECIMAL(38, 12), original_amount DECIMAL(38, 18))
    assert total_mtok == sum(r["usd_per_mtok"].quantize(Decimal("1e-12")) for r in rows)
    assert total_original == sum(r["original_amount"] for r in rows)
