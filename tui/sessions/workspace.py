"""The store and the flows a command works on, and runs found by id prefix.

Headless (no textual): the `hitl` command opens one ``Workspace`` per call.
The store is opened on first use, the flows are found on first use, and a
flow's workflow is built only when a run of it is read. A workspace that only
reads (``writes=False``) never creates a store: a store named by ``--db`` or
``HITL_DB`` that is missing is an error (a typo must not look like "no
sessions"), and the default store not made yet reads as empty.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import threading
from collections.abc import Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from flows.registry import Registry, UnknownFlow, available_flows
from hitl import (
    CheckpointStore,
    MemoryStore,
    RunHandler,
    RunNotFound,
    SqliteStore,
    StoreError,
    Workflow,
    WorkflowCheckpointer,
)
from hitl.store import open_store, redact
from hitl.store.base import RunRecord
from tui.sessions import locations

SHORT_ID = 8
"""The fewest characters of a run id shown: like git, more when needed to be unique."""


class Workspace:
    """One store file and one folder of the person's own flows."""

    def __init__(self, db: str | os.PathLike[str] | None = None,
                 flows_dir: str | os.PathLike[str] | None = None,
                 user: str | None = None, *, writes: bool = True) -> None:
        self.spec: str | Path = locations.store_spec(db, make_folder=False)
        """The store's SQLite path or PostgreSQL URL (which may hold a password:
        show ``store_name``)."""
        self.db_chosen = locations.db_chosen(db)
        self.writes = writes
        """Whether the command may write, and so create the store."""
        self.flows_dir: Path = locations.flows_dir(flows_dir)
        self.author: str | None = locations.author(user)
        """Who answers and changes through this workspace (``--user``, ``HITL_USER``,
        else the login)."""
        self.checkpointer_options: dict[str, Any] = {}
        """More arguments for every checkpointer made here (a fixed clock and ids)."""
        self._workflows: dict[str, Workflow] = {}
        self._checkpointers: dict[str, WorkflowCheckpointer] = {}
        self._lock = threading.RLock()  # the app reads flows from its workers' threads

    @classmethod
    def on(cls, store: CheckpointStore, *, flows_dir: str | os.PathLike[str] | None = None,
           author: str | None = None, **checkpointer_options: Any) -> Workspace:
        """A workspace on a store already open (the app's): ``author`` as given (None:
        nobody recorded), ``checkpointer_options`` (``clock``, ``new_id``) for every
        checkpointer made here."""
        ws = cls.__new__(cls)
        ws.spec = str(getattr(store, "path", None) or type(store).__name__)
        ws.db_chosen = True
        ws.writes = True
        ws.flows_dir = locations.flows_dir(flows_dir)
        ws.author = author
        ws.checkpointer_options = checkpointer_options
        ws._workflows = {}
        ws._checkpointers = {}
        ws._lock = threading.RLock()
        ws.__dict__["store"] = store
        return ws

    @cached_property
    def store(self) -> CheckpointStore:
        if isinstance(self.spec, str):  # a PostgreSQL URL: the server's database
            return open_store(self.spec)
        path = self.spec
        if not self.writes and not path.exists():
            if self.db_chosen:
                raise StoreError(
                    f"{path}: no such store (check --db or HITL_DB; a command "
                    "that writes, such as hitl new FLOW, creates it)"
                )
            return MemoryStore()  # the default store, not made yet: no sessions, nothing made
        if self.writes:
            _make_folder(path)
        return SqliteStore(path, create=self.writes)

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()

    # -- flows --------------------------------------------------------------------

    def _registry(self) -> Registry:
        """The registry, its files not read yet (a built-in flow needs none)."""
        with self._lock:
            if "_flows" not in self.__dict__:
                self.__dict__["_flows"] = available_flows(self.flows_dir)
            return self.__dict__["_flows"]

    @property
    def flows(self) -> Registry:
        """The flows a person can start, by name, and the files left out
        (``.problems``): read once, on first use (here, so in a worker when
        called from one)."""
        with self._lock:
            registry = self._registry()
            registry.flows  # noqa: B018 -- reads the files now, under the lock
            return registry

    def workflow(self, name: str) -> Workflow:
        """The flow ``name``, built once (``UnknownFlow`` when there is none)."""
        with self._lock:
            if name not in self._workflows:
                self._workflows[name] = self._registry().load(name)
            return self._workflows[name]

    def flow_title(self, name: str) -> str:
        """The flow's title, else its name."""
        with self._lock:
            try:
                entry = self._registry()[name]
            except UnknownFlow:
                return name
        return entry.title or name

    @property
    def workflows(self) -> Mapping[str, Workflow]:
        """The installed flows by name, each built when first read."""
        return _LazyWorkflows(self)

    def checkpointer(self, workflow: Workflow) -> WorkflowCheckpointer:
        return WorkflowCheckpointer(workflow=workflow, store=self.store, author=self.author,
                                    **self.checkpointer_options)

    def flow_checkpointer(self, name: str) -> WorkflowCheckpointer:
        """The checkpointer of the flow ``name`` on this store, made once
        (``UnknownFlow`` naming the known flows when there is none)."""
        with self._lock:
            if name not in self._checkpointers:
                self._checkpointers[name] = self.checkpointer(self.workflow(name))
            return self._checkpointers[name]

    def flow_of(self, run_id: str) -> str:
        """The flow a run belongs to (``RunNotFound`` if there is no such run)."""
        run = self.store.get_run(run_id)
        if run is None:
            raise RunNotFound(f"no run {run_id}; it may have been deleted")
        return run.flow

    # -- runs ---------------------------------------------------------------------

    def find_run(self, given: str) -> RunRecord:
        """The run whose id is ``given`` or starts with it (unique prefix, like git)."""
        given = given.strip()
        if not given:
            raise RunNotFound("a run id is empty")
        exact = self.store.get_run(given)
        if exact is not None:
            return exact
        matches = self.store.run_ids(given, limit=11)  # answered by the index on run ids
        if not matches:
            raise RunNotFound(f"no run {given} in {self.store_name} (hitl list shows the runs)")
        if len(matches) > 1:
            width = short_width(matches)
            shown = ", ".join(r[:width] for r in matches[:10])
            more = " and more" if len(matches) > 10 else ""
            raise AmbiguousRun(f"run id {given} is ambiguous: it could be {shown}{more}")
        run = self.store.get_run(matches[0])
        if run is None:  # deleted in between
            raise RunNotFound(f"no run {given} in {self.store_name} (hitl list shows the runs)")
        return run

    def run_checkpointer(self, run: RunRecord) -> WorkflowCheckpointer:
        """A checkpointer for ``run``'s flow (``UnknownFlow`` if it is not installed)."""
        try:
            workflow = self.workflow(run.flow)
        except UnknownFlow:
            raise UnknownFlow(
                f"run {run.run_id} is of flow {run.flow!r}, which is not installed "
                "(hitl flows lists the flows there are)"
            ) from None
        return self.checkpointer(workflow)

    @property
    def store_name(self) -> str:
        """The store as shown to a person (never with a password)."""
        return redact(self.spec)

    def short_width(self, ids: list[str]) -> int:
        """How many characters of a run id are enough to tell each of ``ids`` from
        every other stored run (at least ``SHORT_ID``): one index seek each."""
        width = SHORT_ID
        for run_id in ids:
            while width < len(run_id) and len(self.store.run_ids(run_id[:width], limit=2)) > 1:
                width += 1
        return width


