"""End to end, as a user sees it: `tokenprices demo` builds a warehouse in a temp dir, `dg dev` serves the UI
and runs the daemon on 127.0.0.1, headless Chromium (Debian's package, driven by Playwright) opens the forecast
asset's page, a broken capture is replayed through the UI's run launcher, and Ctrl-C stops everything.

Run with ``make test-e2e`` (``pytest -m e2e tests/e2e``); excluded from the default run. Screenshots go to
``test-artifacts/e2e/``. Chromium is installed with apt when missing (as root; CI is root).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import httpx
import pytest

from pipelines.sources.registry import SOURCES
from tests.conftest import PAGES, ROOT
from tests.test_checks import GEMINI, _archive

pytestmark = pytest.mark.e2e

ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
BROKEN_DAY = "2026-04-27"
BROKEN_CHECK = "google_gemini_pricing_parsed"


def ensure_chromium() -> str:
    """Path of Debian's chromium; installs the package with apt-get when it is missing (needs root)."""
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found:
        return found
    if os.geteuid() != 0:
        pytest.fail("chromium is missing: run `apt-get update && apt-get install -y chromium` as root")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, timeout=900, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, timeout=1800, env=env)
    return shutil.which("chromium") or "/usr/bin/chromium"


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.posts.append(json.loads(body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class UI:
    url: str
    proc: subprocess.Popen
    env: dict
    tmp: Path
    hook: ThreadingHTTPServer
    chromium: str
    decline_factor: float
    headline: str
    log: Path
    state: dict = field(default_factory=dict)

    def gql(self, query: str, variables: dict | None = None) -> dict:
        r = httpx.post(f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, timeout=60)
        r.raise_for_status()
        body = r.json()
        assert "errors" not in body, body["errors"]
        return body["data"]


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    chromium = ensure_chromium()
    tmp = tmp_path_factory.mktemp("e2e")
    home = tmp / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    hook = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    hook.posts = []
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    port = _free_port()
    plots = tmp / "data" / "plots"
    plots.mkdir(parents=True)
    # the figures served beside the UI, as `make dev` does, so that the forecast page shows them inline
    plot_server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(plots)))
    threading.Thread(target=plot_server.serve_forever, daemon=True).start()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("TOKENPRICES_")},
           "DAGSTER_HOME": str(home), "TOKENPRICES_WAREHOUSE": str(tmp / "tokenprices.duckdb"),
           "TOKENPRICES_DATA_DIR": str(tmp / "data"),
           "TOKENPRICES_WEBHOOK_URL": f"http://127.0.0.1:{hook.server_address[1]}/hooks/test",
           "TOKENPRICES_UI_URL": f"http://127.0.0.1:{port}",
           "TOKENPRICES_PLOTS_URL": f"http://127.0.0.1:{plot_server.server_address[1]}"}

    demo = subprocess.run([sys.executable, "-m", "pipelines.cli.main", "demo"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=1800)
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    with duckdb.connect(env["TOKENPRICES_WAREHOUSE"], read_only=True) as con:
        factor, lo, hi, n = con.execute(
            "SELECT factor, ci_low, ci_high, n_obs FROM forecasts.price_decline WHERE series = 'matched_model_blended' "
            "ORDER BY method LIMIT 1").fetchone()
    # the headline as a person reads it, from the warehouse's own figures rounded to two decimals
    headline = f"falls {factor:.2f}× per year (95% CI {lo:.2f}–{hi:.2f}), {n} months"

    log = tmp / "dagster-dev.log"
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "dg"), "dev", "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT, env={**env, "VIRTUAL_ENV": str(Path(sys.executable).parents[1])}, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        # a process started from a non-interactive shell inherits SIGINT as ignored; Ctrl-C must reach it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    while True:
        assert proc.poll() is None, log.read_text()[-3000:]
        try:
            if httpx.get(f"{url}/server_info", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "UI did not answer /server_info in 240 s:\n" + log.read_text()[-3000:]
        time.sleep(0.5)
    u = UI(url, proc, env, tmp, hook, chromium, factor, headline, log)
    u.gql("mutation { setNuxSeen }")  # the community pop-up would cover the page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield u
    if proc.poll() is None:  # test_ctrl_c_stops_the_ui_cleanly did not run or failed
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    hook.shutdown()
    plot_server.shutdown()
    shutil.copy(log, ARTIFACTS / "dagster-dev.log")


def _repo(ui: UI) -> dict:
    return ui.gql("""{ repositoriesOrError { ... on RepositoryConnection { nodes { name location { name }
        schedules { name scheduleState { status } } sensors { name sensorState { status } } } } } }""")[
        "repositoriesOrError"]["nodes"][0]


def _checks(ui: UI) -> dict[str, str]:
    data = ui.gql("""{ assetNodes(assetKeys: [{path: ["staging", "price_quotes"]}]) { assetChecksOrError {
        ... on AssetChecks { checks { name executionForLatestMaterialization { status runId } } } } } }""")
    checks = data["assetNodes"][0]["assetChecksOrError"]["checks"]
    return {c["name"]: (c["executionForLatestMaterialization"] or {}).get("status") for c in checks}


def _browser(ui: UI):
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=ui.chromium, args=CHROMIUM_ARGS)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    return pw, browser, page


