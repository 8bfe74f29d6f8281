"""The store protocol (version 4: version 3 and a run's ``made_from``) and the rows it keeps.

Version 3 was version 2 and ``delete_unchanged_session``.

A store keeps runs, checkpoints and sessions as rows of plain values (events
and state as JSON text). It knows nothing of workflows: the engine encodes
before it writes and decodes after it reads, so a store can never be made to
import anything. This module is the contract a store is written from; the
conformance suite (tests/stores) checks every promise made here.

Every method is synchronous and short; a store may be used from several
threads at once (the UI's workers) and, but for ``MemoryStore``, from several
processes and machines. Every write is one transaction: a reader never sees
half of one, and a write that raises has changed nothing.

Words used below:

- A **run** is one line of execution; a **session** is the tree of runs that
  share a root (a run's ``session`` is its root run's id; a branch's is the
  session of the run it branched from).
- A session's **latest** run is the run written last (created, appended to,
  or its status set; a lease renewal is not a write in this sense). The
  session's row mirrors that run's status, error, owner, lease and title.
- Every write that changes a session (any of the above, a title set, a run of
  it deleted) gives it a new **change** number, taken from one counter of the
  store that only grows: numbers are unique across the store and ordered as
  the writes committed (a store must make sure no change numbered below one a
  reader has seen can still commit: SQLite's single writer does; elsewhere a
  counter row updated in the writing transaction does). Deleting a whole
  session leaves a tombstone with its own change number.
- A run's **owner** is the process driving it (``host:pid``) and its
  **lease** (``lease_until``, seconds since the epoch, by the owner's clock)
  is how long the owner vouches for it. A run that is ``running`` with no
  lease, or a lease before ``now``, is **interrupted**: its process is gone
  and ``resume`` may take it over. Stores compare leases with the ``now``
  their callers pass; they never read a clock of their own.
- A run's **title** is the text of the first answer on its way (the engine
  works it out; a store only keeps it). ``""``: none yet; ``None``: unknown
  (rows older than titles: the engine fills them in, see ``set_titles``).
- A run's or checkpoint's **author** is the person who made it (a run: who
  started it; a checkpoint: who answered or edited); ``None`` for a step's
  checkpoint and for rows older than authors.
- A branch's **made_from** is the run the person was on when they made it (the
  branch they were looking at, whose way holds the checkpoint ``branched_from``,
  maybe a run before that checkpoint's fork): a face offers that run's later
  answers again. ``None`` for a root run and for runs stored before it was
  kept (protocol 3 and older), which are read as made from the run of their
  ``branched_from``. The engine checks it before it writes; a store keeps it
  as given, and it may name a run deleted since.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple, Protocol, runtime_checkable

RUNNING = "running"
WAITING = "waiting"
COMPLETED = "completed"
FAILED = "failed"
STATUSES = (RUNNING, WAITING, COMPLETED, FAILED)
"""The statuses a run is stored with."""

INTERRUPTED = "interrupted"
"""Never stored: a ``running`` run whose lease has expired (see above)."""

SESSION_STATUSES = (WAITING, INTERRUPTED, RUNNING, COMPLETED, FAILED)
"""What ``sessions(status=...)`` filters by and ``count_sessions`` counts:
``running`` there means running with a live lease."""


class CheckpointRecord(NamedTuple):
    """One stored checkpoint. ``input``, ``output`` and ``state`` are JSON text.

    Records are immutable tuples: cheap to make, safe to share. ``author`` is
    who made it (a person's answer or edit), None for a step's checkpoint.
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
    author: str | None = None


class RunRecord(NamedTuple):
    """One stored run. ``start`` is the StartEvent's JSON (None for a branch, whose
    origin is the checkpoint ``branched_from``); ``tip`` is its latest checkpoint
    (None and ``tip_seq`` -1 while it has none). ``updated_at`` is the time of
    its last write (its tip's ``created_at`` or its status's ``at``, whichever
    is later). ``owner``/``lease_until``, ``made_from``: see the module's words."""

    run_id: str
    flow: str
    session: str
    branched_from: str | None
    start: str | None
    status: str
    error: str | None
    owner: str | None
    lease_until: float | None
    tip: str | None
    tip_seq: int
    created_at: float
    updated_at: float
    author: str | None
    title: str | None
    made_from: str | None = None


class SessionRecord(NamedTuple):
    """One session, as the store keeps it for pages: the status, error, owner,
    lease and title of its latest run (``run_id``), how many runs it holds
    (``branches``), when its root was created, when it was last written
    (``updated_at``, the latest run's) and its ``change`` number."""

    session: str
    flow: str
    run_id: str
    status: str
    error: str | None
    owner: str | None
    lease_until: float | None
    title: str | None
    branches: int
    created_at: float
    updated_at: float
    change: int


class SessionPage(NamedTuple):
    """One page of sessions, latest first (highest ``change`` first).

    ``cursor`` is what to pass for the next page (None: this is the last).
    ``damaged`` names, one message each, session rows the store could not read
    (wrong types, by someone editing the store by hand): they are left out of
    ``sessions`` but do not hide the rows around them.
    """

    sessions: list[SessionRecord]
    cursor: int | None
    damaged: list[str]


class Changes(NamedTuple):
    """What ``changes(since)`` tells: the sessions written (``changed``) and the
    sessions deleted (``deleted``) after change ``since``, oldest change first,
    and the ``token`` to pass next time. ``complete`` is False when the store
    cannot list everything since then (``since`` None, older than the deletions
    it remembers, from another store, or more than ``limit`` sessions changed):
    the caller reloads what it shows, and goes on from ``token``."""

    token: int
    changed: list[str]
    deleted: list[str]
    complete: bool


@runtime_checkable
class CheckpointStore(Protocol):
    """What the engine needs of a store: MemoryStore, SqliteStore and
    PostgresStore implement it, and the conformance suite checks each."""

    # -- writing -----------------------------------------------------------------

    def create_run(self, run: RunRecord, first: CheckpointRecord | None = None) -> None:
        """Record a new run, with its first checkpoint in the same transaction if
        given (``first.seq`` is 0). A root run (``branched_from`` None) starts a
        session (its ``session`` is its own id); a branch joins its session, and
        becomes the session's latest run.

        ``ConflictError``, and nothing written, if the run id is taken, or if
        ``branched_from`` is no longer stored or is not of ``run.session`` (a
        branch made while its origin was being deleted). ``tip``/``tip_seq`` of
        ``run`` are ignored: the store keeps them; ``made_from`` is kept as given.
        """

    def append(
        self,
        checkpoint: CheckpointRecord,
        status: str,
        owner: str | None = None,
        *,
        lease_until: float | None = None,
        title: str | None = None,
    ) -> None:
        """Add ``checkpoint`` at the run's tip; set the run's status, owner and
        lease as of it (its error is cleared); with ``title``, set the run's
        title too. The run becomes its session's latest.

        Compare-and-set: ``checkpoint.seq`` is the one after the tip the writer
        read (the engine never skips one). If another writer took that seq
        first, or the run is no longer stored, ``ConflictError`` and nothing is
        written. Of any number of writers appending the same seq at once, on
        any number of threads, processes or machines, exactly one succeeds.
        """

    def set_status(
        self,
        run_id: str,
        status: str,
        *,
        error: str | None,
        owner: str | None,
        at: float,
        lease_until: float | None = None,
        tip_seq: int | None = None,
    ) -> bool:
        """Set a run's status (a failure's error text, its owner and lease),
        as of time ``at``. The run becomes its session's latest.

        With ``tip_seq``, only while the run's tip is still that checkpoint (so a
        process that fell behind cannot mislabel a run another moved on); says
        whether the status was set (False for a run not stored).
        """

    def renew_lease(self, run_id: str, owner: str, lease_until: float) -> bool:
        """Extend the lease of a run that is ``running`` and owned by ``owner``;
        False (nothing written) otherwise. Not a change: no change number, no
        ``updated_at``; the session's row follows when the run is its latest."""

    def set_titles(self, titles: Mapping[str, str]) -> None:
        """Set the title of each run (run id -> title) whose title is unknown
        (None); runs gone or titled already are left alone. One transaction.
        Sessions whose latest run got a title get a change number."""

    def delete_runs(self, run_ids: list[str]) -> int:
        """Delete these runs and their checkpoints, in one transaction; how many
        runs went. A session left with runs gets its latest recomputed (the run
        with the highest ``updated_at``) and a change number; a session left
        with none is deleted (a tombstone). Leaves any branches of these runs in
        place: ``delete_run`` deletes a run with its branches."""

    def delete_run(self, run_id: str) -> list[str]:
        """Delete a run and every run branched from it, at any depth, with their
        checkpoints, in ONE transaction (a branch made meanwhile is either
        deleted too or refused); the ids deleted, the run first then the others
        in the order created; [] if no such run."""

    def delete_session(self, session: str) -> list[str]:
        """Delete every run of a session in one transaction; the ids deleted, in
        the order created; [] if no such session."""

    def delete_unchanged_session(self, run_id: str, *, tip_seq: int, status: str) -> bool:
        """Delete the session of ``run_id`` only if it is still as its caller read
        it: that run alone in it, its tip still checkpoint ``tip_seq`` and its
        status still ``status`` (nothing answered, branched or driven since). The
        check and the delete are one transaction, so a write that commits between
        the caller's read and this call keeps the session. Whether it was deleted
        (False: it changed, or is gone)."""

    def prune_sessions(self, *, before: float, flow: str | None = None) -> list[SessionRecord]:
        """Delete, in one transaction, every session (of ``flow``, or of all)
        whose latest run is ``completed`` and whose ``updated_at`` is before
        ``before``; the sessions deleted, as their rows were, oldest change first."""

    def sync(self) -> None:
        """Make every write so far durable.

        The engine calls this before anything it wrote reaches a caller: before
        ``answer()``, ``run()``, ``run_from()`` or ``resume()`` returns, and
        before a run pauses, completes, fails or waits on I/O. So several
        writes can share one flush to disk (group commit). A store whose
        commits are each durable already does nothing here.
        """

    # -- reading runs and checkpoints --------------------------------------------

    def get_run(self, run_id: str) -> RunRecord | None:
        """The run, or None; a run row that is damaged raises CheckpointLoadError
        naming the run."""

    def session_of(self, run_id: str) -> str | None:
        """The run's session (its root run's id), or None: what a branch needs of
        the run it comes from, read without the run's tip."""

    def list_runs(self, flow: str | None = None) -> list[RunRecord]:
        """Every run in the order created, of one flow or of all: for tools and
        retention, never for a page a person sees. A damaged run row is left out
        (``get_run`` names what is wrong with it)."""

    def session_runs(self, session: str) -> list[RunRecord]:
        """The runs of one session in the order created (answered by an index);
        damaged rows left out as in ``list_runs``."""

    def run_ids(self, prefix: str, *, limit: int) -> list[str]:
        """Ids of stored runs that start with ``prefix`` (exactly, case and all),
        in id order, at most ``limit``: answered by the index on run ids.
        ``ValueError`` for an empty prefix."""

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

    # -- reading sessions: pages, counts, changes ---------------------------------

    def get_session(self, session: str) -> SessionRecord | None:
        """The session's row, or None; a damaged row raises CheckpointLoadError."""

    def sessions(
        self,
        *,
        now: float,
        status: str | None = None,
        flow: str | None = None,
        text: str | None = None,
        updated_before: float | None = None,
        limit: int = 50,
        cursor: int | None = None,
    ) -> SessionPage:
        """One page of sessions, latest first, matching every filter given:

        ``status`` one of ``SESSION_STATUSES`` (interrupted and running told
        apart by lease against ``now``); ``flow``; ``text``, a case-insensitive
        substring of the title (Unicode case folding, as ``str.casefold``; an
        unknown title never matches); ``updated_before``, a time.

        At most ``limit`` rows (1 or more) with a change number below ``cursor``
        (None: from the latest). Paging on from a cursor never shows a row
        twice nor misses one that was not written meanwhile: sessions written
        after the first page come before it (``changes`` tells of them). Pages
        are answered by indexes: a page costs about the same at 100,000
        sessions as at 100 (a text filter may read rows until it has a page).
        """

    def count_sessions(
        self, *, now: float, flow: str | None = None, text: str | None = None
    ) -> dict[str, int]:
        """How many sessions (of ``flow``, whose title holds ``text``) are in each
        of ``SESSION_STATUSES`` (every key present), as ``sessions`` would
        filter them, counted by the store's indexes, no rows loaded."""

    def change_token(self) -> int:
        """The store's latest change number (0 for a new store): cheap enough to
        poll twice a second (SQLite: ``PRAGMA data_version``, no query when
        nothing was written). Anything written since a token was read makes it
        greater."""

    def changes(self, since: int | None, *, limit: int = 1000) -> Changes:
        """The sessions changed and deleted after change ``since``: see
        ``Changes``. Cheap when nothing changed, as ``change_token``.
        Tombstones are kept for a bounded number of deletions (SQLite: the
        last 10,000); a ``since`` older than those is answered incomplete."""

    def wait_for_change(self, token: int, timeout: float) -> int:
        """Block until the store's change token differs from ``token`` (a write by
        anyone, this process included) or ``timeout`` seconds have passed; the
        token then (``token`` itself when nothing changed). What a screen that
        follows the store waits on, in a thread of its own: PostgreSQL wakes
        it with LISTEN/NOTIFY (on a connection of its own, not a pooled one;
        polling where LISTEN cannot be had, as behind PgBouncer in transaction
        mode), SQLite polls ``change_token``, MemoryStore waits on a condition.
        Errors as ``change_token``; a store closed meanwhile returns at once."""

    def close(self) -> None: ...
