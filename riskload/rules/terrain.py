"""Rules on the ground covered: hills and steep descents."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..load import STEEP_GRADE_PCT, STEEP_SEGMENT_M, Load
from ..wording import times
from .base import coverage, flags, in_progress, listed, no_flags, run_ids


def hill_heavy_week(load: Load, *, ascent_per_km_limit: float = 20.0, trailing_ratio: float = 1.3,
                    min_ascent_m: float = 300.0, trailing_weeks: int = 4, extreme_factor: float = 2.0) -> pd.DataFrame:
    """RL002: a week with much more climbing than the runner is used to.

    The runner's usual is the mean of their previous ``trailing_weeks``
    weeks with running (weeks off are not their usual; the mean needs that
    many). Caution when a finished week climbs ``ascent_per_km_limit`` or
    more per running km and ``trailing_ratio`` times the runner's usual per
    km (a mountain runner's every week is not news), or when its ascent is
    above ``trailing_ratio`` times their usual weekly ascent and at least
    ``min_ascent_m`` (this one also on an unfinished week, as ascent only
    grows). ``extreme_factor`` times past the jump's limits is graded a
    warning (then weighed by the rule's heuristic evidence,
    :mod:`riskload.rules.evidence`).

    Why it matters
    --------------
    Much of the week went uphill. Climbing tilts the body forward and works the hip flexors
    and the lower back harder than flat running. A sudden hilly week, or
    {ascent_per_km_limit:g} m of climbing per km or more, puts load where the body may not
    be ready for it. No injury study sets the number; it is the usual meaning of 'hilly'.

    Parameters
    ----------
    ascent_per_km_limit : float
        Ascent per running km that makes a hilly week [m/km]; 20 m/km is the
        usual convention for "hilly", not an injury threshold.
    trailing_ratio : float
        Ratio to the trailing mean that counts as a jump.
    min_ascent_m : float
        Smallest weekly ascent that can count as a jump [m].
    trailing_weeks : int
        Weeks in the trailing mean.
    extreme_factor : float
        How many times past the jump's limits is extreme: 2.6 times the
        usual weekly ascent, and twice the smallest ascent.

    Notes
    -----
    Heuristic: no validated injury threshold exists; the seed documents name
    hill work as a load on the lower back.
    """
    w = load.weekly
    mean = usual(w["ascent_m"], w["distance_km"] > 0, trailing_weeks)
    usual_km = usual(w["distance_km"], w["distance_km"] > 0, trailing_weeks)
    per_km = w["ascent_m_per_km"].round(1)
    hilly = (w["complete"] & (per_km >= ascent_per_km_limit) & (w["distance_km"] > 0)
             & ~(per_km <= trailing_ratio * mean / usual_km))
    jump = (w["ascent_m"] > trailing_ratio * mean) & (w["ascent_m"] >= min_ascent_m)
    fired = hilly | jump
    if not fired.any():
        return no_flags()
    extreme = (jump & (w["ascent_m"] > extreme_factor * trailing_ratio * mean)
               & (w["ascent_m"] >= extreme_factor * min_ascent_m))[fired]
    usual_per_km = (mean / usual_km)[fired]
    w, per_km, mean, hilly, jump = w[fired], per_km[fired], mean[fired], hilly[fired], jump[fired]
    observed = np.where(hilly, per_km, w["ascent_m"].round(0))
    threshold = np.where(hilly, ascent_per_km_limit, (trailing_ratio * mean).round(0))
    unit = "m/km or m"

    def against_usual(ascent_m, climb_per_km, mean_m, mean_per_km, is_hilly, is_jump) -> str:
        if mean_m == 0:
            return ", after weeks without climbing" + (f" (limit {min_ascent_m:g} m)" if is_jump else "")
        said = []
        if is_hilly and mean_per_km > 0:
            said.append(f"{times(climb_per_km / mean_per_km)} the {mean_per_km:.1f} m/km")
        if is_jump:
            said.append(f"{times(ascent_m / mean_m)} the {mean_m:.0f} m")
        return (", " + " and ".join(said) + " of a usual running week" if said else "") + (
            f" (limit {trailing_ratio:g} times, and at least {min_ascent_m:g} m)" if is_jump else "")

    message = [
        f"{a:.0f} m of climbing over {d:.1f} km ({p:.1f} m/km"
        + (f"; limit {ascent_per_km_limit:g} m/km)" if h else ")") + against_usual(a, p, m, mk, h, j) + s
        for a, d, p, m, mk, h, j, s in zip(w["ascent_m"], w["distance_km"], per_km, mean, usual_per_km, hilly, jump,
                                           in_progress(load.weekly, fired))
    ]
    ids = run_ids(load.runs, "week_start").reindex(w.index)
    covered = coverage(load.runs, w.index, "ascent_m", "altitude")
    severity = covered.grade(np.where(extreme, "warning", "caution"))
    message = [m + n for m, n in zip(message, covered.notes)]
    return flags("week", w.index, severity, observed, threshold, unit, message, ids.apply(listed))


def usual(values: pd.Series, ran: pd.Series, weeks: int) -> pd.Series:
    """Per week, the mean of ``values`` over the previous ``weeks`` weeks with running (NaN until there are that
    many)."""
    running = values[ran].shift(1).rolling(weeks, min_periods=weeks).mean()
    return running.reindex(values.index).ffill().where(ran.cumsum() > weeks)


def steep_downhill(load: Load, *, grade_limit_pct: float = STEEP_GRADE_PCT, segment_m: float = STEEP_SEGMENT_M,
                   trailing_ratio: float = 1.3, min_descent_m: float = 100.0, trailing_weeks: int = 4,
                   window_days: int = 30, extreme_factor: float = 2.0) -> pd.DataFrame:
    """RL006: more steep downhill running than usual.

    Steep descent is the metres descended on stretches of at least
    ``segment_m`` at ``grade_limit_pct`` or steeper (from smoothed
    elevation). Caution when a week's steep descent is at least
    ``min_descent_m`` and either above ``trailing_ratio`` times its mean over
    the runner's previous ``trailing_weeks`` weeks with running (weeks off
    are not their usual), or the first after ``window_days`` days of running
    with none. Windows reaching before the export
    starts are not judged. A week ``extreme_factor`` times past both the
    ratio and the smallest descent is graded a warning (then weighed by the
    rule's heuristic evidence, :mod:`riskload.rules.evidence`).

    Why it matters
    --------------
    More steep downhill running (at {grade_limit_pct:g} % or steeper) than usual. Every
    downhill step brakes, stretching muscles while they work; it causes the most soreness
    and damage in legs that are not used to it, and it tips the pelvis forward and arches
    the lower back.

    Parameters
    ----------
    grade_limit_pct : float
        Grade at or below which a stretch is steep [%]; laboratory downhill
        protocols use about -12 %.
    segment_m : float
        Length over which grade is measured [m].
    trailing_ratio : float
        Ratio to the trailing mean that counts as a jump.
    min_descent_m : float
        Smallest weekly steep descent that is flagged [m].
    trailing_weeks : int
        Weeks in the trailing mean.
    window_days : int
        Days without steep descent after which any is new [days].
    extreme_factor : float
        How many times past the limits is extreme (2.6 times the usual, and
        200 m or more).

    References
    ----------
    Bontemps B, et al. Downhill running: what are the effects and how can we
    adapt? A narrative review. Sports Med 2020;50:2083-2110.
    """
    per_run = load.steep_descent_m(grade_limit_pct, segment_m)
    runs = load.runs.assign(steep=per_run.to_numpy())
    weekly = runs.groupby("week_start")["steep"].sum().reindex(load.weekly.index, fill_value=0.0)
    daily = runs.groupby("local_date")["steep"].sum().reindex(load.daily.index, fill_value=0.0)
    ran = load.weekly["distance_km"] > 0
    mean = usual(weekly, ran, trailing_weeks)
    ran_daily = load.daily["distance_km"] > 0
    running_days = daily[ran_daily]
    before = running_days.shift(1).rolling(window_days, min_periods=window_days).sum()
    before = before.reindex(daily.index).ffill()
    none_before = before.reindex(weekly.index) == 0
    big = weekly.round(0) >= min_descent_m
    fired = big & ((weekly > trailing_ratio * mean) | none_before)
    if not fired.any():
        return no_flags()
    extreme = ((weekly.round(0) >= extreme_factor * min_descent_m)
               & ((weekly > extreme_factor * trailing_ratio * mean) | none_before))[fired]
    value, mean = weekly[fired].round(0), mean[fired]
    first = none_before[fired] | (mean.fillna(0) == 0)
    threshold = np.where(first, min_descent_m, (trailing_ratio * mean).round(0))
    message = [
        f"{v:.0f} m descended at {grade_limit_pct:g} % or steeper, "
        + (f"the first in {window_days} days of running or more (limit {min_descent_m:g} m)" if f
           else f"{times(v / m)} the {m:.0f} m of a usual running week (limit {trailing_ratio:g} times, and at "
                f"least {min_descent_m:g} m)")
        + s
        for v, m, f, s in zip(value, mean.fillna(0.0), first, in_progress(load.weekly, fired))
    ]
    ids = runs[runs["steep"] > 0].pipe(run_ids, "week_start").reindex(value.index)
    covered = coverage(load.runs, value.index, "ascent_m", "altitude")
    message = [m + n for m, n in zip(message, covered.notes)]
    return flags("week", value.index, covered.grade(np.where(extreme, "warning", "caution")), value, threshold, "m",
                 message, ids.apply(listed))
