"""TCX (Garmin Training Center) files, as Garmin Connect, Polar and Strava export them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from ..errors import CorruptFileError, NoActivityDataError
from ..sports import ON_FOOT_SPORTS, normalize_sport, raw_sport
from ..timeline import RawActivity, tidy_samples
from . import tcxfast
from .tcxfast import number
from .cadence import steps_per_minute
from .xmlsafe import local, parse_repairing, prepare_xml

#: What a malformed document raises (LookupError: an encoding the parser does not know).
_XML_ERRORS = (ElementTree.ParseError, ValueError, LookupError)

#: Trackpoint elements and the sample column each fills (``<Value>`` is the one of ``<HeartRateBpm>``).
_POINT_FIELDS = {
    "LatitudeDegrees": "latitude_deg",
    "LongitudeDegrees": "longitude_deg",
    "AltitudeMeters": "altitude_m",
    "DistanceMeters": "distance_m",
    "Value": "heart_rate_bpm",
    "Cadence": "cadence",
    "RunCadence": "cadence",
    "Speed": "speed_m_s",
    "Watts": "power_w",
}


def read_tcx(data: bytes, path: str = "<bytes>") -> list[RawActivity]:
    """Read every ``<Activity>`` of a TCX document.

    Laps give the device's totals (timer time, distance, heart rate);
    trackpoints give the samples, each ``<Track>`` its own segment (Polar
    starts a new track after every pause).

    Raises
    ------
    CorruptFileError
        Not well-formed XML, or not a TCX document.
    NoActivityDataError
        No activity with a time in it.
    """
    try:
        (root, points_of), notes, partial = parse_repairing(prepare_xml(data, path), _parse, _XML_ERRORS, "Trackpoint")
    except _XML_ERRORS as exc:
        raise CorruptFileError(path, f"not well-formed XML ({exc})") from exc
    if local(root.tag) != "TrainingCenterDatabase":
        raise CorruptFileError(path, f"a <{local(root.tag)}> document, not TCX")
    activities = [_activity(el, points_of) for el in root.iter() if local(el.tag) == "Activity"]
    activities = [replace(a, notes=notes + a.notes, partial=a.partial or partial) for a in activities if a is not None]
    if not activities:
        raise NoActivityDataError(path, "no activity with a recorded time")
    return activities


def _parse(xml: bytes) -> tuple[ElementTree.Element, Callable[[ElementTree.Element], dict]]:
    """The document's tree and how to read a ``<Track>``'s points from it: the points :func:`tcxfast.read` took
    from the bytes where it could read the document, else the whole tree (and its errors) and
    :func:`_tree_points`."""
    fast = tcxfast.read(xml, _POINT_FIELDS)
    if fast is None:
        return ElementTree.fromstring(xml), _tree_points
    root, tracks = fast
    return root, lambda track: tracks[int(track.get(tcxfast.TRACK_NUMBER))]


def _tree_points(track) -> dict:
    """The points of a ``<Track>`` of the tree, as :func:`tcxfast.read` gives them: each ``<Trackpoint>``'s
    time, and for each column the value of its last element (at any depth) that fills the column."""
    points = [c for c in track if local(c.tag) == "Trackpoint"]
    columns: dict[str, np.ndarray] = {}
    for index, point in enumerate(points):
        for child in point.iter():
            column = _POINT_FIELDS.get(local(child.tag))
            if column is not None:
                if column not in columns:
                    columns[column] = np.full(len(points), np.nan)
                columns[column][index] = number(child.text)
    return {"timestamp": [_text(point, "Time") for point in points], **columns}


def _samples(tracks: list[dict]) -> pd.DataFrame:
    """One table of the points of ``tracks``, each track its own ``segment``; NaN where a track has no column."""
    sizes = [len(track["timestamp"]) for track in tracks]
    if not sum(sizes):
        return pd.DataFrame()
    names = dict.fromkeys(name for track in tracks for name in track if name != "timestamp")
    return pd.DataFrame({
        "timestamp": [time for track in tracks for time in track["timestamp"]],
        "segment": np.repeat(np.arange(len(tracks)), sizes),
        **{name: np.concatenate([track.get(name, np.full(size, np.nan)) for track, size in zip(tracks, sizes)])
           for name in names},
    })


def _child(element, name):
    for child in element:
        if local(child.tag) == name:
            return child
    return None


def _text(element, *names):
    for name in names:
        if element is None:
            return None
        element = _child(element, name)
    return element.text.strip() if element is not None and element.text else None


def _activity(element, points_of) -> RawActivity | None:
    sport, sub = normalize_sport(element.get("Sport"))
    tracks, laps = [], []
    for lap in (c for c in element if local(c.tag) == "Lap"):
        laps.append(
            {
                "start": lap.get("StartTime"),
                "time_s": number(_text(lap, "TotalTimeSeconds")),
                "distance_m": number(_text(lap, "DistanceMeters")),
                "avg_hr": number(_text(lap, "AverageHeartRateBpm", "Value")),
                "max_hr": number(_text(lap, "MaximumHeartRateBpm", "Value")),
            }
        )
        tracks += [points_of(trk) for trk in lap if local(trk.tag) == "Track"]
    frame = _samples(tracks)
    if not frame.empty:
        frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True, errors="coerce", format="ISO8601")
        if "cadence" in frame and sport in ON_FOOT_SPORTS:
            frame["cadence_spm"] = steps_per_minute(frame["cadence"], sport)
    notes: list[str] = []
    samples = tidy_samples(frame, notes)
    start_text = _text(element, "Id") or (laps[0]["start"] if laps else None)
    start = pd.to_datetime(start_text, utc=True, errors="coerce", format="ISO8601") if start_text else pd.NaT
    if pd.isna(start):
        start = samples["timestamp"].iloc[0] if not samples.empty else None
    if start is None:
        return None
    if not samples.empty:
        start = min(start, samples["timestamp"].iloc[0])
    totals = _lap_totals(laps)
    lap_distance = totals.get("distance_m")
    point_distance = samples["distance_m"].max() if samples["distance_m"].notna().any() else None
    if lap_distance and point_distance and abs(point_distance - lap_distance) > 0.1 * max(lap_distance, point_distance):
        notes.append(f"laps add up to {lap_distance:.0f} m but the track's own counter says {point_distance:.0f} m")
    creator = _child(element, "Creator")
    device = " ".join(filter(None, [_text(creator, "Name") if creator is not None else None]))
    return RawActivity(samples=samples, sport=sport, sub_sport=sub, sport_raw=raw_sport(element.get("Sport")),
                       start_time=start, totals=totals, device=device, notes=notes)


def _lap_totals(laps: list[dict]) -> dict:
    if not laps:
        return {}
    lap = pd.DataFrame(laps)
    time_s = lap["time_s"].sum(min_count=1)
    weights = lap["time_s"].where(lap["avg_hr"].notna())
    avg_hr = (lap["avg_hr"] * weights).sum() / weights.sum() if weights.sum() > 0 else None
    return {
        "moving_time_s": None if pd.isna(time_s) else float(time_s),
        "distance_m": None if pd.isna(lap["distance_m"].sum(min_count=1)) else float(lap["distance_m"].sum()),
        "avg_heart_rate_bpm": avg_hr,
        "max_heart_rate_bpm": None if lap["max_hr"].isna().all() else float(lap["max_hr"].max()),
    }