# -- tests, in order -----------------------------------------------------------------------------------------------
def test_schedule_and_sensors_are_on_and_daemon_healthy(ui):
    repo = _repo(ui)
    assert {s["name"]: s["scheduleState"]["status"] for s in repo["schedules"]} == {"nightly_scrape": "RUNNING"}
    ui.state["location"], ui.state["repository"] = repo["location"]["name"], repo["name"]  # for the tests after
    sensors = {s["name"]: s["sensorState"]["status"] for s in repo["sensors"]}
    assert sensors == {n: "RUNNING" for n in ("warehouse_after_scrape", "run_summary", "notify_run_failure",
                                              "notify_stale_prices", "notify_price_events")}
    # no live scrape from a test, whatever the hour: stop the nightly schedule now that it is shown as on
    sel = {"repositoryLocationName": repo["location"]["name"], "repositoryName": repo["name"],
           "scheduleName": "nightly_scrape"}
    sched = ui.gql("""query($s: ScheduleSelector!) { scheduleOrError(scheduleSelector: $s) {
        ... on Schedule { id scheduleState { id selectorId status } } } }""", {"s": sel})["scheduleOrError"]
    res = ui.gql("""mutation($id: String!) { stopRunningSchedule(id: $id) { __typename
        ... on ScheduleStateResult { scheduleState { status } } ... on PythonError { message } } }""",
                 {"id": sched["id"]})
    assert res["stopRunningSchedule"]["scheduleState"]["status"] == "STOPPED"

    deadline = time.monotonic() + 120
    while True:
        daemons = ui.gql("{ instance { daemonHealth { allDaemonStatuses { daemonType healthy required } } } }")[
            "instance"]["daemonHealth"]["allDaemonStatuses"]
        unhealthy = [d["daemonType"] for d in daemons if d["required"] and not d["healthy"]]
        if not unhealthy:
            break
        assert time.monotonic() < deadline, f"daemons not healthy: {unhealthy}"
        time.sleep(2)
    assert {"SCHEDULER", "SENSOR", "QUEUED_RUN_COORDINATOR", "FRESHNESS_DAEMON"} <= {d["daemonType"] for d in daemons}


