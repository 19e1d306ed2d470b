"""Running records, made comparable across formats, and what rules measure on them.

:func:`running_records` gives every record of every run the same derived
columns whatever file it came from: seconds of moving time it stands for,
distance along the track and a speed. Each run's records are one block, so
the other functions aggregate them per run without a group-by, and take a
long history in slices of whole runs (:func:`in_chunks`) so that their
temporary arrays stay small; altitude comes smoothed from the importers
(``altitude_smooth_m``).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from . import track

RECORD_COLUMNS = ["activity_id", "timestamp", "dt_s", "track_m", "speed_m_s", "altitude_m", "altitude_smooth_m",
                  "heart_rate_bpm", "cadence_spm"]


def running_records(samples: pd.DataFrame, activity_ids) -> pd.DataFrame:
    """The records of the given activities with derived columns.

    Returns
    -------
    DataFrame
        :data:`RECORD_COLUMNS`: ``dt_s`` is the time since the previous record
        when the athlete was moving (0 across pauses longer than
        :data:`riskload.track.PAUSE_GAP_S` and segment breaks; :func:`moving_s`
        is its running sum), ``track_m`` the distance along the track (the
        device's where it recorded one, else from GPS), ``speed_m_s`` the
        device's speed or the GPS speed over five records.
    """
    # the chosen samples grouped by activity (in order of appearance) and in time order; the
    # table is used as it is when it is already so, as an import leaves it (no copy of millions of rows)
    wanted = samples["activity_id"].isin(set(activity_ids)).to_numpy()
    if wanted.all() and _grouped_in_time_order(samples):
        s = samples.reset_index(drop=True)
    else:
        chosen = np.flatnonzero(wanted)
        appearance, _ = pd.factorize(samples["activity_id"].astype("category").cat.codes.to_numpy()[chosen])
        chosen = chosen[np.lexsort((pd.DatetimeIndex(samples["timestamp"]).asi8[chosen], appearance))]
        s = samples.take(chosen).reset_index(drop=True)
    if s.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in RECORD_COLUMNS}).astype(
            {"activity_id": "string", "timestamp": "datetime64[ns, UTC]"})
    aid = s["activity_id"]
    # derived in slices of whole runs, so that the temporary arrays stay small beside a long history's samples
    origin = int(s["timestamp"].iloc[0].value)
    dt, track_m = np.empty(len(s)), np.empty(len(s))
    speed = s["speed_m_s"].to_numpy(dtype="float64", na_value=np.nan)
    gps_speeds = []
    for part in run_slices(s):
        dt[part], track_m[part], gps_speed = _moves(s.iloc[part], origin)
        if gps_speed is not None:
            gps_speeds.append((part, gps_speed))
    if gps_speeds:
        speed = speed.copy()
        for part, gps_speed in gps_speeds:
            speed[part] = gps_speed

    return pd.DataFrame({
        "activity_id": aid,
        "timestamp": s["timestamp"],
        "dt_s": dt,
        "track_m": track_m,
        "speed_m_s": speed,
        "altitude_m": s["altitude_m"],
        "altitude_smooth_m": s["altitude_smooth_m"],
        "heart_rate_bpm": s["heart_rate_bpm"],
        "cadence_spm": s["cadence_spm"],
    }, copy=False)


def _moves(s: pd.DataFrame, origin_ns: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """``dt_s`` and ``track_m`` of :func:`running_records` for whole runs ``s``, and their speed where the
    device recorded none for some records (else None).

    Times count from ``origin_ns`` whatever slice they come in, so each value is the same to the last bit.
    """
    starts, _ = run_blocks(s)
    lengths = np.diff(np.r_[starts, len(s)])
    first = np.zeros(len(s), dtype=bool)
    first[starts] = True
    stamps = s["timestamp"].to_numpy("datetime64[ns]").view("int64")
    seconds = (stamps - origin_ns) / 1e9
    raw_dt = np.diff(seconds, prepend=seconds[0])
    del seconds
    raw_dt[first] = 0.0
    segment = s["segment"].to_numpy()
    new_segment = np.r_[False, segment[1:] != segment[:-1]] & ~first
    dt = np.where((raw_dt <= track.PAUSE_GAP_S) & ~new_segment, raw_dt, 0.0)

    distance = s["distance_m"].to_numpy(dtype="float64", na_value=np.nan)
    has_device = np.repeat(np.add.reduceat(~np.isnan(distance), starts) > 0, lengths)
    leg = np.diff(distance, prepend=np.nan)
    leg[first] = 0.0
    np.maximum(leg, 0.0, out=leg)  # NaN stays NaN
    leg[~has_device] = 0.0
    _add_gps_legs(leg, s, np.flatnonzero(~has_device & ~first & ~new_segment))
    leg[np.isnan(leg)] = 0.0
    reach = np.maximum(raw_dt, 1.0)
    reach *= track.MAX_SPEED_M_S["running"]
    leg[~(leg <= reach)] = 0.0  # GPS jumps
    track_m = _sum_along_runs(leg, starts)

    speed = s["speed_m_s"].to_numpy(dtype="float64", na_value=np.nan)
    device_speed = has_device & ~np.isnan(speed)
    if device_speed.all():
        return dt, track_m, None
    along = _track_speed(s, s["activity_id"], pd.Series(track_m, index=s.index)).to_numpy()
    return dt, track_m, np.where(device_speed, speed, along)


def moving_s(records: pd.DataFrame) -> np.ndarray:
    """Moving seconds since the start of its run, for every record (the running sum of ``dt_s``)."""
    return _sum_along_runs(records["dt_s"].to_numpy(dtype="float64", copy=True), run_blocks(records)[0])


def _sum_along_runs(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """``values`` replaced by their running sum within each run (runs begin at ``starts``), in place."""
    for start, end in zip(starts, np.r_[starts[1:], len(values)]):
        np.cumsum(values[start:end], out=values[start:end])
    return values


def _grouped_in_time_order(samples: pd.DataFrame) -> bool:
    """Whether each activity's samples are one block, in time order (checked without sorting)."""
    codes = _run_codes(samples)
    change = codes[1:] != codes[:-1]
    if int(change.sum()) + 1 != len(pd.unique(codes)):
        return False
    stamps = samples["timestamp"].to_numpy("datetime64[ns]").view("int64")
    return bool(((stamps[1:] >= stamps[:-1]) | change).all())


#: Records measured at once by the per-run measures (:func:`in_chunks`): their temporary arrays
#: then stay near a hundred MB each, where a 14-year history's 20 million records made them
#: 1 GB together beside the 1.6 GB of samples.
CHUNK_RECORDS = 2_000_000


def run_slices(records: pd.DataFrame, size: int | None = None) -> list[slice]:
    """Slices of ``records`` that hold whole runs, of about ``size`` records (:data:`CHUNK_RECORDS`) each."""
    size = size or CHUNK_RECORDS
    if len(records) <= size:  # one slice; no need to find where the runs begin
        return [slice(0, len(records))] if len(records) else []
    starts, _ = run_blocks(records)
    cuts = starts[np.searchsorted(starts, np.arange(size, len(records), size))
                  .clip(max=max(len(starts) - 1, 0))] if len(starts) else starts
    edges = np.unique(np.r_[0, cuts, len(records)])
    return [slice(a, b) for a, b in zip(edges[:-1], edges[1:])]


def in_chunks(measure):
    """``measure(records, ...)``, a measure of each run, applied to :func:`run_slices` of the records and joined.

    Each run is measured from its own records only, so the result is the
    same; only the memory the measure needs is bounded.
    """
    @functools.wraps(measure)
    def chunked(records: pd.DataFrame, *args, **kwargs):
        parts = run_slices(records)
        if len(parts) <= 1:
            return measure(records, *args, **kwargs)
        return pd.concat([measure(records.iloc[part], *args, **kwargs) for part in parts])
    return chunked


def _add_gps_legs(leg: np.ndarray, s: pd.DataFrame, rows: np.ndarray) -> None:
    """Put into ``leg`` the metres from the previous point by GPS, for the ``rows`` given (never a run's first).

    Only those rows are computed: on a long history most runs carry the
    device's distance, and the great-circle arithmetic over every sample
    would cost a dozen arrays of millions of values.
    """
    if len(rows):
        lat, lon = s["latitude_deg"].to_numpy(), s["longitude_deg"].to_numpy()
        leg[rows] = track.haversine_m(lat[rows - 1], lon[rows - 1], lat[rows], lon[rows])


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


def concat_records(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """``tables`` of records one after the other, ``activity_id`` kept a categorical (of all their ids).

    ``pd.concat`` turns categoricals with different categories into strings,
    and every per-run measure of the result would then factorize them anew.
    """
    parts = [table["activity_id"].astype("category") for table in tables]
    ids = parts[0].cat.categories
    for part in parts[1:]:
        ids = ids.union(part.cat.categories)
    return pd.concat([table.assign(activity_id=part.cat.set_categories(ids)) for table, part in zip(tables, parts)],
                     ignore_index=True)


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


def rows_by_week(records: pd.DataFrame, run_week: pd.Series):
    """``(week, rows)`` for each week with records, in week order: the positions of its runs' records.

    ``run_week`` gives each run's week (indexed by activity id); records of
    runs it does not name belong to no week. A week's runs need not be next
    to each other in ``records``, so a measure over a week's records (a
    median) takes them by these positions, one week at a time, rather than
    with a week label repeated over millions of records. ``rows`` is a slice
    where the week's runs are next to each other (as in time order), so that
    indexing by it copies nothing, else an array of positions.
    """
    starts, ids = run_blocks(records)
    ends = np.r_[starts[1:], len(records)]
    weeks = pd.DatetimeIndex(run_week.reindex(ids))
    order = np.argsort(weeks.asi8, kind="stable")
    order = order[weeks[order].notna()]
    keys = weeks.asi8[order]
    for runs in np.split(order, np.flatnonzero(keys[1:] != keys[:-1]) + 1) if len(order) else []:
        week = weeks[runs[0]]
        if (np.diff(runs) == 1).all():
            yield week, slice(starts[runs[0]], ends[runs[-1]])
        else:
            yield week, np.concatenate([np.arange(starts[i], ends[i]) for i in runs])


@in_chunks
def minutes_at_or_above(records: pd.DataFrame, bpm: float) -> pd.Series:
    """Moving minutes per activity with heart rate at or above ``bpm``."""
    hot = records["heart_rate_bpm"].to_numpy(dtype="float64", na_value=np.nan) >= bpm
    return per_run(records, np.where(hot, records["dt_s"].to_numpy(), 0.0) / 60.0, "sum", "minutes")


@in_chunks
def heart_rate_peaks_bpm(records: pd.DataFrame, quantile: float = 0.995) -> pd.Series:
    """Each run's ``quantile`` of heart rate (runs without heart rate left out)."""
    hr = records["heart_rate_bpm"]
    valid = hr.notna()
    return hr[valid].groupby(records["activity_id"][valid], observed=True, sort=False).quantile(quantile)


@in_chunks
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


#: The steps in which the fastest stretch of :func:`warmup_profile` moves along a run [s].
STRETCH_STEP_S = 10.0


@in_chunks
def warmup_profile(records: pd.DataFrame, warmup_min: float) -> pd.DataFrame:
    """Per activity: how the first ``warmup_min`` moving minutes compare with the rest.

    Returns
    -------
    DataFrame
        Indexed by activity: ``moving_min``, ``first_speed_m_s`` and
        ``main_speed_m_s`` (distance over moving time, before and after the
        mark), ``fastest_later_speed_m_s`` (the fastest ``warmup_min``
        moving minutes among those that begin at the mark or later, at every
        :data:`STRETCH_STEP_S` seconds, with the distance at each moment
        interpolated between its records; NaN for a run too short for one),
        and ``first_hr_bpm`` (mean heart rate before the mark, NaN without).
    """
    moving = moving_s(records)
    track_m = records["track_m"].to_numpy(dtype="float64")
    early = moving <= warmup_min * 60.0
    total_m, total_s = per_run(records, track_m, "max"), per_run(records, moving, "max")
    first_m = per_run(records, np.where(early, track_m, np.nan), "max")
    first_s = per_run(records, np.where(early, moving, np.nan), "max")
    heart_rate = records["heart_rate_bpm"].to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame({
            "moving_min": total_s / 60.0,
            "first_speed_m_s": first_m / first_s,
            "main_speed_m_s": (total_m - first_m) / (total_s - first_s),
            "fastest_later_speed_m_s": _fastest_stretch(records, moving, track_m, warmup_min * 60.0),
            "first_hr_bpm": per_run(records, np.where(early, heart_rate, np.nan), "mean"),
        })
    return out.replace([np.inf, -np.inf], np.nan)


def _fastest_stretch(records: pd.DataFrame, moving: np.ndarray, track_m: np.ndarray, length_s: float) -> np.ndarray:
    """Per run (in the order of :func:`run_blocks`): the highest mean speed over ``length_s`` moving seconds
    that begin ``length_s`` or later into the run, at every :data:`STRETCH_STEP_S` seconds [m/s]."""
    starts, _ = run_blocks(records)
    if not len(starts):
        return np.zeros(0)
    run = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(moving)]))
    # one clock for all runs, each run after the end of the one before
    span = np.nanmax(moving, initial=0.0) + length_s + 1.0
    clock = run * span + moving
    known = ~np.isnan(track_m) & ~np.isnan(moving)
    if not known.all():
        moving, clock, track_m = np.where(known, moving, np.nan), clock[known], track_m[known]
    # stretches lie between the run's first and last known distance, never reaching into another run
    first_s = np.fmax(np.nan_to_num(np.fmin.reduceat(moving, starts), nan=np.inf), length_s)
    last_s = np.nan_to_num(np.fmax.reduceat(moving, starts), nan=-np.inf)
    steps = np.floor((last_s - length_s - first_s) / STRETCH_STEP_S).clip(min=-1).astype(np.int64) + 1
    stretch_run = np.repeat(np.arange(len(starts)), steps)
    begin = (stretch_run * span + np.repeat(first_s, steps)
             + STRETCH_STEP_S * (np.arange(steps.sum()) - np.repeat(np.cumsum(steps) - steps, steps)))
    fastest = np.full(len(starts), np.nan)
    if len(begin):
        covered = np.interp(begin + length_s, clock, track_m) - np.interp(begin, clock, track_m)
        np.fmax.at(fastest, stretch_run, covered / length_s)
    return fastest
