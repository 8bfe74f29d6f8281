"""Branching from every screen behaves alike: a change from the review, the history
or back-and-change fills in the later questions from the earlier branch and says
"check it"; the question screen says which branch it is on; "Branch from here"
stores nothing until the person answers."""

from __future__ import annotations

import pytest
from textual.widgets import ListView, Static, TextArea

from tests.tui.helpers import text_of
from tests.tui.screen_data import (
    ANSWERS,
    Session,
    question_shown,
    rendered,
    until,
)
from tests.tui.test_history import open_history, select
from tui.app.screens.edit_event import EditEventScreen
from tui.app.screens.home import HomeScreen
from tui.app.screens.question import QuestionScreen
from tui.app.screens.review import ReviewScreen
from tui.sessions.branching import branch_label

SIZE = (100, 30)
CHECK_IT = "Filled in from your answer on the earlier branch — check it."


pytestmark = pytest.mark.usefixtures("utc")  # times shown in UTC


def on_screen(question: QuestionScreen) -> tuple[str, str, str, str]:
    """The question's prompt, what its field holds, the note and the branch label."""
    return (
        rendered(question.query_one("#question-prompt", Static)).strip(),
        question.form.query_one(TextArea).text,
        text_of(question.query_one("#question-note", Static)),
        rendered(question.query_one("#branch-label", Static)).strip(),
    )


async def test_a_change_from_the_review_fills_in_the_later_answers(session: Session) -> None:
    run_id = await session.complete()
    app = session.app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home")
        app.open_review(run_id)
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.review,
                    "the review")
        answers = app.screen.query_one(ListView)
        await pilot.press("down")  # the resources answer
        await until(pilot, lambda: answers.index == 1, "the second answer")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, EditEventScreen), "the edit form")
        app.screen.form.fields[0].input.load_text("Only me")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: question_shown(app.screen), "the next question")
        assert on_screen(app.screen) == (
            "What approach will you take?", ANSWERS["approach"], CHECK_IT,
            "branch 2 of 2 · resources changed",
        )


async def test_a_change_from_the_history_fills_in_the_later_answers(session: Session) -> None:
    run_id = await session.complete()
    objective = session.answer_checkpoint(run_id, "objective")
    app = session.app()
    async with app.run_test(size=SIZE) as pilot:
        history = await open_history(pilot, run_id)
        await select(pilot, history, objective.id)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EditEventScreen), "the edit form")
        app.screen.form.fields[0].input.load_text("Ship v3")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: question_shown(app.screen), "the next question")
        assert on_screen(app.screen) == (
            "What resources do you have available?", ANSWERS["resources"], CHECK_IT,
            "branch 2 of 2 · objective changed",
        )


async def test_a_change_on_a_branch_fills_in_that_branchs_answers(session: Session) -> None:
    """Back to answer 1 on branch 2 (which changed the approach): the approach
    offered is branch 2's, though answer 1 is the first run's."""
    first = await session.complete()
    second = await session.rewind(first, "approach", "Pair on it")
    app = session.app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home")
        app.open_question(second)
        await until(pilot, lambda: question_shown(app.screen), "the notes question")
        screen = app.screen
        for _ in range(3):
            await pilot.press("ctrl+b")
            await pilot.pause()
        assert screen.shown is not None and screen.shown.number == 1
        screen.form.query_one(TextArea).load_text("Ship v3")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.run_id not in (first, second) and question_shown(screen),
                    "the next question, on a new branch")
        await pilot.press("ctrl+s")  # the resources, as filled in
        await until(pilot, lambda: question_shown(screen) and screen.shown.number == 3,
                    "the approach question")
        assert on_screen(screen) == (
            "What approach will you take?", "Pair on it", CHECK_IT,
            "branch 3 of 3 · objective changed",
        )


async def test_a_change_from_a_branchs_review_fills_in_that_branchs_answers(
    session: Session,
) -> None:
    first = await session.complete()
    second = await session.rewind(first, "approach", "Pair on it")
    await session.ckptr.answer(second, notes="")
    app = session.app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home")
        app.open_review(second)
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.review,
                    "the review")
        await pilot.press("enter")  # answer 1, the first run's
        await until(pilot, lambda: isinstance(app.screen, EditEventScreen), "the edit form")
        app.screen.form.fields[0].input.load_text("Ship v3")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: question_shown(app.screen), "the next question")
        screen = app.screen
        await pilot.press("ctrl+s")  # the resources, as filled in
        await until(pilot, lambda: question_shown(screen) and screen.shown.number == 3,
                    "the approach question")
        assert on_screen(screen)[1:3] == ("Pair on it", CHECK_IT)


def test_the_branch_label_says_which_branch_and_what_changed() -> None:
    assert branch_label(1, 1) == ""  # a session of one run is no branch
    assert branch_label(1, 3) == "branch 1 of 3 · the first"
    assert branch_label(2, 3, ["objective"]) == "branch 2 of 3 · objective changed"
    assert branch_label(3, 3) == "branch 3 of 3 · no answer changed yet"
    assert branch_label(0, 2) == "new branch · kept when you answer"
