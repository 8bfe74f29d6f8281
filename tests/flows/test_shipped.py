"""The shipped questionnaires, each answered to the end through the engine, both ways."""

from __future__ import annotations

from typing import Any

import pytest

from flows.questionnaire import QuestionnaireFlow, load_questionnaire
from flows.registry import SHIPPED_DIR
from hitl import MemoryStore, SqliteStore, WorkflowCheckpointer
from tests.flows.helpers import answer_all

POSTMORTEM: dict[str, Any] = {
    "incident_title": "Checkout errors after the 2.3 deploy",
    "severity": "sev2",
    "started_on": "2024-05-14",
    "duration_minutes": 47,
    "detected_by": "customer report",
    "alert_gap": "The 5xx alert only fired above 5%; we peaked at 3%.",
    "customer_facing": True,
    "customers_affected": 1200,
    "customer_update_sent": True,
    "summary": "A config change shipped with 2.3 pointed checkout at the old payment host. "
               "Orders failed for 47 minutes until we rolled back.",
    "timeline": "14:02 deploy\n14:20 first ticket\n14:49 rollback",
    "root_cause_known": True,
    "root_cause": "The payment host setting was not covered by the staging smoke test.",
    "investigation": "never asked",
    "contributing_factors": ["recent deploy", "missing tests"],
    "change_ref": "release 2.3.0 (PR 812)",
    "went_well": "Rollback took two minutes.",
    "action_items": ["Alert on checkout 5xx over 1% - Sam - 2024-06-01"],
    "review_on": "2024-06-10",
}

KICKOFF: dict[str, Any] = {
    "project_name": "Search v2",
    "project_type": "migration",
    "objective": "Move search from the old cluster to the managed service with no downtime.",
    "spike_question": "never asked",
    "timebox_days": "never asked",
    "rollback_plan": "Keep the old cluster warm for two weeks; flip the read alias back.",
    "out_of_scope": "Ranking changes.",
    "success_metrics": ["p95 under 200 ms", "zero lost documents"],
    "team_size": 6,
    "roles_missing": ["operations"],
    "hiring_plan": "Borrow an SRE from platform for six weeks.",
    "start_on": "2024-07-01",
    "target_on": "2024-09-30",
    "budget_known": True,
    "budget": 25000.0,
    "sensitive_data": ["personal data"],
    "security_review_booked": False,
    "stakeholders": ["Search team", "Support"],
    "risks": "Index drift during the dual-write phase.",
    "next_checkpoint_on": "2024-07-15",
}

BUG_REPORT: dict[str, Any] = {
    "summary": "Export to CSV drops the last row",
    "component": "command line",
    "component_other": "never asked",
    "app_version": "2.4.1",
    "environment": "production",
    "operating_system": "Linux",
    "steps": "1. hitl export RUN --format csv\n2. count the rows",
    "expected": "Every row.",
    "actual": "The last row is missing.",
    "reproducible": "sometimes",
    "failure_rate": 30,
    "severity": "major",
    "has_workaround": True,
    "workaround": "Export JSON and convert it.",
    "regression": True,
    "last_good_version": "2.3.9",
    "first_seen": "2024-05-02",
    "logs": "",
    "labels": ["export"],
}

# (file, answers for the long way, changes for the short way, asked the short way)
FLOWS: dict[str, tuple[dict[str, Any], dict[str, Any], list[str]]] = {
    "postmortem": (
        POSTMORTEM,
        {"severity": "sev4", "detected_by": "monitoring alert", "customer_facing": False,
         "root_cause_known": False, "contributing_factors": [], "went_well": ""},
        ["incident_title", "severity", "started_on", "duration_minutes", "detected_by",
         "customer_facing", "summary", "timeline", "root_cause_known", "investigation",
         "contributing_factors", "went_well", "action_items"],
    ),
    "kickoff": (
        KICKOFF,
        {"project_type": "research spike", "timebox_days": 5, "team_size": 2, "roles_missing": [],
         "budget_known": False, "sensitive_data": []},
        ["project_name", "project_type", "objective", "spike_question", "timebox_days",
         "team_size", "roles_missing", "start_on", "budget_known", "sensitive_data",
         "stakeholders", "risks"],
    ),
    "bug-report": (
        BUG_REPORT,
        {"component": "other", "reproducible": "always", "severity": "minor",
         "regression": False},
        ["summary", "component", "component_other", "app_version", "environment", "steps",
         "expected", "actual", "reproducible", "severity", "regression", "first_seen", "logs",
         "labels"],
    ),
}


def shipped(name: str) -> QuestionnaireFlow:
    workflow = load_questionnaire(SHIPPED_DIR / f"{name}.toml")()
    assert isinstance(workflow, QuestionnaireFlow)
    return workflow


def test_at_least_three_are_shipped_and_each_branches() -> None:
    files = sorted(p.stem for p in SHIPPED_DIR.glob("*.toml"))
    assert set(FLOWS) <= set(files)
    for name in files:
        q = shipped(name).questionnaire
        assert q.title and q.description
        assert sum(1 for question in q.questions if question.when is not None) >= 3
        assert len({question.kind for question in q.questions}) >= 5


@pytest.mark.parametrize("name", sorted(FLOWS))
async def test_the_long_way(name: str, store: MemoryStore | SqliteStore) -> None:
    answers, _, _ = FLOWS[name]
    workflow = shipped(name)
    ckptr = WorkflowCheckpointer(workflow=workflow, store=store)
    result, asked, run_id = await answer_all(ckptr, answers)
    never = {k for k, v in answers.items() if v == "never asked"}
    assert asked == [q.id for q in workflow.questionnaire.questions if q.id not in never]
    assert set(result) == set(asked)
    for field in asked:
        assert result[field] == answers[field], field
    assert ckptr.get_run(run_id).status == "completed"
    steps = [c.last_completed_step for c in ckptr.checkpoints[run_id]]
    assert steps == ["start"] + [s for f in asked for s in ("human", f"answer_{f}")]


@pytest.mark.parametrize("name", sorted(FLOWS))
async def test_the_short_way(name: str) -> None:
    answers, changes, expected = FLOWS[name]
    workflow = shipped(name)
    result, asked, _ = await answer_all(
        WorkflowCheckpointer(workflow=workflow), {**answers, **changes}
    )
    assert asked == expected
    assert list(result) == expected
