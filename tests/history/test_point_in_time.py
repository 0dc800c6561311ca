"""Point-in-time questions: what `tokenprices price NAME --at DATE` must answer, with the public evidence of each.

Every expected value was checked against the evidence written beside it before it was written here: a page capture
in seed/pages (file and capture date), a dataset row (seed/litellm_price_history: LiteLLM key, field, value and the
date the mirror first showed it; seed/genai_prices/data_v2.json), a dated move in overrides/alias_moves.csv or an
announcement in overrides/price_overrides.csv (URL). USD per 1M tokens, (input, output), standard tier, base context.
`None` means the honest answer is "no price on that date". Questions are asked on the warehouse the real pipeline
builds from the bundled data (tests/conftest.py `built`), through `pipelines.history.lookup.answer`, which is what
the `price` command prints.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

LL = "seed/litellm_price_history LiteLLM"

# (name, date, provider or None, region or None, expected (input, output) or None, evidence)
QUESTIONS: list[tuple[str, str, str | None, str | None, tuple[str, str] | None, str]] = [
    # --- OpenAI: launches, cuts, alias moves, snapshots
    ("gpt-4o", "2024-06-01", None, None, ("5", "15"),
     f"{LL} gpt-4o|openai input 5e-06 / output 1.5e-05 from 2024-05-22; launch https://openai.com/index/hello-gpt-4o/"),
    ("gpt-4o", "2024-10-15", None, None, ("2.5", "10"),
     "alias move gpt-4o -> gpt-4o-2024-08-06 on 2024-10-02 (overrides/alias_moves.csv, "
     "https://openai.com/index/introducing-structured-outputs-in-the-api/); LiteLLM followed only on 2024-11-14"),
    ("gpt-4o", "2025-06-01", None, None, ("2.5", "10"),
     f"{LL} gpt-4o|openai 2.5e-06 / 1e-05 from 2024-11-14; genai_prices openai/gpt-4o 2.5/10"),
    ("gpt-4o-2024-08-06", "2024-09-01", None, None, ("2.5", "10"),
     "launch 2024-08-06 at $2.50/$10 (https://openai.com/index/introducing-structured-outputs-in-the-api/, "
     "overrides/price_overrides.csv); LiteLLM lists it from 2024-09-07 at 2.5e-06 / 1e-05"),
    ("gpt-4o-2024-08-06", "2024-07-15", None, None, None,
     "the snapshot was released on 2024-08-06: no price of it before (not gpt-4o's)"),
    ("gpt-4o-2024-05-13", "2025-01-15", None, None, ("5", "15"),
     f"{LL} gpt-4o-2024-05-13|openai 5e-06 / 1.5e-05 from 2024-05-22, never changed"),
    ("gpt-4o-mini", "2024-08-01", None, None, ("0.15", "0.6"),
     f"{LL} gpt-4o-mini|openai 1.5e-07 / 6e-07 from 2024-07-18 (launch day)"),
    ("o3", "2025-05-01", None, None, ("10", "40"),
     f"{LL} o3|openai 1e-05 / 4e-05 from 2025-04-16; genai_prices o3 default 10/40"),
    ("o3", "2025-06-10", None, None, ("2", "8"),
     "genai_prices o3 variant start_date 2025-06-10 at 2/8 (earliest evidence; LiteLLM noticed on 2025-06-11)"),
    ("o3", "2025-08-01", None, None, ("2", "8"), f"{LL} o3|openai 2e-06 / 8e-06 from 2025-06-11"),
    ("gpt-4.1", "2025-05-01", None, None, ("2", "8"), f"{LL} gpt-4.1|openai 2e-06 / 8e-06 from 2025-04-14"),
    ("gpt-5", "2025-09-01", None, None, ("1.25", "10"), f"{LL} gpt-5|openai 1.25e-06 / 1e-05 from 2025-08-07"),
    ("gpt-5-mini", "2025-12-20", None, None, ("0.25", "2"),
     "seed/pages/openai/2025-12-20_platform-openai-docs-pricing.md standard table: gpt-5-mini $0.25 / $2.00"),
    ("gpt-5.1", "2025-12-20", None, None, ("1.25", "10"),
     "seed/pages/openai/2025-12-20_platform-openai-docs-pricing.md standard table: gpt-5.1 $1.25 / $10.00"),
    ("gpt-5.2", "2026-01-15", None, None, ("1.75", "14"), f"{LL} gpt-5.2|openai 1.75e-06 / 1.4e-05 from 2025-12-11"),
    ("gpt-3.5-turbo-0125", "2024-06-01", None, None, ("0.5", "1.5"),
     f"{LL} gpt-3.5-turbo-0125|openai 5e-07 / 1.5e-06 from 2024-03-26"),
    ("gpt-4-turbo", "2024-06-01", None, None, ("10", "30"), f"{LL} gpt-4-turbo|openai 1e-05 / 3e-05 from 2024-04-23"),
    ("o1", "2025-03-01", None, None, ("15", "60"), f"{LL} o1|openai 1.5e-05 / 6e-05 from 2025-01-14"),
    # --- Anthropic: page captures, aliases, the 3.5 Haiku price, identity of Claude sold elsewhere
    ("claude-3-5-haiku-latest", "2025-06-01", None, None, ("0.8", "4"),
     "alias of claude-3-5-haiku-20241022 (overrides/alias_moves.csv); LiteLLM claude-3-5-haiku-20241022 8e-07 / "
     "4e-06 from 2025-02-28 (the -latest key stayed at 1e-06 / 5e-06: lagging)"),
    ("claude-3-5-haiku-20241022", "2025-06-01", None, None, ("0.8", "4"),
     f"{LL} claude-3-5-haiku-20241022|anthropic 8e-07 / 4e-06 from 2025-02-28"),
    ("claude-3-opus-20240229", "2024-06-01", None, None, ("15", "75"),
     "seed/pages/anthropic/2024-04-01_anthropic-com-api-pricing_text.txt Opus $15 / $75; LiteLLM the same from 2024-03-26"),
    ("claude-3-opus", "2024-06-01", None, None, ("15", "75"),
     "Anthropic's own price (creator anthropic, not the Vertex resale): the 2024-04-01 page, Opus $15 / $75"),
    ("claude-3-haiku-20240307", "2024-04-01", None, None, ("0.25", "1.25"),
     "seed/pages/anthropic/2024-04-01_anthropic-com-api-pricing_text.txt Haiku $0.25 / $1.25 (capture date)"),
    ("claude-3-5-sonnet-20241022", "2025-01-01", None, None, ("3", "15"),
     f"{LL} claude-3-5-sonnet-20241022|anthropic 3e-06 / 1.5e-05 from 2024-10-24"),
    ("claude-3-7-sonnet-latest", "2025-03-01", None, None, ("3", "15"),
     "alias move -> claude-3-7-sonnet-20250219 on 2025-02-24 (overrides/alias_moves.csv); LiteLLM 3e-06 / 1.5e-05"),
    ("claude-sonnet-4-5", "2025-12-20", None, None, ("3", "15"),
     "seed/pages/anthropic/2025-12-20_docs-claude-about-claude-pricing.md: Claude Sonnet 4.5 $3 / $15"),
    ("claude-opus-4-5", "2025-12-20", None, None, ("5", "25"),
     "seed/pages/anthropic/2025-12-20_docs-claude-about-claude-pricing.md: Claude Opus 4.5 $5 / $25"),
    ("claude-haiku-4-5", "2025-12-20", None, None, ("1", "5"),
     "seed/pages/anthropic/2025-12-20_docs-claude-about-claude-pricing.md: Claude Haiku 4.5 $1 / $5"),
    ("claude-opus-4-7", "2026-04-26", None, None, ("5", "25"),
     "seed/pages/anthropic/2026-04-26_platform-claude-docs-pricing.html: Claude Opus 4.7 $5 / $25"),
    # --- Google: zero sentinels, a key whose mode changed later, cuts
    ("gemini-1.5-pro", "2024-06-01", None, None, None,
     f"{LL} gemini/gemini-1.5-pro|gemini 0 / 0 until 2024-06-17 is a placeholder for a paid model (paid from "
     "2024-07-18 at 3.5e-06): not a price; no other evidence of that date"),
    ("gemini-1.5-pro", "2024-08-01", None, None, ("3.5", "10.5"),
     f"{LL} gemini/gemini-1.5-pro|gemini 3.5e-06 / 1.05e-05 from 2024-07-18"),
    ("gemini-1.5-flash", "2024-08-01", None, None, ("0.35", "1.05"),
     f"{LL} gemini/gemini-1.5-flash|gemini 3.5e-07 / 1.05e-06 from 2024-07-01 (the key was relabelled later)"),
    ("gemini-1.5-flash", "2024-11-01", None, None, ("0.075", "0.3"),
     f"{LL} gemini/gemini-1.5-flash|gemini 7.5e-08 / 3e-07 from 2024-10-14"),
    ("gemini-2.0-flash", "2025-03-01", None, None, ("0.1", "0.4"),
     f"{LL} gemini/gemini-2.0-flash|gemini 1e-07 / 4e-07 from 2025-02-07 (its 1.5e-04 hours-long unit slip is not a price)"),
    ("gemini-2.5-pro", "2025-08-01", None, None, ("1.25", "10"),
     f"{LL} gemini/gemini-2.5-pro|gemini 1.25e-06 / 1e-05 from 2025-06-18"),
    ("gemini-2.5-pro", "2026-04-27", None, None, ("1.25", "10"),
     "seed/pages/gemini/2026-04-27_ai-google-dev-gemini-api-pricing.html: Gemini 2.5 Pro $1.25 / $10 (prompts <= 200k)"),
    # --- DeepSeek: a lagging dataset key, an announced cut, the page
    ("deepseek-chat", "2024-06-01", None, None, ("0.14", "0.28"),
     f"{LL} deepseek-chat|deepseek 1.4e-07 / 2.8e-07 from 2024-05-22"),
    ("deepseek-chat", "2025-03-01", None, None, ("0.27", "1.1"),
     f"{LL} deepseek/deepseek-chat|deepseek 2.7e-07 / 1.1e-06 from 2025-02-07"),
    ("deepseek-chat", "2025-10-15", None, None, ("0.28", "0.42"),
     "https://api-docs.deepseek.com/news/news250929 (cut effective 2025-09-29, overrides/price_overrides.csv) at the "
     "values of seed/pages/deepseek/2025-12-20_quick-start-pricing_en.md; LiteLLM's deepseek/deepseek-chat lagged at "
     "0.27 / 1.1 until 2026-01-13"),
    ("deepseek-chat", "2025-12-20", None, None, ("0.28", "0.42"),
     "seed/pages/deepseek/2025-12-20_quick-start-pricing_en.md: 1M input tokens (cache miss) $0.28, output $0.42"),
    ("deepseek-reasoner", "2025-03-01", None, None, ("0.55", "2.19"),
     f"{LL} deepseek/deepseek-reasoner|deepseek 5.5e-07 / 2.19e-06 from 2025-02-06"),
    ("deepseek-reasoner", "2026-02-01", None, None, ("0.28", "0.42"),
     f"{LL} deepseek-reasoner|deepseek 2.8e-07 / 4.2e-07 from 2026-01-13; the 2025-12-20 page"),
    # --- Mistral: a 2024 page capture must not mask later cuts
    ("mistral-large-latest", "2024-04-01", None, None, ("8", "24"),
     "seed/pages/mistral/2024-04-01_docs-mistral-platform-pricing_text.txt: mistral-large-latest 8$ / 24$"),
    ("mistral-large-latest", "2025-06-01", None, None, ("2", "6"),
     "alias move -> mistral-large-2411 on 2024-11-18 (overrides/alias_moves.csv); LiteLLM mistral/mistral-large-2411 "
     "and mistral/mistral-large-latest 2e-06 / 6e-06 from 2025-01-14"),
    ("mistral-large-latest", "2026-07-01", None, None, ("0.5", "1.5"),
     "alias move -> mistral-large-2512 on 2025-12-02 (https://mistral.ai/news/mistral-3); LiteLLM "
     "mistral/mistral-large-2512 and mistral/mistral-large-latest 5e-07 / 1.5e-06 from 2026-03-02"),
    ("mistral-small-latest", "2024-04-01", None, None, ("2", "6"),
     "seed/pages/mistral/2024-04-01_docs-mistral-platform-pricing_text.txt: mistral-small-latest 2$ / 6$"),
    ("mistral-small-latest", "2025-06-01", None, None, ("0.1", "0.3"),
     f"{LL} mistral/mistral-small-latest|mistral 1e-07 / 3e-07 from 2025-03-10"),
    # --- xAI
    ("grok-3", "2025-06-01", None, None, ("3", "15"), f"{LL} xai/grok-3|xai 3e-06 / 1.5e-05 from 2025-05-21"),
    ("grok-4", "2025-08-01", None, None, ("3", "15"), f"{LL} xai/grok-4|xai 3e-06 / 1.5e-05 from 2025-07-10"),
    ("grok-3-mini", "2025-07-01", None, None, ("0.3", "0.5"), f"{LL} xai/grok-3-mini|xai 3e-07 / 5e-07 from 2025-06-14"),
    ("grok-code-fast-1", "2025-10-01", None, None, ("0.2", "1.5"),
     f"{LL} xai/grok-code-fast-1|xai 2e-07 / 1.5e-06 from 2025-08-29"),
    # --- Moonshot
    ("kimi-k2-thinking", "2025-12-01", None, None, ("0.6", "2.5"),
     f"{LL} moonshot/kimi-k2-thinking|moonshot 6e-07 / 2.5e-06 from 2025-11-11"),
    ("kimi-k2-turbo-preview", "2025-12-10", None, None, ("1.15", "8"),
     f"{LL} moonshot/kimi-k2-turbo-preview|moonshot 1.15e-06 / 8e-06 from 2025-12-04"),
    # --- MiniMax: regional rows
    ("MiniMax-M2", "2025-12-20", None, None, ("0.3", "1.2"),
     "seed/pages/minimax/2025-12-20_pricing-pay-as-you-go_en.md: MiniMax-M2 $0.3 / $1.2 per M tokens (region intl)"),
    ("MiniMax-M2", "2025-12-20", None, "intl", ("0.3", "1.2"),
     "the same page, asked with --region intl"),
    ("MiniMax-M2", "2026-02-01", None, None, ("0.3", "1.2"),
     f"{LL} minimax/MiniMax-M2|minimax 3e-07 / 1.2e-06 from 2025-12-23"),
]


def usd_pair(res: dict, region: str | None) -> tuple[Decimal, Decimal] | None | str:
    """(input, output) in USD from an answer (global region first, else the only region with both); None when there
    is no answer; "ambiguous" when the sellers' ids answered disagree."""
    pairs = set()
    for a in res["answers"]:
        by_region: dict[str, dict] = {}
        for p in a["prices"]:
            if p["currency"] == "USD" and (region is None or p["region"] == region):
                by_region.setdefault(p["region"], {})[p["price_kind"]] = p["usd_per_mtok"]
        full = {r: v for r, v in by_region.items() if "input" in v and "output" in v}
        chosen = full.get("global") or (next(iter(full.values())) if len(full) == 1 else None)
        if chosen:
            pairs.add((chosen["input"].normalize(), chosen["output"].normalize()))
    if not pairs:
        return None
    return pairs.pop() if len(pairs) == 1 else "ambiguous"


