"""The package's architecture, checked: no import cycle between its modules, stages that flow one way."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "pipeline"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Modules of the package that ``path`` imports at run time (``TYPE_CHECKING`` blocks excepted),
    function-level imports included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(n) for n in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pipeline"):
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("pipeline")}
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in imports(path) if m in modules and m != name} for name, path in modules.items()}


def test_no_import_cycle():
    edges = graph()
    # the package root only re-exports the API lazily (PEP 562): an import of pipeline.x loads pipeline first
    edges = {a: {b for b in bs if b != "pipeline"} for a, bs in edges.items()}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)


STAGES = ["pipeline.clean", "pipeline.tokenize", "pipeline.ner", "pipeline.link", "pipeline.io.export"]


def test_stages_never_reach_back():
    """clean -> tokenize -> ner -> link -> export: no stage imports a later one."""
    edges = graph()
    for i, stage in enumerate(STAGES):
        later = STAGES[i + 1:]
        for module, targets in edges.items():
            if module == stage or module.startswith(stage + "."):
                if stage == "pipeline.ner" and module.endswith(("gold_eval", "speed", "stage_tagger")):
                    continue  # evaluation next to the stage it measures runs the whole analyzer
                back = [t for t in targets for s in later if t == s or t.startswith(s + ".")]
                assert not back, f"{module} imports a later stage: {back}"
