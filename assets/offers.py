"""Billing offers: free quotas, free tiers, TPM packs, model units, promotions, batch discounts and regional uplifts,
the current ones with their first day seen (``marts.billing_offers``). Offers are not token prices
(price-semantics.md); ``marts.latest_prices`` stays per-token. ``staging.billing_offers`` is written by
``staging/price_quotes``, which reads each raw snapshot once for its prices and, with the source's
``Source.parse_offers``, its offers (:func:`pipelines.sources.registry.offer_parsers`).
"""


import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines import warehouse
from pipelines.resources import DataDirResource

OWNERS = ["team:tokenprices"]
MARTS_OFFERS = dg.AssetKey(["marts", "billing_offers"])

@dg.asset(
    key=MARTS_OFFERS,
    group_name="marts",
    kinds={"duckdb", "parquet"},
    owners=OWNERS,
    deps=[dg.AssetKey(["staging", "price_quotes"])],  # which writes staging.billing_offers with the quotes
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
