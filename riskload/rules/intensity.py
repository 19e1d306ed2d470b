"""Rules on how hard: weekly intensity, and starting without a warm-up."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import records
from ..load import HIGH_HR_RESERVE_FRACTION, Load
from ..wording import counted
from .base import (coverage, flags, habit_share, hard_by_heart_rate, in_progress, listed, no_flags, pct_change,
                   require, run_ids, thresholds_in_order)


@thresholds_in_order(("limit_pct", "extreme_pct"))
def intensity_jump(load: Load, *, hr_fraction: float = HIGH_HR_RESERVE_FRACTION, limit_pct: float = 25.0,
                   chronic_weeks: int = 4, min_chronic_min: float = 20.0, min_rise_min: float = 20.0,
                   extreme_pct: float = 200.0) -> pd.DataFrame:
    """RL005: minutes at high heart rate well above the runner's own recent level.

    High is ``hr_fraction`` of the runner's heart-rate reserve above their
    resting rate or more (Karvonen: resting + fraction x (maximum - resting)),
    counted over the records of all runs; maximum and resting rate come from
    the settings, else the maximum is estimated from the runner's own data
    and the resting rate taken from their watch's profile in the files (or
    assumed), and the flag says which. A week is compared with the mean of the previous
    ``chronic_weeks`` weeks (its chronic level, so one quiet week does not
    make the next a jump, and a runner whose easy runs sit high is compared
    with their own normal), taken as at least ``min_chronic_min`` minutes:
    flagged when the week is more than ``limit_pct`` and ``min_rise_min``
    minutes above it; ``extreme_pct`` above is graded a
    warning (then weighed by the rule's heuristic evidence,
    :mod:`riskload.rules.evidence`). Runs without heart rate count no
    minutes; a flag says how many of the week's runs had none, and is one
    grade lower when they are half the week's running time or more
    (:func:`~riskload.rules.base.coverage`).

    Why it matters
    --------------
    Minutes at a high heart rate (above {hr_fraction:.0%} of the heart-rate reserve) rose
    more than {limit_pct:g} % above the runner's level of the previous {chronic_weeks}
    weeks. Fast running loads the back and legs harder with every step, and intensity, like
    distance, is best raised a little at a time.

    Parameters
    ----------
    hr_fraction : float
        Fraction of the heart-rate reserve counted as high: 0.80 is the
        bottom of the usual threshold zone, where a fraction of maximum
        would count the easy runs of a runner whose easy pace sits high.
    limit_pct : float
        Largest rise above the chronic level that is not flagged [%]. The
        5-10 % a week advice applies to week-on-week steps; against a
        four-week mean, ordinary week-to-week variation stays within it.
    chronic_weeks : int
        Weeks in the chronic level.
    min_chronic_min : float
        The least the chronic level is taken as [min a week]: about one
        tempo session, so that one session after weeks with almost no hard
        running is no jump, while a block of them still is (on a real
        history, 84 min after four weeks of 1 to 23 min went unflagged, and
        the safe envelope set no limit on hard minutes at all).
    min_rise_min : float
        Smallest rise that is flagged [min].
    extreme_pct : float
        Rise graded a warning [%]: three times the usual.

    Notes
    -----
    Heuristic: the seed documents warn against sudden increases in speed or
    intensity; no validated threshold exists.
    """
    require(load.heart_rate.max_bpm is not None, "no heart rate in the runs")
    hr = load.heart_rate
    high_bpm = hr.reserve_bpm(hr_fraction)
    minutes = load.high_hr_minutes(high_bpm / hr.max_bpm)
    by_week = load.runs.set_index("activity_id")["week_start"]
    weekly = minutes.groupby(by_week).sum().reindex(load.weekly.index, fill_value=0.0).round(1)
    chronic = weekly.shift(1).rolling(chronic_weeks, min_periods=chronic_weeks).mean().round(1)
    reference = chronic.clip(lower=min_chronic_min)
    change = pct_change(weekly, reference)
    fired = (change > limit_pct) & (weekly - reference >= min_rise_min)
    if not fired.any():
        return no_flags()
    covered = coverage(load.runs, weekly.index[fired], "avg_heart_rate_bpm", "heart rate")
    severity = covered.grade(np.where(change[fired] > extreme_pct, "warning", "caution"))
    zone = (f"{high_bpm:.0f} bpm or above ({hr_fraction:.0%} of the heart-rate reserve between a resting "
            f"{hr.resting_bpm:.0f}, {hr.resting_source}, and a maximum {hr.max_bpm:.0f}, {hr.max_source})")
    message = [f"{m:.0f} min at {zone}, against {c:.0f} min a week over the previous {counted(chronic_weeks, 'week')}"
               + (f", taken as {min_chronic_min:g} min" if c < min_chronic_min else "")
               + f": +{x:.0f} %, above the {limit_pct:g} % limit{n}{s}"
               for m, c, x, n, s in zip(weekly[fired], chronic[fired], change[fired], covered.notes,
                                         in_progress(load.weekly, fired))]
    ids = run_ids(load.runs, "week_start").reindex(weekly.index[fired])
    return flags("week", weekly.index[fired], severity, change[fired], limit_pct, "%", message, ids.apply(listed))


def no_warmup(load: Load, *, warmup_min: float = 10.0, hr_fraction: float = 0.85, pace_margin_pct: float = 5.0,
              min_duration_min: float = 20.0, hard_min: float = 10.0, hard_pace_ratio: float = 1.10,
              habit_days: int = 56) -> pd.DataFrame:
    """RL010: hard sessions started cold, and cold starts the runner does not usually make.

    A run is hard when it holds ``hard_min`` minutes or more at
    ``hr_fraction`` of maximum heart rate, or its main part is run at least
    ``hard_pace_ratio`` times the runner's median pace. A run of at least
    ``min_duration_min`` moving minutes starts cold when its first
    ``warmup_min`` minutes average ``hr_fraction`` of maximum heart rate or
    more, or are run no more than ``pace_margin_pct`` slower than what
    follows: the rest of the run, or for a hard session its fastest
    ``warmup_min`` minutes after them (an interval session's recoveries and
    cool-down make "the rest" as slow as a warm-up).

    What matters is a hard session started cold, not a steady run started
    steady: a cold start is flagged (info) when the run is hard, or when the
    runner usually starts their steady runs easier (fewer than half of the
    steady runs judged in the previous ``habit_days`` days started cold; with
    fewer than 4 such runs no habit is known). When most of a week's judged
    runs start cold against that habit, the week is graded a caution (then
    weighed by the rule's heuristic evidence, :mod:`riskload.rules.evidence`).

    Why it matters
    --------------
    Hard runs that began at full effort, without {warmup_min:g} easier minutes first. A few
    easier minutes warm the muscles and loosen the hips and lower back before they take the
    full load.

    Parameters
    ----------
    warmup_min : float
        Length of the start that should be easier [min].
    hr_fraction : float
        Heart rate, as a fraction of maximum, that is hard, at the start and in the session.
    pace_margin_pct : float
        The start must be at least this much slower than what follows [%].
    min_duration_min : float
        Shorter runs are not judged [min].
    hard_min : float
        Minutes at ``hr_fraction`` of maximum that make a session hard [min].
    hard_pace_ratio : float
        Main-part speed, as a multiple of the runner's median, that makes a session hard.
    habit_days : int
        Days back over which the runner's habit is judged [days].

    Notes
    -----
    Heuristic: the seed documents name skipping the warm-up.
    """
    profile = records.warmup_profile(load.records, warmup_min).reindex(load.runs["activity_id"])
    runs = load.runs.set_index("activity_id").join(profile)
    judged = runs[(runs["moving_min"] >= min_duration_min) & runs["main_speed_m_s"].gt(0)].copy()
    if judged.empty:
        return no_flags()
    hot = pd.Series(False, index=judged.index)
    judged["speed_ratio"] = judged["main_speed_m_s"] / judged["main_speed_m_s"].median()
    judged["high_hr_min"] = 0.0
    if load.heart_rate.max_bpm is not None:
        hot = judged["first_hr_bpm"] >= hr_fraction * load.heart_rate.max_bpm
        judged["high_hr_min"] = load.high_hr_minutes(hr_fraction).reindex(judged.index).fillna(0.0)
    hard = (judged["speed_ratio"] >= hard_pace_ratio) | (judged["high_hr_min"] >= hard_min)
    # a hard session's start is held against its hardest part: recoveries and a cool-down slow "the rest"
    against = judged["main_speed_m_s"].where(~hard, judged["fastest_later_speed_m_s"].fillna(judged["main_speed_m_s"]))
    slower_pct = ((1 - judged["first_speed_m_s"] / against) * 100).round(1) + 0.0  # never -0.0
    judged["cold"], judged["slower_pct"], judged["hard"] = (slower_pct < pace_margin_pct) | hot, slower_pct, hard
    judged = judged.sort_values("start_time")
    steady_starts = judged["cold"].astype(float).where(~judged["hard"])  # the habit is how steady runs start
    share = habit_share(steady_starts.set_axis(judged["local_date"]), habit_days).to_numpy()
    judged["habitual"] = ~(share < 0.5)  # while no habit is known, nothing is unusual
    flagged = judged[judged["cold"] & (judged["hard"] | ~judged["habitual"])].reset_index()

    def start_text(pct: float, hard: bool) -> str:
        rest = f"its fastest {warmup_min:g} min after them" if hard else "the rest"
        return (f"run {abs(pct):.1f} % faster than {rest}" if pct < 0 else
                f"run at the pace of {rest}" if pct == 0 else
                f"run {'only ' if pct < pace_margin_pct else ''}{pct:.1f} % slower than {rest}")

    def why_hard(row) -> str:
        if row.high_hr_min >= hard_min:
            return hard_by_heart_rate(row.high_hr_min, hr_fraction, hard_min)
        return (f"its main part {(row.speed_ratio - 1) * 100:.0f} % faster than the median run's, hard from "
                f"{(hard_pace_ratio - 1) * 100:.0f} %")

    def what(row) -> str:
        run = f"a hard session ({why_hard(row)})" if row.hard else "unlike this runner's habit, a run"
        start = f"{run} whose first {warmup_min:g} min were {start_text(row.slower_pct, row.hard)}"
        if row.slower_pct < pace_margin_pct:
            return (start + f" (at least {pace_margin_pct:g} % slower advised)"
                    + (f", heart rate {row.first_hr_bpm:.0f} bpm" if row.first_hr_bpm == row.first_hr_bpm else ""))
        heart = (f"at a heart rate of {row.first_hr_bpm:.0f} bpm, {row.first_hr_bpm / max_bpm:.0%} of the maximum "
                 f"{max_bpm:.0f} (below {hr_fraction:.0%} advised)")
        if row.slower_pct != row.slower_pct:  # no distance in the first minutes: no pace to hold against
            return f"{run} whose first {warmup_min:g} min were run {heart}"
        return f"{start}, but {heart}"

    max_bpm = load.heart_rate.max_bpm
    by_pace = flagged["slower_pct"] < pace_margin_pct
    parts = [flags("run", rows["local_date"], "info", observed, threshold, unit,
                   [what(row) for row in rows.itertuples()], [[a] for a in rows["activity_id"]])
             for rows, observed, threshold, unit in (
                 (flagged[by_pace], flagged.loc[by_pace, "slower_pct"], pace_margin_pct, "%"),
                 (flagged[~by_pace], flagged.loc[~by_pace, "first_hr_bpm"].round(0),
                  round(hr_fraction * max_bpm) if max_bpm else np.nan, "bpm"))]
    unusual = judged[~judged["habitual"]].reset_index()
    per_week = unusual.groupby("week_start")["cold"].agg(["sum", "size"])
    most = per_week[(per_week["sum"] > per_week["size"] / 2) & (per_week["size"] >= 2)]
    week_ids = unusual[unusual["cold"]].groupby("week_start")["activity_id"].agg(list)
    weeks_part = flags("week", most.index, "caution", most["sum"].to_numpy(), 0.5, "runs",
                       [f"{c} of {n} runs this week started without an easier first {warmup_min:g} min, "
                        "though this runner usually warms up" for c, n in zip(most["sum"], most["size"])],
                       week_ids.reindex(most.index).apply(listed))
    found = [f for f in (*parts, weeks_part) if len(f)]
    if not found:
        return no_flags()
    return pd.concat(found, ignore_index=True).sort_values("date", kind="stable", ignore_index=True)
