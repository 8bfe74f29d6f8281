"""Ids for runs and checkpoints."""

from __future__ import annotations

import os
import random

_random = random.Random(os.urandom(32))
os.register_at_fork(after_in_child=lambda: _random.seed(os.urandom(32)))


def new_id() -> str:
    """A random UUID (version 4), so any few leading characters tell ids apart.

    The bits come from a generator seeded from the OS (again in every forked
    child): ids need to be unique, not secret, and this is several times
    faster than ``uuid.uuid4()``.
    """
    bits = _random.getrandbits(128) & ~(0xF << 76 | 0x3 << 62) | 0x4 << 76 | 0x2 << 62
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
