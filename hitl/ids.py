"""Ids for runs and checkpoints."""

from __future__ import annotations

import os
import random

_random = random.Random(os.urandom(32))
_BATCH = 256
_ids: list[str] = []  # made, not handed out yet

# An id is 32 hex digits in groups of 8-4-4-4-12. A batch is made in a few calls,
# none a Python step per id: the version (4) and variant (10) bits are set on every
# id's bytes at once, then each digit's place is filled in every id at once.
_VERSION = bytes(b & 0x0F | 0x40 for b in range(256))
_VARIANT = bytes(b & 0x3F | 0x80 for b in range(256))
_BLANK = b"-" * 36 + b" "  # an id's 36 characters, and a space after it
_PLACES = tuple(d + (d >= 8) + (d >= 12) + (d >= 16) + (d >= 20) for d in range(32))


def _batch() -> list[str]:
    data = bytearray(_random.randbytes(16 * _BATCH))
    data[6::16] = data[6::16].translate(_VERSION)
    data[8::16] = data[8::16].translate(_VARIANT)
    digits = data.hex().encode()
    text = bytearray(_BLANK * _BATCH)
    for digit, place in enumerate(_PLACES):
        text[place::37] = digits[digit::32]
    return text.decode().split()


def _reseed() -> None:
    _random.seed(os.urandom(32))
    _ids.clear()  # a forked child never hands out what its parent would


os.register_at_fork(after_in_child=_reseed)


def new_id() -> str:
    """A random UUID (version 4), so any few leading characters tell ids apart.

    The bits come from a generator seeded from the OS (again in every forked
    child): ids need to be unique, not secret, and this is several times
    faster than ``uuid.uuid4()``. They are made a batch at a time.
    """
    try:
        return _ids.pop()
    except IndexError:
        _ids.extend(_batch())
        return _ids.pop()
