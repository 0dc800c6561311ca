"""Marts: the public SQL interface (effective-dated history, latest prices, price changes), plus Parquet copies."""


import datetime as dt

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines import config, warehouse
from pipelines.history import lookup, models
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
        return _publish(context, con, data_dir, table, partition_by)


def _publish(context, con, data_dir: DataDirResource, table: str, partition_by: tuple[str, ...] = ()):
    """Count ``table``, preview it (SQL file ``preview_<name>``), export it to Parquet: the asset's result."""
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
    key=dg.AssetKey(["marts", "source_price_history"]),
    group_name="marts",
    kinds={"duckdb", "parquet"},
    owners=["team:tokenprices"],
    deps=[dg.AssetKey(["staging", "price_quotes"]), dg.AssetKey(["staging", "litellm_price_history"]),
          dg.AssetKey(["staging", "genai_prices_history"]), dg.AssetKey(["staging", "simonw_llm_prices_history"]),
          dg.AssetKey(["staging", "openrouter_snapshots_history"]), dg.AssetKey(["staging", "price_overrides"])],
    pool="duckdb_warehouse",
)
def source_price_history(context, duckdb: DuckDBResource, data_dir: DataDirResource) -> dg.MaterializeResult:
    """Each source's own effective-dated prices (``valid_from`` inclusive, ``valid_to`` exclusive or NULL), one row
    per run of an unchanged price per (provider, model, price_kind, service_tier, tier_min_tokens, region,
    currency, conditions, source): the evidence that explains the reconciled ``marts.price_history``. Sources
    overlap here; for the price on a day read ``marts.price_history``. Rules in
    ``warehouse/sql/marts_source_price_history.sql``."""
    return _build(
        context, duckdb, data_dir, "marts.source_price_history", "marts_source_price_history",
        {"delist_after": delist_after()},
        partition_by=("provider",),  # the largest mart; most questions are about one seller
    )