class AmbiguousRun(RunNotFound):
    """A run id prefix that more than one run starts with."""


def short_width(ids: list[str]) -> int:
    """The shortest prefix length (at least ``SHORT_ID``) that tells ``ids`` apart."""
    ordered = sorted(set(ids))
    width = SHORT_ID
    for a, b in itertools.pairwise(ordered):
        common = 0
        while common < min(len(a), len(b)) and a[common] == b[common]:
            common += 1
        width = max(width, common + 1)
    return width


class _LazyWorkflows(Mapping[str, Workflow]):
    """Installed flows by name, built on first read; flows that fail to build are absent."""

    def __init__(self, workspace: Workspace) -> None:
        self._ws = workspace

    def __getitem__(self, name: str) -> Workflow:
        if name not in self._ws.flows:
            raise KeyError(name)
        try:
            return self._ws.workflow(name)
        except UnknownFlow:
            raise KeyError(name) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._ws.flows)

    def __len__(self) -> int:
        return len(self._ws.flows)


def drive(handler: RunHandler) -> Any:
    """Run ``handler`` until its run waits on a question or ends; what it gives."""

    async def wait() -> Any:
        return await handler

    return asyncio.run(wait())


def _make_folder(store: Path) -> None:
    """The folder of the store file ``store``, made if missing; ``StoreError`` naming
    what is in the way (a file where a folder should be) or why it cannot be made."""
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        in_the_way = next((p for p in store.parents if p.exists() and not p.is_dir()), None)
        reason = (f"{in_the_way} is a file" if in_the_way is not None
                  else f"{exc.filename or store.parent}: {exc.strerror or exc}")
        raise StoreError(f"{store}: cannot make the store's folder: {reason}") from None
