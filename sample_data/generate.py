"""Write the bundled sample export: ``python sample_data/generate.py``.

Deterministic: the same seed writes the same bytes. The athlete runs a hilly
loop outside Innsbruck (Europe/Vienna time) three to five times a week for six
weeks, recorded by a phone app as GPX and by a watch as gzipped TCX, in the
layout of a Strava bulk export (``activities/`` plus ``activities.csv``).
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SEED = 20260301
CENTRE = (47.2692, 11.4041)  # Innsbruck [deg]
STEP_S = 5  # recording interval [s]
ZONE = "Europe/Vienna"

#: (day offset from the first Monday, local start hour, km, route hilliness [m])
PLAN = [
    (0, 7, 6.0, 20), (2, 18, 8.0, 60), (5, 9, 12.0, 120),
    (7, 7, 6.5, 20), (9, 18, 8.0, 60), (12, 9, 13.0, 120),
    (14, 7, 7.0, 20), (15, 18, 6.0, 20), (16, 18, 9.0, 60), (19, 9, 14.0, 120),
    (21, 7, 5.0, 20), (23, 18, 6.0, 20), (26, 9, 9.0, 60),
    (28, 7, 7.0, 20), (30, 18, 9.0, 60), (33, 9, 15.0, 120),
    (35, 7, 8.0, 20), (36, 18, 8.0, 60), (37, 7, 9.0, 60), (40, 9, 19.0, 150), (41, 23.5, 5.0, 20),
]


def track(rng: np.random.Generator, km: float, hills_m: float) -> pd.DataFrame:
    """Points of one run on a circular loop: time, position, altitude, HR, cadence."""
    speed = rng.uniform(2.7, 3.2)  # [m/s]
    n = int(km * 1000 / speed / STEP_S)
    t = np.arange(n) * STEP_S
    dist = t * speed
    radius = 1000.0  # [m]
    angle = dist / radius
    lat = CENTRE[0] + (radius * np.sin(angle)) / 111_320.0
    lon = CENTRE[1] + (radius * (1 - np.cos(angle))) / (111_320.0 * math.cos(math.radians(CENTRE[0])))
    alt = 580 + hills_m / 2 * (1 - np.cos(angle * 2)) + rng.normal(0, 0.4, n)
    hr = 128 + 22 * (1 - np.exp(-t / 400)) + rng.normal(0, 2, n)
    cadence = 168 + rng.normal(0, 2, n)
    return pd.DataFrame({"t_s": t, "dist_m": dist, "lat": lat, "lon": lon, "alt": alt, "hr": hr, "cad": cadence})


def gpx(points: pd.DataFrame, start: pd.Timestamp, name: str) -> bytes:
    rows = []
    for p in points.itertuples():
        when = (start + pd.Timedelta(seconds=int(p.t_s))).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append(
            f'<trkpt lat="{p.lat:.7f}" lon="{p.lon:.7f}"><ele>{p.alt:.1f}</ele><time>{when}</time>'
            f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{p.hr:.0f}</gpxtpx:hr>"
            f"<gpxtpx:cad>{p.cad / 2:.0f}</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions></trkpt>"
        )
    body = "\n".join(rows)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx creator="riskload sample generator" version="1.1" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
        f"<trk><name>{name}</name><type>running</type><trkseg>\n{body}\n</trkseg></trk></gpx>\n"
    ).encode()


def tcx(points: pd.DataFrame, start: pd.Timestamp) -> bytes:
    rows = []
    for p in points.itertuples():
        when = (start + pd.Timedelta(seconds=int(p.t_s))).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append(
            f"<Trackpoint><Time>{when}</Time><Position><LatitudeDegrees>{p.lat:.7f}</LatitudeDegrees>"
            f"<LongitudeDegrees>{p.lon:.7f}</LongitudeDegrees></Position><AltitudeMeters>{p.alt:.1f}</AltitudeMeters>"
            f"<DistanceMeters>{p.dist_m:.1f}</DistanceMeters><HeartRateBpm><Value>{p.hr:.0f}</Value></HeartRateBpm>"
            f"<Extensions><TPX xmlns=\"http://www.garmin.com/xmlschemas/ActivityExtension/v2\">"
            f"<RunCadence>{p.cad / 2:.0f}</RunCadence></TPX></Extensions></Trackpoint>"
        )
    iso = start.strftime("%Y-%m-%dT%H:%M:%SZ")
    last = points.iloc[-1]
    return (
        '  <?xml version="1.0" encoding="UTF-8"?>\n'  # Strava's leading spaces, kept on purpose
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f'<Activities><Activity Sport="Running"><Id>{iso}</Id><Lap StartTime="{iso}">'
        f"<TotalTimeSeconds>{last.t_s:.0f}</TotalTimeSeconds><DistanceMeters>{last.dist_m:.1f}</DistanceMeters>"
        "<Track>" + "\n".join(rows) + "</Track></Lap>"
        "<Creator><Name>Forerunner 255</Name></Creator></Activity></Activities></TrainingCenterDatabase>\n"
    ).encode()


def deterministic_gzip(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as handle:
        handle.write(data)
    return buffer.getvalue()


def main(out: Path = HERE / "athlete-a") -> None:
    rng = np.random.default_rng(SEED)
    activities = out / "activities"
    activities.mkdir(parents=True, exist_ok=True)
    first_monday = pd.Timestamp("2026-03-02")
    csv_rows = []
    for number, (day, hour, km, hills) in enumerate(PLAN, start=1):
        local = (first_monday + pd.Timedelta(days=day, hours=hour)).tz_localize(ZONE)  # wall time, DST-aware
        start = local.tz_convert("UTC")
        points = track(rng, km, hills)
        name = f"{'Evening' if hour >= 17 else 'Morning'} Run"
        strava_id = 9_000_000 + number
        if number % 2:
            filename = f"activities/{strava_id}.gpx"
            (out / filename).write_bytes(gpx(points, start, name))
        else:
            filename = f"activities/{strava_id}.tcx.gz"
            (out / filename).write_bytes(deterministic_gzip(tcx(points, start)))
        csv_rows.append(
            [strava_id, start.strftime("%b %-d, %Y, %-I:%M:%S %p"), name, "Run", "", f"{points.t_s.iloc[-1]:.0f}",
             f"{points.dist_m.iloc[-1] / 1000:.2f}", "", "", "false", "", "Trail shoes" if hills > 100 else "Road shoes",
             filename]
        )
    header = ["Activity ID", "Activity Date", "Activity Name", "Activity Type", "Activity Description",
              "Elapsed Time", "Distance", "Max Heart Rate", "Relative Effort", "Commute", "Activity Private Note",
              "Activity Gear", "Filename", "Elapsed Time", "Distance"]
    with open(out / "activities.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in csv_rows:
            writer.writerow(row + [row[5], f"{float(row[6]) * 1000:.1f}"])


if __name__ == "__main__":
    main()
