"""Host: what a screen may ask of the app it runs in.

Screens type their app as a ``Host`` (``HitlScreen.hitl``), never as the app class,
so no screen imports the app and the app imports every screen: the arrows point
one way. ``HitlApp`` is the one Host.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from textual.screen import Screen

    from flows.registry import Registry
    from hitl import CheckpointStore, Workflow, WorkflowCheckpointer


class Host(Protocol):
    """The store and its flows, what was typed and not sent, and the ways between
    screens."""

    store: CheckpointStore
    author: str | None
    drafts: dict[str, dict[str, Any]]

    @property
    def flows(self) -> Registry: ...

    def now(self) -> datetime: ...

    def workflows(self) -> Mapping[str, Workflow]: ...

    def checkpointer(self, flow: str) -> WorkflowCheckpointer: ...

    def flow_of(self, run_id: str) -> str: ...

    def flow_title(self, flow: str) -> str: ...

    def open_question(self, run_id: str, flow: str | None = None) -> None: ...

    def open_history(self, run_id: str) -> None: ...

    def open_review(self, run_id: str) -> None: ...

    def go_to_sessions(self) -> None: ...

    def new_session(self, flow_name: str) -> None: ...

    def session_completed(self, screen: Screen[Any] | None, run_id: str) -> None: ...
