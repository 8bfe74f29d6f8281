"""The `hitl` command: argument parsing, the headless commands, and starting the app.

Headless: nothing here imports textual, except ``launch`` starting the app
through ``tui.app.run_app`` when a command opens the terminal UI.
"""

from tui.cli.main import main

__all__ = ["main"]
