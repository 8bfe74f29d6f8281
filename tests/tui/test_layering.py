"""The house of tui: ``sessions`` (headless) under ``cli`` and ``app``; arrows point down.

Checked on the source, with every import counted (module level, inside
functions, and under ``TYPE_CHECKING``): an import a type checker follows is
an arrow a reader follows too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def module_name(file: Path) -> str:
    parts = list(file.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(file: Path) -> set[str]:
    """The modules ``file`` imports, as absolute dotted names."""
    package = module_name(file)
    if file.name != "__init__.py":
        package = package.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text(), str(file))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def graph(*packages: str) -> dict[str, set[str]]:
    """The modules of ``packages`` (tui by default) and those of them each imports
    (``from a import b`` counts as an import of ``a.b`` when that is a module, else
    of ``a``)."""
    files = {module_name(f): f for p in packages or ("tui",) for f in (ROOT / p).rglob("*.py")}
    return {
        name: {target for target in imports_of(file) if target in files and target != name
               and not name.startswith(target + ".")}  # a package's own __init__ is no arrow
        for name, file in files.items()
    }


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, round a circle (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(edges[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def layer(module: str) -> str:
    return module.split(".")[1] if module.count(".") else "tui"


def test_the_session_layer_never_imports_a_face_or_textual():
    for name, file in ((module_name(f), f) for f in (ROOT / "tui" / "sessions").rglob("*.py")):
        roots = {target.split(".")[0] for target in imports_of(file)}
        assert {"textual", "rich"} & roots == set(), name
        assert {t for t in imports_of(file) if t.startswith(("tui.app", "tui.cli"))} == set(), name


def test_the_faces_import_the_session_layer_never_each_other():
    edges = graph()
    for name, targets in edges.items():
        if layer(name) == "app":
            assert {t for t in targets if layer(t) == "cli"} == set(), name
        if layer(name) == "cli":
            into_app = {t for t in targets if layer(t) == "app"}
            # one way in: tui.cli.launch starts the app through tui.app's run/make function
            assert into_app <= ({"tui.app"} if name == "tui.cli.launch" else set()), name


def test_no_module_imports_itself_round_a_circle():
    assert circles(graph("hitl", "flows", "tui")) == []


def test_the_circle_check_finds_one():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_browser_face_is_started_by_the_cli_alone():
    for name, targets in graph().items():
        if layer(name) not in ("serve", "cli"):
            assert {t for t in targets if layer(t) == "serve"} == set(), name
        if layer(name) == "cli":
            into_serve = {t for t in targets if layer(t) == "serve"}
            assert into_serve <= ({"tui.serve.command"} if name == "tui.cli.launch" else set())


def test_the_cli_never_imports_textual():
    for file in (ROOT / "tui" / "cli").rglob("*.py"):
        roots = {target.split(".")[0] for target in imports_of(file)}
        assert {"textual", "rich"} & roots == set(), module_name(file)


def test_headless_commands_load_without_textual():
    code = (
        "import sys, tui.cli, tui.cli.commands, tui.cli.answer_commands, tui.cli.plain,"
        "tui.sessions.summary,"
        "tui.sessions.export;"
        "print(sorted(m for m in ('textual', 'rich', 'tui.app') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "[]"


LONG = 400
"""A module past this many lines says why at its top, or is split."""


def test_every_long_module_says_why_it_is_long():
    unexplained = []
    for package in ("hitl", "flows", "tui"):
        for file in (ROOT / package).rglob("*.py"):
            source = file.read_text()
            if source.count("\n") <= LONG:
                continue
            docstring = ast.get_docstring(ast.parse(source)) or ""
            if f"Past {LONG} lines on purpose:" not in docstring:
                unexplained.append(f"{module_name(file)} ({source.count(chr(10))} lines)")
    assert unexplained == []
