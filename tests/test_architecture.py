"""The layout is the architecture: arrows run one way (app -> evaluation -> answering -> store
-> ingest -> shared types), no import cycles, and no module much over 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "assistant"
LAYERS = ["shared", "ingest", "store", "answering", "evaluation", "app"]
MAX_LINES = 430


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(path: Path) -> set[str]:
    """Every assistant module the file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("assistant"):
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("assistant")}
    return found


def _layer(module: str) -> int:
    parts = module.split(".")
    if module == "assistant.__main__":
        return LAYERS.index("app")  # the entry point
    return LAYERS.index(parts[1]) if len(parts) >= 2 and parts[1] in LAYERS else 0


def test_imports_run_one_way() -> None:
    modules = _modules()
    wrong = []
    for name, path in modules.items():
        for target in _imports(path) & set(modules):
            if _layer(target) > _layer(name):
                wrong.append(f"{name} -> {target}")
    assert not wrong, wrong


def test_no_import_cycles() -> None:
    modules = _modules()
    graph = {n: (_imports(p) & set(modules)) - {n} for n, p in modules.items()}
    graph = {n: {t for t in ts if not n.startswith(t + ".") and t != "assistant"}
             for n, ts in graph.items()}  # fmt: skip
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*path[path.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, cycles


def test_no_module_is_much_over_400_lines() -> None:
    long = {
        str(p.relative_to(PACKAGE.parent)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, long


def test_evaluation_and_app_use_only_what_answering_exports() -> None:
    """evaluation/ and app/ reach the answer step through `assistant.answering` alone: its
    stages can change inside without the layers above noticing."""
    wrong = []
    for name, path in _modules().items():
        if _layer(name) < LAYERS.index("evaluation"):
            continue
        for target in _imports(path):
            if target.startswith("assistant.answering.") and not _exported(target):
                wrong.append(f"{name} -> {target}")
    assert not wrong, wrong


def _exported(target: str) -> bool:
    """An attribute of the package itself (`assistant.answering.Answerer`), not a module."""
    import assistant.answering as answering

    rest = target.removeprefix("assistant.answering.")
    return "." not in rest and rest in answering.__all__ + list(answering._LAZY)


def test_answering_is_folders_by_stage() -> None:
    """answering/ reads as the path of a question: each stage a folder opening with a line on
    its job, the pipeline beside them."""
    root = PACKAGE / "answering"
    stages = ["question", "vocabulary", "retrieval", "evidence", "compose", "generative", "people"]
    for stage in stages:
        init = root / stage / "__init__.py"
        assert init.exists(), stage
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc) > 20, f"{stage}/__init__.py needs a line on its job"
    loose = sorted(p.name for p in root.glob("*.py"))
    assert loose == ["__init__.py", "backends.py", "pipeline.py"], loose
