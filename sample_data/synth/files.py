"""Write simulated workouts as the files devices and Strava produce.

FIT as a Garmin watch writes it, GPX and TCX as Strava exports them, and
gzip and zip wrappers with fixed timestamps so the bytes never change.
"""

from __future__ import annotations

import gzip
import io
import math
import zipfile
from dataclasses import dataclass, field

import pandas as pd

from .fitfile import (EVENT_ACTIVITY, EVENT_TIMER, SPORTS, START, STOP, STOP_ALL, SUB_SPORTS, FitWriter,
                      fit_time)

SEMICIRCLES_PER_DEG = 2**31 / 180.0


@dataclass
class Leg:
    """One session of an activity file: a sport, its start and its samples."""

    sport: str
    sub_sport: str
    start: pd.Timestamp  # UTC
    samples: pd.DataFrame  # from workouts.simulate or strength_session
    totals: dict
    extra: dict = field(default_factory=dict)


def _int_or_none(value) -> int | None:
    return None if value is None or pd.isna(value) else int(round(value))


def fit_activity(legs: list[Leg], utc_offset_s: int, serial: int, product: int = 4315) -> bytes:
    """A FIT activity file with one session per leg (several make a multisport file)."""
    writer = FitWriter()
    first, end = legs[0].start, None
    writer.add("file_id", type=4, manufacturer=1, product=product, serial_number=serial, time_created=fit_time(first))
    writer.add("event", timestamp=fit_time(first), event=EVENT_TIMER, event_type=START)
    for leg in legs:
        s = leg.samples
        for row in s.itertuples(index=False):
            values = {"timestamp": fit_time(leg.start) + int(row.elapsed_s)}
            lat = getattr(row, "latitude_deg", float("nan"))
            if not pd.isna(lat):
                values["position_lat"] = int(round(lat * SEMICIRCLES_PER_DEG))
                values["position_long"] = int(round(row.longitude_deg * SEMICIRCLES_PER_DEG))
                values["altitude"] = row.altitude_m
            values["heart_rate"] = _int_or_none(row.heart_rate_bpm)
            if hasattr(row, "distance_m"):
                values["distance"] = row.distance_m
                values["speed"] = row.speed_m_s
            if hasattr(row, "cadence_spm"):
                if leg.sport == "running":
                    per_leg = row.cadence_spm / 2.0
                    values["cadence"] = int(per_leg)
                    values["fractional_cadence"] = per_leg - int(per_leg)
                else:
                    values["cadence"] = _int_or_none(row.cadence_spm)
            writer.add("record", **values)
        end = leg.start + pd.Timedelta(seconds=int(s["elapsed_s"].iloc[-1]))
    for index, leg in enumerate(legs):
        t = leg.totals
        leg_end = leg.start + pd.Timedelta(seconds=t["elapsed_s"])
        common = dict(timestamp=fit_time(leg_end), start_time=fit_time(leg.start),
                      total_elapsed_time=t["elapsed_s"], total_timer_time=t["timer_s"],
                      total_distance=t["distance_m"])
        writer.add("lap", event=9, event_type=STOP, sport=SPORTS[leg.sport], message_index=index, **common)
    writer.add("event", timestamp=fit_time(end), event=EVENT_TIMER, event_type=STOP_ALL)
    for index, leg in enumerate(legs):
        t = leg.totals
        leg_end = leg.start + pd.Timedelta(seconds=t["elapsed_s"])
        cadence = t.get("avg_cadence_spm")
        if cadence is not None and leg.sport == "running":
            cadence /= 2.0
        writer.add(
            "session", timestamp=fit_time(leg_end), event=8, event_type=STOP, start_time=fit_time(leg.start),
            sport=SPORTS[leg.sport], sub_sport=SUB_SPORTS[leg.sub_sport], total_elapsed_time=t["elapsed_s"],
            total_timer_time=t["timer_s"], total_distance=t["distance_m"],
            avg_heart_rate=_int_or_none(t["avg_hr_bpm"]), max_heart_rate=_int_or_none(t["max_hr_bpm"]),
            avg_cadence=_int_or_none(cadence), total_ascent=_int_or_none(t["ascent_m"]),
            total_descent=_int_or_none(t["descent_m"]), first_lap_index=index, num_laps=1, message_index=index,
        )
    timer = sum(leg.totals["timer_s"] for leg in legs)
    writer.add("activity", timestamp=fit_time(end), total_timer_time=timer, num_sessions=len(legs), type=0,
               event=EVENT_ACTIVITY, event_type=STOP, local_timestamp=fit_time(end) + utc_offset_s)
    return writer.to_bytes()


