"""The Dagster code location of tokenprices: one ``Definitions``.

Jobs:
- ``scrape_job`` (daily partitioned): ``raw/page_snapshots`` -> ``staging/price_quotes`` with one blocking
  check per source.
- ``warehouse_job``: every other asset: dataset importers -> marts -> forecasts (unpartitioned; rebuilt from
  staging).
Schedule ``nightly_scrape`` runs ``scrape_job`` live at 02:00 UTC for that day's partition; the sensor
``warehouse_after_scrape`` runs ``warehouse_job`` after each successful scrape.

Operations (docs/operations.md): ``marts/latest_prices`` carries a freshness policy (warn after 26 h, fail after
36 h); the sensors ``run_summary``, ``notify_run_failure``, ``notify_stale_prices`` and ``notify_price_events``
(:mod:`pipelines.notify`) log each run's summary and post failures and price events to ``TOKENPRICES_WEBHOOK_URL``
when it is set. ``TOKENPRICES_EXECUTOR``
(``in_process`` default, ``multiprocess``, ``k8s``) picks the executor of both jobs.
"""


import datetime as dt

import dagster as dg

from assets import columns, forecasts, marts, raw, staging
from assets import offers, plans, workload  # billing offers and workload costs (issue 7); plans (issue 18)
from pipelines import config, notify
from pipelines.resources import default_resources


def executor_from_env() -> dg.ExecutorDefinition:
    """The executor of both jobs, from ``TOKENPRICES_EXECUTOR``: ``in_process`` (default: one process, the
    fastest on one machine), ``multiprocess`` (a process per step, one step at a time: every step writes the
    DuckDB file, which one process at a time may open) or ``k8s`` (a Kubernetes job per step; needs ``dagster-k8s`` and a
    warehouse every pod can reach, see docs/operations.md). Raises ValueError for another value and ImportError
    for ``k8s`` without ``dagster-k8s``."""
    name = config.executor_name()
    if name == "in_process":
        return dg.in_process_executor
    if name == "multiprocess":
        return dg.multiprocess_executor.configured({"max_concurrent": 1})
    if name == "k8s":
        from dagster_k8s import k8s_job_executor  # optional dependency: pip install dagster-k8s

        return k8s_job_executor
    raise ValueError(f"TOKENPRICES_EXECUTOR must be in_process, multiprocess or k8s, not {name!r}")


EXECUTOR = executor_from_env()

scrape_job = dg.define_asset_job(
    "scrape_job",
    selection=dg.AssetSelection.assets(raw.page_snapshots, staging.price_quotes),
    executor_def=EXECUTOR,
    description="Fetch every source for one UTC day, store raw snapshots, parse them into staging.price_quotes.",
)

#: every asset of the layer modules; a new asset in one of them is picked up without touching this file.
ALL_ASSETS = dg.load_assets_from_modules([raw, staging, marts, forecasts, offers, plans, workload])

warehouse_job = dg.define_asset_job(
    "warehouse_job",
    # everything that is not the daily scrape: importers, marts, forecasts (unpartitioned, rebuilt from staging)
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(raw.page_snapshots, staging.price_quotes),
    executor_def=EXECUTOR,
    description="Import LiteLLM history, rebuild the marts and Parquet copies, refit the forecasts.",
)

LIVE_RUN_CONFIG = {"resources": {"fetcher": {"config": {"mode": "live"}}}}


@dg.schedule(
    job=scrape_job,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Nightly live scrape at 02:00 UTC of that day's partition.",
)
def nightly_scrape(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Scrape live for the UTC day of the tick (partition key = that date)."""
    day = context.scheduled_execution_time.astimezone(dt.UTC).date().isoformat()
    return dg.RunRequest(run_key=day, partition_key=day, run_config=LIVE_RUN_CONFIG, tags={"fetch_mode": "live"})


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[scrape_job],
    request_job=warehouse_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="After a successful scrape, rebuild marts and forecasts.",
)
def warehouse_after_scrape(context: dg.RunStatusSensorContext):
    return dg.RunRequest(run_key=context.dagster_run.run_id)


LATEST_PRICES = dg.AssetKey(["marts", "latest_prices"])
#: marts/latest_prices is rebuilt after every nightly scrape (02:00 UTC); one missed night warns, two fail.
LATEST_PRICES_FAIL_WINDOW = dt.timedelta(hours=36)
LATEST_PRICES_FRESHNESS = dg.FreshnessPolicy.time_window(
    fail_window=LATEST_PRICES_FAIL_WINDOW, warn_window=dt.timedelta(hours=26)
)

def _catalog_spec(spec: dg.AssetSpec) -> dg.AssetSpec:
    """The freshness policy of marts/latest_prices, and every asset's column schema (:mod:`assets.columns`)."""
    if spec.key == LATEST_PRICES:
        spec = dg.apply_freshness_policy(spec, LATEST_PRICES_FRESHNESS)
    return columns.with_column_schema(spec)


defs = dg.Definitions(
    assets=dg.map_asset_specs(_catalog_spec, ALL_ASSETS),
    # the marts' invariants (warehouse_job runs them after their assets, in one step), the forecasts' calibration
    asset_checks=[*marts.CHECKS, *forecasts.CHECKS],
    jobs=[scrape_job, warehouse_job],
    schedules=[nightly_scrape],
    sensors=[warehouse_after_scrape, *notify.build_sensors(LATEST_PRICES, LATEST_PRICES_FAIL_WINDOW)],
    resources=default_resources(),
)
