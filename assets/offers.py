"""Billing offers: free quotas, free tiers, TPM packs, model units, promotions, batch discounts and regional uplifts
read from the raw snapshots (``staging.billing_offers``) and the current ones with their first day seen
(``marts.billing_offers``). Offers are not token prices (price-semantics.md); ``marts.latest_prices`` stays
per-token. Parsers: the ``parse_offers`` functions of :func:`pipelines.cost.offers.offer_parsers`.
"""


import datetime as dt

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.priority import EARLY
from pipelines import warehouse
from pipelines.history.normalise import FxError
from pipelines.cost.offers import offer_parsers, offer_rows
from pipelines.resources import DataDirResource
from pipelines.sources.base import ParseError

OWNERS = ["team:tokenprices"]
STAGING_OFFERS = dg.AssetKey(["staging", "billing_offers"])
MARTS_OFFERS = dg.AssetKey(["marts", "billing_offers"])

@dg.asset(
    key=STAGING_OFFERS,
    group_name="staging",
    op_tags=EARLY,
    kinds={"python", "duckdb"},
    owners=OWNERS,
    deps=[dg.AssetKey(["raw", "page_snapshots"]), dg.AssetKey(["staging", "price_quotes"])],
    pool="duckdb_warehouse",
    description=(
        "Billing offers stated by the price pages -> staging.billing_offers, one row per offer per observation: "
        "free quotas (Alibaba 各100万Token, 90 days after activation), free tiers and grounding allowances (Gemini), "
        "TPM packs and model units (Volcengine Ark, per hour/day/month), promotional batch prices with their dates "
        "(Baidu Qianfan 2月/3月活动价), batch discounts (Alibaba Batch调用 半价), regional uplifts (OpenAI data "
        "residency +10%). Rebuilt from raw.page_snapshots on every run: the latest snapshot of each page and day "
        "whose price parse passed its check (staging.parse_runs ok) is read by its source's parse_offers; amounts "
        "as written, USD at the ECB rate of the observation day."
    ),
)
def billing_offers(context, duckdb: DuckDBResource, data_dir: DataDirResource) -> dg.MaterializeResult:
    """Parse every good snapshot of the offer-stating sources into ``staging.billing_offers`` (replaced as a whole).
    A page whose offers cannot be read is logged as an error and left out (its earlier observations stay)."""
    parsers = offer_parsers()
    root = data_dir.root()
    rows, skipped, errors, per_source = [], [], [], {}
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        snaps = warehouse.run(con, "offer_snapshots", {"sources": sorted(parsers)}).fetchall()
        for partition_date, source, url, sha, fetched_at, status in snaps:
            if status != "ok":
                skipped.append(f"{partition_date} {source} {url}: price parse {status}")
                continue
            try:
                offers = parsers[source](warehouse.read_blob(root, sha), url)
                got = offer_rows(offers, source=source, source_url=url,
                                 observed_at=fetched_at.replace(tzinfo=dt.UTC), snapshot_sha256=sha)
            except (ParseError, FxError, ValueError) as exc:
                msg = f"{partition_date} {source} {url}: {type(exc).__name__}: {exc}"
                context.log.error(msg)
                errors.append(msg)
                continue
            rows += [{"partition_date": partition_date, **r} for r in got]
            per_source[source] = per_source.get(source, 0) + len(got)
        warehouse.replace(con, "staging.billing_offers", rows)  # rebuilt from the raw snapshots on every run
        kinds = warehouse.run(con, "offers_by_kind").fetchdf()
    context.log.info(f"{len(rows)} offers from {len(snaps) - len(skipped) - len(errors)} snapshots; "
                     f"{len(skipped)} skipped, {len(errors)} unreadable")
    return dg.MaterializeResult(metadata={
        "dagster/row_count": len(rows),
        "per_source": dg.MetadataValue.json(per_source),
        "by_kind": dg.MetadataValue.md(kinds.to_markdown(index=False) if len(kinds) else "(none)"),
        "skipped_snapshots": dg.MetadataValue.json(skipped),
        "unreadable_snapshots": dg.MetadataValue.json(errors),
    })


@dg.asset(
    key=MARTS_OFFERS,
    group_name="marts",
    op_tags=EARLY,
    kinds={"duckdb", "parquet"},
    owners=OWNERS,
    deps=[STAGING_OFFERS],
    pool="duckdb_warehouse",
    description=(
        "The offers of each price page's latest observation -> marts.billing_offers (and its Parquet copy), with "
        "first_seen (first day the same offer was on the page) and last_seen: free quotas, free tiers, TPM packs, "
        "model units, promotions with their end dates, batch discounts, regional uplifts; amount, currency, unit, "
        "quantity, validity and conditions as the page states them. marts.latest_prices stays per-token; the "
        "workload cost (marts/workload_costs) uses these offers. Rules: warehouse/sql/marts_billing_offers.sql."
    ),
)
def billing_offers_mart(context, duckdb: DuckDBResource, data_dir: DataDirResource) -> dg.MaterializeResult:
    """Rebuild ``marts.billing_offers`` from ``staging.billing_offers`` in one transaction, export Parquet."""
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        with warehouse.transaction(con):
            warehouse.run(con, "marts_billing_offers")
        n = con.table("marts.billing_offers").aggregate("count(*)").fetchall()[0][0]
        preview = warehouse.run(con, "preview_billing_offers").fetchdf()
        path = warehouse.export_parquet(con, "marts.billing_offers", data_dir.lake())
    context.log.info(f"marts.billing_offers: {n} rows, exported to {path}")
    return dg.MaterializeResult(metadata={
        "dagster/row_count": n,
        "parquet": dg.MetadataValue.path(str(path)),
        "preview": dg.MetadataValue.md(preview.to_markdown(index=False) if len(preview) else "(empty)"),
    })
