"""Staging layer: normalised price quotes parsed from the raw snapshots, and imported price histories."""


import datetime as dt
import os
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.partitions import daily_partitions
from pipelines import config, incremental, warehouse
from pipelines.history.importers import genai_prices, litellm, live, openrouter_snapshots, overrides, sanity, simonw
from pipelines.history import drift
from pipelines.history.normalise import FxError, quote_rows, unit_price_rows
from pipelines.sources.registry import SOURCES
from pipelines.resources import DataDirResource, FetcherResource
from pipelines.sources.base import ParseError

PRICE_QUOTES = dg.AssetKey(["staging", "price_quotes"])
QUARANTINE_FIELDS = ("observed_at", "source", "provider", "model", "price_kind", "service_tier", "tier_min_tokens",
                     "region", "usd_per_mtok", "original_amount", "original_currency", "original_unit", "reason",
                     "source_url", "snapshot_sha256", "location")


def _check_name(source: str) -> str:
    return f"{source}_parsed"


QUOTE_COLUMNS = dg.TableSchema(
    columns=[
        dg.TableColumn("partition_date", "date", description="daily partition (UTC)"),
        dg.TableColumn("observed_at", "timestamp", description="UTC; capture date for replayed pages"),
        dg.TableColumn("source", "varchar"),
        dg.TableColumn("provider", "varchar", description="seller slug"),
        dg.TableColumn("model", "varchar", description="seller's API model id"),
        dg.TableColumn("model_name", "varchar", description="as shown on the page"),
        dg.TableColumn("price_kind", "varchar"),
        dg.TableColumn("service_tier", "varchar"),
        dg.TableColumn("tier_min_tokens", "bigint"),
        dg.TableColumn("region", "varchar"),
        dg.TableColumn("usd_per_mtok", "decimal(38,12)", description="USD per 1M tokens"),
        dg.TableColumn("original_amount", "decimal(38,12)"),
        dg.TableColumn("original_currency", "varchar"),
        dg.TableColumn("original_unit", "varchar"),
        dg.TableColumn("fx_rate", "decimal(38,18)", description="original currency per USD (ECB)"),
        dg.TableColumn("fx_date", "date"),
        dg.TableColumn("conditions", "varchar", description="e.g. an off-peak UTC window; NULL when none"),
        dg.TableColumn("source_url", "varchar"),
        dg.TableColumn("snapshot_sha256", "varchar"),
        dg.TableColumn("location", "varchar", description="table/row/cell on the page"),
    ]
)


