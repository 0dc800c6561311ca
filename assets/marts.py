"""Marts: the public SQL interface (effective-dated history, latest prices, price changes), plus Parquet copies."""


import datetime as dt
import os

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines import warehouse
from pipelines.history import models
from pipelines.resources import DataDirResource

HISTORY_COLUMNS = dg.TableSchema(
    columns=[
        dg.TableColumn("provider", "varchar", description="seller slug"),
        dg.TableColumn("model", "varchar", description="seller's API model id"),
        dg.TableColumn("price_kind", "varchar"),
        dg.TableColumn("service_tier", "varchar"),
        dg.TableColumn("tier_min_tokens", "bigint"),
        dg.TableColumn("region", "varchar"),
        dg.TableColumn("currency", "varchar", description="currency of the price list"),
        dg.TableColumn("conditions", "varchar", description="e.g. an off-peak UTC window; '' when none"),
        dg.TableColumn("source", "varchar"),
        dg.TableColumn("valid_from", "date", description="inclusive, UTC"),
        dg.TableColumn("valid_to", "date", description="exclusive, NULL while current"),
        dg.TableColumn("usd_per_mtok", "decimal(38,12)", description="USD per 1M tokens"),
        dg.TableColumn("original_amount", "decimal(38,12)"),
        dg.TableColumn("original_unit", "varchar"),
        dg.TableColumn("source_url", "varchar"),
        dg.TableColumn("snapshot_sha256", "varchar"),
        dg.TableColumn("n_observations", "bigint", description="days a page observed the run; NULL if imported"),
        dg.TableColumn("last_observed", "date", description="last day a page observed it (UTC); NULL if imported"),
    ]
)


def delist_after() -> int:
    """Consecutive observations a model must be missing from its page before it counts as delisted
    (``TOKENPRICES_DELIST_AFTER``, default 3)."""
    return int(os.environ.get("TOKENPRICES_DELIST_AFTER", "3"))


def _build(context, duckdb: DuckDBResource, data_dir: DataDirResource, table: str, sql_name: str, preview_sql: str,
           params: dict | None = None, partition_by: tuple[str, ...] = ()):
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        warehouse.run(con, sql_name, params)
        n = con.table(table).aggregate("count(*)").fetchall()[0][0]
        preview = con.execute(preview_sql).fetchdf()
        path = warehouse.export_parquet(con, table, data_dir.lake(), partition_by)
    context.log.info(f"{table}: {n} rows, exported to {path}")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": n,
            "parquet": dg.MetadataValue.path(str(path)),
            "preview": dg.MetadataValue.md(preview.to_markdown(index=False) if len(preview) else "(empty)"),
        }
    )


@dg.asset(
    key=dg.AssetKey(["marts", "price_history"]),
    group_name="marts",
    kinds={"duckdb", "parquet"},
    owners=["team:tokenprices"],
    deps=[dg.AssetKey(["staging", "price_quotes"]), dg.AssetKey(["staging", "litellm_price_history"]),
          dg.AssetKey(["staging", "genai_prices_history"]), dg.AssetKey(["staging", "simonw_llm_prices_history"]),
          dg.AssetKey(["staging", "openrouter_snapshots_history"]), dg.AssetKey(["staging", "price_overrides"])],
    pool="duckdb_warehouse",
    metadata={"dagster/column_schema": HISTORY_COLUMNS},
)
def price_history(context, duckdb: DuckDBResource, data_dir: DataDirResource) -> dg.MaterializeResult:
    """Effective-dated prices from every source (``valid_from`` inclusive, ``valid_to`` exclusive or NULL), one row
    per run of an unchanged price per (provider, model, price_kind, service_tier, tier_min_tokens, region,
    currency, source). Rules in ``warehouse/sql/marts_price_history.sql``."""
    return _build(
        context, duckdb, data_dir, "marts.price_history", "marts_price_history",
        """SELECT provider, model, price_kind, source, valid_from, valid_to, usd_per_mtok FROM marts.price_history
           WHERE provider = 'openai' AND model = 'gpt-4o' AND service_tier = 'standard' AND tier_min_tokens = 0
           ORDER BY price_kind, valid_from LIMIT 12""",
        {"delist_after": delist_after()},
        partition_by=("provider",),  # the largest mart; most questions are about one seller
    )


