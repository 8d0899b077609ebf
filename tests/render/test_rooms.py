"""The window's rooms stay findable: no import cycle, small files, no room handed the App.

Read from the source (the ``ast`` of every module), so a new module is checked
the day it is added. Every import counts: at module level, inside a function
and under ``TYPE_CHECKING`` (a type-only cycle is still a cycle for a reader).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 80
MAX_CLASS_LINES = 300

RUNS_THE_APP = {"render.window", "render.frame_bench", "render.course_bench", "render.media.soak"}
"""The modules that open a window around the App (the App itself wires the rooms)."""


def _modules(*packages: str) -> dict[str, Path]:
    out = {}
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            out[name.removesuffix(".__init__")] = path
    return out


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of ``known`` that ``name`` imports, anywhere in its source."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            candidates = [base, *(f"{base}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Import):
            candidates = [a.name for a in node.names]
        else:
            continue
        found |= {c for c in candidates if c in known and c != name}
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_in_render_or_sim_type_only_ones_included():
    modules = _modules("render", "sim")
    graph = {name: _imports(name, path, set(modules)) for name, path in modules.items()}
    assert _cycles(graph) == []
    sim_to_render = {n: sorted(i) for n, i in graph.items() if n.startswith("sim") and any(
        m.startswith("render") for m in i)}  # fmt: skip
    assert sim_to_render == {}, sim_to_render


def test_render_files_functions_and_classes_stay_small():
    too_big = []
    for name, path in _modules("render").items():
        source = path.read_text(encoding="utf-8")
        if source.count("\n") > MAX_FILE_LINES:
            too_big.append(f"{name}: {source.count(chr(10))} lines")
        for node in ast.walk(ast.parse(source)):
            size = getattr(node, "end_lineno", 0) - getattr(node, "lineno", 0) + 1
            if (
                isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                and size > MAX_FUNCTION_LINES
            ):
                too_big.append(f"{name}.{node.name}: {size} lines")
            if isinstance(node, ast.ClassDef) and size > MAX_CLASS_LINES:
                too_big.append(f"{name}.{node.name}: {size} lines")
    assert too_big == []


def test_no_file_of_the_project_is_over_the_line_limit():
    """The 400-line limit holds in sim/ and tests/ too (functions and classes: render/ above)."""
    too_long = [
        f"{path.relative_to(ROOT)}: {n} lines"
        for folder in ("sim", "render", "tests")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if (n := path.read_text(encoding="utf-8").count("\n")) > MAX_FILE_LINES
    ]
    assert too_long == []


def test_no_room_is_handed_the_app():
    modules = _modules("render")
    for name, path in modules.items():
        if name == "render.app":
            continue
        if "render.app" in _imports(name, path, set(modules)):
            assert name in RUNS_THE_APP, f"{name} imports the App"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.arg) and node.arg == "app" and name not in RUNS_THE_APP:
                raise AssertionError(f"{name}: a parameter named 'app'")