PRICE_QUOTES_DOC = """Parse the partition's raw snapshots into ``staging.price_quotes``, one row per observed price.

    Per source, the latest snapshot of each URL in the partition is parsed and normalised to USD per 1M tokens
    (CNY/EUR at the ECB rate of the observation day). The source's rows of this partition are replaced in one
    transaction, so re-running a partition adds no duplicates. A page that fails to parse leaves that source's
    earlier rows intact and fails that source's check only.

    Each source has its blocking check ``<source>_parsed``. A run may select some of the checks (the asset is
    subsettable by check): then only those sources are parsed and loaded, and the others' rows are left as they
    are. ``tokenprices demo`` and ``tokenprices backfill`` select, for a replayed day, the sources with a capture
    that day; the nightly schedule and the UI select them all.
    """


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            PRICE_QUOTES,
            group_name="staging",
            kinds={"python", "duckdb"},
            owners=["team:tokenprices"],
            deps=[dg.AssetKey(["raw", "page_snapshots"])],
            description=PRICE_QUOTES_DOC,
            metadata={"dagster/column_schema": QUOTE_COLUMNS},
        )
    ],
    name="staging__price_quotes",
    partitions_def=daily_partitions,
    pool="duckdb_warehouse",
    can_subset=True,
    check_specs=[
        dg.AssetCheckSpec(
            name=_check_name(name),
            asset=PRICE_QUOTES,
            blocking=True,
            description=(
                f"{name}: its pages parsed, gave at least half the models of the last good parse, and every "
                "price is plausible (pipelines/history/drift.py). A failed check leaves the source's earlier rows intact."
            ),
        )
        for name in SOURCES
    ],
)
def price_quotes(
    context: dg.AssetExecutionContext,
    fetcher: FetcherResource,
    duckdb: DuckDBResource,
    data_dir: DataDirResource,
):
    day = dt.date.fromisoformat(context.partition_key)
    root = data_dir.root()
    check_results, per_source = [], {}
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        snaps = con.execute(
            """SELECT source, url, sha256, fetched_at FROM raw.page_snapshots WHERE partition_date = $d
               QUALIFY row_number() OVER (PARTITION BY source, url ORDER BY fetched_at DESC, ingested_at DESC) = 1
               ORDER BY source, url""",
            {"d": day},
        ).fetchall()
        by_source: dict[str, list] = {}
        for s in snaps:
            by_source.setdefault(s[0], []).append(s)
        for name, source in selected_sources(context).items():
            snapshots = by_source.get(name, [])
            if not snapshots:
                live = fetcher.mode == "live"
                check_results.append(
                    dg.AssetCheckResult(
                        asset_key=PRICE_QUOTES,
                        check_name=_check_name(name),
                        passed=not live,
                        metadata={"reason": "not fetched (see the raw.page_snapshots run log)" if live
                                  else "no capture of this source in the replay archive for this day"},
                    )
                )
                continue
            outcome = _parse_source(con, root, name, source, snapshots, day)
            for line in outcome["log"]:
                (context.log.error if outcome["problems"] else context.log.info)(line)
            if not outcome["problems"]:
                con.execute("BEGIN TRANSACTION")
                warehouse.run(con, "delete_partition_quotes", {"partition_date": day, "source": name})
                warehouse.run(con, "delete_partition_unit_prices", {"partition_date": day, "source": name})
                warehouse.run(con, "delete_partition_quarantine", {"partition_date": day, "source": name})
                warehouse.insert_rows(con, "insert_quarantine",
                                      [{k: r[k] for k in QUARANTINE_FIELDS} for r in outcome["quarantine"]],
                                      partition_date=day)
                warehouse.insert_rows(con, "insert_price_quote", outcome["quotes"], partition_date=day)
                warehouse.insert_rows(con, "insert_unit_price", outcome["units"], partition_date=day)
                con.execute("COMMIT")
            for run in outcome["runs"]:
                warehouse.run(con, "insert_parse_run", {"partition_date": day, "source": name,
                                                        "code_version": incremental.code_version(), **run})
            models = {(r["provider"], r["model"]) for r in outcome["quotes"]}
            per_source[name] = (len(outcome["quotes"]), len(outcome["units"]), len(models))
            check_results.append(
                dg.AssetCheckResult(
                    asset_key=PRICE_QUOTES,
                    check_name=_check_name(name),
                    passed=not outcome["problems"],
                    metadata={
                        "quotes": len(outcome["quotes"]),
                        "unit_prices": len(outcome["units"]),
                        "quarantined": len(outcome["quarantine"]),
                        "models": len(models),
                        "problems": dg.MetadataValue.json(outcome["problems"]),
                    },
                )
            )
        total = con.execute("SELECT count(*) FROM staging.price_quotes").fetchone()[0]
        part = con.execute("SELECT count(*) FROM staging.price_quotes WHERE partition_date = $d", {"d": day}).fetchone()[0]
        preview = con.execute(
            """SELECT provider, model, price_kind, service_tier, tier_min_tokens, usd_per_mtok, original_amount,
                      original_currency FROM staging.price_quotes WHERE partition_date = $d
               ORDER BY provider, model, price_kind LIMIT 12""",
            {"d": day},
        ).fetchdf()
    yield dg.MaterializeResult(
        metadata={
            "dagster/row_count": total,
            "partition_rows": part,
            "per_source": dg.MetadataValue.json(
                {k: {"quotes": q, "unit_prices": u, "models": m} for k, (q, u, m) in per_source.items()}
            ),
            "preview": dg.MetadataValue.md(preview.to_markdown(index=False) if len(preview) else "(no quotes)"),
        },
    )
    # after the materialization, each with its asset key and name: Dagster then reads the materialization they
    # target once per check, not twice as for check results inside the MaterializeResult (~8 ms a read on SQLite)
    yield from check_results


