"""The `hitl` command."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    print("usage: hitl [--db PATH] [COMMAND]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
