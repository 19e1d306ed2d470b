"""XML input made safe and tidy before any parser sees it."""

from __future__ import annotations

import re

from ..errors import CorruptFileError

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")


def prepare_xml(data: bytes, path: str) -> bytes:
    """Strip a byte-order mark and leading white space; refuse DTDs and entities.

    Strava writes TCX files with spaces before the XML declaration, which
    strict parsers reject. Activity formats never need a DTD, so a document
    that declares one or an entity is refused before parsing: that closes the
    door on entity-expansion bombs and external-entity reads in one place.

    Raises
    ------
    CorruptFileError
        The document declares a DTD or an entity.
    """
    for bom in _BOMS:
        if data.startswith(bom):
            data = data[len(bom) :]
            break
    data = data.lstrip()
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise CorruptFileError(path, "refused: the XML declares a DTD or entities, which activity files never need")
    return data


def root_name(data: bytes) -> str:
    """Local name of the document element, or ``""`` when there is none."""
    position = 0
    while True:
        start = data.find(b"<", position)
        if start < 0:
            return ""
        if data[start + 1 : start + 2] in (b"?", b"!"):
            end = data.find(b">", start)
            if end < 0:
                return ""
            position = end + 1
            continue
        match = _ROOT.match(data, start + 1 - 1)
        return match.group(2).decode("ascii", "replace") if match else ""


def local(tag: str) -> str:
    """Tag name without its ``{namespace}``."""
    return tag.rsplit("}", 1)[-1]
