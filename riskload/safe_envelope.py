"""Next week's safe envelope: the most each rule lets through, found by asking the rule.

Trial plans (:mod:`riskload.plan`) are added to the runner's history and
judged by the rules' own functions with the athlete's thresholds; a search
finds, figure by figure, the largest plan a rule does not grade a caution.
No threshold is copied here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .load import Load, start_of_week
from .plan import Habits, extend_load, hard_session_km, planned, planned_activities, recent_load, steep_grade
from .rules import BY_CODE, SEVERITIES, RuleUnavailable, rule_thresholds


def own_cautions(load: Load, code: str, since) -> pd.DataFrame | None:
    """The flags of rule ``code`` (with the athlete's thresholds) from ``since`` on that it grades a caution
    or worse by its own measure, before the evidence weighing; None when the rule cannot run."""
    try:
        flags = BY_CODE[code].function(load, **rule_thresholds(load.settings)[code])
    except RuleUnavailable:
        return None
    rank = flags["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
    return flags[(rank >= SEVERITIES.index("caution")) & (pd.DatetimeIndex(flags["date"]) >= since)]


def crossing(objected: dict) -> float | None:
    """The plan below which no flag raised by both of the two smallest plans that failed would reach its
    threshold; None before two have failed, or when no flag is in both with a figure that changed.

    ``objected`` maps each plan's value to its flags, as ``(code, date,
    period)`` to ``(observed, threshold)``. Each flag's figure is taken as a
    straight line through the two plans.
    """
    if len(objected) < 2:
        return None
    x_smaller, x_larger = sorted(objected)[:2]
    smaller, larger = objected[x_smaller], objected[x_larger]
    found = [x_smaller + (threshold - observed) * (x_larger - x_smaller) / (larger[key][0] - observed)
             for key, (observed, threshold) in smaller.items() if key in larger and larger[key][0] != observed]
    found = [x for x in found if np.isfinite(x)]  # a figure without a value draws no line
    return min(found) if found else None


def largest(ok, low: float, high: float, step: float, guess: float | list | None = None,
            estimate: Callable[[], float | None] | None = None) -> float | None:
    """The largest multiple of ``step`` in ``[low, high]`` for which ``ok`` holds (``ok`` holds below some
    point and not above it); None when it does not hold at ``low``; the last step up to ``high`` when it holds
    there (:func:`at_ceiling`).

    A ``guess`` (the answer for the day before, say), or a list of them in
    turn, is tried first: when it is right, two calls of ``ok`` find it.
    Unless something is known to fail, the last step is tried next (a rule
    that sets no limit). Then the search narrows the steps between the
    largest value known to pass and the smallest known to fail. Where ``estimate()``
    names a value from the one that passes up to the one that fails (where a
    rule's own figure would meet its threshold, :func:`crossing`), the step
    there, or the step above the one that passes, is tried; otherwise, and
    right after an estimate that failed, the search halves. ``low`` is
    tried only if the search comes down to it. No value is asked about
    twice: each call is a trial plan judged by the rules.
    """
    first, last = int(np.ceil(low / step)), int(np.floor(high / step))
    passes, fails = first - 1, last + 1  # just outside the range: not tried
    guesses = guess if isinstance(guess, (list, tuple)) else [guess]
    for g in [int(round(g / step)) for g in guesses if g is not None]:
        if not (passes < g < fails and first <= g <= last):
            continue  # outside the range, or already answered
        if not ok(g * step):
            fails = g
            continue
        passes = g
        if g + 1 < fails:
            if ok((g + 1) * step):
                passes = g + 1
            else:
                fails = g + 1
        if fails - passes == 1:
            break
    if fails > last and passes < last:  # nothing above is known to fail: a rule that sets no limit shows at once
        if ok(last * step):
            return round(last * step, 6)
        fails = last
    missed = False
    while fails - passes > 1:
        middle = (passes + fails) // 2
        towards = estimate() if estimate is not None and not missed else None
        near = int(np.floor(towards / step + 1e-9)) if towards is not None and np.isfinite(towards) else None
        estimated = near is not None and passes <= near < fails
        if estimated:
            middle = max(near, passes + 1)
        if ok(middle * step):
            passes, missed = middle, False
        else:
            fails, missed = middle, estimated
    return None if passes < first else round(passes * step, 6)


def at_ceiling(value: float | None, high: float, step: float) -> bool:
    """Whether ``value``, found by :func:`largest` up to ``high``, is the largest step in reach: the search
    found no limit below its ceiling (``high`` itself is seldom a multiple of ``step``)."""
    return value is not None and bool(value >= round(np.floor(high / step) * step, 6))


# --- the envelope -------------------------------------------------------------------------------

@dataclass
class Limit:
    """One figure of the envelope, with the plan that sits exactly at it and the plan one step above.

    ``codes`` are the rules that set it; ``value`` is None when even the
    smallest plan raises a caution, ``capped`` True when the search found no
    limit below its ceiling (the rules do not object to anything plausible).
    """

    what: str
    day: pd.Timestamp
    codes: tuple
    value: float | None
    step: float
    unit: str
    at: pd.DataFrame | None
    above: pd.DataFrame | None
    capped: bool = False


@dataclass
class Envelope:
    """What the runner can do in the days ahead without a rule grading it a caution.

    Attributes
    ----------
    today : Timestamp
        The first day of the envelope; the history is what came before it.
    days : DataFrame
        One row per day: ``date``, ``longest_run_km`` (RL004; NaN where the
        rule cannot judge), ``rest_advised``.
    weeks : DataFrame
        One row per week touched: ``week_start``, ``run_so_far_km``,
        ``distance_km`` (the week's total that stays clear of RL001, RL007 and
        RL008, and of RL004 for each of its runs), ``runs`` (runs left to reach the runner's usual number, at
        least one), ``per_run_km`` (what is left, over them),
        ``rest_days_needed`` (RL003), ``climb_m`` (RL002, at the week's
        ceiling), ``steep_descent_m`` (RL006, in one run), ``hard_min``
        (RL005, in one session).
    longest_streak_days : int or None
        Consecutive running days from today that stay clear of RL003.
    next_hard_from : Timestamp or None
        The earliest local start of the next hard session (RL009).
    limits : list of Limit
        Every figure with the plan at it and one step above it.
    silent : dict
        Rule code to why it cannot speak (no heart rate, too little history).
    notes : list of str
        What else the figures need said.
    """

    today: pd.Timestamp
    days: pd.DataFrame
    weeks: pd.DataFrame
    longest_streak_days: int | None
    next_hard_from: pd.Timestamp | None
    limits: list = field(default_factory=list)
    silent: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)


#: How far a search looks: this many times the runner's longest run or week.
SEARCH_FACTOR = 3.0


class _Search:
    """Plans tried on the runner's recent history, each judged by the rules' own functions."""

    def __init__(self, load: Load, today):
        self.load = recent_load(load, before=today)
        self.habits = Habits.of(self.load)
        self.grade = steep_grade(self.load)
        self.silent: dict = {}
        self.limits: list = []
        self._built: dict = {}

    def extended(self, plan: pd.DataFrame) -> Load:
        """The history with ``plan`` added; a plan is built once for all the rules that judge it."""
        if not len(plan):
            return self.load
        key = plan.drop(columns="line").to_json(date_format="iso")
        if key not in self._built:
            acts, samples = planned_activities(plan, self.habits, steep_grade_pct=self.grade)
            self._built = {key: extend_load(self.load, acts, samples, as_of=plan["date"].max() + pd.Timedelta(days=1))}
        return self._built[key]

    def objections(self, codes: tuple, plan: pd.DataFrame, since) -> dict:
        """The flags by which the first rule of ``codes`` that grades ``plan`` (from ``since`` on) a caution
        or worse does so, as ``(code, date, period)`` to ``(observed, threshold)``; empty when none does."""
        load = self.extended(plan)
        for code in codes:
            graded = own_cautions(load, code, since)
            if graded is None:
                self.silent.setdefault(code, _why_silent(load, code))
            elif len(graded):
                return {(code, date, period): (observed, threshold) for date, period, observed, threshold
                        in zip(graded["date"], graded["period"], graded["observed"], graded["threshold"])}
        return {}

    def clear(self, codes: tuple, plan: pd.DataFrame, since) -> bool:
        """Whether none of ``codes`` grades ``plan`` (from ``since`` on) a caution or worse."""
        return not self.objections(codes, plan, since)

    def find(self, codes: tuple, day, plan_of, high: float, step: float, low: float = 0.0,
             guess: float | list | None = None) -> float | None:
        """The largest value whose plan (``plan_of(value)``) no rule of ``codes`` grades a caution from
        ``day`` on (:func:`largest`, trying ``guess`` first, then where the flags of the plans that failed
        point, :func:`crossing`); None when a rule of ``codes`` cannot run."""
        objected: dict = {}

        def ok(value: float) -> bool:
            found = self.objections(codes, plan_of(value), day)
            if found:
                objected[value] = found
            return not found

        value = largest(ok, low, high, step, guess, lambda: crossing(objected))
        return None if any(code in self.silent for code in codes) else value

    def keep(self, what: str, day, codes: tuple, plan_of, value: float | None, high: float, step: float,
             unit: str) -> Limit:
        """``value`` as a :class:`Limit`, with its plans at it and one step above, kept in :attr:`limits`."""
        capped = at_ceiling(value, high, step)
        found = Limit(what, pd.Timestamp(day), codes, value, step, unit,
                      plan_of(value) if value is not None else None,
                      plan_of(round(value + step, 6)) if value is not None and not capped else None, capped=capped)
        self.limits.append(found)
        return found

    def limit(self, what: str, day, codes: tuple, plan_of, high: float, step: float, unit: str,
              low: float = 0.0) -> Limit:
        """The largest value whose plan no rule of ``codes`` grades a caution (:meth:`find`), kept.

        The same figure last found (for the day or week before) is tried
        first: from one day to the next a limit mostly stays where it was,
        and then two trials find it.
        """
        guess = next((limit.value for limit in reversed(self.limits) if limit.what == what), None)
        return self.keep(what, day, codes, plan_of, self.find(codes, day, plan_of, high, step, low, guess), high,
                         step, unit)


def shown(limit: Limit | None) -> float:
    """A limit's value for the tables: NaN where the rule cannot speak or sets no limit."""
    return np.nan if limit is None or limit.value is None or limit.capped else limit.value


def _why_silent(load: Load, code: str) -> str:
    try:
        BY_CODE[code].function(load, **rule_thresholds(load.settings)[code])
    except RuleUnavailable as exc:
        return str(exc)
    return "it could not run"


def usual_runs_per_week(load: Load, weeks: int = 8) -> int:
    """The runner's usual number of runs a week: the median over their last ``weeks`` complete weeks with running."""
    weekly = load.weekly[load.weekly["complete"] & (load.weekly["runs"] > 0)].tail(weeks)
    return int(max(round(weekly["runs"].median()), 1)) if len(weekly) else 3


def spread(days: list, n: int) -> list:
    """``n`` of ``days``, as evenly apart as they go, the last one included."""
    if n >= len(days):
        return list(days)
    picks = np.unique(np.round(np.linspace(len(days) - 1, 0, n)).astype(int))
    return [days[i] for i in picks]


def envelope(analysis, *, today=None, days: int | None = None) -> Envelope:
    """What the runner can do from ``today`` on without any rule grading it a caution (see :class:`Envelope`).

    Every figure is found by trying plans on the runner's history and
    running the rules that limit it, with the athlete's thresholds: the
    largest run, week, climb, descent or number of hard minutes they do not
    grade a caution or worse by their own measure (the evidence weighing,
    which softens the heuristic rules on the report, is not applied: the
    envelope stays inside every rule). Each figure assumes the rest stays
    at the runner's usual; a later week assumes the earlier one ran to its
    ceiling.

    Parameters
    ----------
    analysis : riskload.Analysis
    today : date, optional
        The first day (default: the day after the analysis day). Runs from
        this day on are not part of the history.
    days : int, optional
        How many days (default: the rest of this week and the 7 days after).
    """
    load = analysis.load
    today = pd.Timestamp(today if today is not None else load.as_of + pd.Timedelta(days=1)).normalize()
    first_day = load.settings.week_start_day
    this_week = start_of_week(pd.DatetimeIndex([today]), first_day)[0]
    end = today + pd.Timedelta(days=days - 1) if days else this_week + pd.Timedelta(days=13)
    horizon = list(pd.date_range(today, end, freq="D"))
    search = _Search(load, today)
    history = search.load.runs
    longest = float(history["distance_km"].max()) if len(history) else 10.0

    longest_runs = _longest_runs(search, horizon, SEARCH_FACTOR * longest)
    day_table = pd.DataFrame({"date": horizon, "longest_run_km": [shown(limit) for limit in longest_runs],
                              "rest_advised": False})

    usual = usual_runs_per_week(search.load)
    biggest_week = float(search.load.weekly["distance_km"].max()) if len(history) else 30.0
    week_rows, before = [], planned([], 0)
    for start in sorted(set(start_of_week(pd.DatetimeIndex(horizon), first_day))):
        week_days = [d for d in horizon if start <= d <= start + pd.Timedelta(days=6)]
        done = float(history.loc[history["local_date"] >= start, "distance_km"].sum())
        n = max(min(usual - int((history["local_date"] >= start).sum()), len(week_days)), 1)
        chosen = spread(week_days, n)

        def week(total_km, climb_m=0.0, chosen=chosen, before=before):
            if total_km <= 0:
                return before
            return pd.concat([before, planned(chosen, total_km / len(chosen), climb_m=climb_m)], ignore_index=True)

        distance = search.limit("week distance", start, ("RL001", "RL004", "RL007", "RL008"), week,
                                SEARCH_FACTOR * biggest_week, 0.1, "km")
        total = distance.value or 0.0  # what the later figures plan with; a week the rules leave open shows none
        each = round(total / n, 1)
        climb = shown(search.limit("week climb", start, ("RL002",), lambda m: week(total, m),
                                   max(60.0 * total, 100.0), 10.0, "m")) if total > 0 else np.nan
        steep = shown(search.limit("steep descent", start, ("RL006",),
                                   lambda m: pd.concat([before, planned([chosen[-1]], max(each, 1.0),
                                                                        steep_descent_m=m)], ignore_index=True),
                                   3000.0, 10.0, "m"))
        hard = shown(_hard_minutes(search, before, chosen[-1], start))
        rest_needed = int(not search.clear(("RL003",), pd.concat([before, planned(week_days, 5.0)], ignore_index=True),
                                           start))
        open_week = distance.capped
        week_rows.append((start, done, np.nan if open_week else done + total, n, np.nan if open_week else each,
                          rest_needed, climb, steep, hard))
        before = week(total) if total > 0 else before
    week_table = pd.DataFrame(week_rows, columns=["week_start", "run_so_far_km", "distance_km", "runs", "per_run_km",
                                                  "rest_days_needed", "climb_m", "steep_descent_m", "hard_min"])

    streak = search.limit("running days in a row", today, ("RL003",),
                          lambda n: planned(pd.date_range(today, periods=int(n)), 5.0), 60, 1, "days").value
    streak = None if streak is None else int(streak)
    if streak is not None and streak < len(horizon):
        day_table.loc[streak, "rest_advised"] = True
    for week in week_table.itertuples():
        inside = (day_table["date"] >= week.week_start) & (day_table["date"] <= week.week_start + pd.Timedelta(days=6))
        if week.rest_days_needed and not day_table.loc[inside, "rest_advised"].any():
            day_table.loc[inside[inside].index[-1], "rest_advised"] = True
    return Envelope(today, day_table, week_table, streak, _next_hard(search, today), search.limits,
                    dict(search.silent), _notes(search, history, today, week_table))


def _longest_runs(search: _Search, horizon: list, high: float) -> list[Limit]:
    """The longest run of each day of ``horizon`` that RL004 does not grade a caution, one run planned alone.

    RL004 holds a run against the longest of the days before it. With
    nothing planned before the day, that window only loses the history's
    runs as the days pass, so a limit can only fall, or end when no run is
    left to compare with (a new runner's first days have none either). Two
    days with the same limit therefore have it on every day between them;
    the day halfway between two days is searched only where their limits
    differ or either has none, trying each of theirs first.
    """
    values: dict[int, float | None] = {}

    def plan_of(day):
        return lambda km: planned([day], km)

    def search_day(i: int, guess: float | list | None = None) -> None:
        values[i] = search.find(("RL004",), horizon[i], plan_of(horizon[i]), high, 0.1, low=0.1, guess=guess)

    def between(i: int, j: int) -> None:
        if j - i < 2:
            return
        if values[i] == values[j] and values[i] is not None and not at_ceiling(values[i], high, 0.1):
            values.update(dict.fromkeys(range(i + 1, j), values[i]))
            return
        middle = (i + j) // 2
        search_day(middle, guess=[values[i], values[j]])
        between(i, middle)
        between(middle, j)

    search_day(0)
    if len(horizon) > 1:
        search_day(len(horizon) - 1, guess=values[0])
        between(0, len(horizon) - 1)
    return [search.keep("longest run", day, ("RL004",), plan_of(day), values[i], high, 0.1, "km")
            for i, day in enumerate(horizon)]


def _notes(search: _Search, history: pd.DataFrame, today, weeks: pd.DataFrame) -> list[str]:
    """What the tables need said: limits a rule did not set, and a return after a break."""
    notes = list(dict.fromkeys(
        f"{limit.what.capitalize()} ({', '.join(limit.codes)}) from {limit.day:%a %d %b}: no limit; the rule has "
        "nothing recent to compare with, or objects to nothing within reach."
        for limit in search.limits if limit.capped and limit.what not in ("longest run", "next hard session")))
    unset = sum(limit.capped for limit in search.limits if limit.what == "longest run")
    if unset:
        notes.append(f"Longest run (RL004): no limit on {unset} of the days; the 30 days before them hold no run to "
                     "compare with.")
    break_days = rule_thresholds(search.load.settings)["RL007"]["break_days"]
    away = (today - history["local_date"].max()).days - 1 if len(history) else 0
    if away >= break_days and len(weeks):
        notes.append(f"{away} days without running before {today:%a %d %b}: the first week back is held to "
                     f"{weeks['distance_km'].iloc[0]:.1f} km (RL007, return after a break).")
    return notes


def _hard_minutes(search: _Search, before: pd.DataFrame, day, week) -> Limit:
    """The most hard minutes in one session on ``day`` that RL005 does not grade a caution."""
    def session(minutes):
        return pd.concat([before, planned([day], hard_session_km(search.habits, minutes), intensity="hard")],
                         ignore_index=True)

    return search.limit("hard minutes", week, ("RL005",), session, 600.0, 1.0, "min")


def _next_hard(search: _Search, today) -> pd.Timestamp | None:
    """The earliest local start from ``today`` of a 30-minute hard session that RL009 does not grade a caution."""
    km = hard_session_km(search.habits, 30)

    def at(hours: float):
        start = today + pd.Timedelta(hours=168 - hours)
        return planned([start.normalize()], km, intensity="hard", time=f"{start:%H:%M}")

    # the search looks for the largest clear value, so it runs backwards in time from a week ahead
    found = search.limit("next hard session", today, ("RL009",), at, 168, 1, "h")
    if found.value is None:
        return None
    return today + pd.Timedelta(hours=168 - found.value)
