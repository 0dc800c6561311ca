"""Subscriptions and resource packs (issue 18): the dated coding-plan snapshots, and the plan marts.

``staging.billing_plans`` gets the plans of the sellers' pages from ``staging/price_quotes`` (sources with
``Source.plans``, read in the same pass as the prices) and the dated scraper snapshots from
``staging/coding_plan_snapshots``. The marts: ``marts.billing_plan_history`` (effective-dated), ``marts.billing_plans``
(in force) and ``marts.billing_plan_changes`` (plan price changes, beside ``marts.price_changes``, which stays token
prices only).
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines import config, warehouse
from pipelines.history.importers import coding_plans
from pipelines.history.normalise import refresh_rates
from pipelines.resources import DataDirResource

OWNERS = ["team:tokenprices"]
SNAPSHOTS = dg.AssetKey(["staging", "coding_plan_snapshots"])
HISTORY = dg.AssetKey(["marts", "billing_plan_history"])
PLANS = dg.AssetKey(["marts", "billing_plans"])
CHANGES = dg.AssetKey(["marts", "billing_plan_changes"])


@dg.asset(
    key=SNAPSHOTS,
    group_name="staging",
    kinds={"python", "duckdb"},
    owners=OWNERS,
    pool="duckdb_warehouse",
    description=(
        "Dated snapshots of the coding-plan scraper jqknono/coding-plans-for-copilot (MIT; seed/coding_plans/, or "
        "TOKENPRICES_CODING_PLANS_DIR): every plan of 26 sellers as an observation dated the file's generatedAt, "
        "source coding_plans_snapshots, into staging.billing_plans (the source's rows replaced: idempotent). Rules: "
        "pipelines/history/importers/coding_plans.py."
    ),
)
def coding_plan_snapshots(context, duckdb: DuckDBResource) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        rates, _ = refresh_rates(con)  # the stored ECB rates beside the bundled history, as the page plans get
        rows, problems = coding_plans.read_all(config.coding_plans_dir(), rates)
        for p in problems:
            context.log.warning(f"coding_plans: {p}")
        n = warehouse.replace(con, "staging.billing_plans", rows, {"source": coding_plans.SOURCE})
    days = sorted({r["observed_at"].date() for r in rows})
    return dg.MaterializeResult(metadata={
        "dagster/row_count": n,
        "snapshots": dg.MetadataValue.json([d.isoformat() for d in days]),
        "sellers": len({r["provider"] for r in rows}),
        "unread": dg.MetadataValue.json(problems),
    })


@dg.multi_asset(
    specs=[
        dg.AssetSpec(HISTORY, group_name="marts", kinds={"duckdb", "parquet"}, owners=OWNERS,
                     deps=[SNAPSHOTS, dg.AssetKey(["staging", "price_quotes"])],
                     description="Effective-dated plan prices (valid_from inclusive, valid_to exclusive, NULL while in "
                     "force) from the sellers' pages and the dated snapshots: one row per plan and run of unchanged "
                     "price, quota and status; a page outranks a snapshot of the same day. Rules: "
                     "warehouse/sql/marts_billing_plan_history.sql."),
        dg.AssetSpec(PLANS, group_name="marts", kinds={"duckdb", "parquet"}, owners=OWNERS, deps=[HISTORY],
                     description="The subscriptions and resource packs in force (the open intervals of "
                     "marts.billing_plan_history): price, USD at the ECB rate, quota, validity, models, status, "
                     "promotions, provenance (source URL, capture date, location on the page)."),
        dg.AssetSpec(CHANGES, group_name="marts", kinds={"duckdb", "parquet"}, owners=OWNERS, deps=[HISTORY],
                     description="Plan price changes, beside marts.price_changes (token prices only): old and new "
                     "stated price, USD, percent change, quota before and after."),
    ],
    name="marts__billing_plans",
    pool="duckdb_warehouse",
)
def billing_plan_marts(context, duckdb: DuckDBResource, data_dir: DataDirResource):
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        with warehouse.transaction(con):
            for name in ("marts_billing_plan_history", "marts_billing_plans", "marts_billing_plan_changes"):
                warehouse.run(con, name)
        for key in (HISTORY, PLANS, CHANGES):
            table = ".".join(key.path)
            n = con.table(table).aggregate("count(*)").fetchall()[0][0]
            path = warehouse.export_parquet(con, table, data_dir.lake())
            context.log.info(f"{table}: {n} rows, exported to {path}")
            yield dg.MaterializeResult(asset_key=key, metadata={"dagster/row_count": n,
                                                                "parquet": dg.MetadataValue.path(str(path))})
