"""genai-prices importer, on the shipped copy of the feed (seed/genai_prices, commit 47df840a, 2026-08-21)."""

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.history.importers import genai_prices
from pipelines.history.importers.genai_prices import price_kind, read_runs

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seed" / "genai_prices"
FULL = ROOT.parent / "shared" / "data" / "genai_prices"
D = dt.date
URL = ("https://github.com/pydantic/genai-prices/blob/47df840a5ab10bbcffb8e5ac01b9899032245d1b/"
       "prices/new_data/v2/data.json")


def table_columns(table: str) -> list[str]:
    sql = (ROOT / "warehouse" / "sql" / "schema.sql").read_text()
    body = re.search(rf"CREATE TABLE IF NOT EXISTS {re.escape(table)} \((.*?)\n\);", sql, re.S).group(1)
    return [line.split()[0] for line in body.splitlines() if line.strip() and not line.strip().startswith("--")]


@pytest.fixture(scope="module")
def rows():
    return read_runs(SEED)


def runs(rows, provider, model, kind, tier="standard", min_tokens=0):
    """``[(valid_from, valid_to, usd_per_mtok), ...]`` of one price key, in date order."""
    return sorted(
        (r["valid_from"], r["valid_to"], r["usd_per_mtok"])
        for r in rows
        if (r["provider"], r["model"], r["price_kind"], r["service_tier"], r["tier_min_tokens"])
        == (provider, model, kind, tier, min_tokens)
    )


def test_module_contract(rows):
    assert genai_prices.SOURCE == "genai_prices"
    assert genai_prices.DATASET_URL.startswith("https://") and genai_prices.DATASET_URL.endswith("/data.json")
    assert genai_prices.__doc__ and "MIT" in genai_prices.__doc__
    cols = table_columns("staging.imported_price_runs")
    assert len(cols) == 16
    for r in rows:
        assert list(r) == cols
        assert type(r["usd_per_mtok"]) is Decimal and type(r["original_amount"]) is Decimal
        assert type(r["valid_from"]) is dt.date and (r["valid_to"] is None or type(r["valid_to"]) is dt.date)
        assert r["valid_to"] is None or r["valid_to"] > r["valid_from"]
        assert (r["source"], r["currency"], r["region"], r["original_unit"]) == (
            "genai_prices", "USD", "global", "per 1M tokens")
        assert r["usd_per_mtok"] == r["original_amount"] >= 0
        assert (r["source_url"], r["source_ref"]) == (URL, genai_prices.DATASET_COMMIT)


def test_counts_and_unique_keys(rows):
    assert len(rows) == 3288
    keys = [(r["provider"], r["model"], r["price_kind"], r["service_tier"], r["tier_min_tokens"], r["valid_from"])
            for r in rows]
    assert len(keys) == len(set(keys))
    # one source_key per (provider, model): the marts pick one key per model, so variants must share it
    per_model = {}
    for r in rows:
        per_model.setdefault((r["provider"], r["model"]), set()).add(r["source_key"])
    assert all(len(k) == 1 for k in per_model.values())
    assert len(per_model) == 1309


def test_dated_change_in_the_past_o3(rows):
    # default variant {10, 0.5, 40}, then {"start_date": "2025-06-10"} {2, 0.5, 8}: the default's start is unknown,
    # so it is emitted as the one day before the change (min(dataset date, start_date - 1 day))
    assert runs(rows, "openai", "o3", "input") == [(D(2025, 6, 9), D(2025, 6, 10), Decimal(10)),
                                                   (D(2025, 6, 10), None, Decimal(2))]
    assert runs(rows, "openai", "o3", "output") == [(D(2025, 6, 9), D(2025, 6, 10), Decimal(40)),
                                                    (D(2025, 6, 10), None, Decimal(8))]
    # unchanged across the change: one run
    assert runs(rows, "openai", "o3", "cache_read") == [(D(2025, 6, 9), None, Decimal("0.5"))]


def test_future_dated_change_claude_sonnet_5(rows):
    # intro price valid from the dataset date (2026-08-21) until the announced 2026-09-01 rise
    assert runs(rows, "anthropic", "claude-sonnet-5", "input") == [(D(2026, 8, 21), D(2026, 9, 1), Decimal(2)),
                                                                   (D(2026, 9, 1), None, Decimal(3))]
    assert runs(rows, "anthropic", "claude-sonnet-5", "output") == [(D(2026, 8, 21), D(2026, 9, 1), Decimal(10)),
                                                                    (D(2026, 9, 1), None, Decimal(15))]
    # Anthropic's two cache-write durations: cache_write_mtok beside cache_write_1h_mtok is the 5-minute write
    assert runs(rows, "anthropic", "claude-sonnet-5", "cache_write_5m") == [
        (D(2026, 8, 21), D(2026, 9, 1), Decimal("2.5")), (D(2026, 9, 1), None, Decimal("3.75"))]
    assert runs(rows, "anthropic", "claude-sonnet-5", "cache_write_1h") == [
        (D(2026, 8, 21), D(2026, 9, 1), Decimal(4)), (D(2026, 9, 1), None, Decimal(6))]
    assert runs(rows, "google", "gemini-3.6-flash", "input") == [(D(2026, 8, 21), D(2027, 1, 1), Decimal("0.75")),
                                                                 (D(2027, 1, 1), None, Decimal("1.5"))]


