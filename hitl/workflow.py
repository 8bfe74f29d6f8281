"""Workflow and @step: steps route by their input annotation, checked up front."""

from __future__ import annotations

import inspect
import threading
import types
import typing
from collections.abc import Awaitable, Callable, Iterator, Set
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel

from hitl.context import Context, DictState
from hitl.errors import WorkflowValidationError
from hitl.events import Event, InputRequiredEvent, StartEvent, StopEvent

HUMAN = "human"
"""The name of the step a person is: an answer is a checkpoint of this step."""

_STEP_MARK = "__hitl_step__"
_DOING_MARK = "__hitl_doing__"


def step(fn: Callable[..., Awaitable[Any]] | None = None, *, doing: str = "") -> Any:
    """Mark an async method as a step: ``async def name(self, [ctx,] ev: In) -> Out``.

    ``@step(doing="Writing a joke about your topic")``: what the step does, in
    the words of the person who answers, shown while it runs (``watch_steps``).

    ``In`` and ``Out`` are event types or unions of them. A type in ``Out`` that
    no step accepts but other events derive from stands for every accepted event
    derived from it: a step that may ask any of a thousand questions returns
    ``-> AnyQuestion | StopEvent``, not a union of a thousand members.
    """
    if fn is None:
        return lambda fn: step(fn, doing=doing)
    if not inspect.iscoroutinefunction(fn):
        raise WorkflowValidationError(f"step {fn.__name__!r} must be an async def")
    if fn.__name__ == HUMAN:
        raise WorkflowValidationError(
            f"a step may not be named {HUMAN!r}: that name is the person's checkpoints"
        )
    setattr(fn, _STEP_MARK, True)
    if doing:
        setattr(fn, _DOING_MARK, doing)
    return fn


@dataclass(frozen=True, slots=True)
class StepSpec:
    name: str
    fn: Callable[..., Awaitable[Any]]
    accepts: tuple[type[Event], ...]
    emits: tuple[type[Event], ...]
    wants_ctx: bool
    doing: str = ""
    """What the step does in a person's words (``@step(doing=...)``); "" if not said."""


class Shapes(Set[tuple[str, str, str]]):
    """Every (step, input type, output type) a checkpoint of a workflow can have.

    A set worked out from the steps when it is read, not stored: a step that
    may emit any of n questions (a base class in its return annotation) would
    make n * n triples, so asking whether one is allowed costs two lookups.
    The person's checkpoints keep the event's type: an answer, or an edit.
    """

    __slots__ = ("_emits", "_registry", "_steps")

    def __init__(
        self,
        steps: dict[str, StepSpec],
        emits: dict[type[Event], tuple[type[Event], ...]],
        registry: dict[str, type[Event]],
    ) -> None:
        self._steps = steps
        self._emits = emits
        self._registry = registry

    def _outputs(self, spec: StepSpec) -> Iterator[type[Event]]:
        for emitted in spec.emits:
            yield from self._emits[emitted]

    def __contains__(self, shape: object) -> bool:
        if not (isinstance(shape, tuple) and len(shape) == 3):
            return False
        name, accepted, emitted = shape
        if name == HUMAN:
            return accepted == emitted and accepted in self._registry
        spec = self._steps.get(name) if isinstance(name, str) else None
        if spec is None or not any(t.__name__ == accepted for t in spec.accepts):
            return False
        found = self._registry.get(emitted) if isinstance(emitted, str) else None
        return found is not None and any(
            found in self._emits[t] for t in spec.emits
        )

    def __iter__(self) -> Iterator[tuple[str, str, str]]:
        for spec in self._steps.values():
            outputs = dict.fromkeys(self._outputs(spec))
            for accepted in spec.accepts:
                for emitted in outputs:
                    yield (spec.name, accepted.__name__, emitted.__name__)
        for name in self._registry:
            yield (HUMAN, name, name)

    def __len__(self) -> int:
        return sum(1 for _ in self)


