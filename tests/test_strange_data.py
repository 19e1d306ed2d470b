"""Strange but valid recordings: imported with a note, with sane values, never distorting a week.

Each case is a small GPX or TCX run written here (or a real corpus file)
beside one ordinary run, so a case that went wrong would also show in the
week's load.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from riskload import build_load, read_export
from riskload.importers.export import read_file

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc)  # a Monday
STEP_DEG = 0.00003  # about 3.3 m of latitude: 3.3 m/s at one point a second


def gpx(points, name="Run") -> bytes:
    """A GPX run from ``(time, lat, lon, ele, hr, cad)`` tuples (None leaves a value out)."""
    rows = []
    for time, lat, lon, ele, hr, cad in points:
        ext = "".join(f"<gpxtpx:{tag}>{value}</gpxtpx:{tag}>" for tag, value in (("hr", hr), ("cad", cad))
                      if value is not None)
        rows.append(f'<trkpt lat="{lat:.6f}" lon="{lon:.6f}">' + (f"<ele>{ele}</ele>" if ele is not None else "")
                    + f"<time>{time:%Y-%m-%dT%H:%M:%SZ}</time>"
                    + (f"<extensions><gpxtpx:TrackPointExtension>{ext}</gpxtpx:TrackPointExtension></extensions>"
                       if ext else "") + "</trkpt>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="test" '
            'xmlns="http://www.topografix.com/GPX/1/1" '
            'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
            f"<trk><name>{name}</name><type>running</type><trkseg>{''.join(rows)}</trkseg></trk></gpx>").encode()


def steady(start=START, seconds=1800, **overrides):
    """Points of an even 3.3 m/s run northwards, one a second; keyword lists override columns."""
    points = []
    for i in range(seconds):
        row = [start + timedelta(seconds=i), 47.0 + i * STEP_DEG, 11.0, 600.0 + (i % 60) * 0.1, 150, 85]
        points.append(row)
    for column, values in overrides.items():
        index = ["time", "lat", "lon", "ele", "hr", "cad"].index(column)
        for row, value in zip(points, values):
            row[index] = value
    return [tuple(p) for p in points]


def tcx(laps_xml: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><TrainingCenterDatabase '
            'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Activities>'
            f'<Activity Sport="Running"><Id>{START:%Y-%m-%dT%H:%M:%SZ}</Id>{laps_xml}</Activity>'
            "</Activities></TrainingCenterDatabase>").encode()


def import_alone(tmp_path, name: str, data: bytes, ordinary=True):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / name).write_bytes(data)
    if ordinary:  # an ordinary 30-minute run three days later, for the week's load
        (folder / "ordinary.gpx").write_bytes(gpx(steady(START + timedelta(days=3))))
    export = read_export(folder, cache=False, workers=1)
    return export, export.activities[export.activities["source_path"] == name]


def week_km(export) -> pd.Series:
    load = build_load(export, as_of="2026-03-08")
    return load.weekly["distance_km"]


ORDINARY_KM = 1800 * STEP_DEG * 111_195 / 1000  # about 6.0 km


def test_the_ordinary_run_alone(tmp_path):
    export, row = import_alone(tmp_path, "run.gpx", gpx(steady()), ordinary=False)
    assert row["distance_m"].iloc[0] / 1000 == pytest.approx(ORDINARY_KM, rel=0.01)
    assert row["quality_notes"].fillna("").iloc[0] == ""


def test_a_run_dated_before_2000_is_listed_not_placed_decades_back(tmp_path):
    export, row = import_alone(tmp_path, "old.gpx", gpx(steady(start=datetime(1990, 1, 1, tzinfo=timezone.utc))))
    assert row.empty
    assert "before 2000" in export.skipped.set_index("path").loc["old.gpx", "reason"]
    assert week_km(export).sum() == pytest.approx(ORDINARY_KM, rel=0.01)


def test_a_run_dated_in_the_future_is_listed_not_counted(tmp_path):
    future = datetime.now(timezone.utc) + timedelta(days=400)
    export, row = import_alone(tmp_path, "future.gpx", gpx(steady(start=future)))
    assert row.empty
    reason = export.skipped.set_index("path").loc["future.gpx", "reason"]
    assert "in the future" in reason and "clock" in reason
    assert week_km(export).sum() == pytest.approx(ORDINARY_KM, rel=0.01)


def test_time_running_backwards_is_noted_and_adds_no_time(tmp_path):
    times = [START + timedelta(seconds=i) for i in range(1800)]
    times[900:1000] = [t - timedelta(seconds=600) for t in times[900:1000]]  # the clock jumps back 10 min
    export, row = import_alone(tmp_path, "back.gpx", gpx(steady(time=times)))
    assert "time goes backwards" in row["quality_notes"].iloc[0]
    assert 0 < row["moving_time_s"].iloc[0] <= 1800 and 0 < row["elapsed_time_s"].iloc[0] <= 1800
    assert row["distance_m"].iloc[0] / 1000 < ORDINARY_KM * 1.01


def test_a_31_day_recording_is_judged_by_its_samples(tmp_path):
    points = steady(seconds=900) + steady(start=START + timedelta(days=31), seconds=900)
    points = [(t, 47.0 + i * STEP_DEG, lon, ele, hr, cad) for i, (t, _, lon, ele, hr, cad) in enumerate(points)]
    export, row = import_alone(tmp_path, "month.gpx", gpx(points))
    assert row["start_time"].tolist() == [pd.Timestamp(START), pd.Timestamp(START + timedelta(days=31))]
    assert row["elapsed_time_s"].tolist() == [899, 899] and row["moving_time_s"].tolist() == [899, 899]
    assert (row["quality_notes"] == "the recording spans 31.0 days; judged by its samples it holds 2 outings "
                                    "(a gap of over 2 h starts a new one)").all()


def test_a_real_31_day_file_from_the_corpus(corpus):
    got = read_file(corpus / "fit" / "SL__31-days-activity.fit").activities
    assert got["start_time"].dt.date.astype(str).tolist() == ["2018-04-10", "2018-05-10"]
    assert got["elapsed_time_s"].tolist() == [1058, 493]
    # the device's cumulative distance, cut at the gap, adds up to its own total (9997.4 m)
    assert got["distance_m"].sum() == pytest.approx(9997.4, abs=10)


def test_gps_teleports_add_no_distance(tmp_path):
    lats = [47.0 + i * STEP_DEG for i in range(1800)]
    lats[600:603] = [52.5, 52.5, 52.5]  # three fixes 600 km away
    export, row = import_alone(tmp_path, "jump.gpx", gpx(steady(lat=lats)))
    assert row["distance_m"].iloc[0] / 1000 == pytest.approx(ORDINARY_KM, rel=0.02)


def test_zero_and_absurd_heart_rate_and_cadence_are_ignored_with_a_note(tmp_path):
    hr = [0] * 300 + [150] * 1200 + [400] * 300
    cad = [0] * 300 + [85] * 1200 + [250] * 300
    export, row = import_alone(tmp_path, "sensors.gpx", gpx(steady(hr=hr, cad=cad)))
    got = row.iloc[0]
    assert got["avg_heart_rate_bpm"] == pytest.approx(150) and got["max_heart_rate_bpm"] == pytest.approx(150)
    assert got["avg_cadence_spm"] == pytest.approx(170)
    assert "600 heart-rate values outside 25-250 bpm were ignored" in got["quality_notes"]
    assert "300 cadence values outside" in got["quality_notes"]  # the zeros are standing still: not remarked


def test_all_zero_elevation_is_taken_as_not_recorded(tmp_path):
    # a device without a barometer or GPS altitude writes 0: unknown climb, not a flat run
    export, row = import_alone(tmp_path, "flat.gpx", gpx(steady(ele=[0.0] * 1800)))
    assert row[["ascent_m", "descent_m"]].isna().all(axis=None)
    assert row["elevation_source"].iloc[0] == "none"
    assert "altitude is 0 throughout" in row["quality_notes"].iloc[0]


def _trackpoint(i: int, distance: float) -> str:
    return (f"<Trackpoint><Time>{START + timedelta(seconds=i):%Y-%m-%dT%H:%M:%SZ}</Time>"
            f"<DistanceMeters>{distance:.1f}</DistanceMeters><HeartRateBpm><Value>150</Value></HeartRateBpm>"
            "</Trackpoint>")


def test_device_distance_going_backwards_never_subtracts(tmp_path):
    distances = [i * 3.3 for i in range(1800)]
    distances[1000:1010] = [100.0] * 10  # the odometer drops back for ten seconds
    points = "".join(_trackpoint(i, d) for i, d in enumerate(distances))
    lap = f'<Lap StartTime="{START:%Y-%m-%dT%H:%M:%SZ}"><Track>{points}</Track></Lap>'
    export, row = import_alone(tmp_path, "odometer.tcx", tcx(lap))
    assert 1799 * 3.3 * 0.98 <= row["distance_m"].iloc[0] <= 1799 * 3.3 * 1.02


def test_a_run_with_a_summary_but_no_samples(tmp_path):
    lap = (f'<Lap StartTime="{START:%Y-%m-%dT%H:%M:%SZ}"><TotalTimeSeconds>1800</TotalTimeSeconds>'
           "<DistanceMeters>6000</DistanceMeters><AverageHeartRateBpm><Value>148</Value></AverageHeartRateBpm></Lap>")
    export, row = import_alone(tmp_path, "summary.tcx", tcx(lap))
    got = row.iloc[0]
    assert (got["distance_m"], got["moving_time_s"], got["n_samples"]) == (6000, 1800, 0)
    assert got["avg_heart_rate_bpm"] == 148
    assert week_km(export).sum() == pytest.approx(6.0 + ORDINARY_KM, rel=0.01)


def test_a_run_with_samples_but_no_summary(tmp_path):
    points = "".join(_trackpoint(i, i * 3.3) for i in range(1800))
    lap = f'<Lap StartTime="{START:%Y-%m-%dT%H:%M:%SZ}"><Track>{points}</Track></Lap>'
    export, row = import_alone(tmp_path, "samples.tcx", tcx(lap))
    got = row.iloc[0]
    assert got["distance_m"] == pytest.approx(1799 * 3.3) and got["moving_time_s"] == pytest.approx(1799)
    assert got["avg_heart_rate_bpm"] == 150
