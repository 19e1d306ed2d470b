"""The per-run aggregates (one ``reduceat`` over each run's block of records) against plain group-bys."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from riskload import records
from riskload.importers.export import read_export

from .synthetic import history, run


@pytest.fixture(scope="module")
def recs(sample_export):
    export = read_export(sample_export)
    runs = export.activities[export.activities["is_running"]]
    out = records.running_records(export.samples, runs["activity_id"])
    # one run loses its heart rate and altitude, as a run from a watch without either would
    bare = out["activity_id"] == out["activity_id"].iloc[-1]
    out.loc[bare, ["heart_rate_bpm", "altitude_smooth_m"]] = np.nan
    return out


def test_records_come_in_one_block_per_run(recs):
    starts, ids = records.run_blocks(recs)
    assert len(ids) == recs["activity_id"].nunique() > 100
    assert list(ids) == list(dict.fromkeys(recs["activity_id"]))
    assert (recs["activity_id"].iloc[starts].to_numpy() == ids.to_numpy()).all()


def test_minutes_at_or_above_match_a_group_by(recs):
    hot = recs["heart_rate_bpm"] >= 150
    expected = recs["dt_s"].where(hot, 0.0).groupby(recs["activity_id"], observed=True).sum() / 60
    got = records.minutes_at_or_above(recs, 150)
    assert got.sum() > 60
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False, check_index_type=False,
                                   check_categorical=False)


def test_steep_descent_matches_a_group_by(recs):
    grade, segment = -4.0, 50.0
    frame = pd.DataFrame({"activity_id": recs["activity_id"].astype(str), "altitude_m": recs["altitude_smooth_m"],
                          "bin": np.floor(recs["track_m"] / segment), "track_m": recs["track_m"]}).dropna()
    ends = frame.groupby(["activity_id", "bin"], sort=True).last().reset_index()
    rise = ends.groupby("activity_id")["altitude_m"].diff()
    run = ends.groupby("activity_id")["track_m"].diff()
    steep = (rise / run * 100.0 <= grade) & (run >= 0.5 * segment)
    expected = (-rise).where(steep, 0.0).fillna(0.0).groupby(ends["activity_id"]).sum()
    got = records.steep_descent_m(recs, grade, segment)
    assert expected.sum() > 100 and recs["activity_id"].iloc[-1] not in got.index
    np.testing.assert_allclose(got.reindex(expected.index).to_numpy(), expected.to_numpy(), atol=1e-9)


def test_warmup_profile_matches_a_group_by(recs):
    by = recs["activity_id"].astype(str)
    moving_s = recs["dt_s"].groupby(by).cumsum()
    early = moving_s <= 600
    total_m, total_s = recs["track_m"].groupby(by).max(), moving_s.groupby(by).max()
    first_m, first_s = recs["track_m"].where(early).groupby(by).max(), moving_s.where(early).groupby(by).max()
    expected = pd.DataFrame({"moving_min": total_s / 60, "first_speed_m_s": first_m / first_s,
                             "main_speed_m_s": (total_m - first_m) / (total_s - first_s),
                             "first_hr_bpm": recs["heart_rate_bpm"].where(early).groupby(by).mean()})
    expected = expected.replace([np.inf, -np.inf], np.nan)
    got = records.warmup_profile(recs, 10).reindex(expected.index)
    assert np.isnan(got.loc[recs["activity_id"].iloc[-1], "first_hr_bpm"])
    np.testing.assert_allclose(got[expected.columns].to_numpy(), expected.to_numpy(), rtol=1e-12)


def test_the_fastest_later_stretch_matches_a_loop_over_each_run(recs):
    by = recs["activity_id"].astype(str)
    moving_s = recs["dt_s"].groupby(by).cumsum()
    recs = recs.copy()
    # a run without a GPS fix for its first 15 minutes is measured from its first known distance
    recs.loc[(by == by.unique()[1]) & (moving_s < 900), "track_m"] = np.nan
    expected = pd.Series({aid: fastest_after(run, 600.0) for aid, run in recs.assign(moving_s=moving_s).groupby(by)})
    profile = records.warmup_profile(recs, 10).reindex(expected.index)
    got, main = profile["fastest_later_speed_m_s"], profile["main_speed_m_s"]
    assert (got > main).mean() > 0.9  # the fastest 10 minutes beat the mean of the rest
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-12)


def fastest_after(run: pd.DataFrame, seconds: float) -> float:
    """The fastest ``seconds`` of moving time that begin ``seconds`` or later into ``run``, every 10 s."""
    run = run.dropna(subset=["moving_s", "track_m"])
    moving, track = run["moving_s"].to_numpy(), run["track_m"].to_numpy()
    if not len(run):
        return np.nan
    begins = np.arange(max(seconds, moving.min()), moving.max() - seconds + 1e-9, records.STRETCH_STEP_S)
    speeds = [(np.interp(t + seconds, moving, track) - np.interp(t, moving, track)) / seconds for t in begins]
    return max(speeds, default=np.nan)


def test_no_records_give_empty_aggregates():
    empty = records.running_records(pd.DataFrame(columns=["activity_id", "timestamp"]), [])
    assert records.minutes_at_or_above(empty, 150).empty
    assert records.warmup_profile(empty, 10).empty


def test_slices_hold_whole_runs_and_cover_every_record(recs):
    slices = records.run_slices(recs, 5_000)
    starts, _ = records.run_blocks(recs)
    assert len(slices) > 5
    assert [s.start for s in slices] == sorted(set(s.start for s in slices)) and slices[0].start == 0
    assert all(a.stop == b.start for a, b in zip(slices, slices[1:])) and slices[-1].stop == len(recs)
    assert set(s.start for s in slices) <= set(starts)


@pytest.mark.parametrize("measure", [
    lambda r: records.minutes_at_or_above(r, 150),
    lambda r: records.steep_descent_m(r, -4.0, 50.0),
    lambda r: records.warmup_profile(r, 10),
    lambda r: records.heart_rate_peaks_bpm(r),
], ids=["minutes_at_or_above", "steep_descent_m", "warmup_profile", "heart_rate_peaks_bpm"])
def test_a_measure_taken_in_chunks_equals_it_taken_whole(recs, measure, monkeypatch):
    whole = measure(recs)
    monkeypatch.setattr(records, "CHUNK_RECORDS", 5_000)
    assert len(records.run_slices(recs)) > 5
    chunked = measure(recs)
    assert len(whole) > 100
    if isinstance(whole, pd.Series):
        pd.testing.assert_series_equal(chunked, whole, check_index_type=False, check_categorical=False)
    else:
        pd.testing.assert_frame_equal(chunked, whole, check_index_type=False, check_categorical=False)


def test_records_derived_in_chunks_equal_them_derived_whole(sample_export, monkeypatch):
    export = read_export(sample_export)
    runs = export.activities[export.activities["is_running"]]["activity_id"]
    whole = records.running_records(export.samples, runs)
    monkeypatch.setattr(records, "CHUNK_RECORDS", 5_000)
    assert len(records.run_slices(whole)) > 5
    chunked = records.running_records(export.samples, runs)
    pd.testing.assert_frame_equal(chunked, whole, check_exact=True)
    # GPX runs carry no device speed: several slices take the speed along the track
    gps_speed = export.samples["speed_m_s"].isna().groupby(export.samples["activity_id"], observed=True).any()
    assert gps_speed.sum() > 10


@pytest.mark.parametrize("layout", ["scattered", "in order"])
def test_rows_by_week_gather_each_weeks_runs_wherever_they_lie(recs, layout):
    ids = pd.unique(recs["activity_id"].astype(str))
    # scattered: nine weeks, each run of a week far from the others in the records;
    # in order: three runs a week, one after the other, as a history in time order
    week_number = np.arange(len(ids)) % 9 if layout == "scattered" else np.arange(len(ids)) // 3
    run_week = pd.Series(pd.Timestamp("2026-01-05") + pd.to_timedelta(week_number * 7, unit="D"), index=ids)
    by_week = list(records.rows_by_week(recs, run_week))
    assert [week for week, _ in by_week] == sorted(set(run_week))
    # where a week's records are one stretch they come as a slice, which indexes without a copy
    assert all(isinstance(rows, slice) == (layout == "in order") for _, rows in by_week)
    positions = np.arange(len(recs))
    assert sorted(np.concatenate([positions[rows] for _, rows in by_week])) == list(range(len(recs)))
    cadence = recs["cadence_spm"].to_numpy()
    got = pd.Series({week: np.nanmedian(cadence[rows]) for week, rows in by_week})
    expected = recs["cadence_spm"].groupby(recs["activity_id"].astype(str).map(run_week)).median()
    pd.testing.assert_series_equal(got, expected, check_names=False, check_index_type=False, check_freq=False)


def test_joined_records_keep_their_ids_categorical_and_their_runs_apart(recs):
    first, second = recs.iloc[:500], recs.iloc[500:].copy()
    second["activity_id"] = second["activity_id"].astype(str) + "-planned"  # ids the first table does not know
    joined = records.concat_records([first, second])
    assert isinstance(joined["activity_id"].dtype, pd.CategoricalDtype)
    assert joined["activity_id"].astype(str).tolist() == (first["activity_id"].astype(str).tolist()
                                                         + second["activity_id"].tolist())
    starts, ids = records.run_blocks(joined)
    assert len(ids) == len(set(ids)) == first["activity_id"].nunique() + second["activity_id"].nunique()
    plain = pd.concat([first, second], ignore_index=True)
    pd.testing.assert_frame_equal(joined.drop(columns="activity_id"), plain.drop(columns="activity_id"))


def test_steps_shorter_than_a_segment_are_not_steep_downhill():
    # a trail of steps at a walk's pace: 30 m pitches dropping 3.5 m (-11.7 %), 70 m level between; held over
    # RL006's 50 m segments no stretch is steeper than -7 %, so none of the 210 m the run descends counts
    steps = run(3, 6, speed_m_s=1.0, step_s=1, warmup=False)
    along = steps.samples["distance_m"].to_numpy()
    pitch = np.floor(along / 100.0)
    steps.samples["altitude_m"] = 500.0 - 3.5 * pitch - 3.5 * np.clip((along - 100.0 * pitch) / 30.0, 0.0, 1.0)
    load = history([steps])
    assert load.runs["steep_descent_m"].tolist() == [0.0]
    assert load.steep_descent_m(-8.0, 35.0).sum() > 50  # over shorter segments the steps would count
