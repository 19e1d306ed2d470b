"""GPX tracks (Strava, Garmin Connect, phone apps): plain GPX 1.1 on a fast walk of the tree, the rest with gpxpy."""

from __future__ import annotations

import re

import gpxpy
import gpxpy.gpx
import numpy as np
import pandas as pd

from ..errors import CorruptFileError, NoActivityDataError
from ..sports import ON_FOOT_SPORTS, normalize_sport, raw_sport
from ..timeline import SEPARATE_OUTINGS_AFTER, RawActivity, tidy_samples
from . import gpxfast
from .gpxfast import EXTENSION_FIELDS, Header
from .cadence import steps_per_minute
from ..wording import counted
from .xmlsafe import local, parse_repairing, prepare_xml

#: What a malformed document raises (LookupError: an encoding the parser does not know).
_XML_ERRORS = (gpxpy.gpx.GPXException, ValueError, LookupError)


def _parse(xml: bytes) -> tuple[pd.DataFrame, Header]:
    """The points and header, from :func:`gpxfast.read` where it can read them, else from gpxpy (and its errors)."""
    return gpxfast.read(xml) or _from_document(gpxpy.parse(xml.decode("utf-8")))


def _from_document(document) -> tuple[pd.DataFrame, Header]:
    """The points and header of a document gpxpy parsed, as :func:`gpxfast.read` gives them."""
    rows, segment = [], 0
    for track_no, trk in enumerate(document.tracks):
        for seg in trk.segments:
            for point in seg.points:
                row = {
                    "timestamp": point.time,
                    "track": track_no,
                    "segment": segment,
                    "latitude_deg": point.latitude,
                    "longitude_deg": point.longitude,
                    "altitude_m": point.elevation,
                }
                for extension in point.extensions:
                    for element in extension.iter():
                        column = EXTENSION_FIELDS.get(local(element.tag).lower())
                        if column and element.text and column not in row:
                            row[column] = element.text.strip()
                rows.append(row)
            segment += 1
    times = [row["timestamp"] for row in rows if row["timestamp"] is not None]
    header = Header(tracks=[(t.name, t.type) for t in document.tracks], name=document.name, creator=document.creator,
                    extensions=document.extensions, has_route=bool(document.routes),
                    has_waypoints=bool(document.waypoints),
                    times_without_zone=any(time.tzinfo is None for time in times))
    first = ["timestamp", "track", "segment", "latitude_deg", "longitude_deg", "altitude_m"]
    points = pd.DataFrame(rows, columns=list(dict.fromkeys(first + [key for row in rows for key in row])))
    points["timestamp"] = pd.to_datetime(points["timestamp"], utc=True)
    return points, header


def read_gpx(data: bytes, path: str = "<bytes>") -> list[RawActivity]:
    """Read the recorded track of a GPX file as one activity.

    Every track segment becomes a segment of the samples, so the gap between
    two segments is a pause. Points without a time are dropped; times without
    a zone are read as UTC, with a note.

    Raises
    ------
    CorruptFileError
        Not well-formed XML or not GPX.
    NoActivityDataError
        No track points, or none with a time (a route, a planned track, waypoints).
    """
    xml, unplaced = mark_unplaced_points(prepare_xml(data, path))
    try:
        (points, header), repair_notes, partial = parse_repairing(xml, _parse, _XML_ERRORS, "trkpt")
    except _XML_ERRORS as exc:
        raise CorruptFileError(path, f"not a readable GPX file ({str(exc).strip() or type(exc).__name__})") from exc

    if points.empty:
        what = ("a planned route" if header.has_route else "waypoints only" if header.has_waypoints
                else "no track points")
        raise NoActivityDataError(path, f"nothing was recorded: {what}")
    timed = points["timestamp"].notna().to_numpy()
    frame = points if timed.all() else points[timed].reset_index(drop=True)
    if len(frame) * 2 < len(points):
        raise NoActivityDataError(
            path, f"only {len(frame)} of {len(points)} points {'has' if len(frame) == 1 else 'have'} a time: a "
                  "route or planned track, not a recording"
        )

    notes = list(repair_notes)
    if unplaced:
        notes.append(f"{unplaced} of {len(points)} points {'has' if unplaced == 1 else 'have'} no position "
                     "(recorded before a GPS fix): they count for time, not for distance")
    if len(frame) < len(points):
        untimed = len(points) - len(frame)
        left = "has no time and was" if untimed == 1 else "have no time and were"
        notes.append(f"{untimed} of {len(points)} points {left} left out")
    if header.times_without_zone:
        notes.append("times carry no time zone and were read as UTC")

    track_type = next((kind for _, kind in header.tracks if kind), None)
    sport, sub = normalize_sport(track_type)
    if "cadence" in frame and sport in ON_FOOT_SPORTS:
        frame["cadence_spm"] = steps_per_minute(frame["cadence"], sport)
    backwards = int((np.diff(frame["timestamp"].to_numpy("datetime64[ns]")) < np.timedelta64(0)).sum())
    if backwards:
        notes.append(f"time goes backwards at {counted(backwards, 'point')}; their order in the file is kept")
    name = next((name for name, _ in header.tracks if name), None) or header.name or ""

    outings = _outings(frame)
    start, totals = summary_totals(header.extensions) if len(outings) == 1 else (None, {})
    activities = []
    for part in outings:
        part_notes = list(notes)
        samples = tidy_samples(part, part_notes)
        if samples.empty:
            continue
        activities.append(RawActivity(samples=samples, sport=sport, sub_sport=sub, sport_raw=raw_sport(track_type),
                                      start_time=start, totals=totals, device=header.creator or "", name=name,
                                      partial=partial, notes=part_notes))
    if not activities:
        raise NoActivityDataError(path, "no point has a plausible time (all before 2000 or in the future: "
                                        "the device clock was set wrong)")
    return activities


