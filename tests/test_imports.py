"""The import graph of pipelines/ and assets/ has no cycle: read top-down it is one way (cli -> definitions -> assets
-> cost/forecast -> history -> sources). Imports inside functions count too (a lazy import hides a cycle, it does not
remove it)."""

import ast
import functools
import graphlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def import_graph() -> dict[str, frozenset[str]]:
    """``{module: project modules it imports}`` for every module under pipelines/ and assets/ (ast, no import)."""
    mods = {}
    for pkg in ("pipelines", "assets"):
        for p in (ROOT / pkg).rglob("*.py"):
            parts = p.relative_to(ROOT).with_suffix("").parts
            mods[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = p
    graph = {}
    for name, path in mods.items():
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                deps.add(node.module)
                deps.update(f"{node.module}.{a.name}" for a in node.names)  # from pipelines.sources import alibaba
        graph[name] = frozenset(d for d in deps if d in mods and d != name)
    return graph


def test_graph_is_read_from_the_tree():
    g = import_graph()
    assert "pipelines.sources.alibaba" in g["pipelines.sources.registry"]
    assert "pipelines.sources.base" in g["pipelines.cost.offers"]


def test_no_import_cycle():
    try:
        order = list(graphlib.TopologicalSorter(import_graph()).static_order())
    except graphlib.CycleError as exc:
        raise AssertionError(f"import cycle: {' -> '.join(exc.args[1])}") from None
    assert order.index("pipelines.sources.base") < order.index("pipelines.cost.offers")


def test_sources_import_nothing_above_them():
    """Parsers see the parser vocabulary and the reader, never the cost, forecast, CLI or Dagster layers."""
    above = ("pipelines.cost", "pipelines.forecast", "pipelines.cli", "pipelines.definitions", "assets")
    bad = {m: sorted(d for d in deps if d.startswith(above))
           for m, deps in import_graph().items() if m.startswith("pipelines.sources")}
    assert {m: d for m, d in bad.items() if d} == {}
