"""pipelines/config.py: the one definition of the first-party sellers, and the settings read from the environment."""

import ast
from pathlib import Path

import yaml

from pipelines import config

ROOT = Path(__file__).resolve().parents[1]


def test_first_party_sellers_and_their_subsets():
    assert len(config.FIRST_PARTY) == 17 and config.FIRST_PARTY["volcengine"] == "bytedance"
    # identity (pipelines.history.models): the 16 sellers whose bare ids are their own, as before the merge
    assert config.SELF_NAMED_SELLERS == {
        "openai", "anthropic", "google", "deepseek", "mistral", "xai", "cohere", "moonshot", "minimax", "zai",
        "zhipu", "alibaba", "baidu", "perplexity", "amazon", "ai21"}
    # the market index basket (docs/forecasting.md), in its order
    assert config.MARKET_INDEX_SELLERS == (
        "openai", "anthropic", "google", "deepseek", "mistral", "xai", "cohere", "moonshot", "minimax")
    assert set(config.MARKET_INDEX_SELLERS) <= config.SELF_NAMED_SELLERS


def test_bundled_profiles_price_first_party_sellers_only():
    for name in ("chat_assistant", "rag_long_prompts", "batch_summarisation"):
        sellers = yaml.safe_load((ROOT / "profiles" / f"{name}.yaml").read_text())["sellers"]
        assert set(sellers) <= set(config.FIRST_PARTY), name
        assert len(sellers) == 14, name


def test_no_other_list_of_first_party_sellers():
    """A literal set/tuple/list of five or more first-party slugs and nothing else, outside pipelines/config.py, is a
    second definition (a dataset's own vendor list, with names that are not our slugs, is not)."""
    slugs = set(config.FIRST_PARTY)
    found = []
    for pkg in ("pipelines", "assets"):
        for path in (ROOT / pkg).rglob("*.py"):
            if path == ROOT / "pipelines" / "config.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, (ast.Set, ast.Tuple, ast.List)):
                    values = {e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
                    if len(values) >= 5 and values <= slugs:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []
