"""The import rules of docs/architecture.md, read statically from the source (every import, also inside
functions, relative ones resolved), and the renderer imported without the web framework."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

import genui

ROOT = Path(genui.__file__).parent


def _module_name(path: Path) -> str:
    parts = ["genui", *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def _resolve(name: str) -> str | None:
    """The genui module an imported name lives in: the module itself, else the package holding the name."""
    while name and name not in modules():
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str) -> Iterator[tuple[str, int]]:
    """(imported genui module, line) for every import statement anywhere in `module`."""
    path = modules()[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            # `from package import submodule` imports the submodule; `from module import name`, the module
            targets = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            if target == "genui" or target.startswith("genui."):
                resolved = _resolve(target)
                if resolved is not None and resolved != module:
                    yield resolved, node.lineno


@cache
def graph() -> dict[str, frozenset[str]]:
    return {module: frozenset(target for target, _ in _imports(module)) for module in modules()}


def _layer(module: str) -> str:
    """`genui.api.chat` -> "api"; top-level modules are their own layer (`genui.config` -> "config")."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "genui"


def _violations(layers: set[str], allowed: set[str]) -> list[str]:
    """Imports from modules of `layers` into any genui layer outside `allowed` (a layer may import itself)."""
    found = []
    for module in modules():
        if _layer(module) not in layers:
            continue
        for target, line in _imports(module):
            if _layer(target) not in allowed | {_layer(module)}:
                found.append(f"{modules()[module].relative_to(ROOT.parent)}:{line} imports {target}")
    return sorted(found)


def _all_layers() -> set[str]:
    return {_layer(module) for module in modules()}


def test_the_graph_sees_every_kind_of_import() -> None:
    """The reader itself: absolute, relative, function-level and `from package import submodule` imports."""
    assert "genui.api.deps" in graph()["genui.api.app"]  # `from genui.api.deps import ...`
    assert "genui.api.chat" in graph()["genui.api.app"]  # `from genui.api import chat` is the submodule
    assert "genui.server" in graph()["genui.cli"]  # inside a function
    assert "genui.config" in graph()["genui.models.registry"]
    assert "genui.ui" in graph()["genui.service.turn"]  # a name from the package's __init__


def test_ui_imports_nothing_else_of_genui() -> None:
    assert _violations({"ui"}, set()) == []


def test_web_imports_only_ui() -> None:
    assert _violations({"web"}, {"ui"}) == []


def test_config_imports_nothing_of_genui() -> None:
    assert _violations({"config"}, set()) == []


def test_models_know_no_components() -> None:
    """Providers get the decoding schema from the service; they never import the UI core."""
    assert _violations({"models"}, _all_layers() - {"ui"}) == []


def test_models_name_no_catalog_component() -> None:
    """Nor do they write component names by hand: every schema they decode with comes from the catalog."""
    from genui.ui import Catalog

    names = set(Catalog.default().component_names)
    found = []
    for module, path in modules().items():
        if _layer(module) == "models":
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and node.value in names:
                    found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} names {node.value!r}")
    assert found == []


def test_lower_layers_never_import_upper_ones() -> None:
    upper = {"api", "service", "web", "ui", "cli", "server"}
    assert _violations({"store", "limits"}, _all_layers() - upper) == []
    assert _violations({"models"}, _all_layers() - upper) == []
    assert _violations({"service"}, _all_layers() - {"api", "web", "cli", "server"}) == []


def test_api_is_imported_only_by_cli_and_server() -> None:
    assert _violations(_all_layers() - {"api", "cli", "server"}, _all_layers() - {"api"}) == []


def _cycles(edges: dict[str, frozenset[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = len(index)
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(edges.get(succ, ())))))
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_cycles() -> None:
    edges = {"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"}), "d": frozenset({"a"})}
    assert _cycles(edges) == [["a", "b", "c"]]
    assert _cycles({"a": frozenset({"b"}), "b": frozenset()}) == []


def test_no_import_cycles_between_genui_modules() -> None:
    assert _cycles(graph()) == []


@pytest.mark.parametrize("module", ["genui.web", "genui.ui", "genui.config"])
def test_importable_without_the_web_framework(module: str) -> None:
    probe = (
        f"import sys, {module}\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'starlette', 'uvicorn'))\n"
        "print(loaded)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
