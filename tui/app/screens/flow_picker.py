"""FlowPickerScreen: pick the flow a new session follows (a modal list)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.app.text import plain
from tui.app.widgets.footer import Footer


class FlowList(OptionList):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Start", id="picker.start"),
    ]


class FlowPickerScreen(ModalScreen[str | None]):
    """Lists the flows (title, description, name); dismisses with a name, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
    ]

    def __init__(self, flows: Sequence[Any], problems: Sequence[Any] = ()) -> None:
        super().__init__()
        self._flows = list(flows)
        self._problems = list(problems)

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-dialog", classes="dialog"):
            yield Static("Start a new session", classes="dialog-title")
            yield Static(plain("Pick what to fill in:"), classes="dialog-body")
            options: list[Option | None] = []
            for entry in self._flows:
                if options:
                    options.append(None)  # a rule between two flows
                text = Content.assemble(
                    plain(entry.title or entry.name, "bold"),
                    plain(f"  {entry.name}", "dim"),
                )
                if entry.description:
                    text = Content.assemble(text, "\n", plain(entry.description, "dim"))
                options.append(Option(text, id=entry.name))
            yield FlowList(*options, id="flow-list")
            if self._problems:
                lines = [f"{len(self._problems)} questionnaire file(s) left out:"]
                lines += [str(getattr(p, "message", p)) for p in self._problems[:3]]
                yield Static(plain("\n".join(lines)), classes="picker-problems")
        yield Footer()

    def on_mount(self) -> None:
        listing = self.query_one(FlowList)
        listing.focus()
        if self._flows:
            listing.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
