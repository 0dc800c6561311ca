"""OpenRouter snapshots importer, on a trimmed excerpt (tests/fixtures/openrouter_snapshots: 4 snapshots + the
revert commit, 7 models) and, when present, on the full dataset folder (shared/data/openrouter)."""

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.history.importers import openrouter_snapshots
from pipelines.history.importers.openrouter_snapshots import read_runs

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "openrouter_snapshots"
FULL = ROOT.parent / "shared" / "data" / "openrouter"
D = dt.date


def table_columns(table: str) -> list[str]:
    sql = (ROOT / "warehouse" / "sql" / "schema.sql").read_text()
    body = re.search(rf"CREATE TABLE IF NOT EXISTS {re.escape(table)} \((.*?)\n\);", sql, re.S).group(1)
    return [line.split()[0] for line in body.splitlines() if line.strip() and not line.strip().startswith("--")]


@pytest.fixture(scope="module")
def rows():
    return read_runs(FIXTURE)


def runs(rows, model, kind):
    """``[(valid_from, valid_to, per-token amount), ...]``."""
    return sorted((r["valid_from"], r["valid_to"], r["original_amount"]) for r in rows
                  if (r["model"], r["price_kind"]) == (model, kind))


def test_module_contract(rows):
    assert openrouter_snapshots.SOURCE == "openrouter_snapshots"
    assert openrouter_snapshots.DATASET_URL.startswith("https://github.com/sternelee/solid-pile")
    assert openrouter_snapshots.__doc__ and "licence" in openrouter_snapshots.__doc__.lower()
    cols = table_columns("staging.imported_price_runs")
    for r in rows:
        assert list(r) == cols
        assert type(r["usd_per_mtok"]) is Decimal and type(r["original_amount"]) is Decimal
        assert r["usd_per_mtok"] == r["original_amount"] * 1_000_000
        assert type(r["valid_from"]) is dt.date and (r["valid_to"] is None or r["valid_to"] > r["valid_from"])
        assert (r["source"], r["provider"], r["service_tier"], r["tier_min_tokens"], r["currency"],
                r["original_unit"]) == ("openrouter_snapshots", "openrouter", "standard", 0, "USD", "per token")
        assert r["source_key"] == r["model"]
        assert r["source_url"] == f"https://github.com/sternelee/solid-pile/blob/{r['source_ref']}/src/openrouter.json"


def test_gpt_4o_cut(rows):
    assert runs(rows, "openai/gpt-4o", "input") == [(D(2024, 9, 27), D(2025, 2, 8), Decimal("0.000005")),
                                                    (D(2025, 2, 8), None, Decimal("0.0000025"))]
    assert runs(rows, "openai/gpt-4o", "output") == [(D(2024, 9, 27), D(2025, 2, 8), Decimal("0.000015")),
                                                     (D(2025, 2, 8), None, Decimal("0.00001"))]
    new = next(r for r in rows if r["model"] == "openai/gpt-4o" and r["valid_from"] == D(2025, 2, 8)
               and r["price_kind"] == "input")
    assert new["usd_per_mtok"] == Decimal("2.5")
    assert new["source_ref"] == "a5c285c21dec8d7977d6044e7f515161ad90fb78"


def test_revert_commit_is_not_an_observation(rows):
    # 2024-04-10 08:31 re-committed the 2024-03-29 file: skipped, so 7.2e-07 holds from 04-10 on, no flip-back
    assert runs(rows, "01-ai/yi-34b", "input") == [(D(2024, 3, 29), D(2024, 4, 10), Decimal("0.0000008")),
                                                   (D(2024, 4, 10), D(2024, 9, 27), Decimal("0.00000072"))]
    # ...and absent from the 2024-09-27 snapshot: the run ends there
    assert {r["source_ref"][:8] for r in rows} == {"2de75104", "df954f0b", "4ef8d2bb", "a5c285c2"}


def test_sentinel_zero_and_decline(rows):
    assert runs(rows, "openrouter/auto", "input") == []  # "-1" everywhere: no rows
    assert runs(rows, "meta-llama/llama-3-8b-instruct:free", "output") == [(D(2024, 9, 27), None, Decimal(0))]
    assert runs(rows, "mistralai/mistral-large", "input") == [(D(2024, 4, 10), D(2024, 9, 27), Decimal("0.000008")),
                                                              (D(2024, 9, 27), None, Decimal("0.000002"))]
    assert runs(rows, "meta-llama/llama-3-70b-instruct", "input") == [
        (D(2024, 9, 27), D(2025, 2, 8), Decimal("0.00000035")), (D(2025, 2, 8), None, Decimal("0.00000023"))]
    # unchanged output across the last two snapshots: one run
    assert runs(rows, "meta-llama/llama-3-70b-instruct", "output") == [(D(2024, 9, 27), None, Decimal("0.0000004"))]
    # google/gemini-pro's ~4x jump on 2025-02-08 (per-character -> per-token listing) is imported as published
    assert runs(rows, "google/gemini-pro", "input")[-1] == (D(2025, 2, 8), None, Decimal("0.0000005"))
    assert len(rows) == 23


