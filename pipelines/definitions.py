"""The Dagster code location of tokenprices: one ``Definitions``.

Jobs:
- ``scrape_job`` (daily partitioned): ``raw/page_snapshots`` -> ``staging/price_quotes`` with one blocking
  check per source.
- ``warehouse_job``: LiteLLM history import -> marts -> forecasts (unpartitioned; rebuilt from staging).
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

warehouse_job = dg.define_asset_job(
    "warehouse_job",
    selection=dg.AssetSelection.groups("marts", "forecasts")
    | dg.AssetSelection.assets(staging.litellm_price_history),
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
    assets=[
        raw.page_snapshots,
        staging.price_quotes,
        staging.litellm_price_history,
        marts.price_history,
        marts.latest_prices,
        marts.price_changes,
        marts.model_delistings,
        forecasts.market_index,
        forecasts.price_decline,
        forecasts.price_forecast,
    ],
    jobs=[scrape_job, warehouse_job],
    schedules=[nightly_scrape],
    sensors=[warehouse_after_scrape],
    resources=default_resources(),
)
