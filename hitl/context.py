"""Context: what a step sees of its run besides the event, and its JSON form."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class DictState(BaseModel):
    """The state of a workflow that declares none: free keys, JSON values."""

    model_config = ConfigDict(extra="allow")


class Context:
    """The run's typed state, handed to a step that asks for it (``ctx: Context``).

    ``ctx.state`` is an instance of the workflow's ``state_type`` (a pydantic
    model). It is saved in every checkpoint, so it must hold JSON values only.
    """

    __slots__ = ("run_id", "state")

    def __init__(self, run_id: str, state: BaseModel) -> None:
        self.run_id = run_id
        self.state = state

    async def get(self, key: str, default: Any = None) -> Any:
        """Read a state value (the old LlamaIndex ``await ctx.get(key)``)."""
        return getattr(self.state, key, default)

    async def set(self, key: str, value: Any) -> None:
        """Write a state value (the old LlamaIndex ``await ctx.set(key, value)``)."""
        setattr(self.state, key, value)
