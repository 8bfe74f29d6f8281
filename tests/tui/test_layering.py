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


def graph() -> dict[str, set[str]]:
    """tui's modules and the tui modules each imports."""
    files = {module_name(f): f for f in (ROOT / "tui").rglob("*.py")}
    return {
        name: {target for target in imports_of(file) if target in files and target != name}
        for name, file in files.items()
    }


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


def test_the_cli_never_imports_textual():
    for file in (ROOT / "tui" / "cli").rglob("*.py"):
        roots = {target.split(".")[0] for target in imports_of(file)}
        assert {"textual", "rich"} & roots == set(), module_name(file)


def test_headless_commands_load_without_textual():
    code = (
        "import sys, tui.cli, tui.cli.commands, tui.cli.plain, tui.sessions.summary,"
        "tui.sessions.export;"
        "print(sorted(m for m in ('textual', 'rich', 'tui.app') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "[]"
