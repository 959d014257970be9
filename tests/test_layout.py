"""The package reads in the order its data flows, and its imports point one way.

terms (the agreement, its fees and splits) < ledger (the facts read from the
entries) < settlement (the engine and its event handlers) < checks < plugin
< reports < Fava pages and CLI; the importers stand apart, using only the terms
and the ledger's reading. Every import counts, those made for type checking or
inside a function too: a module may import its own layer or one below, never
one above, and no modules import each other in a circle. No function runs past
80 lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "beancount_factoring"
NAME = "beancount_factoring"
# Each top part of the package and its layer: a module imports at its layer or below.
LAYERS = {
    "__init__": 0,
    "errors": 0,
    "stamp": 0,
    "terms": 1,
    "ledger": 2,
    "settlement": 3,
    "checks": 4,
    "plugin": 5,
    "reports": 6,
    "cli": 7,
    "cli_cache": 7,
    "fava": 7,
}
# The importers use the terms and the ledger's reading, and nothing above them.
IMPORTERS_MAY_USE = {"__init__", "errors", "terms", "ledger", "importers"}


def module_names() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules a module imports, wherever in the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # ``from package import module`` imports the module; the package only
            # when a name of its own is taken from it.
            submodules = [f"{base}.{alias.name}" for alias in node.names]
            own_names = any(module not in known for module in submodules)
            targets = submodules + ([base] if own_names else [])
        else:
            continue
        found.update(t for t in targets if t in known and t != name)
    return found


def graph() -> dict[str, set[str]]:
    modules = module_names()
    known = set(modules)
    return {name: imports_of(name, path, known) for name, path in modules.items()}


def top(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_the_graph_is_read():
    edges = graph()
    engine = edges["beancount_factoring.settlement.engine"]
    assert "beancount_factoring.settlement.context" in engine
    assert "beancount_factoring.ledger.book" in edges["beancount_factoring.plugin"]


@pytest.mark.parametrize("name,imported", sorted(graph().items()))
def test_imports_point_down_the_flow(name: str, imported: set[str]) -> None:
    own = top(name)
    if own == "importers":
        assert {top(other) for other in imported} <= IMPORTERS_MAY_USE
        return
    above = sorted(
        other
        for other in imported
        if top(other) == "importers" or LAYERS[top(other)] > LAYERS[own]
    )
    assert above == [], f"{name} imports a layer above its own"


def test_the_event_handlers_never_import_the_engine() -> None:
    engine = f"{NAME}.settlement.engine"
    for name, imported in graph().items():
        if name.startswith(f"{NAME}.settlement.handlers"):
            assert engine not in imported, name


def test_no_modules_import_each_other_in_a_circle() -> None:
    edges = graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for other in sorted(edges[name]):
            if state.get(other) == 1:
                cycles.append([*path[path.index(other) :], other])
            elif other not in state:
                visit(other, [*path, other])
        state[name] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])
    assert cycles == []


# A function fits on a screen: past this many lines, split it into its steps.
MOST_LINES = 80


def test_no_function_runs_past_a_screen() -> None:
    long = []
    for name, path in module_names().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MOST_LINES:
                    long.append(f"{name}.{node.name}: {lines} lines")
    assert long == []
