"""MemoryStore: the store of a bare WorkflowCheckpointer, as in the seed. Lives as
long as the process; rows are immutable, so nothing handed out can change it."""

from __future__ import annotations

import threading

from hitl.errors import ConflictError
from hitl.store.base import CheckpointRecord, RunRecord


class MemoryStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: dict[str, RunRecord] = {}
        self._by_run: dict[str, list[CheckpointRecord]] = {}
        self._by_id: dict[str, CheckpointRecord] = {}
        # (flow, column, value) -> checkpoints, in the order stored
        self._index: dict[tuple[str, int, str], list[CheckpointRecord]] = {}

    def create_run(self, run: RunRecord, first: CheckpointRecord | None = None) -> None:
        with self._lock:
            if run.run_id in self._runs:
                raise ConflictError(f"run {run.run_id} already exists")
            self._runs[run.run_id] = run
            self._by_run[run.run_id] = []
            if first is not None:
                self._add(first, run.status, run.owner)

    def append(self, checkpoint: CheckpointRecord, status: str, owner: str | None) -> None:
        with self._lock:
            run = self._runs.get(checkpoint.run_id)
            if run is None:
                raise ConflictError(f"run {checkpoint.run_id} is no longer in the store")
            if checkpoint.seq != run.tip_seq + 1:
                raise ConflictError(
                    f"run {run.run_id} moved on: its tip is checkpoint {run.tip_seq}, "
                    f"not {checkpoint.seq - 1}"
                )
            self._add(checkpoint, status, owner)

    def _add(self, ck: CheckpointRecord, status: str, owner: str | None) -> None:
        run = self._runs[ck.run_id]
        self._runs[ck.run_id] = run._replace(
            tip=ck.id,
            tip_seq=ck.seq,
            status=status,
            error=None,
            owner=owner,
            updated_at=ck.created_at,
        )
        self._by_run[ck.run_id].append(ck)
        self._by_id[ck.id] = ck
        index = self._index
        for key in (
            (ck.flow, 0, ck.step),
            (ck.flow, 1, ck.input_type),
            (ck.flow, 2, ck.output_type),
        ):
            bucket = index.get(key)
            if bucket is None:
                index[key] = [ck]
            else:
                bucket.append(ck)

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
        with self._lock:
            run = self._runs.get(run_id)
            if run is None or (tip_seq is not None and run.tip_seq != tip_seq):
                return False
            self._runs[run_id] = run._replace(
                status=status, error=error, owner=owner, updated_at=at
            )
            return True

    def get_run(self, run_id: str) -> RunRecord | None:
        return self._runs.get(run_id)

    def get_session(self, run_id: str) -> str | None:
        run = self._runs.get(run_id)
        return None if run is None else run.session

    def list_runs(self, flow: str | None = None) -> list[RunRecord]:
        with self._lock:
            runs = list(self._runs.values())
        return runs if flow is None else [r for r in runs if r.flow == flow]

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

    def sync(self) -> None:
        pass  # nothing here outlives the process

    def delete_runs(self, run_ids: list[str]) -> int:
        with self._lock:
            gone = 0
            doomed = set()
            for run_id in run_ids:
                if self._runs.pop(run_id, None) is not None:
                    gone += 1
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
            return gone

    def close(self) -> None:
        pass
