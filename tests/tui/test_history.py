"""The history screen: a session's tree of runs and checkpoints, a checkpoint's
JSON, editing its output event (validated, nothing stored when refused) and
going on from it on a new branch, edited or unchanged."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from flows.gather import ApproachEvent, GatherFlow, ResourcesEvent
from hitl import HUMAN, Context, step
from tests.tui.helpers import answer as answer_with
from tests.tui.helpers import question as asked
from tests.tui.helpers import text_of
from tests.tui.screen_data import (
    ANSWERS,
    Session,
    question_shown,
    rendered,
    said,
    tree_shown,
    until,
)
from tui.app.screens.edit_event import EditEventScreen
from tui.app.screens.history import HistoryScreen
from tui.app.screens.home import HomeScreen
from tui.app.screens.question import QuestionScreen
from tui.sessions.session_tree import CheckpointRow, RunRow

SIZE = (100, 30)


pytestmark = pytest.mark.usefixtures("utc")  # times shown in UTC


def walk(node: TreeNode) -> Iterator[TreeNode]:
    for child in node.children:
        yield child
        yield from walk(child)


def outline(tree: Tree) -> list[str]:
    """The tree as indented lines, without the times (the snapshot shows those)."""
    lines = []
    for node in walk(tree.root):
        depth = 0
        parent = node.parent
        while parent is not None and parent is not tree.root:
            depth += 1
            parent = parent.parent
        text = node.label.plain
        if isinstance(node.data, CheckpointRow):
            text = text.rsplit(" ", 1)[0]
        lines.append("  " * depth + text.strip())
    return lines


def node_of(tree: Tree, key: str) -> TreeNode:
    for node in walk(tree.root):
        data = node.data
        if (isinstance(data, CheckpointRow) and data.id == key) or (
            isinstance(data, RunRow) and data.run_id == key
        ):
            return node
    raise AssertionError(f"no node for {key}")


async def open_history(pilot, run_id: str) -> HistoryScreen:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, HomeScreen), "the home screen")
    app.open_history(run_id)
    await until(pilot, lambda: tree_shown(app.screen), "the history tree")
    screen = app.screen
    await until(pilot, lambda: screen.detail is not None or isinstance(
        screen.query_one(Tree).cursor_node.data, RunRow), "the selected checkpoint")
    return screen


async def move_to(pilot, screen: HistoryScreen, checkpoint_id: str) -> None:
    """Move the cursor to a checkpoint with the arrow keys."""
    tree = screen.query_one(Tree)
    target = node_of(tree, checkpoint_id).line
    while tree.cursor_line != target:
        await pilot.press("up" if tree.cursor_line > target else "down")


async def select(pilot, screen: HistoryScreen, checkpoint_id: str) -> None:
    """Move the cursor to a checkpoint, and wait for its JSON."""
    await move_to(pilot, screen, checkpoint_id)
    await until(pilot, lambda: screen.detail is not None and screen.detail.row.id == checkpoint_id,
                "the checkpoint's JSON")


async def test_tree_shows_both_branches_after_a_rewind(session: Session) -> None:
    first = await session.complete()
    branch = await session.rewind(first, "resources", "Just me")
    app = session.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot, branch)
        tree = screen.query_one(Tree)
        # The answers first: each branch with what it changed, each answer with who and when.
        assert outline(tree) == [
            "branch 1 of 2 · the first · completed",
            "  1 Objective: Ship v2 [red]x… · unknown",  # cut to keep who and when in view
            "  2 Resources: Two engineers … · unknown",
            "  ● branch 2 of 2 · resources changed · waiting",
            "    2 ✎ Resources: Just me · unknown",
            "    3 Approach: waiting for an answer",
            "  3 Approach: Small steps, ea… · unknown",
            "  4 Notes: (no answer) · unknown",
            "  ✓ Result",
        ]
        tip = session.ckptr.checkpoints[branch][-1]
        assert tree.cursor_node is node_of(tree, tip.id)  # the question it waits on
        # The technical view, one key away: every checkpoint, with steps and event types.
        await pilot.press("t")
        await until(pilot, lambda: outline(tree)[0].startswith("run "), "the technical view")
        assert outline(tree) == [
            f"run {first} · completed",
            "  0 start_process → ObjectiveEvent",
            "  1 answer (human) → ObjectiveEvent",
            "  2 gather_objective → ResourcesEvent",
            "  3 answer (human) → ResourcesEvent",
            f"  ● run {branch} · waiting · branched from step 3",
            "    0 answer (human) → ResourcesEvent",
            "    1 gather_resources → ApproachEvent",
            "  4 gather_resources → ApproachEvent",
            "  5 answer (human) → ApproachEvent",
            "  6 gather_approach → NotesEvent",
            "  7 answer (human) → NotesEvent",
            "  8 gather_notes → StopEvent",
        ]
        # The current run is expanded, with its tip selected and shown.
        assert tree.cursor_node is node_of(tree, tip.id)
        assert node_of(tree, branch).is_expanded and node_of(tree, first).is_expanded
        assert screen.detail is not None and screen.detail.row.id == tip.id
        assert app.screen.sub_title == "History · Gather a plan"


async def test_selecting_a_checkpoint_shows_its_events_and_state_as_json(
    session: Session,
) -> None:
    run_id = await session.complete()
    answer = session.answer_checkpoint(run_id, "objective")
    async with session.app().run_test(size=SIZE) as pilot:
        screen = await open_history(pilot, run_id)
        await pilot.press("t")
        await select(pilot, screen, answer.id)
        head = rendered(screen.query_one("#detail-head", Static))
        body = rendered(screen.query_one("#detail-body", Static))
        assert "Checkpoint 1 · answer (human)" in head
        assert "ObjectiveEvent → ObjectiveEvent" in head
        assert f"checkpoint {answer.id}" in head
        # Both events and the state, as JSON; the stored markup shown as it is.
        assert body.index("Input event · ObjectiveEvent") < body.index(
            "Output event · ObjectiveEvent") < body.index("State (ctx_state)")
        flat = " ".join(body.split())  # the JSON wraps at the pane's width
        assert '{ "message": "What is your main objective?", "objective": "" }' in flat
        assert '"objective": "Ship v2 [red]x[/red]" }' in flat  # the answer, shown as it is
        assert '"state": { "objective": "", "resources": ""' in flat


async def test_a_run_node_shows_the_run_and_a_click_picks_a_checkpoint(session: Session) -> None:
    first = await session.complete()
    branch = await session.rewind(first, "resources", "Just me")
    async with session.app().run_test(notifications=True, size=SIZE) as pilot:
        screen = await open_history(pilot, branch)
        await pilot.press("t")
        tree = screen.query_one(Tree)
        await until(pilot, lambda: outline(tree)[0].startswith("run "), "the technical view")
        await pilot.click("#history-tree", offset=(12, node_of(tree, branch).line))
        await pilot.pause()
        head = rendered(screen.query_one("#detail-head", Static))
        body = rendered(screen.query_one("#detail-body", Static))
        assert f"Run {branch}" in head and "waiting · 2 checkpoints" in head
        origin = session.answer_checkpoint(first, "resources")
        assert f"Branched from: step 3 (human) of run {first}" in " ".join(body.split())
        # Editing wants a checkpoint: a run node says so.
        await pilot.press("e")
        await until(pilot, lambda: said(
            pilot.app, "Pick a checkpoint in the tree first (a line under a run)."), "the note")
        # A click on a checkpoint line picks it.
        await pilot.click("#history-tree", offset=(12, node_of(tree, origin.id).line))
        await until(pilot, lambda: screen.detail is not None and screen.detail.row.id == origin.id,
                    "the clicked checkpoint")


async def test_t_on_a_run_line_turns_the_detail_beside_it_to_the_other_view(
    session: Session,
) -> None:
    run_id = await session.complete()
    async with session.app().run_test(size=SIZE) as pilot:
        screen = await open_history(pilot, run_id)
        tree = screen.query_one(Tree)
        await move_to(pilot, screen, run_id)  # the run's line: the first in both views

        def detail() -> str:
            parts = ("#detail-head", "#detail-body")
            return " ".join(" ".join(rendered(screen.query_one(p, Static)) for p in parts).split())

        await until(pilot, lambda: "The only branch" in detail(), "the branch beside the tree")
        assert "Started by" in detail() and "t: the technical view" in detail()
        await pilot.press("t")
        await until(pilot, lambda: outline(tree)[0] == f"● run {run_id} · completed",
                    "the technical view")
        await until(pilot, lambda: f"Run {run_id}" in detail(), "the run beside the tree")
        assert tree.cursor_node is node_of(tree, run_id)
        assert "completed · 9 checkpoints" in detail()
        assert "Flow: gather" in detail() and "t: back to the answers" in detail()
        assert "The only branch" not in detail()
        await pilot.press("t")
        await until(pilot, lambda: "The only branch" in detail(), "the branch beside the tree")
        assert f"Run {run_id}" not in detail() and "t: the technical view" in detail()


@pytest.mark.parametrize(
    ("value", "error"),
    [("", "an answer is required"), ("x" * 2001, "at most 2000 characters, got 2001")],
    ids=["empty", "too long"],
)
async def test_an_invalid_edit_shows_the_error_and_stores_nothing(
    session: Session, value: str, error: str
) -> None:
    run_id = await session.complete()
    answer = session.answer_checkpoint(run_id, "objective")
    before = session.counts()
    app = session.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot, run_id)
        await select(pilot, screen, answer.id)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EditEventScreen), "the edit form")
        modal = app.screen
        assert rendered(modal.query_one("#edit-prompt", Static)).strip() == (
            "What is your main objective?")
        field = modal.form.field("objective")
        assert field.input.text == ANSWERS["objective"]  # the stored answer, as text
        field.input.load_text(value)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: modal.form.errors, "the error beside the field")
        assert modal.form.errors == {"objective": error}
        assert error in rendered(field.query_one(".field-error", Static))
        assert app.screen is modal and not modal.busy
    assert session.counts() == before


async def test_a_valid_edit_goes_on_on_a_new_branch_at_the_next_question(
    session: Session,
) -> None:
    run_id = await session.complete()
    answer = session.answer_checkpoint(run_id, "resources")
    before = session.counts()
    app = session.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot, run_id)
        await move_to(pilot, screen, answer.id)
        await pilot.press("e")  # at once: the form opens when the checkpoint has been read
        await until(pilot, lambda: isinstance(app.screen, EditEventScreen), "the edit form")
        assert app.screen.checkpoint_id == answer.id
        app.screen.form.field("resources").input.load_text("Just me")
        await pilot.click("#edit-save")
        await until(pilot, lambda: question_shown(app.screen), "the next question")
        question = app.screen
        assert prompt(question) == (
            "What approach will you take?")
        new = question.run_id
        # The old run is kept as it was; the new one branched from that answer.
        assert session.counts()[: len(before)] == before
        runs = {r.run_id: r for r in session.ckptr.runs()}
        assert set(runs) == {run_id, new}
        assert runs[new].branched_from == answer.id and runs[new].status == "waiting"
        first = session.ckptr.checkpoints[new][0]
        assert first.last_completed_step == HUMAN
        assert first.output_event.resources == "Just me"  # type: ignore[attr-defined]
        # In the history (ctrl+t; esc goes to the sessions), the tree shows the new
        # branch as the current run.
        await pilot.press("ctrl+t")
        await until(pilot, lambda: app.screen is not screen and tree_shown(app.screen),
                    "the history again")
        assert "  ● branch 2 of 2 · resources changed · waiting" in outline(
            app.screen.query_one(Tree))


async def test_editing_a_result_is_checked_then_completes_on_a_branch_with_its_review(
    session: Session,
) -> None:
    run_id = await session.complete()
    last = session.ckptr.checkpoints[run_id][-1]
    assert last.output_event_type == "StopEvent"
    before = session.counts()
    app = session.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot, run_id)
        await select(pilot, screen, last.id)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EditEventScreen), "the edit form")
        modal = app.screen
        field = modal.form.field("result")
        field.input.load_text('{"objective": "unclosed')  # not JSON: said beside the field
        await pilot.press("ctrl+s")
        await until(pilot, lambda: modal.form.errors, "the error")
        assert modal.form.errors["result"].startswith("not valid JSON")
        assert session.counts() == before
        field.input.load_text('{"objective": "Ship v3", "notes": "[i]edited[/i]"}')
        await pilot.press("ctrl+s")
        await until(pilot, lambda: type(app.screen).__name__ == "ReviewScreen"
                    and app.screen.review, "the review of the new run")
        review = app.screen
        assert review.run_id != run_id and review.review.done
        assert review.review.result == {"objective": "Ship v3", "notes": "[i]edited[/i]"}
    info = session.ckptr.get_run(review.run_id)
    assert info.status == "completed" and info.branched_from == last.id


async def test_branch_from_a_checkpoint_unchanged_is_stored_at_its_first_answer(
    session: Session,
) -> None:
    run_id = await session.complete()
    answer = session.answer_checkpoint(run_id, "resources")
    before = session.counts()
    app = session.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot, run_id)
        await select(pilot, screen, answer.id)
        await pilot.press("b")
        question = await asked(pilot)
        new = question.run_id
        assert prompt(question) == "What approach will you take?"
        assert text_of(question.query_one("#branch-label", Static)) == (
            "new branch · kept when you answer")
        assert session.counts() == before  # looked at, not answered: nothing stored yet
        await answer_with(pilot, "")  # the earlier branch's answer, filled in, as it was
        await asked(pilot, 4)
        assert text_of(question.query_one("#branch-label", Static)) == (
            "branch 2 of 2 · no answer changed yet")
    info = session.ckptr.get_run(new)
    assert info.branched_from == answer.id and info.status == "waiting"
    steps = [c.last_completed_step for c in session.ckptr.checkpoints[new]]
    assert steps == ["gather_resources", HUMAN, "gather_approach"]  # the steps ran once
    first = session.ckptr.checkpoints[new][0]
    assert first.input_event.resources == ANSWERS["resources"]  # no edit: as it was
    assert session.ckptr.checkpoints[new][1].output_event.approach == ANSWERS["approach"]
    assert len(session.ckptr.checkpoints[run_id]) == 9


async def test_branch_from_here_left_unanswered_leaves_no_branch(session: Session) -> None:
    run_id = await session.complete()
    answer = session.answer_checkpoint(run_id, "resources")
    before = session.counts()
    app = session.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot, run_id)
        await select(pilot, screen, answer.id)
        await pilot.press("b")
        await asked(pilot)
        await pilot.press("ctrl+t")  # the history of the run it came from: no new branch there
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen)
                    and app.screen is not screen and tree_shown(app.screen), "the history")
        shown = outline(app.screen.query_one(Tree))
        assert shown[0] == "● the only branch · completed"  # one run: nothing to number
        assert not any("branch" in line for line in shown[1:])
        await pilot.press("escape")  # back to the new branch's question...
        await asked(pilot)
        await pilot.press("escape")  # ...and to the sessions, as its footer says
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home")
    assert session.counts() == before


async def test_branch_from_the_result_says_there_is_nothing_to_go_on_to(
    session: Session,
) -> None:
    run_id = await session.complete()
    result = session.ckptr.checkpoints[run_id][-1]
    assert type(result.output_event).__name__ == "StopEvent"
    before = session.counts()
    app = session.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_history(pilot, run_id)
        await select(pilot, screen, result.id)
        await pilot.press("b")
        await until(pilot, lambda: said(app, "The run ended at this checkpoint"), "the note")
        assert app.screen is screen
    assert session.counts() == before


async def test_branch_from_the_command_palette_and_escape_goes_to_the_sessions(
    session: Session,
) -> None:
    run_id = await session.complete()
    answer = session.answer_checkpoint(run_id, "approach")
    app = session.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot, run_id)
        await select(pilot, screen, answer.id)
        ids = {b.id for b in HistoryScreen.BINDINGS}  # type: ignore[union-attr]
        assert ids == {"history.edit", "history.branch", "history.open", "history.compare",
                       "history.technical", "history.answers", "history.back"}
        await pilot.press("ctrl+p")
        await pilot.press(*"branch from")
        await until(pilot, lambda: "Branch from here" in rendered_palette(app), "the command")
        await pilot.press("enter")
        await until(pilot, lambda: question_shown(app.screen), "the next question")
        assert prompt(app.screen) == (
            "Any additional notes?")
        await pilot.press("escape")  # "Sessions", as the footer says: not the history
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home")
        assert [type(s).__name__ for s in app.screen_stack[1:]] == ["HomeScreen"]


def prompt(question: QuestionScreen) -> str:
    """The question screen's prompt, as it holds it."""
    return str(question.query_one("#question-prompt", Static).content)


