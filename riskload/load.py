"""The load a runner's body carried: dense daily and weekly tables.

Everything here is in the athlete's local calendar. Days and weeks without
running are rows of zeros, never missing rows. *Running* is every activity
with ``is_running`` (road, trail and treadmill running); walks, hikes, rides
and strength work are kept apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from . import heart, records
from .columns import as_floats
from .errors import RiskloadError
from .memory import release_freed_memory
from .sessions import join_sessions, samples_by_session
from .settings import Settings, check_threshold
from .sports import RUNNING_SPORTS
from .wording import counted

# The thresholds the tables share with a rule: the rule's defaults, which the
# settings may change for both at once (:func:`shared_threshold`).
#: EWMA spans of the acute:chronic workload ratio [days] (RL014; Williams et al.
#: 2017, Br J Sports Med 51:209, lambda = 2 / (N + 1)).
ACUTE_DAYS, CHRONIC_DAYS = 7, 28
#: The least chronic load the ratio is taken against, as a week [km] (RL014): RL001's smallest week.
MIN_CHRONIC_WEEK_KM = 10.0
#: Fraction of the heart-rate reserve counted as "high" (RL005).
HIGH_HR_RESERVE_FRACTION = 0.80
#: What counts as a steep descent (RL006): grade [%] over a segment [m].
STEEP_GRADE_PCT, STEEP_SEGMENT_M = -8.0, 50.0


def shared_threshold(settings: Settings, code: str, name: str, default: float) -> float:
    """A threshold the load tables share with rule ``code``: the settings' value, else ``default``.

    So that ``weekly.csv``, the terminal table and the figure show what the
    rule judged: with ``[rules.RL014] acute_days = 3``, the week's highest
    acute:chronic ratio is a 3-day one in both. Checked as the rule's own
    (:func:`~riskload.settings.check_threshold`).
    """
    value = settings.rule_options.get(code, {}).get(name)
    if value is None:
        return default
    return check_threshold(f"{settings.source or 'settings'}: rules.{code}.{name}", name, value, default)


@dataclass
class Load:
    """An athlete's history prepared for the rules.

    Attributes
    ----------
    activities : DataFrame
        Every activity, with ``week_start`` added.
    runs : DataFrame
        Running sessions (:func:`riskload.sessions.join_sessions`: the parts
        of a workout saved in several files are one run, ``part_ids`` lists
        them), with per-run ``distance_km``, ``moving_time_min``,
        ``high_hr_min``, ``trimp``, ``steep_descent_m``.
    records : DataFrame
        The runs' records (:func:`riskload.records.running_records`).
    daily, weekly : DataFrame
        Dense tables; see :func:`daily_table` and :func:`weekly_table`. They
        run from the first activity's week to the week of the last one, or
        of ``as_of`` when that is no more than 8 weeks later.
    shoes : DataFrame
        One row per run that names its shoes: ``gear``, ``local_date``,
        ``activity_id``, ``distance_km`` and the pair's ``cumulative_km``.
    heart_rate : HeartRateSettings
        The maximum and resting heart rate used, and where they came from.
    settings : Settings
    as_of : date
        The day the analysis is for; the week holding it is unfinished.

    The tables are made when first read: a trial plan of the safe envelope
    is judged by one to four rules, and most of them read only some tables.
    """

    activities: pd.DataFrame
    runs: pd.DataFrame
    records: pd.DataFrame
    heart_rate: heart.HeartRateSettings
    settings: Settings
    as_of: pd.Timestamp
    notes: list[str] = field(default_factory=list)

    @cached_property
    def daily(self) -> pd.DataFrame:
        settings, dates = self.settings, self.activities["local_date"]
        last = dates.max()
        end = self.as_of if last < self.as_of <= last + pd.Timedelta(weeks=8) else last
        start = start_of_week(pd.DatetimeIndex([dates.min()]), settings.week_start_day)[0]
        end = start_of_week(pd.DatetimeIndex([end]), settings.week_start_day)[0] + pd.Timedelta(days=6)
        return daily_table(self.runs, self.activities[self.activities["sport"] == "strength"],
                           pd.date_range(start, end, freq="D"),
                           int(shared_threshold(settings, "RL014", "acute_days", ACUTE_DAYS)),
                           int(shared_threshold(settings, "RL014", "chronic_days", CHRONIC_DAYS)),
                           shared_threshold(settings, "RL014", "min_chronic_week_km", MIN_CHRONIC_WEEK_KM))

    @cached_property
    def weekly(self) -> pd.DataFrame:
        return weekly_table(self.daily, self.runs, self.records, self.settings.week_start_day, self.as_of)

    @cached_property
    def shoes(self) -> pd.DataFrame:
        return shoe_table(self.runs)

    @property
    def last_day(self) -> pd.Timestamp:
        """The last day the tables cover: the end of their last week, or ``as_of`` when that comes first
        (the week in progress)."""
        return min(self.weekly.index[-1] + pd.Timedelta(days=6), self.as_of)

    def high_hr_minutes(self, fraction: float) -> pd.Series:
        """Moving minutes per run at or above ``fraction`` of maximum heart rate."""
        return high_hr_minutes(self.records, self.runs["activity_id"], self.heart_rate.max_bpm, fraction)

    def steep_descent_m(self, grade_limit_pct: float, segment_m: float) -> pd.Series:
        """Metres descended per run at ``grade_limit_pct`` or steeper."""
        return steep_descent_m(self.records, self.runs["activity_id"], grade_limit_pct, segment_m)


def high_hr_minutes(recs: pd.DataFrame, ids: pd.Series, max_bpm: float | None, fraction: float) -> pd.Series:
    """Moving minutes of each run in ``ids`` at or above ``fraction`` of ``max_bpm`` (0 without heart rate)."""
    if max_bpm is None:
        return pd.Series(0.0, index=pd.Index(ids, name="activity_id"))
    return records.minutes_at_or_above(recs, fraction * max_bpm).reindex(ids, fill_value=0.0)


def steep_descent_m(recs: pd.DataFrame, ids: pd.Series, grade_limit_pct: float, segment_m: float) -> pd.Series:
    """Metres each run in ``ids`` descended at ``grade_limit_pct`` or steeper (0 without altitude)."""
    return records.steep_descent_m(recs, grade_limit_pct, segment_m).reindex(ids, fill_value=0.0)


def start_of_week(dates: pd.Series | pd.DatetimeIndex, first_day: int = 0):
    """The first day of the week holding each date (``first_day``: Monday 0 ... Sunday 6)."""
    dates = pd.to_datetime(dates)
    weekday = dates.day_of_week if isinstance(dates, pd.DatetimeIndex) else dates.dt.day_of_week
    return dates - pd.to_timedelta((np.asarray(weekday) - first_day) % 7, unit="D")


def names_no_sport(activities: pd.DataFrame) -> pd.Series:
    """Which activities came from files that name no sport at all (an app's GPX without ``<type>``): taken as
    ``settings.untyped_sport``, by default "other", which is no run."""
    return (activities["sport"] == "other") & (activities["sport_raw"].fillna("") == "")


def week_of(weekly: pd.DataFrame, dates) -> pd.DatetimeIndex:
    """The week of ``weekly`` (a :func:`weekly_table`) that holds each of ``dates``: where the tables put a
    day, whatever weekday their weeks start on.

    Raises
    ------
    ValueError
        A date outside the weeks of ``weekly``.
    """
    dates = pd.DatetimeIndex(pd.to_datetime(dates))
    starts = weekly.index
    position = starts.searchsorted(dates, side="right") - 1
    if len(dates) and ((position < 0).any() or (dates >= starts[-1] + pd.Timedelta(days=7)).any()):
        raise ValueError("a date outside the weeks of the load")
    return starts[position]


def build_load(export, settings: Settings | None = None, as_of: dt.date | str | None = None) -> Load:
    """Daily and weekly load tables for one athlete's export.

    Parameters
    ----------
    export : Export
        From :func:`riskload.read_export`.
    settings : Settings, optional
        Athlete settings; defaults otherwise.
    as_of : date, optional
        The day of the analysis (default: today). The week holding it is
        marked unfinished; the tables run to it when it is later than the
        last activity and no more than 8 weeks after it. Activities after it
        are left out (a note says how many), so an earlier ``as_of`` shows
        the history as it stood on that day.

    Raises
    ------
    RiskloadError
        No activity on or before ``as_of``.
    """
    settings = settings or Settings()
    first_day = settings.week_start_day
    as_of = pd.Timestamp(as_of if as_of is not None else dt.date.today()).normalize()
    acts = export.activities
    later = acts["local_date"] > as_of
    acts = acts[~later].copy()
    if acts.empty:
        raise RiskloadError(f"no activities on or before {as_of:%Y-%m-%d}: nothing to build a load from")
    untyped = names_no_sport(acts)
    if untyped.any() and settings.untyped_sport != "other":
        acts.loc[untyped, "sport"] = settings.untyped_sport
        acts.loc[untyped, "is_running"] = settings.untyped_sport in RUNNING_SPORTS
    detached = detached_activities(acts["local_date"])
    outside = acts.loc[detached, "local_date"]
    acts = acts[~detached].copy()
    acts["week_start"] = start_of_week(acts["local_date"], first_day)
    is_run = acts["is_running"].astype(bool)
    runs = join_sessions(acts[is_run])
    recs = records.running_records(samples_by_session(export.samples, runs), runs["activity_id"])
    hr = heart.resolve(settings, records.heart_rate_peaks_bpm(recs), acts)
    runs = measure_runs(runs, recs, settings, hr)
    notes = []
    if later.any():
        n = int(later.sum())
        notes.append(f"{counted(n, 'activity', 'activities')} after {as_of:%Y-%m-%d} {'is' if n == 1 else 'are'} left "
                     "out of this analysis.")
    if len(outside):
        dates = ", ".join(f"{d:%Y-%m-%d}" for d in sorted(set(outside)))
        notes.append(f"{counted(len(outside), 'activity', 'activities')} dated {dates} "
                     f"{'lies' if len(outside) == 1 else 'lie'} more than a year before the rest of the history, too "
                     "few to be training (most likely a device whose clock was never set): listed with the "
                     "activities, left out of the load tables.")
    by_machine = int((acts["local_time_source"] == "machine").sum()) if "local_time_source" in acts else 0
    if by_machine:
        now = dt.datetime.now().astimezone()
        hours, minutes = divmod(abs(int(now.utcoffset().total_seconds() // 60)), 60)
        zone = f"now {now.tzname()}, UTC{'-' if now.utcoffset() < dt.timedelta(0) else '+'}{hours:02d}:{minutes:02d}"
        notes.append(f"{by_machine} of {counted(len(acts), 'activity', 'activities')} recorded no UTC offset (GPX "
                     f"and TCX files seldom do): their days were counted in this computer's time zone ({zone}). "
                     "If the runner lives in another, set athlete.timezone in riskload.toml or give --timezone.")
    notes += export.warnings
    if untyped.any() and settings.untyped_sport == "other":
        n = int(untyped.sum())
        notes.append(f"{counted(n, 'activity', 'activities')} {'names' if n == 1 else 'name'} no sport (a GPX file "
                     f"without <type>, say), so {'it is' if n == 1 else 'they are'} not counted as a run; if the "
                     "runner's files are runs, set athlete.untyped_sport = \"running\" in riskload.toml.")
    if hr.max_source == "estimated from the data":
        notes.append(f"Maximum heart rate not set: {hr.max_bpm:.0f} bpm estimated from the data "
                     "(set athlete.max_hr_bpm in riskload.toml).")
    load = assemble_load(acts, runs, recs, hr, settings, as_of, notes)
    weeks = len(load.weekly)  # the tables made now, so that their temporary arrays go with the rest
    release_freed_memory()  # the temporary arrays of millions of records
    if weeks < 8:
        notes.append(f"The export covers only {counted(weeks, 'week')}: the rules that compare with earlier weeks "
                     "have little to go on, and a new runner's first weeks cannot be judged.")
    if hr.resting_source != "settings" and hr.max_bpm is not None:
        notes.append(f"Resting heart rate not set: {hr.resting_bpm:.0f} bpm, {hr.resting_source} "
                     "(set athlete.resting_hr_bpm in riskload.toml).")
    return load


def measure_runs(runs: pd.DataFrame, recs: pd.DataFrame, settings: Settings,
                 hr: heart.HeartRateSettings) -> pd.DataFrame:
    """``runs`` with the per-run figures the tables sum: ``distance_km``, ``moving_time_min``, ``high_hr_min``,
    ``trimp``, ``steep_descent_m`` (from their records ``recs``)."""
    runs = runs.copy()
    ids = runs["activity_id"]
    runs["distance_km"] = runs["distance_m"].fillna(0.0) / 1000.0
    runs["moving_time_min"] = runs["moving_time_s"].fillna(0.0) / 60.0
    high_bpm = hr.reserve_bpm(shared_threshold(settings, "RL005", "hr_fraction", HIGH_HR_RESERVE_FRACTION))
    runs["high_hr_min"] = high_hr_minutes(recs, ids, hr.max_bpm, high_bpm / hr.max_bpm if high_bpm else 1.0).to_numpy()
    runs["trimp"] = trimp_per_run(recs, hr).reindex(ids, fill_value=0.0).to_numpy()
    runs["steep_descent_m"] = steep_descent_m(
        recs, ids, shared_threshold(settings, "RL006", "grade_limit_pct", STEEP_GRADE_PCT),
        shared_threshold(settings, "RL006", "segment_m", STEEP_SEGMENT_M)).to_numpy()
    return runs


@records.in_chunks
def trimp_per_run(recs: pd.DataFrame, hr: heart.HeartRateSettings) -> pd.Series:
    """Banister TRIMP of each run (:func:`riskload.heart.trimp` summed over its records)."""
    per_record = heart.trimp(recs["heart_rate_bpm"].to_numpy(), recs["dt_s"].to_numpy() / 60.0, hr)
    return pd.Series(per_record, index=recs.index).groupby(recs["activity_id"], observed=True, sort=False).sum()


def assemble_load(acts: pd.DataFrame, runs: pd.DataFrame, recs: pd.DataFrame, hr: heart.HeartRateSettings,
                  settings: Settings, as_of: pd.Timestamp, notes: list[str]) -> Load:
    """The :class:`Load` of measured ``runs`` (:func:`measure_runs`) and the other activities ``acts``."""
    return Load(acts, runs.reset_index(drop=True), recs, hr, settings, as_of, notes)


#: Activities separated from all later ones by more than this gap ...
DETACHED_GAP = pd.Timedelta(days=365)
#: ... and no more numerous than this are not training history but clock trouble.
DETACHED_MAX_ACTIVITIES = 3


def detached_activities(local_date: pd.Series) -> pd.Series:
    """Activities far outside the history: a device whose clock was never set.

    The dates are cut where more than :data:`DETACHED_GAP` passes without an
    activity. A group of at most :data:`DETACHED_MAX_ACTIVITIES` activities
    that is not the latest group is detached: one GPX dated 2000-01-10 in a
    history that starts in 2012 would otherwise stretch every weekly table
    and figure over 12 empty years. The latest group always stays, so a runner
    back after a year's break is judged on the runs since.

    Returns
    -------
    Series of bool
        Indexed like ``local_date``: True for each detached activity.
    """
    order = local_date.sort_values(kind="stable")
    group = (order.diff() > DETACHED_GAP).cumsum()
    sizes = group.value_counts()
    small = sizes.index[(sizes <= DETACHED_MAX_ACTIVITIES) & (sizes.index != group.iloc[-1])]
    return group.isin(small).reindex(local_date.index)


def shoe_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Running distance per pair of shoes, cumulative in start order.

    Only runs in the export count: what a pair ran before it is unknown.
    """
    named = runs[runs["gear"].fillna("").str.strip() != ""].sort_values("start_time")
    shoes = named[["gear", "local_date", "activity_id", "distance_km"]].reset_index(drop=True)
    shoes["cumulative_km"] = shoes.groupby("gear")["distance_km"].cumsum()
    return shoes


def daily_table(runs: pd.DataFrame, strength: pd.DataFrame, days: pd.DatetimeIndex, acute_days: int = ACUTE_DAYS,
                chronic_days: int = CHRONIC_DAYS, min_chronic_week_km: float = MIN_CHRONIC_WEEK_KM) -> pd.DataFrame:
    """One row per local day, zeros on days without running.

    Columns: ``distance_km``, ``moving_time_min``, ``runs``, ``rest_day``,
    ``longest_run_km``, ``ascent_m``, ``descent_m``, ``steep_descent_m``,
    ``high_hr_min``, ``trimp``, ``strength_sessions``, and
    ``acute_km``, ``chronic_km``, ``acwr`` (:func:`acute_chronic`).
    """
    day, inside = _positions(runs["local_date"], days)
    n = len(days)

    def of_runs(column: str) -> np.ndarray:
        return np.nan_to_num(as_floats(runs[column])[inside], nan=0.0)

    def per_day(column: str) -> np.ndarray:
        return np.bincount(day, weights=of_runs(column), minlength=n)

    longest = np.zeros(n)
    np.maximum.at(longest, day, of_runs("distance_km"))
    count = np.bincount(day, minlength=n)
    daily = pd.DataFrame({"distance_km": per_day("distance_km"), "moving_time_min": per_day("moving_time_min"),
                          "runs": count, "longest_run_km": longest,
                          **{name: per_day(name) for name in ("ascent_m", "descent_m", "steep_descent_m",
                                                                "high_hr_min", "trimp")},
                          "rest_day": count == 0,
                          "strength_sessions": np.bincount(_positions(strength["local_date"], days)[0], minlength=n)},
                         index=pd.DatetimeIndex(days, name="date"))
    return pd.concat([daily, acute_chronic(daily["distance_km"], acute_days, chronic_days, min_chronic_week_km)],
                     axis=1)


def acute_chronic(distance_km: pd.Series, acute_days: int = ACUTE_DAYS, chronic_days: int = CHRONIC_DAYS,
                  min_chronic_week_km: float = MIN_CHRONIC_WEEK_KM) -> pd.DataFrame:
    """The acute and chronic loads of a daily distance, ``acute_km`` and ``chronic_km`` [km/day], and their ratio
    ``acwr``.

    The loads are exponentially weighted means over ``acute_days`` and
    ``chronic_days`` (lambda = 2 / (N + 1), Williams et al. 2017; days
    without running count as 0). The ratio takes the chronic load as at
    least ``min_chronic_week_km`` a week (a seventh of it a day), and is NaN
    until ``chronic_days`` days are covered.
    """
    acute = distance_km.ewm(alpha=2 / (acute_days + 1), adjust=False).mean()
    chronic = distance_km.ewm(alpha=2 / (chronic_days + 1), adjust=False).mean()
    taken = chronic.clip(lower=min_chronic_week_km / 7)
    ratio = (acute / taken.where(taken > 0)).where(np.arange(len(distance_km)) >= chronic_days - 1)
    return pd.DataFrame({"acute_km": acute, "chronic_km": chronic, "acwr": ratio})


def _positions(dates: pd.Series, days: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """Each date's row in ``days`` (consecutive days), for the dates inside them; and which those are."""
    offset = (pd.DatetimeIndex(dates) - days[0]).days.to_numpy() if len(days) else np.zeros(0, int)
    inside = (offset >= 0) & (offset < len(days))
    return offset[inside].astype(np.intp), inside


def weekly_table(daily: pd.DataFrame, runs: pd.DataFrame, recs: pd.DataFrame, first_day: int,
                 as_of: pd.Timestamp) -> pd.DataFrame:
    """One row per week (``week_start``), dense, from the daily table (whole weeks of ``first_day`` on, as
    :attr:`Load.daily` makes it).

    Adds ``complete`` (False for the week holding ``as_of`` and later),
    ``rest_days``, ``ascent_m_per_km``, ``median_cadence_spm`` (all running
    records), Foster's ``monotony`` (mean / population SD of the 7 daily
    distances, rest days as 0) and ``strain`` (weekly distance x monotony),
    and ``acwr_max``, the week's highest daily acute:chronic ratio.
    """
    weeks = len(daily) // 7
    if len(daily) % 7 or (weeks and daily.index[0].day_of_week != first_day):
        raise ValueError("the daily table must hold whole weeks")
    index = pd.DatetimeIndex(daily.index.to_numpy()[::7], name="week_start")

    def by_week(column: str) -> np.ndarray:
        return daily[column].to_numpy().reshape(weeks, 7)

    weekly = pd.DataFrame({name: by_week(name).sum(axis=1) for name in (
        "distance_km", "moving_time_min", "runs", "ascent_m", "descent_m", "steep_descent_m", "high_hr_min", "trimp",
        "strength_sessions", "rest_day")}, index=index).rename(columns={"rest_day": "rest_days"})
    weekly["longest_run_km"] = by_week("longest_run_km").max(axis=1)
    weekly["complete"] = (index + pd.Timedelta(days=7)) <= as_of
    distance = weekly["distance_km"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        weekly["ascent_m_per_km"] = np.where(distance > 0, weekly["ascent_m"].to_numpy() / distance, 0.0)
        mean, sd = by_week("distance_km").mean(axis=1), by_week("distance_km").std(axis=1)
        weekly["median_cadence_spm"] = _median_cadence(runs, recs).reindex(index).to_numpy()
        weekly["monotony"] = np.where(mean > 0, mean / sd, np.nan)  # inf: the same distance every day
    weekly["strain"] = distance * weekly["monotony"].to_numpy()
    weekly["acwr_max"] = np.fmax.reduce(by_week("acwr"), axis=1) if weeks else np.zeros(0)
    return weekly


def _median_cadence(runs: pd.DataFrame, recs: pd.DataFrame) -> pd.Series:
    """The median cadence of each week's running records [spm] (NaN where none has one)."""
    cadence_spm = recs["cadence_spm"].to_numpy()
    cadence = {}
    for week, rows in records.rows_by_week(recs, runs.set_index("activity_id")["week_start"]):
        values = cadence_spm[rows]
        values = values[~np.isnan(values)]
        cadence[week] = np.median(values) if len(values) else np.nan
    return pd.Series(cadence, dtype="float64")