def _forecast_metadata(ui: UI) -> dict:
    data = ui.gql("""{ assetOrError(assetKey: {path: ["forecasts", "price_forecast"]}) { ... on Asset {
        assetMaterializations(limit: 1) { runId metadataEntries { label __typename
          ... on FloatMetadataEntry { floatValue } ... on MarkdownMetadataEntry { mdStr }
          ... on TextMetadataEntry { text } ... on IntMetadataEntry { intValue }
          ... on TableMetadataEntry { table { records schema { columns { name } } } } } } } } }""")
    (mat,) = data["assetOrError"]["assetMaterializations"]
    return {e["label"]: e for e in mat["metadataEntries"]}


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def test_forecast_values_in_graphql(ui):
    md = _forecast_metadata(ui)
    labels = list(md)
    assert labels[:4] == ["headline", "quality-adjusted", "what the two figures mean", "plot"], labels
    assert md["headline"]["text"] == ui.headline
    assert md["decline_factor"]["floatValue"] == pytest.approx(ui.decline_factor, rel=1e-12)
    assert 0.5 < ui.decline_factor < 5
    # the figure is linked by URL (short markdown: the UI renders it inline), served beside the UI
    m = re.fullmatch(r"!\[[^\]]*\]\((http://127\.0\.0\.1:\d+/sha256/[0-9a-f]{16}\.png)\)", md["plot"]["mdStr"])
    assert m, md["plot"]["mdStr"]
    assert len(md["plot"]["mdStr"]) < 1000
    w, h = _png_size(httpx.get(m.group(1), timeout=10).content)
    assert w >= 700 and h >= 400
    assert md["dagster/row_count"]["intValue"] >= 12
    bt = md["backtest"]["table"]
    assert [c["name"] for c in bt["schema"]["columns"]][:5] == ["horizon", "origins", "model", "MAE (log)",
                                                                "MASE vs naive"]
    assert len(bt["records"]) == 3 and not any("nan" in r.lower() for r in bt["records"])
    assert len(labels) <= 30, labels


def test_forecast_page_in_chromium(ui):
    """The forecast page as it opens, no click: the rounded headline, the figure loaded, the backtest table."""
    pw, browser, page = _browser(ui)
    try:
        page.goto(f"{ui.url}/assets/forecasts/price_forecast", wait_until="networkidle", timeout=90_000)
        page.get_by_text("Metadata", exact=True).first.wait_for(timeout=60_000)
        page.get_by_text(ui.headline, exact=True).first.wait_for(timeout=30_000)
        plot_row = page.locator("tr", has=page.get_by_text("plot", exact=True)).first
        img = plot_row.locator("img").first
        img.wait_for(timeout=30_000)
        page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=img.element_handle(), timeout=30_000)
        width, height = img.evaluate("i => [i.naturalWidth, i.naturalHeight]")
        assert width >= 700 and height >= 400
        assert plot_row.get_by_text("[Show Markdown]").count() == 0
        # scroll the page, not the table sideways: the labels stay in view
        metadata = page.get_by_text("Metadata", exact=True).first
        metadata.scroll_into_view_if_needed()
        metadata.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / "price_forecast.png"))
        page.mouse.move(600, 600)
        page.mouse.wheel(0, 350)
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / "price_forecast_plot.png"))

        backtest_row = page.locator("tr", has=page.get_by_text("backtest", exact=True)).first
        table = backtest_row.locator("table").first
        table.wait_for(timeout=30_000)
        assert table.locator("tbody tr").count() == 3  # 3, 6 and 12 months, inline
        assert "MASE vs naive" in table.inner_text() and "nan" not in table.inner_text().lower()
        page.mouse.wheel(0, 400)
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / "price_forecast_backtest.png"))
    finally:
        browser.close()
        pw.stop()


