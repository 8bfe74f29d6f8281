"""Where hitl keeps its data: every path in one place, each overridable.

The store: ``--db PATH`` (a SQLite file, or a ``postgresql://`` URL of a shared
PostgreSQL store), else ``HITL_DB``, else ``hitl.db`` in the user data dir.
User flows: ``--flows-dir DIR``, else ``HITL_FLOWS``, else ``flows/`` in the user
data dir. Exports from the review screen: ``HITL_EXPORTS``, else the current
directory.
"""

from __future__ import annotations

import getpass
import os
import unicodedata
from pathlib import Path

from platformdirs import user_data_path

from hitl.store.spec import is_postgres

APP_NAME = "hitl"


def data_dir() -> Path:
    return user_data_path(APP_NAME, appauthor=False)


def store_spec(
    override: str | os.PathLike[str] | None = None, *, make_folder: bool = True
) -> str | Path:
    """The store to open: a PostgreSQL URL (``postgresql://...``) as given, else the
    SQLite file's path (its folder is created, unless ``make_folder`` is false).
    An empty ``--db`` is an error, an empty ``HITL_DB`` is unset."""
    _not_empty(override, "--db", "a store file or a postgresql:// URL")
    chosen = override or os.environ.get("HITL_DB")
    if chosen and is_postgres(str(chosen)):
        return str(chosen)
    path = Path(chosen).expanduser() if chosen else data_dir() / "hitl.db"
    if make_folder:
        path.parent.mkdir(parents=True, exist_ok=True)
    return path


def db_chosen(override: str | os.PathLike[str] | None = None) -> bool:
    """Whether the store was named (``--db`` or ``HITL_DB``) rather than the default."""
    return bool(override or os.environ.get("HITL_DB"))


def flows_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The folder of the person's own TOML questionnaires (may not exist)."""
    _not_empty(override, "--flows-dir", "a folder")
    chosen = override or os.environ.get("HITL_FLOWS")
    return Path(chosen).expanduser() if chosen else data_dir() / "flows"


def _not_empty(given: str | os.PathLike[str] | None, option: str, what: str) -> None:
    if given is not None and not str(given).strip():
        raise ValueError(f"{option} is empty: give {what}, or leave {option} out for the default")


def exports_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Where the review screen writes exports: ``override``, else ``HITL_EXPORTS``,
    else the current directory (the folder is created)."""
    chosen = override or os.environ.get("HITL_EXPORTS")
    path = Path(chosen).expanduser() if chosen else Path.cwd()
    path.mkdir(parents=True, exist_ok=True)
    return path


MAX_AUTHOR = 100


def author(override: str | None = None) -> str | None:
    """Who answers: ``override`` (``--user``), else ``HITL_USER``, else the OS
    login; None when none can be told. One line of printable text, at most
    ``MAX_AUTHOR`` characters (``ValueError`` otherwise)."""
    name = override if override is not None else os.environ.get("HITL_USER")
    if name is None:
        try:
            name = getpass.getuser()
        except Exception:  # no login name (a container's uid with no passwd entry)
            return None
    name = name.strip()
    if not name:
        raise ValueError("a user name is empty (--user or HITL_USER)")
    if len(name) > MAX_AUTHOR or any(unicodedata.category(c)[0] in "CZ" and c != " " for c in name):
        raise ValueError(
            f"a user name is one line of at most {MAX_AUTHOR} printable characters "
            "(--user or HITL_USER)"
        )
    return name
