"""Where a checkpointer finds its runs and checkpoints: in its store, or among
the runs it started unsaved (``store_checkpoints=False``), and only those of its
flow: another flow's run or checkpoint is not found, it is named as another
flow's. The checkpointer decodes what these hand it; nothing here decodes."""

from __future__ import annotations

from collections.abc import Callable

from hitl.errors import CheckpointNotFound, RunNotFound
from hitl.store.base import CheckpointRecord, CheckpointStore, RunRecord
from hitl.store.memory import MemoryStore


class UnsavedStore(MemoryStore):
    """The runs started with ``store_checkpoints=False``. A branch of a stored
    run lives here while the checkpoint it comes from lives in the store."""

    def _check_origin(self, run: RunRecord) -> None:
        pass


def where(record: CheckpointRecord, which: str) -> str:
    """Names a part of a stored checkpoint in an error: "run R, checkpoint 3 (ID), ctx_state"."""
    return f"run {record.run_id}, checkpoint {record.seq} ({record.id}), {which}"


class Records:
    """The runs and checkpoints of the flow ``flow()`` names, in ``store`` or ``unsaved``."""

    def __init__(self, store: CheckpointStore, unsaved: UnsavedStore,
                 flow: Callable[[], str]) -> None:
        self.store = store
        self.unsaved = unsaved
        self._flow = flow

    def store_of(self, run_id: str) -> CheckpointStore:
        return self.unsaved if self.unsaved.get_run(run_id) is not None else self.store

    def find_run(self, run_id: str) -> tuple[CheckpointStore, RunRecord]:
        """The run and the store holding it."""
        flow = self._flow()
        for store in (self.unsaved, self.store):
            run = store.get_run(run_id)
            if run is not None:
                if run.flow != flow:
                    raise RunNotFound(
                        f"no run {run_id} of flow {flow!r} (it is a {run.flow!r} run)"
                    )
                return store, run
        raise RunNotFound(f"no run {run_id}")

    def run(self, run_id: str) -> RunRecord:
        return self.find_run(run_id)[1]

    def checkpoint(self, checkpoint_id: str) -> CheckpointRecord:
        """A checkpoint by id, from the store or the unsaved runs."""
        for store in (self.store, self.unsaved):
            record = store.get_checkpoint(checkpoint_id)
            if record is not None:
                return self.own(record)
        raise CheckpointNotFound(f"no checkpoint {checkpoint_id}")

    def origin(self, record: CheckpointRecord) -> tuple[CheckpointRecord, str]:
        """The stored checkpoint a branch starts from, and its run's session. A
        stored checkpoint never changes and goes only with its run, so the row a
        handed-out copy carries is still the stored one while its run is stored:
        one read of the run's session checks that."""
        origin = self.own(record)
        for store in (self.store, self.unsaved):
            session = store.session_of(origin.run_id)
            if session is not None:
                return origin, session
        raise CheckpointNotFound(f"no checkpoint {origin.id}: its run is gone")

    def own(self, record: CheckpointRecord) -> CheckpointRecord:
        """``record``, if it is of this flow."""
        flow = self._flow()
        if record.flow != flow:
            raise CheckpointNotFound(
                f"no checkpoint {record.id} of flow {flow!r} (it is from a {record.flow!r} run)"
            )
        return record

    def on_way(self, run: RunRecord, checkpoint: CheckpointRecord) -> bool:
        """Whether ``checkpoint`` is on ``run``'s way: one of its own, or one before
        the checkpoint it branched from, and so on back to its root (its lineage),
        read one origin at a time."""
        while run.run_id != checkpoint.run_id:
            if run.branched_from is None:
                return False
            origin = self.checkpoint(run.branched_from)
            if origin.run_id == checkpoint.run_id:
                return checkpoint.seq <= origin.seq
            run = self.run(origin.run_id)
        return True

    def tip(self, run: RunRecord) -> CheckpointRecord | None:
        """The run's latest checkpoint; for a branch with none yet, the one it came from."""
        if run.tip is not None:
            return self.checkpoint(run.tip)
        if run.branched_from is not None:
            return self.checkpoint(run.branched_from)
        return None
