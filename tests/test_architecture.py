"""The shape the code keeps: data flows forward through the index stages, no two modules
import each other, and no module grows past what one reader holds in mind."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parents[1] / "src"
PACKAGE = SRC / "studynotes"
MAX_LINES = 500

# Each stage may import the ones before it (their output records), never one after it.
STAGES = ["discover", "parse", "resolve", "render", "store", "pipeline"]


def _module(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports() -> dict[str, set[str]]:
    """Every studynotes module and the studynotes modules it imports (lazy imports too)."""
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            found.update(t for t in targets if t in modules and t != name)
        graph[name] = found
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        for nxt in sorted(graph.get(node, ())):
            found = visit(nxt, [*path, node])
            if found:
                return found
        done.add(node)
        return None

    for start in sorted(graph):
        found = visit(start, [])
        if found:
            return found
    return None


def test_no_two_modules_import_each_other_even_through_others() -> None:
    graph = _imports()
    graph = {m: {t for t in ts if t.rsplit(".", 1)[0] != m} for m, ts in graph.items()}
    # A package's __init__ re-exporting its own modules is not a cycle of logic.
    for name in list(graph):
        graph[name] = {t for t in graph[name] if not t.startswith(name + ".")}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_index_stages_never_import_a_later_stage() -> None:
    graph = _imports()
    for i, stage in enumerate(STAGES):
        later = {f"studynotes.ingest.{s}" for s in STAGES[i + 1 :]}
        assert not graph[f"studynotes.ingest.{stage}"] & later, stage


def test_the_plan_reads_records_and_fingerprints_and_does_no_work() -> None:
    doers = {f"studynotes.ingest.{m}" for m in ("render", "store", "pipeline", "work", "run")}
    assert not _imports()["studynotes.ingest.plan"] & doers


def test_no_module_is_longer_than_a_reader_holds_in_mind() -> None:
    long = {
        str(p.relative_to(SRC)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, long
