"""The architecture as a test: data flows one way and no import goes round in a circle.

Layers, lowest first: `common` (errors, files) < `forecasts`, `constraints` (neither imports the
other) < `planner.workspace` < `planner.solve` < `planner.runs` < `planner.output` <
`planner.pipeline`, `planner.validate`, `planner.analysis`, `planner.sites` < `cli`; `planner.executors`
(where independent jobs run) needs only `common`. Imports under
`if TYPE_CHECKING:` are types for the reader only, never run, and are not counted.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("common", "forecasts", "constraints", "planner")
MAX_LINES = 600

#: module prefix -> prefixes it must never import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "common": ("forecasts", "constraints", "planner", "cli"),
    "forecasts": ("constraints", "planner", "cli"),
    "constraints": ("forecasts", "planner", "cli"),
    "planner.workspace": ("planner.solve", "planner.runs", "planner.output", "planner.analysis",
                          "planner.pipeline", "planner.validate", "cli"),
    "planner.solve": ("planner.runs", "planner.output", "planner.analysis", "planner.pipeline",
                      "planner.validate", "cli"),
    "planner.runs": ("planner.output", "planner.analysis", "planner.pipeline", "planner.validate", "cli"),
    "planner.output": ("planner.analysis", "planner.pipeline", "planner.validate", "cli"),
    "planner.pipeline": ("planner.analysis", "planner.validate", "cli"),
    "planner.validate": ("planner.output", "planner.analysis", "planner.pipeline", "cli"),
    "planner.analysis": ("planner.validate", "cli"),
    "planner.executors": ("forecasts", "constraints", "planner.workspace", "planner.solve", "planner.runs",
                          "planner.output", "planner.analysis", "planner.pipeline", "planner.validate",
                          "planner.sites", "cli"),
    "planner.sites": ("planner.analysis", "planner.validate", "cli"),
}


def module_files() -> dict[str, Path]:
    """Every source module of rota by dotted name (packages by their __init__)."""
    out = {"cli": ROOT / "cli.py"}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


def _type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def imported(source: str, module: str, known: Iterable[str]) -> set[str]:
    """Rota modules that `source` imports when it runs (at the top or inside functions)."""
    known = set(known)
    found: set[str] = set()

    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for a in node.names:
                if (m := resolve(a.name)) is not None:
                    found.add(m)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            base = node.module
            for a in node.names:   # `from planner.output import terminal` imports a submodule
                m = resolve(f"{base}.{a.name}") if f"{base}.{a.name}" in known else resolve(base)
                if m is not None:
                    found.add(m)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    found.discard(module)
    return found


def import_graph(files: Mapping[str, Path]) -> dict[str, set[str]]:
    return {m: imported(p.read_text(encoding="utf-8"), m, files) for m, p in files.items()}


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan): each is an import cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def breaches(graph: Mapping[str, set[str]]) -> list[str]:
    """`a imports b` for every import a layer rule forbids."""
    def under(name: str, prefix: str) -> bool:
        return name == prefix or name.startswith(prefix + ".")

    out = []
    for module, targets in sorted(graph.items()):
        for prefix, banned in FORBIDDEN.items():
            if under(module, prefix):
                out += [f"{module} imports {t}" for t in sorted(targets) if any(under(t, b) for b in banned)]
    return out


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(module_files())


def test_every_module_belongs_to_a_layer(graph: dict[str, set[str]]) -> None:
    layered = [m for m in graph if m == "cli" or m == "planner" or any(
        m == p or m.startswith(p + ".") for p in FORBIDDEN)]
    assert sorted(layered) == sorted(graph)


def test_data_flows_one_way(graph: dict[str, set[str]]) -> None:
    assert breaches(graph) == []


def test_no_import_cycle(graph: dict[str, set[str]]) -> None:
    assert cycles(graph) == []


def test_no_module_is_too_long_to_read() -> None:
    long = {m: n for m, p in module_files().items()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


# ----------------------------------------------------------------- the checks themselves catch breaches


def test_a_forbidden_import_is_found_even_inside_a_function() -> None:
    known = {"forecasts.staffing", "planner.solve.schedule", "planner.output.excel.cells"}
    src = "def f():\n    from planner.solve.schedule import solve_schedule\n"
    graph = {"forecasts.staffing": imported(src, "forecasts.staffing", known)}
    assert breaches(graph) == ["forecasts.staffing imports planner.solve.schedule"]


def test_type_checking_imports_are_not_counted() -> None:
    known = {"planner.output.terminal", "planner.analysis.simulate"}
    src = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from planner.analysis.simulate import Simulation\n"
           "else:\n    import json\n")
    assert imported(src, "planner.output.terminal", known) == set()


def test_a_cycle_is_found() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_submodule_imported_from_its_package_is_resolved() -> None:
    known = {"planner", "planner.output", "planner.output.terminal"}
    assert imported("from planner.output import terminal\n", "cli", known) == {"planner.output.terminal"}
