"""Footer: Textual's footer, rebuilt only when the keys it shows change.

Textual rebuilds its footer, a widget for every key, each time a screen's keys
may have changed, and a change of focus says so twice. Moving to the next
question or field seldom changes the keys shown, so most of those rebuilds
mount the same widgets again.
"""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """A footer that keeps its keys until the screen's keys really change."""

    _shown: object = None

    def _keys(self) -> object:
        """What compose() draws: the screen's shown keys (enabled or not, with
        their tooltips) and the command palette's key."""
        bindings = self.screen.active_bindings
        palette = bindings.get(self.app.COMMAND_PALETTE_BINDING)
        return (
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
