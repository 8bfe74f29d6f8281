"""The flows a person can start, by name: built-ins, shipped files and their own.

Order and precedence: the built-in flows (``gather``, ``joke``), then the
questionnaires shipped in ``flows/questionnaires/*.toml``, then ``*.toml`` in
the user's folder. A name is never silently replaced: a later file that claims
a taken name is reported in ``problems`` and left out, and so is a file that is
not a valid questionnaire; neither stops the others from loading.

This module reads no environment variable and knows no default folder: the
app (``tui/sessions/locations.py``) passes ``user_dir``. Files are read once while
unchanged, and compiled only when a flow is loaded; a built-in flow asked for by
name reads none (no file may take its name), so ``hitl new gather`` starts
without parsing a questionnaire, and without importing the TOML reader.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from flows.gather import GatherFlow
from flows.joke import JokeFlow
from hitl import Workflow

if TYPE_CHECKING:
    from flows.questionnaire_file import Questionnaire, QuestionnaireError

BUILT_IN = "built-in"
"""The ``source`` of a flow written in Python and shipped with the app."""

SHIPPED_DIR = Path(__file__).resolve().parent / "questionnaires"
"""Where the shipped questionnaire files are."""

_BUILT_INS: tuple[type[Workflow], ...] = (GatherFlow, JokeFlow)


@dataclass(frozen=True)
class FlowEntry:
    """A flow that can be started: ``factory()`` gives a fresh workflow."""

    name: str
    title: str
    description: str
    source: str
    """``"built-in"``, or the path of the questionnaire file."""
    factory: Callable[[], Workflow]


class FlowProblem(NamedTuple):
    """A flow file that was left out, and why (one line, with the file and line)."""

    path: Path
    message: str


class UnknownFlow(KeyError):
    """No flow of that name; the message lists the names there are."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else "unknown flow"


class Registry(Mapping[str, FlowEntry]):
    """The flows by name (a read-only mapping), and the files that were left out.

    Made by :func:`available_flows`, the files are read when first needed: a
    built-in flow looked up by name needs none."""

    def __init__(self, flows: dict[str, FlowEntry], problems: list[FlowProblem],
                 read: Callable[[], tuple[dict[str, FlowEntry], list[FlowProblem]]]
                 | None = None) -> None:
        self._flows = flows
        self._problems = problems
        self._pending = read

    def _files_read(self) -> None:
        if self._pending is not None:
            read, self._pending = self._pending, None
            self._flows, self._problems = read()

    @property
    def flows(self) -> dict[str, FlowEntry]:
        self._files_read()
        return self._flows

    @property
    def problems(self) -> list[FlowProblem]:
        self._files_read()
        return self._problems

    def __getitem__(self, name: str) -> FlowEntry:
        entry = self._flows.get(name)
        if entry is not None and entry.source == BUILT_IN:
            return entry  # a file never replaces a built-in flow: nothing to read
        try:
            return self.flows[name]
        except KeyError:
            raise UnknownFlow(self._unknown(name)) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.flows)

    def __len__(self) -> int:
        return len(self.flows)

    def load(self, name: str) -> Workflow:
        """A fresh workflow of the flow ``name``; ``UnknownFlow`` if there is none."""
        return self[name].factory()

    def _unknown(self, name: str) -> str:
        known = ", ".join(self.flows) or "none"
        message = f"unknown flow {name!r}; known flows: {known}"
        for problem in self.problems:
            if problem.path.stem == name:
                message += f"; {problem.path} was left out: {problem.message}"
        return message

    def __repr__(self) -> str:
        return f"Registry(flows={list(self.flows)!r}, problems={len(self.problems)})"


# -- reading files once ---------------------------------------------------------------

_FileKey = tuple[str, int, int]
_read_cache: dict[_FileKey, Questionnaire | QuestionnaireError] = {}
_compiled: dict[_FileKey, type[Workflow]] = {}


def _file_key(path: Path) -> _FileKey | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (str(path), info.st_mtime_ns, info.st_size)


def _read(path: Path) -> tuple[_FileKey | None, Questionnaire]:
    from flows.questionnaire_file import QuestionnaireError, read_questionnaire

    key = _file_key(path)
    found = _read_cache.get(key) if key is not None else None
    if found is None:
        try:
            found = read_questionnaire(path)
        except QuestionnaireError as exc:
            found = exc
        except Exception as exc:  # a bug of the reader's: still this file's alone
            found = _unexpected(path, exc, "cannot be read")
        if key is not None:
            _read_cache[key] = found
    if isinstance(found, QuestionnaireError):
        raise found
    return key, found


def _unexpected(path: Path, exc: Exception, doing: str) -> QuestionnaireError:
    from flows.questionnaire_file import QuestionnaireError

    return QuestionnaireError(
        str(path), None, None, f"{doing}: unexpected {type(exc).__name__}: "
        f"{str(exc)[:200]} (a bug of hitl's reader; please report it)",
    )


