"""Rules on how hard: weekly intensity, and starting without a warm-up."""

from __future__ import annotations

import pandas as pd

from .. import records
from ..load import Load
from .base import flags, in_progress, listed, no_flags, pct_change, require, run_ids


def intensity_jump(load: Load, *, hr_fraction: float = 0.80, limit_pct: float = 10.0,
                   min_previous_min: float = 30.0, min_rise_min: float = 10.0) -> pd.DataFrame:
    """RL005: minutes at high heart rate rose more than ``limit_pct`` on last week.

    High is ``hr_fraction`` of maximum heart rate or above, counted over the
    records of all runs. Caution when last week held at least
    ``min_previous_min`` minutes and the rise is at least ``min_rise_min``
    minutes and above ``limit_pct``. Needs heart rate; the pace fallback for
    runs without heart rate is not implemented.

    Parameters
    ----------
    hr_fraction : float
        Fraction of maximum heart rate counted as high.
    limit_pct : float
        Largest rise that is not flagged [%], the same 5-10 % advice as distance.
    min_previous_min : float
        Last week's minutes below which no ratio is taken [min].
    min_rise_min : float
        Smallest rise that is flagged [min].

    Notes
    -----
    Heuristic: the seed documents warn against sudden increases in speed or
    intensity; no validated threshold exists.
    """
    require(load.heart_rate.max_bpm is not None, "no heart rate in the runs")
    minutes = load.high_hr_minutes(hr_fraction)
    weekly = minutes.groupby(load.runs.set_index("activity_id")["week_start"]).sum().reindex(
        load.weekly.index, fill_value=0.0).round(1)
    before = weekly.shift(1)
    change = pct_change(weekly, before.where(before >= min_previous_min))
    fired = (change > limit_pct) & (weekly - before >= min_rise_min)
    if not fired.any():
        return no_flags()
    message = [f"{m:.0f} min at {hr_fraction:.0%} of max heart rate or above after {b:.0f} last week: +{c:.0f} %, "
               f"above the {limit_pct:g} % limit{s}"
               for m, b, c, s in zip(weekly[fired], before[fired], change[fired], in_progress(load.weekly, fired))]
    ids = run_ids(load.runs, "week_start").reindex(weekly.index[fired])
    return flags("week", weekly.index[fired], "caution", change[fired], limit_pct, "%", message, ids.apply(listed))


def no_warmup(load: Load, *, warmup_min: float = 10.0, hr_fraction: float = 0.85, pace_margin_pct: float = 5.0,
              min_duration_min: float = 20.0) -> pd.DataFrame:
    """RL010: runs that start hard, without easier first minutes.

    A run of at least ``min_duration_min`` moving minutes starts without a
    warm-up when its first ``warmup_min`` minutes average ``hr_fraction`` of
    maximum heart rate or more, or are run no more than ``pace_margin_pct``
    slower than the rest of the run. Each such run is info; when most of a
    week's judged runs start this way, one caution for the week replaces them.

    Parameters
    ----------
    warmup_min : float
        Length of the start that should be easier [min].
    hr_fraction : float
        Mean heart rate over the start, as a fraction of maximum, that is hard.
    pace_margin_pct : float
        The start must be at least this much slower than the rest [%].
    min_duration_min : float
        Shorter runs are not judged [min].

    Notes
    -----
    Heuristic: the seed documents name skipping the warm-up.
    """
    profile = records.warmup_profile(load.records, warmup_min).reindex(load.runs["activity_id"])
    runs = load.runs.set_index("activity_id").join(profile)
    judged = runs[(runs["moving_min"] >= min_duration_min) & runs["main_speed_m_s"].gt(0)].copy()
    if judged.empty:
        return no_flags()
    slower_pct = ((1 - judged["first_speed_m_s"] / judged["main_speed_m_s"]) * 100).round(1)
    hot = pd.Series(False, index=judged.index)
    if load.heart_rate.max_bpm is not None:
        hot = judged["first_hr_bpm"] >= hr_fraction * load.heart_rate.max_bpm
    cold = (slower_pct < pace_margin_pct) | hot
    judged["cold"], judged["slower_pct"] = cold, slower_pct
    per_week = judged.groupby("week_start")["cold"].agg(["sum", "size"])
    most = per_week[(per_week["sum"] > per_week["size"] / 2) & (per_week["size"] >= 2)]
    cold_runs = judged[cold].reset_index()
    in_bad_week = cold_runs["week_start"].isin(most.index)
    single = cold_runs[~in_bad_week]
    single_message = [f"the first {warmup_min:g} min were run only {p:.1f} % slower than the rest "
                      f"(at least {pace_margin_pct:g} % advised)" + (f", heart rate {h:.0f} bpm" if h == h else "")
                      for p, h in zip(single["slower_pct"], single["first_hr_bpm"])]
    runs_part = flags("run", single["local_date"], "info", single["slower_pct"], pace_margin_pct, "%",
                      single_message, [[a] for a in single["activity_id"]])
    week_ids = cold_runs[in_bad_week].sort_values("start_time").groupby("week_start")["activity_id"].agg(list)
    weeks_part = flags("week", most.index, "caution", most["sum"].to_numpy(), 0.5, "runs",
                       [f"{c} of {n} runs this week started without an easier first {warmup_min:g} min"
                        for c, n in zip(most["sum"], most["size"])], week_ids.reindex(most.index).apply(listed))
    both = [f for f in (runs_part, weeks_part) if len(f)]
    return pd.concat(both, ignore_index=True) if both else no_flags()
