"""`tokenprices check-pages DIR`: the morning-after tool of issue 19, on the bundled captures."""

from __future__ import annotations

import shutil

from pipelines.cli.main import main
from pipelines.sources.fetch import read_manifest
from tests.conftest import PAGES

JUL = ("openai/2026-07-27_developers-openai-pricing.html", "anthropic/2026-07-27_platform-claude-pricing.html")


def test_check_pages_on_the_bundled_captures(capsys):
    rc = main(["check-pages", str(PAGES)])
    out, err = capsys.readouterr()
    lines = [ln for ln in out.splitlines() if not ln.startswith("    ")]
    captures = read_manifest(PAGES)
    assert sorted(ln.split(": ", 1)[0] for ln in lines) == sorted(c.file for c in captures)
    errors = [ln for ln in lines if "ERROR" in ln]
    assert rc == (1 if errors else 0)  # non-zero only for a page that yields nothing
    assert f"{len(captures)} pages: {len(captures) - len(errors)} read, {len(errors)} yielding nothing" in err
    assert f"{JUL[0]}: openai_pricing 584 quotes, 19 other units, 99 models, 0 findings" in lines
    assert f"{JUL[1]}: anthropic_pricing 112 quotes, 3 other units, 18 models, 4 findings" in lines
    fable = [ln for ln in out.splitlines() if "'Claude Fable 5 -> claude-fable-5'" in ln]
    assert len(fable) == 1 and fable[0].startswith("    model_id_rule at table 0 (")
    assert "Model pricing') row 1 col 'Model'" in fable[0]


def test_check_pages_exit_status_only_fails_for_a_page_yielding_nothing(tmp_path, capsys):
    for f in JUL:
        (tmp_path / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PAGES / f, tmp_path / f)
    head = "file,provider,url,captured_on,date_is_estimate,kind\n"
    rows = (f"{JUL[0]},openai,https://developers.openai.com/api/docs/pricing,2026-07-27,false,raw html\n"
            f"{JUL[1]},anthropic,https://platform.claude.com/docs/en/about-claude/pricing,2026-07-27,false,raw html\n")
    (tmp_path / "manifest.csv").write_text(head + rows)
    assert main(["check-pages", str(tmp_path)]) == 0  # findings alone (the derived Claude ids) do not fail it
    capsys.readouterr()
    (tmp_path / "anthropic" / "empty.html").write_text("<html><body><h2>Pricing</h2><p>Contact sales.</p></body></html>")
    (tmp_path / "manifest.csv").write_text(
        head + rows + "anthropic/empty.html,anthropic,https://platform.claude.com/docs/en/about-claude/pricing,"
        "2026-07-28,false,raw html\n")
    assert main(["check-pages", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert "anthropic/empty.html: ERROR ParseError: " in out
    assert "3 pages: 2 read, 1 yielding nothing, 4 findings" in err
