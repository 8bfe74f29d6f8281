"""Arrows only point down: tui -> flows -> hitl. The engine imports pydantic, RE2
and the standard library only; flows never import the UI."""

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_IMPORT_ALL = """
import json, pkgutil, sys, importlib
names = sys.argv[1:]
for name in names:
    package = importlib.import_module(name)
    for info in pkgutil.walk_packages(package.__path__, name + "."):
        importlib.import_module(info.name)
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def top_level_modules_after_importing(*packages: str) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL, *packages],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return set(json.loads(proc.stdout))


def test_the_engine_and_flows_load_without_the_ui():
    loaded = top_level_modules_after_importing("hitl", "flows")
    assert "hitl" in loaded and "flows" in loaded
    assert {"textual", "tui", "rich"} & loaded == set()


# pydantic, RE2 (answer patterns in linear time: hitl/patterns.py) and the standard
# library only (and the interpreter's own private helpers)
_ENGINE_DEPENDENCIES = set(sys.stdlib_module_names) | {
    "hitl",
    "re2",
    "pydantic",
    "pydantic_core",
    "typing_extensions",
    "annotated_types",
    "typing_inspection",
}


def test_the_engine_never_imports_flows():
    loaded = top_level_modules_after_importing("hitl")
    assert {"flows", "tui", "textual"} & loaded == set()
    # the PostgreSQL store (store/postgres.py, pg_*.py) alone adds psycopg and its pool
    # (the postgres extra)
    allowed = _ENGINE_DEPENDENCIES | {"psycopg", "psycopg_pool", "psycopg_binary", "cython_runtime"}
    assert {m for m in loaded - allowed if not m.startswith("_")} == set()


def test_importing_the_engine_imports_no_database_driver():
    code = (
        "import json, sys, hitl, hitl.store; "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        check=True,
    )  # fmt: skip
    loaded = set(json.loads(proc.stdout))
    assert {m for m in loaded - _ENGINE_DEPENDENCIES if not m.startswith("_")} == set()


def imported_roots(folder: str) -> dict[str, set[str]]:
    found = {}
    for file in sorted((ROOT / folder).rglob("*.py")):
        roots = set()
        for node in ast.walk(ast.parse(file.read_text(), str(file))):
            if isinstance(node, ast.Import):
                roots |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                roots.add(node.module.split(".")[0])
        found[str(file.relative_to(ROOT))] = roots
    return found


def test_no_module_of_the_engine_or_flows_names_an_upper_layer():
    for file, roots in imported_roots("hitl").items():
        assert roots & {"flows", "tui", "textual", "rich", "platformdirs"} == set(), file
    for file, roots in imported_roots("flows").items():
        assert roots & {"tui", "textual", "rich"} == set(), file