#: The summary some GPX writers put in the document's ``<extensions>`` (the
#: running_page sync of Garmin Connect writes these, from the watch's own
#: summary), and the activity column each gives. Read like a FIT session: the
#: device's totals win over what the points give.
SUMMARY_FIELDS = {"distance": "distance_m", "moving_time": "moving_time_s", "elapsed_time": "elapsed_time_s",
                  "average_hr": "avg_heart_rate_bpm"}


def summary_totals(extensions) -> tuple[pd.Timestamp | None, dict]:
    """The start and totals of a document-level summary (:data:`SUMMARY_FIELDS`, ``start_time``), if any.

    The watch's summary counts what the points may lack: a run started
    before the GPS had a fix has points only from the fix on, but its
    distance and time from the start.
    """
    values = {local(element.tag).lower(): (element.text or "").strip() for element in extensions or []}
    totals = {}
    for key, column in SUMMARY_FIELDS.items():
        try:
            number = float(values.get(key, ""))
        except ValueError:
            continue
        if number > 0 and number == number:
            totals[column] = number
    try:  # a Timestamp reads the text as to_datetime(utc=True) does, in a hundredth of the time
        start = pd.Timestamp(values.get("start_time") or "NaT")
    except ValueError:
        return None, totals
    if pd.isna(start):
        return None, totals
    return (start.tz_convert("UTC") if start.tzinfo else start.tz_localize("UTC")), totals


_TRACK_POINT_TAG = re.compile(rb"<((?:[A-Za-z_][\w.\-]*:)?trkpt)(?=[\s/>])([^>]*)>")
#: A track point tag that starts with its position, as most writers put it (a search with a literal start: fast).
_PLACED_POINT = re.compile(rb'<trkpt\s+(?:lat="[^"]*"\s+lon|lon="[^"]*"\s+lat)=')


def mark_unplaced_points(xml: bytes) -> tuple[bytes, int]:
    """``xml`` with ``lat="nan" lon="nan"`` given to every track point that lacks a position, and their number.

    Handheld units write points with a time and an elevation before they have
    a satellite fix. GPX makes ``lat`` and ``lon`` mandatory, so gpxpy refuses
    the whole file; marked as NaN, such points keep their time and elevation
    and add no distance. Run on data :func:`~.xmlsafe.prepare_xml` passed.
    """
    count = 0

    def mark(match: re.Match) -> bytes:
        nonlocal count
        name, attributes = match.group(1), match.group(2)
        missing = [key for key in (b"lat", b"lon") if not re.search(rb"\s" + key + rb"\s*=", attributes)]
        if not missing:
            return match.group(0)
        count += 1
        closing = b"/" if attributes.endswith(b"/") else b""
        body = attributes[:-1] if closing else attributes
        return b"<" + name + body + b"".join(b' ' + key + b'="nan"' for key in missing) + closing + b">"

    # every "trkpt" in the document an end tag or a placed point's: none lacks a position; otherwise each
    # track point tag is looked at (a tag that has both is given back as it is)
    if xml.count(b"trkpt") == xml.count(b"</trkpt>") + len(_PLACED_POINT.findall(xml)):
        return xml, 0
    return _TRACK_POINT_TAG.sub(mark, xml), count


def _outings(frame: pd.DataFrame) -> list[pd.DataFrame]:
    """The outings of a file's points: a new ``<trk>`` starting more than
    :data:`SEPARATE_OUTINGS_AFTER` after the previous one ends is a new activity
    (a multi-day hike saved as one file); closer tracks are pauses of one."""
    if frame["track"].nunique() < 2:
        return [frame]
    per_track = frame.groupby("track")["timestamp"].agg(["min", "max"]).sort_index()
    gap = per_track["min"] - per_track["max"].shift()
    outing = frame["track"].map((gap > SEPARATE_OUTINGS_AFTER).cumsum())
    return [part for _, part in frame.groupby(outing, sort=True)]
