"""Text from files made safe to show: control characters become visible escapes.

Activity names, gear and file names come from the files an athlete sends.
On a terminal a control character in them (an escape sequence, a bell, a
carriage return, a right-to-left override) could rewrite what is shown, and
in a table it breaks the layout. Every output but the JSON (which escapes
them itself) shows such characters as ``\\x1b``, ``\\u202e`` and so on.
"""

from __future__ import annotations

import html
import re

#: C0 and C1 controls, DEL, and the bidirectional embeddings, overrides and isolates.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
#: The controls ``json.dumps`` leaves raw (it escapes C0 itself).
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match) -> str:
    char = match.group()
    return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def printable(text: str) -> str:
    """``text`` with every control character written as a visible escape (``\\x1b``, ``\\n``, ``\\u202e``)."""
    return _CONTROL.sub(_visible, text)


def printable_lines(text: str) -> str:
    """:func:`printable` for each line of ``text``, keeping its line breaks."""
    return "\n".join(printable(line) for line in text.split("\n"))


def json_text(text: str) -> str:
    """JSON text (from ``json.dumps``) with the controls it leaves raw (DEL, C1, bidi) escaped as ``\\uXXXX``."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def escape(text) -> str:
    """``text`` for an HTML page: markup escaped, control characters but line breaks made visible.

    A line break cannot rewrite a page (outside ``<pre>`` it is a space), and
    riskload's own multi-line text (a table in ``<pre>``) needs it.
    """
    return html.escape(printable_lines(str(text)))
