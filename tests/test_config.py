"""pipelines/config.py: the one definition of the first-party sellers, and the settings read from the environment."""

import ast
import re
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


def _config_variables() -> set[str]:
    """The TOKENPRICES_* variables pipelines/config.py reads (string constants in its code)."""
    tree = ast.parse((ROOT / "pipelines" / "config.py").read_text(encoding="utf-8"))
    return {n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and re.fullmatch(r"TOKENPRICES_[A-Z_]+", n.value)}


def test_every_setting_is_documented_in_env_example():
    documented = set(re.findall(r"^# (TOKENPRICES_[A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert len(_config_variables()) >= 20
    assert _config_variables() == documented


#: environment reads allowed outside pipelines/config.py, and why.
NOT_SETTINGS = {
    "pipelines/cli/replay.py": "DAGSTER_HOME is Dagster's own variable: the CLI makes the folder it names",
    "pipelines/forecast/fit.py": "saves and restores the BLAS variables it sets for the worker processes",
}


def test_only_config_reads_the_environment():
    """No ``os.environ.get`` / ``os.getenv`` / ``os.environ[...]`` read in assets/ or pipelines/ outside config.py:
    settings come through pipelines/config.py (and the resources built from it)."""
    reads = []
    for pkg in ("pipelines", "assets"):
        for path in (ROOT / pkg).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if rel == "pipelines/config.py" or rel in NOT_SETTINGS:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                target = None
                if isinstance(node, ast.Call):
                    target = node.func
                elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
                    target = node.value
                text = ast.unparse(target) if target is not None else ""
                if text in ("os.environ.get", "os.getenv", "os.environ", "environ.get", "getenv"):
                    reads.append(f"{rel}:{node.lineno}: {ast.unparse(node)}")
    assert reads == []


def test_settings_follow_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TOKENPRICES_SIMONW_DIR", str(tmp_path))
    monkeypatch.delenv("TOKENPRICES_OPENROUTER_SNAPSHOTS_DIR", raising=False)
    assert config.optional_dataset_dir("simonw_llm_prices") == tmp_path
    assert config.optional_dataset_dir("openrouter_snapshots") is None
    monkeypatch.setenv("TOKENPRICES_FORECAST_WORKERS", "0")
    assert config.forecast_workers() == 1
    monkeypatch.delenv("TOKENPRICES_FORECAST_WORKERS")
    assert config.forecast_workers() is None
    monkeypatch.setenv("TOKENPRICES_EXECUTOR", " Multiprocess ")
    assert config.executor_name() == "multiprocess"
    monkeypatch.delenv("TOKENPRICES_LAKE_URI", raising=False)
    assert config.lake_uri(tmp_path) == str(tmp_path / "lake")
    monkeypatch.setenv("TOKENPRICES_LAKE_URI", "s3://bucket/lake")
    assert config.lake_uri(tmp_path) == "s3://bucket/lake"
