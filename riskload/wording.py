"""Counts, lists and ratios in the words of a message."""

from __future__ import annotations


def counted(n: int, word: str, plural: str | None = None) -> str:
    """``n`` and ``word``, plural unless ``n`` is one: ``1 rest day``, ``0 rest days``, ``3 weeks``, and with
    its own ``plural`` where an s does not make it: ``2 activities``."""
    return f"{n} {word if n == 1 else plural or word + 's'}"


def and_listed(items: list[str]) -> str:
    """``items`` as a sentence lists them: ``RL001``, ``RL001 and RL005``, ``RL001, RL004 and RL005``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def times(ratio: float) -> str:
    """``ratio`` as a message says it: ``1.39 times`` near a limit, ``65 times`` where the hundredths say nothing
    (a week against a usual of almost none)."""
    return f"{ratio:.2f} times" if ratio < 10 else f"{ratio:.0f} times"
