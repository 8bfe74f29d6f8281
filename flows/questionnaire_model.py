"""What a questionnaire file says, once checked: the questionnaire, its questions,
the error a file that is not one raises, and the names derived from ids.

:mod:`flows.questionnaire_file` reads files into these; nothing here reads a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flows.conditions import Condition


class QuestionnaireError(ValueError):
    """A file that is not a valid questionnaire. ``str()`` is one line a person can act on:
    ``<path>:<line>: question '<id>': <what is wrong>``.

    ``path``, ``line`` (or None), ``question`` (or None) and ``reason`` are kept apart.
    """

    def __init__(self, path: str, line: int | None, question: str | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.question = question
        self.reason = reason
        where = f"{path}:{line}" if line is not None else path
        about = f"question {question!r}: " if question is not None else ""
        super().__init__(f"{where}: {about}{reason}")


@dataclass(frozen=True, eq=False)
class Question:
    """One question of a questionnaire, checked."""

    id: str
    prompt: str
    kind: str
    required: bool = True
    help: str | None = None
    label: str | None = None
    default: Any = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    choices: tuple[str, ...] | None = None
    ge: Any = None
    le: Any = None
    when: Condition | None = None
    when_data: dict[str, Any] | None = None
    """The ``when`` table as written (for a schema or a review screen)."""
    line: int | None = None

    def empty_value(self) -> Any:
        """The answer slot when no default is given."""
        if self.kind in ("text", "long_text", "choice"):
            return ""
        if self.kind in ("multi_choice", "list"):
            return []
        return None

    def slot(self) -> Any:
        """What the step puts in the answer slot: the default, else an empty one."""
        value = self.default if self.default is not None else self.empty_value()
        return list(value) if isinstance(value, (list, tuple)) else value


@dataclass(frozen=True, eq=False)
class Questionnaire:
    """A checked questionnaire: what the file says, ready to compile."""

    id: str
    title: str
    description: str
    version: int
    questions: tuple[Question, ...]
    path: str | None = None

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)


def camel(name: str) -> str:
    """``bug-report`` -> ``BugReport``; ``root_cause`` -> ``RootCause``."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[_\-]+", name) if part)


def event_name(flow_id: str, question_id: str) -> str:
    """The class name of a question's event: ``IncidentSeverityQuestion``.

    Deterministic, because stored events name their class.
    """
    return f"{camel(flow_id)}{camel(question_id)}Question"


def humanize(name: str) -> str:
    """``root_cause`` -> ``Root cause``; ``bug-report`` -> ``Bug report``."""
    words = re.sub(r"[_\-\s]+", " ", name).strip()
    return words[:1].upper() + words[1:]


__all__ = [
    "Question",
    "Questionnaire",
    "QuestionnaireError",
    "camel",
    "event_name",
    "humanize",
]