@dg.asset(
    key=dg.AssetKey(["marts", "price_history"]),
    group_name="marts",
    kinds={"python", "duckdb", "parquet"},
    owners=["team:tokenprices"],
    deps=[source_price_history],
    pool="duckdb_warehouse",
)
def price_history(context, duckdb: DuckDBResource, data_dir: DataDirResource) -> dg.MaterializeResult:
    """The reconciled history: one true price per (provider, model, price_kind, service_tier, tier_min_tokens,
    region, currency, conditions) and day, one row per run, built from every source's evidence (the page runs of
    ``marts.source_price_history`` and every dataset key's runs) by the rules of
    :mod:`pipelines.history.reconcile` in one pass over ``warehouse/sql/price_evidence.sql``. Each run names the
    evidence that dated it (``source``), the sources that agree (``sources``, ``n_sources``) and the day it was last
    confirmed. ``tokenprices price``, ``marts.latest_prices`` and the forecasts read it."""
    today = dt.datetime.now(dt.UTC).date()
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        rows = lookup.history_rows(con, today)
        with warehouse.transaction(con):  # readers never see the table empty
            warehouse.run(con, "marts_price_history")
            warehouse.insert(con, "marts.price_history", rows)
        return _publish(context, con, data_dir, "marts.price_history", partition_by=("provider",))


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
    # marts.price_events also reads the plan price changes (marts.billing_plan_changes, assets/plans.py)
    deps=[source_price_history, dg.AssetKey(["marts", "billing_plan_changes"])],
    pool="duckdb_warehouse",
)
def price_changes(context, duckdb: DuckDBResource, data_dir: DataDirResource) -> dg.MaterializeResult:
    """One row per price change within a source (old, new, changed_at, pct_change). Also rebuilds
    ``marts.price_events`` (changes, new models, plan price changes, announced future prices, each with when it was
    first noticed) and
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
    key=dg.AssetKey(["marts", "model_facts"]),
    group_name="marts",
    kinds={"python", "duckdb", "parquet"},
    owners=["team:tokenprices"],
    deps=[dg.AssetKey(["staging", "price_quotes"])],
    pool="duckdb_warehouse",
)
def model_facts(context, duckdb: DuckDBResource, data_dir: DataDirResource) -> dg.MaterializeResult:
    """Context window, maximum output tokens, input/output modalities, deprecation and retirement dates of each
    seller's model, one row per (provider, model, fact, source) with its value, the text it was read from, source
    URL and date; ``chosen`` marks the one used (the seller's page or price API first, then genai-prices, then
    LiteLLM's map: ``warehouse/sql/marts_model_facts.sql``). Pages' facts come from ``staging.model_facts``; the
    datasets' from the bundled genai-prices feed and LiteLLM map (:mod:`pipelines.history.facts`)."""
    import pandas as pd

    from pipelines.history import facts

    rows, problems = [], []
    for what, read, where in (("LiteLLM", facts.litellm_rows, config.litellm_dir() / facts.LITELLM_FILE),
                              ("genai-prices", facts.genai_prices_rows, config.genai_prices_dir())):
        try:
            got, bad = read(where)
        except FileNotFoundError as exc:  # an optional folder: say so, load the other sources
            context.log.warning(f"model facts: no {what} facts ({exc})")
            continue
        rows += got
        problems += bad
    for p in problems[:20]:
        context.log.warning(f"model facts: not read: {p}")
    cols = ["provider", "model", "fact", "value", "stated", "source", "source_url", "as_of", "location"]
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        con.register("dataset_facts", pd.DataFrame(rows, columns=cols))
        try:
            warehouse.run(con, "marts_model_facts")
        finally:
            con.unregister("dataset_facts")
        n = con.table("marts.model_facts").aggregate("count(*)").fetchall()[0][0]
        preview = warehouse.run(con, "preview_model_facts").fetchdf()
        path = warehouse.export_parquet(con, "marts.model_facts", data_dir.lake())
    context.log.info(f"marts.model_facts: {n} rows, exported to {path}; {len(problems)} dataset values not read")
    return dg.MaterializeResult(metadata={
        "dagster/row_count": n,
        "not_read": len(problems),
        "not_read_examples": dg.MetadataValue.json(problems[:20]),
        "parquet": dg.MetadataValue.path(str(path)),
        "preview": dg.MetadataValue.md(preview.to_markdown(index=False) if len(preview) else "(empty)"),
    })


@dg.asset(
    key=dg.AssetKey(["marts", "model_aliases"]),
    group_name="marts",
    kinds={"python", "duckdb"},
    owners=["team:tokenprices"],
    deps=[source_price_history, model_delistings, model_facts],
    pool="duckdb_warehouse",
)
def model_aliases(context, duckdb: DuckDBResource, data_dir: DataDirResource) -> dg.MaterializeResult:
    """One model, many names. ``marts.model_aliases`` (alias, alias_kind, source, provider, model, creator,
    canonical_model): every name a source uses — seller ids, page display names, dataset keys such as
    ``gemini/gemini-2.5-pro``, OpenRouter ids such as ``openai/gpt-4o``, dated snapshots such as
    ``claude-3-5-haiku-20241022`` — joined to the model's identity (creator, model) by the exact rules of
    ``pipelines.history.models.resolve``. Names no rule places go to ``marts.unmatched_aliases``, never guessed.
    ``marts.models`` has one row per identity: display names, sellers, first/last seen, removal (taken off the
    creator's page) date, and its main facts from ``marts.model_facts`` (context window, maximum output,
    modalities, deprecation and retirement dates, each with its source)."""
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
        con.register("aliases_df", matched)
        con.register("unmatched_df", unmatched.reset_index(drop=True))
        with warehouse.transaction(con):  # the three tables change together
            warehouse.run(con, "marts_model_aliases")
            warehouse.run(con, "marts_models")
        for v in ("aliases_df", "unmatched_df"):
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


#: relative difference below which two sources' prices count as agreeing (rounding on pages, ECB rate days).
DISCREPANCY_TOLERANCE = 0.005


@dg.asset(
    key=dg.AssetKey(["marts", "price_discrepancies"]),
    group_name="marts",
    kinds={"duckdb", "parquet"},
    owners=["team:tokenprices"],
    deps=[source_price_history],
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
# check's query is a SQL file returning the offending rows: none is a pass. They are one step of the run
# (one connection): as four separate @asset_check steps they took 1.7 s of warehouse_job, most of it step overhead.

#: (asset, check name, SQL file, what a violation is, description)
INVARIANTS = [
    (price_history, "runs_do_not_overlap", "check_price_history_overlaps", "runs overlap the run before them",
     "One true price per key and day: no two reconciled runs of one price key are in force on the same day."),
    (price_history, "valid_from_before_valid_to", "check_price_history_valid_dates",
     "runs end on or before their first day, or were confirmed outside their span",
     "Every run has a valid_from before its (exclusive) valid_to, and was last confirmed within it."),
    (source_price_history, "runs_do_not_overlap", "check_source_price_history_overlaps",
     "runs overlap the run before them", "No two runs of one price key and source are in force on the same day."),
    (source_price_history, "valid_from_before_valid_to", "check_source_price_history_valid_dates",
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
