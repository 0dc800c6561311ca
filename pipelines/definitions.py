"""The Dagster code location of tokenprices: one ``Definitions``.

Jobs:
- ``scrape_job`` (daily partitioned): ``raw/page_snapshots`` -> ``staging/price_quotes`` with one blocking
  check per source.
- ``warehouse_job``: every other asset: dataset importers -> marts -> forecasts (unpartitioned; rebuilt from
  staging).
Schedule ``nightly_scrape`` runs ``scrape_job`` live at 02:00 UTC for that day's partition; the sensor
``warehouse_after_scrape`` runs ``warehouse_job`` after each successful scrape.
"""


import datetime as dt

import dagster as dg

from assets import forecasts, marts, raw, staging
from pipelines.resources import default_resources

scrape_job = dg.define_asset_job(
    "scrape_job",
    selection=dg.AssetSelection.assets(raw.page_snapshots, staging.price_quotes),
    executor_def=dg.in_process_executor,
    description="Fetch every source for one UTC day, store raw snapshots, parse them into staging.price_quotes.",
)

#: every asset of the layer modules; a new asset in one of them is picked up without touching this file.
ALL_ASSETS = dg.load_assets_from_modules([raw, staging, marts, forecasts])

warehouse_job = dg.define_asset_job(
    "warehouse_job",
    # everything that is not the daily scrape: importers, marts, forecasts (unpartitioned, rebuilt from staging)
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(raw.page_snapshots, staging.price_quotes),
    executor_def=dg.in_process_executor,
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


defs = dg.Definitions(
    assets=ALL_ASSETS,
    jobs=[scrape_job, warehouse_job],
    schedules=[nightly_scrape],
    sensors=[warehouse_after_scrape],
    resources=default_resources(),
)