def test_tiered_prices(rows):
    # plain tiered value {"base": 3, "tiers": [{"start": 200000, "price": 6}]}
    assert runs(rows, "anthropic", "claude-sonnet-4-5", "input") == [(D(2026, 8, 21), None, Decimal(3))]
    assert runs(rows, "anthropic", "claude-sonnet-4-5", "input", min_tokens=200000) == [
        (D(2026, 8, 21), None, Decimal(6))]
    assert runs(rows, "anthropic", "claude-sonnet-4-5", "output", min_tokens=200000) == [
        (D(2026, 8, 21), None, Decimal("22.5"))]
    # claude-sonnet-4-6: the 2026-03-13 variant drops the long-context tier; the base price does not change
    assert runs(rows, "anthropic", "claude-sonnet-4-6", "input") == [(D(2026, 3, 12), None, Decimal(3))]
    assert runs(rows, "anthropic", "claude-sonnet-4-6", "input", min_tokens=200000) == [
        (D(2026, 3, 12), D(2026, 3, 13), Decimal(6))]
    # gpt-5.6-luna: tiered at 272k on both sides of the 2026-07-30 cut
    assert runs(rows, "openai", "gpt-5.6-luna", "input", min_tokens=272000) == [
        (D(2026, 7, 29), D(2026, 7, 30), Decimal(2)), (D(2026, 7, 30), None, Decimal("0.4"))]
    assert runs(rows, "openai", "gpt-5.6-luna", "output") == [
        (D(2026, 7, 29), D(2026, 7, 30), Decimal(6)), (D(2026, 7, 30), None, Decimal("1.2"))]


def test_off_peak_deepseek(rows):
    # the feed's default variant is the cheap one; the 00:30-16:30Z window carries the list price
    assert runs(rows, "deepseek", "deepseek-chat", "input") == [(D(2026, 8, 21), None, Decimal("0.27"))]
    assert runs(rows, "deepseek", "deepseek-chat", "output") == [(D(2026, 8, 21), None, Decimal("1.1"))]
    assert runs(rows, "deepseek", "deepseek-chat", "cache_read") == [(D(2026, 8, 21), None, Decimal("0.07"))]
    assert runs(rows, "deepseek", "deepseek-chat", "input", "off_peak") == [(D(2026, 8, 21), None, Decimal("0.135"))]
    assert runs(rows, "deepseek", "deepseek-chat", "output", "off_peak") == [(D(2026, 8, 21), None, Decimal("0.55"))]
    assert runs(rows, "deepseek", "deepseek-reasoner", "output") == [(D(2026, 8, 21), None, Decimal("2.19"))]
    assert runs(rows, "deepseek", "deepseek-reasoner", "output", "off_peak") == [
        (D(2026, 8, 21), None, Decimal("0.55"))]
    assert {r["model"] for r in rows if r["service_tier"] == "off_peak"} == {"deepseek-chat", "deepseek-reasoner"}


def test_seller_mapping(rows):
    assert runs(rows, "xai", "grok-3", "cache_read") == [(D(2026, 8, 21), None, Decimal("0.75"))]
    assert runs(rows, "bedrock", "global.anthropic.claude-sonnet-5-v1:0", "input") == [
        (D(2026, 8, 21), D(2026, 9, 1), Decimal(2)), (D(2026, 9, 1), None, Decimal(3))]
    # no 1h write beside it on Bedrock: a single-duration cache write
    assert runs(rows, "bedrock", "global.anthropic.claude-sonnet-5-v1:0", "cache_write")[0][2] == Decimal("2.5")
    assert runs(rows, "huggingface", "MiniMaxAI/MiniMax-M2:novita", "output") == [
        (D(2026, 8, 21), None, Decimal("1.2"))]
    hf = next(r for r in rows if r["model"] == "MiniMaxAI/MiniMax-M2:novita")
    assert hf["source_key"] == "huggingface_novita|MiniMaxAI/MiniMax-M2"
    providers = {r["provider"] for r in rows}
    assert not providers & {"aws", "x-ai", "moonshotai", "zhipuai"}
    assert not any(p.startswith("huggingface_") for p in providers)
    assert {"bedrock", "xai", "moonshot", "zhipu", "huggingface", "openrouter", "google"} <= providers


