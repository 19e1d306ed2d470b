"""Counts in the words of a message."""

from __future__ import annotations


def counted(n: int, word: str) -> str:
    """``n`` and ``word``, plural unless ``n`` is one: ``1 rest day``, ``0 rest days``, ``3 weeks``."""
    return f"{n} {word}{'' if n == 1 else 's'}"
