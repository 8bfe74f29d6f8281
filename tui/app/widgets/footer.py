"""Footer: Textual's footer, rebuilt only when the keys it shows change, and
on a narrow screen only the screen's essential keys.

Textual rebuilds its footer, a widget for every key, each time a screen's keys
may have changed, and a change of focus says so twice. Moving to the next
question or field seldom changes the keys shown, so most of those rebuilds
mount the same widgets again.

Below the app's narrow breakpoint (the screen has the class ``-narrow``) the
footer shows the keys a screen names in ``NARROW_KEYS`` (binding ids, in that
order) and Quit, closer together, so they are never cut off; every key still
works and is in the command palette.
"""

from __future__ import annotations

from collections.abc import Iterator

from textual.widget import Widget
from textual.widgets import Footer as TextualFooter

NARROW = "-narrow"
QUIT = "app.quit"


class Footer(TextualFooter):
    """A footer that keeps its keys until the screen's keys really change."""

    _shown: object = None
    _wide_compact: bool | None = None

    def essential(self) -> tuple[str, ...] | None:
        """The binding ids shown on a narrow screen, in order (None: show all)."""
        if not self.screen.has_class(NARROW):
            return None
        keys = getattr(self.screen, "NARROW_KEYS", ())
        return (*keys, QUIT) if keys else None

    def _keys(self) -> object:
        """What compose() draws: the screen's shown keys (enabled or not, with
        their tooltips) and the command palette's key."""
        bindings = self.screen.active_bindings
        palette = bindings.get(self.app.COMMAND_PALETTE_BINDING)
        return (
            self.essential(),
            self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE,
            None if palette is None else palette[1:],
            tuple(
                (binding, enabled, tooltip)
                for _, binding, enabled, tooltip in bindings.values()
                if binding.show
            ),
        )

    async def recompose(self) -> None:
        if not self.is_attached:  # its screen is gone (Textual's recompose skips it too)
            return
        keys = self._keys()
        if keys == self._shown:
            return
        self._shown = keys
        await super().recompose()

    def compose(self) -> Iterator[Widget]:
        essential = self.essential()
        if self._wide_compact is None:
            self._wide_compact = self.compact  # as the screen made it
        compact = essential is not None or self._wide_compact
        if self.compact != compact:  # narrow: less space between keys, so Quit stays in view
            self.set_reactive(TextualFooter.compact, compact)
            self.set_class(compact, "-compact")
        shown = list(super().compose())
        if essential is None:
            yield from shown
            return
        rank = {binding.action: essential.index(binding.id)
                for _, binding, _, _ in self.screen.active_bindings.values()
                if binding.id in essential}
        # Textual's FooterKey (not exported) carries its binding's action
        keys = [k for k in shown if getattr(k, "action", None) in rank]
        yield from sorted(keys, key=lambda k: rank[k.action])
        for palette in (k for k in shown if k.has_class("-command-palette")):
            palette.description = ""  # its key alone ("^p"): the room goes to the screen's keys
            yield palette

    def on_resize(self) -> None:
        # the screen's breakpoint class may have changed: show the keys it calls for
        self.call_after_refresh(self.recompose)