@dg.asset(
    key=dg.AssetKey(["marts", "latest_prices"]),
    group_name="marts",
    kinds={"duckdb", "parquet"},
    owners=["team:tokenprices"],
    deps=[price_history],
    pool="duckdb_warehouse",
)
def latest_prices(context, duckdb: DuckDBResource, data_dir: DataDirResource) -> dg.MaterializeResult:
    """The price in force today per (provider, model, price_kind, service_tier, tier_min_tokens, region, currency,
    conditions), with its source, source_url and valid_from; precedence: override > the seller's own page or API >
    curated dataset > aggregator (``staging.source_precedence``). Announced future prices are not current yet."""
    return _build(
        context, duckdb, data_dir, "marts.latest_prices", "marts_latest_prices",
        """SELECT provider, model, price_kind, service_tier, tier_min_tokens, usd_per_mtok, source
           FROM marts.latest_prices WHERE source_rank <= 1 AND service_tier = 'standard' AND price_kind = 'input'
           ORDER BY usd_per_mtok DESC LIMIT 12""",
        {"as_of": dt.datetime.now(dt.UTC).date()},
    )


@dg.asset(
    key=dg.AssetKey(["marts", "price_changes"]),
    group_name="marts",
    kinds={"duckdb", "parquet"},
    owners=["team:tokenprices"],
    deps=[price_history],
    pool="duckdb_warehouse",
)
def price_changes(context, duckdb: DuckDBResource, data_dir: DataDirResource) -> dg.MaterializeResult:
    """One row per price change within a source (old, new, changed_at, pct_change)."""
    return _build(
        context, duckdb, data_dir, "marts.price_changes", "marts_price_changes",
        """SELECT provider, model, price_kind, changed_at, old_usd_per_mtok, new_usd_per_mtok, pct_change, source
           FROM marts.price_changes WHERE service_tier = 'standard' AND tier_min_tokens = 0
           ORDER BY changed_at DESC LIMIT 12""",
    )


@dg.asset(
    key=dg.AssetKey(["marts", "model_delistings"]),
    group_name="marts",
    kinds={"duckdb", "parquet"},
    owners=["team:tokenprices"],
    deps=[dg.AssetKey(["staging", "price_quotes"])],
    pool="duckdb_warehouse",
)
def model_delistings(context, duckdb: DuckDBResource, data_dir: DataDirResource) -> dg.MaterializeResult:
    """Models taken off a source's page: absent from ``TOKENPRICES_DELIST_AFTER`` (default 3) or more consecutive
    good observations of that page, with last_seen, delisted_at and relisted_at. One missing day is not a
    delisting."""
    return _build(
        context, duckdb, data_dir, "marts.model_delistings", "marts_model_delistings",
        """SELECT provider, model, source, last_seen, delisted_at, relisted_at FROM marts.model_delistings
           ORDER BY delisted_at DESC LIMIT 12""",
        {"delist_after": delist_after()},
    )


@dg.asset(
    key=dg.AssetKey(["marts", "model_aliases"]),
    group_name="marts",
    kinds={"python", "duckdb"},
    owners=["team:tokenprices"],
    deps=[price_history, model_delistings],
    pool="duckdb_warehouse",
)
def model_aliases(context, duckdb: DuckDBResource, data_dir: DataDirResource) -> dg.MaterializeResult:
    """One model, many names. ``marts.model_aliases`` (alias, alias_kind, source, provider, model, creator,
    canonical_model): every name a source uses — seller ids, page display names, dataset keys such as
    ``gemini/gemini-2.5-pro``, OpenRouter ids such as ``openai/gpt-4o``, dated snapshots such as
    ``claude-3-5-haiku-20241022`` — joined to the model's identity (creator, model) by the exact rules of
    ``pipelines.history.models.resolve``. Names no rule places go to ``marts.unmatched_aliases``, never guessed.
    ``marts.models`` has one row per identity: display names, sellers, first/last seen, deprecation (LiteLLM's
    ``deprecation_date``) and removal (taken off the creator's page) dates."""
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        cands = warehouse.run(con, "model_alias_candidates").fetchdf()
        ids = cands[["provider", "model"]].drop_duplicates()
        placed = {(p, m): models.resolve(p, m) for p, m in ids.itertuples(index=False)}
        cands["creator"] = [(placed[(p, m)] or (None, None))[0] for p, m in zip(cands.provider, cands.model)]
        cands["canonical_model"] = [(placed[(p, m)] or (None, None))[1] for p, m in zip(cands.provider, cands.model)]
        matched = cands[cands.creator.notna()].reset_index(drop=True)
        unmatched = cands[cands.creator.isna()][["alias", "alias_kind", "source", "provider", "model"]].copy()
        unmatched["reason"] = "no rule of pipelines.history.models places this id (no creator organisation, vendor or family)"
        deprecations = _deprecations()
        con.register("aliases_df", matched)
        con.register("unmatched_df", unmatched.reset_index(drop=True))
        con.register("deprecations", deprecations)
        con.execute("CREATE OR REPLACE TABLE marts.model_aliases AS SELECT * FROM aliases_df")
        con.execute("CREATE OR REPLACE TABLE marts.unmatched_aliases AS SELECT * FROM unmatched_df")
        warehouse.run(con, "marts_models")
        for v in ("aliases_df", "unmatched_df", "deprecations"):
            con.unregister(v)
        n_models = con.table("marts.models").aggregate("count(*)").fetchall()[0][0]
        preview = con.execute(
            """SELECT creator, model, len(sellers) AS sellers, n_aliases, first_seen, deprecation_date
               FROM marts.models ORDER BY len(sellers) DESC NULLS LAST LIMIT 10"""
        ).fetchdf()
        for t in ("marts.model_aliases", "marts.unmatched_aliases", "marts.models"):
            warehouse.export_parquet(con, t, data_dir.lake())
    context.log.info(f"{len(matched)} aliases of {n_models} models; {len(unmatched)} unmatched")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(matched),
            "models": n_models,
            "unmatched_aliases": len(unmatched),
            "preview": dg.MetadataValue.md(preview.to_markdown(index=False)),
        }
    )


