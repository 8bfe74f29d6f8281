"""MemoryStore: the store of a bare WorkflowCheckpointer, as in the seed. Lives as
long as the process; rows are immutable, so nothing handed out can change it.

Its indexes are plain Python: checkpoints by (flow, column, value), run ids
sorted for prefixes, and for pages one ascending list of change numbers per
(flow or any, status or any), so a page is a bisect and a walk back, and a
count is a length.

Past 400 lines on purpose: it is the whole store protocol in one class with no
driver under it, the reference a new store is read against (tests/stores runs
the same suite on it), so each method stays beside its index.
"""

from __future__ import annotations

import bisect
import threading
from collections import deque
from collections.abc import Iterator, Mapping

from hitl.errors import ConflictError
from hitl.store.base import (
    COMPLETED,
    INTERRUPTED,
    RUNNING,
    SESSION_STATUSES,
    STATUSES,
    Changes,
    CheckpointRecord,
    RunRecord,
    SessionPage,
    SessionRecord,
)
from hitl.store.rows import check_filters, latest_of, lease_live, status_matches, title_matches

TOMBSTONES_KEPT = 10_000

_row = tuple.__new__  # a row built from its values in field order, checked by no one
_Order = list[int]
_Orders = tuple[_Order, _Order, _Order, _Order]


