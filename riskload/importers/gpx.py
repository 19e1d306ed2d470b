"""GPX tracks (Strava, Garmin Connect, phone apps): plain GPX 1.1 on a fast walk of the tree, the rest with gpxpy."""

from __future__ import annotations

import re

import gpxpy
import gpxpy.gpx
import pandas as pd

from ..errors import CorruptFileError, NoActivityDataError
from ..sports import ON_FOOT_SPORTS, normalize_sport, raw_sport
from ..timeline import SEPARATE_OUTINGS_AFTER, RawActivity, tidy_samples
from . import gpxfast
from .cadence import steps_per_minute
from .xmlsafe import local, parse_repairing, prepare_xml

#: Track-point extension element names (Garmin TrackPointExtension v1/v2,
#: Cluetrust, Strava, Suunto and others) and the column each one fills.
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



#: What a malformed document raises (LookupError: an encoding the parser does not know).
_XML_ERRORS = (gpxpy.gpx.GPXException, ValueError, LookupError)


def _parse(xml: bytes):
    """The document, from :func:`gpxfast.parse` where it can read it, else from gpxpy (and its errors)."""
    return gpxfast.parse(xml) or gpxpy.parse(xml.decode("utf-8"))


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
        document, repair_notes, partial = parse_repairing(xml, _parse, _XML_ERRORS, "trkpt")
    except _XML_ERRORS as exc:
        raise CorruptFileError(path, f"not a readable GPX file ({str(exc).strip() or type(exc).__name__})") from exc

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
    if not rows:
        what = "a planned route" if document.routes else "waypoints only" if document.waypoints else "no track points"
        raise NoActivityDataError(path, f"nothing was recorded: {what}")
    timed = [r for r in rows if r["timestamp"] is not None]
    if len(timed) * 2 < len(rows):
        raise NoActivityDataError(
            path, f"only {len(timed)} of {len(rows)} points have a time: a route or planned track, not a recording"
        )

    notes = list(repair_notes)
    if unplaced:
        notes.append(f"{unplaced} of {len(rows)} points have no position (recorded before a GPS fix): they count "
                     "for time, not for distance")
    if len(timed) < len(rows):
        notes.append(f"{len(rows) - len(timed)} of {len(rows)} points have no time and were left out")
    if any(r["timestamp"].tzinfo is None for r in timed):
        notes.append("times carry no time zone and were read as UTC")
    frame = pd.DataFrame(timed)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)

    track_type = next((t.type for t in document.tracks if t.type), None)
    sport, sub = normalize_sport(track_type)
    if "cadence" in frame and sport in ON_FOOT_SPORTS:
        frame["cadence_spm"] = steps_per_minute(frame["cadence"], sport)
    backwards = int((frame["timestamp"].diff().dt.total_seconds() < 0).sum())
    if backwards:
        notes.append(f"time goes backwards at {backwards} points; their order in the file is kept")
    name = next((t.name for t in document.tracks if t.name), None) or document.name or ""

    outings = _outing_numbers(frame)
    start, totals = summary_totals(document.extensions) if outings.nunique() == 1 else (None, {})
    activities = []
    for _, part in frame.groupby(outings, sort=True):
        part_notes = list(notes)
        samples = tidy_samples(part, part_notes)
        if samples.empty:
            continue
        activities.append(RawActivity(samples=samples, sport=sport, sub_sport=sub, sport_raw=raw_sport(track_type),
                                      start_time=start, totals=totals, device=document.creator or "", name=name,
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
    start = pd.to_datetime(values.get("start_time"), utc=True, errors="coerce") if values.get("start_time") else None
    return (None if start is None or pd.isna(start) else start), totals


_TRACK_POINT_TAG = re.compile(rb"<((?:[A-Za-z_][\w.\-]*:)?trkpt)(?=[\s/>])([^>]*)>")


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

    if b"trkpt" not in xml:
        return xml, 0
    return _TRACK_POINT_TAG.sub(mark, xml), count


def _outing_numbers(frame: pd.DataFrame) -> pd.Series:
    """Number the outings of a file: a new ``<trk>`` starting more than
    :data:`SEPARATE_OUTINGS_AFTER` after the previous one ends is a new activity
    (a multi-day hike saved as one file); closer tracks are pauses of one."""
    per_track = frame.groupby("track")["timestamp"].agg(["min", "max"]).sort_index()
    gap = per_track["min"] - per_track["max"].shift()
    outing = (gap > SEPARATE_OUTINGS_AFTER).cumsum()
    return frame["track"].map(outing)
