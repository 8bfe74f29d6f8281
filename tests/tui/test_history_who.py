"""The history screen as the people who answer read it: who gave and who changed
each answer and when, what each branch changed, two branches compared, and the
engine's words one key away. Two people answer and change one session on one
store; their names, markup and all, are shown as text."""

from __future__ import annotations

import pytest
from textual.widgets import Static, Tree

from hitl import WorkflowCheckpointer
from tests.tui.screen_data import Session, rendered, said, until
from tests.tui.test_history import node_of, open_history, outline, select
from tui.app.screens.compare import CompareScreen
from tui.app.screens.history import HistoryScreen

SIZE = (100, 30)
ANN = "Ann"
BOB = "Bob [red]B[/red]"
CY = "Cy [b]Ray[/b]"


pytestmark = pytest.mark.usefixtures("utc")  # times shown in UTC


def as_(session: Session, author: str) -> WorkflowCheckpointer:
    """The session's flow on its store, answered by ``author``."""
    return WorkflowCheckpointer(workflow=session.ckptr.workflow, store=session.store,
                                clock=session.clock, new_id=session.new_id, author=author)


async def shared(session: Session) -> tuple[str, str, str]:
    """Ann answers the first two questions, Bob the others; Cy changes Ann's
    objective (a second branch), and Bob changes Cy's resources there (a third).
    The three runs."""
    ann, bob, cy = as_(session, ANN), as_(session, BOB), as_(session, CY)
    handler = ann.run()
    await handler
    run = handler.run_id
    await ann.answer(run, objective="Ship v2")
    await ann.answer(run, resources="Two people")
    await bob.answer(run, approach="Small steps")
    await bob.answer(run, notes="")
    second = await change(cy, session, run, "objective", "Ship v3")
    await cy.answer(second, resources="Three people")
    third = await change(bob, session, second, "resources", "Four people")
    return run, second, third


async def change(ckptr: WorkflowCheckpointer, session: Session, run: str, field: str,
                 value: str) -> str:
    checkpoint = session.answer_checkpoint(run, field)
    checkpoint.output_event = checkpoint.output_event.model_copy(update={field: value})
    handler = ckptr.run_from(checkpoint)
    await handler
    return handler.run_id


async def test_each_answer_says_who_gave_it_and_each_branch_what_it_changed(
    session: Session,
) -> None:
    _, second, third = await shared(session)
    async with session.app().run_test(size=SIZE) as pilot:
        screen = await open_history(pilot, third)
        tree = screen.query_one(Tree)
        assert rendered(screen.query_one("#history-heading")) .strip() == "Branches and answers"
        assert outline(tree) == [
            "branch 1 of 3 · the first · completed",
            "  1 Objective: Ship v2 · Ann",
            "  branch 2 of 3 · objective changed · waiting",
            "    1 ✎ Objective: Ship v3 · Cy [b]Ray[/b]",
            "    2 Resources: Three people · Cy [b]Ray[/b]",
            "    ● branch 3 of 3 · resources changed · waiting",  # the one opened
            "      2 ✎ Resources: Four people · Bob [red]B[/red]",
            "      3 Approach: waiting for an answer",
            "    3 Approach: waiting for an answer",
            "  2 Resources: Two people · Ann",
            "  3 Approach: Small steps · Bob [red]B[/red]",
            "  4 Notes: (no answer) · Bob [red]B[/red]",
            "  ✓ Result",
        ]
        # What is shown is what a person sees: the names as typed, with the time.
        shown = rendered(tree)
        assert "Cy [b]Ray[/b] 09:" in shown and "Bob [red]B[/red] 09:" in shown
        # A changed answer: the question, the answer, who changed it, and what it was.
        changed = session.ckptr.checkpoints[third][0]
        await select(pilot, screen, changed.id)
        head = rendered(screen.query_one("#detail-head", Static))
        body = rendered(screen.query_one("#detail-body", Static))
        assert head.splitlines()[0] == "Question 2 · changed by Bob [red]B[/red]"
        flat = " ".join(head.split())
        assert "2026-01-05 09:07:30 · branch 3 of 3 · resources changed" in flat
        assert body.splitlines()[:3] == ["What resources do you have available?", "",
                                         "Four people"]
        assert "Before" in body and "Three people" in body
        # A branch: its number, what it changed, who started it, where it forked.
        await select_run(pilot, screen, second)
        head = rendered(screen.query_one("#detail-head", Static))
        body = " ".join(rendered(screen.query_one("#detail-body", Static)).split())
        assert head.splitlines()[0] == "Branch 2 of 3 · objective changed"
        assert "Started by Cy [b]Ray[/b]" in body
        assert "Branched from question 1 (Objective) of branch 1" in body


async def select_run(pilot, screen: HistoryScreen, run_id: str) -> None:
    tree = screen.query_one(Tree)
    target = node_of(tree, run_id).line
    while tree.cursor_line != target:
        await pilot.press("up" if tree.cursor_line > target else "down")
    await pilot.pause()


def footer_of(screen: HistoryScreen) -> str:
    """The keys the footer shows, as a person reads them."""
    return "  ".join(" ".join(rendered(key).split()) for key in screen.query("FooterKey"))


