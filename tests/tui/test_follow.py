"""Open screens follow what other people write to the same store, with no key
pressed: the sessions, a history and a review show another process's answer,
branch and delete; the question on screen, answered elsewhere, moves on and
keeps what was typed. On one SQLite file (a second store on it, or a real
second process: ``python -m tui.cli answer``) and on one PostgreSQL server."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from textual.widgets import Static, TextArea, Tree

from flows.gather import GatherFlow
from hitl import CheckpointStore, WorkflowCheckpointer, open_store
from tests import pg
from tests.tui.helpers import home, in_thread, prompt, question, seed_gather, text_of, until
from tests.tui.screen_data import tree_shown
from tui.app import make_app
from tui.app.screens.history import HistoryScreen
from tui.app.screens.question import QuestionScreen
from tui.app.screens.review import ReviewScreen
from tui.app.widgets.typed_offer import TypedOffer
from tui.sessions import run_view
from tui.sessions.session_tree import RunRow

SIZE = (110, 32)


@dataclass
class Shared:
    """One store as two processes see it: the app's ``store``, and another
    writer's (``writer``, a checkpointer on a second store of the same spec)."""

    spec: str
    store: CheckpointStore
    others: list[CheckpointStore] = field(default_factory=list)

    def writer(self) -> WorkflowCheckpointer:
        other = open_store(self.spec)
        self.others.append(other)
        return WorkflowCheckpointer(GatherFlow(), other)

    def hitl(self, *args: str) -> str:
        """``hitl ARGS`` in a process of its own on the store, as Bo; its output."""
        done = subprocess.run(
            [sys.executable, "-m", "tui.cli", "--db", self.spec, "--user", "bo", *args],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout


@pytest.fixture(params=["sqlite", "postgres"])
def shared(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Shared]:
    if request.param == "sqlite":
        spec = str(tmp_path / "team.db")
    else:
        spec = request.getfixturevalue("pg_dsn")
        pg.empty(spec)
    s = Shared(spec, open_store(spec))
    yield s
    for store in [*s.others, s.store]:
        store.close()


def titles(screen: object) -> list[str]:
    return [s.title for s in getattr(screen, "shown", [])]


def runs_shown(screen: object) -> list[str]:
    """The run lines of a history's tree, top down."""
    if not tree_shown(screen):
        return []
    assert isinstance(screen, HistoryScreen)
    tree = screen.query_one(Tree)
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node.data, RunRow):
            found.append(node.data.run_id)
        for child in node.children:
            walk(child)

    walk(tree.root)
    return found


def review_answers(screen: object) -> list[str]:
    if not isinstance(screen, ReviewScreen) or screen.review is None:
        return []
    return [a.event.answers().get(next(iter(a.event.answers())), "") for a in screen.review.answers]