@dataclass(frozen=True, slots=True)
class WorkflowSpec:
    """What a workflow class is, worked out once: its steps, routes and event registry."""

    steps: dict[str, StepSpec]
    routes: dict[type[Event], StepSpec]
    registry: dict[str, type[Event]]
    questions: tuple[type[InputRequiredEvent], ...]
    shapes: Shapes
    """Every (step, input type, output type) a checkpoint of this workflow can have."""

    def shapes_matching(
        self, step: str | None, input_type: str | None, output_type: str | None
    ) -> list[tuple[str, str]]:
        """The (step, input type) pairs a checkpoint matching every filter given
        can have, sorted: what a store's filter looks up in its index."""
        return sorted({
            (s, i) for s, i, o in self.shapes
            if (step is None or s == step)
            and (input_type is None or i == input_type)
            and (output_type is None or o == output_type)
        })  # fmt: skip


def _event_types(annotation: Any, where: str) -> tuple[type[Event], ...]:
    origin = typing.get_origin(annotation)
    members = (
        typing.get_args(annotation) if origin in (typing.Union, types.UnionType) else (annotation,)
    )
    found = []
    for member in members:
        if not (isinstance(member, type) and issubclass(member, Event)):
            raise WorkflowValidationError(f"{where}: {member!r} is not an Event type")
        found.append(member)
    return tuple(found)


def _step_spec(name: str, fn: Callable[..., Awaitable[Any]]) -> StepSpec:
    try:
        hints = typing.get_type_hints(fn)
    except Exception as exc:  # an unresolvable forward reference
        raise WorkflowValidationError(
            f"step {name!r}: cannot read its annotations: {exc}"
        ) from None
    params = [p for p in inspect.signature(fn).parameters.values()][1:]  # drop self
    wants_ctx = False
    event_param = None
    for param in params:
        ann = hints.get(param.name)
        if ann is Context or (ann is None and param.name == "ctx"):
            wants_ctx = True
        elif event_param is None:
            event_param = param
        else:
            raise WorkflowValidationError(
                f"step {name!r} takes ({', '.join(p.name for p in params)}); "
                "a step takes an optional ctx: Context and one event"
            )
    if event_param is None or event_param.name not in hints:
        raise WorkflowValidationError(
            f"step {name!r} must annotate the event it accepts, e.g. ev: StartEvent"
        )
    if "return" not in hints:
        raise WorkflowValidationError(
            f"step {name!r} must annotate the event it returns, e.g. -> StopEvent"
        )
    accepts = _event_types(hints[event_param.name], f"step {name!r} input")
    emits = _event_types(hints["return"], f"step {name!r} return")
    return StepSpec(name, fn, accepts, emits, wants_ctx, getattr(fn, _DOING_MARK, ""))


_SPEC_LOCK = threading.Lock()


