"""Offers are read in the same pass as prices: staging/price_quotes parses each raw snapshot once and writes its
quotes and its offers (staging.billing_offers); marts/billing_offers reads that table. Real capture: Volcengine Ark,
2025-12-13 (the only capture of that day)."""

import datetime as dt
import shutil
from decimal import Decimal

import dagster as dg
import duckdb

from assets import offers, raw, staging
from tests.conftest import PAGES, replay_resources

DAY = "2025-12-13"
VOLC = "volcengine/2025-12-13_volcengine-docs-82379-1544106_doc-json.txt"


def _check(result, name: str):
    return next(e.asset_check_evaluation_data for e in result.all_events
                if e.event_type_value == "ASSET_CHECK_EVALUATION" and e.asset_check_evaluation_data.check_name == name)


def test_price_quotes_writes_the_offers_of_the_same_parse(tmp_path, resources):
    from pipelines.sources import volcengine

    res = resources
    instance = dg.DagsterInstance.ephemeral()
    for _ in range(2):  # a re-run of the partition replaces the source's offers, it adds no duplicates
        r = dg.materialize([raw.page_snapshots, staging.price_quotes], partition_key=DAY, resources=res,
                           instance=instance)
        assert r.success
    check = _check(r, "volcengine_ark_pricing_parsed")
    assert check.passed and check.metadata["offers"].value == 60
    assert check.metadata["unreadable_offers"].value == []
    assert dg.materialize([offers.billing_offers_mart], resources=res, instance=instance).success
    parsed = volcengine.parse_offers((PAGES / VOLC).read_bytes(), "https://www.volcengine.com/docs/82379/1544106")
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        rows = con.execute("""SELECT partition_date, source, count(*), count(DISTINCT snapshot_sha256)
                              FROM staging.billing_offers GROUP BY ALL""").fetchall()
        assert rows == [(dt.date(2025, 12, 13), "volcengine_ark_pricing", 60, 1)] and len(parsed) == 60
        # the 1.920 元 per 10K TPM per hour input pack of doubao-seed-1.6 (price page, TPM 保障包)
        tpm = con.execute("""SELECT amount, currency, unit, quantity, quantity_unit FROM marts.billing_offers
                             WHERE model = 'doubao-seed-1.6' AND offer_kind = 'provisioned_throughput'
                               AND price_kind = 'input' AND unit = 'per hour'""").fetchall()
        assert tpm == [(Decimal("1.920"), "CNY", "per hour", Decimal(10000), "TPM")]
        assert con.execute("SELECT count(*) FROM marts.billing_offers").fetchone()[0] == 60


def test_unreadable_offers_are_logged_and_the_prices_still_load(tmp_path):
    """The capture with one TPM cell broken (the first "1.920 元/每10K TPM" -> "1.920 yuan per 10K TPM"): its prices
    parse as before, its offers raise ParseError naming the cell; the check passes (offers are not prices), the
    error is in its metadata and no offer of that page is written that day."""
    arch = tmp_path / "archive"
    (arch / "volcengine").mkdir(parents=True)
    shutil.copy(PAGES / "manifest.csv", arch / "manifest.csv")
    body = (PAGES / VOLC).read_text(encoding="utf-8")
    assert body.count("1.920 元/每10K TPM") == 5
    (arch / VOLC).write_text(body.replace("1.920 元/每10K TPM", "1.920 yuan per 10K TPM", 1), encoding="utf-8")
    db = tmp_path / "w.duckdb"
    r = dg.materialize([raw.page_snapshots, staging.price_quotes], partition_key=DAY,
                       resources=replay_resources(db, tmp_path / "d", archive=arch))
    check = _check(r, "volcengine_ark_pricing_parsed")
    assert check.passed and check.metadata["offers"].value == 0
    [problem] = check.metadata["unreadable_offers"].value
    assert "cannot read TPM price '1.920 yuan per 10K TPM'" in problem and "doubao-pro-32k" in problem
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM staging.billing_offers").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM staging.price_quotes WHERE source = 'volcengine_ark_pricing'"
                           ).fetchone()[0] == check.metadata["quotes"].value > 0


def test_no_separate_offer_asset_reparses_the_blobs():
    from pipelines.definitions import ALL_ASSETS

    keys = {k.to_user_string() for a in ALL_ASSETS for k in a.keys}
    assert "staging/billing_offers" not in keys and {"staging/price_quotes", "marts/billing_offers"} <= keys
    mart = next(a for a in ALL_ASSETS if dg.AssetKey(["marts", "billing_offers"]) in a.keys)
    assert staging.PRICE_QUOTES in mart.asset_deps[dg.AssetKey(["marts", "billing_offers"])]
