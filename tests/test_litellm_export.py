"""`tokenprices export --format litellm` read by LiteLLM itself (the optional extra ``litellm``, pinned in
pyproject.toml; `make venv` installs it, so `make test` and .ci/run run this file; skipped when it is missing).

LiteLLM reads its bundled map (LITELLM_LOCAL_MODEL_COST_MAP=True: nothing is downloaded). The export is registered
with ``litellm.register_model`` over that map, and ``litellm.cost_per_token`` must price gpt-4o, Claude Sonnet 4.5,
Gemini 2.5 Pro (over 200k prompt tokens, with cached input) and DeepSeek's deepseek-chat exactly as the warehouse
(marts.latest_prices) does, without breaking an entry LiteLLM priced before.
"""

from __future__ import annotations

import copy
import json
import logging
import math
import os
import re
import subprocess
import sys
from decimal import Decimal

import pytest

from pipelines.history.litellm_export import compare
from tests.test_history_marts import cli


@pytest.fixture(scope="module")
def litellm():
    """The ``litellm`` package, imported by the tests that use it (~9 s: not while collecting, in every worker);
    they skip when the optional extra is missing."""
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"  # before the import: LiteLLM reads it then
    module = pytest.importorskip("litellm", reason="the optional extra: pip install -e '.[litellm]' (make venv does)")
    logging.getLogger("LiteLLM").setLevel(logging.ERROR)  # register_model warns once per new key
    return module


@pytest.fixture(scope="module")
def exported(built, tmp_path_factory):
    path = tmp_path_factory.mktemp("litellm") / "map.json"
    out = cli(built, "export", "--format", "litellm", "--out", str(path))
    assert out.returncode == 0, out.stderr
    return json.loads(path.read_text())


def _looks_up(litellm, key) -> bool:
    try:
        litellm.get_model_info(key)
    except Exception:  # noqa: BLE001 - LiteLLM raises its own exception types
        return False
    return True


@pytest.fixture(scope="module")
def own_map(litellm):
    """LiteLLM's own bundled map, as it was before any test of this module registered the export over it."""
    return copy.deepcopy(dict(litellm.model_cost))


@pytest.fixture(scope="module")
def registered(litellm, exported, own_map):
    """(LiteLLM's own map, the export's keys LiteLLM looked up before) with the export registered over the map,
    once for the module (``register_model`` of ~3,500 entries takes ~40 s; the tests only read LiteLLM's state);
    LiteLLM's map is restored afterwards."""
    worked = {k for k in exported if k in own_map and _looks_up(litellm, k)}
    litellm.register_model(copy.deepcopy(exported))
    yield own_map, worked
    litellm.model_cost = copy.deepcopy(own_map)


def _price(wh, provider, model, kind, min_tokens=0) -> Decimal:
    """USD per token of one price in marts.latest_prices (global USD list, standard tier, no conditions)."""
    (usd,), = wh.execute(
        """SELECT usd_per_mtok FROM marts.latest_prices WHERE provider = ? AND model = ? AND price_kind = ?
           AND service_tier = 'standard' AND tier_min_tokens = ? AND region = 'global' AND currency = 'USD'
           AND conditions = ''""", [provider, model, kind, min_tokens]).fetchall()
    return usd / Decimal(1_000_000)


def _cost(litellm, model, prompt, completion, cached=0) -> float:
    from litellm.types.utils import Usage

    prompt_cost, completion_cost = litellm.cost_per_token(
        model=model, usage_object=Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion,
                                        prompt_tokens_details={"cached_tokens": cached} if cached else None))
    return prompt_cost + completion_cost


@pytest.mark.parametrize("key,provider,model,cache", [
    ("gpt-4o", "openai", "gpt-4o", True),
    ("claude-sonnet-4-5", "anthropic", "claude-sonnet-4-5", True),
    ("gemini/gemini-2.5-pro", "google", "gemini-2.5-pro", True),
    ("deepseek/deepseek-chat", "deepseek", "deepseek-chat", True),
])
def test_litellm_prices_like_the_warehouse(litellm, registered, wh, key, provider, model, cache):
    inp, out = _price(wh, provider, model, "input"), _price(wh, provider, model, "output")
    want = 12_000 * inp + 3_000 * out
    assert math.isclose(_cost(litellm, key, 12_000, 3_000), float(want), rel_tol=1e-12)
    cached = _price(wh, provider, model, "cache_read")
    want = 8_000 * inp + 4_000 * cached + 3_000 * out
    assert math.isclose(_cost(litellm, key, 12_000, 3_000, cached=4_000), float(want), rel_tol=1e-12)


def test_gemini_25_pro_over_200k_with_cached_input(litellm, registered, wh):
    """Google's page: gemini-2.5-pro input $1.25 / $2.50 over 200k prompt tokens, output $10 / $15, cached input
    $0.125 / $0.25 (the warehouse's values, read off the bundled capture of ai.google.dev/gemini-api/docs/pricing)."""
    above = {k: _price(wh, "google", "gemini-2.5-pro", k, 200_000) for k in ("input", "output", "cache_read")}
    assert above == {"input": Decimal("2.5e-6"), "output": Decimal("15e-6"), "cache_read": Decimal("0.25e-6")}
    want = 200_000 * above["input"] + 50_000 * above["cache_read"] + 10_000 * above["output"]
    assert math.isclose(_cost(litellm, "gemini/gemini-2.5-pro", 250_000, 10_000, cached=50_000), float(want), rel_tol=1e-12)
    # at 200k or under, the base prices
    base = {k: _price(wh, "google", "gemini-2.5-pro", k) for k in ("input", "output", "cache_read")}
    want = 150_000 * base["input"] + 50_000 * base["cache_read"] + 10_000 * base["output"]
    assert math.isclose(_cost(litellm, "gemini/gemini-2.5-pro", 200_000, 10_000, cached=50_000), float(want), rel_tol=1e-12)


