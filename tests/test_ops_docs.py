"""docs/sql.md is a cookbook of real questions: every query in it runs on a warehouse built by the real pipeline
and answers with rows."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

DOC = ROOT / "docs" / "sql.md"
QUERIES = re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_cookbook_has_ten_questions():
    assert len(QUERIES) >= 10
    assert len(re.findall(r"^## \d+\. ", DOC.read_text(encoding="utf-8"), re.M)) == len(QUERIES)


@pytest.mark.parametrize("n", range(len(QUERIES)), ids=lambda n: f"q{n + 1}")
def test_cookbook_query_answers(wh, n):
    rows = wh.execute(QUERIES[n]).fetchall()
    assert rows, f"query {n + 1} of docs/sql.md returned no rows"