def rendered_palette(app) -> str:
    from textual.command import CommandList

    lists = app.screen.query(CommandList)
    if not lists:
        return ""
    options = lists.first()
    return "\n".join(str(options.get_option_at_index(i).prompt)
                     for i in range(options.option_count))


async def test_history_fits_80_by_24(session: Session) -> None:
    first = await session.complete()
    branch = await session.rewind(first, "resources", "Just me")
    async with session.app().run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot, branch)
        tree = screen.query_one(Tree)
        detail = screen.query_one("#history-detail")
        assert tree.size.width >= 34 and detail.size.width >= 30
        assert tree.region.bottom <= 23 and detail.region.right <= 80
        assert "Question 3 · waiting for an answer" in rendered(screen.query_one("#detail-head"))


def test_snapshot_history(session: Session, snap_compare) -> None:
    import asyncio

    first = asyncio.run(session.complete())
    branch = asyncio.run(session.rewind(first, "resources", "Just me"))

    async def run_before(pilot) -> None:
        await open_history(pilot, branch)

    assert snap_compare(session.app(), terminal_size=SIZE, run_before=run_before)


def test_snapshot_history_edit_refused(session: Session, snap_compare) -> None:
    import asyncio

    run_id = asyncio.run(session.complete())
    answer = session.answer_checkpoint(run_id, "objective")

    async def run_before(pilot) -> None:
        screen = await open_history(pilot, run_id)
        await select(pilot, screen, answer.id)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(pilot.app.screen, EditEventScreen), "the form")
        modal = pilot.app.screen
        modal.form.field("objective").input.load_text("")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: modal.form.errors, "the error")

    assert snap_compare(session.app(), terminal_size=SIZE, run_before=run_before)


