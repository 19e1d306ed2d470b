"""From one activity's samples and device totals to its row in the timeline.

Each format's reader fills a :class:`RawActivity`; :func:`summarize` turns it
into the activity row with the same rules for every format: the device's own
totals where it recorded them and they are plausible, values computed from the
samples (:mod:`riskload.track`) otherwise, and the source of each noted.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from . import track
from .columns import SAMPLE_COLUMNS, as_floats
from .sports import ON_FOOT_SPORTS, RUNNING_SPORTS
from .wording import counted

#: Times before this are a device that never set its clock (FIT counts from
#: 1989-12-31, GPX writers default to 1900 or 1970): they cannot place an
#: activity in a runner's calendar.
EARLIEST_PLAUSIBLE = pd.Timestamp("2000-01-01", tz="UTC")
#: Times more than this after now are a device clock set wrong; they would
#: put a run in a week that has not happened.
FUTURE_MARGIN = pd.Timedelta(days=2)


def latest_plausible() -> pd.Timestamp:
    """The latest time a recording can have: now, plus :data:`FUTURE_MARGIN` for clocks a little ahead."""
    return pd.Timestamp.now(tz="UTC") + FUTURE_MARGIN

#: A recording whose samples span more than this is not taken as one
#: activity on trust: a day is longer than any session but the rarest ultra.
MAX_PLAUSIBLE_SPAN = pd.Timedelta(days=1)
#: Samples further apart than this belong to separate outings (a GPX file of
#: a multi-day hike, a recording whose clock jumped).
SEPARATE_OUTINGS_AFTER = pd.Timedelta(hours=2)
#: An outing of fewer samples than this, cut from an implausible recording,
#: is stray points (a clock that jumped), not an activity.
MIN_OUTING_SAMPLES = 10
#: A device's elapsed time is believed up to this much [s] (or 10 %) beyond
#: what its samples span; further is a summary its samples do not support.
ELAPSED_SLACK_S = 600.0

#: Plausible heart rate [bpm]; values outside are sensor errors and dropped.
HEART_RATE_RANGE_BPM = (25.0, 250.0)
#: Plausible on-foot cadence [steps/min].
CADENCE_RANGE_SPM = (20.0, 260.0)
#: Device ascent above this many metres per km is not believed (a glitching
#: barometer); the profile is used instead. Heuristic: the steepest marked
#: trails average well under 400 m/km.
MAX_ASCENT_M_PER_KM = 500.0
#: Sports on water: a GPS altitude profile there is noise, never climb.
NO_CLIMB_SPORTS = frozenset({"swimming", "rowing", "stand_up_paddleboarding", "kayaking", "paddling"})


@dataclass
class RawActivity:
    """What a format reader extracts from one activity, before summarising.

    ``samples`` holds the sample columns of :data:`riskload.columns.SAMPLE_COLUMNS`
    (without ``activity_id``), ``totals`` the device's own summary values keyed
    by activity column name (``distance_m``, ``moving_time_s``...).
    """

    samples: pd.DataFrame
    sport: str = "other"
    sub_sport: str = ""
    sport_raw: str = ""
    start_time: pd.Timestamp | None = None
    totals: dict = field(default_factory=dict)
    utc_offset_min: float | None = None
    device: str = ""
    name: str = ""
    partial: bool = False
    notes: list[str] = field(default_factory=list)


def empty_samples() -> pd.DataFrame:
    """A samples table with no rows and the canonical columns."""
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in SAMPLE_COLUMNS.items() if c != "activity_id"})


def tidy_samples(samples: pd.DataFrame, notes: list[str] | None = None) -> pd.DataFrame:
    """Canonical columns, UTC timestamps, untimed rows dropped, sensor junk as NaN.

    Points dated before :data:`EARLIEST_PLAUSIBLE` or after
    :func:`latest_plausible` are dropped; heart rate and cadence outside
    :data:`HEART_RATE_RANGE_BPM` and :data:`CADENCE_RANGE_SPM` become NaN
    (a cadence of 0 is standing still, and is not remarked on). What was
    dropped is said in ``notes``, when given, for the activity's
    ``quality_notes``. ``altitude_smooth_m`` is filled here, once per
    activity, so that rules over a long history never smooth activity by
    activity.
    """
    notes = notes if notes is not None else []
    if samples.empty:
        return empty_samples()
    stamps = samples["timestamp"]
    if not (isinstance(stamps.dtype, pd.DatetimeTZDtype) and str(stamps.dtype.tz) == "UTC"):
        stamps = pd.to_datetime(stamps, utc=True, errors="coerce")
    stamps = stamps.array
    timed = ~stamps.isna()
    plausible = np.asarray((stamps >= EARLIEST_PLAUSIBLE) & (stamps <= latest_plausible()), dtype=bool)
    if (timed & ~plausible).any() and plausible.any():
        wrong = int((timed & ~plausible).sum())
        notes.append(f"{wrong} of {int(timed.sum())} points {'is' if wrong == 1 else 'are'} dated before 2000 or in "
                     f"the future (a device clock set wrong) and {'was' if wrong == 1 else 'were'} left out")
    columns = {"timestamp": stamps[plausible].as_unit("ns")}
    for name in SAMPLE_COLUMNS:
        if name not in ("activity_id", "timestamp"):
            columns[name] = as_floats(samples[name])[plausible] if name in samples else np.full(plausible.sum(), np.nan)
    columns["segment"] = np.nan_to_num(columns["segment"], nan=0.0).astype(SAMPLE_COLUMNS["segment"])
    for column, (lo, hi), what, unit in (("heart_rate_bpm", HEART_RATE_RANGE_BPM, "heart-rate", "bpm"),
                                         ("cadence_spm", CADENCE_RANGE_SPM, "cadence", "steps/min")):
        values = columns[column]
        junk = ~np.isnan(values) & ~((values >= lo) & (values <= hi))
        remarked = junk & (values != 0) if column == "cadence_spm" else junk
        if remarked.any():
            notes.append(f"{int(remarked.sum())} {what} values outside {lo:g}-{hi:g} {unit} were ignored "
                         f"(sensor errors, e.g. {values[remarked][0]:g})")
        columns[column] = np.where(junk, np.nan, values)
    lat, lon = columns["latitude_deg"], columns["longitude_deg"]
    bad_position = ~((lat >= -90) & (lat <= 90) & (lon >= -180) & (lon <= 180)) | ((lat == 0) & (lon == 0))
    for name in ("latitude_deg", "longitude_deg"):
        columns[name] = np.where(bad_position, np.nan, columns[name])
    columns["altitude_smooth_m"] = track.smooth_altitude_at_samples(columns)
    return pd.DataFrame(columns)  # in the order, and of the types, of SAMPLE_COLUMNS


def plausible_parts(raw: RawActivity) -> list[RawActivity]:
    """``raw`` itself, or, when its samples span more than :data:`MAX_PLAUSIBLE_SPAN`, its outings.

    A recording that long is judged by its samples: they are cut where
    :data:`SEPARATE_OUTINGS_AFTER` passes without one, each stretch of at
    least :data:`MIN_OUTING_SAMPLES` samples is an activity of its own (the
    device's totals, which cover the whole, are dropped), and the stray points
    left over are counted in a note. A clock that jumped over years leaves
    stray points, never one activity spanning them.
    """
    samples = raw.samples
    if len(samples) < 2:
        return [raw]
    stamps = samples["timestamp"]
    times = stamps.to_numpy("datetime64[ns]")
    if times.max() - times.min() <= MAX_PLAUSIBLE_SPAN.to_timedelta64():
        return [raw]
    order = stamps.sort_values(kind="stable").index
    ordered = samples.loc[order].reset_index(drop=True)
    outing = (ordered["timestamp"].diff() > SEPARATE_OUTINGS_AFTER).cumsum()
    sizes = outing.value_counts()
    real = sizes[sizes >= MIN_OUTING_SAMPLES].index
    stray = int(sizes[sizes < MIN_OUTING_SAMPLES].sum())
    days = (stamps.max() - stamps.min()).total_seconds() / 86400
    if len(real) == 1 and not stray:
        return [raw]  # one long continuous recording (an ultra, a multi-day ride): nothing to cut
    hours = SEPARATE_OUTINGS_AFTER.total_seconds() / 3600
    note = (f"the recording spans {days:.1f} days; judged by its samples it holds {counted(len(real), 'outing')} "
            f"(a gap of over {hours:g} h starts a new one)"
            + (f"; {stray} stray points outside them were left out (a clock that jumped)" if stray else ""))
    parts = []
    for number in sorted(real):
        part = ordered[outing == number].reset_index(drop=True)
        # the device's totals cover the whole file: they hold for one outing only (checked against it later)
        totals = raw.totals if len(real) == 1 else {}
        parts.append(replace(raw, samples=part, start_time=None, totals=dict(totals), notes=raw.notes + [note]))
    return parts


def _positive(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 and np.isfinite(number) else None


def summarize(raw: RawActivity, samples: track.Samples | None = None) -> dict:
    """The activity row of :data:`riskload.columns.ACTIVITY_COLUMNS` for ``raw``.

    Identity and path columns (``activity_id``, ``source_path``, local time)
    are filled by the caller, who may also give ``raw.samples`` as its
    columns' arrays, which are read faster. Rules, in order of preference:

    - start: the device's start time, else the first sample;
    - elapsed time: device total, else first to last sample;
    - moving time: device timer time, else :func:`riskload.track.moving_time_s`;
    - distance: device total, else the last cumulative device distance, else
      positions with GPS errors filtered;
    - ascent and descent: device totals when plausible, else the smoothed
      profile with the hysteresis threshold.
    """
    samples = raw.samples if samples is None else samples
    times = track.sample_times(samples)
    notes = list(raw.notes)
    totals = {k: v for k, v in raw.totals.items() if v is not None}
    has_time = len(times) > 0
    start = raw.start_time if raw.start_time is not None else (pd.Timestamp(times[0], tz="UTC") if has_time else None)
    if start is None:
        raise ValueError("an activity needs a start time")
    start = pd.Timestamp(start).tz_convert("UTC") if pd.Timestamp(start).tzinfo else pd.Timestamp(start, tz="UTC")

    span_s = (pd.Timestamp(times.max(), tz="UTC") - start).total_seconds() if has_time else 0.0
    claimed = _positive(totals.get("elapsed_time_s"))
    if claimed and not raw.partial and len(times) >= 2 and claimed > span_s + max(ELAPSED_SLACK_S, 0.1 * span_s):
        notes.append(f"the device's elapsed time of {claimed:.0f} s is far longer than its samples span "
                     f"({span_s:.0f} s): the samples' span is used")
        claimed = None
        if (_positive(totals.get("moving_time_s")) or 0.0) > span_s + 1:
            del totals["moving_time_s"]  # the timer of the same unsupported summary
    elapsed = claimed or max(span_s, _positive(totals.get("moving_time_s")) or 0.0)

    max_speed = track.MAX_SPEED_M_S.get(raw.sport, track.DEFAULT_MAX_SPEED_M_S)
    positions = as_floats(samples["latitude_deg"]) + as_floats(samples["longitude_deg"])  # NaN where either is
    has_gps = bool(np.count_nonzero(~np.isnan(positions)) >= 2)
    device_distance = as_floats(samples["distance_m"])
    device_legs = track.device_leg_distances_m(samples, max_speed) if not np.isnan(device_distance).all() else None
    gps_legs = track.gps_leg_distances_m(samples, max_speed) if has_gps else None

    if device_legs is not None:
        backwards = int((np.diff(device_distance[~np.isnan(device_distance)]) < 0).sum())
        if backwards:
            notes.append(f"the device's distance goes backwards {backwards} times; nothing is subtracted or added "
                         "for it")
    distance = _positive(totals.get("distance_m"))
    distance_source = "device"
    if distance is None and device_legs is not None:
        distance = _positive(np.nansum(device_legs))
    if distance is None and gps_legs is not None:
        distance, distance_source = float(np.nansum(gps_legs)), "gps"
    if distance is None:
        distance, distance_source = 0.0, "none"

    moving = _positive(totals.get("moving_time_s"))
    if moving is None:
        informative = device_legs is not None and np.nansum(device_legs) > 0
        moving = track.moving_time_s(samples, device_legs if informative else gps_legs)
    if moving > elapsed + 1:
        notes.append(f"timer time {moving:.0f} s exceeds elapsed time {elapsed:.0f} s; capped")
        moving = elapsed

    ascent, descent, elevation_source = _elevation(samples, totals, distance, raw.sport, notes)

    heart = as_floats(samples["heart_rate_bpm"])
    avg_hr = _positive(totals.get("avg_heart_rate_bpm")) or _nan_statistic(np.nanmean, heart)
    max_hr = _positive(totals.get("max_heart_rate_bpm")) or _nan_statistic(np.nanmax, heart)
    avg_cad = np.nan
    if raw.sport in ON_FOOT_SPORTS:
        cadence = as_floats(samples["cadence_spm"])
        avg_cad = _positive(totals.get("avg_cadence_spm")) or _nan_statistic(np.nanmean, cadence)

    if elapsed > 24 * 3600:
        notes.append(f"spans {elapsed / 86400:.1f} days: the device clock or recording is suspect")
    return {
        "sport": raw.sport,
        "sub_sport": raw.sub_sport,
        "sport_raw": raw.sport_raw,
        "is_running": raw.sport in RUNNING_SPORTS,
        "start_time": start,
        "end_time": start + pd.Timedelta(seconds=elapsed),
        "utc_offset_min": raw.utc_offset_min,
        "elapsed_time_s": float(elapsed),
        "moving_time_s": float(moving),
        "distance_m": float(distance),
        "distance_source": distance_source,
        "ascent_m": ascent,
        "descent_m": descent,
        "elevation_source": elevation_source,
        "avg_heart_rate_bpm": float(avg_hr),
        "max_heart_rate_bpm": float(max_hr),
        "avg_cadence_spm": float(avg_cad),
        "profile_resting_hr_bpm": float(_positive(totals.get("profile_resting_hr_bpm")) or np.nan),
        "n_samples": int(len(times)),
        "has_gps": has_gps,
        "device": raw.device,
        "name": raw.name,
        "partial": raw.partial,
        "quality_notes": "; ".join(dict.fromkeys(notes)),
    }


def _nan_statistic(statistic, values: np.ndarray) -> float:
    """``statistic`` (a NaN-skipping numpy one) of ``values``, NaN when none has a value."""
    return float(statistic(values)) if not np.isnan(values).all() else np.nan


def _elevation(samples: track.Samples, totals: dict, distance_m: float, sport: str, notes: list[str]):
    if sport in NO_CLIMB_SPORTS:
        return np.nan, np.nan, "none"
    limit_m = MAX_ASCENT_M_PER_KM * max(distance_m / 1000.0, 1.0)
    device_up, device_down = totals.get("ascent_m"), totals.get("descent_m")
    if device_up is not None and np.isfinite(float(device_up)):
        if float(device_up) <= limit_m:
            down = float(device_down) if device_down is not None else np.nan
            return float(device_up), down, "device"
        notes.append(f"device ascent {float(device_up):.0f} m is implausible for {distance_m / 1000:.1f} km; "
                     "recomputed")
    altitude = as_floats(samples["altitude_m"])
    if np.count_nonzero(~np.isnan(altitude)) < 2:
        return np.nan, np.nan, "none"
    if not np.nan_to_num(altitude, nan=0.0).any():
        notes.append("altitude is 0 throughout: taken as not recorded")
        return np.nan, np.nan, "none"
    # the profile tidy_samples smoothed, in time order
    in_time = np.argsort(track.sample_times(samples), kind="stable")
    ascent, descent = track.hysteresis_gain_m(as_floats(samples["altitude_smooth_m"])[in_time])
    if ascent > limit_m:
        notes.append(f"altitude profile climbs {ascent:.0f} m in {distance_m / 1000:.1f} km: too noisy to use")
        return np.nan, np.nan, "none"
    return ascent, descent, "profile"
