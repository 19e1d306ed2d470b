"""XML input made safe and tidy before any parser sees it."""

from __future__ import annotations

import functools
import re
from xml.parsers import expat

from ..errors import CorruptFileError

#: The note on an activity read from XML that ends mid-way.
CUT_OFF_NOTE = "the file is cut off mid-way; read up to its last whole track point"

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")


def prepare_xml(data: bytes, path: str) -> bytes:
    """Strip a byte-order mark and leading white space; refuse DTDs and entities.

    Strava writes TCX files with spaces before the XML declaration, which
    strict parsers reject. Activity formats never need a DTD, so a document
    that declares one or an entity is refused before parsing: that closes the
    door on entity-expansion bombs and external-entity reads in one place.
    A declaration this check cannot see (in a document encoded in UTF-16)
    meets the standard library's own limits: expat 2.4.1 and newer caps
    entity expansion, and ElementTree never fetches an external entity.

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


class Declined(Exception):
    """A document a fast reader (:mod:`~.gpxfast`, :mod:`~.tcxfast`) cannot read exactly as the tree would."""


def has_markup_of_its_own(body: bytes) -> bool:
    """Whether ``body`` holds an entity, a comment, CDATA or a processing instruction: things the tree reads
    (entities decoded, comments dropped) and a pattern over the bytes would not."""
    return b"&" in body or b"<!" in body or b"<?" in body


@functools.lru_cache(maxsize=1024)
def local(tag: str) -> str:
    """Tag name without its ``{namespace}`` (remembered: a document repeats a few tags a million times)."""
    return tag.rsplit("}", 1)[-1]


def close_after_last(data: bytes, record: str) -> bytes | None:
    """``data`` cut after its last whole ``record`` element, with the elements still open closed.

    XML that ends mid-way (a file cut off in a copy or a download) is not
    well-formed, so a parser gives nothing; every record before the damage
    can still be read from this repaired copy. None when ``data`` is
    well-formed, or holds no whole record before the damage. Run only on
    data :func:`prepare_xml` has passed (no DTD, no entities).
    """
    stack: list[str] = []
    last: tuple[int, list[str]] | None = None

    def start(name, attributes):
        stack.append(name)

    def end(name):
        nonlocal last
        stack.pop()
        if name.rsplit(":", 1)[-1] == record:
            last = (parser.CurrentByteIndex, list(stack))

    # the declared encoding, unless expat does not know it (then UTF-8, which GPX and TCX nearly always are)
    for encoding in (None, "utf-8"):
        stack.clear()
        last = None
        parser = expat.ParserCreate(encoding)
        parser.StartElementHandler, parser.EndElementHandler = start, end
        try:
            parser.Parse(data, True)
            return None
        except expat.ExpatError:
            break
        except LookupError:
            continue
    if last is None:
        return None
    index, still_open = last
    cut = data.find(b">", index) + 1
    return data[:cut] + b"".join(f"</{name}>".encode() for name in reversed(still_open))


def parse_repairing(data: bytes, parse, errors: tuple, record: str):
    """``parse(data)``, repairing what can be repaired when that fails.

    First bytes that are not valid UTF-8 are replaced (they are nearly always
    in a name or a comment), then a document that ends mid-way is cut after
    its last whole ``record`` (:func:`close_after_last`).

    Returns
    -------
    (result, notes, partial)
        What ``parse`` returned, the notes on what was repaired, and whether
        data was lost (the document was cut off).

    Raises
    ------
    Exception
        The first of ``errors`` that ``parse`` raised, when nothing helped.
    """
    try:
        return parse(data), [], False
    except errors as exc:
        first = exc
    notes = []
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        data = data.decode("utf-8", errors="replace").encode("utf-8")
        notes.append("bytes that are not valid UTF-8 were replaced")
        try:
            return parse(data), notes, False
        except errors:
            pass
    repaired = close_after_last(data, record)
    if repaired is not None:
        try:
            return parse(repaired), notes + [CUT_OFF_NOTE], True
        except errors:
            pass
    raise first
