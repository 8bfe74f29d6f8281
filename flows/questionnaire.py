"""TOML questionnaires, compiled into workflows.

A questionnaire file becomes a :class:`hitl.Workflow` with one question event
and one step per question, so checkpoints, resume, rewind and edit work
exactly as for ``GatherFlow``. No code is ever read from a file.

The file
========

Top level::

    id = "incident"            # the flow's name (default: the file's stem);
                               # a letter, then letters, digits, '-' or '_'
    title = "Incident post-mortem"
    description = "What happened, why, and what we change."
    version = 1                # a whole number; bump it when answers change meaning

Then one ``[[questions]]`` table per question, asked in file order::

    [[questions]]
    id = "severity"            # required: a Python identifier, the answer's name
                               # (answers read severity="high"; the CLI takes
                               # --set severity=high). Not at, run_id, message,
                               # nor a name a pydantic model already uses.
    prompt = "How severe was it?"   # required: what the person reads
    help = "SEV1 is customer-facing and total."   # optional, shown under the prompt
    label = "Severity"         # optional short name for reviews (default from the id)
    type = "choice"            # see the types below (default "text")
    required = true            # default true; false lets it be left empty
    default = "sev3"           # optional: pre-fills the answer; the person may change it
    choices = ["sev1", "sev2", "sev3"]
    when = { question = "customer_facing", equals = true }   # optional condition

Types and the constraints each takes (a constraint on the wrong type is an
error, as is any unknown key: typos are never ignored):

=================  ==========================  ====================================
type               answer                      constraints
=================  ==========================  ====================================
``text``           one line of text            min_length, max_length, pattern
``long_text``      several lines of text       min_length, max_length, pattern
``choice``         one of ``choices``          choices (required)
``multi_choice``   a list from ``choices``     choices (required), min_length,
                                               max_length (count items)
``list``           a list of texts             min_length, max_length (count items)
``integer``        a whole number              min, max
``number``         a number                    min, max
``yes_no``         true or false               (none)
``date``           a date (TOML 2024-01-31)    min, max (TOML dates)
=================  ==========================  ====================================

``type`` also takes the spellings "long text", "single choice",
"multiple choice" and "yes/no". ``pattern`` is a regular expression the whole
answer must match, in RE2's syntax (matched in time linear in the answer, see
:mod:`hitl.patterns`): no lookaround or backreferences, and ``\\d``, ``\\w``,
``\\s`` are ASCII (``\\pL`` is any letter).
A refused answer is never shown the pattern: it is told the example the
``help`` gives after "e.g.", "for example" or "such as" ("should look like
2.4.1 or 2.5.0rc1"), or, with no example, that it "is not in the form this
question asks for". Give a question with a pattern an example in its help.

``when`` (see :mod:`flows.conditions`) is a test on one *earlier* answer, or a
combination: ``equals``, ``not_equals``, ``one_of``, ``gt``/``ge``/``lt``/``le``
(numbers and dates), ``contains`` (multiple choice and lists), ``answered``
(true/false), and ``all = [...]``, ``any = [...]``, ``not = {...}``::

    when = { all = [ { question = "severity", one_of = ["sev1", "sev2"] },
                     { question = "customers_affected", gt = 100 } ] }

A question whose ``when`` is false is skipped (its answer stays empty and is
left out of the result). A test on a skipped or empty answer is false, except
``answered = false``. Changing an earlier answer on a branch (``run_from`` a
``human`` checkpoint with an edit) asks again what its conditions now select.

The run
=======

``start`` asks the first question; ``answer_<id>`` keeps the answer in the run's
state and asks the next question whose ``when`` holds, or ends with
``StopEvent(result={id: answer, ...})`` holding the questions asked, as JSON
values (dates as ``"YYYY-MM-DD"``). The state is ``{position, answers}``:
``position`` is the index of the pending question (the number of questions
when done).

A file that is not a valid questionnaire raises :class:`QuestionnaireError`,
whose message is one line: ``<path>:<line>: question '<id>': <what is wrong>``.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, ClassVar, Optional, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model

from flows.conditions import evaluate
from flows.questionnaire_file import (
    Question,
    Questionnaire,
    QuestionnaireError,
    camel,
    event_name,
    parse_questionnaire,
    read_questionnaire,
)
from hitl import (
    Context,
    Event,
    InputRequiredEvent,
    StartEvent,
    StopEvent,
    Workflow,
    WorkflowValidationError,
    answer_field,
    step,
)


def _no_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected a number, not true or false")
    return value


_ANNOTATIONS: dict[str, Any] = {
    "text": str,
    "long_text": str,
    "choice": str,
    "multi_choice": list[str],
    "list": list[str],
    "integer": Annotated[Optional[int], BeforeValidator(_no_bool)],  # noqa: UP045
    "number": Annotated[Optional[float], BeforeValidator(_no_bool)],  # noqa: UP045
    "yes_no": Optional[bool],  # noqa: UP045
    "date": Optional[dt.date],  # noqa: UP045
}
_STORED: dict[str, Any] = {
    "text": str,
    "long_text": str,
    "choice": str,
    "multi_choice": list[str],
    "list": list[str],
    "integer": int,
    "number": float,
    "yes_no": bool,
    "date": dt.date,
}


class QuestionnaireFlow:
    """What every compiled questionnaire workflow has besides its steps.

    A compiled class derives from this and from :class:`hitl.Workflow`, so
    ``isinstance(workflow, QuestionnaireFlow)`` tells a questionnaire apart.
    ``state`` arguments take the run's state model, its dict, or a
    checkpoint's ``ctx_state`` (``{"state": {...}}``).
    """

    questionnaire: ClassVar[Questionnaire]
    question_events: ClassVar[dict[str, type[InputRequiredEvent]]]
    """Question id -> its event class, in question order."""
    answers_type: ClassVar[type[BaseModel]]
    state_type: ClassVar[type[BaseModel]]

    def _state(self, state: Any) -> Any:
        if isinstance(state, self.state_type):
            return state
        if isinstance(state, BaseModel):
            state = state.model_dump()
        if isinstance(state, dict) and set(state) == {"state"} and isinstance(state["state"], dict):
            state = state["state"]
        return self.state_type.model_validate(state)

    def ask_from(self, state: Any, index: int) -> Event:
        """The first question from ``index`` on whose ``when`` holds, or the StopEvent.

        Skipped questions have their answers cleared; ``state.position`` moves.
        """
        questions = self.questionnaire.questions
        answers = state.answers
        values = answers.model_dump()
        for position in range(index, len(questions)):
            question = questions[position]
            if question.when is not None and evaluate(question.when, values) is not True:
                setattr(answers, question.id, None)
                values[question.id] = None
                continue
            state.position = position
            event_type = self.question_events[question.id]
            return event_type(message=question.prompt, **{question.id: question.slot()})
        state.position = len(questions)
        return StopEvent(result=self.answers_of(state))

    def answered_questions(self, state: Any) -> list[str]:
        """The ids of the questions answered so far (skipped ones left out), in order."""
        state = self._state(state)
        values = state.answers.model_dump()
        return [
            q.id
            for q in self.questionnaire.questions[: state.position]
            if q.when is None or evaluate(q.when, values) is True
        ]

    def answers_of(self, state: Any) -> dict[str, Any]:
        """The answers so far as JSON values, by question id (skipped ones left out)."""
        state = self._state(state)
        asked = set(self.answered_questions(state))
        return state.answers.model_dump(mode="json", include=asked)

    def question_total(self, state: Any) -> int:
        """How many questions this run asks, as far as its answers so far tell.

        Questions answered, the pending one, and every later question whose
        condition holds or cannot be known yet; skipped ones do not count. A
        later question certain to be skipped counts as unanswered in the
        conditions after it.
        """
        state = self._state(state)
        position = state.position
        values = state.answers.model_dump()
        known: set[str] = set()
        total = 0
        for index, q in enumerate(self.questionnaire.questions):
            holds = True if q.when is None else evaluate(q.when, values, known.__contains__)
            if holds is not False:
                total += 1
            if index < position or holds is False:
                known.add(q.id)  # answered, or certain to be skipped (no answer)
        return total

    def question_number(self, state: Any) -> int:
        """The 1-based number of the pending question (the total asked when done)."""
        state = self._state(state)
        done = len(self.answered_questions(state))
        return done + 1 if state.position < len(self.questionnaire.questions) else done


def _event_type(
    name: str, question: Question, version: int, base: type[InputRequiredEvent]
) -> type[InputRequiredEvent]:
    rules: dict[str, Any] = {
        "required": question.required,
        "kind": question.kind,
        "label": question.label,
        "help": question.help,
        "min_length": question.min_length,
        "max_length": question.max_length,
        "pattern": question.pattern,
        "choices": question.choices,
        "ge": question.ge,
        "le": question.le,
    }
    field = answer_field(question.slot(), **rules)
    cls = create_model(
        name,
        __base__=base,
        __module__=__name__,
        __doc__=question.prompt,
        **{question.id: (_ANNOTATIONS[question.kind], field)},
    )
    cls.event_version = version
    return cls


def _start_step(emits: Any) -> Callable[..., Any]:
    async def start(self: QuestionnaireFlow, ctx: Context, ev: StartEvent) -> Event:
        return self.ask_from(ctx.state, 0)

    start.__annotations__ = {"ctx": Context, "ev": StartEvent, "return": emits}
    return step(start)


def _answer_step(question: Question, index: int, accepts: type[Event], emits: Any) -> Callable:
    qid = question.id

    async def answer(self: QuestionnaireFlow, ctx: Context, ev: Event) -> Event:
        setattr(ctx.state.answers, qid, getattr(ev, qid))
        return self.ask_from(ctx.state, index + 1)

    answer.__name__ = answer.__qualname__ = f"answer_{qid}"
    answer.__annotations__ = {"ctx": Context, "ev": accepts, "return": emits}
    return step(answer)


def compile_questionnaire(questionnaire: Questionnaire) -> type[Workflow]:
    """Build the workflow class of a checked questionnaire.

    Its event classes are named by :func:`event_name` (``IncidentSeverityQuestion``),
    deterministic because stored events name their class. Raises
    :class:`QuestionnaireError` only for a questionnaire not made by the reader.
    """
    flow = camel(questionnaire.id)
    path = questionnaire.path or "<questionnaire>"
    # Every question derives from one base the steps name in their return
    # annotations, so each annotation has two members, not one per later
    # question: the compile is linear in the questions (a union per step made it
    # quadratic). The base is never an event of its own: no step accepts it.
    any_question = type(
        f"{flow}AnyQuestion", (InputRequiredEvent,),
        {"__module__": __name__, "model_config": ConfigDict(defer_build=True)},
    )
    events: dict[str, type[InputRequiredEvent]] = {
        q.id: _event_type(
            event_name(questionnaire.id, q.id), q, questionnaire.version, any_question
        )
        for q in questionnaire.questions
    }
    asks = Union[any_question, StopEvent]  # noqa: UP007

    answers_type = create_model(
        f"{flow}Answers",
        __module__=__name__,
        **{q.id: (Optional[_STORED[q.kind]], None) for q in questionnaire.questions},  # noqa: UP045
    )
    state_type = create_model(
        f"{flow}State",
        __module__=__name__,
        position=(int, 0),
        answers=(answers_type, Field(default_factory=answers_type)),
    )
    ordered = list(events.values())
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "__qualname__": f"{flow}Questionnaire",
        "__doc__": questionnaire.description or questionnaire.title,
        "name": questionnaire.id,
        "title": questionnaire.title,
        "description": questionnaire.description,
        "state_type": state_type,
        "questionnaire": questionnaire,
        "question_events": events,
        "answers_type": answers_type,
        "start": _start_step(asks),
    }
    last = len(ordered) - 1
    for index, question in enumerate(questionnaire.questions):
        namespace[f"answer_{question.id}"] = _answer_step(
            question, index, ordered[index], StopEvent if index == last else asks
        )
    try:
        cls = type(f"{flow}Questionnaire", (QuestionnaireFlow, Workflow), namespace)
        cls()  # work out and check its steps now, once
    except WorkflowValidationError as exc:
        raise QuestionnaireError(path, None, None, f"cannot become a workflow: {exc}") from None
    return typing.cast(type[Workflow], cls)


_compiled: dict[tuple[str, int, int], type[Workflow]] = {}


def load_questionnaire(path: str | Path) -> type[Workflow]:
    """Read, check and compile a questionnaire file (cached while the file is unchanged)."""
    path = Path(path)
    try:
        info = path.stat()
        key = (str(path.resolve()), info.st_mtime_ns, info.st_size)
    except OSError:
        return compile_questionnaire(read_questionnaire(path))  # raises the read error
    cls = _compiled.get(key)
    if cls is None:
        cls = compile_questionnaire(read_questionnaire(path))
        _compiled[key] = cls
    return cls


def questionnaire_from_text(text: str, path: str = "<questionnaire>") -> type[Workflow]:
    """Check and compile a questionnaire given as TOML text."""
    return compile_questionnaire(parse_questionnaire(text, path))


__all__ = [
    "Question",
    "Questionnaire",
    "QuestionnaireError",
    "QuestionnaireFlow",
    "camel",
    "compile_questionnaire",
    "event_name",
    "load_questionnaire",
    "parse_questionnaire",
    "questionnaire_from_text",
    "read_questionnaire",
]
