"""What real multi-year exports hold and single files do not: crafted cases, one per trouble found.

Each case is written here as a small file (GPX or FIT) beside ordinary runs.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest

from riskload import read_export
from riskload.importers.export import read_file
from riskload.sports import SPORTS, normalize_sport, raw_sport

from .test_strange_data import STEP_DEG, gpx, steady, tcx

START = datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc)  # a Monday


def _write(folder, files: dict[str, bytes]):
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def test_gpx_points_without_a_position_count_for_time_not_distance(tmp_path):
    # a handheld unit: the first two minutes have time and elevation but no fix yet
    points = steady(seconds=1200)
    text = gpx(points).decode()
    for time, lat, lon, *_ in points[:120]:
        text = text.replace(f'<trkpt lat="{lat:.6f}" lon="{lon:.6f}">', "<trkpt>", 1)
    path = tmp_path / "etrex.gpx"
    path.write_text(text)
    row = read_file(path).activities.iloc[0]
    assert row["start_time"] == pd.Timestamp(START)
    assert row["elapsed_time_s"] == 1199
    assert row["moving_time_s"] == 1199
    assert abs(row["distance_m"] - 1079 * STEP_DEG * 111_195) < 5  # from the 1080 placed points only
    assert "120 of 1200 points have no position" in row["quality_notes"]


def test_a_single_odd_point_is_said_in_the_singular(tmp_path):
    points = steady(seconds=1200)
    text = gpx(points).decode()
    time, lat, lon, *_ = points[0]
    text = text.replace(f'<trkpt lat="{lat:.6f}" lon="{lon:.6f}">', "<trkpt>", 1)  # no fix yet
    stamps = [f"<time>{(pd.Timestamp(START) + pd.Timedelta(seconds=s)).strftime('%Y-%m-%dT%H:%M:%SZ')}</time>"
              for s in (600, 601)]
    text = text.replace(stamps[1], "<time>2026-01-01T00:00:00Z</time>", 1).replace(stamps[0], stamps[1], 1)
    text = text.replace("<time>2026-01-01T00:00:00Z</time>", stamps[0], 1)  # two neighbours swapped: one step back
    path = tmp_path / "odd.gpx"
    path.write_text(text)
    notes = read_file(path).activities.iloc[0]["quality_notes"]
    assert "1 of 1200 points has no position (recorded before a GPS fix)" in notes
    assert "time goes backwards at 1 point;" in notes


@pytest.mark.parametrize("name, sub, family, variant, raw", [
    ("running", "trail", "running", "trail", "running/trail"),
    ("Trail Run", None, "running", "trail", "Trail Run"),
    ("running", "treadmill", "running", "treadmill", "running/treadmill"),
    ("training", "strength_training", "strength", "strength_training", "training/strength_training"),
    ("training", "breathing", "fitness", "breathing", "training/breathing"),
    ("generic", None, "other", "", "generic"),  # a jump-rope session on one watch
    ("all", None, "other", "", "all"),
    ("trip#track", None, "other", "", "trip#track"),
    ("54", "60", "other", "", "54/60"),  # a number the FIT profile riskload reads has no name for
    (None, None, "other", "", ""),
    ("9", None, "running", "", "9"),  # Strava's code in a GPX <type>
    ("Walk", None, "walking", "", "Walk"),
    ("mountaineering", None, "hiking", "mountaineering", "mountaineering"),
    ("stand_up_paddleboarding", None, "paddling", "stand_up_paddleboarding", "stand_up_paddleboarding"),
])
def test_every_sport_name_maps_onto_the_vocabulary_and_keeps_its_raw_value(name, sub, family, variant, raw):
    assert normalize_sport(name, sub) == (family, variant)
    assert family in SPORTS
    assert raw_sport(name, sub) == raw


def test_an_unknown_sport_is_never_running(tmp_path):
    text = gpx(steady(seconds=600)).decode().replace("<type>running</type>", "<type>trip#track</type>")
    path = tmp_path / "odd.gpx"
    path.write_text(text)
    row = read_file(path).activities.iloc[0]
    assert (row["sport"], row["sport_raw"], row["is_running"]) == ("other", "trip#track", False)


def _run(start, seconds=1800, lat0=47.0, sport="running"):
    """A GPX run of ``seconds`` one point a second from ``start``, heading north from ``lat0``."""
    points = [(start + timedelta(seconds=i), lat0 + i * STEP_DEG, 11.0, 600.0, 150, 85) for i in range(seconds)]
    return gpx(points).replace(b"<type>running</type>", f"<type>{sport}</type>".encode())


def test_a_recording_with_stray_points_over_years_swallows_nothing(tmp_path):
    # a GPSBabel file whose clock jumped: a few points in 2019, one real outing, points years later
    stray = [(START - timedelta(days=700 + 40 * i), 47.0, 11.0, 600.0, None, None) for i in range(5)]
    stray += [(START + timedelta(days=3 + 100 * i, hours=1), 47.0, 11.0, 600.0, None, None) for i in range(2)]
    outing = [(START - timedelta(days=1) + timedelta(seconds=i), 46.5 + i * STEP_DEG, 11.0, 600.0, None, None)
              for i in range(600)]
    broken = gpx(stray + outing).replace(b"<type>running</type>", b"<type>generic</type>")
    runs = {f"run{d}.gpx": _run(START + timedelta(days=d)) for d in range(0, 260, 20)}
    export = read_export(_write(tmp_path / "export", {"broken.gpx": broken, **runs}), cache=False)
    acts = export.activities
    assert acts["is_running"].sum() == len(runs)
    assert not (export.skipped["kind"] == "duplicate").any()
    odd = acts[acts["source_path"] == "broken.gpx"]
    assert len(odd) == 1 and odd["elapsed_time_s"].item() == 599 and odd["sport"].item() == "other"
    assert "7 stray points outside them were left out" in odd["quality_notes"].item()


def test_copies_never_chain(tmp_path):
    # two halves of one workout, and a second watch that recorded it whole: the halves are kept
    # (the richest first: both halves have heart rate), the whole is their copy, and nothing else goes
    first, second = _run(START, 900), _run(START + timedelta(seconds=960), 900, lat0=47.0 + 960 * STEP_DEG)
    whole = gpx([(START + timedelta(seconds=i), 47.0 + i * STEP_DEG, 11.0, 600.0, None, None) for i in range(1860)])
    later = _run(START + timedelta(seconds=1900), 900, lat0=47.0 + 1900 * STEP_DEG)
    export = read_export(_write(tmp_path / "export", {"a.gpx": first, "b.gpx": second, "watch2.gpx": whole,
                                                       "c.gpx": later}), cache=False)
    assert sorted(export.activities["source_path"]) == ["a.gpx", "b.gpx", "c.gpx"]
    assert export.skipped.set_index("path").loc["watch2.gpx", "reason"].startswith("the same activity as ")


def test_same_time_is_not_enough_sport_and_place_must_agree_too(tmp_path):
    files = {"run.gpx": _run(START), "ride.gpx": _run(START, sport="cycling"),
             "elsewhere.gpx": _run(START, lat0=48.0),  # a run at the same time 100 km away
             "copy.gpx": _run(START + timedelta(seconds=5), 1790),  # the same run, a second watch
             "untyped.gpx": _run(START, sport="").replace(b"<type></type>", b""),  # GPX without <type>
             "jumprope.gpx": _run(START, sport="generic")}
    export = read_export(_write(tmp_path / "export", files), cache=False)
    kept = sorted(export.activities["source_path"])
    assert kept == ["elsewhere.gpx", "jumprope.gpx", "ride.gpx", "run.gpx"]
    copies = export.skipped.set_index("path")
    assert sorted(copies.index) == ["copy.gpx", "untyped.gpx"]
    assert (copies["reason"].str.contains("run.gpx")).all()


def test_two_watches_recording_sparsely_are_one_run_and_a_summary_is_matched_by_its_start(tmp_path):
    # two watches in smart recording, a point every 20 s, 10 s out of step: no two points of the copies
    # lie closer than 10 s, and they are still one run (samples count as the same moment within a minute)
    def sparse(offset_s):
        return gpx([(START + timedelta(seconds=i), 47.0 + i * STEP_DEG, 11.0, 600.0, 150, 85)
                    for i in range(offset_s, 1800, 20)])

    later = f"{START + timedelta(seconds=40):%Y-%m-%dT%H:%M:%SZ}"  # a summary only, started 40 s later
    summary = tcx(f'<Lap StartTime="{later}"><TotalTimeSeconds>1750</TotalTimeSeconds><DistanceMeters>5900'
                  "</DistanceMeters></Lap>").replace(f"<Id>{START:%Y-%m-%dT%H:%M:%SZ}</Id>".encode(),
                                                     f"<Id>{later}</Id>".encode())
    export = read_export(_write(tmp_path / "export", {"a.gpx": sparse(0), "b.gpx": sparse(10),
                                                       "summary.tcx": summary}), cache=False)
    assert export.activities["source_path"].tolist() == ["a.gpx"]  # the two GPX are equally rich: the first
    assert export.skipped.set_index("path")["reason"].to_dict() == {
        name: f"the same activity as a.gpx (id {export.activities['activity_id'].item()}), which is kept"
        for name in ("b.gpx", "summary.tcx")}


def test_a_copy_sharing_most_of_its_time_is_one_and_two_runs_that_merely_touch_are_two(tmp_path):
    def along(first_s, last_s):  # one road, one pace: any two recordings agree where they share a moment
        return gpx([(START + timedelta(seconds=i), 47.0 + i * STEP_DEG, 11.0, 600.0, 150, 85)
                    for i in range(first_s, last_s)])

    files = {"watch.gpx": along(0, 1800),
             "phone.gpx": along(600, 2100),  # started 10 min late, stopped 5 min after: 80 % of it shared
             "next.gpx": along(1700, 3500)}  # begun before the first ended: 6 % of it shared
    export = read_export(_write(tmp_path / "export", files), cache=False)
    assert sorted(export.activities["source_path"]) == ["next.gpx", "watch.gpx"]
    assert export.skipped["path"].tolist() == ["phone.gpx"]


def test_a_session_claiming_30_hours_for_27_minutes_of_records_swallows_nothing(tmp_path):
    from sample_data.synth.files import Leg, fit_activity

    seconds = np.arange(0, 1620, 1.0)
    samples = pd.DataFrame({"elapsed_s": seconds, "latitude_deg": 47.0 + seconds * STEP_DEG, "longitude_deg": 11.0,
                            "altitude_m": 600.0, "heart_rate_bpm": 150.0, "distance_m": seconds * 3.3,
                            "speed_m_s": 3.3, "cadence_spm": 170.0})
    totals = {"elapsed_s": 107_674, "timer_s": 1620, "distance_m": 5346.0, "avg_hr_bpm": 150, "max_hr_bpm": 160,
              "avg_cadence_spm": 170, "ascent_m": 0, "descent_m": 0}
    fit = fit_activity([Leg("running", "generic", pd.Timestamp(START), samples, totals)], 3600, 1)
    export = read_export(_write(tmp_path / "export", {"claim.fit": fit,
                                                       "next_day.gpx": _run(START + timedelta(days=1))}), cache=False)
    acts = export.activities.set_index("source_path")
    assert sorted(acts.index) == ["claim.fit", "next_day.gpx"]
    assert acts.loc["claim.fit", ["elapsed_time_s", "moving_time_s"]].tolist() == [1620, 1620]  # the timer holds
    assert "elapsed time of 107674 s is far longer than its samples span (1619 s)" in acts.loc["claim.fit",
                                                                                              "quality_notes"]


def test_a_lone_activity_years_before_the_history_does_not_stretch_the_load():
    from .synthetic import history, run

    clockless = run(0, 6)
    clockless.start_time = pd.Timestamp("2000-01-10 08:00", tz="UTC")
    clockless.samples["timestamp"] = clockless.samples["timestamp"] - (pd.Timestamp("2026-01-05 08:00", tz="UTC")
                                                                        - clockless.start_time)
    load = history([clockless] + [run(d, 8) for d in range(0, 60, 3)], as_of="2026-03-08")
    assert load.weekly.index[0] == pd.Timestamp("2026-01-05")
    assert len(load.activities) == 20 and pd.Timestamp("2000-01-10") not in set(load.activities["local_date"])
    assert any("1 activity dated 2000-01-10 lies more than a year before" in n for n in load.notes)


def test_a_runner_back_after_a_long_break_keeps_the_new_runs():
    from .synthetic import history, run

    load = history([run(d, 8) for d in range(-560, -500, 3)] + [run(d, 5) for d in (0, 3)], as_of="2026-01-11")
    assert len(load.activities) == 22
    assert not any("more than a year before" in n for n in load.notes)


def _parts_of_one_workout():
    from .synthetic import run

    # 8 km runs three times a week for five weeks, then a 16 km workout the watch saved as two
    # files 6 minutes apart (10 km, then 6 km from 09:06), and an evening run the same day
    steady_weeks = [run(d, 8) for d in range(0, 35, 2)]
    first = run(36, 10, hour=8)
    second = run(36, 6, hour=8 + (10_000 / 3.0 + 360) / 3600)
    evening = run(36, 5, hour=19)
    return steady_weeks + [first, second, evening]


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
def test_a_workout_saved_in_parts_is_one_session_for_load_and_rules(storage):
    # pandas keeps text in pyarrow arrays when pyarrow is installed (the Parquet extra brings it), else in Python
    # objects; a list of a session's parts was once an Arrow list that the string methods refused
    from .synthetic import analysis

    with pd.option_context("mode.string_storage", storage):
        result = analysis(_parts_of_one_workout(), as_of="2026-02-15")
    acts = result.export.activities
    assert acts["activity_id"].dtype.storage == storage
    day = acts[acts["local_date"] == pd.Timestamp("2026-02-10")].sort_values("start_time")
    assert len(day) == 3  # every recording stays visible
    assert day["session_id"].iloc[0] == day["session_id"].iloc[1] == day["activity_id"].iloc[0]
    assert day["session_id"].iloc[2] == day["activity_id"].iloc[2]  # the evening run is its own
    runs = result.load.runs[result.load.runs["local_date"] == pd.Timestamp("2026-02-10")]
    assert runs["distance_km"].round(3).tolist() == [16.0, 5.0]
    assert runs["part_ids"].iloc[0] == day["activity_id"].iloc[:2].tolist()
    assert result.load.daily.loc["2026-02-10", "longest_run_km"] == pytest.approx(16.0)
    week = result.load.weekly.loc["2026-02-09"]
    assert week["runs"] == 2
    long_run = result.flags[result.flags["code"] == "RL004"]
    assert len(long_run) == 1 and "a 16.0 km run, 2.00 times" in long_run["message"].item()
    assert long_run["activity_ids"].item() == day["activity_id"].iloc[:2].tolist()


def test_a_session_gap_of_zero_joins_nothing():
    from .synthetic import analysis

    result = analysis(_parts_of_one_workout(), as_of="2026-02-15", session_gap_min=0)
    runs = result.load.runs[result.load.runs["local_date"] == pd.Timestamp("2026-02-10")]
    assert runs["distance_km"].round(3).tolist() == [10.0, 6.0, 5.0]


def test_a_gpx_summary_gives_the_totals_the_points_lack(tmp_path):
    # the watch started 5 min before its first GPS fix: its summary counts them, the points cannot
    text = gpx(steady(start=START + timedelta(minutes=5), seconds=1200)).decode()
    summary = ("<extensions><distance>5000.0</distance><average_hr>151.0</average_hr>"
               f"<start_time>{START:%Y-%m-%dT%H:%M:%S}+00:00</start_time><moving_time>1490.0</moving_time>"
               "<elapsed_time>1500.0</elapsed_time></extensions>")
    path = tmp_path / "late_fix.gpx"
    path.write_text(text.replace("<trk>", summary + "<trk>", 1))
    row = read_file(path).activities.iloc[0]
    assert row["start_time"] == pd.Timestamp(START)
    assert row[["distance_m", "moving_time_s", "elapsed_time_s", "avg_heart_rate_bpm"]].tolist() == [
        5000.0, 1490.0, 1500.0, 151.0]
    assert row["distance_source"] == "device"


def test_a_real_garmin_gpx_history_matches_its_summaries(histories, tmp_path):
    # the files' own summaries are the watch's values; the points alone must come close where the GPS
    # started with the run (the first point within 30 s of the summary's start)
    import gpxpy

    from riskload.importers.gpx import summary_totals

    folder = histories / "ericzzz-garmin-gpx" / "export" / "GPX_OUT"
    close_time = close_distance = judged = 0
    for path in sorted(folder.glob("*.gpx"))[::4]:
        data = path.read_bytes()
        document = gpxpy.parse(data.decode())
        start, totals = summary_totals(document.extensions)
        plain = data.replace(b"<extensions>\n<distance>", b"<extensions>\n<x>").replace(b"</distance>", b"</x>")
        plain = re.sub(rb"<(moving_time|elapsed_time|start_time)>[^<]*</\1>", b"", plain)
        (tmp_path / path.name).write_bytes(plain)
        points = read_file(tmp_path / path.name).activities.iloc[0]
        if (points["start_time"] - start).total_seconds() > 30:
            continue
        judged += 1
        close_time += abs(points["moving_time_s"] / totals["moving_time_s"] - 1) <= 0.02
        close_distance += abs(points["distance_m"] / totals["distance_m"] - 1) <= 0.02
    assert judged >= 40
    assert close_time / judged >= 0.95 and close_distance / judged >= 0.95


@pytest.mark.parametrize("folders, settings_name, title", [
    (("Jo", "export"), "", "Jo"),  # a platform's folder name says nothing: its parent does
    (("ericzzz-garmin-gpx", "export", "GPX_OUT"), "", "ericzzz-garmin-gpx"),
    (("downloads", "export_12345678"), "", "Strava athlete 12345678"),
    (("export", "data", "activities"), "", "Runner"),
    (("Jo", "export"), "Johanna", "Johanna"),  # the settings' name wins
])
def test_the_title_names_the_athlete(tmp_path, folders, settings_name, title):
    from riskload.analysis import athlete_name
    from riskload.settings import Settings

    folder = tmp_path.joinpath(*folders)
    folder.mkdir(parents=True)
    assert athlete_name(folder, Settings(name=settings_name)) == title


@pytest.mark.parametrize("text, start", [
    ("2026-08-06T12:40:48+00:00", "2026-08-06 12:40:48+00:00"),
    ("2026-08-06T20:40:48.5+08:00", "2026-08-06 12:40:48.5+00:00"),
    ("2026-08-06T12:40:48Z", "2026-08-06 12:40:48+00:00"),
    ("2026-08-06 12:40:48", "2026-08-06 12:40:48+00:00"),  # no zone: UTC, as the points' times
    ("2026-13-06T12:40:48Z", None),
    ("soon", None),
    ("", None),
])
def test_a_gpx_summary_start_is_read_in_utc(text, start):
    import xml.etree.ElementTree as ElementTree

    from riskload.importers.gpx import summary_totals

    got, totals = summary_totals([ElementTree.fromstring(f"<start_time>{text}</start_time>"),
                                  ElementTree.fromstring("<distance>5000</distance>")])
    assert got == (pd.Timestamp(start) if start else None)
    assert totals == {"distance_m": 5000.0}
