"""Fast reading of TCX trackpoints: their values picked from the bytes, the rest of the document as a tree.

Building a tree of a TCX file makes an element of every value of every
trackpoint, and walking them costs as much again. Most TCX files that
watches and apps write are plain: each ``<Track>`` holds only
``<Trackpoint>`` elements, whose values come in the order the schema gives
them. For such files this module cuts the content of every track out of the
document, builds the tree of the rest (activities, laps, totals: small), and
reads each track's points with one regular-expression pass, and the
values in their ``<Extensions>`` with another.

It reads a document only when it can tell it reads it exactly as the walk
of the whole tree (:mod:`riskload.importers.tcx`) would, and returns None
otherwise:

- the document must be well-formed XML with its namespaces declared (expat
  checks it without building a tree);
- every element named ``Track`` must be written ``<Track>`` (or
  ``<Track/>``) and hold only trackpoints of the plain shape (:data:`_POINT`:
  ``<Time>``, then any of position, altitude, distance, heart rate, cadence,
  sensor state and extensions, in the schema's order, without prefixes);
- no entity, comment, CDATA or processing instruction may appear in a track.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ElementTree
from xml.parsers import expat

import numpy as np

from .xmlsafe import Declined, has_markup_of_its_own, local

#: The attribute each ``<Track>`` of the cut document carries: which of the cut contents is its own.
TRACK_NUMBER = "riskload-track"

_TRACK = re.compile(rb"<Track(/?)>")
_VALUE = rb"([^<]*)"
#: A plain trackpoint after the white space before it, each value a group (the text of its
#: ``<Extensions>`` whole); anything else is a stray character (the last group), so that the matches of a
#: track cover it whole.
_POINT = re.compile(
    rb"\s*(?:<Trackpoint>\s*<Time>" + _VALUE + rb"</Time>\s*"
    rb"(?:<Position>\s*<LatitudeDegrees>" + _VALUE + rb"</LatitudeDegrees>\s*"
    rb"<LongitudeDegrees>" + _VALUE + rb"</LongitudeDegrees>\s*</Position>\s*)?"
    rb"(?:<AltitudeMeters>" + _VALUE + rb"</AltitudeMeters>\s*)?"
    rb"(?:<DistanceMeters>" + _VALUE + rb"</DistanceMeters>\s*)?"
    rb"(?:<HeartRateBpm(?:\s[^>/]*)?>\s*<Value>" + _VALUE + rb"</Value>\s*</HeartRateBpm>\s*)?"
    rb"(?:<Cadence>" + _VALUE + rb"</Cadence>\s*)?"
    rb"(?:<SensorState>[^<]*</SensorState>\s*)?"
    rb"(?:<Extensions>([^<]*(?:<(?!/Extensions>)[^<]*)*)</Extensions>\s*)?"
    rb"</Trackpoint>|(\S))")
#: The element of each value group of :data:`_POINT` but the time, in order.
_POINT_ELEMENTS = ("LatitudeDegrees", "LongitudeDegrees", "AltitudeMeters", "DistanceMeters", "Value", "Cadence")


def read(xml: bytes, fields: dict[str, str]) -> tuple[ElementTree.Element, list[dict]] | None:
    """The tree of ``xml`` without its tracks' contents, and each track's points; None to build the whole tree.

    Each ``<Track>`` of the tree carries :data:`TRACK_NUMBER`, the index of
    its points in the list. A track's points are a dict of ``timestamp`` (the
    stripped text of each point's ``<Time>``, None where it has none) and a
    float array for each column of ``fields`` (element name to column) that
    some point gives a value or an extension element for: the value of the
    point's last such element, NaN where it has none or its text is not a
    number. (The walk of the tree also keeps a column whose elements all
    lack text, as NaN; the samples made from either are the same.)
    """
    try:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.Parse(xml, True)
        skeleton, bodies = _cut_tracks(xml)
        root = ElementTree.fromstring(skeleton)
        if sum(1 for element in root.iter() if local(element.tag) == "Track") != len(bodies):
            raise Declined  # a track written another way, whose points are still in the tree
        pattern = _field_pattern(tuple(fields))
        points = [_points(body, pattern, fields) for body in bodies]
    except (Declined, ValueError, expat.ExpatError, ElementTree.ParseError):
        return None
    return root, points


def _cut_tracks(xml: bytes) -> tuple[bytes, list[bytes]]:
    """The document with each track's content left out and its number put in its tag, and those contents."""
    pieces, bodies, position = [], [], 0
    for match in _TRACK.finditer(xml):
        if match.start() < position:
            raise Declined  # a track inside a track
        number = f' {TRACK_NUMBER}="{len(bodies)}"'.encode()
        pieces.append(xml[position : match.start()])
        if match[1]:
            pieces.append(b"<Track" + number + b"/>")
            bodies.append(b"")
            position = match.end()
            continue
        end = xml.find(b"</Track>", match.end())
        if end < 0:
            raise Declined
        pieces.append(b"<Track" + number + b">")
        bodies.append(xml[match.end() : end])
        position = end
    pieces.append(xml[position:])
    return b"".join(pieces), bodies


@functools.cache
def _field_pattern(names: tuple) -> re.Pattern:
    """After a NUL that starts each point, every start tag named one of ``names`` (with any prefix): whether it
    closes itself, and the text after it (ElementTree's ``text`` of the element when it does not)."""
    alternatives = b"|".join(re.escape(name.encode()) for name in names)
    return re.compile(rb"(\x00)|<(?:[\w.\-]+:)?(" + alternatives + rb")(?:\s[^>]*?)?(/?)>([^<]*)")


def _points(body: bytes, pattern: re.Pattern, fields: dict[str, str]) -> dict:
    """The points of one track's content (see :func:`read`)."""
    if has_markup_of_its_own(body):
        raise Declined
    found = _POINT.findall(body)
    if any(point[-1] for point in found):
        raise Declined  # not a plain trackpoint, or something else in the track
    groups = list(zip(*found)) or [()] * 10
    # a value the point does not hold and one without text are both NaN: a column that no point holds is left
    # out, one that no point has a value in is all NaN, and the samples are the same either way
    columns = {fields[name]: _numbers(texts) for name, texts in zip(_POINT_ELEMENTS, groups[1:7]) if any(texts)}
    if any(groups[7]):
        # the extensions come after every other value, so that their elements have the last word
        point = -1
        for start, name, closed, text in pattern.findall(b"\x00" + b"\x00".join(groups[7])):
            if start:
                point += 1
                continue
            column = fields[name.decode()]
            if column not in columns:
                columns[column] = np.full(len(found), np.nan)
            columns[column][point] = np.nan if closed else number(text.decode())
    return {"timestamp": [time.decode().strip() if time else None for time in groups[0]], **columns}


def _numbers(texts: tuple) -> np.ndarray:
    """Each text as :func:`number` reads it: ``float`` straight from the bytes, unless one is not a number."""
    try:
        return np.array([float(text) if text else np.nan for text in texts], dtype=float)
    except ValueError:
        return np.array([number(text.decode()) for text in texts], dtype=float)


def number(text: str | None) -> float:
    """A TCX value's text as a number: NaN where there is none or it is not one."""
    try:
        return float(text)
    except (TypeError, ValueError):
        return np.nan
