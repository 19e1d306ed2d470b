"""Track geometry: distance with GPS errors, timer time, climb."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from riskload import track
from riskload.errors import ActivityFileError
from riskload.importers.fit import read_fit
from riskload.importers.gpx import read_gpx
from riskload.importers.parse import sample_arrays
from riskload.importers.tcx import read_tcx
from riskload.timeline import summarize
from .conftest import files_of_format

READERS = {"fit": read_fit, "gpx": read_gpx, "tcx": read_tcx}


def _samples(lats, seconds, segments=None, altitude=None):
    n = len(lats)
    return pd.DataFrame(
        {
            "timestamp": pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(seconds, unit="s"),
            "latitude_deg": lats,
            "longitude_deg": np.zeros(n),
            "segment": segments if segments is not None else np.zeros(n, dtype=int),
            "altitude_m": altitude if altitude is not None else np.full(n, np.nan),
            "distance_m": np.full(n, np.nan),
        }
    )


METRE_DEG = 1 / 111_195.0  # one metre of latitude on the haversine sphere


def test_haversine_one_degree_of_latitude():
    assert track.haversine_m(0, 0, 1, 0) == pytest.approx(111_195, rel=1e-4)


def test_out_and_back_spike_is_bridged():
    lats = np.array([0, 3, 6, 2000, 12, 15]) * METRE_DEG  # a 2 km jump for one second
    legs = track.gps_leg_distances_m(_samples(lats, np.arange(6)), max_speed_m_s=12)
    assert legs.sum() == pytest.approx(15, abs=0.01)


def test_teleport_leg_counts_zero_and_segments_do_not_join():
    lats = np.array([0, 3, 5003, 5006]) * METRE_DEG
    legs = track.gps_leg_distances_m(_samples(lats, [0, 1, 2, 3]), max_speed_m_s=12)
    assert legs.sum() == pytest.approx(6, abs=0.01)
    legs = track.gps_leg_distances_m(_samples(np.array([0, 3, 6, 9]) * METRE_DEG, [0, 1, 2, 3], [0, 0, 1, 1]), 12)
    assert legs.sum() == pytest.approx(6, abs=0.01)


def test_timer_time_skips_long_still_gaps_and_segment_breaks():
    lats = np.array([0, 3, 6, 6.1, 9, 12]) * METRE_DEG
    samples = _samples(lats, [0, 1, 2, 302, 303, 304])  # a five-minute stop
    legs = track.gps_leg_distances_m(samples, 12)
    assert track.moving_time_s(samples, legs) == 4
    samples = _samples(np.array([0, 30, 60, 90]) * METRE_DEG, [0, 10, 20, 30], [0, 0, 1, 1])
    assert track.moving_time_s(samples, track.gps_leg_distances_m(samples, 12)) == 20


def test_standing_still_between_points_is_not_moving_time():
    # 60 s of running at 3 m/s, 60 s standing at a crossing (GPS jitter of 0.2 m a second), 60 s running
    lats = np.concatenate([np.arange(60) * 3.0, 177 + np.tile([0, 0.2], 30), 177 + np.arange(1, 61) * 3.0])
    samples = _samples(lats * METRE_DEG, np.arange(180))
    assert track.moving_time_s(samples, track.gps_leg_distances_m(samples, 12)) == 119
    # without positions nothing tells standing from running: every short leg counts
    assert track.moving_time_s(samples, None) == 179


@pytest.mark.parametrize(
    ("profile", "threshold", "expected"),
    [
        ([0, 1, 2, 3, 4, 5, 4, 3, 2, 1, 0], 2, (5, 5)),
        ([0, 1, 0, 1, 0, 1, 0], 2, (0, 0)),  # noise below the threshold
        ([0, 1, 0, 1, 0, 1, 0], 0.5, (3, 3)),
        ([10, 20, 18, 30, 5], 3, (20, 25)),  # the 2 m dip does not split the climb
    ],
)
def test_hysteresis(profile, threshold, expected):
    assert track.hysteresis_gain_m(profile, threshold) == pytest.approx(expected)


def test_smoothing_removes_a_single_glitch():
    altitude = np.full(60, 100.0)
    altitude[30] = 180.0
    smoothed = track.smooth_altitude_m(_samples(np.zeros(60), np.arange(60), altitude=altitude))
    assert smoothed.max() == pytest.approx(100.0)



def _same(a, b) -> bool:
    return a == b or (isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b))


@pytest.mark.parametrize(("kind", "activities"), [("fit", 94), ("gpx", 33), ("tcx", 30)])
def test_an_activity_is_measured_alike_from_its_table_and_from_its_arrays(corpus, kind, activities):
    """The import measures each activity from its columns' arrays, which are read faster; its table gives the
    same figures, to the last bit."""
    measured = 0
    for name, data in files_of_format(corpus, kind).items():
        try:
            raws = READERS[kind](data, name)
        except ActivityFileError:
            continue
        for raw in (raw for raw in raws if len(raw.samples) >= 2):
            arrays = sample_arrays(raw.samples)
            for legs in (track.gps_leg_distances_m, track.device_leg_distances_m):
                np.testing.assert_array_equal(legs(raw.samples, 12.0), legs(arrays, 12.0))
            assert track.moving_time_s(raw.samples, None) == track.moving_time_s(arrays, None)
            np.testing.assert_array_equal(track.smooth_altitude_at_samples(raw.samples),
                                          track.smooth_altitude_at_samples(arrays))
            from_table, from_arrays = summarize(raw), summarize(raw, arrays)
            assert from_table.keys() == from_arrays.keys()
            assert [key for key in from_table if not _same(from_table[key], from_arrays[key])] == [], name
            measured += 1
    assert measured == activities