async def test_an_unknown_run_is_a_notification_and_back_home(session: Session) -> None:
    app = session.app()
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "the home screen")
        app.open_history("no-such-run")
        await until(pilot, lambda: said(app, "no run no-such-run; it may have been deleted"),
                    "the notification")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home again")


class BrittleGather(GatherFlow):
    """The gather flow, but its resources step fails on "boom"."""

    name = "gather"

    @step
    async def gather_resources(self, ctx: Context, ev: ResourcesEvent) -> ApproachEvent:
        if ev.resources == "boom":
            raise RuntimeError("the resources step broke")
        return await super().gather_resources(ctx, ev)


async def test_a_branch_whose_step_fails_is_shown_with_its_error(session: Session) -> None:
    run_id = await session.complete()
    answer = session.answer_checkpoint(run_id, "resources")
    app = session.app()
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "the home screen")
        app.checkpointer("gather").workflow = BrittleGather()
        screen = await open_history(pilot, run_id)
        await select(pilot, screen, answer.id)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EditEventScreen), "the edit form")
        app.screen.form.field("resources").input.load_text("boom")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen and screen.run_id != run_id
                    and "failed" in " ".join(outline(screen.query_one(Tree))), "the history again")
        failed = screen.run_id
        assert failed != run_id
        await until(pilot, lambda: said(
            app, "The new run failed in a step: RuntimeError: the resources step broke"),
            "the note")
        assert "  ● branch 2 of 2 · resources changed · failed" in outline(
            screen.query_one(Tree))
        tree = screen.query_one(Tree)
        await pilot.click("#history-tree", offset=(12, node_of(tree, failed).line
                                                   - round(tree.scroll_offset.y)))
        await until(pilot, lambda: "Error: RuntimeError: the resources step broke" in " ".join(
            rendered(screen.query_one("#detail-body", Static)).split()), "the run's error")
