"""Marts: the public SQL interface (effective-dated history, latest prices, price changes), plus Parquet copies."""


import datetime as dt

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines import config, warehouse
from pipelines.history import models
from pipelines.resources import DataDirResource

def delist_after() -> int:
    """Consecutive observations a model must be missing from its page before it counts as delisted
    (``TOKENPRICES_DELIST_AFTER``, default 3; :func:`pipelines.config.delist_after`)."""
    return config.delist_after()


def _build(context, duckdb: DuckDBResource, data_dir: DataDirResource, table: str, sql_name: str,
           params: dict | None = None, partition_by: tuple[str, ...] = ()):
    """Rebuild ``table`` with the SQL file ``sql_name``, export it to Parquet; its preview is the SQL file
    ``preview_<name>``."""
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        warehouse.run(con, sql_name, params)
        n = con.table(table).aggregate("count(*)").fetchall()[0][0]
        preview = warehouse.run(con, f"preview_{table.split('.')[1]}").fetchdf()
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
)
def price_history(context, duckdb: DuckDBResource, data_dir: DataDirResource) -> dg.MaterializeResult:
    """Effective-dated prices from every source (``valid_from`` inclusive, ``valid_to`` exclusive or NULL), one row
    per run of an unchanged price per (provider, model, price_kind, service_tier, tier_min_tokens, region,
    currency, source). Rules in ``warehouse/sql/marts_price_history.sql``."""
    return _build(
        context, duckdb, data_dir, "marts.price_history", "marts_price_history",
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
    """One row per price change within a source (old, new, changed_at, pct_change). Also rebuilds
    ``marts.price_events`` (changes, new models, announced future prices, each with when it was first noticed) and
    writes the Atom feed ``<data dir>/price_changes.atom``; the events this build added are in the metadata
    (``new_events``, ``announce``), which the ``notify_price_events`` sensor posts to the webhook
    (:mod:`pipelines.history.changes`)."""
    from pipelines.history import changes

    result = _build(context, duckdb, data_dir, "marts.price_changes", "marts_price_changes")
    now = dt.datetime.now(dt.UTC)
    feed = config.feed_path(data_dir.root())
    with duckdb.get_connection() as con:
        new, existed = changes.build(con, now)
        entries = changes.write_feed(con, feed, now.date(), now=now)
    context.log.info(f"marts.price_events: {len(new)} new events{'' if existed else ' (first build: none announced)'}; "
                     f"feed {feed} ({entries} entries)")
    new = new if existed else []
    by_provider: dict[str, int] = {}
    for e in new:
        by_provider[e["provider"]] = by_provider.get(e["provider"], 0) + 1
    announce = [{"provider": e["provider"], "text": changes.describe(e, now.date())}
                for e in new[: changes.ANNOUNCE_MAX]]
    return dg.MaterializeResult(metadata={
        **result.metadata,
        "new_events": len(new),
        "new_events_by_provider": dg.MetadataValue.json(by_provider),
        "announce": dg.MetadataValue.json(announce),
        "feed": dg.MetadataValue.path(str(feed)),
    })


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
        with warehouse.transaction(con):  # the three tables change together
            warehouse.run(con, "marts_model_aliases")
            warehouse.run(con, "marts_models")
        for v in ("aliases_df", "unmatched_df", "deprecations"):
            con.unregister(v)
        n_models = con.table("marts.models").aggregate("count(*)").fetchall()[0][0]
        preview = warehouse.run(con, "preview_models").fetchdf()
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
    )


# --------------------------------------------------------------------------------------------- invariants
# What the tests assert about the marts, checked after every build (non-blocking, severity ERROR: a failed check
# is shown in the UI and the run summary; the marts are still written, as they were before the checks). Each
# check's query is a SQL file returning the offending rows: none is a pass. The four are one step of the run
# (one connection): as four @asset_check steps they took 1.7 s of warehouse_job, most of it step overhead.

#: (asset, check name, SQL file, what a violation is, description)
INVARIANTS = [
    (price_history, "runs_do_not_overlap", "check_price_history_overlaps", "runs overlap the run before them",
     "No two runs of one price key and source are in force on the same day."),
    (price_history, "valid_from_before_valid_to", "check_price_history_valid_dates",
     "runs end on or before their first day", "Every run has a valid_from before its (exclusive) valid_to."),
    (latest_prices, "one_price_per_key", "check_latest_prices_unique", "price keys with more than one price in force",
     "At most one price in force per (provider, model, price_kind, service_tier, tier_min_tokens, region, currency, "
     "conditions)."),
    (price_changes, "records_a_change", "check_price_changes_change", "rows that are no change",
     "Every row has an old and a new amount, and they differ."),
]


def _invariant(con, sql_name: str, what: str) -> tuple[bool, dict, str | None]:
    cur = warehouse.run(con, sql_name)
    cols = [d[0] for d in cur.description]
    bad = cur.fetchall()
    meta = {"violations": len(bad)}
    if bad:
        meta["examples"] = dg.MetadataValue.md(
            "| " + " | ".join(cols) + " |\n|" + "---|" * len(cols) + "\n"
            + "\n".join("| " + " | ".join(str(v) for v in r) + " |" for r in bad[:10]))
    return not bad, meta, (f"{len(bad)} {what}" if bad else None)


@dg.multi_asset_check(
    specs=[dg.AssetCheckSpec(name, asset=asset, description=f"{doc} (warehouse/sql/{sql_name}.sql)")
           for asset, name, sql_name, _, doc in INVARIANTS],
    name="marts_invariants",
    can_subset=True,
    pool="duckdb_warehouse",
)
def marts_invariants(context: dg.AssetCheckExecutionContext, duckdb: DuckDBResource):
    """The marts' invariants: each selected check runs its SQL file; its rows are the violations."""
    with duckdb.get_connection() as con:
        for asset, name, sql_name, what, _ in INVARIANTS:
            key = dg.AssetCheckKey(asset.key, name)
            if key not in context.selected_asset_check_keys:
                continue
            passed, meta, description = _invariant(con, sql_name, what)
            yield dg.AssetCheckResult(asset_key=asset.key, check_name=name, passed=passed, metadata=meta,
                                      severity=dg.AssetCheckSeverity.ERROR, description=description)


#: the invariant checks of the marts (pipelines/definitions.py registers them).
CHECKS = [marts_invariants]