def check_keys(names) -> set[dg.AssetCheckKey]:
    """The check keys of staging/price_quotes for these source names (a run's check selection)."""
    return {dg.AssetCheckKey(PRICE_QUOTES, _check_name(n)) for n in names}


def selected_sources(context: dg.AssetExecutionContext) -> dict:
    """The sources (name -> Source, registry order) whose check the run selected. Raises dg.Failure when the run
    selected checks without the asset: a source's check is its parse and load, which only the materialization
    does."""
    if PRICE_QUOTES not in context.selected_asset_keys:
        raise dg.Failure(description="the checks of staging/price_quotes run with its materialization: select the asset")
    selected = context.selected_asset_check_keys
    return {n: s for n, s in SOURCES.items() if dg.AssetCheckKey(PRICE_QUOTES, _check_name(n)) in selected}


def _parse_source(con, root, name: str, source, snapshots: list, day: dt.date) -> dict:
    """Parse and normalise one source's snapshots of a partition and run the drift guards.

    Returns ``quotes`` and ``units`` (rows for staging.price_quotes / staging.unit_prices), ``quarantine``
    (quotes held back with a ``reason``, for sources with ``quarantine_bad_rows``), ``runs`` (rows for
    staging.parse_runs, one per URL), ``problems`` (empty when the parse may be written) and ``log``.
    """
    quotes, units, runs, problems, log, held = [], [], [], [], [], []
    previous_values = {
        tuple(r[:8]): r[8] for r in warehouse.run(con, "last_good_values", {"source": name, "partition_date": day}).fetchall()
    }
    for _, url, sha, fetched_at in snapshots:
        at = fetched_at.replace(tzinfo=dt.UTC)
        try:
            prices = source.parse(warehouse.read_blob(root, sha), url)
            q = quote_rows(prices, source=name, source_url=url, observed_at=at, snapshot_sha256=sha)
            u = unit_price_rows(prices, source=name, source_url=url, observed_at=at, snapshot_sha256=sha)
        except (ParseError, FxError) as exc:
            detail = f"{type(exc).__name__}: {exc}"
            problems.append(detail)
            log.append(f"{name}: {detail}")
            runs.append({"url": url, "snapshot_sha256": sha, "status": "parse_error", "n_quotes": 0,
                         "n_unit_prices": 0, "n_models": 0, "detail": detail})
            continue
        last = warehouse.run(con, "last_good_parse", {"source": name, "url": url, "partition_date": day}).fetchone()
        n_models = len({(r["provider"], r["model"]) for r in q} | {(r["provider"], r["model"]) for r in u})
        if source.quarantine_bad_rows:
            bad = [(r, drift.row_problem(r, previous_values)) for r in q]
            held += [{**r, "reason": why} for r, why in bad if why]
            q = [r for r, why in bad if not why]
            if held:
                log.append(f"{name}: {url} {len(held)} quotes quarantined, e.g. {held[0]['reason']}")
        found = drift.findings(
            q, n_models=n_models, previous_models=last[0] if last else None, previous_values=previous_values
        )
        runs.append({"url": url, "snapshot_sha256": sha, "status": "drift" if found else "ok", "n_quotes": len(q),
                     "n_unit_prices": len(u), "n_models": n_models, "detail": "; ".join(found) or None})
        if found:
            problems += [f"{url}: {f}" for f in found]
            log.append(f"{name}: {url} rejected (layout drift): {'; '.join(found[:3])}")
        else:
            log.append(f"{name}: {url} parsed {len(q)} quotes, {len(u)} unit prices, {n_models} models")
        quotes += q
        units += u
    return {"quotes": quotes, "units": units, "runs": runs, "problems": problems, "log": log, "quarantine": held}