def write_dataset(tmp_path, snaps):
    """``snaps``: [(commit, iso ts, {model id: (prompt, completion)} or None for a revert of the first)]."""
    (tmp_path / "snapshots").mkdir(parents=True)
    lines = ["commit_sha,commit_ts_utc,blob_sha,n_models,file,identical_to_commit,bytes"]
    for sha, ts, models in snaps:
        if models is None:
            lines.append(f"{sha},{ts},x,0,,{snaps[0][0]},0")
            continue
        file = f"snapshots/{sha}.json"
        data = [{"id": mid, "pricing": {"prompt": p, "completion": c}} for mid, (p, c) in models.items()]
        (tmp_path / file).write_text(json.dumps({"data": data}))
        lines.append(f"{sha},{ts},x,{len(data)},{file},,0")
    (tmp_path / "snapshots_manifest.csv").write_text("\n".join(lines) + "\n")
    return tmp_path


def test_absent_then_back_is_a_new_run(tmp_path):
    path = write_dataset(tmp_path, [
        ("c1", "2024-01-01T10:00:00Z", {"a/m": ("0.000001", "0.000002"), "b/m": ("0.000001", "-1")}),
        ("c2", "2024-02-01T10:00:00Z", {"b/m": ("0.000001", "0.000003")}),
        ("c3", "2024-03-01T10:00:00Z", {"a/m": ("0.000001", "0.000002"), "b/m": ("-1", "0.000003")}),
        ("c4", "2024-03-01T23:00:00Z", {"a/m": ("0.000001", "0.000002"), "b/m": ("0.000001", "0.000003")}),
    ])
    rows = read_runs(path)
    # a/m: gone from c2, back in c3 at the same price -> two runs, the gap is real
    assert runs(rows, "a/m", "input") == [(D(2024, 1, 1), D(2024, 2, 1), Decimal("0.000001")),
                                          (D(2024, 3, 1), None, Decimal("0.000001"))]
    # b/m completion: -1 is no price; c3 and c4 share a UTC day, the later one (c4) stands for it
    assert runs(rows, "b/m", "output") == [(D(2024, 2, 1), None, Decimal("0.000003"))]
    assert runs(rows, "b/m", "input") == [(D(2024, 1, 1), None, Decimal("0.000001"))]
    assert {r["source_ref"] for r in rows} == {"c1", "c2", "c4"}


def test_bad_value_names_the_entry(tmp_path):
    path = write_dataset(tmp_path, [("c1", "2024-01-01T10:00:00Z", {"a/m": ("$1", "0.000002")})])
    with pytest.raises(ValueError, match=r"c1\.json \(c1\) a/m pricing\.prompt: not a decimal string"):
        read_runs(path)
    path2 = write_dataset(tmp_path / "neg", [("c1", "2024-01-01T10:00:00Z", {"a/m": ("-0.5", "0.000002")})])
    with pytest.raises(ValueError, match="a/m pricing.prompt: negative"):
        read_runs(path2)


def test_missing_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="snapshots_manifest.csv"):
        read_runs(tmp_path)
    path = write_dataset(tmp_path / "x", [("c1", "2024-01-01T10:00:00Z", {"a/m": ("0", "0")})])
    (path / "snapshots" / "c1.json").unlink()
    with pytest.raises(FileNotFoundError, match="c1.json"):
        read_runs(path)


def test_full_shared_dataset():
    if not (FULL / "snapshots_manifest.csv").is_file():
        pytest.skip(f"full OpenRouter snapshots dataset not present at {FULL}")
    rows = read_runs(FULL)
    assert len(rows) == 1026
    assert len({r["model"] for r in rows}) == 319
    # the README's clean decline curve, USD per token
    assert runs(rows, "meta-llama/llama-3-70b-instruct", "input") == [
        (D(2024, 4, 19), D(2024, 4, 24), Decimal("0.0000009")),
        (D(2024, 4, 24), D(2024, 5, 14), Decimal("0.00000081")),
        (D(2024, 5, 14), D(2024, 8, 1), Decimal("0.00000059")),
        (D(2024, 8, 1), D(2024, 9, 23), Decimal("0.00000051")),
        (D(2024, 9, 23), D(2025, 2, 8), Decimal("0.00000035")),
        (D(2025, 2, 8), None, Decimal("0.00000023")),
    ]
    assert runs(rows, "openai/gpt-4o", "input") == [(D(2024, 5, 14), D(2025, 2, 8), Decimal("0.000005")),
                                                    (D(2025, 2, 8), None, Decimal("0.0000025"))]
    assert runs(rows, "meta-llama/llama-3.1-405b-instruct", "input") == [
        (D(2024, 8, 1), D(2024, 9, 23), Decimal("0.0000027")),
        (D(2024, 9, 23), D(2025, 2, 8), Decimal("0.00000179")),
        (D(2025, 2, 8), None, Decimal("0.0000008")),
    ]
    # cohere/* 5% lower in the 2024-09-27 snapshot
    assert runs(rows, "cohere/command-r", "input") == [(D(2024, 4, 10), D(2024, 9, 27), Decimal("0.0000005")),
                                                       (D(2024, 9, 27), None, Decimal("0.000000475"))]
    # -1 sentinel ends a run; a real price after it starts a new one
    assert runs(rows, "huggingfaceh4/zephyr-7b-beta", "input") == [
        (D(2024, 3, 29), D(2024, 4, 10), Decimal(0)),
        (D(2024, 4, 10), D(2024, 5, 8), Decimal("0.0000001425")),
        (D(2024, 5, 14), D(2024, 5, 30), Decimal("0.0000002")),
    ]
    assert not [r for r in rows if r["model"] in ("openrouter/auto", "openrouter/flavor-of-the-week")]
    keys = [(r["model"], r["price_kind"], r["valid_from"]) for r in rows]
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
