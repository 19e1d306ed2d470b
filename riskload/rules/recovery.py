"""Rules on rest: rest days, running streaks, time between hard sessions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..load import Load
from ..wording import counted, times
from .base import flags, habit_share, hard_by_heart_rate, listed, no_flags, run_ids, thresholds_in_order


def missing_rest_days(load: Load, *, min_rest_days: int = 1, streak_warning_days: int = 10) -> pd.DataFrame:
    """RL003: finished weeks with too few rest days, and long running streaks.

    A rest day is a local calendar day without running (strength work or a
    ride still counts as rest from running). Caution for a finished week
    with fewer than ``min_rest_days``; warning for each streak of
    ``streak_warning_days`` or more consecutive running days, dated on its
    last day (streaks cross week boundaries).

    Why it matters
    --------------
    Too few rest days in the week (at least {min_rest_days} advised), or a streak of
    {streak_warning_days} or more days with a run. Tissue repairs between sessions; without a
    break small strains add up. Common coaching advice, not a measured limit.

    Parameters
    ----------
    min_rest_days : int
        Rest days a week needs.
    streak_warning_days : int
        Consecutive running days that make a warning [days].

    Notes
    -----
    Heuristic: the seed documents ask for regular rest days; there is no
    validated number.
    """
    w = load.weekly
    short = w["complete"] & (w["rest_days"] < min_rest_days)
    ids = run_ids(load.runs, "week_start")
    weeks = flags("week", w.index[short], "caution", w.loc[short, "rest_days"], min_rest_days, "rest days",
                  [f"{counted(r, 'rest day')} this week ({counted(n, 'run')} on {counted(7 - r, 'day')}); "
                   f"at least {min_rest_days} needed"
                   for r, n in zip(w.loc[short, "rest_days"], w.loc[short, "runs"])],
                  ids.reindex(w.index[short]).apply(listed))

    ran = ~load.daily["rest_day"]
    streak = ran.groupby((~ran).cumsum()).cumsum()
    ends = streak[(streak >= streak_warning_days) & (streak.shift(-1, fill_value=0) == 0)]
    by_day = run_ids(load.runs, "local_date") if len(ends) else {}
    streak_ids = [sum((by_day.get(day, []) for day in pd.date_range(end - pd.Timedelta(days=n - 1), end)), [])
                  for end, n in ends.items()]
    streaks = flags("day", ends.index, "warning", ends.to_numpy(), streak_warning_days, "days",
                    [f"{n} consecutive days with a run ({end - pd.Timedelta(days=n - 1):%d %b} to {end:%d %b}); "
                     f"flagged from {streak_warning_days}" for end, n in ends.items()], streak_ids)
    both = [f for f in (weeks, streaks) if len(f)]
    return pd.concat(both, ignore_index=True) if both else no_flags()


@thresholds_in_order(("extreme_gap_h", "min_gap_h"))
def short_recovery(load: Load, *, min_gap_h: float = 36.0, hard_hr_fraction: float = 0.85,
                   hard_hr_min: float = 20.0, hard_distance_ratio: float = 1.5,
                   extreme_gap_h: float = 18.0, habit_days: int = 56) -> pd.DataFrame:
    """RL009: a hard session less than ``min_gap_h`` h after the previous one ended.

    A run is hard when it holds ``hard_hr_min`` minutes or more at
    ``hard_hr_fraction`` of maximum heart rate or above, or when it is at
    least ``hard_distance_ratio`` times the athlete's median run. The flag is
    on the second session.

    Why it matters
    --------------
    Two hard sessions (a long run, or a lot of time at a high heart rate) less than
    {min_gap_h:g} hours apart. Hard days need easier days between them for the body to
    absorb the work.

    Parameters
    ----------
    min_gap_h : float
        Hours from the end of one hard session to the start of the next [h].
    hard_hr_fraction : float
        Fraction of maximum heart rate that counts as hard.
    hard_hr_min : float
        Minutes at that heart rate that make a session hard [min].
    hard_distance_ratio : float
        Distance, as a multiple of the median run, that makes a session hard.
    extreme_gap_h : float
        A gap shorter than this is graded a warning [h]: half the advised
        gap, two hard sessions on one day or evening and next morning (then weighed by the rule's heuristic evidence,
        :mod:`riskload.rules.evidence`), unless that is the runner's habit.
    habit_days : int
        Days back over which the runner's usual spacing of hard sessions is
        judged [days]: when at least four gaps fall in them and half or more
        are under ``min_gap_h``, close hard sessions are how this runner
        trains, and not graded extreme.

    Notes
    -----
    Heuristic: the seed documents name inadequate rest between sessions.
    """
    runs = load.runs.sort_values("start_time").reset_index(drop=True)
    if runs.empty:
        return no_flags()
    hot = load.high_hr_minutes(hard_hr_fraction).reindex(runs["activity_id"]).to_numpy()
    median = runs["distance_km"].median()
    long = runs["distance_km"] >= hard_distance_ratio * median
    runs["high_hr_min"] = hot
    hard = runs[(hot >= hard_hr_min) | long.to_numpy()].copy()
    hard["why"] = [hard_by_heart_rate(m, hard_hr_fraction, hard_hr_min) if m >= hard_hr_min else
                   f"{d:.1f} km, {times(d / median)} the median run of {median:.1f} km, hard from "
                   f"{hard_distance_ratio:g} times" for m, d in zip(hard["high_hr_min"], hard["distance_km"])]
    gap_h = ((hard["start_time"] - hard["end_time"].shift(1)).dt.total_seconds() / 3600).round(1)
    fired = gap_h < min_gap_h
    if not fired.any():
        return no_flags()
    previous = hard.shift(1)
    rows = hard[fired]
    ended_local = previous["start_time_local"] + (previous["end_time"] - previous["start_time"])
    message = [f"hard session {g:.1f} h after the previous hard one ended ({p:%a %H:%M}); at least {min_gap_h:g} h "
               f"advised (this one: {w})" for g, p, w in zip(gap_h[fired], ended_local[fired], rows["why"])]
    ids = [[a, b] for a, b in zip(previous.loc[fired, "activity_id"], rows["activity_id"])]
    gaps = pd.Series(gap_h.to_numpy(), index=pd.DatetimeIndex(hard["start_time"]).tz_localize(None))
    habitual = (habit_share((gaps < min_gap_h).where(gaps.notna()), habit_days) >= 0.5).to_numpy()[fired.to_numpy()]
    severity = np.where((gap_h[fired] < extreme_gap_h) & ~habitual, "warning", "caution")
    return flags("run", rows["local_date"], severity, gap_h[fired], min_gap_h, "h", message, ids)