def import_runs(context, duckdb: DuckDBResource, source: str, rows: list[dict]) -> dg.MaterializeResult:
    """Load one dataset's runs: sanity rules first (quarantined runs kept with their reason), then replace the
    dataset's rows in ``staging.imported_price_runs`` / ``staging.quarantined_runs`` in one transaction."""
    kept, held = sanity.clean_runs(rows)
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        con.execute("BEGIN TRANSACTION")
        warehouse.run(con, "replace_imported_runs", {"source": source})
        warehouse.run(con, "replace_quarantined_runs", {"source": source})
        warehouse.insert_rows(con, "insert_imported_run", kept)
        warehouse.insert_rows(con, "insert_quarantined_run", held)
        con.execute("COMMIT")
        n, models, first, last = con.execute(
            """SELECT count(*), count(DISTINCT provider || '/' || model), min(valid_from), max(valid_from)
               FROM staging.imported_price_runs WHERE source = $s""",
            {"s": source},
        ).fetchone()
        reasons = con.execute(
            """SELECT split_part(reason, ':', 1) AS reason, count(*) AS runs FROM staging.quarantined_runs
               WHERE source = $s GROUP BY 1 ORDER BY 2 DESC""",
            {"s": source},
        ).fetchdf()
    context.log.info(f"{source}: {n} runs for {models} models ({first}..{last}); {len(held)} quarantined")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": n,
            "models": models,
            "runs_read": len(rows),
            "quarantined": len(held),
            "quarantine_reasons": dg.MetadataValue.md(reasons.to_markdown(index=False) if len(reasons) else "(none)"),
            "first_valid_from": str(first),
            "last_valid_from": str(last),
        }
    )


