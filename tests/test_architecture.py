"""The folders show the architecture: every module importable by its name, and no circle of
imports but the two documented lazy ones."""

import ast
import importlib
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("autograd", "nn", "lab", "demos")
# Imported inside a function, on purpose, each to close a circle that would otherwise be one:
LAZY = {
    ("autograd.engine", "autograd.views.explain"),  # Value.backward_steps: the views import the engine
    ("nn.layers", "nn.torch_bridge"),  # MLP.to_torch / from_torch: the bridge builds MLPs (and imports torch)
}


def module_names() -> list[str]:
    names = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if {"node_modules", "dist"} & set(path.parts) or path.stem == "__main__":
                continue  # built files, and the command lines (importing them runs them)
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def imports_of(name: str) -> set[str]:
    """The project modules `name` imports anywhere in its file (at the top or inside a function)."""
    path = ROOT / name.replace(".", "/")
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    known = set(module_names())
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in known}
        elif isinstance(node, ast.ImportFrom) and node.module in known:
            for alias in node.names:  # `from autograd import exercises` imports a module of autograd
                found.add(f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in known else node.module)
    return found - {name}


def test_every_module_is_importable_by_its_name():
    for name in module_names():
        module = importlib.import_module(name)
        assert isinstance(module, types.ModuleType), name
        parent, _, last = name.rpartition(".")
        if parent:  # not shadowed by a function of the same name: autograd.views.render is the module
            assert getattr(sys.modules[parent], last) is module, f"{parent}.{last} is not the module {name}"


def test_no_circle_of_imports_but_the_two_documented_lazy_ones():
    graph = {name: imports_of(name) for name in module_names()}
    for edge in LAZY:
        assert edge[1] in graph[edge[0]], f"{edge} is listed as lazy but is not an import any more"
        graph[edge[0]].discard(edge[1])
    state: dict[str, str] = {}  # "open" while on the walk's path, "done" after

    def walk(name: str, path: list[str]) -> None:  # depth first; a module reached while open closes a circle
        state[name] = "open"
        for imported in sorted(graph[name]):
            if state.get(imported) == "open":
                circle = path[path.index(imported) :] + [imported]
                pytest.fail("a circle of imports: " + " -> ".join(circle))
            if imported not in state:
                walk(imported, [*path, imported])
        state[name] = "done"

    for name in graph:
        if name not in state:
            walk(name, [name])


def test_the_lazy_imports_are_inside_functions():
    for importer, imported in LAZY:
        path = ROOT / (importer.replace(".", "/") + ".py")
        top = {
            node.module if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.parse(path.read_text()).body
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in node.names
        }
        assert imported not in top, f"{importer} imports {imported} at the top"
