"""Giving memory that riskload has freed back to the system.

Decoding a long history makes millions of small arrays (a few columns of one
run each) which are then joined into one table and freed. The C allocator
keeps freed small blocks for reuse instead of returning them, and the large
tables that follow are mapped afresh, so a process that has freed 2 GB can
go on holding it: on a 14-year export (3,500 runs, 19.7 million samples),
2.1 GB of the 3.8 GB held after a cold import was such freed memory.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None where the C library has none (macOS, Windows, musl)."""
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


def release_freed_memory() -> bool:
    """Return the memory the C allocator holds free to the system; whether it could be asked.

    Costs a few milliseconds; call it after freeing many arrays at once.
    """
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
