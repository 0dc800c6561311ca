"""Staging layer: normalised price quotes parsed from the raw snapshots, and imported price histories."""


import datetime as dt
import hashlib
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.partitions import daily_partitions
from pipelines import config, incremental, warehouse
from pipelines.history.importers import genai_prices, litellm, live, openrouter_snapshots, overrides, sanity, simonw
from pipelines.history import drift
from pipelines.cost.offers import offer_rows
from pipelines.history.facts import page_rows
from pipelines.cost.plans import plan_rows
from pipelines.history.normalise import EcbRates, FxError, fx_warnings, quote_rows, refresh_rates, unit_price_rows
from pipelines.sources.registry import SOURCES, live_form_unproven
from pipelines.resources import DataDirResource, FetcherResource
from pipelines.sources.base import ParseError

PRICE_QUOTES = dg.AssetKey(["staging", "price_quotes"])
def _check_name(source: str) -> str:
    return f"{source}_parsed"


def _drift_check_name(source: str) -> str:
    return f"{source}_layout_drift"


PRICE_QUOTES_DOC = """Parse the partition's raw snapshots into ``staging.price_quotes``, one row per observed price.

    Per source, the latest snapshot of each URL in the partition is parsed and normalised to USD per 1M tokens
    (CNY/EUR at the ECB rate of the observation day). The source's rows of this partition are replaced in one
    transaction, so re-running a partition adds no duplicates. A page that fails to parse leaves that source's
    earlier rows intact and fails that source's check only.

    The same pass reads the billing offers of the sources that state them (``Source.parse_offers``: free quotas,
    free tiers, TPM packs, model units, promotions, batch discounts, regional uplifts) into
    ``staging.billing_offers``, replaced with the source's quotes: amounts as written, USD at the ECB rate of the
    observation day. Each blob is parsed once. A page whose offers cannot be read is logged as an error and gives
    no offers that day; its prices are still loaded (offers are not token prices, price-semantics.md). The model
    facts a page states (context window, maximum output, modalities, dates) go to ``staging.model_facts`` the same
    way (:mod:`pipelines.history.facts`).

    Each source has its blocking check ``<source>_parsed`` and a non-blocking ``<source>_layout_drift`` check,
    evaluated (with severity WARN) when a page of the source says something its parser did not understand: an
    unknown column, row, section or tab, an unreadable cell, a model id derived by the provider's naming rule. Its
    metadata lists those findings with their exact location; everything understood on the page loads, and the
    findings are also kept in ``staging.parse_runs.detail``. A run may select some of the checks (the asset is
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
    ]
    + [
        dg.AssetCheckSpec(
            name=_drift_check_name(name),
            asset=PRICE_QUOTES,
            blocking=False,
            description=(
                f"{name}: what its pages say that the parser did not understand (unknown columns, rows, sections, "
                "tabs, unreadable cells, model ids derived by the naming rule), listed for review. Non-blocking: "
                "evaluated only when there are findings; everything understood is loaded."
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
        # ECB rates: a live run fetches today's and stores them (raw.ecb_rates); every run converts with the stored
        # history beside the bundled one, and past its end with the newest rate (a warning, never a failed source)
        rates, notes = refresh_rates(con, fetcher.ecb_rates())
        for note in notes:
            (context.log.warning if note.startswith("warning:") else context.log.info)(note)
        snaps = warehouse.run(con, "partition_snapshots", {"partition_date": day}).fetchall()
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
                if dg.AssetCheckKey(PRICE_QUOTES, _drift_check_name(name)) in context.selected_asset_check_keys:
                    check_results.append(_layout_check(name, [], "no page of this source read this day"))
                continue
            try:  # any error in one source's read or parse fails that source's check; the others go on
                outcome = _parse_source(con, root, name, source, snapshots, day, live_fetch=fetcher.mode == "live",
                                        read=_blob_reader(root, source, day, fetcher, context.log), rates=rates)
            except Exception as exc:  # noqa: BLE001
                detail = f"{type(exc).__name__}: {exc}"
                outcome = {"quotes": [], "units": [], "runs": [], "quarantine": [], "problems": [detail],
                           "log": [f"{name}: {detail}"], "offers": [], "offer_problems": [], "layout": [], "facts": [],
                           "plans": []}
            for line in outcome["log"]:
                (context.log.error if outcome["problems"] else context.log.info)(line)
            for line in outcome["offer_problems"]:  # offers are not prices: a warning, listed for review
                context.log.warning(f"{name}: {line}")
            if not outcome["problems"]:
                part = {"partition_date": day, "source": name}
                with warehouse.transaction(con):
                    warehouse.replace(con, "staging.quarantine", outcome["quarantine"], part)
                    warehouse.replace(con, "staging.price_quotes", outcome["quotes"], part)
                    warehouse.replace(con, "staging.unit_prices", outcome["units"], part)
                    if source.parse_offers is not None:
                        warehouse.replace(con, "staging.billing_offers", outcome["offers"], part)
                    warehouse.replace(con, "staging.model_facts", outcome["facts"], part)
                    if source.plans:  # subscriptions and packs (issue 18), replaced with the source's quotes
                        warehouse.replace(con, "staging.billing_plans", outcome["plans"], part)
            for run in outcome["runs"]:
                warehouse.run(con, "insert_parse_run", {"partition_date": day, "source": name,
                                                        "code_version": incremental.code_version(), **run})
            if dg.AssetCheckKey(PRICE_QUOTES, _drift_check_name(name)) in context.selected_asset_check_keys:
                check_results.append(_layout_check(name, outcome["layout"]))
            models = {(r["provider"], r["model"]) for r in outcome["quotes"]}
            per_source[name] = (len(outcome["quotes"]), len(outcome["units"]), len(models), len(outcome["offers"]))
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
                        **({"offers": len(outcome["offers"]),
                            "unreadable_offers": dg.MetadataValue.json(outcome["offer_problems"])}
                           if source.parse_offers is not None else {}),
                        **({"plans": len(outcome["plans"])} if source.plans else {}),
                    },
                )
            )
        total, part = warehouse.run(con, "quote_counts", {"partition_date": day}).fetchone()
        preview = warehouse.run(con, "preview_price_quotes", {"partition_date": day}).fetchdf()
    yield dg.MaterializeResult(
        metadata={
            "dagster/row_count": total,
            "partition_rows": part,
            "per_source": dg.MetadataValue.json(
                {k: {"quotes": q, "unit_prices": u, "models": m, "offers": o} for k, (q, u, m, o) in per_source.items()}
            ),
            "preview": dg.MetadataValue.md(preview.to_markdown(index=False) if len(preview) else "(no quotes)"),
        },
    )
    # after the materialization, each with its asset key and name: Dagster then reads the materialization they
    # target once per check, not twice as for check results inside the MaterializeResult (~8 ms a read on SQLite)
    yield from check_results


def check_keys(names) -> set[dg.AssetCheckKey]:
    """The check keys of staging/price_quotes for these source names (a run's check selection): each source's
    blocking ``_parsed`` check and its non-blocking ``_layout_drift`` check."""
    return {dg.AssetCheckKey(PRICE_QUOTES, c(n)) for n in names for c in (_check_name, _drift_check_name)}


def selected_sources(context: dg.AssetExecutionContext) -> dict:
    """The sources (name -> Source, registry order) whose check the run selected. Raises dg.Failure when the run
    selected checks without the asset: a source's check is its parse and load, which only the materialization
    does."""
    if PRICE_QUOTES not in context.selected_asset_keys:
        raise dg.Failure(description="the checks of staging/price_quotes run with its materialization: select the asset")
    selected = context.selected_asset_check_keys
    return {n: s for n, s in SOURCES.items() if dg.AssetCheckKey(PRICE_QUOTES, _check_name(n)) in selected}


def _layout_check(name: str, layout: list[dict], reason: str | None = None) -> dg.AssetCheckResult:
    """The source's non-blocking ``<source>_layout_drift`` result: passed when its pages held nothing the parser
    did not understand; else failed with severity WARN, listing each finding with its exact location."""
    metadata = {
        "findings": len(layout),
        "model_id_rule": dg.MetadataValue.json(sorted({f["text"] for f in layout if f["kind"] == "model_id_rule"})),
        "detail": dg.MetadataValue.json(layout),
        # as text, for the run summary's line of this check (pipelines/notify.py)
        "problems": dg.MetadataValue.json([f"{f['kind']} at {f['where']}: {f['text']!r}" for f in layout][:20]),
    }
    if reason:
        metadata["reason"] = reason
    return dg.AssetCheckResult(asset_key=PRICE_QUOTES, check_name=_drift_check_name(name), passed=not layout,
                               severity=dg.AssetCheckSeverity.WARN, metadata=metadata)


class BlobError(RuntimeError):
    """A raw blob does not match its sha256 (or is missing) and could not be re-stored: not parsed."""


def _blob_reader(root, source, day: dt.date, fetcher: FetcherResource, log):
    """``read(root, sha) -> bytes``: the stored blob, verified against its sha256 (:func:`warehouse.read_blob`).
    A corrupt or missing blob is reported and never trusted: the source's documents are fetched again (the
    replay capture, or a live fetch of today) and a document with exactly that sha256 is stored in its place and
    used; without one :class:`BlobError` fails the source."""

    def read(root, sha: str) -> bytes:
        try:
            return warehouse.read_blob(root, sha)
        except (ValueError, FileNotFoundError) as exc:
            log.error(f"{source.name}: raw blob {sha} is corrupt or missing ({exc}); fetching it again")
            try:
                fresh = fetcher.client().fetch(source, day)
            except Exception as again:  # noqa: BLE001
                raise BlobError(f"raw blob {sha} is corrupt or missing and could not be fetched again: {again}") from exc
            for r in fresh:
                if r.body and hashlib.sha256(r.body).hexdigest() == sha:
                    warehouse.blob_path(root, sha).unlink(missing_ok=True)
                    warehouse.store_blob(root, r.body)
                    log.warning(f"{source.name}: raw blob {sha} re-stored from the {r.mode} fetch of {r.capture or r.url}")
                    return r.body
            raise BlobError(f"raw blob {sha} is corrupt or missing, and no fresh fetch of {source.name} has these "
                            "bytes (the page changed since): not parsed") from exc

    return read


def _parse_source(con, root, name: str, source, snapshots: list, day: dt.date, *, live_fetch: bool = False,
                  read=warehouse.read_blob, rates: EcbRates | None = None) -> dict:
    """Parse and normalise one source's snapshots of a partition (USD at ``rates``, the run's ECB rates) and run
    the drift guards.

    Returns ``quotes`` and ``units`` (rows for staging.price_quotes / staging.unit_prices), ``quarantine``
    (quotes held back with a ``reason``, for sources with ``quarantine_bad_rows``), ``offers`` (rows for
    staging.billing_offers, read from the same bodies by ``source.parse_offers``), ``runs`` (rows for
    staging.parse_runs, one per URL, ``detail`` a JSON list: :func:`pipelines.history.drift.run_detail`),
    ``problems`` (blocking; empty when the parse may be written), ``offer_problems`` (pages whose offers
    could not be read: logged, not blocking), ``layout`` (the pages' non-blocking findings, as
    ``{"url", "kind", "where", "text"}``) and ``log``.

    A live page of a source whose live form is unproven (no bundled capture of what its live URL serves:
    ``Source.live_proof`` empty) that fails to parse before any good parse of that URL is not a blocking problem but
    a ``live_form_review`` finding (status ``review`` in staging.parse_runs): its body is stored in the raw layer and
    listed by the non-blocking layout-drift check for someone to look at and bundle as the missing capture.
    """
    quotes, units, runs, problems, log, held, offers, offer_problems, layout = [], [], [], [], [], [], [], [], []
    facts: list[dict] = []
    plans: list[dict] = []
    previous_values = {
        tuple(r[:8]): r[8] for r in warehouse.run(con, "last_good_values", {"source": name, "partition_date": day}).fetchall()
    }
    for _, url, sha, fetched_at in snapshots:
        at = fetched_at.replace(tzinfo=dt.UTC)
        try:
            body = read(root, sha)
            page = source.read(body, url)  # prices, offers and findings in one pass
            where = {"source": name, "source_url": url, "observed_at": at, "snapshot_sha256": sha, "rates": rates}
            q = quote_rows(page.prices, **where)
            u = unit_price_rows(page.prices, **where)
            fx_notes = fx_warnings(q + u, at.date())
            pl = plan_rows(page.plans, **where)
        except (ParseError, FxError, BlobError) as exc:
            detail = f"{type(exc).__name__}: {exc}"
            if (live_fetch and isinstance(exc, ParseError) and live_form_unproven(source)
                    and warehouse.run(con, "last_good_parse", {"source": name, "url": url, "partition_date": day}).fetchone() is None):
                layout.append({"url": url, "kind": "live_form_review", "where": f"snapshot {sha}", "text": detail})
                log.append(f"{name}: {url} unproven live form, first fetch stored for review: {detail}")
                runs.append({"url": url, "snapshot_sha256": sha, "status": "review", "n_quotes": 0, "n_unit_prices": 0,
                             "n_models": 0, "detail": drift.run_detail([detail], [], kind="live_form_review")})
                continue
            problems.append(detail)
            log.append(f"{name}: {detail}")
            runs.append({"url": url, "snapshot_sha256": sha, "status": "parse_error", "n_quotes": 0,
                         "n_unit_prices": 0, "n_models": 0,
                         "detail": drift.run_detail([detail], [], kind="parse_error")})
            continue
        layout += [{"url": url, "kind": f.kind, "where": f.where, "text": f.text} for f in page.findings]
        if page.findings:
            log.append(f"{name}: {url} {len(page.findings)} layout findings (not loaded, listed by "
                       f"{_drift_check_name(name)}), e.g. {page.findings[0]}")
        # offers are not prices: one that cannot be read (a finding of Source.read) is listed, never blocking
        offer_problems += [f"{url}: offers unreadable: {f.text}" for f in page.findings if f.kind == "unreadable_offers"]
        try:
            offers += offer_rows(page.offers, **where)
        except (FxError, ValueError) as exc:
            offer_problems.append(f"{url}: offers unreadable: {type(exc).__name__}: {exc}")
        facts += page_rows(page.facts, source=name, source_url=url, observed_at=at, snapshot_sha256=sha)
        last = warehouse.run(con, "last_good_parse", {"source": name, "url": url, "partition_date": day}).fetchone()
        n_models = len({(r["provider"], r["model"]) for r in q} | {(r["provider"], r["model"]) for r in u})
        if source.quarantine_bad_rows:
            cache = drift.cache_read_problems(q)
            bad = [(r, drift.row_problem(r, previous_values) or cache.get(i)) for i, r in enumerate(q)]
            held += [{**r, "reason": why} for r, why in bad if why]
            q = [r for r, why in bad if not why]
            if held:
                log.append(f"{name}: {url} {len(held)} quotes quarantined, e.g. {held[0]['reason']}")
        found = drift.findings(
            q, n_models=n_models, previous_models=last[0] if last else None, previous_values=previous_values
        )
        runs.append({"url": url, "snapshot_sha256": sha, "status": "drift" if found else "ok", "n_quotes": len(q),
                     "n_unit_prices": len(u), "n_models": n_models,
                     "detail": drift.run_detail(found, page.findings, notes=fx_notes)})
        log += [f"{name}: {url} {n}" for n in fx_notes]
        if found:
            problems += [f"{url}: {f}" for f in found]
            log.append(f"{name}: {url} rejected (layout drift): {'; '.join(found[:3])}")
        else:
            log.append(f"{name}: {url} parsed {len(q)} quotes, {len(u)} unit prices, {n_models} models")
        quotes += q
        units += u
        plans += pl
        if pl:
            log.append(f"{name}: {url} {len(pl)} plans (subscriptions and packs)")
    return {"quotes": quotes, "units": units, "runs": runs, "problems": problems, "log": log, "quarantine": held,
            "offers": offers, "offer_problems": offer_problems, "layout": layout, "facts": facts,
            "plans": plans}


def import_runs(context, duckdb: DuckDBResource, source: str, rows: list[dict]) -> dg.MaterializeResult:
    """Load one dataset's runs: sanity rules first (quarantined runs kept with their reason), then replace the
    dataset's rows in ``staging.imported_price_runs`` / ``staging.quarantined_runs`` in one transaction."""
    kept, held = sanity.clean_runs(rows)
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        with warehouse.transaction(con):
            warehouse.replace(con, "staging.imported_price_runs", kept, {"source": source})
            warehouse.replace(con, "staging.quarantined_runs", held, {"source": source})
        n, models, first, last = warehouse.run(con, "imported_runs_summary", {"source": source}).fetchone()
        reasons = warehouse.run(con, "quarantine_reasons", {"source": source}).fetchdf()
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
    return config.genai_prices_dir()