class MemoryStore:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)  # told of every change number
        self._waiting = 0  # how many wait on _changed (none: no one to tell)
        self._closed = False
        self._runs: dict[str, RunRecord] = {}
        self._by_run: dict[str, list[CheckpointRecord]] = {}
        self._by_id: dict[str, CheckpointRecord] = {}
        # (flow, column, value) -> checkpoints, in the order stored
        self._index: dict[tuple[str, int, str], list[CheckpointRecord]] = {}
        self._ids: list[str] = []  # run ids, sorted
        self._sessions: dict[str, SessionRecord] = {}
        self._members: dict[str, list[str]] = {}  # session -> its run ids, in order created
        # (flow or None, stored status or None) -> ascending change numbers
        self._order: dict[tuple[str | None, str | None], _Order] = {}
        # (flow, stored status) -> the four orders a session of those is in (_keys)
        self._orders: dict[tuple[str, str], _Orders] = {}
        self._at_change: dict[int, str] = {}
        self._change = 0
        self._gone: deque[tuple[int, str]] = deque()
        self._forgotten = 0  # tombstones up to this change were dropped

    # -- writing -----------------------------------------------------------------

    def create_run(self, run: RunRecord, first: CheckpointRecord | None = None) -> None:
        with self._lock:
            if run.run_id in self._runs:
                raise ConflictError(f"run {run.run_id} already exists")
            if run.branched_from is not None:
                self._check_origin(run)
            run = _row(RunRecord, (*run[:9], None, -1, *run[11:]))  # no tip yet
            self._runs[run.run_id] = run
            self._by_run[run.run_id] = []
            bisect.insort(self._ids, run.run_id)
            self._members.setdefault(run.session, []).append(run.run_id)
            if first is not None:
                self._add(first, run.status, run.owner, run.lease_until, None)
            self._touch(run.session, self._runs[run.run_id])

    def _check_origin(self, run: RunRecord) -> None:
        origin = self._by_id.get(run.branched_from or "")
        if origin is None or self._runs[origin.run_id].session != run.session:
            raise ConflictError(
                f"run {run.run_id} branches from checkpoint {run.branched_from}, "
                f"which is no longer stored in session {run.session}"
            )

    def append(
        self,
        checkpoint: CheckpointRecord,
        status: str,
        owner: str | None = None,
        *,
        lease_until: float | None = None,
        title: str | None = None,
    ) -> None:
        with self._lock:
            run = self._runs.get(checkpoint.run_id)
            if run is None:
                raise ConflictError(f"run {checkpoint.run_id} is no longer in the store")
            if checkpoint.seq != run.tip_seq + 1:
                raise ConflictError(
                    f"run {run.run_id} moved on: its tip is checkpoint {run.tip_seq}, "
                    f"not {checkpoint.seq - 1}"
                )
            run = self._add(checkpoint, status, owner, lease_until, title)
            self._touch(run.session, run)

    def _add(
        self,
        ck: CheckpointRecord,
        status: str,
        owner: str | None,
        lease_until: float | None,
        title: str | None,
    ) -> RunRecord:
        run = self._runs[ck.run_id]
        updated_at = run.updated_at
        run = self._runs[ck.run_id] = _row(RunRecord, (
            *run[:5],  # run_id, flow, session, branched_from, start
            status, None, owner, lease_until, ck.id, ck.seq, run.created_at,
            updated_at if updated_at >= ck.created_at else ck.created_at,  # max(), as written
            run.author, run.title if title is None else title,
            *run[15:],  # made_from
        ))  # fmt: skip
        self._by_run[ck.run_id].append(ck)
        self._by_id[ck.id] = ck
        index = self._index
        index.setdefault((ck.flow, 0, ck.step), []).append(ck)
        index.setdefault((ck.flow, 1, ck.input_type), []).append(ck)
        index.setdefault((ck.flow, 2, ck.output_type), []).append(ck)
        return run

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
        with self._lock:
            run = self._runs.get(run_id)
            if run is None or (tip_seq is not None and run.tip_seq != tip_seq):
                return False
            run = self._runs[run_id] = run._replace(
                status=status,
                error=error,
                owner=owner,
                lease_until=lease_until,
                updated_at=max(run.updated_at, at),
            )
            self._touch(run.session, run)
            return True

    def renew_lease(self, run_id: str, owner: str, lease_until: float) -> bool:
        with self._lock:
            run = self._runs.get(run_id)
            if run is None or run.status != RUNNING or run.owner != owner:
                return False
            run = self._runs[run_id] = run._replace(lease_until=lease_until)
            record = self._sessions[run.session]
            if record.run_id == run_id:
                self._sessions[run.session] = record._replace(lease_until=lease_until)
            return True

    def set_titles(self, titles: Mapping[str, str]) -> None:
        with self._lock:
            touched = {}
            for run_id, title in titles.items():
                run = self._runs.get(run_id)
                if run is not None and run.title is None:
                    run = self._runs[run_id] = run._replace(title=title)
                    if self._sessions[run.session].run_id == run_id:
                        touched[run.session] = run
            for session, run in touched.items():
                self._touch(session, run, latest=False)

    def _touch(self, session: str, run: RunRecord, *, latest: bool = True) -> None:
        """Give ``session`` a new change number, with ``run`` as its latest run."""
        old = self._sessions.get(session)
        change = self._next_change()
        status = run.status
        if old is None:
            record = _row(SessionRecord, (
                session, run.flow, run.run_id, status, run.error, run.owner,
                run.lease_until, run.title, 1, run.created_at, run.updated_at, change,
            ))  # fmt: skip
            for order in self._orders_of(run.flow, status):
                order.append(change)  # the highest: stays sorted
        else:
            flow = old.flow
            record = _row(SessionRecord, (
                session, flow, run.run_id, status, run.error, run.owner,
                run.lease_until, run.title, len(self._members[session]), old.created_at,
                run.updated_at if latest else old.updated_at, change,
            ))  # fmt: skip
            del self._at_change[old.change]
            if old.change == change - 1:
                # The session changed last (a run going on): at the end of each of its
                # orders, so it moves to the top of them in place.
                every, of_status, of_flow, of_both = self._orders_of(flow, old.status)
                every[-1] = of_flow[-1] = change
                if status == old.status:
                    of_status[-1] = of_both[-1] = change
                else:
                    of_status.pop()
                    of_both.pop()
                    _, of_status, _, of_both = self._orders_of(flow, status)
                    of_status.append(change)
                    of_both.append(change)
            else:
                self._drop_from_orders(old)
                for order in self._orders_of(flow, status):
                    order.append(change)
        self._sessions[session] = record
        self._at_change[change] = session

    def _next_change(self) -> int:
        """The next change number, told to the change feed's waiters (if any wait)."""
        self._change = change = self._change + 1
        if self._waiting:
            self._changed.notify_all()
        return change

    def _orders_of(self, flow: str, status: str) -> _Orders:
        """The page orders a session of ``flow`` stored with ``status`` is in."""
        orders = self._orders.get((flow, status))
        if orders is None:
            order = self._order
            every, of_status, of_flow, of_both = (
                order.setdefault(key, []) for key in self._keys(flow, status)
            )
            orders = self._orders[flow, status] = (every, of_status, of_flow, of_both)
        return orders

    def _drop_from_orders(self, record: SessionRecord) -> None:
        change = record.change
        for order in self._orders_of(record.flow, record.status):
            if order[-1] == change:
                order.pop()
            else:
                del order[bisect.bisect_left(order, change)]

    @staticmethod
    def _keys(flow: str, status: str) -> tuple[tuple[str | None, str | None], ...]:
        """The page orders of a session of ``flow`` stored with ``status``: by any
        flow or this one, any status or this one."""
        return ((None, None), (None, status), (flow, None), (flow, status))

    def sync(self) -> None:
        pass  # nothing here outlives the process

    # -- deleting ------------------------------------------------------------------

    def delete_runs(self, run_ids: list[str]) -> int:
        with self._lock:
            return len(self._delete(list(dict.fromkeys(run_ids))))

    def delete_run(self, run_id: str) -> list[str]:
        with self._lock:
            run = self._runs.get(run_id)
            if run is None:
                return []
            doomed = [run_id]
            for other in self._members[run.session]:  # in the order created: origins first
                origin = self._by_id.get(self._runs[other].branched_from or "")
                if other != run_id and origin is not None and origin.run_id in doomed:
                    doomed.append(other)
            return self._delete(doomed)

    def delete_session(self, session: str) -> list[str]:
        with self._lock:
            return self._delete(list(self._members.get(session, ())))

    def delete_unchanged_session(self, run_id: str, *, tip_seq: int, status: str) -> bool:
        with self._lock:
            run = self._runs.get(run_id)
            if run is None or (run.tip_seq, run.status) != (tip_seq, status):
                return False
            if self._members[run.session] != [run_id]:
                return False
            return bool(self._delete([run_id]))

    def prune_sessions(self, *, before: float, flow: str | None = None) -> list[SessionRecord]:
        with self._lock:
            doomed = [
                self._sessions[self._at_change[change]]
                for change in self._order.get((flow, COMPLETED), ())
                if self._sessions[self._at_change[change]].updated_at < before
            ]
            for record in doomed:
                self._delete(list(self._members[record.session]))
            return doomed

    def _delete(self, run_ids: list[str]) -> list[str]:
        gone, sessions, doomed = [], set(), set()
        for run_id in run_ids:
            run = self._runs.pop(run_id, None)
            if run is None:
                continue
            gone.append(run_id)
            sessions.add(run.session)
            self._members[run.session].remove(run_id)
            del self._ids[bisect.bisect_left(self._ids, run_id)]
            for ck in self._by_run.pop(run_id, ()):
                self._by_id.pop(ck.id, None)
                doomed.add(ck.id)
        if doomed:
            for key, bucket in list(self._index.items()):
                kept = [c for c in bucket if c.id not in doomed]
                if kept:
                    self._index[key] = kept
                else:
                    del self._index[key]
        for session in sorted(sessions):
            members = [self._runs[r] for r in self._members[session]]
            if members:
                self._touch(session, latest_of(members))
            else:
                del self._members[session]
                record = self._sessions.pop(session)
                del self._at_change[record.change]
                self._drop_from_orders(record)
                self._gone.append((self._next_change(), session))
                while len(self._gone) > TOMBSTONES_KEPT:
                    self._forgotten = self._gone.popleft()[0]
        return gone

    # -- reading runs and checkpoints ------------------------------------------------

    def get_run(self, run_id: str) -> RunRecord | None:
        return self._runs.get(run_id)

    def session_of(self, run_id: str) -> str | None:
        run = self._runs.get(run_id)
        return None if run is None else run.session

    def list_runs(self, flow: str | None = None) -> list[RunRecord]:
        with self._lock:
            runs = list(self._runs.values())
        return runs if flow is None else [r for r in runs if r.flow == flow]

    def session_runs(self, session: str) -> list[RunRecord]:
        with self._lock:
            return [self._runs[r] for r in self._members.get(session, ())]

    def run_ids(self, prefix: str, *, limit: int) -> list[str]:
        if not prefix:
            raise ValueError("a run id prefix is empty")
        with self._lock:
            ids = self._ids
            start = bisect.bisect_left(ids, prefix)
            found = []
            for run_id in ids[start : start + limit]:
                if not run_id.startswith(prefix):
                    break
                found.append(run_id)
            return found

    def run_checkpoints(self, run_id: str) -> list[CheckpointRecord]:
        with self._lock:
            return list(self._by_run.get(run_id, ()))

    def get_checkpoint(self, checkpoint_id: str) -> CheckpointRecord | None:
        return self._by_id.get(checkpoint_id)

    def find_checkpoints(
        self,
        flow: str,
        *,
        run_id: str | None = None,
        step: str | None = None,
        input_type: str | None = None,
        output_type: str | None = None,
        shapes: list[tuple[str, str]] | None = None,  # the indexes here need no hint
    ) -> list[CheckpointRecord]:
        with self._lock:
            candidates: list[list[CheckpointRecord]] = []
            if run_id is not None:
                candidates.append([c for c in self._by_run.get(run_id, ()) if c.flow == flow])
            for column, value in ((0, step), (1, input_type), (2, output_type)):
                if value is not None:
                    candidates.append(self._index.get((flow, column, value), []))
        if not candidates:
            return [c for r in self.list_runs(flow) for c in self.run_checkpoints(r.run_id)]
        smallest = min(candidates, key=len)
        return [
            c
            for c in smallest
            if (run_id is None or c.run_id == run_id)
            and (step is None or c.step == step)
            and (input_type is None or c.input_type == input_type)
            and (output_type is None or c.output_type == output_type)
        ]

    # -- reading sessions --------------------------------------------------------------

    def get_session(self, session: str) -> SessionRecord | None:
        return self._sessions.get(session)

    def _walk(
        self,
        now: float,
        status: str | None,
        flow: str | None,
        text: str | None,
        updated_before: float | None,
        cursor: int | None,
        stored: str | None = None,
    ) -> Iterator[SessionRecord]:
        """Matching sessions, latest first, below ``cursor``; under the lock.
        ``stored``: walk the sessions stored with that status (default: those
        ``status`` can match)."""
        if stored is None:
            stored = RUNNING if status in (RUNNING, INTERRUPTED) else status
        order = self._order.get((flow, stored), [])
        end = len(order) if cursor is None else bisect.bisect_left(order, cursor)
        key = None if text is None else text.casefold()
        for i in range(end - 1, -1, -1):
            record = self._sessions[self._at_change[order[i]]]
            if (
                status_matches(record, status, now)
                and (key is None or title_matches(record.title, key))
                and (updated_before is None or record.updated_at < updated_before)
            ):
                yield record

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
        check_filters(status, limit)
        with self._lock:
            rows = []
            for record in self._walk(now, status, flow, text, updated_before, cursor):
                if len(rows) == limit:
                    return SessionPage(rows, rows[-1].change, [])
                rows.append(record)
            return SessionPage(rows, None, [])

    def count_sessions(
        self, *, now: float, flow: str | None = None, text: str | None = None
    ) -> dict[str, int]:
        with self._lock:
            counts = dict.fromkeys(SESSION_STATUSES, 0)
            for status in STATUSES:
                if text is None and status != RUNNING:
                    counts[status] = len(self._order.get((flow, status), ()))
                    continue
                for record in self._walk(now, None, flow, text, None, None, stored=status):
                    if status == RUNNING and not lease_live(record.lease_until, now):
                        counts[INTERRUPTED] += 1
                    else:
                        counts[status] += 1
            return counts

    def change_token(self) -> int:
        return self._change

    def changes(self, since: int | None, *, limit: int = 1000) -> Changes:
        with self._lock:
            token = self._change
            if since is None or since > token or since < self._forgotten:
                return Changes(token, [], [], False)
            order = self._order.get((None, None), [])
            after = order[bisect.bisect_right(order, since) :]
            deleted = [session for change, session in self._gone if change > since]
            if len(after) + len(deleted) > limit:
                return Changes(token, [], [], False)
            return Changes(token, [self._at_change[c] for c in after], deleted, True)

    def wait_for_change(self, token: int, timeout: float) -> int:
        with self._changed:
            self._waiting += 1
            try:
                self._changed.wait_for(lambda: self._change != token or self._closed,
                                       max(timeout, 0.0))
            finally:
                self._waiting -= 1
            return self._change

    def close(self) -> None:
        with self._changed:  # a waiter returns; the store stays readable
            self._closed = True
            self._changed.notify_all()