def _utc(start: pd.Timestamp, seconds) -> str:
    return (start + pd.Timedelta(seconds=int(seconds))).strftime("%Y-%m-%dT%H:%M:%SZ")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def strava_gpx(leg: Leg, name: str, strava_type: str, gps_noise_m: float, rng) -> bytes:
    """A GPX file as Strava exports an activity recorded with its phone app."""
    s = leg.samples
    noise_deg = rng.normal(0.0, gps_noise_m, (len(s), 2)) / 111_195.0
    points = []
    for i, row in enumerate(s.itertuples(index=False)):
        lat = row.latitude_deg + noise_deg[i, 0]
        lon = row.longitude_deg + noise_deg[i, 1] / math.cos(math.radians(lat))
        ext = f"<gpxtpx:hr>{round(row.heart_rate_bpm)}</gpxtpx:hr>"
        if hasattr(row, "cadence_spm"):
            per_leg = row.cadence_spm / 2.0 if leg.sport == "running" else row.cadence_spm
            ext += f"<gpxtpx:cad>{round(per_leg)}</gpxtpx:cad>"
        points.append(
            f'   <trkpt lat="{lat:.7f}" lon="{lon:.7f}">\n    <ele>{row.altitude_m:.1f}</ele>\n'
            f"    <time>{_utc(leg.start, row.elapsed_s)}</time>\n    <extensions>\n"
            f"     <gpxtpx:TrackPointExtension>\n      {ext}\n     </gpxtpx:TrackPointExtension>\n"
            f"    </extensions>\n   </trkpt>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx creator="StravaGPX Android" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd" '
        'version="1.1" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
        f" <metadata>\n  <time>{_utc(leg.start, 0)}</time>\n </metadata>\n"
        f" <trk>\n  <name>{_escape(name)}</name>\n  <type>{strava_type}</type>\n  <trkseg>\n"
        + "\n".join(points)
        + "\n  </trkseg>\n </trk>\n</gpx>\n"
    ).encode()


def strava_tcx(leg: Leg, device: str) -> bytes:
    """A TCX file as Strava hands back one uploaded from Garmin Connect."""
    s, t = leg.samples, leg.totals
    iso = _utc(leg.start, 0)
    points = []
    for row in s.itertuples(index=False):
        position = ""
        if not pd.isna(row.latitude_deg):
            position = (f"<Position><LatitudeDegrees>{row.latitude_deg:.7f}</LatitudeDegrees>"
                        f"<LongitudeDegrees>{row.longitude_deg:.7f}</LongitudeDegrees></Position>"
                        f"<AltitudeMeters>{row.altitude_m:.1f}</AltitudeMeters>")
        points.append(
            f"<Trackpoint><Time>{_utc(leg.start, row.elapsed_s)}</Time>{position}"
            f"<DistanceMeters>{row.distance_m:.1f}</DistanceMeters>"
            f"<HeartRateBpm><Value>{round(row.heart_rate_bpm)}</Value></HeartRateBpm>"
            f'<Extensions><ns3:TPX><ns3:Speed>{row.speed_m_s:.3f}</ns3:Speed>'
            f"<ns3:RunCadence>{round(row.cadence_spm / 2.0)}</ns3:RunCadence></ns3:TPX></Extensions></Trackpoint>"
        )
    sport = {"running": "Running", "cycling": "Biking"}.get(leg.sport, "Other")
    return (
        '  <?xml version="1.0" encoding="UTF-8"?>\n'  # Strava's TCX starts with spaces; kept on purpose
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2" '
        'xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">\n'
        f' <Activities>\n  <Activity Sport="{sport}">\n   <Id>{iso}</Id>\n   <Lap StartTime="{iso}">\n'
        f"    <TotalTimeSeconds>{t['timer_s']:.1f}</TotalTimeSeconds>\n"
        f"    <DistanceMeters>{t['distance_m']:.1f}</DistanceMeters>\n"
        f"    <AverageHeartRateBpm><Value>{round(t['avg_hr_bpm'])}</Value></AverageHeartRateBpm>\n"
        f"    <MaximumHeartRateBpm><Value>{round(t['max_hr_bpm'])}</Value></MaximumHeartRateBpm>\n"
        "    <Intensity>Active</Intensity>\n    <TriggerMethod>Manual</TriggerMethod>\n    <Track>\n"
        + "\n".join(points)
        + f"\n    </Track>\n   </Lap>\n   <Creator><Name>{device}</Name></Creator>\n  </Activity>\n"
        " </Activities>\n</TrainingCenterDatabase>\n"
    ).encode()


def gzip_bytes(data: bytes) -> bytes:
    """Gzip with no name and a zero timestamp, so equal input gives equal bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as handle:
        handle.write(data)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    """A zip archive with fixed member dates."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()
