"""What real multi-year exports hold and single files do not: crafted cases, one per trouble found.

Each case is written here as a small file (GPX or FIT) beside ordinary runs.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

from riskload import read_export
from riskload.importers.export import read_file
from riskload.sports import SPORTS, normalize_sport, raw_sport

from .test_strange_data import STEP_DEG, gpx, steady

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