async def test_the_sessions_follow_answers_new_sessions_and_deletes_elsewhere(shared: Shared):
    writer = shared.writer()
    first = await in_thread(lambda: seed_gather(writer))
    app = make_app(shared.store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await home(pilot)
        assert titles(screen) == [""]
        await in_thread(lambda: shared.hitl("answer", first.run_id, "--set", "objective=Ship v3"))
        await until(pilot, lambda: titles(screen) == ["Ship v3"])
        await in_thread(lambda: seed_gather(writer, "Second"))
        await until(pilot, lambda: titles(screen) == ["Second", "Ship v3"])
        await in_thread(lambda: shared.hitl("delete", first.run_id))
        await until(pilot, lambda: titles(screen) == ["Second"])
        assert app.screen is screen


async def test_a_history_follows_a_branch_made_and_deleted_elsewhere(shared: Shared):
    writer = shared.writer()
    root = await in_thread(lambda: seed_gather(writer, "a", "b"))
    app = make_app(shared.store)
    async with app.run_test(size=SIZE) as pilot:
        await home(pilot)
        app.open_history(root.run_id)
        await until(pilot, lambda: runs_shown(app.screen) == [root.run_id])
        screen = app.screen

        def branch() -> str:
            answer = root.answers[0]
            edited = answer.event.model_copy(update={"objective": "a, changed elsewhere"})
            return run_view.change_answer(
                writer, answer.checkpoint_id, edited, on=root.run_id
            ).run_id

        new = await in_thread(branch)
        await until(pilot, lambda: runs_shown(screen) == [root.run_id, new])
        await in_thread(lambda: shared.hitl("delete", new))
        await until(pilot, lambda: runs_shown(screen) == [root.run_id])
        assert app.screen is screen


async def test_a_review_follows_an_answer_given_elsewhere(shared: Shared):
    writer = shared.writer()
    run = await in_thread(lambda: seed_gather(writer, "a", "b"))
    app = make_app(shared.store)
    async with app.run_test(size=SIZE) as pilot:
        await home(pilot)
        app.open_review(run.run_id)
        await until(pilot, lambda: review_answers(app.screen) == ["a", "b"])
        screen = app.screen
        await in_thread(lambda: shared.hitl("answer", run.run_id, "--set", "approach=c"))
        await until(pilot, lambda: review_answers(screen) == ["a", "b", "c"])


# -- the question on screen, answered elsewhere -------------------------------------------


def offer_text(screen: object) -> str:
    """What the note of a question answered elsewhere says ("" while hidden)."""
    if not isinstance(screen, QuestionScreen):
        return ""
    offer = screen.query_one(TypedOffer)
    return text_of(offer.query_one("#offer-text", Static)) if offer.display else ""


def answers_stored(ckptr: WorkflowCheckpointer, run_id: str) -> list[str]:
    view = run_view.load_run(ckptr, run_id)
    return [next(iter(a.event.answers().values())) for a in view.answers]


async def bo_answers_first(shared: Shared, pilot, run_id: str, typed: str) -> QuestionScreen:
    """Ann types ``typed`` into question 1; Bo answers it first, in another process;
    the screen says so. The question screen, on question 2."""
    screen = await question(pilot, 1)
    await pilot.press(*typed)
    await in_thread(lambda: shared.hitl("answer", run_id, "--set", "objective=Theirs"))
    await until(pilot, lambda: "bo answered question 1" in offer_text(screen)
                and screen.shown is not None and screen.shown.number == 2)
    return screen


def said_when(writer: WorkflowCheckpointer, run_id: str) -> str:
    """When Bo's answer was stored, as the screen says it (local time)."""
    answer = run_view.load_run(writer, run_id).answers[0]
    return f"{writer.get_checkpoint(answer.checkpoint_id).created_at.astimezone():%H:%M}"


async def test_a_question_answered_elsewhere_says_who_what_when_and_moves_on(shared: Shared):
    writer = shared.writer()
    run = await in_thread(lambda: seed_gather(writer))
    app = make_app(shared.store, open_run=run.run_id, author="ann")
    async with app.run_test(size=SIZE) as pilot:
        screen = await bo_answers_first(shared, pilot, run.run_id, "Mine")
        text = offer_text(screen)
        assert f"bo answered question 1 at {said_when(writer, run.run_id)}: “Theirs”" in text
        assert "Yours was not sent: “Mine”" in text
        assert prompt(screen) == "What resources do you have available?"
        assert screen.form.query_one(TextArea).text == ""  # their answer stands, mine waits
        # Use it for this question: it goes into question 2, and is sent from there.
        await pilot.press("ctrl+o")
        await until(pilot, lambda: screen.form.query_one(TextArea).text == "Mine")
        assert offer_text(screen) == ""
        await pilot.press("ctrl+s")
        await question(pilot, 3)
    assert await in_thread(lambda: answers_stored(writer, run.run_id)) == ["Theirs", "Mine"]


async def test_what_was_typed_can_start_a_branch_or_be_discarded(shared: Shared):
    writer = shared.writer()
    run = await in_thread(lambda: seed_gather(writer))
    app = make_app(shared.store, open_run=run.run_id, author="ann")
    async with app.run_test(size=SIZE) as pilot:
        screen = await bo_answers_first(shared, pilot, run.run_id, "Mine")
        await pilot.click("#offer-branch")
        await until(pilot, lambda: screen.run_id != run.run_id and not screen.busy
                    and screen.shown is not None and screen.shown.number == 2)
        branch = screen.run_id
    assert await in_thread(lambda: answers_stored(writer, branch)) == ["Mine"]
    assert await in_thread(lambda: answers_stored(writer, run.run_id)) == ["Theirs"]

    other = await in_thread(lambda: seed_gather(writer))
    app = make_app(shared.store, open_run=other.run_id, author="ann")
    async with app.run_test(size=SIZE) as pilot:
        screen = await bo_answers_first(shared, pilot, other.run_id, "Dropped")
        await pilot.click("#offer-discard")
        await until(pilot, lambda: offer_text(screen) == "")
        await pilot.press("ctrl+b")  # their answer, not the text discarded
        await until(pilot, lambda: screen.shown is not None and screen.shown.number == 1)
        assert screen.form.query_one(TextArea).text == "Theirs"
    assert await in_thread(lambda: answers_stored(writer, other.run_id)) == ["Theirs"]


async def test_a_submit_that_comes_second_stores_nothing_and_keeps_the_text(shared: Shared):
    """Not following the store, the screen finds out as it sends."""
    writer = shared.writer()
    run = await in_thread(lambda: seed_gather(writer))
    app = make_app(shared.store, open_run=run.run_id, author="ann", follow=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await question(pilot, 1)
        await pilot.press(*"Mine")
        await in_thread(lambda: shared.hitl("answer", run.run_id, "--set", "objective=Theirs"))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Yours was not sent: “Mine”" in offer_text(screen))
        assert "bo answered question 1" in offer_text(screen)
        assert screen.shown is not None and screen.shown.number == 2
    assert await in_thread(lambda: answers_stored(writer, run.run_id)) == ["Theirs"]