def grade(ask, con, questions=QUESTIONS) -> dict[str, list]:
    """{'correct': [...], 'wrong': [...], 'missing': [...]} of the questions, ``ask(con, name, day, provider,
    region)`` returning what lookup.answer returns."""
    out: dict[str, list] = {"correct": [], "wrong": [], "missing": []}
    for name, day, provider, region, expected, _evidence in questions:
        got = usd_pair(ask(con, name, dt.date.fromisoformat(day), provider, region), region)
        want = None if expected is None else tuple(Decimal(v).normalize() for v in expected)
        verdict = "correct" if got == want else ("missing" if got is None else "wrong")
        out[verdict].append((name, day, region, expected, got))
    return out


def test_at_least_40_questions_over_every_first_party_seller():
    assert len(QUESTIONS) >= 40
    names = " ".join(q[0] for q in QUESTIONS)
    for family in ("gpt-", "claude-", "gemini-", "deepseek-", "mistral-", "grok-", "kimi-", "MiniMax-"):
        assert family in names
    assert all(q[5] for q in QUESTIONS), "every question carries its evidence"


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: f"{q[0]}@{q[1]}{'/' + q[3] if q[3] else ''}")
def test_point_in_time(built, q):
    from pipelines.history.lookup import answer

    name, day, provider, region, expected, evidence = q
    con = duckdb.connect(str(built[0]), read_only=True)
    try:
        res = answer(con, name, dt.date.fromisoformat(day), provider, region)
    finally:
        con.close()
    got = usd_pair(res, region)
    want = None if expected is None else tuple(Decimal(v).normalize() for v in expected)
    assert got == want, f"{name} on {day}: {got} != {want} ({evidence}); {res['error'] or res['answers']}"
