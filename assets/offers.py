"""Billing offers: free quotas, free tiers, TPM packs, model units, promotions, batch discounts and regional uplifts
read from the raw snapshots (``staging.billing_offers``) and the current ones with their first day seen
(``marts.billing_offers``). Offers are not token prices (price-semantics.md); ``marts.latest_prices`` stays
per-token. Parsers: the ``parse_offers`` functions of :func:`pipelines.cost.offers.offer_parsers`.
"""


import datetime as dt

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines import warehouse
from pipelines.history.normalise import FxError
from pipelines.cost.offers import offer_parsers, offer_rows
from pipelines.resources import DataDirResource
from pipelines.sources.base import ParseError

OWNERS = ["team:tokenprices"]
STAGING_OFFERS = dg.AssetKey(["staging", "billing_offers"])
MARTS_OFFERS = dg.AssetKey(["marts", "billing_offers"])

_KIND = ("free_quota | free_tier | resource_pack | provisioned_throughput | model_unit | promotion | batch_discount "
         "| regional_uplift")
#: (column, DuckDB type, description) of the offer columns both tables share, in table order after the first ones.
_OFFER = [
    ("provider", "VARCHAR", "seller slug"),
    ("model", "VARCHAR", "seller's API model id; NULL for an offer not tied to a model (Volcengine model units)"),
    ("model_name", "VARCHAR", "as on the page (the machine type of a model unit)"),
    ("offer_kind", "VARCHAR", _KIND),
    ("price_kind", "VARCHAR", "the token price it concerns (TPM pack of input tokens, promotional output price)"),
    ("service_tier", "VARCHAR", "standard | batch | ... (a promotion's tier, the pricing tab of a free tier)"),
    ("tier_min_tokens", "BIGINT", "long-context tier of a promotional price; 0 = base"),
    ("region", "VARCHAR", "where the offer applies (global, cn-mainland, intl, data-residency, ...)"),
    ("amount", "DECIMAL(38,12)", "as written: price of the offer, 0 for free quotas/tiers, percent for discounts"),
    ("currency", "VARCHAR", "ISO 4217; NULL for a percentage"),
    ("unit", "VARCHAR", "per 1K tokens | per 1M tokens | one-off | per hour | per day | per month | percent off | "
                        "percent uplift"),
    ("amount_per_mtok", "DECIMAL(38,12)", "token-priced offers: amount per 1M tokens in currency (per 1K x 1000)"),
    ("quantity", "DECIMAL(38,6)", "what one unit of the offer gives (1000000 tokens, 10000 TPM, 1 model unit)"),
    ("quantity_unit", "VARCHAR", "tokens | TPM | model units | images | seconds | characters | requests | voices | "
                                 "grounded prompts"),
    ("usd_amount", "DECIMAL(38,12)", "amount in USD at the ECB rate of the observation day"),
    ("usd_per_mtok", "DECIMAL(38,12)", "amount_per_mtok in USD"),
]
_VALIDITY = [
    ("valid_days", "INTEGER", "validity after activation in days (free quotas)"),
    ("valid_from", "DATE", "first day of a promotion's window (inclusive, UTC); NULL = open"),
    ("valid_until", "DATE", "last day of a promotion's window (inclusive, UTC); NULL = open"),
    ("conditions", "VARCHAR", "the page's wording of what else the offer depends on"),
]


def _schema(cols: list[tuple[str, str, str]]) -> dg.TableSchema:
    return dg.TableSchema(columns=[dg.TableColumn(n, t, description=d) for n, t, d in cols])


STAGING_COLUMNS = _schema([
    ("partition_date", "DATE", "daily partition of the snapshot (UTC)"),
    ("observed_at", "TIMESTAMP", "UTC; capture date for replayed pages"),
    ("source", "VARCHAR", "source id"),
    *_OFFER,
    ("fx_rate", "DECIMAL(38,18)", "units of currency per 1 USD (ECB); NULL for a percentage"),
    ("fx_date", "DATE", "date of that ECB rate"),
    *_VALIDITY,
    ("source_url", "VARCHAR", "page the offer was read from"),
    ("snapshot_sha256", "VARCHAR", "raw body it was parsed from"),
    ("location", "VARCHAR", "table/row/cell on the page"),
])
MARTS_COLUMNS = _schema([
    *[c for c in _OFFER],
    *_VALIDITY,
    ("first_seen", "DATE", "first observation (UTC day) of this offer on this page"),
    ("last_seen", "DATE", "the page's latest observation"),
    ("source", "VARCHAR", "source id"),
    ("source_url", "VARCHAR", "page the offer was read from"),
    ("snapshot_sha256", "VARCHAR", "raw body of the latest observation"),
    ("location", "VARCHAR", "table/row/cell on the page"),
])


@dg.asset(
    key=STAGING_OFFERS,
    group_name="staging",
    kinds={"python", "duckdb"},
    owners=OWNERS,
    deps=[dg.AssetKey(["raw", "page_snapshots"]), dg.AssetKey(["staging", "price_quotes"])],
    pool="duckdb_warehouse",
    metadata={"dagster/column_schema": STAGING_COLUMNS},
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
        con.execute("BEGIN TRANSACTION")
        try:
            warehouse.run(con, "delete_billing_offers")
            warehouse.insert_rows(con, "insert_billing_offer", rows)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        kinds = con.execute(
            "SELECT offer_kind, count(*) AS offers, count(DISTINCT provider) AS sellers FROM staging.billing_offers "
            "GROUP BY 1 ORDER BY 1").fetchdf()
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
    kinds={"duckdb", "parquet"},
    owners=OWNERS,
    deps=[STAGING_OFFERS],
    pool="duckdb_warehouse",
    metadata={"dagster/column_schema": MARTS_COLUMNS},
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
        con.execute("BEGIN TRANSACTION")
        try:
            warehouse.run(con, "marts_billing_offers")
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        n = con.table("marts.billing_offers").aggregate("count(*)").fetchall()[0][0]
        preview = con.execute(
            """SELECT provider, coalesce(model, model_name) AS model, offer_kind, price_kind, region, amount, currency,
                      unit, quantity, quantity_unit, valid_days, valid_until
               FROM marts.billing_offers
               QUALIFY row_number() OVER (PARTITION BY provider, offer_kind ORDER BY model, region) <= 2
               ORDER BY provider, offer_kind""").fetchdf()
        path = warehouse.export_parquet(con, "marts.billing_offers", data_dir.lake())
    context.log.info(f"marts.billing_offers: {n} rows, exported to {path}")
    return dg.MaterializeResult(metadata={
        "dagster/row_count": n,
        "parquet": dg.MetadataValue.path(str(path)),
        "preview": dg.MetadataValue.md(preview.to_markdown(index=False) if len(preview) else "(empty)"),
    })
