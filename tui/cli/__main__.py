"""``python -m tui.cli``: the `hitl` command."""

import sys

from tui.cli.main import main

sys.exit(main())
