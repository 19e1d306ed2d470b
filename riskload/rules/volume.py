"""Rules on how much running: weekly jumps, long runs, returns, volume, ACWR, monotony."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..load import ACUTE_DAYS, CHRONIC_DAYS, MIN_CHRONIC_WEEK_KM, Load, acute_chronic, week_of
from ..wording import counted, times
from .base import (IN_PROGRESS, at_least_km, flags, in_progress, km, listed, no_flags, pct_change, rounded_ratio,
                   run_ids, thresholds_in_order)

@thresholds_in_order(("limit_pct", "warning_pct"))
def weekly_distance_jump(load: Load, *, limit_pct: float = 10.0, warning_pct: float = 30.0,
                         min_previous_km: float = 10.0, peak_weeks: int = 26,
                         fortnight_pct: float = 5.0) -> pd.DataFrame:
    """RL001: weekly running distance rose more than ``limit_pct`` % on the week before.

    A rise counts only when the last two weeks together also rose more than
    ``fortnight_pct`` on the two weeks before them: a long run moved from
    Sunday to Monday makes one week short and the next long, but leaves the
    fortnight as it was. When this week stays at or below the highest of
    the previous ``peak_weeks`` weeks, it is a *rebound* to a level already
    carried (info). Above that peak it is a *new high*: caution, or warning
    above ``warning_pct``. A week (or fortnight) under ``min_previous_km`` is
    taken as that much, so that small numbers make no huge percentages while
    a jump from them is still judged (24.7 km after 9.9 km counts as after
    10 km). An unfinished week is flagged once its distance so far is past
    the limit.

    Why it matters
    --------------
    Weekly distance rose faster than the {limit_pct:g} % guideline. Heart and lungs adapt to
    more running within weeks; bones, tendons and the muscles that steady the spine take
    longer, so a big jump can outrun them. The 10 % figure is a rule of thumb and studies of
    it disagree; a rise back to a level held in the last {peak_weeks} weeks (a rebound)
    matters less than a new high.

    Parameters
    ----------
    limit_pct : float
        Largest rise on last week that is not flagged [%]. The "10 % rule";
        seed documents advise 5-10 % a week.
    warning_pct : float
        Rise of a new high that is a warning [%]. Nielsen et al. 2014 found
        more injuries above +30 % over two weeks.
    min_previous_km : float
        The least a week (or two) is taken as, in the ratios [km].
        Heuristic: below it a percentage says little (3 km after 1 km is
        +200 %), and 10 km is a short week for anyone who runs regularly.
    peak_weeks : int
        Weeks before this one whose highest distance separates rebound from
        new high: half a year, so that the highest of four weeks after a
        quiet spell is not called a new high when the runner carried more
        within the last six months.
    fortnight_pct : float
        Smallest rise of the two-week total on the two weeks before [%];
        half the weekly limit. Heuristic, against week-boundary artefacts
        (Nielsen et al. 2014 measured progression over two weeks).

    References
    ----------
    Buist I, et al. No effect of a graded training program on the number of
    running-related injuries in novice runners: a randomized controlled
    trial. Am J Sports Med 2008;36:33-39.
    Nielsen RO, et al. Excessive progression in weekly running distance and
    risk of running-related injuries. J Orthop Sports Phys Ther 2014;44:739-747.
    """
    w = load.weekly
    before = w["distance_km"].shift(1)
    peak = before.rolling(peak_weeks, min_periods=1).max()
    change = pct_change(w["distance_km"], before.clip(lower=min_previous_km))
    fortnight = w["distance_km"].rolling(2, min_periods=2).sum()
    fortnight_before = fortnight.shift(2)
    fortnight_change = pct_change(fortnight, fortnight_before.clip(lower=min_previous_km))
    fired = (change > limit_pct) & ~(fortnight_change <= fortnight_pct)
    if not fired.any():
        return no_flags()
    w, change, before, peak = w[fired], change[fired], before[fired], peak[fired]
    fortnight_before, fortnight_change = fortnight_before[fired], fortnight_change[fired]
    new_high = w["distance_km"] > peak
    severity = np.where(~new_high, "info", np.where(change > warning_pct, "warning", "caution"))
    kind = np.where(new_high, [f"a new high (the peak of the previous {peak_weeks} weeks was {km(p)})" for p in peak],
                    [f"a rebound to the {km(p)} of the previous {peak_weeks} weeks, not a new high" for p in peak])

    def taken(km_before: float) -> str:
        return f", taken as {min_previous_km:g} km" if km_before < min_previous_km else ""

    message = [f"{km(now)} after {km(last)} last week{taken(last)}: +{c:.1f} %, above the {limit_pct:g} % limit"
               + (f" (the last two weeks +{f:.1f} % on the two before{taken(fb)})" if f == f else "") + f"; {k}{s}"
               for now, last, c, f, fb, k, s in zip(w["distance_km"], before, change, fortnight_change,
                                                     fortnight_before, kind, in_progress(load.weekly, fired))]
    ids = run_ids(load.runs, "week_start").reindex(w.index)
    return flags("week", w.index, severity, change, limit_pct, "%", message, ids.apply(listed))


@thresholds_in_order(("caution_ratio", "warning_ratio"))
def long_run_spike(load: Load, *, caution_ratio: float = 1.10, warning_ratio: float = 2.00,
                   window_days: int = 30, min_km: float = 3.0, min_reference_km: float = 5.0,
                   min_extra_km: float = 2.0) -> pd.DataFrame:
    """RL004: a run much longer than the longest of the previous ``window_days`` days.

    The ratio is this run's distance over the longest run on the previous
    ``window_days`` local days (the same day excluded), but never over less
    than ``min_reference_km``, rounded to 0.01. Runs shorter than ``min_km``,
    runs less than ``min_extra_km`` longer than that longest run, and runs
    whose window reaches before the export starts are not judged.

    Why it matters
    --------------
    One run was more than {caution_ratio:g} times the longest of the previous {window_days}
    days. In a study of more than 5,000 runners with GPS watches (Frandsen et al. 2025), a
    run more than 10 % longer than the recent longest came with more injuries, and more than
    twice as long with the most. This is the best-supported rule riskload has.

    Parameters
    ----------
    caution_ratio, warning_ratio : float
        Ratios above which a run is a caution, a warning. Frandsen et al.
        2025 found hazard ratios of 1.64 for 1.10-1.30 and 1.52 for
        1.30-2.00 (no higher between the two bands) and 2.28 above 2.00,
        against runs at or below 1.10: one band of caution, then a warning.
    window_days : int
        The look-back window [days].
    min_km : float
        Shorter runs are ignored [km].
    min_reference_km : float
        The smallest longest run a ratio is taken against [km]. Heuristic: a
        month of 1-3 km jogs (or a 0.4 km GPS test) makes any ordinary run a
        "spike" of 3 or 10 times; 5 km is a short run for anyone who runs
        regularly, and returns after a break are RL007's.
    min_extra_km : float
        The smallest extension that is a spike [km]. Heuristic: 6.7 km after
        6.0 km is a ratio of 1.11, but the same loop with a detour; GPS alone
        puts a few per cent between two runs of one route.

    References
    ----------
    Frandsen JSB, et al. How much running is too much? Identifying high-risk
    running sessions in a 5200-person cohort study. Br J Sports Med
    2025;59:1203.
    """
    daily = load.daily["longest_run_km"]
    previous = daily.shift(1).rolling(window_days, min_periods=window_days).max()
    runs = load.runs[at_least_km(load.runs["distance_km"], min_km)].copy()
    runs["previous_km"] = runs["local_date"].map(previous)
    runs = runs[runs["previous_km"] > 0]
    reference = runs["previous_km"].clip(lower=min_reference_km)
    runs["ratio"] = rounded_ratio(runs["distance_km"], reference)
    runs = runs[(runs["ratio"] > caution_ratio) & at_least_km(runs["distance_km"] - reference, min_extra_km)]
    if runs.empty:
        return no_flags()
    ratio = runs["ratio"]
    severity = np.where(ratio > warning_ratio, "warning", "caution")
    threshold = np.where(ratio > warning_ratio, warning_ratio, caution_ratio)
    message = [f"a {km(d)} run, {times(r)} the longest run of the previous {window_days} days ({km(p)}"
               + (f"; taken as {min_reference_km:g} km" if p < min_reference_km else "")
               + f"): more than {t:g} times is a {s}"
               for d, r, p, t, s in zip(runs["distance_km"], ratio, runs["previous_km"], threshold, severity)]
    return flags("run", runs["local_date"], severity, ratio, threshold, "ratio", message,
                 [[a] for a in runs["activity_id"]])


@thresholds_in_order(("caution_fraction", "warning_fraction"))
def return_after_break(load: Load, *, break_days: int = 14, caution_fraction: float = 0.5,
                       warning_fraction: float = 1.0, baseline_weeks: int = 4,
                       min_back_km: float = 10.0) -> pd.DataFrame:
    """RL007: the first week back after ``break_days`` days or more without running.

    The first week back (the week of the first run after the break) is
    compared with the mean distance of the weeks with running among the
    ``baseline_weeks`` weeks up to the last week of more than ``min_back_km``
    before the break: neither the empty weeks that led into the break nor a
    lone short jog during it are the runner's usual (without one, the weeks
    up to the last run are taken). A first week
    back of ``min_back_km`` or less is never flagged. The start of the export is not a
    break: a new runner's first weeks cannot be told from an export that
    simply starts there.

    Why it matters
    --------------
    Coming back from {break_days} days or more without running at more than
    {caution_fraction:.0%} of the usual distance. After a break tendons and bones have lost
    some tolerance even when the running feels easy, so returning straight to the old load
    is a common way to get hurt.

    Parameters
    ----------
    break_days : int
        Days without running that make a break [days].
    caution_fraction, warning_fraction : float
        First week back above this fraction of the pre-break weekly mean:
        caution, warning.
    baseline_weeks : int
        Weeks before the break whose mean is the reference.
    min_back_km : float
        A first week back this short is gentle whatever came before, and a
        week this short before the break is not the usual [km]: on real
        histories, one 3 km jog after weeks of a single 0.4 km run was
        "964 % of the usual", and 15 km back after a lone 2 km jog in a
        15-week break was "748 %" of a runner who had run 30 km weeks.

    Notes
    -----
    Heuristic: the seed documents warn against coming back aggressively and
    about new runners (Nielsen et al. 2014, Int J Sports Phys Ther, novices).
    """
    daily, weekly = load.daily, load.weekly
    ran = ~daily["rest_day"]
    streak_id = ran.cumsum()
    rest_run = (~ran).groupby(streak_id).sum()  # rest days after the n-th running day
    breaks = rest_run[(rest_run >= break_days) & (rest_run.index > 0)]
    running_days = daily.index[ran.to_numpy()]
    rows = []
    for n, length in breaks.items():
        if n >= len(running_days):
            continue  # still on the break
        last_before, first_back = running_days[n - 1], running_days[n]
        week_back, week_last = week_of(weekly, [first_back, last_before])
        before = weekly.loc[:week_last, "distance_km"]
        real = before.index[before > min_back_km]
        usual_end = real[-1] if len(real) else week_last
        base = before.loc[:usual_end].tail(baseline_weeks)
        mean = base[base > 0].mean()
        winding_down = (f"; the weeks after {usual_end:%d %b %Y} held {km(min_back_km)} or less"
                        if usual_end < week_last else "")
        back_km = weekly.loc[week_back, "distance_km"]
        if not mean > 0 or back_km <= min_back_km:
            continue
        fraction = round(back_km / mean, 2)
        if fraction <= caution_fraction:
            continue
        severity = "warning" if fraction > warning_fraction else "caution"
        limit = warning_fraction if severity == "warning" else caution_fraction
        suffix = "" if weekly.loc[week_back, "complete"] else IN_PROGRESS
        rows.append((week_back, severity, fraction, limit,
                     f"first week after {length} days without running: {km(back_km)}, {fraction:.0%} of the "
                     f"{km(mean)} of a usual running week before the break{winding_down} (limit {limit:.0%}){suffix}"))
    if not rows:
        return no_flags()
    week, severity, fraction, limit, message = zip(*rows)
    ids = run_ids(load.runs, "week_start").reindex(list(week))
    return flags("week", week, severity, fraction, limit, "fraction", message, ids.apply(listed))


def high_weekly_volume(load: Load, *, cap_km: float = 64.0, consecutive_weeks: int = 3) -> pd.DataFrame:
    """RL008: weekly running distance above the athlete's cap.

    Each week above ``cap_km`` is info; it is a caution from the
    ``consecutive_weeks``-th week in a row above it. The athlete's
    ``weekly_cap_km`` setting replaces the default cap.

    Why it matters
    --------------
    Weekly distance above the athlete's cap of {cap_km:g} km, {consecutive_weeks} weeks or
    more in a row. Older reviews linked more than about 64 km a week with more injuries; the
    link is weak and the right cap differs between runners, so set your own (weekly_cap_km
    in riskload.toml).

    Parameters
    ----------
    cap_km : float
        The weekly cap [km]. Older reviews associate more than 64 km (40
        miles) a week with injury; it is a per-athlete choice.
    consecutive_weeks : int
        Weeks in a row above the cap that make a caution.

    References
    ----------
    van Gent RN, et al. Incidence and determinants of lower extremity running
    injuries in long distance runners: a systematic review. Br J Sports Med
    2007;41:469-480.
    """
    w = load.weekly
    above = w["distance_km"] > cap_km
    if not above.any():
        return no_flags()
    in_a_row = above.groupby((~above).cumsum()).cumsum()
    w, in_a_row = w[above], in_a_row[above]
    severity = np.where(in_a_row >= consecutive_weeks, "caution", "info")
    message = [f"{km(d)} this week, above the {cap_km:g} km cap" + (f", {n} weeks in a row" if n > 1 else "")
               + s for d, n, s in zip(w["distance_km"], in_a_row, in_progress(load.weekly, above))]
    ids = run_ids(load.runs, "week_start").reindex(w.index)
    return flags("week", w.index, severity, w["distance_km"].round(1), cap_km, "km", message, ids.apply(listed))


@thresholds_in_order(("acute_days", "chronic_days"))
def acute_chronic_ratio(load: Load, *, limit: float = 1.5, acute_days: int = ACUTE_DAYS,
                        chronic_days: int = CHRONIC_DAYS,
                        min_chronic_week_km: float = MIN_CHRONIC_WEEK_KM) -> pd.DataFrame:
    """RL014: the acute:chronic ratio of daily running distance above ``limit``.

    Exponentially weighted means with lambda = 2 / (N + 1) over
    ``acute_days`` and ``chronic_days`` (rest days count as 0); the ratio is
    not computed before the export covers ``chronic_days``, and takes the
    chronic load as at least ``min_chronic_week_km`` a week
    (:func:`riskload.load.acute_chronic`). One flag per week, on its highest
    daily ratio. Shown for information only: its value as an injury
    predictor is disputed.

    Why it matters
    --------------
    The last {acute_days} days' load is more than {limit:g} times the last {chronic_days}
    days'. This acute:chronic ratio is popular in team sports but disputed, and a large
    study of runners found no harmful threshold, so riskload shows it for information only.

    Parameters
    ----------
    limit : float
        Ratio above which a week is flagged (Gabbett's "danger zone").
    acute_days, chronic_days : int
        EWMA spans [days].
    min_chronic_week_km : float
        The least chronic load the ratio is taken against, as a week [km].
        Heuristic, RL001's smallest week: a ratio's denominator near zero
        makes any run a spike (a 3 km jog after months with a single run gave
        3.6 on a real history), a known pitfall of the ratio (Impellizzeri
        et al. 2020).

    References
    ----------
    Williams S, et al. Better way to determine the acute:chronic workload
    ratio? Br J Sports Med 2017;51:209-210.
    Gabbett TJ. The training-injury prevention paradox. Br J Sports Med 2016;50:273-280.
    Impellizzeri FM, et al. Acute:chronic workload ratio: conceptual issues and
    fundamental pitfalls. Int J Sports Physiol Perform 2020;15:907-913.
    """
    loads = acute_chronic(load.daily["distance_km"], acute_days, chronic_days, min_chronic_week_km)
    acute, chronic = loads["acute_km"], loads["chronic_km"]
    ratio = loads["acwr"].round(2).dropna()
    week = week_of(load.weekly, ratio.index)
    peak_day = ratio.groupby(week).idxmax()
    peak = ratio.groupby(week).max()
    fired = peak > limit
    if not fired.any():
        return no_flags()
    peak, peak_day = peak[fired], peak_day[fired]
    least = min_chronic_week_km / 7

    def chronic_text(value: float) -> str:
        if value >= least:
            return f"chronic {value:.1f} km/day"
        digits = 1 if f"{value:.1f}" != f"{least:.1f}" else 2  # never "chronic 1.4, taken as 1.4"
        return f"chronic {value:.{digits}f} km/day, taken as {least:.{digits}f}: a {min_chronic_week_km:g} km week"

    message = [f"acute:chronic ratio {r:.2f} on {d:%a %d %b} (acute {acute[d]:.1f} km/day, "
               f"{chronic_text(chronic[d])}), above {limit:g}" for r, d in zip(peak, peak_day)]
    ids = run_ids(load.runs, "week_start").reindex(peak.index)
    return flags("week", peak.index, "info", peak, limit, "ratio", message, ids.apply(listed))


def monotony(load: Load, *, limit: float = 2.0) -> pd.DataFrame:
    """RL015: Foster's training monotony of a finished week above ``limit``.

    Monotony is the mean of the week's seven daily running distances over
    their standard deviation (population, rest days as 0); strain is the
    weekly distance times monotony. A week of identical days has infinite
    monotony.

    Why it matters
    --------------
    Every day of the week looked alike (Foster's monotony above {limit:g}), with few easy or
    rest days. Foster linked such monotonous training with overtraining and illness rather
    than injury; alternating hard and easy days leaves room to recover.

    Parameters
    ----------
    limit : float
        Monotony above which a week is flagged (Foster 1998).

    References
    ----------
    Foster C. Monitoring training in athletes with reference to overtraining
    syndrome. Med Sci Sports Exerc 1998;30:1164-1168.
    """
    w = load.weekly
    value = w["monotony"].round(2)
    fired = w["complete"] & (value > limit)
    if not fired.any():
        return no_flags()
    w, value = w[fired], value[fired]
    message = [f"monotony {m:.2f} (mean {d / 7:.1f} km/day, {counted(r, 'rest day')}), strain {s:.0f}: "
               f"above {limit:g}"
               for m, d, r, s in zip(value, w["distance_km"], w["rest_days"], w["strain"])]
    ids = run_ids(load.runs, "week_start").reindex(w.index)
    return flags("week", w.index, "info", value, limit, "monotony", message, ids.apply(listed))