def _live() -> bool:
    """``TOKENPRICES_IMPORT_LIVE=1``: importers fetch the datasets' current files from their public URLs."""
    return config.import_live()


def _optional_import(context, duckdb, module, what: str) -> dg.MaterializeResult:
    if _live() and module is simonw:
        folder, today = live.simonw_live()
        return import_runs(context, duckdb, module.SOURCE, module.read_runs(folder, as_of=today, commit="main"))
    folder = config.optional_dataset_dir(module.SOURCE)
    env = config.OPTIONAL_DATASET_ENV[module.SOURCE]
    if folder is None:
        note = (f"skipped: {what} has no licence to ship it, so it is read from a folder given at run time; "
                f"set {env} to the dataset folder to import it (rows already imported are kept)")
        context.log.info(note)
        with duckdb.get_connection() as con:  # the source's rows already in the table (0 if never imported)
            warehouse.ensure_schema(con)
            n = warehouse.run(con, "imported_runs_count", {"source": module.SOURCE}).fetchone()[0]
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
    return _optional_import(context, duckdb, simonw, "simonw/llm-prices")


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
    return _optional_import(context, duckdb, openrouter_snapshots, "the OpenRouter snapshot set")


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
    path = config.overrides_path()
    rows = overrides.read_runs(path)
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        warehouse.replace(con, "staging.imported_price_runs", rows, {"source": overrides.SOURCE})
    return dg.MaterializeResult(metadata={"dagster/row_count": len(rows), "file": dg.MetadataValue.path(str(path))})
