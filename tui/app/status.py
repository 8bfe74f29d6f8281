"""How a run's status looks, on every screen: one style a status, from the theme."""

from __future__ import annotations

from collections.abc import Mapping

from tui.sessions.summary import UNKNOWN_FLOW


def status_styles(colors: Mapping[str, str]) -> dict[str, str]:
    """The style of each status (and of a session whose flow is unknown), from a
    theme's variables (``App.theme_variables``)."""
    return {
        "waiting": f"bold {colors.get('accent', 'cyan')}",
        "interrupted": f"bold {colors.get('warning', 'yellow')}",
        "running": colors.get("secondary", "blue"),
        "completed": colors.get("success", "green"),
        "failed": f"bold {colors.get('error', 'red')}",
        UNKNOWN_FLOW: "dim",
    }
