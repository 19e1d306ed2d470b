"""Runs that have not happened yet, and a planned week checked by the rules as if it had.

A planned run becomes an activity with records as a watch would have
written them (:func:`planned_activities`): the runner's usual pace and
cadence, ten easier minutes to start, heart rate in the runner's own range
(easy, long, or hard after the warm-up), and the climb up the first half
and down the second. :func:`extend_load` adds such runs to a built load,
and the rules run on it unchanged (:func:`check_plan`). The safe envelope
(:mod:`riskload.safe_envelope`) searches with the same runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import records
from .columns import ACTIVITY_COLUMNS, SAMPLE_COLUMNS, conform, typed_rows
from .errors import ConfigError
from .load import Load, assemble_load, measure_runs, start_of_week
from .rules import rule_thresholds, run_rules
from .sessions import join_sessions
from .userfiles import csv_rows, day_of, read_text

PLAN_COLUMNS = ["date", "time", "sport", "distance_km", "duration_min", "climb_m", "steep_descent_m", "intensity",
                "line"]
INTENSITIES = ("easy", "long", "hard")
#: Where in the runner's heart-rate reserve each kind of planned run sits, and its pace against their usual.
#: Easy and long runs stay well below the 80 % of reserve that RL005 counts as high; the main part of a
#: hard run sits above the fraction of maximum that RL009 and RL010 count as hard.
RESERVE_FRACTION = {"easy": 0.60, "long": 0.65, "hard": 0.92}
PACE_FACTOR = {"easy": 1.0, "long": 0.95, "hard": 1.12}
WARMUP_MIN = 10.0
RECORD_S = 10.0
DEFAULT_TIME = "07:00"


# --- a plan --------------------------------------------------------------------------------

@dataclass
class Plan:
    """Planned runs (:data:`PLAN_COLUMNS`) and the rows left out with why."""

    runs: pd.DataFrame
    problems: list[str] = field(default_factory=list)
    source: str = "plan"


def read_plan(path: str | Path) -> Plan:
    """Read a plan CSV: ``date``, ``sport`` (default run), ``distance`` [km], optional ``duration`` [min],
    ``climb`` [m], ``intensity`` (easy, hard or long; default easy), ``time`` (HH:MM, default 07:00) and
    ``steep_descent`` [m] (metres of it descended steeply, at RL006's grade; default 0).

    A bad row is left out with a message naming its line.

    Raises
    ------
    ConfigError
        The file is missing, has no ``date`` or ``distance`` column, or no
        row that can be read.
    """
    return parse_plan(read_text(path, "plan"), Path(path).name)


def parse_plan(text: str, source: str = "plan") -> Plan:
    """:func:`read_plan` from the file's text."""
    names, lines = csv_rows(text, {"distance": "distance_km", "duration": "duration_min", "climb": "climb_m",
                                   "ascent": "climb_m", "steep_descent": "steep_descent_m"})
    _require_columns(names, f"{source}: the first line")
    rows, bad = [], []
    for line, cell in lines:
        try:
            rows.append(_plan_row(cell, line))
        except ValueError as exc:
            bad.append(f"line {line}: {exc}")
    if not rows:
        raise ConfigError(f"{source}: no planned run to check" + (f" ({'; '.join(bad)})" if bad else
                                                                  ": the file has no row after its first line"))
    return Plan(plan_frame(rows), [f"{source} {problem}; row left out" for problem in bad], source)


def plan_frame(rows: list | pd.DataFrame) -> pd.DataFrame:
    """A plan table (:data:`PLAN_COLUMNS`) from rows or from a notebook's DataFrame, typed and in date order.

    A DataFrame needs ``date`` and ``distance_km``; the other columns take their defaults. Unlike a file's,
    a table's bad row is not left out: it raises :class:`~riskload.errors.ConfigError`, naming the row.
    """
    if isinstance(rows, pd.DataFrame):
        given = rows.rename(columns={"distance": "distance_km", "duration": "duration_min", "climb": "climb_m",
                                     "steep_descent": "steep_descent_m"})
        _require_columns(given.columns, "a plan table")
        table, rows = given.to_dict("records"), []
        for i, row in enumerate(table):
            try:
                rows.append(_plan_row({k: _text(v) for k, v in row.items()}, i + 1))
            except ValueError as exc:
                raise ConfigError(f"plan table row {i + 1}: {exc}") from None
    frame = pd.DataFrame(rows, columns=PLAN_COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"])
    for column in ("distance_km", "duration_min", "climb_m", "steep_descent_m"):
        frame[column] = frame[column].astype(float)
    return frame.sort_values(["date", "time"], kind="stable").reset_index(drop=True)


def _require_columns(names, what: str) -> None:
    missing = [c for c in ("date", "distance_km") if c not in names]
    if missing:
        raise ConfigError(f"{what} must name the columns date, sport, distance, duration, climb, intensity "
                          f"(missing: {', '.join(m.split('_')[0] for m in missing)})")


def _text(value) -> str:
    """A notebook's cell value as the CSV would hold it (a date as YYYY-MM-DD, a number as written)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (pd.Timestamp, np.datetime64)) or hasattr(value, "strftime"):
        return f"{pd.Timestamp(value):%Y-%m-%d}"
    return str(value)


def _plan_row(cell: dict, line: int) -> tuple:
    day = day_of(cell.get("date", ""))
    time = cell.get("time") or DEFAULT_TIME
    if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", time):
        raise ValueError(f"time {time!r} is not HH:MM")
    sport = (cell.get("sport") or "run").lower()
    if sport not in ("run", "running", "trail run", "treadmill"):
        raise ValueError(f"sport {sport!r}: only runs can be planned (run, trail run, treadmill)")
    distance = _number(cell.get("distance_km", ""), "distance", 0.1, 500)
    duration = _number(cell.get("duration_min", ""), "duration", 1, 3000, optional=True)
    climb = _number(cell.get("climb_m", ""), "climb", 0, 20000, optional=True)
    steep = _number(cell.get("steep_descent_m", ""), "steep descent", 0, 20000, optional=True)
    intensity = (cell.get("intensity") or "easy").lower()
    if intensity not in INTENSITIES:
        raise ValueError(f"intensity {intensity!r}: easy, hard or long")
    return (day, time, sport, distance, duration, 0.0 if climb != climb else climb, 0.0 if steep != steep else steep,
            intensity, line)


def _number(text: str, name: str, low: float, high: float, optional: bool = False) -> float:
    if not text and optional:
        return np.nan
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name} {text!r} is not a number") from None
    if not low <= value <= high:
        raise ValueError(f"{name} {value:g} is outside {low:g}..{high:g}")
    return value


# --- planned runs as activities with records ----------------------------------------------------

@dataclass(frozen=True)
class Habits:
    """What a planned run borrows from the runner: usual speed, cadence, time zone offset, heart rate."""

    speed_m_s: float
    cadence_spm: float
    utc_offset_min: float
    max_bpm: float | None
    resting_bpm: float | None

    @classmethod
    def of(cls, load: Load, days: int = 90) -> Habits:
        """The runner's habits over their last ``days`` days of running (the whole history when shorter)."""
        runs = load.runs
        recent = runs[runs["local_date"] > runs["local_date"].max() - pd.Timedelta(days=days)]
        moving = recent["moving_time_s"].where(recent["moving_time_s"] > 0)
        speed = (recent["distance_m"] / moving).median()
        steps = load.records.loc[load.records["activity_id"].isin(set(recent["activity_id"])), "cadence_spm"]
        cadence = steps.where(steps > 0).median()
        offset = load.activities["utc_offset_min"].dropna()
        hr = load.heart_rate
        return cls(float(speed) if speed == speed else 2.8, float(cadence) if cadence == cadence else np.nan,
                   float(offset.iloc[-1]) if len(offset) else 0.0, hr.max_bpm, hr.resting_bpm)


def planned_activities(plan: pd.DataFrame, habits: Habits, *,
                       steep_grade_pct: float = -10.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The planned runs as activity rows and samples, as a watch would have recorded them.

    The pace is the run's own (distance over duration) or the runner's usual
    times :data:`PACE_FACTOR`; the first :data:`WARMUP_MIN` minutes are 10 %
    slower, at an easy heart rate. The climb goes up over the first half and
    down over the second; a plan's ``steep_descent_m`` is added as a descent
    at ``steep_grade_pct`` at the end (for the steep-downhill rule, RL006).

    Returns
    -------
    (DataFrame, DataFrame)
        Activities (:data:`~riskload.columns.ACTIVITY_COLUMNS`) and samples
        (:data:`~riskload.columns.SAMPLE_COLUMNS`), ids ``planned-N``.
    """
    acts, samples = [], []
    for i, run in enumerate(plan.itertuples()):
        aid = f"planned-{i + 1}"
        distance = run.distance_km * 1000
        kind = run.intensity
        speed = (distance / (run.duration_min * 60) if run.duration_min == run.duration_min
                 else habits.speed_m_s * PACE_FACTOR[kind])
        local = pd.Timestamp(f"{run.date:%Y-%m-%d} {run.time}")
        start = (local - pd.Timedelta(minutes=habits.utc_offset_min)).tz_localize("UTC")
        warm_speed = speed / 1.10
        warm_m = min(warm_speed * WARMUP_MIN * 60, distance / 3)
        total_s = warm_m / warm_speed + (distance - warm_m) / speed
        t = np.arange(0.0, total_s + RECORD_S, RECORD_S)
        t[-1] = total_s
        in_warmup = t <= warm_m / warm_speed
        d = np.where(in_warmup, t * warm_speed, warm_m + (t - warm_m / warm_speed) * speed).clip(max=distance)
        altitude = 100 + np.where(d <= distance / 2, d, distance - d) * (2 * run.climb_m / distance)
        descent = float(run.steep_descent_m)
        if descent > 0:
            slope = abs(steep_grade_pct) / 100
            steep_from = max(distance - descent / slope, 0.0)
            altitude = altitude + np.where(d > steep_from, -(d - steep_from) * slope, 0.0) + descent
        heart = np.full(len(t), np.nan)
        if habits.max_bpm is not None:
            rest = habits.resting_bpm if habits.resting_bpm is not None else 60.0
            level = np.where(in_warmup, RESERVE_FRACTION["easy"], RESERVE_FRACTION[kind])
            heart = rest + level * (habits.max_bpm - rest)
        samples.append({"timestamp": start.value + np.round(t * 1e9).astype("int64"), "altitude_m": altitude,
                        "distance_m": d, "speed_m_s": np.where(in_warmup, warm_speed, speed),
                        "heart_rate_bpm": heart})
        ascent = float(np.clip(np.diff(altitude), 0, None).sum())
        acts.append({
            "activity_id": aid, "session_id": aid, "source_path": f"(plan) {aid}", "source_format": "plan",
            "sport": "running", "sub_sport": run.sport, "sport_raw": run.sport, "is_running": True,
            "start_time": start, "end_time": start + pd.Timedelta(seconds=total_s),
            "utc_offset_min": habits.utc_offset_min, "local_time_source": "plan", "start_time_local": local,
            "local_date": run.date, "elapsed_time_s": total_s, "moving_time_s": total_s, "distance_m": distance,
            "distance_source": "plan", "ascent_m": ascent, "descent_m": ascent, "elevation_source": "plan",
            "avg_heart_rate_bpm": float(np.nanmean(heart)) if habits.max_bpm is not None else np.nan,
            "n_samples": len(t), "has_gps": False, "name": f"planned {kind} run", "partial": False,
            "quality_notes": ""})
    return typed_rows(acts, ACTIVITY_COLUMNS), _sample_table(samples, habits.cadence_spm)


def _sample_table(runs: list[dict], cadence_spm: float) -> pd.DataFrame:
    """The planned runs' records as one table of :data:`~riskload.columns.SAMPLE_COLUMNS`, ids ``planned-N``,
    each column made in its type at once (converting them took most of a trial of the safe envelope)."""
    if not runs:
        return conform(pd.DataFrame(), SAMPLE_COLUMNS)
    sizes = [len(run["timestamp"]) for run in runs]
    rows = sum(sizes)
    joined = {name: np.concatenate([run[name] for run in runs]) for name in runs[0]}
    ids = pd.Categorical(np.repeat([f"planned-{i + 1}" for i in range(len(runs))], sizes))
    stamps = pd.DatetimeIndex(joined.pop("timestamp").view("datetime64[ns]")).tz_localize("UTC")
    table = pd.DataFrame({"activity_id": ids, "timestamp": stamps, "segment": np.zeros(rows, dtype="int32"),
                          "altitude_smooth_m": joined["altitude_m"], "cadence_spm": np.full(rows, cadence_spm),
                          **joined})
    return conform(table, SAMPLE_COLUMNS)


def extend_load(load: Load, activities: pd.DataFrame, samples: pd.DataFrame, as_of=None) -> Load:
    """``load`` with the runs ``activities``/``samples`` added (as :func:`riskload.build_load` would measure
    them, with the load's heart-rate settings), its tables running to ``as_of`` (default: the day after
    the last added run)."""
    settings = load.settings
    activities = activities.assign(week_start=start_of_week(activities["local_date"], settings.week_start_day))
    last = activities["local_date"].max() if len(activities) else load.as_of
    as_of = pd.Timestamp(as_of) if as_of is not None else max(load.as_of, last + pd.Timedelta(days=1))
    runs = join_sessions(activities)
    recs = records.running_records(samples, runs["activity_id"])
    runs = measure_runs(runs, recs, settings, load.heart_rate)
    acts = pd.concat([load.activities, activities], ignore_index=True)
    all_runs = pd.concat([load.runs, runs], ignore_index=True)
    all_recs = records.concat_records([load.records, recs]) if len(recs) else load.records
    return assemble_load(acts, all_runs, all_recs, load.heart_rate, settings, as_of, list(load.notes))


def recent_load(load: Load, before, days: int = 400, record_days: int = 120) -> Load:
    """``load`` as it stood on the eve of ``before``, cut to the runs of the ``days`` days up to then and the
    records of the last ``record_days``, for fast searches.

    Every rule's look-back fits: the runs' half-year of RL001 and a break's
    weeks before it for RL007, and the records' 8 weeks at most (RL009,
    RL010, RL013). Older runs keep the figures measured from their records.
    """
    end = pd.Timestamp(before)

    def kept(table: pd.DataFrame, span: int) -> pd.Series:
        return (table["local_date"] >= end - pd.Timedelta(days=span)) & (table["local_date"] < end)

    runs = load.runs[kept(load.runs, days)]
    if runs.empty:
        return load
    measured = runs.loc[kept(runs, record_days), "activity_id"]
    recs = load.records[load.records["activity_id"].isin(set(measured))]
    return assemble_load(load.activities[kept(load.activities, days)], runs, recs, load.heart_rate, load.settings,
                         end, list(load.notes))


def steep_grade(load: Load) -> float:
    """The grade a planned steep descent is run at: a quarter steeper than what RL006 counts as steep."""
    return rule_thresholds(load.settings)["RL006"]["grade_limit_pct"] * 1.25


# --- checking a plan ----------------------------------------------------------------------------

def check_plan(analysis, plan: Plan | pd.DataFrame) -> pd.DataFrame:
    """The flags a plan would raise, as if it had been run: every rule, with the same messages.

    Only flags dated on or after the plan's first day are returned (a week
    flag counts when its week holds a planned run).

    Parameters
    ----------
    analysis : riskload.Analysis
        The history the plan follows (``--until`` sets where it ends).
    plan : Plan or DataFrame
        :func:`read_plan`, or a DataFrame with ``date`` and ``distance_km``
        (and optionally ``time``, ``duration_min``, ``climb_m``, ``intensity``).
    """
    runs = plan.runs if isinstance(plan, Plan) else plan_frame(plan)
    if runs.empty:
        return analysis.flags.iloc[0:0]
    load = analysis.load
    acts, samples = planned_activities(runs, Habits.of(load), steep_grade_pct=steep_grade(load))
    extended = extend_load(load, acts, samples)
    report = run_rules(extended, athlete=analysis.athlete)
    flags = report.flags
    first = runs["date"].min()
    first_week = start_of_week(pd.DatetimeIndex([first]), load.settings.week_start_day)[0]
    dated = pd.DatetimeIndex(flags["date"])
    keep = np.where(flags["period"].to_numpy() == "week", dated >= first_week, dated >= first)
    return flags[keep].reset_index(drop=True)


def planned(days, distance_km: float, *, intensity: str = "easy", climb_m: float = 0.0,
            steep_descent_m: float = 0.0, time: str = DEFAULT_TIME) -> pd.DataFrame:
    """A plan of one run of ``distance_km`` on each of ``days`` (the climb and steep descent shared out)."""
    days = list(days)
    n = max(len(days), 1)
    return plan_frame([(d, time, "run", round(distance_km, 3), np.nan, climb_m / n, steep_descent_m / n, intensity, 0)
                       for d in days])


def hard_session_km(habits: Habits, minutes: float) -> float:
    """The distance of a planned hard run holding ``minutes`` of hard running after its warm-up."""
    speed = habits.speed_m_s * PACE_FACTOR["hard"]
    return round((speed / 1.10 * WARMUP_MIN * 60 + speed * minutes * 60) / 1000, 3)