def test_the_export_breaks_no_entry_litellm_priced(litellm, registered, exported):
    """Registered over LiteLLM's own map, the export leaves every price of an entry it does not name as it was, and
    the keys LiteLLM looked up before (about 2,000 of the export's) are still looked up. Before: 19 Gemini entries
    stopped working. Two legacy keys still do (measured with 1.110.2): `computer-use-preview`, Azure's in LiteLLM's
    bundled history and OpenAI's in 1.110.2, and `azure/mistral-large-2402`, which LiteLLM's bulk registration of
    its variants unmaps; neither is a model LiteLLM's current map prices for its own seller."""
    own, worked = registered
    assert len(worked) > 1500
    broken = [k for k in worked if not _looks_up(litellm, k)]
    assert set(broken) <= {"computer-use-preview", "azure/mistral-large-2402"}, broken
    assert not [k for k in worked if "gemini" in k and not _looks_up(litellm, k)]

    def prices(entry):
        return {f: v for f, v in dict(entry).items() if isinstance(v, float)}

    assert not [k for k in own if k not in exported and prices(litellm.model_cost[k]) != prices(own[k])]


def test_every_field_is_one_litellm_reads(litellm, exported, own_map):
    from litellm.types.utils import ModelInfoBase

    fields = {f for e in exported.values() for f in e} - {"litellm_provider", "mode", "source", "metadata"}
    assert "cache_read_input_token_cost_above_200k_tokens" in fields and "input_cost_per_token_batches" in fields
    # a field of LiteLLM's ModelInfo or of its map, or a rate its cost calculator reads for any threshold and tier
    # (litellm_core_utils/llm_cost_calc/utils.py: <rate>[_above_<N>k_tokens][_batches|_priority|_flex])
    tiered = re.compile(r"(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|"
                        r"cache_creation_input_token_cost(_above_1hr)?)(_above_\d+k_tokens)?(_batches|_priority|_flex)?")
    read = set(ModelInfoBase.__annotations__) | {f for e in own_map.values() for f in e}
    assert not [f for f in fields if f not in read and not tiered.fullmatch(f)]
    # LiteLLM's provider names: its provider list, and the litellm_provider values of its own map (bedrock_converse,
    # vertex_ai-language-models ...); before: google 65, together 72, fireworks 32, voyageai 22, zhipu 12 ...
    known = {str(getattr(p, "value", p)) for p in litellm.provider_list} | {
        e.get("litellm_provider") for e in own_map.values()}
    assert not {e["litellm_provider"] for e in exported.values()} - known


def test_only_new_or_different_keeps_what_litellm_lacks_or_prices_otherwise(built, exported, own_map, tmp_path):
    own_path = tmp_path / "litellm.json"
    own = own_map
    own_path.write_text(json.dumps(own))
    out = cli(built, "export", "--format", "litellm", "--only-new-or-different", "--litellm-map", str(own_path))
    assert out.returncode == 0, out.stderr
    emitted = json.loads(out.stdout)
    expected, counts = compare(exported, own)
    assert emitted == json.loads(json.dumps(expected))
    assert f"{counts['new']} new, {counts['different']} priced differently" in out.stderr
    for key, e in emitted.items():
        if key in own:  # a difference: LiteLLM's value beside ours, and never evidence from LiteLLM itself
            ev = e["metadata"]["tokenprices"]
            assert set(ev["litellm"]) == set(ev["fields"]) and all(f["source"] != "litellm" for f in ev["fields"].values())
            assert e["litellm_provider"] == own[key]["litellm_provider"]
        else:
            assert e["metadata"]["tokenprices"]["fields"]
    # nothing emitted is priced like LiteLLM already
    assert not [k for k, e in emitted.items() if k in own and all(
        math.isclose(v, own[k].get(f) or -1, rel_tol=1e-9) for f, v in e.items() if isinstance(v, float))]
    # default: the map of the installed litellm package
    default = cli(built, "export", "--format", "litellm", "--only-new-or-different")
    assert default.returncode == 0 and "model_prices_and_context_window_backup.json" in default.stderr


def test_interop_figures(litellm, registered, exported, capsys):
    """The figures of the README (printed): entries exported, looked up by LiteLLM with our prices, priced like
    LiteLLM's own map, priced differently."""
    own, _ = registered
    accepted = 0
    for key, e in exported.items():
        try:
            info = litellm.get_model_info(key)
        except Exception:  # noqa: BLE001
            continue
        read = [f for f, v in e.items() if isinstance(v, float) and info.get(f) is not None]
        accepted += bool(read) and all(math.isclose(e[f], info[f], rel_tol=1e-9, abs_tol=1e-15) for f in read)
    _, counts = compare(exported, own)
    figures = {"exported": len(exported), "accepted": accepted, **counts}
    with capsys.disabled():
        print(f"\nLiteLLM {litellm.__version__ if hasattr(litellm, '__version__') else ''} interop: {figures}",
              file=sys.stderr)
    assert accepted / len(exported) > 0.85
    assert counts["same"] > 1000


def test_cli_needs_a_map_when_litellm_is_absent(built, tmp_path):
    """Without the package and without --litellm-map the mode says what to do (one line, exit 1)."""
    code = ("import sys; sys.modules['litellm'] = None; from pipelines.cli.main import main; "
            "sys.exit(main(['export', '--format', 'litellm', '--only-new-or-different']))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "TOKENPRICES_WAREHOUSE": str(built[0])})
    assert out.returncode == 1 and "--litellm-map FILE" in out.stderr, out.stderr
