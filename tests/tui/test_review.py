"""The review screen: every answer of a run's lineage, each editable (an edit
branches), the result, and export to Markdown and JSON files."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from textual.widgets import ListItem, ListView, Static

from tests.tui.screen_data import (
    ANSWERS,
    Session,
    question_shown,
    rendered,
    said,
    toasts,
    tree_shown,
    until,
)
from tui.app.screens.edit_event import EditEventScreen
from tui.app.screens.home import HomeScreen
from tui.app.screens.review import AnswerItem, ReviewScreen
from tui.sessions.export import export_data, export_markdown

SIZE = (100, 30)
PROMPTS = [
    "What is your main objective?",
    "What resources do you have available?",
    "What approach will you take?",
    "Any additional notes?",
]


pytestmark = pytest.mark.usefixtures("utc")  # times shown in UTC


async def open_review(pilot, run_id: str) -> ReviewScreen:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, HomeScreen), "the home screen")
    app.open_review(run_id)
    await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.review
                and app.screen.query(AnswerItem), "the review")
    return app.screen


def items(screen: ReviewScreen) -> list[ListItem]:
    return list(screen.query_one(ListView).query(ListItem))


def texts(item: ListItem) -> list[str]:
    """What one item shows: its prompt, then its answer, as rendered (without the indent)."""
    return ["\n".join(line.strip() for line in rendered(static).split("\n"))
            for static in item.query(Static)]


async def edit(pilot, screen: ReviewScreen, index: int, value: str) -> None:
    """Pick answer ``index`` with the keyboard, change it and save."""
    answers = screen.query_one(ListView)
    while answers.index != index:
        await pilot.press("down" if (answers.index or 0) < index else "up")
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, EditEventScreen), "the edit form")
    form = pilot.app.screen.form
    form.fields[0].input.load_text(value)
    await pilot.press("ctrl+s")


async def test_review_lists_every_answer_with_its_question_and_the_result(
    session: Session,
) -> None:
    run_id = await session.complete()
    async with session.app().run_test(size=SIZE) as pilot:
        screen = await open_review(pilot, run_id)
        shown = items(screen)
        assert [type(i) for i in shown] == [AnswerItem] * 4 + [ListItem]
        assert [texts(i)[0] for i in shown[:4]] == [
            f"{n}. {prompt}" for n, prompt in enumerate(PROMPTS, start=1)
        ]
        # Answers as text: the stored markup literally; long text wraps; an empty one says so.
        assert texts(shown[0])[1] == "Ship v2 [red]x[/red]"
        resources = texts(shown[1])[1].split("\n")
        assert len(resources) > 1 and " ".join(resources) == ANSWERS["resources"]
        assert texts(shown[2])[1] == "Small steps, each one shipped"
        assert texts(shown[3])[1] == "(no answer)"
        result = " ".join(texts(shown[4])[1].split())
        assert texts(shown[4])[0] == "Result"
        assert '"objective": "Ship v2 [red]x[/red]"' in result
        assert '"approach": "Small steps, each one shipped"' in result
        head = rendered(screen.query_one("#review-head", Static)).strip()
        assert head.startswith(f"Gather a plan · completed · 4 answers · run {run_id}")
        assert screen.query_one(ListView).index == 0 and shown[4].disabled


async def test_review_of_a_branch_shows_the_answers_that_led_to_it(session: Session) -> None:
    first = await session.complete()
    branch = await session.rewind(first, "notes", "Changed [b]notes[/b]")
    assert session.ckptr.get_run(branch).status == "completed"
    async with session.app().run_test(size=SIZE) as pilot:
        screen = await open_review(pilot, branch)
        assert [texts(i)[1] for i in items(screen)[:4]][3] == "Changed [b]notes[/b]"
        assert len(items(screen)) == 5


async def test_editing_an_answer_branches_and_shows_the_next_question(session: Session) -> None:
    run_id = await session.complete()
    origin = session.answer_checkpoint(run_id, "resources")
    before = session.counts()
    app = session.app()
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        screen = await open_review(pilot, run_id)
        await edit(pilot, screen, 1, "Only me")
        await until(pilot, lambda: question_shown(app.screen), "the next question")
        question = app.screen
        assert str(question.query_one("#question-prompt", Static).content) == PROMPTS[2]
        new = question.run_id
        await until(pilot, lambda: said(
            app, "Continuing on a new branch. The run you reviewed is kept in the history."),
            "the note")
        assert not any(isinstance(s, ReviewScreen) for s in app.screen_stack)
    runs = {r.run_id: r for r in session.ckptr.runs()}
    assert set(runs) == {run_id, new}
    assert runs[new].branched_from == origin.id and runs[new].status == "waiting"
    assert session.counts()[0] == before[0]  # the reviewed run is kept as it was
    assert session.ckptr.checkpoints[new][0].output_event.resources == "Only me"


async def test_editing_the_last_answer_completes_and_reviews_the_new_run(
    session: Session,
) -> None:
    run_id = await session.complete()
    app = session.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot, run_id)
        await edit(pilot, screen, 3, "One more thing")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen is not screen
                    and app.screen.review and app.screen.query(AnswerItem), "the new review")
        new = app.screen
        assert new.run_id != run_id
        assert texts(items(new)[3])[1] == "One more thing"
        assert '"notes": "One more thing"' in " ".join(texts(items(new)[4])[1].split())
    info = session.ckptr.get_run(new.run_id)
    assert info.status == "completed" and info.branched_from == session.answer_checkpoint(
        run_id, "notes").id


async def test_saving_an_answer_as_it_was_makes_no_branch_and_says_so(
    session: Session,
) -> None:
    run_id = await session.complete()
    before = session.counts()
    app = session.app()
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        screen = await open_review(pilot, run_id)
        await edit(pilot, screen, 2, ANSWERS["approach"])  # typed again, as it was
        await until(pilot, lambda: app.screen is screen, "the review again")
        await until(pilot, lambda: said(app, "Saved as it was, so no branch was made."),
                    "the note")
        assert texts(items(screen)[2])[1] == ANSWERS["approach"]
    assert session.counts() == before
    assert [r.run_id for r in session.ckptr.runs()] == [run_id]


async def test_an_invalid_edit_in_review_shows_the_error_and_stores_nothing(
    session: Session,
) -> None:
    run_id = await session.complete()
    before = session.counts()
    app = session.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot, run_id)
        await edit(pilot, screen, 0, "   ")
        modal = app.screen
        await until(pilot, lambda: modal.form.errors, "the error")
        assert modal.form.errors == {"objective": "an answer is required"}
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen, "the review again")
    assert session.counts() == before


@pytest.mark.parametrize(("key", "suffix"), [("m", "md"), ("j", "json")])
async def test_export_writes_a_file_and_says_where(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str, suffix: str
) -> None:
    out = tmp_path / "exports"
    monkeypatch.setenv("HITL_EXPORTS", str(out))
    run_id = await session.complete()
    app = session.app()
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        screen = await open_review(pilot, run_id)
        await pilot.press(key)
        await until(pilot, lambda: screen.exported, "the export")
        path = screen.exported[-1]
        assert path == out / f"ship-v2-red-x-red-{run_id[:8]}.{suffix}"  # the session's title
        await until(pilot, lambda: said(app, f"Wrote {path}"), "the note")
    text = path.read_text(encoding="utf-8")
    if suffix == "md":
        assert text == export_markdown(session.ckptr, run_id)
        assert "Ship v2 \\[red\\]x\\[/red\\]" in text
    else:
        data = json.loads(text)
        assert data == export_data(session.ckptr, run_id)
        assert {k: data["answers"][0][k] for k in ("id", "question", "value", "author")} == {
            "id": "objective", "question": PROMPTS[0], "value": "Ship v2 [red]x[/red]",
            "author": None,
        }
        assert data["result"]["approach"] == ANSWERS["approach"]


async def test_a_second_export_never_overwrites_and_the_paths_stay_on_screen(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "exports"
    monkeypatch.setenv("HITL_EXPORTS", str(out))
    run_id = await session.complete()
    first, second = (out / f"ship-v2-red-x-red-{run_id[:8]}{end}" for end in (".md", "-2.md"))
    app = session.app()
    async with app.run_test(size=(220, 30)) as pilot:  # no toasts: the screen itself says it
        screen = await open_review(pilot, run_id)
        shown = screen.query_one("#review-exported", Static)
        await pilot.press("m")
        await until(pilot, lambda: first.exists(), "the export")
        await until(pilot, lambda: " ".join(rendered(shown).split()) == f"Exported to {first}",
                    "the path on screen")
        first.write_text("my own notes, added after", encoding="utf-8")
        await pilot.press("m")
        await until(pilot, lambda: second.exists(), "the second export")
        await until(pilot, lambda: f"Exported to {second}" in " ".join(rendered(shown).split()),
                    "both paths on screen")
        words = " ".join(rendered(shown).split())
        assert words.startswith(f"Exported to {first} Exported to {second}")
        assert "a file had that name already" in words
    assert first.read_text(encoding="utf-8") == "my own notes, added after"  # kept
    assert second.read_text(encoding="utf-8") == export_markdown(session.ckptr, run_id)
    assert {p.name for p in out.iterdir()} == {first.name, second.name}


async def test_export_to_a_folder_that_cannot_be_written_is_a_notification(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the exports folder should be")
    monkeypatch.setenv("HITL_EXPORTS", str(blocker))
    run_id = await session.complete()
    app = session.app()
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        screen = await open_review(pilot, run_id)
        await pilot.press("j")
        await until(pilot, lambda: toasts(app, "error"), "the error")
        (note,) = toasts(app, "error")
        assert note.startswith("Export failed Could not write the export: ")
        assert str(blocker) in note
        assert app.screen is screen and not screen.exported


async def test_bindings_history_and_back(session: Session) -> None:
    run_id = await session.complete()
    app = session.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot, run_id)
        assert {b.id for b in ReviewScreen.BINDINGS} == {  # type: ignore[union-attr]
            "review.edit", "review.export_md", "review.export_json", "review.history",
            "review.back",
        }
        await pilot.press("h")
        await until(pilot, lambda: tree_shown(app.screen), "the history")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen, "the review")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home")


async def test_review_fits_80_by_24_and_a_click_edits(session: Session) -> None:
    run_id = await session.complete()
    app = session.app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(pilot, run_id)
        answers = screen.query_one(ListView)
        assert answers.region.bottom <= 23 and answers.size.width >= 70
        await pilot.click(items(screen)[2])
        await until(pilot, lambda: isinstance(app.screen, EditEventScreen), "the edit form")
        assert app.screen.form.fields[0].input.text == ANSWERS["approach"]


async def test_an_unknown_run_is_a_notification_and_back_home(session: Session) -> None:
    app = session.app()
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "the home screen")
        app.open_review("no-such-run")
        await until(pilot, lambda: said(app, "no run no-such-run; it may have been deleted"),
                    "the notification")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home again")


def test_snapshot_review(session: Session, snap_compare) -> None:
    run_id = asyncio.run(session.complete())

    async def run_before(pilot) -> None:
        await open_review(pilot, run_id)

    assert snap_compare(session.app(), terminal_size=SIZE, run_before=run_before)
