"""Price events (pipelines/history/changes.py): a real price change replayed between two capture days of Mistral's
pricing page appears in `tokenprices changes`, in the Atom feed and in a webhook POST to a server on 127.0.0.1;
announced future prices are upcoming, never current.

The two captures (seed/pages/manifest.csv): docs.mistral.ai/platform/pricing/ on 2024-04-01, line 45 of the text
capture: "Large mistral-large-latest 8$ / 1M tokens 24$ / 1M tokens 7.3€ / 1M tokens 22€ / 1M"; mistral.ai/pricing/api
on 2026-07-27: Mistral Large 3 (mistral-large-latest) $0.5 input, $1.5 output per 1M tokens (the card's data, as
tests/parsers/test_mistral.py reads them).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import xml.etree.ElementTree as ET
from decimal import Decimal

import dagster as dg
import duckdb
import pytest

from tests.conftest import PAGES, ROOT, replay_resources
from tests.test_history_marts import cli

ATOM = "{http://www.w3.org/2005/Atom}"
DAYS = ("2024-04-01", "2026-07-27")
LARGE_CUT = "mistral mistral-large-latest input: 8 -> 0.5 USD (-93.75%)"


@pytest.fixture(scope="module")
def two_days(tmp_path_factory):
    """A warehouse of two real Mistral captures, built day by day as the nightly runs would: (db, data dir,
    instance, materialization results of marts/price_changes after each day)."""
    from assets import marts, raw, staging

    tmp = tmp_path_factory.mktemp("two_days")
    archive = tmp / "pages"
    rows = [line for line in (PAGES / "manifest.csv").read_text(encoding="utf-8").splitlines()
            if line.startswith(("file,", "mistral/"))]
    assert len(rows) == 3, rows
    for line in rows[1:]:
        f = line.split(",")[0]
        (archive / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PAGES / f, archive / f)
    (archive / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    db, data = tmp / "w.duckdb", tmp / "data"
    res = replay_resources(db, data, archive=archive)
    instance = dg.DagsterInstance.ephemeral()
    builds = []
    for day in DAYS:
        assert dg.materialize([raw.page_snapshots, staging.price_quotes], partition_key=day, resources=res,
                              instance=instance).success
        assert dg.materialize([marts.source_price_history, marts.price_history, marts.price_changes], resources=res,
                              instance=instance).success
        builds.append(instance.get_latest_materialization_event(
            dg.AssetKey(["marts", "price_changes"])).asset_materialization)
    return db, data, instance, builds


def test_the_second_day_announces_the_price_cut(two_days):
    _, _, _, (first, second) = two_days
    # the first build of marts.price_events announces nothing (every event would be new)
    assert first.metadata["new_events"].value == 0
    assert second.metadata["new_events"].value > 0
    texts = [e["text"] for e in second.metadata["announce"].value]
    assert any(t.startswith(f"2026-07-27 {LARGE_CUT}, mistral_pricing https://mistral.ai/pricing/api") for t in texts)
    assert "2026-07-27 mistral mistral-large-latest output: 24 -> 1.5 USD (-93.75%)" in "\n".join(texts)


def test_changes_lists_it(two_days):
    db = two_days[0]
    out = cli((db,), "changes", "--since", "2026-07-01", "--provider", "Mistral", "--as-of", "2026-12-05",
              "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    cut = [e for e in doc["changes"] if e["model"] == "mistral-large-latest" and e["price_kind"] == "input"
           and e["currency"] == "USD" and e["kind"] == "price_change"]
    assert len(cut) == 1
    assert (cut[0]["old_amount"], cut[0]["new_amount"], cut[0]["effective"]) == ("8", "0.5", "2026-07-27")
    assert cut[0]["source_url"] == "https://mistral.ai/pricing/api"
    assert doc["upcoming"] == []
    text = cli((db,), "changes", "--since", "2026-07-01", "--as-of", "2026-12-05").stdout
    assert f"  2026-07-27 {LARGE_CUT}, mistral_pricing https://mistral.ai/pricing/api" in text
    # nothing of another seller, and nothing before --since
    assert cli((db,), "changes", "--since", "2026-07-01", "--provider", "openai").stdout.count("\n  ") == 0
    assert "2024-04-01" not in text


def test_the_atom_feed_has_it(two_days):
    data = two_days[1]
    feed = ET.parse(data / "price_changes.atom").getroot()
    assert feed.tag == f"{ATOM}feed" and feed.find(f"{ATOM}id").text == "tag:tokenprices,2026:price-events"
    entries = {e.find(f"{ATOM}title").text: e for e in feed.findall(f"{ATOM}entry")}
    entry = entries[f"2026-07-27 {LARGE_CUT}"]
    assert entry.find(f"{ATOM}link").get("href") == "https://mistral.ai/pricing/api"
    assert entry.find(f"{ATOM}updated").text.startswith("2026-07-27T00:00:00")
    assert json.loads(entry.find(f"{ATOM}content").text)["new_usd_per_mtok"] == "0.5"
    # newest first: the 2026 change before the 2024 first prices (new models)
    titles = list(entries)
    assert titles.index(f"2026-07-27 {LARGE_CUT}") < titles.index(
        "2024-04-01 new model mistral mistral-large-latest: input 8 USD")


def test_the_webhook_posts_it_for_the_chosen_sellers(two_days, httpserver, monkeypatch):
    from pipelines.definitions import defs

    instance = two_days[2]
    sensor = defs.resolve_sensor_def("notify_price_events")
    httpserver.expect_request("/hooks/prices", method="POST").respond_with_data("ok")
    monkeypatch.setenv("TOKENPRICES_WEBHOOK_URL", httpserver.url_for("/hooks/prices"))
    # another seller only: nothing is posted
    monkeypatch.setenv("TOKENPRICES_WEBHOOK_PROVIDERS", "openai, anthropic")
    ctx = dg.build_sensor_context(instance=instance)
    sensor(ctx)
    assert httpserver.log == []
    # Mistral: the latest build's events, once
    monkeypatch.setenv("TOKENPRICES_WEBHOOK_PROVIDERS", "mistral")
    ctx = dg.build_sensor_context(instance=instance)
    sensor(ctx)
    (req, _), = httpserver.log
    text = json.loads(req.get_data())["text"]
    assert text.startswith("tokenprices: ") and "price events" in text and "of mistral" in text
    assert f"2026-07-27 {LARGE_CUT}, mistral_pricing https://mistral.ai/pricing/api" in text
    sensor(dg.build_sensor_context(instance=instance, cursor=ctx.cursor))
    assert len(httpserver.log) == 1  # the same build is not announced twice


def test_announced_prices_are_upcoming_never_current(built):
    """genai-prices (seed/genai_prices, commit 47df840) announces gemini-3.6-flash at $1.50 input from 2027-01-01
    (0.75 before): an upcoming event, and marts.latest_prices (built today) holds the price in force today."""
    out = cli(built, "changes", "--since", "2026-12-01", "--provider", "google", "--as-of", "2026-12-05",
              "--format", "json")
    assert out.returncode == 0, out.stderr
    up = [e for e in json.loads(out.stdout)["upcoming"]
          if e["model"] == "gemini-3.6-flash" and e["price_kind"] == "input" and e["service_tier"] == "standard"]
    assert [(e["old_amount"], e["new_amount"], e["effective"], e["source"]) for e in up] == [
        ("0.75", "1.5", "2027-01-01", "genai_prices")]
    text = cli(built, "changes", "--since", "2026-12-01", "--provider", "google", "--as-of", "2026-12-05").stdout
    assert "  upcoming 2027-01-01 google gemini-3.6-flash input: 0.75 -> 1.5 USD (+100%), genai_prices" in text
    with duckdb.connect(str(built[0]), read_only=True) as wh:  # opened after the CLI's (sandboxed) connection
        in_force = wh.execute(
            """SELECT usd_per_mtok FROM marts.latest_prices WHERE provider = 'google' AND model = 'gemini-3.6-flash'
               AND price_kind = 'input' AND service_tier = 'standard' AND tier_min_tokens = 0 AND currency = 'USD'
               AND region = 'global' AND conditions = ''""").fetchall()
    today = dt.datetime.now(dt.UTC).date()
    assert in_force == [(Decimal("1.5") if today >= dt.date(2027, 1, 1) else Decimal("0.75"),)]


def test_docs_name_the_feed_and_the_setting():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "tokenprices changes --since" in readme and "price_changes.atom" in readme
    assert "TOKENPRICES_WEBHOOK_PROVIDERS" in (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
