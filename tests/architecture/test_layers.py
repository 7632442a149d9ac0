"""The house has one direction: every import points down the layers, nothing imports in a circle.

Reads every module's imports with ``ast`` (nothing is imported or run). The layers,
top to bottom (CONTRIBUTING.md draws the same picture):

    app (streamlit_app.py, server.py, pages/, ui/)  cli (cli/, simulator/__main__.py)
                         \\                     /
                          lessons/  (the course)
                               |
                          views/    (pure: trace, step -> spec, DOT, rows)
                               |
                          exports/  (trace -> file, one module per format)
                               |
                          simulator/  (the engine)

The CLI sits beside the app: neither imports the other. ``devtools/``, ``benchmarks/``,
``scripts/`` and ``tests/`` stand outside the product: they may use it, it never uses them.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("simulator", "exports", "views", "lessons", "ui", "cli", "pages", "streamlit_app", "server")
OUTSIDE = ("devtools", "benchmarks", "scripts", "tests")
RANK = {"engine": 1, "exports": 2, "views": 3, "lessons": 4, "app": 5, "cli": 5}
#: Engine modules that run something (a loop, a clock, processes): views only read traces.
RUNNERS = ("simulator.runs", "simulator.loop", "simulator.real", "simulator.virtual", "simulator.live",
           "simulator.anthropic_model", "simulator.scripted_model", "simulator.clock")
STREAMLIT_LAYERS = ("app",)


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def python_files() -> tuple[Path, ...]:
    skip = {".venv", "artifacts", "build", ".git"}
    return tuple(p for p in sorted(ROOT.rglob("*.py")) if not skip & set(p.relative_to(ROOT).parts))


@cache
def modules() -> dict[str, Path]:
    return {module_name(p): p for p in python_files()}


def layer(module: str) -> str | None:
    """The layer of a module of the product (None outside it)."""
    top = module.split(".")[0]
    if module == "simulator.__main__" or top == "cli":
        return "cli"
    if top in ("ui", "pages", "streamlit_app", "server"):
        return "app"
    return {"simulator": "engine", "exports": "exports", "views": "views", "lessons": "lessons"}.get(top)


def _resolve(module: str, node: ast.ImportFrom) -> list[str]:
    """The modules an ``import from`` names (a submodule when it is one, else the package)."""
    if node.level:
        base = module.split(".")
        is_package = modules().get(module, Path()).name == "__init__.py"
        base = base[: len(base) - node.level + (1 if is_package else 0)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    names = [f"{target}.{a.name}" for a in node.names]
    found = [n for n in names if n in modules()]
    return found if len(found) == len(names) else [*found, target]


@cache
def imports_of(module: str) -> tuple[str, ...]:
    """Every module ``module`` imports, at the top or inside a function."""
    tree = ast.parse(modules()[module].read_text(encoding="utf-8"))
    out: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            out += _resolve(module, node)
    return tuple(out)


def internal(name: str) -> str | None:
    """The project module an import names (itself or its package), or None for an outside library."""
    while name:
        if name in modules():
            return name
        name = name.rpartition(".")[0]
    return None


def product_modules() -> list[str]:
    return [m for m in modules() if layer(m) is not None]


def test_the_layers_cover_the_product():
    found = {layer(m) for m in product_modules()}
    assert found == set(RANK), found
    assert "simulator.loop" in modules() and "ui.player" in modules() and "cli.main" in modules()


@pytest.mark.parametrize("module", sorted(m for m in modules() if layer(m) is not None))
def test_every_import_points_down(module: str):
    mine = layer(module)
    for name in imports_of(module):
        target = internal(name)
        if target is None or target == module:
            continue
        assert target.split(".")[0] not in OUTSIDE, f"{module} imports {target}: the product never uses {OUTSIDE}"
        theirs = layer(target)
        assert theirs is not None, f"{module} imports {target}, which is outside the product"
        if theirs == mine:
            continue
        assert RANK[theirs] < RANK[mine], f"{module} ({mine}) imports {target} ({theirs}): an arrow that runs up"


@pytest.mark.parametrize("module", sorted(m for m in modules() if layer(m) == "views"))
def test_views_run_nothing(module: str):
    for name in imports_of(module):
        target = internal(name) or ""
        assert not target.startswith(RUNNERS), f"{module} imports {target}: views read traces, they run nothing"


@pytest.mark.parametrize("module", sorted(modules()))
def test_streamlit_only_in_the_app(module: str):
    uses = [n for n in imports_of(module) if n.split(".")[0] == "streamlit"]
    if layer(module) in STREAMLIT_LAYERS or module.split(".")[0] in OUTSIDE:
        return
    assert not uses, f"{module} imports Streamlit: only the app's layer draws"


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of nodes that reach each other (Tarjan's strongly connected components of size > 1)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for m in sorted(graph):
        if m not in index:
            visit(m)
    return cycles


def test_no_import_runs_in_a_circle():
    graph = {m: {t for n in imports_of(m) if (t := internal(n)) and t != m and layer(t)} for m in product_modules()}
    assert not find_cycles(graph), f"modules that import each other in a circle: {find_cycles(graph)}"


def _edits_sys_path(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "path" and isinstance(node.value, ast.Name) \
                and node.value.id == "sys":
            return True
    return False


@pytest.mark.parametrize("path", [p for p in python_files() if p.name != "conftest.py"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_sys_path_edits(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert not _edits_sys_path(tree), f"{path.relative_to(ROOT)} touches sys.path (use pytest's pythonpath instead)"


@pytest.mark.parametrize("module", sorted(m for m in modules() if layer(m) is not None))
def test_no_hidden_imports(module: str):
    tree = ast.parse(modules()[module].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            fn = node.func
            name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else ""
            assert name not in ("__import__", "import_module"), f"{module} imports by name: say `import` instead"


def test_the_checker_sees_an_arrow_that_runs_up(tmp_path: Path):
    """The rule itself: an engine module that imported a view would be reported."""
    assert layer("simulator.loop") == "engine" and layer("views.timeline") == "views"
    assert RANK[layer("views.timeline")] > RANK[layer("simulator.loop")]
    tree = ast.parse("import sys\nsys.path.insert(0, 'x')\n")
    assert _edits_sys_path(tree)
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []
