"""Run summaries and webhook notifications (Slack-compatible JSON ``{"text": ...}``).

Off by default: nothing is sent unless ``TOKENPRICES_WEBHOOK_URL`` is set (any URL that accepts a JSON POST
with a ``text`` field: a Slack or Mattermost incoming webhook, a Teams workflow, your own endpoint). What is
sent:

- a failed run (any job of the code location): job, partition, the failed steps' errors, the failed checks
  with their findings, and a link to the run in the UI (``TOKENPRICES_UI_URL``, default
  ``http://127.0.0.1:3000``);
- a successful run with a failed asset check or a source that could not be fetched;
- every run's summary as well when ``TOKENPRICES_WEBHOOK_NOTIFY=all`` (default ``failures``);
- ``marts/latest_prices`` going stale (older than its freshness policy's fail window), once per stale
  materialization;
- price events: the price changes, new models, plan price changes and announced future prices a build of
  ``marts/price_changes`` found (:mod:`pipelines.history.changes`), of the sellers in ``TOKENPRICES_WEBHOOK_PROVIDERS`` (default all).

Every run's summary is also written to the sensor's log (Automation tab of the UI -> sensor -> tick log),
whether or not a webhook is configured. A notification never fails a run: a webhook that cannot be reached is
retried (3 attempts, 1 s then 2 s apart, 10 s timeout each) and then logged as a warning.

The summaries are read from the run's event log only (check evaluations, materialization metadata, the per-source
log lines), never from the DuckDB file, so a sensor never contends with a run for the warehouse lock.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import dagster as dg
import httpx

# the webhook settings are read in pipelines/config.py (the one module reading the environment)
from pipelines.config import (  # noqa: F401
    NOTIFY_ENV,
    UI_URL_ENV,
    WEBHOOK_ENV,
    notify_all,
    ui_url,
    webhook_providers,
    webhook_url,
)

log = logging.getLogger(__name__)

#: longest message sent; Slack accepts ~40k characters but a readable alert is short.
MAX_TEXT = 3500


def post_webhook(
    text: str,
    url: str | None = None,
    *,
    timeout_s: float = 10.0,
    attempts: int = 3,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """POST ``{"text": text}`` (JSON) to ``url`` (default: :func:`webhook_url`).

    Returns True when the endpoint answered 2xx, False when no webhook is configured or it failed. Retries
    timeouts, connection errors, 429 and 5xx (``attempts`` in all, 1 s, 2 s, ... apart); a 4xx other than 429
    is not retried. Never raises: an alert must not fail the run or sensor that sends it. ``text`` longer than
    :data:`MAX_TEXT` characters is cut with a marker.
    """
    url = url or webhook_url()
    if not url:
        return False
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 20] + "\n… (truncated)"
    for attempt in range(1, attempts + 1):
        try:
            resp = httpx.post(url, json={"text": text}, timeout=timeout_s,
                              headers={"User-Agent": "tokenprices-notify/0.1"})
        except httpx.HTTPError as exc:
            why = f"{type(exc).__name__}: {exc}"
        else:
            if resp.is_success:
                return True
            why = f"HTTP {resp.status_code}"
            if resp.status_code < 500 and resp.status_code != 429:
                log.warning("webhook %s refused the notification: %s", _redact(url), why)
                return False
        if attempt < attempts:
            sleep(float(2 ** (attempt - 1)))
    log.warning("webhook %s unreachable after %d attempts: %s", _redact(url), attempts, why)
    return False


def _redact(url: str) -> str:
    """The webhook URL without its path (Slack puts the secret token in the path)."""
    m = re.match(r"^([a-z]+://[^/]+)", url)
    return (m.group(1) + "/…") if m else "(webhook)"


# -- run summaries -------------------------------------------------------------------------------------------
@dataclass
class CheckOutcome:
    """One asset check evaluation of a run. ``quotes``/``models`` come from the scrape checks' metadata."""

    check_name: str
    asset: str
    passed: bool
    quotes: int | None = None
    models: int | None = None
    problems: list[str] = field(default_factory=list)
    reason: str | None = None
    #: ``ERROR`` or ``WARN`` (``dg.AssetCheckSeverity``): a failed WARN check (a source's layout findings) is a
    #: warning to read, not a failure of the run
    severity: str = "ERROR"