def test_workload_cost_forecast_in_graphql_and_chromium(ui):
    """Issue 7: what each bundled workload will cost in 12 months, with its interval, on the asset's page."""
    data = ui.gql("""{ assetOrError(assetKey: {path: ["forecasts", "workload_cost_forecast"]}) { ... on Asset {
        assetMaterializations(limit: 1) { metadataEntries { label __typename
          ... on FloatMetadataEntry { floatValue } ... on MarkdownMetadataEntry { mdStr } } } } } }""")
    (mat,) = data["assetOrError"]["assetMaterializations"]
    md = {e["label"]: e for e in mat["metadataEntries"]}
    with duckdb.connect(ui.env["TOKENPRICES_WAREHOUSE"], read_only=True) as con:
        rows = con.execute("""SELECT profile, factor, yhat_12, lo95_12, hi95_12 FROM forecasts.workload_cost_decline
                              WHERE status = 'ok' ORDER BY profile""").fetchall()
    assert [r[0] for r in rows] == ["batch_summarisation", "chat_assistant", "rag_long_prompts"]
    for profile, factor, yhat, lo, hi in rows:
        assert md[f"decline_factor/{profile}"]["floatValue"] == pytest.approx(factor, rel=1e-12)
        assert md[f"cost_in_12_months/{profile}"]["floatValue"] == pytest.approx(yhat, rel=1e-12)
        assert md[f"lo95_in_12_months/{profile}"]["floatValue"] <= yhat <= md[f"hi95_in_12_months/{profile}"]["floatValue"]
        assert lo <= yhat <= hi
    b64 = re.search(r"data:image/png;base64,([A-Za-z0-9+/=]+)", md["plot"]["mdStr"])
    assert b64, md["plot"]["mdStr"][:200]
    w, h = _png_size(base64.b64decode(b64.group(1)))
    assert w >= 400 and h >= 200

    pw, browser, page = _browser(ui)
    try:
        page.goto(f"{ui.url}/assets/forecasts/workload_cost_forecast", wait_until="networkidle", timeout=90_000)
        page.get_by_text("Metadata", exact=True).first.wait_for(timeout=60_000)
        page.get_by_placeholder("Filter metadata keys").fill("cost_in_12_months")
        row = page.locator("tr", has=page.get_by_text("cost_in_12_months/chat_assistant", exact=True)).first
        row.wait_for(timeout=30_000)
        row.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "workload_cost_forecast.png"))
    finally:
        browser.close()
        pw.stop()


def test_checks_pass_and_latest_prices_is_fresh(ui):
    checks = _checks(ui)
    assert set(checks) == {f"{s}_parsed" for s in SOURCES} | {f"{s}_layout_drift" for s in SOURCES}
    parsed = {k: v for k, v in checks.items() if k.endswith("_parsed")}
    assert set(parsed.values()) == {"SUCCEEDED"}, {k: v for k, v in parsed.items() if v != "SUCCEEDED"}
    # the non-blocking layout checks: passed, or failed with severity WARN where a page has findings to review
    assert {v for k, v in checks.items() if k.endswith("_layout_drift")} <= {"SUCCEEDED", "FAILED"}
    deadline = time.monotonic() + 180
    while True:
        node = ui.gql("""{ assetNodes(assetKeys: [{path: ["marts", "latest_prices"]}]) {
            internalFreshnessPolicy { ... on TimeWindowFreshnessPolicy { failWindowSeconds warnWindowSeconds } }
            freshnessStatusInfo { freshnessStatus } } }""")["assetNodes"][0]
        status = (node["freshnessStatusInfo"] or {}).get("freshnessStatus")
        if status == "HEALTHY" or time.monotonic() > deadline:
            break
        time.sleep(3)
    assert node["internalFreshnessPolicy"] == {"failWindowSeconds": 36 * 3600, "warnWindowSeconds": 26 * 3600}
    assert status == "HEALTHY"