def test_skipped_and_modality_kinds(rows):
    # perplexity sonar-deep-research: requests/web searches per 1K are not token prices
    assert {r["price_kind"] for r in rows if (r["provider"], r["model"]) == ("perplexity", "sonar-deep-research")} \
        == {"input", "output", "output_reasoning", "output_citation"}
    assert not [r for r in rows if "kcount" in r["price_kind"]]
    # empty price sets give no rows (absent is not zero)
    assert not [r for r in rows if (r["provider"], r["model"]) == ("azure", "mai-ds-r1:free")]
    assert runs(rows, "google", "gemini-3.1-flash-live-preview", "input_video") == [
        (D(2026, 8, 21), None, Decimal(1))]


def test_float_noise_kept_as_published(rows):
    # the feed itself carries binary-float artefacts; they are imported exactly as written (the warehouse's
    # usd_per_mtok column, scale 12, rounds them to 0.18 / 0.083333333333)
    assert runs(rows, "huggingface", "Qwen/Qwen3-VL-8B-Instruct:together", "input") == [
        (D(2026, 8, 21), None, Decimal("0.18000000000000002"))]
    assert runs(rows, "openrouter", "google/gemini-3.5-flash", "cache_write") == [
        (D(2026, 8, 21), None, Decimal("0.08333333333333334"))]


def test_price_kind():
    assert price_kind("input_mtok") == "input"
    assert price_kind("cache_write_mtok") == "cache_write"
    assert price_kind("cache_write_mtok", {"cache_write_mtok", "cache_write_1h_mtok"}) == "cache_write_5m"
    assert price_kind("cache_audio_read_mtok") == "cache_read_audio"
    assert price_kind("cache_image_write_1h_mtok") == "cache_write_1h_image"
    assert price_kind("input_text_mtok") == "input"
    assert price_kind("output_text_reasoning_mtok") == "output_reasoning"
    assert price_kind("input_audio_tool_mtok") == "input_audio_tool"
    assert price_kind("web_searches_kcount") is None
    assert price_kind("input_mchars") is None
    with pytest.raises(ValueError, match="bogus_mtok"):
        price_kind("bogus_mtok")


def write_feed(tmp_path, model):
    (tmp_path / "data_v2.json").write_text(json.dumps([{"id": "acme", "name": "Acme", "models": [model]}]))
    return tmp_path


def test_missing_dataset(tmp_path):
    with pytest.raises(FileNotFoundError, match="data_v2.json"):
        read_runs(tmp_path)


@pytest.mark.parametrize(
    "prices, message",
    [
        ({"input_mtok": "cheap"}, "acme/m1 input_mtok: not a number"),
        ({"input_mtok": -1}, "acme/m1 input_mtok: not a price"),
        ({"input_mtok": {"base": 1, "tiers": [{"start": 0, "price": 2}]}}, "acme/m1 input_mtok: tier start"),
        ({"weird_unit": 1}, "acme/m1: unknown price key 'weird_unit'"),
        ([{"prices": {"input_mtok": 1}}, {"constraint": {"region": "eu"}, "prices": {}}], "acme/m1 \\(variant 1\\)"),
        ([{"prices": {"input_mtok": 1}}, {"constraint": {"start_date": "soon"}, "prices": {}}], "bad start_date"),
    ],
)
def test_bad_values_name_the_entry(tmp_path, prices, message):
    with pytest.raises(ValueError, match=message):
        read_runs(write_feed(tmp_path, {"id": "m1", "match": {"equals": "m1"}, "prices": prices}))


def test_decimal_exact(tmp_path):
    path = write_feed(tmp_path, {"id": "m1", "match": {"equals": "m1"}, "prices": {"input_mtok": 0.1}})
    (row,) = read_runs(path, as_of=D(2026, 1, 2), commit="abc")
    assert row["usd_per_mtok"] == Decimal("0.1") and str(row["usd_per_mtok"]) == "0.1"
    assert (row["valid_from"], row["valid_to"], row["source_ref"]) == (D(2026, 1, 2), None, "abc")


def test_full_shared_dataset():
    if not (FULL / "data_v2.json").is_file():
        pytest.skip(f"full genai-prices dataset not present at {FULL}")
    full = read_runs(FULL)
    assert len(full) == 3288
    assert full == read_runs(SEED)  # the shipped seed copy is the same file


@pytest.mark.slow  # materializes the importer into a DuckDB file: left out of make test-fast
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
