"""Reading a questionnaire file: TOML in, a checked :class:`Questionnaire` out.

Nothing here builds classes; :mod:`flows.questionnaire` compiles the result into
a workflow. Every problem is one :class:`QuestionnaireError` whose message is a
single line: ``<path>:<line>: question '<id>': <what is wrong>``. Reading stops at
the first (:func:`read_questionnaire`); :func:`examine_questionnaire` goes on and
gives every one it can tell apart (for ``hitl check``).

The file format (see ``flows/questionnaire.py`` for the whole reference)::

    id = "bug-report"          # the flow's name; defaults to the file's stem
    title = "Bug report"
    description = "..."
    version = 1

    [[questions]]
    id = "severity"            # a Python identifier: the answer's name
    prompt = "How bad is it?"
    type = "choice"
    choices = ["low", "high"]
    when = { question = "reproducible", equals = true }
"""

from __future__ import annotations

import difflib
import keyword
import re
from pathlib import Path
from typing import Any

from flows.conditions import ConditionError, Target, parse_condition
from flows.question_rules import (
    ALL_CONSTRAINTS,
    CONSTRAINTS,
    KINDS,
    RESERVED_IDS,
    a_kind,
    check_constraints,
    check_default,
    optional_text,
    parse_kind,
    plain,
)
from flows.questionnaire_model import (
    Question,
    Questionnaire,
    QuestionnaireError,
    camel,
    event_name,
    humanize,
)
from flows.toml_guard import TomlProblem, check_values, load_toml, shown_path
from flows.toml_lines import SourceLines

MAX_FILE_BYTES = 1 << 20
"""A questionnaire file larger than this (1 MiB) is refused before parsing."""

TOP_KEYS: tuple[str, ...] = ("id", "title", "description", "version", "questions")
QUESTION_KEYS: tuple[str, ...] = (
    "id", "prompt", "help", "label", "type", "required", "default",
    "min_length", "max_length", "pattern", "choices", "min", "max", "when",
)
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_FLOW_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def read_questionnaire(path: str | Path) -> Questionnaire:
    """Read and check one questionnaire file. Raises :class:`QuestionnaireError`
    (the first problem of the file)."""
    questionnaire, problems = examine_questionnaire(path)
    if questionnaire is None:
        raise problems[0]
    return questionnaire


def examine_questionnaire(
    path: str | Path,
) -> tuple[Questionnaire | None, list[QuestionnaireError]]:
    """Read and check one questionnaire file, going on past a problem: the
    questionnaire (None when there is any problem) and every problem found, in the
    order of the file. A file that cannot be read or parsed has one."""
    path = Path(path)
    try:
        text = _file_text(path)
    except QuestionnaireError as exc:
        return None, [exc]
    return _examine(text, str(path), path.stem)


