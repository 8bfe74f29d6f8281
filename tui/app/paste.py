"""Pasted text, read whole and in order, and cleaned of terminal codes.

Textual 8.2's input parser breaks a bracketed paste that holds an escape
character (text copied from a coloured terminal: ``A\\x1b[31mB C``): the text
after the escape arrives as typed keys, the escape as ``^``, and the text before
it last, so a field would hold ``^[31mB CA``. :class:`PasteParser` reads
everything between the paste markers as one :class:`~textual.events.Paste`, and
:func:`install` makes the terminal and browser drivers use it. It also reads
``ESC`` + Enter, what alt+enter sends in most terminals, as ``alt+enter``
(Textual reads it as a plain Enter).

The fields then take the paste through :func:`clean_paste`, which leaves out
terminal codes and other control characters (the engine refuses them) and says
so, so the text stored is what was pasted, in order, and never changed silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from textual import constants, events
from textual._time import get_time
from textual._xterm_parser import XTermParser  # the parser the drivers construct
from textual.message import Message

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"

_TERMINAL_CODE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: titles, links
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[@-Z\\-_]?"  # two-character escapes, or a lone escape
)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but tab and newline

LEFT_OUT = "The pasted text held terminal codes (such as colours); they were left out."


def clean_paste(text: str) -> tuple[str, bool]:
    """``text`` without terminal codes and control characters (tab and newline
    stay; ``\\r\\n`` becomes ``\\n``), and whether anything was left out."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = _CONTROL.sub("", _TERMINAL_CODE.sub("", text))
    return cleaned, cleaned != text


def _partial_marker(data: str, marker: str) -> int:
    """How many characters at the end of ``data`` begin ``marker`` (2 or more)."""
    for size in range(min(len(marker) - 1, len(data)), 1, -1):
        if marker.startswith(data[-size:]):
            return size
    return 0


class PasteParser(XTermParser):
    """Textual's parser, with a bracketed paste read whole (escapes and all)."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._pasting: list[str] | None = None
        self._held = ""
        self._held_at = 0.0

    def feed(self, data: str) -> Iterable[Message]:
        return list(self._feed(data))

    def _feed(self, data: str) -> Iterator[Message]:
        if not data:  # the end of input
            held, self._held = self._held, ""
            if held:
                yield from super().feed(held)
            yield from super().feed("")
            return
        data, self._held = self._held + data, ""
        while data:
            if self._pasting is None:
                start = data.find(PASTE_START)
                if start < 0:
                    keep = _partial_marker(data, PASTE_START)
                    if keep:  # the start marker may be cut across two reads
                        data, self._held = data[:-keep], data[-keep:]
                        self._held_at = get_time()
                    if data:
                        yield from super().feed(data)
                    return
                if start:
                    yield from super().feed(data[:start])
                self._pasting = []
                data = data[start + len(PASTE_START):]
            else:
                end = data.find(PASTE_END)
                if end < 0:
                    keep = _partial_marker(data, PASTE_END)
                    self._pasting.append(data[: len(data) - keep])
                    self._held = data[len(data) - keep:]
                    return
                self._pasting.append(data[:end])
                text = "".join(self._pasting).replace("\x00", "")
                self._pasting = None
                yield events.Paste(text)
                data = data[end + len(PASTE_END):]

    def tick(self) -> Iterable[Message]:
        late = get_time() - self._held_at > constants.ESCAPE_DELAY
        if self._held and self._pasting is None and late:
            # Not a paste after all (a key whose code begins like the marker).
            held, self._held = self._held, ""
            yield from super().feed(held)
        yield from super().tick()

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        if alt and sequence == "\r":
            yield events.Key("alt+enter", None)
            return
        yield from super()._sequence_to_key_events(sequence, alt)


def install() -> None:
    """Make Textual's terminal and browser drivers build a :class:`PasteParser`
    (idempotent). textual is pinned (pyproject.toml): a driver that no longer
    names ``XTermParser`` is left as it is."""
    from textual.drivers import linux_driver, linux_inline_driver, web_driver

    for module in (linux_driver, linux_inline_driver, web_driver):
        if getattr(module, "XTermParser", None) in (XTermParser, PasteParser):
            module.XTermParser = PasteParser  # type: ignore[attr-defined,misc]
