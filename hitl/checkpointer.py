"""WorkflowCheckpointer: the public face of the engine.

It runs a workflow with a checkpoint after every completed step, pauses runs
on questions, takes answers, resumes runs, and branches from any checkpoint.

Past 400 lines on purpose: it is the seed API's one class, and each public
method here is short. Finding runs and checkpoints (store or unsaved, this
flow only) is in ``records``; running steps in ``runner``; deleting in
``retention``; what is left is how each public act makes its rows and cursor.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from pydantic import BaseModel, ValidationError

from hitl import retention
from hitl.answers import check_text, raise_errors
from hitl.checkpoint import Checkpoint, CheckpointsView, RunInfo, lease, owner
from hitl.errors import (
    CheckpointLoadError,
    ConflictError,
    RunNotFound,
    RunNotWaiting,
)
from hitl.events import Event, InputRequiredEvent, StartEvent
from hitl.ids import new_id
from hitl.lineage import answer_text, standing_answers, title_of
from hitl.records import Records, UnsavedStore, where
from hitl.runner import Cursor, Engine, RunHandler, status_after
from hitl.serde import DEFAULT_MAX_EVENT_BYTES, Serde
from hitl.store.base import COMPLETED, FAILED, RUNNING, CheckpointRecord, CheckpointStore, RunRecord
from hitl.store.memory import MemoryStore
from hitl.workflow import HUMAN, Workflow


class WorkflowCheckpointer:
    """Runs ``workflow`` with a checkpoint after every completed step, in ``store``.

    ``store`` defaults to a fresh ``MemoryStore``; the app uses ``SqliteStore``.
    ``max_event_bytes`` caps each stored event (1 MiB by default). ``author``
    is who answers and edits through this checkpointer (recorded on each
    checkpoint a person makes; ``answer`` and ``run_from`` can name another).
    ``clock`` and ``new_id`` are for tests that need fixed times and ids.
    """

    def __init__(
        self,
        workflow: Workflow,
        store: CheckpointStore | None = None,
        *,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        clock: Callable[[], float] = time.time,
        new_id: Callable[[], str] = new_id,
        author: str | None = None,
    ) -> None:
        self.store: CheckpointStore = store if store is not None else MemoryStore()
        self.author = author
        self._records = Records(self.store, UnsavedStore(), lambda: self.workflow.flow_name)
        self._max_event_bytes = max_event_bytes
        self._clock = clock
        self._new_id = new_id
        self.workflow = workflow

    # -- the workflow -----------------------------------------------------------------

    @property
    def workflow(self) -> Workflow:
        return self._engine.workflow

    @workflow.setter
    def workflow(self, workflow: Workflow) -> None:
        if not isinstance(workflow, Workflow):
            raise TypeError(f"workflow must be a Workflow, not {type(workflow).__name__}")
        serde = Serde(workflow.spec.registry, self._max_event_bytes)
        self._engine = Engine(workflow, serde, self._clock, self._new_id)

    @property
    def serde(self) -> Serde:
        return self._engine.serde

    # -- starting, answering, resuming, branching -------------------------------------

    def run(self, *, store_checkpoints: bool = True, **fields: Any) -> RunHandler:
        """Start a new run with ``StartEvent(**fields)``; the run is recorded at once."""
        errors = []
        for name, value in fields.items():
            errors.extend(check_text(name, value, self._max_event_bytes))
        raise_errors("StartEvent", errors)
        start = StartEvent(**fields)
        start_text = self.serde.dump(start)
        store = self._store_for_new_run(store_checkpoints)
        run_id = self._new_id()
        store.create_run(self._new_run(run_id, run_id, None, start_text, title=""))
        cursor = Cursor(start, start_text, self.workflow.new_state(), False, None, 0, None, "")
        return RunHandler(self._engine, store, run_id, cursor)

    def answer(
        self, run_id: str, /, at: str | None = None, *, author: str | None = None, **answers: Any
    ) -> RunHandler:
        """Answer the run's pending question, save the answer, and go on.

        The answer is checked against the question's rules and stored as a
        ``human`` checkpoint before this returns, made by ``author`` (default:
        the checkpointer's). ``at`` names the question's checkpoint: if the run
        has moved past it, ``ConflictError``.
        """
        author = self.author if author is None else author
        hot = self._engine.waiting.pop(run_id, None)
        if hot is not None and at in (None, hot.tip.id):
            # The question this process stored: no read. Should the run have moved
            # on elsewhere, the append conflicts (or the answer does not fit), and
            # the answer is taken again as below, against the run as it is now.
            try:
                answered = hot.question_type.from_answers(
                    hot.values, answers, limit=self._max_event_bytes
                )
                return self._continue_with(
                    hot.store, run_id, hot.tip, answered, author, hot.title, hot.state
                )
            except (ConflictError, ValidationError):
                pass
        store, run = self._records.find_run(run_id)
        if at is not None and at != (run.tip or run.branched_from):
            # Checked first: a stale ``at`` is a conflict however far the run went.
            self._records.checkpoint(at)  # CheckpointNotFound for an id that was never stored
            raise ConflictError(
                f"checkpoint {at} is no longer the latest of run {run_id}: "
                "the question was answered elsewhere; reload the run"
            )
        pending = self._unanswered(run)
        if pending is None:
            raise RunNotWaiting(f"run {run_id} has no question pending (it is {run.status})")
        tip, question = pending
        answered = type(question).from_answers(
            question.model_dump(), answers, limit=self._max_event_bytes
        )
        return self._continue_with(store, run_id, tip, answered, author, run.title)

    def resume(self, run_id: str) -> RunHandler:
        """Go on from the run's latest checkpoint.

        A waiting run gives its question again; a run cut off mid-step (a crash)
        or failed runs that step again; a completed run gives its result.
        """
        store, run = self._records.find_run(run_id)
        cursor = self._cursor(run, self._records.tip(run))
        if status_after(cursor.event, cursor.answered) == RUNNING:
            store.set_status(
                run_id, RUNNING, error=None, owner=owner(), at=self._clock(),
                lease_until=lease(RUNNING), tip_seq=run.tip_seq,
            )  # fmt: skip
        return RunHandler(self._engine, store, run_id, cursor)

    def run_from(
        self,
        checkpoint: Checkpoint,
        *,
        store_checkpoints: bool = True,
        author: str | None = None,
        made_from: str | None = None,
    ) -> RunHandler:
        """Start a new run, in the same session, from ``checkpoint``.

        If its ``output_event`` was changed, the change is checked like an
        answer and stored as the new run's first checkpoint (a ``human`` one,
        made by ``author``, default the checkpointer's); otherwise the new run
        goes on from the checkpoint as it was.

        ``made_from`` names the run the person was on when they branched (its
        ``RunInfo.made_from``): a stored run of this flow and session with
        ``checkpoint`` on its way, perhaps from before its own fork (changing
        answer 1 while on a branch that changed answer 3). Faces offer that run's
        later answers again. ``ValueError``, and nothing stored, for any other.
        Without it the branch reads as made from ``checkpoint``'s run.
        """
        author = self.author if author is None else author
        origin, session = self._records.origin(checkpoint.record)
        if made_from is not None:
            self._check_made_from(made_from, origin, session)
        flow = self.workflow.flow_name
        store = self._store_for_new_run(store_checkpoints)
        run_id, now = self._new_id(), self._clock()
        before = self.serde.load(origin.output, where(origin, "output_event"))
        after = checkpoint.edited_output
        first, event = None, before
        if after is not None and (
            type(after) is not type(before)
            or after.model_dump(warnings=False) != before.model_dump()
        ):  # a different type is an edit too, and _edit refuses it
            event = before.edited(after, limit=self._max_event_bytes)
            edited_text = self.serde.dump(event)
            first = CheckpointRecord(
                self._new_id(),
                run_id,
                origin.id,
                0,
                flow,
                HUMAN,
                origin.output_type,
                origin.output,
                type(event).__name__,
                edited_text,
                origin.state,
                now,
                author,
            )
        title = self._branch_title(origin, first, event)
        run = self._new_run(run_id, session, origin.id, None, now, title=title, author=author,
                            made_from=made_from)
        cursor = self._cursor(run, first or origin, event)
        run = run._replace(status=status_after(cursor.event, cursor.answered))
        store.create_run(run, first)
        return RunHandler(self._engine, store, run_id, cursor)

    def _check_made_from(self, made_from: str, origin: CheckpointRecord, session: str) -> None:
        run = self.store.get_run(made_from)
        if run is None or run.flow != self.workflow.flow_name or run.session != session:
            raise ValueError(
                f"made_from: {made_from} is no stored run of flow {self.workflow.flow_name!r} "
                f"in session {session}: name the run the branch is made on"
            )
        if not self._records.on_way(run, origin):
            raise ValueError(
                f"made_from: checkpoint {origin.id} is not on the way of run {made_from}: "
                "a branch is made on a run whose answers lead to the checkpoint"
            )

    def keep(self, run_id: str) -> RunInfo:
        """Store a run started with ``store_checkpoints=False``, as it is now, with
        its checkpoints; from then on it is a stored run like any other. Its steps
        are not run again: what they gave is what is kept (a branch looked at
        before anyone answered it, kept at its first answer).

        ``RunNotFound`` unless ``run_id`` is an unsaved run of this flow;
        ``ConflictError``, and the run stays unsaved, when the checkpoint it
        branched from is no longer stored. Its checkpoints are written in order,
        the run ``running`` until the last: a crash between them leaves it
        interrupted, to be resumed."""
        unsaved, store = self._records.unsaved, self.store
        run = unsaved.get_run(run_id)
        if run is None or run.flow != self.workflow.flow_name:
            raise RunNotFound(f"no unsaved run {run_id} of flow {self.workflow.flow_name!r}")
        records = unsaved.run_checkpoints(run_id)
        final = run.status

        def as_of(last: bool) -> dict[str, Any]:
            status = final if last and final != FAILED else RUNNING
            return {"status": status, "owner": owner(), "lease_until": lease(status)}

        head = as_of(len(records) <= 1)
        store.create_run(run._replace(**head), records[0] if records else None)
        for i, record in enumerate(records[1:], start=2):
            at = as_of(i == len(records))
            store.append(record, at["status"], at["owner"], lease_until=at["lease_until"])
        if final == FAILED:
            store.set_status(run_id, FAILED, error=run.error, owner=None, at=self._clock(),
                             tip_seq=len(records) - 1)
        unsaved.delete_runs([run_id])
        hot = self._engine.waiting.get(run_id)
        if hot is not None:  # its question, now answered through the store
            self._engine.waiting[run_id] = hot._replace(store=store)
        return self.get_run(run_id)

    def _branch_title(
        self, origin: CheckpointRecord, first: CheckpointRecord | None, event: Event
    ) -> str:
        """The title of a branch from ``origin`` (with ``first``, an edit of it, if
        any): its first standing answer, read through the origin's lineage."""
        lineage = [c for c in self.lineage(origin.run_id) if c.seq <= origin.seq or
                   c.run_id != origin.run_id]  # fmt: skip
        if first is not None:
            edit = self._checkpoint(first)
            edit.output_event = event
            lineage.append(edit)
        return title_of(standing_answers(lineage, self.workflow))

    def _new_run(
        self,
        run_id: str,
        session: str,
        branched_from: str | None,
        start: str | None,
        now: float | None = None,
        *,
        title: str | None,
        author: str | None = None,
        made_from: str | None = None,
    ) -> RunRecord:
        """The record of a run starting now, driven by this process."""
        now = self._clock() if now is None else now
        flow = self.workflow.flow_name
        return RunRecord(
            run_id, flow, session, branched_from, start, RUNNING, None, owner(),
            lease(RUNNING), None, -1, now, now, self.author if author is None else author,
            title, made_from,
        )  # fmt: skip

    def _store_for_new_run(self, store_checkpoints: bool) -> CheckpointStore:
        if store_checkpoints:
            return self.store
        # Unsaved runs live only to be answered; the completed ones can go.
        unsaved = self._records.unsaved
        unsaved.delete_runs([r.run_id for r in unsaved.list_runs() if r.status == COMPLETED])
        return unsaved

    def _continue_with(
        self,
        store: CheckpointStore,
        run_id: str,
        tip: CheckpointRecord,
        answered: Event,
        author: str | None,
        title: str | None,
        state: BaseModel | None = None,
    ) -> RunHandler:
        """Store ``answered`` as ``author``'s checkpoint after ``tip`` (the run's
        latest, or for a branch with none yet the one it came from), then go on.
        ``title`` is the run's as known: an answer to a run with none yet ("")
        gives it its title."""
        if state is None:  # read before the answer is stored: a broken state stores nothing
            state = self.serde.load_state(
                tip.state, self.workflow.state_type, where(tip, "ctx_state")
            )
        own = tip.run_id == run_id
        record = tuple.__new__(CheckpointRecord, (  # made from all its values, in field order
            self._new_id(),
            run_id,
            tip.id,
            tip.seq + 1 if own else 0,
            tip.flow,
            HUMAN,
            tip.output_type,
            tip.output,
            type(answered).__name__,
            self.serde.dump(answered),
            tip.state,
            self._clock(),
            author,
        ))
        new_title = answer_text(answered) or None if title == "" else None
        try:
            store.append(
                record, RUNNING, owner(), lease_until=lease(RUNNING), title=new_title
            )
        except ConflictError:
            raise ConflictError(
                f"run {run_id} moved on while this answer was saved: the question was "
                "answered elsewhere; reload the run"
            ) from None
        title = new_title or title
        cursor = Cursor(
            answered, record.output, state, True, record.id, record.seq + 1, record, title
        )
        return RunHandler(self._engine, store, run_id, cursor)

    # -- reading ----------------------------------------------------------------------

    @property
    def checkpoints(self) -> Mapping[str, list[Checkpoint]]:
        """Read-only mapping of run_id to its checkpoints, for this workflow's runs."""
        return CheckpointsView(self.store, self.workflow.flow_name, self._checkpoint)

    def filter_checkpoints(
        self,
        run_id: str | None = None,
        last_completed_step: str | None = None,
        input_event_type: type[Event] | str | None = None,
        output_event_type: type[Event] | str | None = None,
    ) -> list[Checkpoint]:
        """Checkpoints matching every filter given (at least one), in stored order.

        Event types are classes or names and match exactly (not subclasses).
        """
        if (
            run_id is None
            and last_completed_step is None
            and input_event_type is None
            and output_event_type is None
        ):
            raise ValueError(
                "filter_checkpoints needs at least one filter: run_id, last_completed_step, "
                "input_event_type or output_event_type"
            )
        step = None if last_completed_step is None else str(last_completed_step)
        input_type = _type_name(input_event_type)
        output_type = _type_name(output_event_type)
        shapes = self.workflow.spec.shapes_matching(step, input_type, output_type)
        records = self.store.find_checkpoints(
            self.workflow.flow_name,
            run_id=None if run_id is None else str(run_id),
            step=step,
            input_type=input_type,
            output_type=output_type,
            shapes=shapes,
        )
        return [self._checkpoint(r) for r in records]

    def get_checkpoint(self, checkpoint_id: str) -> Checkpoint:
        return self._checkpoint(self._records.checkpoint(checkpoint_id))

    def get_run(self, run_id: str) -> RunInfo:
        return RunInfo.from_record(self._records.find_run(run_id)[1])

    def runs(self) -> list[RunInfo]:
        """This workflow's stored runs, oldest first."""
        return [RunInfo.from_record(r) for r in self.store.list_runs(self.workflow.flow_name)]

    def pending_question(self, run_id: str) -> tuple[Checkpoint, InputRequiredEvent] | None:
        """The checkpoint holding the run's unanswered question and the question, if any."""
        pending = self._unanswered(self._records.find_run(run_id)[1])
        if pending is None:
            return None
        tip, question = pending
        checkpoint = self._checkpoint(tip)
        checkpoint.output_event = question
        return checkpoint, question

    def lineage(self, run_id: str) -> list[Checkpoint]:
        """The checkpoints that led to the run's tip, through the runs it branched from."""
        _, run = self._records.find_run(run_id)
        records = self._records.store_of(run.run_id).run_checkpoints(run.run_id)
        origin_id = run.branched_from
        while origin_id is not None:
            origin = self._records.checkpoint(origin_id)
            earlier = self._records.store_of(origin.run_id).run_checkpoints(origin.run_id)
            records = [r for r in earlier if r.seq <= origin.seq] + records
            origin_id = self._records.run(origin.run_id).branched_from
        return [self._checkpoint(r) for r in records]

    # -- retention --------------------------------------------------------------------

    def delete_run(self, run_id: str) -> list[str]:
        """Delete a run and every run branched from it; the ids deleted."""
        return retention.delete_run(self.store, self._records.find_run(run_id)[1].run_id)

    def delete_session(self, session: str) -> list[str]:
        """Delete every run of a session (a run's ``session`` is its root run's id)."""
        record = self.store.get_session(session)
        if record is None or record.flow != self.workflow.flow_name:
            raise RunNotFound(f"no session {session} of flow {self.workflow.flow_name!r}")
        return retention.delete_session(self.store, session)

    def prune(self, older_than: timedelta | float) -> list[str]:
        """Delete completed sessions of this flow unchanged for ``older_than``
        (a timedelta or seconds); the sessions deleted.

        A session is completed when the run changed last in it has completed.
        """
        pruned = retention.prune(
            self.store, older_than, now=self._clock(), flow=self.workflow.flow_name
        )
        return [record.session for record in pruned]

    # -- internals --------------------------------------------------------------------

    def _checkpoint(self, record: CheckpointRecord) -> Checkpoint:
        return Checkpoint(record, self.serde)

    def _unanswered(self, run: RunRecord) -> tuple[CheckpointRecord, InputRequiredEvent] | None:
        """The run's tip and its question, if a question is what the run waits on.

        The type column tells, without decoding; a row whose event is not what
        its column says fails as a damaged row.
        """
        tip = self._records.tip(run)
        if tip is None or tip.step == HUMAN:
            return None
        at = where(tip, "output_event")
        if not issubclass(self.serde.event_type(tip.output_type, at), InputRequiredEvent):
            return None
        question = self.serde.load(tip.output, at)
        if not isinstance(question, InputRequiredEvent):
            raise CheckpointLoadError(
                f"{at}: holds a {type(question).__name__}, "
                f"but the row says {tip.output_type[:80]}"
            )
        return tip, question

    def _cursor(
        self, run: RunRecord, tip: CheckpointRecord | None, event: Event | None = None
    ) -> Cursor:
        """Where ``run`` goes on from ``tip``; ``event`` is the tip's output event if
        the caller decoded it already (an object no one else holds)."""
        serde = self.serde
        if tip is None:
            start_text = run.start or ""
            start = serde.load(start_text, f"run {run.run_id}, start event")
            return Cursor(
                start, start_text, self.workflow.new_state(), False, None, 0, None, run.title
            )
        if event is None:
            event = serde.load(tip.output, where(tip, "output_event"))
        state = serde.load_state(tip.state, self.workflow.state_type, where(tip, "ctx_state"))
        own = tip.run_id == run.run_id
        return Cursor(
            event,
            tip.output,
            state,
            tip.step == HUMAN,
            tip.id,
            tip.seq + 1 if own else 0,
            tip if own else None,
            run.title,
        )


def _type_name(value: type[Event] | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, type):
        return value.__name__
    return str(value)
