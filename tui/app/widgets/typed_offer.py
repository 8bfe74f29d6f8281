"""TypedOffer: what a person typed into a question someone else answered first,
said on the question screen with the three things they can do with it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

CHOICES = {
    "use": "Use it here ^o",
    "branch": "Branch with it ^g",
    "discard": "Discard",
}


class TypedOffer(Vertical):
    """Hidden until ``show``; a button pressed posts ``Chosen`` ("use", "branch"
    or "discard"). The screen decides what each does."""

    class Chosen(Message):
        def __init__(self, choice: str) -> None:
            super().__init__()
            self.choice = choice

    def compose(self) -> ComposeResult:
        yield Static("", id="offer-text")
        with Horizontal(id="offer-actions"):
            for choice, label in CHOICES.items():
                yield Button(label, id=f"offer-{choice}", compact=True)

    def on_mount(self) -> None:
        self.display = False

    def show(self, text: Content, *, can_use: bool) -> None:
        self.query_one("#offer-text", Static).update(text)
        self.query_one("#offer-use", Button).disabled = not can_use
        self.display = True

    def hide(self) -> None:
        self.display = False

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Chosen((event.button.id or "").removeprefix("offer-")))