@dataclass
class RunReport:
    """What one run did, read from its event log (see :func:`run_report`).

    ``rows`` maps each materialized asset (``raw/page_snapshots``) to its ``dagster/row_count``;
    ``unchanged`` counts the 304 responses of a live scrape; ``fetch_failures`` maps source -> error;
    ``duration_s`` is wall time from run start to its end event (None while running).
    """

    run_id: str
    job_name: str
    status: str
    partition: str | None = None
    fetch_mode: str | None = None
    duration_s: float | None = None
    documents: int | None = None
    unchanged: int = 0
    fetch_failures: dict[str, str] = field(default_factory=dict)
    checks: list[CheckOutcome] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    step_errors: list[str] = field(default_factory=list)

    @property
    def failed_checks(self) -> list[CheckOutcome]:
        """Checks that failed with severity ERROR (the ones that mean something is wrong)."""
        return [c for c in self.checks if not c.passed and c.severity != "WARN"]

    @property
    def warned_checks(self) -> list[CheckOutcome]:
        """Checks that did not pass with severity WARN: something to review (layout findings), nothing lost."""
        return [c for c in self.checks if not c.passed and c.severity == "WARN"]

    @property
    def succeeded(self) -> bool:
        return self.status == "SUCCESS"

    @property
    def has_problems(self) -> bool:
        """A failed run, a failed check or a source that could not be fetched."""
        return not self.succeeded or bool(self.failed_checks) or bool(self.fetch_failures)

    def headline(self) -> str:
        what = self.job_name + (f" {self.partition}" if self.partition else "")
        took = f" in {self.duration_s:.1f}s" if self.duration_s is not None else ""
        state = "ok" if self.succeeded and not self.failed_checks else ("FAILED" if not self.succeeded else "ok with failed checks")
        return f"tokenprices {what}: {state}{took} (run {self.run_id[:8]})"

    def text(self, link_base: str | None = None) -> str:
        """The summary as plain text, a headline then one line per finding (Slack renders it as is)."""
        lines = [self.headline()]
        if self.documents is not None:
            mode = f" ({self.fetch_mode})" if self.fetch_mode else ""
            lines.append(f"documents: {self.documents} stored{mode}, {self.unchanged} unchanged (304), "
                         f"{len(self.fetch_failures)} sources not fetched")
        # counts are of the checks that can fail a source (severity ERROR); the WARN layout checks are listed apart
        blocking = [c for c in self.checks if c.severity != "WARN"]
        scrape_checks = [c for c in blocking if c.quotes is not None or c.reason or c.problems]
        if blocking:
            parsed = [c for c in scrape_checks if c.passed and c.quotes]
            quotes = sum(c.quotes or 0 for c in parsed)
            absent = [c for c in blocking if c.passed and not c.quotes and c.reason]
            lines.append(f"checks: {len(blocking) - len(self.failed_checks)} passed, {len(self.failed_checks)} failed"
                         + (f"; {len(parsed)} source{'s' if len(parsed) != 1 else ''} parsed {quotes:,} quotes"
                            if parsed else "")
                         + (f"; {len(absent)} without a capture/fetch" if absent else "")
                         + (f"; {len(self.warned_checks)} with layout findings to review" if self.warned_checks else ""))
            for c in parsed:
                lines.append(f"  ok      {c.check_name}: {c.quotes:,} quotes, {c.models} models")
        for c in self.failed_checks:
            detail = "; ".join(c.problems[:3]) or c.reason or "failed"
            lines.append(f"  FAILED  {c.check_name} ({c.asset}): {detail}")
        for c in self.warned_checks:
            lines.append(f"  REVIEW  {c.check_name} ({c.asset}): {'; '.join(c.problems[:3]) or c.reason or ''}")
        for source, err in self.fetch_failures.items():
            lines.append(f"  NOT FETCHED {source}: {err}")
        for err in self.step_errors:
            if self.failed_checks and "asset check failed" in err:
                continue  # the failed checks are listed above
            lines.append(f"  step error: {err}")
        if self.rows and not self.checks:
            lines.append("rows: " + ", ".join(f"{k} {v:,}" for k, v in self.rows.items()))
        if link_base:
            lines.append(f"{link_base}/runs/{self.run_id}")
        return "\n".join(lines)


_UNCHANGED = re.compile(r" 304 unchanged")


def _value(mv):
    return getattr(mv, "value", mv)


