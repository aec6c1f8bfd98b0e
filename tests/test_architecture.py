"""The house rules of docs/ARCHITECTURE.md, checked on the source: no two files import each other
(directly or round a circle), no module imports another module's private name, and no area imports
an area above it in the layer table.

A small AST walk rather than import-linter: import-linter checks layers, but neither cycles between
single files nor private names, and this is 100 lines with no dependency. Imports inside functions
count like any other (a lazy import is still a dependency, and hid the circles this test now refuses).
"""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "innovation"

# The layer table of docs/ARCHITECTURE.md: a module may import modules on its own level or below,
# never above. The most specific prefix wins (the audit log's browser needs accounts and the OPD
# picker, so it sits above them, while the log itself is at level 2 for every area to write to).
LAYERS = {
    "innovation.config": 1, "innovation.extensions": 1, "innovation.errors": 1, "innovation.web": 1,
    "innovation.numbers": 1, "innovation.safe_input": 1, "innovation.http_cache": 1,
    "innovation.transactions": 1, "innovation.timeutil": 1, "innovation.rules": 1,
    "innovation.drafts": 1,
    "innovation.storage": 2, "innovation.audit": 2, "innovation.csvio": 2, "innovation.adminkit": 2,
    "innovation.pagination": 2, "innovation.templating": 2, "innovation.concurrency": 2,
    "innovation.outbox": 2, "innovation.sending": 2,
    "innovation.orgs": 3,
    "innovation.auth": 4, "innovation.innovations": 4, "innovation.uploads": 4,
    "innovation.audit.blueprint": 4, "innovation.audit.browse": 4, "innovation.audit.views": 4,
    "innovation.events": 5, "innovation.jobs": 5, "innovation.outbox.job": 5, "innovation.outbox.cli": 5,
    "innovation.judging": 6, "innovation.reporting": 6,
    "innovation.documents": 6,
    "innovation.cli": 7, "innovation.demo": 7, "innovation.demo_data": 7, "innovation.home": 7,
    "innovation.models": 7, "innovation": 7,
    "innovation.public": 7, "innovation.api": 7,
    "innovation.notify": 6, "innovation.followup": 6, "innovation.leaders": 7,
    "innovation.choice": 7,
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def level_of(module: str) -> int:
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in LAYERS:
            return LAYERS[prefix]
    raise AssertionError(f"{module} has no level in LAYERS (add it, and to docs/ARCHITECTURE.md)")


def scan() -> tuple[set[str], dict[str, set[str]], list[str]]:
    """Every module, what it imports of the package (module -> modules), and private-name imports."""
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = defaultdict(set)
    private: list[str] = []
    for module, path in paths.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                graph[module].update(a.name for a in node.names if a.name in paths)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                if base != "innovation" and not base.startswith("innovation."):
                    continue
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    if full in paths:
                        graph[module].add(full)
                    elif base in paths:
                        graph[module].add(base)
                        if alias.name.startswith("_") and base != module:
                            private.append(f"{module} imports {base}.{alias.name}")
    return set(paths), graph, private


def cycles(nodes: set[str], graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
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


def test_no_two_modules_import_each_other():
    nodes, graph, _ = scan()
    assert cycles(nodes, graph) == []


def test_no_module_imports_another_modules_private_names():
    _, _, private = scan()
    assert private == []


def test_no_area_imports_an_area_above_it():
    nodes, graph, _ = scan()
    upward = [
        f"{module} (level {level_of(module)}) imports {target} (level {level_of(target)})"
        for module in sorted(nodes) for target in sorted(graph[module])
        if level_of(target) > level_of(module)
    ]
    assert upward == []


def test_the_checker_finds_what_it_looks_for():
    """The walk itself: a circle, an upward import and a private name are all seen."""
    graph = defaultdict(set, {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert cycles({"a", "b", "c", "d"}, graph) == [["a", "b", "c"]]
    assert level_of("innovation.judging.results") == 6
    assert level_of("innovation.audit.browse") == 4 and level_of("innovation.audit.services") == 2
    _, graph, _ = scan()
    assert "innovation.extensions" in graph["innovation.web"]
