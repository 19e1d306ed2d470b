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


def minutes_at_or_above(records: pd.DataFrame, bpm: float) -> pd.Series:
    """Moving minutes per activity with heart rate at or above ``bpm``."""
    hot = records["heart_rate_bpm"] >= bpm
    return (records["dt_s"].where(hot, 0.0).groupby(records["activity_id"]).sum() / 60.0).rename("minutes")


def steep_descent_m(records: pd.DataFrame, grade_limit_pct: float, segment_m: float) -> pd.Series:
    """Metres descended per activity on stretches at ``grade_limit_pct`` or steeper.

    Altitude is smoothed as for ascent (``altitude_smooth_m``, see
    :func:`riskload.track.smooth_altitude_m`), sampled at every ``segment_m``
    of track, and each segment's grade is its drop over its length; segments
    at or below the (negative) limit count.
    """
    with_altitude = records[records["altitude_smooth_m"].notna()]
    if with_altitude.empty:
        return pd.Series(dtype="float64", name="steep_descent_m")
    frame = pd.DataFrame({"activity_id": with_altitude["activity_id"],
                          "altitude_m": with_altitude["altitude_smooth_m"],
                          "bin": np.floor(with_altitude["track_m"] / segment_m),
                          "track_m": with_altitude["track_m"]})
    ends = frame.groupby(["activity_id", "bin"], sort=True).last().reset_index()
    rise = ends.groupby("activity_id")["altitude_m"].diff()
    run = ends.groupby("activity_id")["track_m"].diff()
    steep = (rise / run * 100.0 <= grade_limit_pct) & (run >= 0.5 * segment_m)
    descended = (-rise).where(steep, 0.0).fillna(0.0)
    return descended.groupby(ends["activity_id"]).sum().rename("steep_descent_m")


def warmup_profile(records: pd.DataFrame, warmup_min: float) -> pd.DataFrame:
    """Per activity: how the first ``warmup_min`` moving minutes compare with the rest.

    Returns
    -------
    DataFrame
        Indexed by activity: ``moving_min``, ``first_speed_m_s`` and
        ``main_speed_m_s`` (distance over moving time, before and after the
        mark) and ``first_hr_bpm`` (mean heart rate before it, NaN without).
    """
    limit = warmup_min * 60.0
    early = records["moving_s"] <= limit
    g = records.groupby("activity_id")
    total_m, total_s = g["track_m"].max(), g["moving_s"].max()
    first_m = records["track_m"].where(early).groupby(records["activity_id"]).max()
    first_s = records["moving_s"].where(early).groupby(records["activity_id"]).max()
    out = pd.DataFrame({
        "moving_min": total_s / 60.0,
        "first_speed_m_s": first_m / first_s,
        "main_speed_m_s": (total_m - first_m) / (total_s - first_s),
        "first_hr_bpm": records["heart_rate_bpm"].where(early).groupby(records["activity_id"]).mean(),
    })
    return out.replace([np.inf, -np.inf], np.nan)