def _file_text(path: Path) -> str:
    shown = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise QuestionnaireError(
                shown, None, None, f"the file is {size} bytes, over the limit of {MAX_FILE_BYTES}"
            )
        text = path.read_bytes().decode("utf-8-sig")  # a byte order mark (Notepad's) is no text
    except QuestionnaireError:
        raise
    except UnicodeDecodeError as exc:
        raise QuestionnaireError(shown, None, None, f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        reason = f"cannot read the file: {exc.strerror or exc}"
        raise QuestionnaireError(shown, None, None, reason) from None
    return text


def parse_questionnaire(
    text: str, path: str = "<questionnaire>", *, default_id: str | None = None
) -> Questionnaire:
    """Check the TOML ``text`` of a questionnaire; ``path`` is only for messages.
    Raises the first :class:`QuestionnaireError`."""
    questionnaire, problems = _examine(text, path, default_id)
    if questionnaire is None:
        raise problems[0]
    return questionnaire


def _examine(
    text: str, path: str, default_id: str | None
) -> tuple[Questionnaire | None, list[QuestionnaireError]]:
    if len(text) > MAX_FILE_BYTES:
        return None, [QuestionnaireError(path, None, None,
                                         f"over the limit of {MAX_FILE_BYTES} bytes")]
    try:
        data = load_toml(text)
    except TomlProblem as exc:
        return None, [QuestionnaireError(path, exc.line, None, exc.reason)]
    reader = _Reader(text, path)
    try:
        check_values(data)
    except TomlProblem as exc:
        return None, [reader.misplaced(data, exc)]
    try:
        questionnaire = reader.questionnaire(data, default_id)
    except QuestionnaireError as exc:  # one that leaves nothing more to check
        reader.problems.append(exc)
    if reader.problems:
        return None, reader.problems
    return questionnaire, []


class _Reader:
    def __init__(self, text: str, path: str) -> None:
        self.source = SourceLines(text)
        self.path = path
        self.count = 0
        self.problems: list[QuestionnaireError] = []
        """What was wrong and did not stop the reading (the file is still refused)."""
        self.unknowable: set[str] = set()
        """Questions that failed before their kind was known: a condition testing one
        cannot be judged, and is not (the file is refused for that question already)."""

    def fail_top(self, key: str | None, reason: str) -> QuestionnaireError:
        line = self.source.top_line(key) if key else None
        return QuestionnaireError(self.path, line, None, reason)

    def fail(self, index: int, qid: str | None, key: str | None, reason: str) -> QuestionnaireError:
        line = self.source.question_line(index, self.count, qid, key)
        if line is None:
            line = self.source.top_line("questions")
        if qid is None:
            reason = f"question {index + 1}: {reason}"
        return QuestionnaireError(self.path, line, qid, reason)

    def misplaced(self, data: dict[str, Any], problem: TomlProblem) -> QuestionnaireError:
        """The error for a value ``check_values`` refused, at its question and key."""
        where = problem.path
        raw = data.get("questions")
        if len(where) >= 3 and where[0] == "questions" and isinstance(raw, list) \
                and isinstance(where[1], int) and isinstance(raw[where[1]], dict):
            self.count = len(raw)
            qid = raw[where[1]].get("id")
            return self.fail(
                where[1], qid if isinstance(qid, str) and _ID.fullmatch(qid) else None,
                str(where[2]), f"{shown_path(where[2:])}: {problem.reason}",
            )
        key = str(where[0]) if where else None
        return self.fail_top(key, f"{shown_path(where)}: {problem.reason}" if where
                             else problem.reason)

    def questionnaire(self, data: dict[str, Any], default_id: str | None) -> Questionnaire:
        report = self.problems.append
        for key in (k for k in data if k not in TOP_KEYS):
            report(self.fail_top(key, _unknown_key(key, TOP_KEYS, "at the top level")))
        flow_id = data.get("id", default_id)
        if flow_id is None:
            report(self.fail_top(None, "the questionnaire needs an id = \"name\""))
            flow_id = "questionnaire"
        elif not isinstance(flow_id, str) or not _FLOW_ID.fullmatch(flow_id):
            taken = "" if "id" in data else " (taken from the file name; set id = \"...\")"
            report(self.fail_top(
                "id", f"the questionnaire's id {plain(flow_id)}{taken} must start with a letter "
                "and hold only letters, digits, '-' and '_'",
            ))
            flow_id = "questionnaire"
        title = data.get("title", humanize(flow_id))
        if not isinstance(title, str) or not title.strip():
            report(self.fail_top("title", "title must be non-empty text"))
            title = flow_id
        description = data.get("description", "")
        if not isinstance(description, str):
            report(self.fail_top("description", "description must be text"))
            description = ""
        version = data.get("version", 1)
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            report(self.fail_top("version", "version must be a whole number, 1 or more"))
        raw = data.get("questions")
        if not isinstance(raw, list) or not raw:
            raise self.fail_top(
                "questions", "a questionnaire needs at least one [[questions]] table"
            )
        self.count = len(raw)
        # the ids of this question and those after it: one set, shrunk as questions are read
        later = {q.get("id") for q in raw if isinstance(q, dict) and isinstance(q.get("id"), str)}
        questions: list[Question] = []
        seen: dict[str, int] = {}
        earlier: dict[str, Target] = {}
        names: dict[str, str] = {}
        for index, item in enumerate(raw):
            try:
                question = self.question(index, item, seen, earlier, later)
            except QuestionnaireError as exc:  # the next questions are still checked
                report(exc)
                self._known_anyway(index, item, seen, earlier, later)
                continue
            later.discard(question.id)
            name = event_name(flow_id, question.id)
            if name in names:
                report(self.fail(
                    index, question.id, "id",
                    f"its event name {name} is the same as that of question {names[name]!r}; "
                    "choose ids that differ by more than case and '_'",
                ))
            names[name] = question.id
            seen[question.id] = index
            earlier[question.id] = Target(question.kind, question.choices)
            questions.append(question)
        return Questionnaire(
            flow_id, title.strip(), description.strip(), version, tuple(questions), self.path
        )

    def _known_anyway(self, index: int, item: Any, seen: dict[str, int],
                      earlier: dict[str, Target], later: set[str]) -> None:
        """A question that failed but has a sound id stays known to those after it, so
        that its one problem is not told again as theirs ("unknown question")."""
        qid = item.get("id") if isinstance(item, dict) else None
        if not isinstance(qid, str) or qid in seen or not _ID.fullmatch(qid):
            return
        later.discard(qid)
        seen[qid] = index
        kind = parse_kind(item.get("type", "text"))
        choices = item.get("choices")
        if kind is None:
            self.unknowable.add(qid)
        else:
            fine = isinstance(choices, list) and all(isinstance(c, str) for c in choices)
            earlier[qid] = Target(kind, tuple(choices) if fine else None)

    def question(
        self,
        index: int,
        item: Any,
        seen: dict[str, int],
        earlier: dict[str, Target],
        later: set[str],
    ) -> Question:
        if not isinstance(item, dict):
            raise self.fail(index, None, None, "must be a table of keys ([[questions]])")
        qid = item.get("id")
        if qid is None:
            raise self.fail(index, None, None, "has no id; add id = \"name\"")
        if not isinstance(qid, str):
            raise self.fail(index, None, "id", f"id must be text, not {plain(qid)}")
        if not _ID.fullmatch(qid) or keyword.iskeyword(qid):
            raise self.fail(
                index, qid, "id",
                "an id must be a Python identifier: a letter, then letters, digits or '_'",
            )
        if qid in RESERVED_IDS or qid.startswith("model_"):
            raise self.fail(
                index, qid, "id", f"{qid!r} is a reserved name; choose another id",
            )
        if qid in seen:
            first = self.source.question_line(seen[qid], self.count, None, "id")
            at = f" (first at line {first})" if first else ""
            raise self.fail(index, qid, "id", f"duplicate id{at}; each question needs its own")

        def fail(key: str | None, reason: str) -> QuestionnaireError:
            return self.fail(index, qid, key, reason)

        for key in (k for k in item if k not in QUESTION_KEYS):
            self.problems.append(fail(key, _unknown_key(key, QUESTION_KEYS, "in a question")))

        prompt = item.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise fail("prompt", "needs a prompt = \"...\" (the question a person reads)")
        help_text = optional_text(item, "help", fail)
        label = optional_text(item, "label", fail) or humanize(qid)

        raw_kind = item.get("type", "text")
        kind = parse_kind(raw_kind)
        if kind is None:
            raise fail("type", f"unknown type {plain(raw_kind)}; use one of {', '.join(KINDS)}")
        required = item.get("required", True)
        if not isinstance(required, bool):
            raise fail("required", "required must be true or false")

        allowed = CONSTRAINTS[kind]
        for key in ALL_CONSTRAINTS:
            if key in item and key not in allowed:
                fits = ", ".join(allowed) if allowed else "none"
                raise fail(
                    key, f"{key!r} does not apply to {a_kind(kind)} question (it takes: {fits})"
                )
        constraints = check_constraints(kind, item, fail)

        default = item.get("default")
        if default is not None:
            check_default(kind, default, constraints, fail)
            if isinstance(default, list):
                default = tuple(default)

        when = None
        when_data = item.get("when")
        if "when" in item and not (self.unknowable and _tested(when_data) & self.unknowable):
            if index == 0:
                raise fail("when", "the first question cannot have a condition: "
                           "there is no earlier answer to test")
            try:
                when = parse_condition(when_data, earlier, later, qid)
            except ConditionError as exc:
                raise fail("when", str(exc)) from None

        return Question(
            id=qid, prompt=prompt.strip(), kind=kind, required=required, help=help_text,
            label=label, default=default, when=when, when_data=when_data,
            line=self.source.question_line(index, self.count, qid, "id"), **constraints,
        )


def _tested(data: Any) -> set[str]:
    """The question ids a ``when`` table names, at any depth."""
    if isinstance(data, dict):
        found = {data["question"]} if isinstance(data.get("question"), str) else set()
        return found.union(*(_tested(v) for v in data.values()))
    if isinstance(data, list):
        return set().union(*(_tested(v) for v in data))
    return set()


def _unknown_key(key: str, known: tuple[str, ...], where: str) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(known)})"
    return f"unknown key {key!r} {where}{hint}"


__all__ = [
    "KINDS",
    "MAX_FILE_BYTES",
    "QUESTION_KEYS",
    "RESERVED_IDS",
    "TOP_KEYS",
    "Question",
    "Questionnaire",
    "QuestionnaireError",
    "camel",
    "event_name",
    "examine_questionnaire",
    "humanize",
    "parse_questionnaire",
    "read_questionnaire",
]