def _build_spec(cls: type[Workflow]) -> WorkflowSpec:
    steps: dict[str, StepSpec] = {}
    for klass in reversed(cls.__mro__):
        for name, member in list(vars(klass).items()):  # another thread may cache a spec
            if callable(member) and getattr(member, _STEP_MARK, False):
                steps[name] = _step_spec(name, member)
    where = f"workflow {cls.__name__}"
    if not steps:
        raise WorkflowValidationError(f"{where} has no @step methods")

    routes: dict[type[Event], StepSpec] = {}
    for spec in steps.values():
        for accepted in spec.accepts:
            other = routes.get(accepted)
            if other is not None:
                raise WorkflowValidationError(
                    f"{where}: {accepted.__name__} is accepted by both {other.name!r} and "
                    f"{spec.name!r}; a run follows one line, so one step takes each event"
                )
            routes[accepted] = spec
    if StartEvent not in routes:
        raise WorkflowValidationError(f"{where}: no step accepts StartEvent")

    # What each annotated return type stands for: itself, or, for a base class no
    # step accepts, every accepted event derived from it. Worked out once a type,
    # so steps sharing a base cost one pass however many steps and events there are.
    outputs: dict[type[Event], tuple[type[Event], ...]] = {}
    for spec in steps.values():
        for emitted in spec.emits:
            if emitted in outputs:
                continue
            if emitted is StopEvent or emitted in routes:
                outputs[emitted] = (emitted,)
                continue
            derived = tuple(t for t in routes if issubclass(t, emitted))
            if not derived:
                raise WorkflowValidationError(
                    f"{where}: step {spec.name!r} emits {emitted.__name__}, which no step accepts"
                )
            outputs[emitted] = derived

    reached: set[type[Event]] = {StartEvent}
    frontier = [StartEvent]
    expanded: set[type[Event]] = set()
    while frontier:
        event_type = frontier.pop()
        spec = routes.get(event_type)
        for annotated in spec.emits if spec else ():
            if annotated in expanded:
                continue
            expanded.add(annotated)
            for emitted in outputs[annotated]:
                if emitted not in reached:
                    reached.add(emitted)
                    frontier.append(emitted)
    for spec in steps.values():
        if not any(t in reached for t in spec.accepts):
            raise WorkflowValidationError(
                f"{where}: step {spec.name!r} is never reached: nothing emits "
                + " or ".join(t.__name__ for t in spec.accepts)
            )
    if StopEvent not in reached:
        raise WorkflowValidationError(f"{where}: no path from StartEvent to StopEvent")

    registry: dict[str, type[Event]] = {}
    questions: dict[type[InputRequiredEvent], None] = {}
    for event_type in [
        StartEvent,
        StopEvent,
        *routes,
        *(e for found in outputs.values() for e in found),
    ]:
        known = registry.setdefault(event_type.__name__, event_type)
        if known is not event_type:
            raise WorkflowValidationError(
                f"{where}: two event types are named {event_type.__name__}; "
                "stored events are found by name, so names must be unique"
            )
        if issubclass(event_type, InputRequiredEvent):
            questions.setdefault(event_type)
    return WorkflowSpec(
        steps, routes, registry, tuple(questions), Shapes(steps, outputs, registry)
    )


class Workflow:
    """A set of ``@step`` methods passing typed events from StartEvent to StopEvent.

    Class attributes a flow may set: ``name`` (the flow's name in the store;
    the class name by default), ``title``, ``description``, and ``state_type``
    (the pydantic model of ``ctx.state``).
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    description: ClassVar[str] = ""
    state_type: ClassVar[type[BaseModel]] = DictState

    _spec_cache: ClassVar[WorkflowSpec | None] = None

    def __init__(self) -> None:
        _ = self.spec  # validate at instantiation; cached for the class

    @property
    def spec(self) -> WorkflowSpec:
        cls = type(self)
        cached = cls.__dict__.get("_spec_cache")
        if cached is None:
            with _SPEC_LOCK:  # threads making their first workflow of a class build it once
                cached = cls.__dict__.get("_spec_cache")
                if cached is None:
                    cached = _build_spec(cls)
                    cls._spec_cache = cached
        return cached

    @property
    def flow_name(self) -> str:
        return type(self).name or type(self).__name__

    def route(self, event: Event) -> StepSpec:
        """The step that accepts ``event`` (by exact type, else its nearest base)."""
        routes = self.spec.routes
        found = routes.get(type(event))
        if found is None:
            for base in type(event).__mro__[1:]:
                found = routes.get(base)
                if found is not None:
                    routes[type(event)] = found
                    break
            else:
                raise WorkflowValidationError(
                    f"{self.flow_name}: no step accepts {type(event).__name__}"
                )
        return found

    def new_state(self) -> BaseModel:
        return self.state_type()

    def question_total(self, state: BaseModel) -> int:
        """How many questions a run asks, given its state (for progress).

        A flow whose questions depend on earlier answers overrides this.
        """
        return len(self.spec.questions)