def run_report(instance: dg.DagsterInstance, run_id: str) -> RunReport:
    """Summarise run ``run_id`` from ``instance``'s event log: checks, fetch results, row counts, step errors.

    Raises KeyError when the instance has no such run.
    """
    run = instance.get_run_by_id(run_id)
    if run is None:
        raise KeyError(f"no run {run_id} in this Dagster instance")
    rep = RunReport(run_id=run_id, job_name=run.job_name, status=run.status.value,
                    partition=run.tags.get("dagster/partition"))
    start = end = None
    cursor = None
    while True:
        conn = instance.get_records_for_run(run_id, cursor=cursor, limit=1000)
        for record in conn.records:
            entry = record.event_log_entry
            ev = entry.dagster_event
            if ev is None:
                if _UNCHANGED.search(entry.user_message or ""):
                    rep.unchanged += 1
                continue
            kind = ev.event_type_value
            if kind == "PIPELINE_START" or kind == "RUN_START":
                start = entry.timestamp
            elif kind in ("PIPELINE_SUCCESS", "PIPELINE_FAILURE", "RUN_SUCCESS", "RUN_FAILURE", "PIPELINE_CANCELED",
                          "RUN_CANCELED"):
                end = entry.timestamp
            elif kind == "ASSET_CHECK_EVALUATION":
                e = ev.asset_check_evaluation_data
                md = {k: _value(v) for k, v in (e.metadata or {}).items()}
                problems = md.get("problems") or []
                rep.checks.append(CheckOutcome(
                    check_name=e.check_name, asset=e.asset_key.to_user_string(), passed=bool(e.passed),
                    quotes=md.get("quotes"), models=md.get("models"),
                    problems=[str(p) for p in problems] if isinstance(problems, list) else [str(problems)],
                    reason=md.get("reason"),
                    severity=getattr(e.severity, "value", str(e.severity)) if e.severity is not None else "ERROR",
                ))
            elif kind == "ASSET_MATERIALIZATION":
                m = ev.step_materialization_data.materialization
                md = {k: _value(v) for k, v in (m.metadata or {}).items()}
                key = m.asset_key.to_user_string()
                if "dagster/row_count" in md:
                    rep.rows[key] = int(md["dagster/row_count"])
                if key == "raw/page_snapshots":
                    rep.documents = int(md.get("documents_fetched", 0))
                    rep.fetch_mode = md.get("fetch_mode")
                    rep.fetch_failures.update(md.get("failed_sources") or {})
            elif kind == "STEP_FAILURE":
                err = ev.step_failure_data.error
                # the user's exception, not Dagster's wrapper around it (nor what the user's exception wraps)
                while err is not None and err.cause is not None and (err.cls_name or "").startswith("Dagster"):
                    err = err.cause
                msg = (err.message if err else ev.message or "").strip().splitlines()
                first = (msg[0] if msg else "failed").replace("dagster._core.errors.", "")
                rep.step_errors.append(f"{ev.step_key}: {first}")
                # a step that fetched nothing fails with the cause of each source (assets/raw.py)
                failure_md = getattr(ev.step_failure_data.user_failure_data, "metadata", None) or {}
                if "failed_sources" in failure_md:
                    rep.fetch_failures.update(_value(failure_md["failed_sources"]) or {})
        cursor = conn.cursor
        if not conn.has_more:
            break
    if start is not None and end is not None:
        rep.duration_s = end - start
    return rep


# -- sensors -------------------------------------------------------------------------------------------------
def price_events_text(metadata: dict, providers: frozenset[str] | None) -> str | None:
    """The message for one build of ``marts/price_changes`` (its metadata ``announce``, ``new_events_by_provider``),
    only the events of ``providers`` (None: all); None when there is none to announce."""
    by_provider = metadata.get("new_events_by_provider") or {}
    n = sum(c for p, c in by_provider.items() if providers is None or p in providers)
    if not n:
        return None
    lines = [e["text"] for e in metadata.get("announce") or [] if providers is None or e["provider"] in providers]
    head = (f"tokenprices: {n} new price event{'s' if n != 1 else ''} (price changes, new models, announced prices)"
            + (f" of {', '.join(sorted(providers))}" if providers else ""))
    more = [f"… and {n - len(lines)} more: tokenprices changes"] if n > len(lines) else []
    return "\n".join([head, *lines, *more])


