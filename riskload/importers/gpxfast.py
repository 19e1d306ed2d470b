"""Fast reading of plain GPX 1.1 tracks: the tree gpxpy builds, without its object model.

gpxpy parses the document with Python's C XML parser and then builds an
object per point and deep-copies every point's ``<extensions>``; on a real
2-year export that model, not the XML, is most of the import. This module
walks the same tree the same way gpxpy 1.6 does (the default namespace
removed, direct children matched by tag, its own time parser, ``float`` of
the stripped text) and gives the few fields riskload reads, with gpxpy's
attribute names.

It takes only GPX 1.1 documents it reads exactly as gpxpy would. For
anything else (GPX 1.0, a value gpxpy would refuse, XML that does not parse)
:func:`parse` returns None and the caller asks gpxpy, whose errors and
repairs then apply as before.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field

from gpxpy.gpxfield import parse_time

#: The first default namespace declaration, which gpxpy removes before parsing.
_DEFAULT_NAMESPACE = re.compile(r"""\sxmlns=(['"])[^'"]+\1""")


@dataclass
class Point:
    time: object
    latitude: float
    longitude: float
    elevation: float | None
    extensions: list


@dataclass
class Segment:
    points: list[Point]


@dataclass
class Track:
    name: str | None
    type: str | None
    segments: list[Segment]


@dataclass
class Document:
    """The parts of a GPX document riskload reads, named as gpxpy names them."""

    tracks: list[Track]
    routes: list = field(default_factory=list)
    waypoints: list = field(default_factory=list)
    name: str | None = None
    creator: str | None = None
    extensions: list = field(default_factory=list)


class _Refused(Exception):
    """A value gpxpy would refuse or read differently: leave the document to gpxpy."""


def parse(xml: bytes) -> Document | None:
    """The document in ``xml`` (run through :func:`~.xmlsafe.prepare_xml`), or None to ask gpxpy."""
    try:
        text = xml.decode("utf-8")
        root = ElementTree.XML(_DEFAULT_NAMESPACE.sub("", text, count=1))
    except (ValueError, ElementTree.ParseError):
        return None
    if root.get("version") != "1.1":
        return None  # gpxpy reads other versions with another field list
    try:
        tracks = [_track(node) for node in root if node.tag == "trk"]
    except _Refused:
        return None
    metadata = root.find("metadata")
    name = metadata.find("name") if metadata is not None else None
    extensions = root.find("extensions")
    return Document(tracks=tracks, routes=[n for n in root if n.tag == "rte"],
                    waypoints=[n for n in root if n.tag == "wpt"], name=name.text if name is not None else None,
                    creator=root.get("creator"), extensions=list(extensions) if extensions is not None else [])


def _track(node) -> Track:
    name, kind = node.find("name"), node.find("type")
    segments = [Segment([_point(p) for p in seg if p.tag == "trkpt"]) for seg in node if seg.tag == "trkseg"]
    return Track(name.text if name is not None else None, kind.text if kind is not None else None, segments)


def _point(node) -> Point:
    elevation = node.find("ele")
    when = node.find("time")
    extensions = node.find("extensions")
    return Point(parse_time_or_none(when.text if when is not None else None), _number(node.get("lat"), True),
                 _number(node.get("lon"), True), _number(elevation.text if elevation is not None else None),
                 list(extensions) if extensions is not None else [])


def _number(text: str | None, mandatory: bool = False) -> float | None:
    if text is None:
        if mandatory:
            raise _Refused
        return None
    try:
        return float(text.strip())
    except ValueError:
        raise _Refused from None


def parse_time_or_none(text: str | None):
    """A point's time as gpxpy reads it: its own parser, and None for what that refuses."""
    try:
        return parse_time(text)
    except Exception:  # gpxpy's TimeConverter swallows every error the same way
        return None
