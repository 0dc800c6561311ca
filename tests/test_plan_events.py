"""Plan price changes are price events (kind ``plan_change``): in `tokenprices changes`, the Atom feed and the webhook.

Evidence: the bundled coding-plan snapshots (seed/coding_plans, MIT): the 2026-02-15 file lists Zhipu's
"GLM Coding Lite" at 49 CNY a month, the 2026-08-22 file at 118 CNY (providers[25] 'zhipu-ai', plans[0], source URL
https://bigmodel.cn/glm-coding; region cn-mainland); tests/test_plans.py reads the same interval change off marts.billing_plan_changes.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import dagster as dg
import duckdb

from tests.conftest import copy_warehouse, replay_resources
from tests.test_history_marts import cli

ATOM = "{http://www.w3.org/2005/Atom}"
LITE = "2026-08-22 zhipu GLM Coding Plan Lite per month cn-mainland: 49 -> 118 CNY (+140.816%)"
URL = "https://bigmodel.cn/glm-coding"


def test_changes_lists_the_lite_price_rise(built):
    out = cli(built, "changes", "--since", "2026-01-01", "--as-of", "2026-12-05", "--provider", "zhipu",
              "--kind", "plan_change", "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    lite = [e for e in doc["changes"] if e["plan"] == "Lite" and e["billing_period"] == "month"]
    assert len(lite) == 1
    e = lite[0]
    assert (e["kind"], e["model"], e["price_kind"], e["currency"]) == ("plan_change", "GLM Coding Plan",
                                                                       "subscription", "CNY")
    assert (e["old_amount"], e["new_amount"], e["effective"]) == ("49", "118", "2026-08-22")
    assert (e["source"], e["source_url"]) == ("coding_plans_snapshots", URL)
    # --kind plan_change lists plan changes only; the text line names seller, plan, period, prices and source
    assert {x["kind"] for x in doc["changes"] + doc["upcoming"]} == {"plan_change"}
    text = cli(built, "changes", "--since", "2026-08-01", "--as-of", "2026-12-05", "--kind", "plan_change").stdout
    assert f"  {LITE}, coding_plans_snapshots {URL}" in text.splitlines()
    # Pro and Max rose the same day (issue 18: ¥149 -> ¥538 and ¥469 -> ¥1078 a month)
    assert "  2026-08-22 zhipu GLM Coding Plan Pro per month cn-mainland: 149 -> 538 CNY (+261.074%)" in text
    assert "  2026-08-22 zhipu GLM Coding Plan Max per month cn-mainland: 469 -> 1078 CNY (+129.851%)" in text
    # token price kinds still exclude them
    other = cli(built, "changes", "--since", "2026-08-01", "--as-of", "2026-12-05", "--kind", "price_change").stdout
    assert "GLM Coding Plan" not in other


def test_the_atom_feed_has_it(built):
    feed = ET.parse(built[1] / "price_changes.atom").getroot()
    entries = {e.find(f"{ATOM}title").text: e for e in feed.findall(f"{ATOM}entry")}
    entry = entries[LITE]
    assert entry.find(f"{ATOM}link").get("href") == URL
    assert entry.find(f"{ATOM}updated").text.startswith("2026-08-22T00:00:00")
    assert {c.get("term") for c in entry.findall(f"{ATOM}category")} == {"zhipu", "plan_change"}
    content = json.loads(entry.find(f"{ATOM}content").text)
    assert (content["plan"], content["billing_period"], content["old_amount"], content["new_amount"]) == (
        "Lite", "month", "49", "118")


def test_an_older_events_table_gains_the_plan_events_and_the_webhook_posts_them(built, tmp_path, httpserver,
                                                                                  monkeypatch):
    """A warehouse whose marts.price_events predates plan events (no plan/billing_period columns, no plan rows):
    the next build of marts/price_changes adds the columns and announces the plan changes as new events."""
    from assets import marts
    from pipelines.definitions import defs

    db, data = copy_warehouse(built, tmp_path / "copy")
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM marts.price_events WHERE kind = 'plan_change'")
    con.execute("ALTER TABLE marts.price_events DROP COLUMN plan")
    con.execute("ALTER TABLE marts.price_events DROP COLUMN billing_period")
    con.close()
    instance = dg.DagsterInstance.ephemeral()
    assert dg.materialize([marts.price_changes], resources=replay_resources(db, data), instance=instance).success
    meta = instance.get_latest_materialization_event(
        dg.AssetKey(["marts", "price_changes"])).asset_materialization.metadata
    texts = [a["text"] for a in meta["announce"].value]
    assert f"{LITE}, coding_plans_snapshots {URL}" in texts
    con = duckdb.connect(str(db), read_only=True)
    # the token events kept their rows (a rebuild keeps what it still shows); only plan events were added
    assert con.execute("SELECT count(DISTINCT kind) FROM marts.price_events WHERE noticed_at = "
                       "(SELECT max(noticed_at) FROM marts.price_events)").fetchone() == (1,)
    assert con.execute("SELECT count(*) FROM marts.price_events WHERE kind = 'plan_change' AND plan IS NULL"
                       ).fetchone() == (0,)
    con.close()
    httpserver.expect_request("/hooks/prices", method="POST").respond_with_data("ok")
    monkeypatch.setenv("TOKENPRICES_WEBHOOK_URL", httpserver.url_for("/hooks/prices"))
    monkeypatch.setenv("TOKENPRICES_WEBHOOK_PROVIDERS", "zhipu")
    defs.resolve_sensor_def("notify_price_events")(dg.build_sensor_context(instance=instance))
    (req, _), = httpserver.log
    assert f"{LITE}, coding_plans_snapshots {URL}" in json.loads(req.get_data())["text"]
