"""The ``tokenprices`` console script: parse a saved capture, query the warehouse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal

from tests.conftest import PAGES, ROOT

CLI = [sys.executable, "-m", "pipelines.cli.main"]


def run(*args, env=None):
    return subprocess.run([*CLI, *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def test_parse_prints_one_json_quote_per_line():
    out = run("parse", str(PAGES / "deepseek/2025-12-20_quick-start-pricing_zh-cn.md"),
              "--url", "https://api-docs.deepseek.com/zh-cn/quick_start/pricing", "--observed-at", "2025-12-20")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    chat_input = [r for r in rows if r["model"] == "deepseek-chat" and r["price_kind"] == "input"]
    assert len(chat_input) == 1
    q = chat_input[0]
    assert Decimal(q["original_amount"]) == 2 and q["original_currency"] == "CNY"
    assert q["fx_date"] == "2025-12-19" and q["source"] == "deepseek_pricing"
    assert Decimal(q["usd_per_mtok"]) == (Decimal(2) / (Decimal("8.2465") / Decimal("1.1712"))).quantize(Decimal("1e-12"))
    assert {"observed_at", "provider", "model_name", "service_tier", "tier_min_tokens", "original_unit",
            "fx_rate", "source_url", "snapshot_sha256"} <= set(q)


def test_parse_broken_page_exits_nonzero_naming_the_place(tmp_path):
    broken = tmp_path / "anthropic.html"
    page = (PAGES / "anthropic/2026-04-26_platform-claude-docs-pricing.html").read_bytes()
    broken.write_bytes(page.replace(b"$6.25 / MTok", b"$abc / MTok", 1))
    out = run("parse", str(broken), "--url", "https://platform.claude.com/docs/en/about-claude/pricing")
    assert out.returncode == 1 and out.stdout == ""
    assert "cannot parse" in out.stderr and "table" in out.stderr and "row" in out.stderr


def test_parse_unknown_url_is_a_clear_error(tmp_path):
    f = tmp_path / "x.html"
    f.write_text("<html></html>")
    out = run("parse", str(f), "--url", "https://example.com/pricing")
    assert out.returncode == 2 and "no source handles 'https://example.com/pricing'" in out.stderr


def test_sql_and_latest_on_built_warehouse(built):
    env = {"TOKENPRICES_WAREHOUSE": str(built[0])}
    out = run("sql", "SELECT count(*) AS n FROM marts.latest_prices WHERE model = 'claude-opus-4-7'", env=env)
    assert out.returncode == 0, out.stderr
    assert "│ n" in out.stdout or "┃ n" in out.stdout
    out = run("latest", "--provider", "anthropic", env=env)
    assert out.returncode == 0, out.stderr
    assert "claude-opus-4-7" in out.stdout and "anthropic_pricing" in out.stdout
    unknown = run("latest", "--provider", "nosuch", env=env)
    assert unknown.returncode == 1 and "no provider 'nosuch'" in unknown.stderr and "anthropic" in unknown.stderr
    bad = run("sql", "SELECT * FROM nope", env=env)
    assert bad.returncode == 1 and "nope" in bad.stderr


def test_sql_without_warehouse_says_what_to_do(tmp_path):
    out = run("sql", "SELECT 1", env={"TOKENPRICES_WAREHOUSE": str(tmp_path / "none.duckdb")})
    assert out.returncode != 0 and "make demo" in out.stderr


def test_docs_sources_is_up_to_date():
    from pipelines.cli.main import sources_markdown

    committed = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    assert committed.strip() == sources_markdown().strip(), "regenerate: tokenprices sources > docs/sources.md"
