"""Limits riskload judges by (a recording's plausibility, a history's stray activities, the watch's
resting heart rate, the back-test's episodes), each tried on both sides.

A limit that no test can tell from one ten times larger, or a little smaller, protects nothing: each case
here sits between the limit and the value a wrong one would take, and says which way it goes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from riskload import read_export
from riskload.heart import resolve
from riskload.importers import export_from_raw
from riskload.load import build_load
from riskload.pain import parse_diary, pain_report
from riskload.settings import Settings

from .synthetic import analysis, run, weeks
from .test_strange_data import START, gpx, steady


def _read(tmp_path, data: bytes) -> pd.DataFrame:
    """The activities of a folder holding only ``data`` (as ``run.gpx``), a new folder each call."""
    folder = tmp_path / f"export{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    (folder / "run.gpx").write_bytes(data)
    return read_export(folder, cache=False, workers=1).activities


def _with_summary(points, **totals) -> bytes:
    """A GPX run whose document-level summary (as the running_page sync writes it) claims ``totals``."""
    summary = "".join(f"<{key}>{value}</{key}>" for key, value in totals.items())
    return gpx(points).replace(b"<trk>", f"<extensions>{summary}</extensions><trk>".encode(), 1)


def test_an_elapsed_time_is_believed_up_to_ten_minutes_past_the_samples(tmp_path):
    # 30 min of samples; a watch that also counts a paused stretch after them may claim a little more
    near = _read(tmp_path, _with_summary(steady(seconds=1800), elapsed_time=1799 + 500)).iloc[0]
    assert near["elapsed_time_s"] == 2299  # within 600 s: the device's
    far = _read(tmp_path, _with_summary(steady(seconds=1800), elapsed_time=1799 + 1200)).iloc[0]
    assert far["elapsed_time_s"] == 1799  # 20 min more than its samples span: the samples' span
    assert "the device's elapsed time of 2999 s is far longer than its samples span (1799 s)" in far["quality_notes"]


def test_a_recording_longer_than_a_day_is_cut_into_its_outings_and_small_stray_groups_are_left_out(tmp_path):
    run_points = steady(seconds=1800)
    later = START + timedelta(hours=40)  # the clock jumped: a few points 40 h on

    def stray(n):
        return [(later + timedelta(seconds=i), 47.0, 11.0, 600.0, 150, 85) for i in range(n)]

    nine = _read(tmp_path, gpx(run_points + stray(9)))
    assert nine["elapsed_time_s"].tolist() == [1799]  # judged by its samples: one outing, not 40 hours
    assert "9 stray points outside them were left out" in nine["quality_notes"].item()
    assert len(_read(tmp_path, gpx(run_points + stray(10)))) == 2  # ten points make an outing of their own


def test_a_recording_of_20_hours_stays_whole(tmp_path):
    # an ultra or a long hike: under a day, one activity whatever its pauses
    first = steady(seconds=600)
    second = steady(start=START + timedelta(hours=20), seconds=600)
    acts = _read(tmp_path, gpx(first + second))
    assert acts["elapsed_time_s"].tolist() == [20 * 3600 + 599]


def test_a_gps_jump_faster_than_a_runner_is_bridged(tmp_path):
    points = steady(seconds=1800)
    clean = _read(tmp_path, gpx(points)).iloc[0]
    jumped = list(points)
    time, lat, lon, *rest = jumped[900]
    jumped[900] = (time, lat, lon + 40 / 75_800, *rest)  # 40 m east for one second: 40 m/s out and back
    glitch = _read(tmp_path, gpx(jumped)).iloc[0]
    assert glitch["distance_m"] == pytest.approx(clean["distance_m"], abs=1.0)


def test_a_gap_without_positions_is_a_pause_beyond_30_s(tmp_path):
    # a handheld unit without a fix: no distance, so the time between points says whether it moved
    def points(gap_s):
        first = [(START + timedelta(seconds=5 * i), None, None, 600.0, 150, 85) for i in range(121)]
        resume = START + timedelta(seconds=600 + gap_s)
        return first + [(resume + timedelta(seconds=5 * i), None, None, 600.0, 150, 85) for i in range(121)]

    def moving(gap_s):
        text = gpx([(t, 0.0, 0.0, *rest) for t, _, _, *rest in points(gap_s)]).decode()
        return _read(tmp_path, text.replace(' lat="0.000000" lon="0.000000"', "").encode())["moving_time_s"].item()

    assert moving(25) == 1225  # 600 s, a 25 s leg, 600 s
    assert moving(120) == 1200  # the 2 min without a point are a pause


def test_a_device_ascent_above_500_m_per_km_is_not_believed():
    flat = run(0, 5.0)  # a flat 5 km: the profile climbs nothing
    steep = export_from_raw([replace(flat, totals={**flat.totals, "ascent_m": 2400.0})]).activities.iloc[0]
    assert steep["ascent_m"] == 2400.0  # 480 m per km: steep, but a device may be right
    wrong = export_from_raw([replace(flat, totals={**flat.totals, "ascent_m": 2600.0})]).activities.iloc[0]
    assert wrong["ascent_m"] == 0.0 and wrong["elevation_source"] != "device"
    assert "device ascent 2600 m is implausible for 5.0 km; recomputed" in wrong["quality_notes"]


def test_activities_more_than_a_year_before_the_rest_are_detached_in_groups_of_up_to_three():
    recent = weeks(*[30] * 10)  # ten weeks from January 2026

    def far(n, days_before):
        return [run(-days_before - 7 * i, 8) for i in range(n)]

    def kept(extra):
        load = build_load(export_from_raw(recent + extra, timezone="UTC"), Settings(), as_of="2026-03-20")
        return load.weekly.index[0]

    first = pd.Timestamp("2026-01-05")
    assert kept(far(3, 400)) == first  # three runs 13 months before: a clock never set, detached
    assert kept(far(4, 400)) < first  # four: a history of its own, kept
    assert kept(far(3, 300)) < first  # ten months before: a break, kept


def test_the_watchs_resting_heart_rate_is_the_median_of_the_last_year_of_its_profiles():
    old = pd.Timestamp("2024-01-01", tz="UTC")
    new = pd.Timestamp("2026-01-01", tz="UTC")
    activities = pd.DataFrame({
        "start_time": [old, old + pd.Timedelta(days=10), new - pd.Timedelta(days=300), new],
        "profile_resting_hr_bpm": [70.0, 70.0, 48.0, 50.0]})
    hr = resolve(Settings(max_hr_bpm=190.0), np.array([180.0]), activities)
    assert hr.resting_bpm == 49.0  # the two of the last 365 days; the two of 2024 no longer count
    assert hr.resting_source == "from the watch's profile, median of 2 files"


def test_the_back_test_gives_a_ratio_from_five_episodes_on():
    result = analysis(weeks(20, 30, 30, 45, 30, 30, 45, 30, 30, 45, 30, 30, 45, 30, 30, 45, 30), as_of="2026-05-03")

    def verdicts(episodes):
        days = ["2026-01-05"] + [f"{(pd.Timestamp('2026-01-26') + pd.Timedelta(weeks=3 * i)):%Y-%m-%d}"
                                  for i in range(episodes)]
        text = "date,area,intensity,note\n" + "".join(f"{d},lower back,{0 if i == 0 else 4},\n"
                                                       for i, d in enumerate(days))
        report = pain_report(parse_diary(text), result.load, result.flags)
        return report.backtest.set_index("code")["verdict"]

    assert verdicts(4).str.startswith("too few episodes to say (4, fewer than 5)").all()
    assert not verdicts(5).str.startswith("too few episodes").any()
