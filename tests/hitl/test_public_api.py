"""What the design promises to export from ``hitl``, and how its errors relate."""

import json
import subprocess
import sys

import pydantic

import hitl


def test_the_designs_names_are_exported():
    for name in (
        "Event",
        "StartEvent",
        "StopEvent",
        "InputRequiredEvent",
        "Workflow",
        "step",
        "Context",
        "WorkflowCheckpointer",
        "Checkpoint",
        "RunInfo",
        "RunHandler",
        "CheckpointStore",
        "MemoryStore",
        "SqliteStore",
        "answer_field",
        "ValidationError",
        "WorkflowValidationError",
        "RunNotFound",
        "CheckpointNotFound",
        "RunNotWaiting",
        "ConflictError",
        "UnknownEventType",
        "CheckpointLoadError",
        "StoreError",
    ):
        assert name in hitl.__all__, name
        assert getattr(hitl, name) is not None
    assert hitl.ValidationError is pydantic.ValidationError
    assert hitl.HUMAN == "human"
    assert (hitl.RUNNING, hitl.WAITING, hitl.COMPLETED, hitl.FAILED) == (
        "running",
        "waiting",
        "completed",
        "failed",
    )


def test_the_engines_errors_share_a_base():
    for error in (
        hitl.WorkflowValidationError,
        hitl.RunNotFound,
        hitl.CheckpointNotFound,
        hitl.RunNotWaiting,
        hitl.ConflictError,
        hitl.UnknownEventType,
        hitl.CheckpointLoadError,
        hitl.StoreError,
        hitl.PayloadTooLarge,
    ):
        assert issubclass(error, hitl.HitlError)
    assert issubclass(hitl.UnknownEventType, hitl.CheckpointLoadError)
    assert str(hitl.RunNotFound("no run abc")) == "no run abc"  # not KeyError's quoted repr
    assert str(hitl.CheckpointNotFound("no checkpoint abc")) == "no checkpoint abc"


def test_importing_hitl_imports_only_what_is_asked_for():
    code = (
        "import json, sys, hitl; before = sorted(m for m in sys.modules if m.startswith('hitl')); "
        "from hitl import Workflow; "
        "print(json.dumps([before, 'hitl.store.sqlite' in sys.modules, "
        "sorted(set(hitl.__all__) - set(dir(hitl)))]))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    before, sqlite_loaded, missing = json.loads(proc.stdout)
    assert before == ["hitl"]  # no store, engine part or driver until a name is used
    assert not sqlite_loaded  # a workflow alone needs no store
    assert missing == []  # dir(hitl) lists every public name