def test_broken_capture_fails_its_own_check_only(ui):
    good = (PAGES / GEMINI).read_bytes()
    broken = good.replace(b"$2.00, prompts <= 200k", b"$abc, prompts <= 200k", 1)
    assert broken != good
    archive = _archive(ui.tmp / "broken", broken)
    params = {
        "selector": {"repositoryLocationName": ui.state.get("location", "tokenprices"),
                     "repositoryName": ui.state.get("repository", "__repository__"), "jobName": "scrape_job"},
        "runConfigData": {"resources": {"fetcher": {"config": {"mode": "replay", "archive_dir": str(archive)}}}},
        "executionMetadata": {"tags": [{"key": "dagster/partition", "value": BROKEN_DAY}]},
    }
    launched = ui.gql("""mutation($p: ExecutionParams!) { launchRun(executionParams: $p) { __typename
        ... on LaunchRunSuccess { run { runId } } ... on PythonError { message }
        ... on RunConfigValidationInvalid { errors { message } } } }""", {"p": params})["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]
    deadline = time.monotonic() + 600
    while True:
        status = ui.gql("query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }",
                        {"id": run_id})["runOrError"]["status"]
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            break
        assert time.monotonic() < deadline, f"run {run_id} still {status}"
        time.sleep(2)
    assert status == "FAILURE"

    checks = _checks(ui)
    assert checks[BROKEN_CHECK] == "FAILED"
    assert {k: v for k, v in checks.items() if k != BROKEN_CHECK and k.endswith("_parsed")} == {
        f"{s}_parsed": "SUCCEEDED" for s in SOURCES if f"{s}_parsed" != BROKEN_CHECK}
    assert {v for k, v in checks.items() if k.endswith("_layout_drift")} <= {"SUCCEEDED", "FAILED"}

    pw, browser, page = _browser(ui)
    try:
        page.goto(f"{ui.url}/assets/staging/price_quotes?view=checks", wait_until="networkidle", timeout=90_000)
        page.get_by_text(BROKEN_CHECK).first.click(timeout=60_000)
        page.get_by_text("Failed", exact=True).first.wait_for(timeout=30_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(ARTIFACTS / "price_quotes_checks.png"))
        assert "openai_pricing_parsed" in page.inner_text("body")
        page.locator("tr", has_text="problems").get_by_text("[Show JSON]").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_text("$abc", exact=False).first.wait_for(timeout=30_000)  # the check's finding
        page.wait_for_timeout(1000)
        page.screenshot(path=str(ARTIFACTS / "price_quotes_check_problems.png"))
    finally:
        browser.close()
        pw.stop()

    # the daemon's run-failure sensor posts it to the webhook (sensors tick every ~30 s)
    deadline = time.monotonic() + 240
    while not any(run_id in p.get("text", "") for p in ui.hook.posts):
        assert time.monotonic() < deadline, f"no webhook post for run {run_id}; got {ui.hook.posts}"
        time.sleep(2)
    (post,) = [p for p in ui.hook.posts if run_id in p["text"]]
    (ARTIFACTS / "webhook_post.txt").write_text(post["text"] + "\n")
    lines = post["text"].splitlines()
    assert lines[0].startswith(f"tokenprices scrape_job {BROKEN_DAY}: FAILED")
    failed = [ln for ln in lines if "FAILED  " in ln]
    assert len(failed) == 1 and BROKEN_CHECK in failed[0] and "$abc" in failed[0]
    assert lines[-1] == f"{ui.url}/runs/{run_id}"


def _alive_in_group(pgid: int) -> list[str]:
    out = subprocess.run(["ps", "-o", "pid=,stat=,args=", "-g", str(pgid)], capture_output=True, text=True).stdout
    return [ln.strip()[:120] for ln in out.splitlines() if ln.split()[1][0] != "Z"]  # zombies are already dead


def test_ctrl_c_stops_the_ui_cleanly(ui):
    # Ctrl-C in a terminal sends SIGINT to the whole foreground process group: dg dev, webserver, daemon,
    # code server (started with start_new_session, the group is the UI's own)
    os.killpg(ui.proc.pid, signal.SIGINT)
    try:
        ui.proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("dg dev still running 60 s after SIGINT:\n" + ui.log.read_text()[-3000:])
    assert "Dagster services shut down" in ui.log.read_text()
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{ui.url}/server_info", timeout=2)
    deadline = time.monotonic() + 120  # a loaded 2-core machine: the code server can take a while
    while (alive := _alive_in_group(ui.proc.pid)) and time.monotonic() < deadline:
        time.sleep(1)
    assert alive == [], alive