@dg.asset(
    key=dg.AssetKey(["staging", "litellm_price_history"]),
    group_name="staging",
    kinds={"python", "duckdb"},
    owners=["team:tokenprices"],
    pool="duckdb_warehouse",
)
def litellm_price_history(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """LiteLLM's price-map history (2024-03 -> 2026-07, MIT) as effective-dated runs in
    ``staging.imported_price_runs`` (source ``litellm``): text-generation entries only, USD per token rescaled
    exactly to USD per 1M tokens, provider/model mapped by ``pipelines.history.importers.litellm.canonical``. The
    dataset's known mistakes (hour-long unit errors, per-character spikes, bulk removals that came back) are
    quarantined or merged by ``pipelines.history.importers.sanity``. Re-import replaces the source's rows (idempotent).
    """
    return import_runs(context, duckdb, "litellm", litellm.read_runs(config.litellm_dir()))


def _dataset_dir(env: str) -> Path | None:
    value = os.environ.get(env)
    return Path(value).expanduser() if value else None


@dg.asset(
    key=dg.AssetKey(["staging", "genai_prices_history"]),
    group_name="staging",
    kinds={"python", "duckdb"},
    owners=["team:tokenprices"],
    pool="duckdb_warehouse",
)
def genai_prices_history(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """pydantic/genai-prices v2 feed (MIT; ``seed/genai_prices/``, or ``TOKENPRICES_GENAI_PRICES_DIR``, or live from
    its public URL with ``TOKENPRICES_IMPORT_LIVE=1``) as runs of source ``genai_prices``: USD per 1M tokens, dated ``start_date`` variants, tiers, DeepSeek off-peak
    (rules: ``pipelines.history.importers.genai_prices``). Idempotent."""
    if _live():
        folder, today = live.genai_prices_live()
        context.log.info(f"genai_prices: fetched {live.GENAI_PRICES_URL}")
        return import_runs(context, duckdb, genai_prices.SOURCE,
                           genai_prices.read_runs(folder, as_of=today, commit="main"))
    return import_runs(context, duckdb, genai_prices.SOURCE, genai_prices.read_runs(_genai_dir()))


def _genai_dir() -> Path:
    return _dataset_dir("TOKENPRICES_GENAI_PRICES_DIR") or config.ROOT / "seed" / "genai_prices"


def _live() -> bool:
    """``TOKENPRICES_IMPORT_LIVE=1``: importers fetch the datasets' current files from their public URLs."""
    return os.environ.get("TOKENPRICES_IMPORT_LIVE", "") in ("1", "true", "yes")


def _optional_import(context, duckdb, env: str, module, what: str) -> dg.MaterializeResult:
    if _live() and module is simonw:
        folder, today = live.simonw_live()
        return import_runs(context, duckdb, module.SOURCE, module.read_runs(folder, as_of=today, commit="main"))
    folder = _dataset_dir(env)
    if folder is None:
        note = (f"skipped: {what} has no licence to ship it, so it is read from a folder given at run time; "
                f"set {env} to the dataset folder to import it (rows already imported are kept)")
        context.log.info(note)
        with duckdb.get_connection() as con:  # the source's rows already in the table (0 if never imported)
            warehouse.ensure_schema(con)
            n = con.execute("SELECT count(*) FROM staging.imported_price_runs WHERE source = $s",
                            {"s": module.SOURCE}).fetchall()[0][0]
        return dg.MaterializeResult(metadata={"skipped": note, "dagster/row_count": n})
    return import_runs(context, duckdb, module.SOURCE, module.read_runs(folder))


@dg.asset(
    key=dg.AssetKey(["staging", "simonw_llm_prices_history"]),
    group_name="staging",
    kinds={"python", "duckdb"},
    owners=["team:tokenprices"],
    pool="duckdb_warehouse",
)
def simonw_llm_prices_history(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """simonw/llm-prices (USD per 1M tokens, from_date/to_date) as runs of source ``simonw_llm_prices``, read from
    the folder in ``TOKENPRICES_SIMONW_DIR`` (the dataset has no licence and is not shipped); skipped, with a note,
    when it is not set. Rules: ``pipelines.history.importers.simonw``."""
    return _optional_import(context, duckdb, "TOKENPRICES_SIMONW_DIR", simonw, "simonw/llm-prices")


@dg.asset(
    key=dg.AssetKey(["staging", "openrouter_snapshots_history"]),
    group_name="staging",
    kinds={"python", "duckdb"},
    owners=["team:tokenprices"],
    pool="duckdb_warehouse",
)
def openrouter_snapshots_history(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """OpenRouter ``/api/v1/models`` snapshots 2024-03 -> 2025-02 (USD per token decimal strings, ``-1`` sentinel
    skipped) as runs of source ``openrouter_snapshots``, read from the folder in
    ``TOKENPRICES_OPENROUTER_SNAPSHOTS_DIR`` (no licence, not shipped); skipped, with a note, when it is not set."""
    return _optional_import(
        context, duckdb, "TOKENPRICES_OPENROUTER_SNAPSHOTS_DIR", openrouter_snapshots, "the OpenRouter snapshot set"
    )


@dg.asset(
    key=dg.AssetKey(["staging", "price_overrides"]),
    group_name="staging",
    kinds={"python", "duckdb"},
    owners=["team:tokenprices"],
    pool="duckdb_warehouse",
)
def price_overrides(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """A person's price corrections, ``overrides/price_overrides.csv`` (versioned; or ``TOKENPRICES_OVERRIDES``),
    as runs of source ``override``: they outrank every other source and survive every re-import. Not passed
    through the sanity rules: an override is deliberate."""
    path = Path(os.environ.get("TOKENPRICES_OVERRIDES") or config.ROOT / "overrides" / "price_overrides.csv")
    rows = overrides.read_runs(path)
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        con.execute("BEGIN TRANSACTION")
        warehouse.run(con, "replace_imported_runs", {"source": overrides.SOURCE})
        warehouse.insert_rows(con, "insert_imported_run", rows)
        con.execute("COMMIT")
    return dg.MaterializeResult(metadata={"dagster/row_count": len(rows), "file": dg.MetadataValue.path(str(path))})
