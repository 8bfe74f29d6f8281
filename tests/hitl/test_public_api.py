"""What the design promises to export from ``hitl``, and how its errors relate."""

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
