"""Where things are in a questionnaire's TOML text, for error messages.

``tomllib`` gives no line numbers for the values it returns, so the lines are
found again in the text: each ``[[questions]]`` table's span, and the line of a
key inside it (or at the top level).
"""

from __future__ import annotations

import re


class SourceLines:
    """Finds the line of a question, or of one of its keys, in the file's text."""

    _HEADER = re.compile(r"^\s*\[\[\s*questions\s*\]\]")
    _TABLE = re.compile(r"^\s*\[")
    _SUB = re.compile(r"^\s*\[\[?\s*questions\s*\.")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.blocks: list[tuple[int, int]] = []  # (first, end) 0-based, end exclusive
        start = None
        top_end = len(self.lines)
        for number, line in enumerate(self.lines):
            if self._HEADER.match(line):
                if start is not None:
                    self.blocks.append((start, number))
                elif top_end == len(self.lines):
                    top_end = number
                start = number
            elif start is not None and self._TABLE.match(line) and not self._SUB.match(line):
                self.blocks.append((start, number))
                start = None
            elif start is None and self._TABLE.match(line) and top_end == len(self.lines):
                top_end = number
        if start is not None:
            self.blocks.append((start, len(self.lines)))
        self.top = (0, top_end)

    def _key_in(self, span: tuple[int, int], key: str) -> int | None:
        name = re.escape(key)
        pattern = re.compile(rf"^\s*{name}\s*[=.]|^\s*\[\s*questions\s*\.\s*{name}\b")
        for number in range(*span):
            if pattern.match(self.lines[number]):
                return number + 1
        return None

    def top_line(self, key: str) -> int | None:
        return self._key_in(self.top, key)

    def question_line(self, index: int, count: int, qid: str | None, key: str | None) -> int | None:
        if len(self.blocks) == count and index < count:
            span = self.blocks[index]
            if key is not None:
                found = self._key_in(span, key)
                if found is not None:
                    return found
            found = self._key_in(span, "id")
            return found if found is not None else span[0] + 1
        if qid is not None:  # questions written another way: look for the id
            pattern = re.compile(rf"""\bid\s*=\s*["']{re.escape(qid)}["']""")
            for number, line in enumerate(self.lines):
                if pattern.search(line):
                    return number + 1
        return None


__all__ = ["SourceLines"]
