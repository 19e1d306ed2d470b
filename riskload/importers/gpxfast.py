"""Fast reading of common GPX 1.1 tracks: each track point's values picked from the bytes.

gpxpy builds the whole XML tree and then an object per point; on a real
export that costs more than the XML itself. Most GPX files that watches and
apps write are plain: every ``<trkpt>`` holds ``<ele>`` and ``<time>``, perhaps
a few other simple values and an ``<extensions>`` block. For such files this
module takes the values straight from the bytes, one regular expression pass
per track segment, and builds the points table with vectorised conversions.

It reads a document only when it can tell it reads it exactly as gpxpy
would, and returns None otherwise (the caller then asks gpxpy, whose errors
and repairs apply as before):

- the document must be well-formed XML with its namespaces declared (expat
  checks it without building a tree) and valid UTF-8;
- outside the track segments, which are small, the tree is built and walked
  as gpxpy 1.6 walks it (the default namespace removed, direct children
  matched by tag), for GPX 1.1 only;
- inside them, every point must match the plain pattern (double-quoted
  ``lat``/``lon``, ``<ele>`` then ``<time>`` as the schema orders them), no
  entity, comment or CDATA may appear, and every time must be one that gpxpy's
  own parser reads the same way as pandas.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from xml.parsers import expat

import numpy as np
import pandas as pd

from .xmlsafe import Declined, has_markup_of_its_own

#: Track-point extension element names (Garmin TrackPointExtension v1/v2,
#: Cluetrust, Strava, Suunto and others, matched without their prefix and
#: case) and the column each one fills; the first element that has text wins.
EXTENSION_FIELDS = {
    "hr": "heart_rate_bpm",
    "heartrate": "heart_rate_bpm",
    "cad": "cadence",
    "cadence": "cadence",
    "runcadence": "cadence",
    "power": "power_w",
    "watts": "power_w",
    "powerinwatts": "power_w",
    "speed": "speed_m_s",
}


@dataclass
class Header:
    """What a GPX document says besides its points, named as gpxpy names it."""

    tracks: list[tuple[str | None, str | None]]  #: each ``<trk>``'s name and type
    name: str | None = None
    creator: str | None = None
    extensions: list = field(default_factory=list)  #: the document's own ``<extensions>`` elements
    has_route: bool = False
    has_waypoints: bool = False
    times_without_zone: bool = False


#: The first default namespace declaration, which gpxpy removes before parsing.
_DEFAULT_NAMESPACE = re.compile(r"""\sxmlns=(['"])[^'"]+\1""")

_VALUE = rb"[^<]*"
#: A track point, after the white space before it; anything else is a stray character (the last group), so
#: that the matches of a segment cover it whole and each point is one of its direct children.
_POINT = re.compile(
    rb'\s*(?:<trkpt\s+(?:lat="([^"]*)"\s+lon="([^"]*)"|lon="([^"]*)"\s+lat="([^"]*)")\s*(?:/>|>\s*'
    rb"(?:<ele>(" + _VALUE + rb")</ele>\s*)?"
    rb"(?:<time>(" + _VALUE + rb")</time>\s*)?"
    rb"(?:<(?!extensions[\s>/])[\w.:\-]+>" + _VALUE + rb"</[\w.:\-]+>\s*)*"  # other simple values (hdop, sat...)
    # the block's content up to the first </extensions>, one run of text at a time (twice as fast as .*?)
    rb"(?:<extensions\s*/>\s*|<extensions>([^<]*(?:<(?!/extensions>)[^<]*)*)</extensions>\s*)?"
    rb"</trkpt>)|(\S))"
)

#: Times as watches write them, one per line, which gpxpy's parser and pandas read alike (gpxpy keeps
#: microseconds: more digits are cut, below); and a time among them without a zone.
_TIMES = re.compile(rb"(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)?\n)*")
_ZONELESS = re.compile(rb"T\d\d:\d\d:\d\d(?:\.\d+)?\n")


def _first_text(names: list[str]) -> re.Pattern:
    """For extension blocks joined with NUL: each block's first element named one of ``names`` that has text.

    The element's text is what follows its start tag up to the next tag, as
    ElementTree's ``text``; a block without one matches empty.
    """
    alternatives = b"|".join(re.escape(name.encode()) for name in names)
    return re.compile(rb"\x00(?:[^\x00]*?<(?:[\w.\-]+:)?(?i:" + alternatives + rb")(?:\s[^>]*)?(?<!/)>([^<]+))?")


#: Each extension column's names, and the pattern that finds the first of them in each block.
_EXTENSION_PATTERNS = {
    column: (names, _first_text(names))
    for column in dict.fromkeys(EXTENSION_FIELDS.values())
    for names in [[name for name, target in EXTENSION_FIELDS.items() if target == column]]
}


def read(xml: bytes) -> tuple[pd.DataFrame, Header] | None:
    """The points and header of ``xml`` (run through :func:`~.xmlsafe.prepare_xml`), or None to ask gpxpy.

    The points table has one row per ``<trkpt>`` in document order, with
    ``timestamp`` (UTC, NaT where a point has no time gpxpy reads), ``track``
    (the ``<trk>``'s number), ``segment`` (the ``<trkseg>``'s number across
    tracks), ``latitude_deg``, ``longitude_deg``, ``altitude_m`` and each
    extension column that some point has (numbers where all are plain, else text).
    """
    try:
        # as text, so that expat reads it as UTF-8 whatever it declares, as gpxpy does
        expat.ParserCreate(namespace_separator=" ").Parse(xml.decode("utf-8"), True)
        skeleton, bodies = _cut_segments(xml)
        header, segment_tracks = _walk_skeleton(skeleton)
        if len(segment_tracks) != len(bodies):
            raise Declined  # a <trkseg> somewhere gpxpy does not look
        points, header.times_without_zone = _points(bodies, segment_tracks)
    except (Declined, ValueError, expat.ExpatError, ElementTree.ParseError):
        return None
    return points, header


def _cut_segments(xml: bytes) -> tuple[bytes, list[bytes]]:
    """The document with each ``<trkseg>``'s content left out, and those contents."""
    pieces, bodies, position = [], [], 0
    while (start := xml.find(b"<trkseg", position)) >= 0:
        opening_end = start + len(b"<trkseg")
        if xml.startswith(b"/>", opening_end):
            bodies.append(b"")
            pieces.append(xml[position : opening_end + 2])
            position = opening_end + 2
            continue
        if not xml.startswith(b">", opening_end):
            raise Declined  # attributes, or another element's name
        end = xml.find(b"</trkseg>", opening_end)
        if end < 0:
            raise Declined
        pieces.append(xml[position : opening_end + 1])
        bodies.append(xml[opening_end + 1 : end])
        position = end
    pieces.append(xml[position:])
    return b"".join(pieces), bodies


def _walk_skeleton(skeleton: bytes) -> tuple[Header, list[int]]:
    """The header, and the track number of each ``<trkseg>`` in document order, as gpxpy walks the tree."""
    root = ElementTree.XML(_DEFAULT_NAMESPACE.sub("", skeleton.decode("utf-8"), count=1))
    if root.get("version") != "1.1":
        raise Declined  # gpxpy reads other versions with another field list
    tracks, segment_tracks = [], []
    for number, node in enumerate(n for n in root if n.tag == "trk"):
        name, kind = node.find("name"), node.find("type")
        tracks.append((name.text if name is not None else None, kind.text if kind is not None else None))
        segment_tracks += [number] * sum(1 for child in node if child.tag == "trkseg")
    metadata = root.find("metadata")
    name = metadata.find("name") if metadata is not None else None
    extensions = root.find("extensions")
    header = Header(tracks=tracks, name=name.text if name is not None else None, creator=root.get("creator"),
                    extensions=list(extensions) if extensions is not None else [],
                    has_route=any(n.tag == "rte" for n in root), has_waypoints=any(n.tag == "wpt" for n in root))
    if sum(1 for _ in root.iter("trkseg")) != len(segment_tracks):
        raise Declined
    return header, segment_tracks


def _points(bodies: list[bytes], segment_tracks: list[int]) -> tuple[pd.DataFrame, bool]:
    """The points table of :func:`read`, and whether a time among them has no zone."""
    found, tracks, segments = [], [], []
    for number, (body, track) in enumerate(zip(bodies, segment_tracks)):
        if has_markup_of_its_own(body):
            raise Declined
        points = _POINT.findall(body)
        found += points
        tracks.append(np.full(len(points), track))
        segments.append(np.full(len(points), number))
    columns = list(zip(*found)) or [()] * 8
    if any(columns[7]):
        raise Declined  # a point of another shape, or something else
    times, without_zone = _times(columns[5])
    frame = pd.DataFrame({
        "timestamp": times,
        "track": np.concatenate(tracks) if tracks else np.empty(0, int),
        "segment": np.concatenate(segments) if segments else np.empty(0, int),
        # one of the two attribute orders matched, the other's groups are empty
        "latitude_deg": _numbers(map(bytes.__add__, columns[0], columns[3])),
        "longitude_deg": _numbers(map(bytes.__add__, columns[1], columns[2])),
        "altitude_m": _numbers(columns[4], empty_is_none=True),
    })
    if any(columns[6]):
        for column, values in _extension_columns(columns[6]).items():
            if any(values):
                frame[column] = _extension_values(values)
    return frame, without_zone


def _extension_columns(blocks: list[bytes]) -> dict[str, list[bytes]]:
    """Each extension column's text in each point's ``<extensions>`` block (empty where it has none).

    A watch writes every point's block alike; then one pattern made from the
    first block (:func:`_same_as`) reads them all. Otherwise, or when a block
    differs, each column's own pattern searches every block.
    """
    joined = b"\x00" + b"\x00".join(blocks) + b"\x00"
    alike = _same_as(blocks[0])
    if alike is not None:
        pattern, names = alike
        found = pattern.findall(joined)
        if len(found) == len(blocks):
            return dict(zip(names, zip(*found) if len(names) > 1 else [found]))
    lowered = joined.lower()
    return {column: pattern.findall(joined)[: len(blocks)] for column, (names, pattern) in _EXTENSION_PATTERNS.items()
            # the pattern scans every block; most files hold two or three of the four
            if any(name.encode() in lowered for name in names)}


_TAG = re.compile(rb"<(?:[\w.\-]+:)?([\w.\-]+)(?:\s[^>]*)?/?>")


def _same_as(block: bytes) -> tuple[re.Pattern, list[str]] | None:
    """A pattern matching, after a NUL, a block written exactly as ``block`` but for the text of its
    extension elements (:data:`EXTENSION_FIELDS`), each a group, and the columns of the groups; None
    when ``block`` holds a tag of another shape or two elements for one column (the first with text wins,
    which can differ from block to block)."""
    pieces = re.split(rb"(<[^>]*>)", block)  # text, tag, text, ..., text
    parts, names, column = [], [], None
    for number, piece in enumerate(pieces):
        if number % 2 == 0:
            if column in names:
                return None
            parts.append(rb"([^<]*)" if column else re.escape(piece))
            names += [column] if column else []
            continue
        tag = _TAG.fullmatch(piece)
        if tag is None and not piece.startswith(b"</"):
            return None
        column = EXTENSION_FIELDS.get(tag[1].decode().lower()) if tag and not piece.endswith(b"/>") else None
        parts.append(re.escape(piece))
    return re.compile(rb"\x00" + b"".join(parts) + rb"(?=\x00)"), names


#: Extension values joined with NUL, each one empty or a plain decimal number (what watches write).
_PLAIN_NUMBERS = re.compile(rb"(?:\s*-?\d{1,15}(?:\.\d{1,15})?\s*)?(?:\x00(?:\s*-?\d{1,15}(?:\.\d{1,15})?\s*)?)*")


def _extension_values(values: list[bytes]) -> np.ndarray | list:
    """An extension column: as numbers where every value is a plain one (the later conversion of the text
    gives the same), else each value's stripped text (None where a point has none), as gpxpy gives it."""
    if _PLAIN_NUMBERS.fullmatch(b"\x00".join(values)):
        return np.array([float(value) if value else np.nan for value in values])
    return [value.decode().strip() if value else None for value in values]


def _numbers(texts, empty_is_none: bool = False) -> np.ndarray:
    """``float`` of each stripped text, as gpxpy converts; an empty ``<ele>`` has no text, so no value."""
    texts = list(texts)
    if empty_is_none:
        texts = [text if text else b"nan" for text in texts]
    if not all(texts):
        raise Declined  # an empty mandatory value: gpxpy refuses the file
    return np.array([float(text) for text in texts], dtype=float)


def _times(texts) -> tuple[pd.Series, bool]:
    """Each point's time in UTC as gpxpy's parser reads it (microseconds kept, a time without zone as UTC),
    and whether a time has no zone."""
    given = b"".join(text + b"\n" for text in texts if text)
    if not _TIMES.fullmatch(given):
        raise Declined
    if (alike := _alike_utc_times(given, texts)) is not None:
        return alike, False  # every time in UTC
    strings = iter(given.decode().split("\n"))
    times = pd.to_datetime(pd.Series([next(strings) if text else None for text in texts], dtype=object),
                           utc=True, format="ISO8601", errors="coerce")
    if int(times.isna().sum()) != sum(1 for text in texts if not text):
        raise Declined  # a date that does not exist: gpxpy's own handling
    return times.dt.floor("us"), _ZONELESS.search(given) is not None


def _alike_utc_times(given: bytes, texts) -> pd.Series | None:
    """The times of :func:`_times` where every point has one, all of one length, in UTC (``Z``) and to the
    microsecond at most, as watches write them: numpy reads them as one array, four times faster than
    pandas reads them one by one. None for any other times (and for a date that does not exist)."""
    width = len(texts[0]) + 1 if texts else 0  # with its newline in ``given``
    if not 21 <= width <= 28 or len(given) != width * len(texts) or not all(texts):
        return None
    lines = np.frombuffer(given, np.uint8).reshape(len(texts), width)
    if not ((lines[:, -1] == ord("\n")) & (lines[:, -2] == ord("Z"))).all():
        return None
    try:
        times = np.ascontiguousarray(lines[:, :-2]).view(f"S{width - 2}").ravel().astype("datetime64[us]")
    except ValueError:
        return None
    return pd.Series(pd.DatetimeIndex(times).tz_localize("UTC"))
