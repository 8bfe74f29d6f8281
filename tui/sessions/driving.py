"""Driving a run until it waits, completes or fails, off any event loop.

Headless (no textual) and blocking: the screens call it from thread workers.
"""

from __future__ import annotations

import asyncio

from hitl import FAILED, ConflictError, RunHandler


async def _drive(handler: RunHandler) -> None:
    try:
        await handler
    except ConflictError:
        raise
    except Exception:
        # The step's error is stored with the run (status failed) and shown from there.
        if handler.status != FAILED:
            raise


def drive(handler: RunHandler) -> None:
    """Run ``handler`` until its run waits, completes or fails (blocks).

    A step that fails leaves the run ``failed`` with its error stored, which the
    view shows; any other error (a conflict, a store error) is raised.
    """
    asyncio.run(_drive(handler))