def _deprecations():
    """(creator, canonical_model, deprecation_date) from LiteLLM's price map ``deprecation_date`` fields, first-party
    entries only (a reseller's date is about its own offer). Empty if the map is absent."""
    import json

    import pandas as pd

    from pipelines import config
    from pipelines.history.importers.litellm import canonical

    path = config.litellm_dir() / "model_prices_latest.json"
    rows = []
    if path.is_file():
        for key, entry in json.loads(path.read_text(encoding="utf-8")).items():
            if not isinstance(entry, dict) or not entry.get("deprecation_date"):
                continue
            provider, model = canonical(key, entry.get("litellm_provider", ""))
            placed = models.resolve(provider, model)
            if placed and placed[0] == provider:
                rows.append((*placed, str(entry["deprecation_date"])[:10]))
    df = pd.DataFrame(rows, columns=["creator", "canonical_model", "deprecation_date"])
    df["deprecation_date"] = pd.to_datetime(df["deprecation_date"], errors="coerce").dt.date
    return df.dropna().groupby(["creator", "canonical_model"], as_index=False)["deprecation_date"].min()


#: relative difference below which two sources' prices count as agreeing (rounding on pages, ECB rate days).
DISCREPANCY_TOLERANCE = 0.005


@dg.asset(
    key=dg.AssetKey(["marts", "price_discrepancies"]),
    group_name="marts",
    kinds={"duckdb", "parquet"},
    owners=["team:tokenprices"],
    deps=[price_history],
    pool="duckdb_warehouse",
)
def price_discrepancies(context, duckdb: DuckDBResource, data_dir: DataDirResource) -> dg.MaterializeResult:
    """Where sources disagree on the same price on the same day (a page vs a dataset, or a seller's CNY list vs its
    USD list after ECB conversion), with both values and the ratio; differences under 0.5% are agreement."""
    return _build(
        context, duckdb, data_dir, "marts.price_discrepancies", "marts_price_discrepancies",
        """SELECT day, provider, model, price_kind, source_a, currency_a, usd_a, source_b, currency_b, usd_b, ratio
           FROM marts.price_discrepancies ORDER BY abs(ln(ratio)) DESC LIMIT 12""",
        {"tolerance": DISCREPANCY_TOLERANCE},
    )


@dg.asset(
    key=dg.AssetKey(["marts", "price_structure"]),
    group_name="marts",
    kinds={"duckdb", "parquet"},
    owners=["team:tokenprices"],
    deps=[latest_prices],
    pool="duckdb_warehouse",
)
def price_structure(context, duckdb: DuckDBResource, data_dir: DataDirResource) -> dg.MaterializeResult:
    """How sellers structure a model's current prices: output/input ratio, cache-read discount, batch discount,
    long-context premium (and its threshold), and the CNY-vs-USD list gap after ECB conversion."""
    return _build(
        context, duckdb, data_dir, "marts.price_structure", "marts_price_structure",
        """SELECT provider, model, currency, output_input_ratio, cache_read_discount, batch_discount,
                  long_context_premium, cny_usd_gap
           FROM marts.price_structure WHERE provider IN ('openai', 'anthropic', 'google', 'deepseek')
           ORDER BY provider, model LIMIT 12""",
    )