def build_sensors(latest_prices_key: dg.AssetKey, fail_window: dt.timedelta,
                  price_changes_key: dg.AssetKey = dg.AssetKey(["marts", "price_changes"])) -> list[dg.SensorDefinition]:
    """The four notification sensors (all on by default; they only log while no webhook is set):

    - ``run_summary``: every successful run of the code location -> its summary in the sensor log; posted when a
      check failed or a source was not fetched (or always with ``TOKENPRICES_WEBHOOK_NOTIFY=all``);
    - ``notify_run_failure``: every failed run -> summary with errors and failed checks, posted;
    - ``notify_stale_prices``: every 10 minutes, posts once when ``latest_prices_key`` was last materialized
      more than ``fail_window`` ago (the same window as its freshness policy);
    - ``notify_price_events``: every materialization of ``price_changes_key`` that found new price events -> the
      events of the sellers in ``TOKENPRICES_WEBHOOK_PROVIDERS`` (all when unset), posted.
    """

    @dg.run_status_sensor(
        run_status=dg.DagsterRunStatus.SUCCESS,
        name="run_summary",
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Log each successful run's summary (sources parsed, quotes, checks, rows); post it to the "
                    "webhook when a check failed or a source was not fetched (TOKENPRICES_WEBHOOK_URL).",
    )
    def run_summary(context: dg.RunStatusSensorContext):
        rep = run_report(context.instance, context.dagster_run.run_id)
        text = rep.text(ui_url())
        context.log.info(text)
        if rep.has_problems or notify_all():
            post_webhook(text)

    @dg.run_failure_sensor(
        name="notify_run_failure",
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Post every failed run (errors, failed checks, link) to the webhook (TOKENPRICES_WEBHOOK_URL).",
    )
    def notify_run_failure(context: dg.RunFailureSensorContext):
        rep = run_report(context.instance, context.dagster_run.run_id)
        if not rep.step_errors and context.failure_event.message:
            rep.step_errors.append(context.failure_event.message.strip().splitlines()[0])
        text = rep.text(ui_url())
        context.log.error(text)
        post_webhook(text)

    @dg.sensor(
        name="notify_stale_prices",
        minimum_interval_seconds=600,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Post once when {latest_prices_key.to_user_string()} is older than its freshness window "
                    f"({fail_window}).",
    )
    def notify_stale_prices(context: dg.SensorEvaluationContext):
        event = context.instance.get_latest_materialization_event(latest_prices_key)
        if event is None:
            return dg.SkipReason(f"{latest_prices_key.to_user_string()} was never materialized")
        age = dt.timedelta(seconds=time.time() - event.timestamp)
        if age <= fail_window:
            return dg.SkipReason(f"fresh: materialized {age} ago")
        if context.cursor == repr(event.timestamp):
            return dg.SkipReason(f"stale for {age - fail_window}; already notified")
        text = (f"tokenprices: {latest_prices_key.to_user_string()} is stale: last materialized "
                f"{dt.datetime.fromtimestamp(event.timestamp, dt.UTC):%Y-%m-%d %H:%M} UTC, "
                f"{age.total_seconds() / 3600:.1f} h ago (limit {fail_window.total_seconds() / 3600:.0f} h). "
                f"Is the daemon running and the nightly_scrape schedule on?\n{ui_url()}/assets/"
                f"{latest_prices_key.to_user_string()}")
        context.log.warning(text)
        post_webhook(text)
        context.update_cursor(repr(event.timestamp))
        return dg.SkipReason(text)

    @dg.sensor(
        name="notify_price_events",
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Post the price changes, new models and announced prices each build of "
                    f"{price_changes_key.to_user_string()} found (sellers: TOKENPRICES_WEBHOOK_PROVIDERS, default all).",
    )
    def notify_price_events(context: dg.SensorEvaluationContext):
        # every materialization after the cursor, oldest first; the first evaluation starts at the latest one
        result = context.instance.fetch_materializations(
            price_changes_key, limit=1 if context.cursor is None else 20, cursor=context.cursor,
            ascending=context.cursor is not None)
        if not result.records:
            return dg.SkipReason(f"no new materialization of {price_changes_key.to_user_string()}")
        sent, providers = 0, webhook_providers()
        for record in result.records:
            md = {k: _value(v) for k, v in (record.asset_materialization.metadata or {}).items()}
            text = price_events_text(md, providers)
            if text:
                context.log.info(text)
                post_webhook(text)
                sent += 1
        context.update_cursor(result.cursor)
        return dg.SkipReason(f"{sent} of {len(result.records)} builds had price events to announce")

    return [run_summary, notify_run_failure, notify_stale_prices, notify_price_events]
