"""The layout is the architecture (ARCHITECTURE.md): each stage imports only the stages
before it, and nothing imports in a cycle. Function-local imports count too."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
#: Stages in the order a row passes through them; a module may import its own stage,
#: the ones before it and the base modules, never one after it.
ORDER = ["base", "contract", "read", "clean", "compute", "outputs", "report", "render",
         "batch", "top"]
BASE = {"krlib", "krlib.errors", "krlib.thai", "krlib.fonts"}
TOP = {"krlib.api", "krlib.cli", "krlib.lab", "krlib.demo"}


def _modules() -> dict[str, Path]:
    out = {}
    for f in (SRC / "krlib").rglob("*.py"):
        name = ".".join(f.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
        out[name] = f
    return out


def _stage(module: str) -> str:
    if module in BASE:
        return "base"
    if module in TOP:
        return "top"
    return module.split(".")[1]


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("krlib"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in modules else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("krlib")}
    return {m for m in found if m in modules}


def test_every_module_belongs_to_a_stage():
    for name in _modules():
        assert _stage(name) in ORDER, f"{name}: put it in a stage package or name it in BASE/TOP"


def test_no_stage_imports_a_later_one():
    modules = _modules()
    bad = [f"{name} ({_stage(name)}) imports {dep} ({_stage(dep)})"
           for name, path in sorted(modules.items()) for dep in sorted(_imports(path, modules))
           if ORDER.index(_stage(dep)) > ORDER.index(_stage(name))]
    assert not bad, "\n".join(bad)


def test_no_import_cycles():
    modules = _modules()
    graph = {m: _imports(p, modules) - {m} for m, p in modules.items()}
    graph = {m: {d for d in deps if not m.startswith(d + ".")} for m, deps in graph.items()}
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycles.append(" -> ".join(stack[stack.index(dep):] + [dep]))
            elif dep not in state:
                visit(dep, stack + [dep])
        state[node] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert not cycles, "\n".join(cycles)
