"""Rules on the body and its kit: strength work, shoes, running form."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import records
from ..load import Load
from ..wording import counted
from .base import coverage, flags, in_progress, listed, no_flags, require, run_ids, thresholds_in_order


def missing_strength(load: Load, *, min_sessions: int = 2, recorded_weeks: int = 8) -> pd.DataFrame:
    """RL011: finished running weeks with fewer than ``min_sessions`` strength sessions, where the runner
    records them.

    Weeks without a run are not judged (a break is not a missed session).
    Strength sessions are activities of sport ``strength`` (FIT's
    ``training``/``strength_training``, Strava's "Weight Training"). An export without a
    single one cannot tell skipped strength work from unrecorded: the rule
    then says so once instead of flagging every week. The same holds for a
    stretch of the history: a week is judged only when a strength session
    was recorded in it or in the ``recorded_weeks`` weeks before it. The
    first finished running week of each stretch without one is flagged once,
    saying so, and the weeks after it are not, until a session is recorded
    again.

    Why it matters
    --------------
    Fewer than {min_sessions} strength sessions in the week. Strength work for the trunk and
    hips helps the lower back cope with running, and reviews of strength training find fewer
    sports injuries overall.

    Parameters
    ----------
    min_sessions : int
        Strength sessions a week; the seed documents advise two to three.
    recorded_weeks : int
        Weeks after the last recorded strength session in which a week
        without one is still a missed week. Heuristic: after two months
        (16 or more advised sessions) it is a habit, or a watch no longer
        used for the gym; on a real 6-year history, the weekly flag stood
        on 125 of 127 running weeks, most of them years from any recorded
        session.

    References
    ----------
    Lauersen JB, Bertelsen DM, Andersen LB. The effectiveness of exercise
    interventions to prevent sports injuries: a systematic review and
    meta-analysis of randomised controlled trials. Br J Sports Med
    2014;48:871-877.
    """
    w = load.weekly
    sessions = w["strength_sessions"]
    require(sessions.sum() > 0,
            "the export holds no strength session, so weeks without one cannot be told from unrecorded ones")
    judged = w["complete"] & (w["distance_km"] > 0)
    recorded = sessions.rolling(recorded_weeks + 1, min_periods=1).sum() > 0
    missed = judged & recorded & (sessions < min_sessions)
    unjudged = judged & ~recorded
    stretch = (recorded != recorded.shift(1)).cumsum()
    fired = missed | (unjudged & unjudged.groupby(stretch).cumsum().eq(1))  # a stretch's first unjudged week
    if not fired.any():
        return no_flags()
    weeks_with = w.index[sessions > 0]

    def message(week) -> str:
        if missed[week]:
            return f"{counted(sessions[week], 'strength session')} this week; {min_sessions} or more advised"
        advised = f"; {min_sessions} or more a week advised"
        earlier = weeks_with[weeks_with < week]
        if len(earlier):
            return (f"no strength session recorded since the week of {earlier[-1]:%d %b %Y}: until one is, weeks "
                    "without one are not flagged, as riskload cannot tell strength work that stopped from strength "
                    f"work no longer recorded{advised}")
        return (f"no strength session recorded before the week of {weeks_with[0]:%d %b %Y}: the weeks before it "
                "are not flagged, as riskload cannot tell strength work not done from strength work not "
                f"recorded{advised}")

    return flags("week", w.index[fired], "info", sessions[fired], min_sessions, "sessions",
                 [message(week) for week in w.index[fired]], [[] for _ in range(int(fired.sum()))])


def worn_shoes(load: Load, *, limit_km: float = 700.0) -> pd.DataFrame:
    """RL012: the run that takes a pair of shoes past ``limit_km`` km.

    Distance per shoe is summed over the runs that name it (Strava's
    "Activity Gear"), in start order; kilometres run before the export
    began are unknown, so the true total can only be higher.

    Why it matters
    --------------
    A pair of shoes has passed {limit_km:g} km. Cushioning wears with use. The usual 500-800
    km replacement advice has no injury study behind it: take this as a reminder to look at
    the shoes.

    Parameters
    ----------
    limit_km : float
        Distance after which a pair is worn [km]; the common 500-800 km
        advice has no injury evidence behind it.

    Notes
    -----
    Heuristic.
    """
    shoes = load.shoes
    require(not shoes.empty, "no run names its shoes (gear)")
    total = shoes["cumulative_km"]
    crossed = shoes[(total > limit_km) & (total - shoes["distance_km"] <= limit_km)]
    if crossed.empty:
        return no_flags()
    total = total[crossed.index].round(1)
    message = [f"{g} passed {limit_km:g} km on this run ({t:.1f} km recorded in this export)"
               for g, t in zip(crossed["gear"], total)]
    return flags("run", crossed["local_date"], "caution", total, limit_km, "km", message,
                 [[a] for a in crossed["activity_id"]])


@thresholds_in_order(("drop_pct", "extreme_drop_pct"), ("min_baseline_weeks", "baseline_weeks"))
def cadence_drop(load: Load, *, drop_pct: float = 5.0, baseline_weeks: int = 8, pace_band_pct: float = 10.0,
                 min_baseline_weeks: int = 4, min_minutes: float = 20.0,
                 extreme_drop_pct: float = 10.0) -> pd.DataFrame:
    """RL013: running cadence well below the runner's usual, at a comparable pace.

    Only records within ``pace_band_pct`` of the athlete's median running
    speed count, so a slow week is not mistaken for shorter steps. The
    weekly median cadence of those records is compared with the median of
    the previous ``baseline_weeks`` weekly values (weeks without enough such
    records are left out; at least ``min_baseline_weeks`` are needed).

    Why it matters
    --------------
    Steps per minute dropped {drop_pct:g} % or more below the athlete's usual at a similar
    pace: longer strides, often landing further in front of the body. Longer strides load
    the knees and hips more (Heiderscheit et al. 2011), and a drop is often a sign of
    tiredness.

    Parameters
    ----------
    drop_pct : float
        Drop below the baseline that is flagged [%].
    baseline_weeks : int
        Weeks in the baseline.
    pace_band_pct : float
        Half-width of the pace band around the median speed [%].
    min_baseline_weeks : int
        Fewest weeks with a value for a baseline.
    min_minutes : float
        Fewest minutes in the band for a week to have a value [min].
    extreme_drop_pct : float
        A drop this large is graded a warning [%] (then weighed by the rule's
        heuristic evidence, :mod:`riskload.rules.evidence`).

    References
    ----------
    Heiderscheit BC, et al. Effects of step rate manipulation on joint
    mechanics during running. Med Sci Sports Exerc 2011;43:296-302.
    """
    recs = load.records
    require(recs["cadence_spm"].notna().any(), "no cadence in the runs")
    speed, dt_s, cadence_spm = (recs[c].to_numpy() for c in ("speed_m_s", "dt_s", "cadence_spm"))
    moving = speed[speed > 1.0]
    median_speed = np.median(moving, overwrite_input=True) if len(moving) else np.nan
    del moving
    minutes, cadence = {}, {}
    for week, rows in records.rows_by_week(recs, load.runs.set_index("activity_id")["week_start"]):
        in_week = cadence_spm[rows]
        usable = (np.abs(speed[rows] - median_speed) <= median_speed * pace_band_pct / 100) & ~np.isnan(in_week)
        if usable.any():
            minutes[week], cadence[week] = dt_s[rows][usable].sum() / 60, np.median(in_week[usable])
    minutes, cadence = pd.Series(minutes, dtype="float64"), pd.Series(cadence, dtype="float64")
    cadence = cadence[minutes >= min_minutes]
    baseline = cadence.shift(1).rolling(baseline_weeks, min_periods=min_baseline_weeks).median()
    drop = ((1 - cadence / baseline) * 100).round(1)
    fired = drop >= drop_pct
    if not fired.any():
        return no_flags()
    weeks = cadence.index[fired]
    complete = load.weekly["complete"].reindex(weeks)
    suffix = in_progress(load.weekly.loc[weeks], complete.notna())
    message = [f"median cadence {c:.0f} steps/min at {_pace(median_speed)} ±{pace_band_pct:g} %, {d:.1f} % below "
               f"the usual {b:.0f} (limit {drop_pct:g} %){s}"
               for c, b, d, s in zip(cadence[fired], baseline[fired], drop[fired], suffix)]
    ids = run_ids(load.runs, "week_start").reindex(weeks)
    covered = coverage(load.runs, weeks, "avg_cadence_spm", "cadence")
    severity = covered.grade(np.where(drop[fired] >= extreme_drop_pct, "warning", "caution"))
    message = [m + n for m, n in zip(message, covered.notes)]
    return flags("week", weeks, severity, drop[fired], drop_pct, "%", message, ids.apply(listed))


def _pace(speed_m_s: float) -> str:
    seconds = round(1000 / speed_m_s)
    return f"{seconds // 60}:{seconds % 60:02d} min/km"
