"""Running records, made comparable across formats, and what rules measure on them.

:func:`running_records` gives every record of every run the same derived
columns whatever file it came from: seconds of moving time it stands for,
distance along the track, a speed, and seconds since the start. The other
functions aggregate them per activity; all are vectorised over the whole
history (grouped by ``activity_id``); altitude comes smoothed from the
importers (``altitude_smooth_m``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import track

RECORD_COLUMNS = ["activity_id", "timestamp", "elapsed_s", "moving_s", "dt_s", "track_m", "speed_m_s",
                  "altitude_m", "altitude_smooth_m", "heart_rate_bpm", "cadence_spm"]


def running_records(samples: pd.DataFrame, activity_ids) -> pd.DataFrame:
    """The records of the given activities with derived columns.

    Returns
    -------
    DataFrame
        :data:`RECORD_COLUMNS`: ``dt_s`` is the time since the previous record
        when the athlete was moving (0 across pauses longer than
        :data:`riskload.track.PAUSE_GAP_S` and segment breaks), ``moving_s``
        its running sum, ``track_m`` the distance along the track (the
        device's where it recorded one, else from GPS), ``speed_m_s`` the
        device's speed or the GPS speed over five records.
    """
    # the chosen samples grouped by activity (in order of appearance) and in time order; the
    # table is used as it is when it is already so, as an import leaves it (no copy of millions of rows)
    chosen = np.flatnonzero(samples["activity_id"].isin(set(activity_ids)).to_numpy())
    appearance, _ = pd.factorize(samples["activity_id"].astype("category").cat.codes.to_numpy()[chosen])
    chosen = chosen[np.lexsort((pd.DatetimeIndex(samples["timestamp"]).asi8[chosen], appearance))]
    in_place = len(chosen) == len(samples) and bool((chosen == np.arange(len(chosen))).all())
    s = (samples if in_place else samples.take(chosen)).reset_index(drop=True)
    if s.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in RECORD_COLUMNS}).astype(
            {"activity_id": "string", "timestamp": "datetime64[ns, UTC]"})
    aid = s["activity_id"]
    first = aid.ne(aid.shift())
    seconds = (s["timestamp"] - s["timestamp"].iloc[0]).dt.total_seconds()
    raw_dt = seconds.diff().where(~first, 0.0)
    new_segment = s["segment"].ne(s["segment"].shift()) & ~first
    dt = raw_dt.where((raw_dt <= track.PAUSE_GAP_S) & ~new_segment, 0.0)

    has_device = s.groupby(aid)["distance_m"].transform("count") > 0
    device_leg = s["distance_m"].diff().where(~first, 0.0).clip(lower=0.0)
    leg = device_leg.where(has_device, _gps_legs(s, ~has_device & ~first & ~new_segment)).fillna(0.0)
    leg = leg.where(leg <= track.MAX_SPEED_M_S["running"] * raw_dt.clip(lower=1.0), 0.0)  # GPS jumps
    track_m = leg.groupby(aid).cumsum()

    device_speed = has_device & s["speed_m_s"].notna()
    speed = s["speed_m_s"]
    if not device_speed.all():
        speed = speed.where(device_speed, _track_speed(s, aid, track_m))

    return pd.DataFrame({
        "activity_id": aid,
        "timestamp": s["timestamp"],
        "elapsed_s": seconds - seconds.groupby(aid).transform("first"),
        "moving_s": dt.groupby(aid).cumsum(),
        "dt_s": dt,
        "track_m": track_m,
        "speed_m_s": speed,
        "altitude_m": s["altitude_m"],
        "altitude_smooth_m": s["altitude_smooth_m"],
        "heart_rate_bpm": s["heart_rate_bpm"],
        "cadence_spm": s["cadence_spm"],
    }, copy=False)


def _gps_legs(s: pd.DataFrame, rows: pd.Series) -> pd.Series:
    """Metres from the previous point by GPS for the ``rows`` marked (never an activity's first), 0 elsewhere.

    Only those rows are computed: on a long history most runs carry the
    device's distance, and the great-circle arithmetic over every sample
    would cost a dozen arrays of millions of values.
    """
    chosen = np.flatnonzero(rows.to_numpy())
    legs = np.zeros(len(s))
    if len(chosen):
        lat, lon = s["latitude_deg"].to_numpy(), s["longitude_deg"].to_numpy()
        legs[chosen] = track.haversine_m(lat[chosen - 1], lon[chosen - 1], lat[chosen], lon[chosen])
    return pd.Series(legs, index=s.index)


def _track_speed(s: pd.DataFrame, aid: pd.Series, track_m: pd.Series) -> pd.Series:
    """Speed [m/s] along the track over five records (two either side), for records without the device's."""
    ahead, behind = s.groupby(aid)["timestamp"].shift(-2), s.groupby(aid)["timestamp"].shift(2)
    span = (ahead.fillna(s["timestamp"]) - behind.fillna(s["timestamp"])).dt.total_seconds()
    covered = track_m.groupby(aid).shift(-2).fillna(track_m) - track_m.groupby(aid).shift(2).fillna(track_m)
    return (covered / span).where(span > 0)


def run_blocks(records: pd.DataFrame) -> tuple[np.ndarray, pd.Index]:
    """Where each run's records begin, and the runs' ids.

    :func:`running_records` keeps each run's records together, so every
    per-run aggregate below is one ``reduceat`` over these blocks instead of a
    group-by over millions of ids.
    """
    codes = _run_codes(records)
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(codes) else np.zeros(0, dtype=np.intp)
    return starts, pd.Index(records["activity_id"].iloc[starts].to_numpy(dtype=object), name="activity_id")


def _run_codes(records: pd.DataFrame) -> np.ndarray:
    aid = records["activity_id"]
    return aid.cat.codes.to_numpy() if isinstance(aid.dtype, pd.CategoricalDtype) else pd.factorize(aid)[0]


def per_run(records: pd.DataFrame, values, how: str, name: str | None = None) -> pd.Series:
    """``values`` (one per record) aggregated per run, NaN ignored.

    ``how`` is ``"sum"`` (0 for a run without values), ``"max"`` or
    ``"mean"`` (NaN for a run without values).
    """
    starts, ids = run_blocks(records)
    values = np.asarray(values, dtype="float64")
    if not len(starts):
        return pd.Series(dtype="float64", index=ids, name=name)
    present = ~np.isnan(values)
    if how == "max":
        result = np.fmax.reduceat(values, starts)
    else:
        total = np.add.reduceat(np.where(present, values, 0.0), starts)
        if how == "sum":
            result = total
        else:
            with np.errstate(invalid="ignore", divide="ignore"):
                result = total / np.add.reduceat(present.astype(np.int64), starts)
    return pd.Series(result, index=ids, name=name)


def each_record(records: pd.DataFrame, by_run: pd.Series) -> np.ndarray:
    """``by_run`` (indexed by activity id) repeated for every record of its run."""
    starts, ids = run_blocks(records)
    return np.repeat(by_run.reindex(ids).to_numpy(), np.diff(np.r_[starts, len(records)]))


def minutes_at_or_above(records: pd.DataFrame, bpm: float) -> pd.Series:
    """Moving minutes per activity with heart rate at or above ``bpm``."""
    hot = records["heart_rate_bpm"].to_numpy(dtype="float64", na_value=np.nan) >= bpm
    return per_run(records, np.where(hot, records["dt_s"].to_numpy(), 0.0) / 60.0, "sum", "minutes")


def steep_descent_m(records: pd.DataFrame, grade_limit_pct: float, segment_m: float) -> pd.Series:
    """Metres descended per activity on stretches at ``grade_limit_pct`` or steeper.

    Altitude is smoothed as for ascent (``altitude_smooth_m``, see
    :func:`riskload.track.smooth_altitude_m`), sampled at every ``segment_m``
    of track, and each segment's grade is its drop over its length; segments
    at or below the (negative) limit count.
    """
    altitude = records["altitude_smooth_m"].to_numpy(dtype="float64", na_value=np.nan)
    with_altitude = ~np.isnan(altitude)
    if not with_altitude.any():
        return pd.Series(dtype="float64", name="steep_descent_m")
    # the track only grows within a run, so each (run, segment) is a block of consecutive
    # records; its last record with an altitude is where the segment is sampled
    rows = np.flatnonzero(with_altitude)
    codes, altitude = _run_codes(records)[rows], altitude[rows]
    track_m = records["track_m"].to_numpy(dtype="float64")[rows]
    segment = np.floor(track_m / segment_m)
    last = np.r_[(codes[1:] != codes[:-1]) | (segment[1:] != segment[:-1]), True]
    rows, codes, altitude, track_m = rows[last], codes[last], altitude[last], track_m[last]
    same_run = np.r_[False, codes[1:] == codes[:-1]]
    rise = np.where(same_run, np.diff(altitude, prepend=np.nan), np.nan)
    run = np.where(same_run, np.diff(track_m, prepend=np.nan), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        steep = (rise / run * 100.0 <= grade_limit_pct) & (run >= 0.5 * segment_m)
    descended = np.where(steep, -rise, 0.0)
    return per_run(records[["activity_id"]].iloc[rows], descended, "sum", "steep_descent_m")


def warmup_profile(records: pd.DataFrame, warmup_min: float) -> pd.DataFrame:
    """Per activity: how the first ``warmup_min`` moving minutes compare with the rest.

    Returns
    -------
    DataFrame
        Indexed by activity: ``moving_min``, ``first_speed_m_s`` and
        ``main_speed_m_s`` (distance over moving time, before and after the
        mark) and ``first_hr_bpm`` (mean heart rate before it, NaN without).
    """
    moving_s = records["moving_s"].to_numpy(dtype="float64")
    track_m = records["track_m"].to_numpy(dtype="float64")
    early = moving_s <= warmup_min * 60.0
    total_m, total_s = per_run(records, track_m, "max"), per_run(records, moving_s, "max")
    first_m = per_run(records, np.where(early, track_m, np.nan), "max")
    first_s = per_run(records, np.where(early, moving_s, np.nan), "max")
    heart_rate = records["heart_rate_bpm"].to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame({
            "moving_min": total_s / 60.0,
            "first_speed_m_s": first_m / first_s,
            "main_speed_m_s": (total_m - first_m) / (total_s - first_s),
            "first_hr_bpm": per_run(records, np.where(early, heart_rate, np.nan), "mean"),
        })
    return out.replace([np.inf, -np.inf], np.nan)
