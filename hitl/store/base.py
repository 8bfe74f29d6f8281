"""The store protocol and the rows it keeps.

A store keeps runs and checkpoints as rows of plain values (events and state as
JSON text). It knows nothing of workflows: the engine encodes before it writes
and decodes after it reads, so a store can never be made to import anything.

Every method is synchronous and short; a store may be used from several
threads (the UI's workers) and, for the SQLite store, several processes.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol, runtime_checkable

RUNNING = "running"
WAITING = "waiting"
COMPLETED = "completed"
FAILED = "failed"
STATUSES = (RUNNING, WAITING, COMPLETED, FAILED)


class CheckpointRecord(NamedTuple):
    """One stored checkpoint. ``input``, ``output`` and ``state`` are JSON text.

    Records are immutable tuples: cheap to make, safe to share.
    """

    id: str
    run_id: str
    parent_id: str | None
    seq: int
    flow: str
    step: str
    input_type: str
    input: str
    output_type: str
    output: str
    state: str
    created_at: float


class RunRecord(NamedTuple):
    """One stored run. ``start`` is the StartEvent's JSON (None for a branch, whose
    origin is the checkpoint ``branched_from``); ``tip`` is its latest checkpoint."""

    run_id: str
    flow: str
    session: str
    branched_from: str | None
    start: str | None
    status: str
    error: str | None
    owner: str | None
    tip: str | None
    tip_seq: int
    created_at: float
    updated_at: float


@runtime_checkable
class CheckpointStore(Protocol):
    """What the engine needs of a store. A PostgreSQL store implements the same."""

    def create_run(self, run: RunRecord, first: CheckpointRecord | None = None) -> None:
        """Record a new run, with its first checkpoint in the same transaction if given."""

    def append(self, checkpoint: CheckpointRecord, status: str, owner: str | None) -> None:
        """Add ``checkpoint`` at the run's tip; set the run's status and the process
        that drives it now.

        Compare-and-set: ``checkpoint.seq`` is the one after the tip the writer
        read (the engine never skips one). If another writer took that seq
        first, or the run is no longer stored, ``ConflictError`` and nothing is
        written.
        """

    def set_status(
        self,
        run_id: str,
        status: str,
        *,
        error: str | None,
        owner: str | None,
        at: float,
        tip_seq: int | None = None,
    ) -> bool:
        """Set a run's status (a failure's error text, the process that drives it).

        With ``tip_seq``, only while the run's tip is still that checkpoint (so a
        process that fell behind cannot mislabel a run another moved on); says
        whether the status was set.
        """

    def get_run(self, run_id: str) -> RunRecord | None:
        """The run, or None; a run row that is damaged raises CheckpointLoadError."""

    def get_session(self, run_id: str) -> str | None:
        """The run's session (its root run's id), or None: what a branch needs of
        the run it comes from, read without the run's tip."""

    def list_runs(self, flow: str | None = None) -> list[RunRecord]:
        """Runs in the order they were created, of one flow or of all. A damaged
        run row is left out (``get_run`` names what is wrong with it)."""

    def run_checkpoints(self, run_id: str) -> list[CheckpointRecord]:
        """A run's checkpoints in order (``seq`` from 0)."""

    def get_checkpoint(self, checkpoint_id: str) -> CheckpointRecord | None: ...

    def find_checkpoints(
        self,
        flow: str,
        *,
        run_id: str | None = None,
        step: str | None = None,
        input_type: str | None = None,
        output_type: str | None = None,
        shapes: list[tuple[str, str]] | None = None,
    ) -> list[CheckpointRecord]:
        """Checkpoints of ``flow`` matching every given filter, in the order stored.

        ``shapes`` lists the (step, input type) pairs a match can have, worked
        out from the workflow; a store may answer from them with one index.
        """

    def sync(self) -> None:
        """Make every write so far durable.

        The engine calls this before anything it wrote reaches a caller: before
        ``answer()``, ``run()``, ``run_from()`` or ``resume()`` returns, and
        before a run pauses, completes, fails or waits on I/O. So several
        writes can share one flush to disk (group commit). A store whose
        commits are each durable already does nothing here.
        """

    def delete_runs(self, run_ids: list[str]) -> int:
        """Delete these runs and their checkpoints; how many runs went."""

    def close(self) -> None: ...
