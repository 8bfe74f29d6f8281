"""The question screen under Pilot: answer, refuse, go back, branch, reload, resume."""

from __future__ import annotations

from textual.widgets import OptionList, Static, TextArea

from flows.gather import GatherFlow
from hitl import COMPLETED, HUMAN, WAITING, SqliteStore, WorkflowCheckpointer
from tests.tui.helpers import (
    answer,
    home,
    in_thread,
    prompt,
    question,
    seed_gather,
    text_of,
)
from tests.tui.screen_data import rendered, said, until
from tui.app import make_app
from tui.app.screens.confirm import ConfirmScreen
from tui.app.screens.home import HomeScreen
from tui.app.screens.question import MOVED_ON, QuestionScreen
from tui.app.widgets.answers_panel import AnswersPanel

SIZE = (100, 30)


def answers_of(ckptr: WorkflowCheckpointer, run_id: str) -> list[dict[str, object]]:
    return [
        c.output_event.answers()  # type: ignore[attr-defined]
        for c in ckptr.lineage(run_id)
        if c.last_completed_step == HUMAN
    ]


async def test_answer_a_whole_gather_flow(sqlite, fixed):
    app = make_app(sqlite, open_flow="gather", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        screen = await question(pilot, 1)
        assert prompt(screen) == "What is your main objective?"
        assert text_of(screen.query_one("#progress-label", Static)) == "Question 1 of 4"
        await answer(pilot, "Ship v2", 1)
        assert prompt(screen) == "What resources do you have available?"
        assert text_of(screen.query_one("#progress-label", Static)) == "Question 2 of 4"
        await answer(pilot, "Two people", 2)
        await answer(pilot, "Small steps", 3)
        await answer(pilot, "", 4)  # notes are optional
        await until(pilot, lambda: not isinstance(pilot.app.screen, QuestionScreen))
        runs = app.checkpointer("gather").runs()
        assert [r.status for r in runs] == [COMPLETED]
        assert answers_of(app.checkpointer("gather"), runs[0].run_id) == [
            {"objective": "Ship v2"}, {"resources": "Two people"},
            {"approach": "Small steps"}, {"notes": ""},
        ]


async def test_the_footer_shows_back_once_there_is_an_answer_and_keeps_its_keys(sqlite, fixed):
    app = make_app(sqlite, open_flow="gather", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        screen = await question(pilot, 1)

        def shown() -> list[str]:
            return [key.description for key in screen.query("Footer FooterKey")]

        await until(pilot, lambda: "Continue" in shown())
        assert "Back" not in shown()  # nothing to go back to yet
        await answer(pilot, "Ship v2", 1)
        await until(pilot, lambda: "Back" in shown())
        keys = list(screen.query("Footer FooterKey"))
        await pilot.press("tab")  # from the answer to the Back button: the same keys
        await pilot.pause()
        assert screen.focused is screen.query_one("#back-button")
        assert list(screen.query("Footer FooterKey")) == keys  # kept, not mounted again


async def test_an_invalid_answer_shows_its_message_beside_the_field_and_stores_nothing(
    sqlite, fixed
):
    app = make_app(sqlite, open_flow="gather", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        screen = await question(pilot, 1)
        run_id = screen.run_id
        stored = len(app.checkpointer("gather").checkpoints[run_id])
        await pilot.press("ctrl+s")
        await pilot.pause()
        form = screen.form
        field = form.field("objective")
        assert form.errors == {"objective": "an answer is required"}
        assert text_of(field.query_one(".field-error", Static)) == "✗ an answer is required"
        assert field.query_one(".field-error").display
        assert field.has_class("-invalid")
        assert screen.shown is not None and screen.shown.number == 1
        assert len(app.checkpointer("gather").checkpoints[run_id]) == stored
        # typing clears the message; a good answer goes through
        await pilot.press("x")
        assert form.errors == {}
        await answer(pilot, "", 1)
        assert screen.shown is not None and screen.shown.number == 2


async def test_a_too_long_answer_is_refused_by_the_engines_own_rule(sqlite, fixed):
    app = make_app(sqlite, open_flow="gather", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        screen = await question(pilot, 1)
        screen.form.query_one(TextArea).text = "x" * 2001
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.form.errors == {
            "objective": "at most 2000 characters, got 2001"
        }
        assert len(app.checkpointer("gather").checkpoints[screen.run_id]) == 1


async def test_back_change_and_continue_on_a_new_branch(sqlite, fixed):
    app = make_app(sqlite, open_flow="gather", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        await answer(pilot, "Ship v2", 1)
        await answer(pilot, "Two people", 2)
        screen = await question(pilot, 3)
        old_run = screen.run_id
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert screen.shown is not None and screen.shown.number == 2
        area = screen.form.query_one(TextArea)
        assert area.text == "Two people"  # the previous answer, filled in
        assert "new branch" in text_of(screen.query_one("#question-note", Static))
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert screen.form.query_one(TextArea).text == "Ship v2"
        await pilot.press(*" now")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.run_id != old_run and not screen.busy)
        ckptr = app.checkpointer("gather")
        runs = {r.run_id: r for r in ckptr.runs()}
        assert set(runs) == {old_run, screen.run_id}
        new = runs[screen.run_id]
        first_answer = next(
            c for c in ckptr.checkpoints[old_run] if c.last_completed_step == HUMAN
        )
        assert new.branched_from == first_answer.id
        assert runs[old_run].status == WAITING  # the old branch is kept as it was
        assert answers_of(ckptr, old_run) == [{"objective": "Ship v2"}, {"resources": "Two people"}]
        # the new branch asks question 2 again, offering the earlier answer
        assert screen.shown is not None and screen.shown.number == 2
        assert screen.form.query_one(TextArea).text == "Two people"
        assert "earlier branch" in text_of(screen.query_one("#question-note", Static))
        panel = screen.query_one(AnswersPanel)
        assert panel.texts[0] == "1  Objective\nShip v2 now"


async def test_back_and_forward_unchanged_makes_no_branch(sqlite, fixed):
    app = make_app(sqlite, open_flow="gather", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        await answer(pilot, "Ship v2", 1)
        await answer(pilot, "Two people", 2)
        screen = await question(pilot, 3)
        await pilot.press(*"half typed")
        await pilot.press("ctrl+b", "ctrl+b")
        await pilot.pause()
        assert screen.shown is not None and screen.shown.number == 1
        await pilot.press("ctrl+s")  # unchanged: forward, same run
        await pilot.pause()
        assert screen.shown is not None and screen.shown.number == 2
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.shown is not None and screen.shown.number == 3
        assert screen.shown.answer_index is None
        assert screen.form.query_one(TextArea).text == "half typed"  # the draft came back
        assert len(app.checkpointer("gather").runs()) == 1


async def test_the_side_panel_jumps_back_to_an_answer(sqlite, fixed):
    app = make_app(sqlite, open_flow="gather", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        await answer(pilot, "Ship v2", 1)
        await answer(pilot, "Two people", 2)
        screen = await question(pilot, 3)
        panel = screen.query_one(AnswersPanel)
        assert panel.texts == [
            "1  Objective\nShip v2", "2  Resources\nTwo people", "3  Approach\nto answer",
        ]
        await pilot.click("#answers-list", offset=(3, 0))  # the first answer's line
        await pilot.pause()
        assert screen.shown is not None and screen.shown.number == 1
        assert screen.form.query_one(TextArea).text == "Ship v2"


async def test_markup_in_an_answer_is_shown_as_text(sqlite, fixed):
    app = make_app(sqlite, open_flow="gather", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        await answer(pilot, "[red]x[/red] [b]bold", 1)
        screen = await question(pilot, 2)
        listing = screen.query_one("#answers-list", OptionList)
        assert listing.get_option_at_index(0).prompt.plain == "1  Objective\n[red]x[/red] [b]bold"
        await pilot.press("escape")
        home_screen = await home(pilot)
        table = home_screen.query_one("#sessions")
        assert table.get_row_at(0)[0].plain == "[red]x[/red] [b]bold"


async def test_another_process_moved_the_session_on_so_it_reloads(sqlite, fixed, db):
    # Not following the store: the screen finds out as it sends (the live case is
    # tests/tui/test_follow.py)
    app = make_app(sqlite, open_flow="gather", follow=False, **fixed.options())
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        screen = await question(pilot, 1)
        run_id = screen.run_id
        elsewhere = WorkflowCheckpointer(GatherFlow(), SqliteStore(db))

        def answer_elsewhere() -> None:
            seed = elsewhere.pending_question(run_id)
            assert seed is not None
            handler = elsewhere.answer(run_id, at=seed[0].id, objective="From the other window")
            import asyncio

            asyncio.run(_wait(handler))

        await in_thread(answer_elsewhere)
        await pilot.press(*"Mine")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.shown is not None and screen.shown.number == 2
                    and not screen.busy)
        # The submit finds the question answered (MOVED_ON), unless the app's
        # following of the store saw the answer first (a busy machine): either says so.
        await until(pilot, lambda: said(app, MOVED_ON) or said(app, "Answered elsewhere"))
        panel = screen.query_one(AnswersPanel)
        assert panel.texts[0] == "1  Objective\nFrom the other window"
        assert answers_of(app.checkpointer("gather"), run_id) == [
            {"objective": "From the other window"}
        ]


async def _wait(handler):
    return await handler


async def test_quit_mid_session_and_resume_in_a_new_app(db, fixed):
    store = SqliteStore(db)
    app = make_app(store, open_flow="gather", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        await answer(pilot, "Ship v2", 1)
        await answer(pilot, "Two people", 2)
        screen = await question(pilot, 3)
        run_id = screen.run_id
        await pilot.press("ctrl+q")
    store.close()

    store = SqliteStore(db)
    try:
        again = make_app(store, **fixed.options())
        async with again.run_test(size=SIZE) as pilot:
            home_screen = await home(pilot)
            assert home_screen.query_one("#sessions").row_count == 1
            await pilot.press("enter")  # the cursor is on the session to continue
            screen = await question(pilot, 3)
            assert screen.run_id == run_id
            assert prompt(screen) == "What approach will you take?"
            assert screen.query_one(AnswersPanel).texts[:2] == [
                "1  Objective\nShip v2", "2  Resources\nTwo people",
            ]
        resumed = make_app(store, open_run=run_id, **fixed.options())
        async with resumed.run_test(size=SIZE) as pilot:
            screen = await question(pilot, 3)
            assert screen.run_id == run_id
            await pilot.press("escape")
            assert isinstance(await home(pilot), HomeScreen)
    finally:
        store.close()


async def test_a_completed_session_opens_its_review(sqlite, fixed):
    ckptr = WorkflowCheckpointer(GatherFlow(), sqlite, clock=fixed.clock, new_id=fixed.new_id)
    view = await in_thread(lambda: seed_gather(ckptr, "a", "b", "c"))
    app = make_app(sqlite, open_run=view.run_id, **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        await answer(pilot, "last", 4)
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "ReviewScreen")


async def test_typed_text_survives_leaving_the_question_and_quit_asks_about_it(sqlite, fixed):
    app = make_app(sqlite, open_flow="gather", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        screen = await question(pilot, 1)
        await pilot.press(*"half an answer")
        await pilot.press("escape")
        await home(pilot)
        await pilot.press("enter")
        screen = await question(pilot, 1)
        assert screen.form.query_one(TextArea).text == "half an answer"
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("escape")  # keep answering
        await until(pilot, lambda: app.screen is screen)
        assert app.is_running
        await pilot.press("ctrl+q", "y")
        await until(pilot, lambda: not app.is_running)


async def test_continue_says_which_step_runs_while_a_slow_one_does(sqlite, fixed, model_server,
                                                                  monkeypatch):
    """A step asking a language model takes seconds: the screen says, in the flow's
    words, which step is at work (the joke, then its critique), takes no second
    submit, then shows what came of it."""
    from threading import Event

    from tests.fake_model import completion

    joke, critique = Event(), Event()
    held = iter([(joke, "A joke about cats."), (critique, "A fine joke.")])

    def slow(body: object):
        release, text = next(held)
        release.wait(30)
        return completion(text)

    model_server.answer = slow
    monkeypatch.setenv("OPENAI_BASE_URL", model_server.url)
    app = make_app(sqlite, open_flow="joke", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        screen = await question(pilot, 1)
        button = screen.query_one("#continue-button")
        assert str(button.label) == "Continue ›"
        await pilot.press(*"cats", "enter")
        note = screen.query_one("#working-note")

        def shown(widget) -> str:
            return " ".join(rendered(widget).split()) if widget.display else ""

        await until(pilot, lambda: str(button.label) == "Working…", "Continue to say Working…")
        await until(pilot, lambda: shown(note) == "Writing a joke about your topic…",
                    "the note to say the joke is being written")
        assert button.disabled
        await pilot.press("enter")  # a second submit while the step runs stores nothing more
        joke.set()
        await until(pilot, lambda: shown(note) == "Critiquing the joke…",
                    "the note to say the joke is being critiqued")
        assert str(button.label) == "Working…"
        critique.set()
        await until(pilot, lambda: not isinstance(pilot.app.screen, QuestionScreen),
                    "the session to complete")
        runs = app.checkpointer("joke").runs()
        assert [r.status for r in runs] == [COMPLETED]
        assert answers_of(app.checkpointer("joke"), runs[0].run_id) == [{"topic": "cats"}]


async def test_quit_while_a_submitted_answer_moves_on_asks_nothing(sqlite, fixed, model_server,
                                                                  monkeypatch):
    """The answer sent is saved: quitting while its step runs is no answer lost."""
    from threading import Event

    from tests.fake_model import completion

    release = Event()

    def slow(body: object):
        release.wait(30)
        return completion("A joke about cats.")

    model_server.answer = slow
    monkeypatch.setenv("OPENAI_BASE_URL", model_server.url)
    app = make_app(sqlite, open_flow="joke", **fixed.options())
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await question(pilot, 1)
            button = screen.query_one("#continue-button")
            await pilot.press(*"cats", "enter")
            await until(pilot, lambda: str(button.label) == "Working…", "the step to run")
            await pilot.press("ctrl+q")
            await until(pilot, lambda: not app.is_running or isinstance(app.screen, ConfirmScreen),
                        "the app to quit, or to ask")
            assert not isinstance(app.screen, ConfirmScreen)
            release.set()
    finally:
        release.set()
    (run,) = app.checkpointer("joke").runs()
    assert answers_of(app.checkpointer("joke"), run.run_id) == [{"topic": "cats"}]
