"""Closed-world JSON envelopes: ``{"type": name, "v": version, "data": {...}}``.

A stored type name is only ever looked up in the workflow's own registry of
event classes; nothing read from data is imported, and nothing is pickled.
Sizes are checked before anything is parsed.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ValidationError

from hitl.errors import CheckpointLoadError, PayloadTooLarge, UnknownEventType
from hitl.events import Event

DEFAULT_MAX_EVENT_BYTES = 1 << 20  # 1 MiB
_ENVELOPE = "an event envelope {type, v, data}"


def size_over(text: str, cap: int) -> int | None:
    """``text``'s size in UTF-8 bytes when it is over ``cap``, else None.

    A text with more characters than ``cap`` is over without being encoded
    (a character is at least one byte); ASCII text is never encoded.
    """
    if len(text) > cap:
        return len(text)
    if text.isascii():
        return None
    size = len(text.encode("utf-8", "surrogatepass"))
    return size if size > cap else None


def describe(exc: ValidationError) -> str:
    """One line naming each failing field: ``field 'objective': Input should be ...``."""
    parts = []
    for error in exc.errors():
        loc = ".".join(str(p) for p in error["loc"]) or "(the event)"
        parts.append(f"field {loc!r}: {error['msg']}")
    return "; ".join(parts)


class Serde:
    """Encodes events for the store and decodes them against one registry."""

    __slots__ = ("_heads", "max_bytes", "registry")

    def __init__(self, registry: dict[str, type[Event]], max_bytes: int = DEFAULT_MAX_EVENT_BYTES):
        self.registry = registry
        self.max_bytes = max_bytes
        self._heads: dict[type[Event], str] = {}  # class -> its envelope up to the data

    def dump(self, event: Event) -> str:
        # ``model_dump_json()`` with its defaults, less pydantic's Python wrapper
        # (the class's serializer: a deferred one builds itself on first use).
        cls = type(event)
        head = self._heads.get(cls)
        if head is None:  # a class's name and version are set when it is made
            head = self._heads[cls] = f'{{"type":"{cls.__name__}","v":{cls.event_version},"data":'
        text = head + cls.__pydantic_serializer__.to_json(event).decode() + "}"
        size = size_over(text, self.max_bytes)
        if size is not None:
            raise PayloadTooLarge(
                f"{cls.__name__} is {size} bytes, over the cap of {self.max_bytes}"
            )
        return text

    def event_type(self, name: str, where: str) -> type[Event]:
        cls = self.registry.get(name)
        if cls is None:
            raise UnknownEventType(
                f"{where}: unknown event type {name[:80]!r}; this workflow knows "
                + ", ".join(sorted(self.registry))
            )
        return cls

    def parse_object(self, text: str, where: str, what: str = "a JSON object") -> dict[str, Any]:
        """A stored JSON object, its size checked before it is parsed; ``what`` says
        what it should have been, for the error."""
        if not isinstance(text, str):  # a row rewritten as a BLOB, say
            raise CheckpointLoadError(f"{where}: stored as {type(text).__name__}, not text")
        size = size_over(text, self.max_bytes)
        if size is not None:
            raise CheckpointLoadError(f"{where}: {size} bytes, over the cap of {self.max_bytes}")
        try:
            value = json.loads(text)
        except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep
            raise CheckpointLoadError(f"{where}: not valid JSON ({exc})") from None
        if not isinstance(value, dict):
            raise CheckpointLoadError(f"{where}: not {what}")
        return value

    def load(self, text: str, where: str) -> Event:
        """Decode one envelope; ``where`` (run, checkpoint, which event) leads any error."""
        envelope = self.parse_object(text, where, _ENVELOPE)
        if (
            set(envelope) != {"type", "v", "data"}
            or not isinstance(envelope["type"], str)
            or not isinstance(envelope["v"], int)
            or not isinstance(envelope["data"], dict)
        ):
            raise CheckpointLoadError(f"{where}: not {_ENVELOPE}")
        cls = self.event_type(envelope["type"], where)
        if envelope["v"] > cls.event_version:
            raise CheckpointLoadError(
                f"{where}: {cls.__name__} version {envelope['v']} was written by a newer flow "
                f"(this one reads version {cls.event_version})"
            )
        try:
            return cls.model_validate(envelope["data"])
        except ValidationError as exc:
            raise CheckpointLoadError(f"{where}: {cls.__name__}: {describe(exc)}") from None

    def load_state(self, text: str, state_type: type[BaseModel], where: str) -> BaseModel:
        raw = self.parse_object(text, where, "a saved state")
        if not isinstance(raw.get("state"), dict):
            raise CheckpointLoadError(f"{where}: not a saved state (no state object)")
        try:
            return state_type.model_validate(raw["state"])
        except ValidationError as exc:
            raise CheckpointLoadError(f"{where}: {state_type.__name__}: {describe(exc)}") from None

    def dump_state(self, state: BaseModel) -> str:
        text = '{"state":' + type(state).__pydantic_serializer__.to_json(state).decode() + "}"
        size = size_over(text, self.max_bytes)
        if size is not None:
            raise PayloadTooLarge(
                f"the run's state is {size} bytes, over the cap of {self.max_bytes}"
            )
        return text