def _taken(path: Path, name: str, taken: FlowEntry) -> str:
    owner = "a built-in flow" if taken.source == BUILT_IN else taken.source
    return f"{path}: the flow name {name!r} is already taken by {owner}; give this file another id"


def _factory(key: _FileKey | None, questionnaire: Questionnaire) -> Callable[[], Workflow]:
    def make() -> Workflow:
        cls = _compiled.get(key) if key is not None else None
        if cls is None:
            from flows.questionnaire import compile_questionnaire

            cls = compile_questionnaire(questionnaire)
            if key is not None:
                _compiled[key] = cls
        return cls()

    return make


def _toml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.toml") if p.is_file())


def _add_files(
    files: list[Path], flows: dict[str, FlowEntry], problems: list[FlowProblem]
) -> None:
    from flows.questionnaire_file import QuestionnaireError

    for path in files:
        try:
            key, questionnaire = _read(path)
        except QuestionnaireError as exc:
            problems.append(FlowProblem(path, str(exc)))
            continue
        name = questionnaire.id
        taken = flows.get(name)
        if taken is not None:
            problems.append(FlowProblem(path, _taken(path, name, taken)))
            continue
        flows[name] = FlowEntry(
            name, questionnaire.title, questionnaire.description, str(path),
            _factory(key, questionnaire),
        )


def available_flows(user_dir: Path | str | None = None) -> Registry:
    """Every flow that can be started, by name, and the files left out (``.problems``).

    ``user_dir`` is the person's own folder of ``*.toml`` questionnaires; a
    missing folder holds none, and a file in its place is a problem. Never
    raises for a bad file. The files are read when the registry is first asked
    for more than a built-in flow by name.
    """
    built_in = {cls.name: FlowEntry(cls.name, cls.title, cls.description, BUILT_IN, cls)
                for cls in _BUILT_INS}

    def read() -> tuple[dict[str, FlowEntry], list[FlowProblem]]:
        flows = dict(built_in)
        problems: list[FlowProblem] = []
        _add_files(_toml_files(SHIPPED_DIR), flows, problems)
        if user_dir is not None:
            folder = Path(user_dir).expanduser()
            if folder.is_dir():
                try:
                    files = _toml_files(folder)
                except OSError as exc:
                    problems.append(
                        FlowProblem(folder, f"{folder}: cannot list the folder: {exc}"))
                else:
                    _add_files(files, flows, problems)
            elif folder.exists():
                problems.append(FlowProblem(folder, (
                    f"{folder}: not a folder (--flows-dir or HITL_FLOWS names the folder "
                    "your *.toml questionnaires are in)")))
        return flows, problems

    return Registry(built_in, [], read)


class FileCheck(NamedTuple):
    """What ``hitl check`` tells of one questionnaire file."""

    path: Path
    questionnaire: Questionnaire | None
    """The questionnaire, when the file has no problem."""
    problems: list[QuestionnaireError]
    """Every problem found, in the order of the file (empty: the file is fine)."""


def check_file(path: Path | str, flows: Mapping[str, FlowEntry] | None = None) -> FileCheck:
    """Every problem of one questionnaire file, as the registry would meet it: read,
    checked past the first problem, compiled into a workflow, and its name free among
    ``flows`` (those of another source than this file). Never raises for a bad file."""
    from flows.questionnaire import compile_questionnaire
    from flows.questionnaire_file import QuestionnaireError, examine_questionnaire

    path = Path(path)
    try:
        questionnaire, problems = examine_questionnaire(path)
    except Exception as exc:
        return FileCheck(path, None, [_unexpected(path, exc, "cannot be read")])
    if questionnaire is None:
        return FileCheck(path, None, problems)
    try:
        compile_questionnaire(questionnaire)
    except QuestionnaireError as exc:
        return FileCheck(path, None, [exc])
    except Exception as exc:
        return FileCheck(path, None, [_unexpected(path, exc, "cannot be compiled")])
    taken = (flows or {}).get(questionnaire.id)
    if taken is not None and not _same_file(taken.source, path):
        name = questionnaire.id
        return FileCheck(path, None, [QuestionnaireError(
            str(path), None, None, _taken(path, name, taken).removeprefix(f"{path}: "))])
    return FileCheck(path, questionnaire, [])


def _same_file(source: str, path: Path) -> bool:
    if source == BUILT_IN:
        return False
    try:
        return Path(source).resolve() == path.resolve()
    except OSError:
        return False


def load_flow(name: str, user_dir: Path | str | None = None) -> Workflow:
    """A fresh workflow of the flow ``name``. Raises ``UnknownFlow`` naming the known ones."""
    return available_flows(user_dir).load(name)


__all__ = [
    "BUILT_IN",
    "SHIPPED_DIR",
    "FileCheck",
    "FlowEntry",
    "FlowProblem",
    "Registry",
    "UnknownFlow",
    "available_flows",
    "check_file",
    "load_flow",
]
