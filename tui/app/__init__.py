"""The Textual app: ``app.py`` (``HitlApp``, ``make_app``, ``run_app``), screens/, widgets/.

It stands on ``tui.sessions`` and never imports ``tui.cli``. ``make_app`` and
``run_app`` are imported from here when first asked for, so that importing a
widget does not load the whole app.
"""

from __future__ import annotations

from typing import Any

__all__ = ["HitlApp", "make_app", "run_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from tui.app import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