async def test_t_shows_the_engines_words_and_t_again_the_answers(session: Session) -> None:
    run, _, third = await shared(session)
    app = session.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot, third)
        tree = screen.query_one(Tree)
        footer = footer_of(screen)
        assert "t Technical" in footer and "Answers" not in footer
        assert not any("Event" in line or "gather_" in line for line in outline(tree))
        answer = session.answer_checkpoint(run, "resources")
        await select(pilot, screen, answer.id)
        await pilot.press("t")
        await until(pilot, lambda: outline(tree)[0].startswith("run "), "the technical view")
        assert "  3 answer (human) → ResourcesEvent" in outline(tree)
        assert tree.cursor_node is node_of(tree, answer.id)  # the same checkpoint stays picked
        await until(pilot, lambda: "State (ctx_state)" in rendered(
            screen.query_one("#detail-body", Static)), "its events and state")
        assert "by Ann" in rendered(screen.query_one("#detail-head", Static))
        assert "t Answers" in footer_of(screen)
        await pilot.press("t")
        await until(pilot, lambda: outline(tree)[0].startswith("branch "), "the answers")
        assert tree.cursor_node is node_of(tree, answer.id)
        assert "t Technical" in footer_of(screen)


async def test_compare_two_branches_picked_one_after_the_other(session: Session) -> None:
    run, _, third = await shared(session)
    app = session.app()
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        screen = await open_history(pilot, third)
        await select_run(pilot, screen, run)
        await pilot.press("c")
        await until(pilot, lambda: said(app, "Picked branch 1 of 3 · the first to compare"),
                    "the note")
        marked = "◆ branch 1 of 3 · the first · completed (to compare)"
        assert marked in outline(screen.query_one(Tree))
        await select_run(pilot, screen, third)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CompareScreen)
                    and app.screen.rows is not None, "the comparison")
        compare = app.screen
        head = " ".join(rendered(compare.query_one("#compare-head", Static)).split())
        body = rendered(compare.query_one("#compare-rows", Static))
        assert head == ("Branch 1 of 3 · the first and branch 3 of 3 · resources changed "
                        "Of 4 answers: 2 changed, 2 only on branch 1; marked ●")
        assert body.splitlines() == [
            "What is your main objective?",
            "● Objective changed",
            "  branch 1 (Ann): Ship v2",
            "  branch 3 (Cy [b]Ray[/b]): Ship v3",
            "",
            "What resources do you have available?",
            "● Resources changed",
            "  branch 1 (Ann): Two people",
            "  branch 3 (Bob [red]B[/red]): Four people",
            "",
            "What approach will you take?",
            "● Approach only on branch 1",
            "  branch 1 (Bob [red]B[/red]): Small steps",
            "  branch 3: not answered",
            "",
            "Any additional notes?",
            "● Notes only on branch 1",
            "  branch 1 (Bob [red]B[/red]): (no answer)",
            "  branch 3: not answered",
        ]
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen, "the history again")
        assert not any("to compare" in line for line in outline(screen.query_one(Tree)))


async def test_compare_with_two_branches_needs_no_picking(session: Session) -> None:
    first = await session.complete()
    await session.rewind(first, "resources", "Just me")
    app = session.app()
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot, first)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CompareScreen)
                    and app.screen.rows is not None, "the comparison")
        body = rendered(app.screen.query_one("#compare-rows", Static))
        assert "● Resources changed" in body and "  branch 2 (unknown): Just me" in body
        assert "= Objective (unknown): Ship v2 [red]x[/red]" in body


async def test_compare_indents_the_lines_of_a_long_answer_under_its_label(
    session: Session,
) -> None:
    first = await session.complete(resources="Two people\na test rig")
    await session.rewind(first, "resources", "Two people\na test rig\nand a budget")
    app = session.app()
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot, first)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CompareScreen)
                    and app.screen.rows is not None, "the comparison")
        body = rendered(app.screen.query_one("#compare-rows", Static)).splitlines()
        at = body.index("● Resources changed")
        assert body[at + 1:at + 6] == [
            "  branch 1 (unknown): Two people",
            "    a test rig",
            "  branch 2 (unknown): Two people",
            "    a test rig",
            "    and a budget",
        ]


async def test_compare_in_a_session_of_one_branch_says_there_is_nothing_to(
    session: Session,
) -> None:
    run_id = await session.complete()
    app = session.app()
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        await open_history(pilot, run_id)
        await pilot.press("c")
        await until(pilot, lambda: said(app, "This session has one branch"), "the note")
        assert isinstance(app.screen, HistoryScreen)


async def test_the_review_says_who_gave_each_answer_and_when(session: Session) -> None:
    from tests.tui.test_review import items, open_review, texts

    run, _, _ = await shared(session)
    async with session.app().run_test(size=SIZE) as pilot:
        screen = await open_review(pilot, run)
        shown = [texts(item) for item in items(screen)[:4]]
        assert [lines[2].split(" · ")[0] for lines in shown] == [
            "answered by Ann", "answered by Ann", "answered by Bob [red]B[/red]",
            "answered by Bob [red]B[/red]",
        ]
        assert shown[0][2].startswith("answered by Ann · 2026-01-05 09:")


async def test_a_branch_made_on_another_says_which(session: Session) -> None:
    """Changing answer 1 while on branch 2 makes branch 3 from the first run's
    answer; its detail says it was made while on branch 2, whose answers it offered."""
    run, second, _ = await shared(session)
    checkpoint = session.answer_checkpoint(run, "objective")
    checkpoint.output_event = checkpoint.output_event.model_copy(update={"objective": "Later"})
    made = session.ckptr.run_from(checkpoint, made_from=second)
    await made
    async with session.app().run_test(size=SIZE) as pilot:
        screen = await open_history(pilot, made.run_id)
        await select_run(pilot, screen, made.run_id)
        body = " ".join(rendered(screen.query_one("#detail-body", Static)).split())
        assert "Branched from question 1 (Objective) of branch 1" in body
        assert "Made while on branch 2: its later answers were offered here" in body
        await select_run(pilot, screen, second)
        body = " ".join(rendered(screen.query_one("#detail-body", Static)).split())
        assert "Made while" not in body  # made on the run it branched from: said once
