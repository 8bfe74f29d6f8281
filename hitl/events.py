"""Events: the typed pydantic messages that steps pass to one another."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from pydantic_core import InitErrorDetails

from hitl.answers import Rules, check_rules, check_text, field_error, raise_errors, rules_for
from hitl.errors import WorkflowValidationError

_ENGINE_NAMES = frozenset({"at", "author", "run_id"})


class Event(BaseModel):
    """Base of every event. Unknown fields are refused, so stored data stays exact."""

    model_config = ConfigDict(extra="forbid")

    #: Bump when a stored event of this type needs reading differently.
    event_version: ClassVar[int] = 1

    def edited(self, after: Event, *, limit: int = 1 << 20) -> Event:
        """This event with the fields ``after`` changed, checked as a person's input.

        The type may not change (``TypeError``); text is checked as answers are,
        and a question's rules apply to its answer fields (``ValidationError``).
        """
        if type(after) is not type(self):
            raise TypeError(
                f"an edit may not change the event's type ({type(self).__name__} "
                f"to {type(after).__name__})"
            )
        old = self.model_dump()
        new = after.model_dump(warnings=False)  # a wrong-typed edit is refused below
        changes = {k: v for k, v in new.items() if k not in old or old[k] != v}
        if isinstance(self, InputRequiredEvent):
            return self.answered(changes, limit=limit)
        errors = []
        for name, value in changes.items():
            errors.extend(check_text(name, value, limit))
        raise_errors(type(self).__name__, errors)
        return type(self).model_validate({**old, **changes})


class StartEvent(Event):
    """Starts a run. Takes any keyword fields: ``StartEvent(topic="chemistry").topic``."""

    model_config = ConfigDict(extra="allow")


class StopEvent(Event):
    """Ends a run; ``result`` is what awaiting the run's handler gives."""

    result: Any = None


class InputRequiredEvent(Event):
    """A question for a person. ``message`` is the prompt; the fields a subclass
    adds are its answer slots, declared with :func:`hitl.answer_field`."""

    message: str

    answer_rules: ClassVar[dict[str, Rules]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        rules: dict[str, Rules] = {}
        for name, field in cls.model_fields.items():
            if name == "message":
                continue
            if name in _ENGINE_NAMES or name in _QUESTION_ATTRIBUTES:
                raise WorkflowValidationError(
                    f"{cls.__name__}: an answer field may not be named {name!r}: "
                    "the engine uses that name"
                )
            rules[name] = rules_for(name, field)
        cls.answer_rules = rules

    def answers(self) -> dict[str, Any]:
        """The answer fields and their current values."""
        return {name: getattr(self, name) for name in self.answer_rules}

    def answered(self, answers: dict[str, Any], *, limit: int = 1 << 20) -> InputRequiredEvent:
        """A copy of this question with ``answers`` set, checked against its rules.

        Raises ``pydantic.ValidationError`` naming the field for an unknown field,
        a wrong type, unsafe or oversized text, or a broken rule. Fields left out
        keep their values.
        """
        return type(self).from_answers(self.model_dump(), answers, limit=limit)

    @classmethod
    def from_answers(
        cls, values: dict[str, Any], answers: dict[str, Any], *, limit: int = 1 << 20
    ) -> InputRequiredEvent:
        """The question whose fields are ``values`` (as the step built it), answered."""
        errors = []
        for name, value in answers.items():
            errors.extend(cls._input_errors(name, value, limit))
        if errors:
            raise_errors(cls.__name__, errors)
        event = cls.__pydantic_validator__.validate_python({**values, **answers})  # model_validate
        event.check_rules()
        return event

    @classmethod
    def check_answers(cls, answers: dict[str, Any], *, limit: int = 1 << 20) -> None:
        """Raise ``pydantic.ValidationError`` for the answers this question would
        refuse, each field on its own (its type and its rules), without a question
        to put them in: so answers can be checked before a run asks for them."""
        errors = []
        for name, value in answers.items():
            found = cls._input_errors(name, value, limit)
            if not found:
                try:
                    value = TypeAdapter(cls.model_fields[name].annotation).validate_python(value)
                except ValidationError as exc:
                    found = [
                        field_error(e["type"], e["msg"], name, e.get("input"))
                        for e in exc.errors()
                    ]
                else:
                    found = check_rules(name, cls.answer_rules[name], value)
            errors.extend(found)
        raise_errors(cls.__name__, errors)

    @classmethod
    def _input_errors(cls, name: str, value: Any, limit: int) -> list[InitErrorDetails]:
        """What is wrong with ``value`` as input for field ``name`` before any parsing."""
        if name not in cls.answer_rules:
            reason = (
                "the prompt is set by the step, not by an answer"
                if name in cls.model_fields
                else "not an answer field of this question"
            )
            return [field_error("not_an_answer", reason, name, value)]
        if isinstance(value, bool) and cls.answer_rules[name].kind in ("integer", "number"):
            return [field_error("number_type", "expected a number, not yes/no", name, value)]
        return check_text(name, value, limit)

    def check_rules(self) -> None:
        """Raise ``pydantic.ValidationError`` if an answer field breaks its rules."""
        errors = []
        for name, rules in self.answer_rules.items():
            errors.extend(check_rules(name, rules, getattr(self, name)))
        if errors:
            raise_errors(type(self).__name__, errors)


_QUESTION_ATTRIBUTES = frozenset(dir(InputRequiredEvent)) - {"message"}


__all__ = [
    "Event",
    "InputRequiredEvent",
    "StartEvent",
    "StopEvent",
]
