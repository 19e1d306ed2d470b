"""What every rule shares: the flag table, rule metadata, and rounding.

A rule is a plain function ``rule(load, *, threshold=default, ...)`` that
returns a frame of :data:`RULE_COLUMNS` (one row per flag; empty when nothing
fires), or raises :class:`RuleUnavailable` when the export lacks the data it
needs. The engine adds the athlete, code, name and evidence.
"""

from __future__ import annotations

import functools
import inspect
import re
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from ..errors import ConfigError

SEVERITIES = ("info", "caution", "warning", "high")
#: How much a rule's evidence is worth, best first (:mod:`riskload.rules.evidence`).
EVIDENCE_LEVELS = ("strong", "weak", "contested", "heuristic")

#: What a rule function returns, one row per flag.
RULE_COLUMNS = ["period", "date", "severity", "observed", "threshold", "unit", "message", "activity_ids"]

#: The flags table: the rule's columns plus who and which rule, and the severity the rule gave by its own
#: measure before its evidence was weighed (:mod:`riskload.rules.evidence`).
FLAG_COLUMNS = ["athlete", "date", "week_start", "period", "code", "rule", "severity", "rule_severity", "observed",
                "threshold", "unit", "message", "evidence", "activity_ids"]


def thresholds_of(function: Callable) -> dict:
    """A rule function's thresholds, its keyword-only parameters, with their defaults."""
    return {name: p.default for name, p in inspect.signature(function).parameters.items()
            if p.kind is inspect.Parameter.KEYWORD_ONLY}


def thresholds_in_order(*pairs: tuple[str, str]):
    """Declare, on a rule function, thresholds that make sense only in order: in each pair ``(lower, higher)``
    the first may not be above the second (a caution's limit above the warning's would grade every flag a
    warning). A call with a pair the other way round raises :class:`~riskload.errors.ConfigError`; the
    settings are checked against :attr:`ordered_pairs` before anything is read."""
    def decorate(function: Callable) -> Callable:
        defaults = thresholds_of(function)

        @functools.wraps(function)
        def checked(load, **thresholds):
            check_order(pairs, {**defaults, **thresholds}, function.__name__)
            return function(load, **thresholds)

        checked.ordered_pairs = pairs
        return checked
    return decorate


def check_order(pairs, values: dict, where: str) -> None:
    """Raise :class:`~riskload.errors.ConfigError` for the first pair of ``pairs`` whose ``values`` are the wrong
    way round (:func:`thresholds_in_order`)."""
    for lower, higher in pairs:
        if values[lower] > values[higher]:
            raise ConfigError(f"{where}: {lower} = {values[lower]:g} is above {higher} = {values[higher]:g}; "
                              f"{lower} may not be above {higher} (set both)")


class RuleUnavailable(Exception):
    """The export lacks what a rule measures (no heart rate, no gear...)."""


@dataclass(frozen=True)
class Rule:
    """A rule, its stable code, and how much the evidence behind it is worth.

    Everything else comes from the rule's function: its name, its thresholds from the
    signature, its summary from the docstring's first paragraph, the
    plain-language reason from the docstring's "Why it matters" section, both
    with the thresholds used filled in (``limit_km`` in the summary and
    ``{limit_km:g}`` in the reason are the values the rule ran with).
    """

    code: str
    function: Callable
    evidence: str

    @property
    def name(self) -> str:
        """The rule's name: its function's (``long_run_spike``)."""
        return self.function.__name__

    @property
    def title(self) -> str:
        """The rule's name in words, for readers (``long run spike``)."""
        return self.name.replace("_", " ")

    def defaults(self) -> dict:
        """The rule's thresholds and their defaults, from its signature."""
        return thresholds_of(self.function)

    def _section(self, title: str) -> str:
        doc = inspect.getdoc(self.function) or ""
        marker = f"{title}\n{'-' * len(title)}\n"
        if marker not in doc:
            return ""
        return doc.split(marker, 1)[1].split("\n\n", 1)[0].strip()

    def summary(self, options: dict | None = None) -> str:
        """The docstring's summary (its first paragraph, on one line), its ````threshold```` names replaced by
        the values used."""
        values = {**self.defaults(), **(options or {})}
        first = " ".join((inspect.getdoc(self.function) or "").split("\n\n", 1)[0].split())
        first = first.removeprefix(f"{self.code}: ")
        text = re.sub(r"``(\w+)``", lambda m: f"{values[m.group(1)]:g}" if m.group(1) in values else m.group(1),
                      first)
        return text[:1].upper() + text[1:]

    def why(self, options: dict | None = None) -> str:
        """Why a flag of this rule matters, in plain words, with the thresholds used."""
        return " ".join(self._section("Why it matters").split()).format(**{**self.defaults(), **(options or {})})

    @property
    def references(self) -> str:
        """The References section of the rule's docstring ("heuristic" when it has none)."""
        doc = inspect.getdoc(self.function) or ""
        if "References\n----------" not in doc:
            return ""
        return doc.split("References\n----------", 1)[1].strip()


_NO_FLAGS = pd.DataFrame({c: pd.Series(dtype="object") for c in RULE_COLUMNS})


def no_flags() -> pd.DataFrame:
    """An empty rule result."""
    return _NO_FLAGS.copy()


def flags(period: str, date, severity, observed, threshold, unit: str, message, activity_ids) -> pd.DataFrame:
    """A rule result from aligned columns (scalars are broadcast)."""
    dates = pd.to_datetime(pd.Series(date)).reset_index(drop=True)
    n = len(dates)

    def column(value):
        if isinstance(value, (pd.Series, pd.Index, np.ndarray, list, tuple)):
            values = list(value)
            if len(values) != n:
                raise ValueError("rule columns of different lengths")
            return values
        return [value] * n

    return pd.DataFrame({"period": [period] * n, "date": dates, "severity": column(severity),
                         "observed": column(observed), "threshold": column(threshold), "unit": [unit] * n,
                         "message": column(message),
                         "activity_ids": [list(ids) for ids in activity_ids] if n else []}, columns=RULE_COLUMNS)


def rounded_ratio(now, before, digits: int = 2):
    """``now / before`` rounded half up to ``digits``, the figure messages show and thresholds compare.

    Both are first taken to a millionth as whole numbers, so the division of
    a pair on an exact boundary is exact: 35.2 km after 32.0 km is 1.10, not
    1.1000000000000001, and 22.1 km after 20.0 km rounds like 35.36 km after
    32.0 km (1.11), whatever units or scale the distances come in.
    """
    scale = 10.0 ** digits
    whole_now = np.round(np.asarray(now, dtype=float) * 1e6)
    whole_before = np.round(np.asarray(before, dtype=float) * 1e6)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.floor(whole_now * scale / whole_before + 0.5) / scale
    return pd.Series(value, index=now.index) if isinstance(now, pd.Series) else value


def at_least_km(distance_km, limit_km):
    """``distance_km >= limit_km`` to the metre, so sums of float kilometres on the limit count alike at any scale."""
    return np.round(np.asarray(distance_km, dtype=float) * 1000.0) >= np.round(limit_km * 1000.0)


def pct_change(now: pd.Series, before: pd.Series) -> pd.Series:
    """Percent change rounded half up to 0.1 % (:func:`rounded_ratio`): +10.0 % for 35.2 km after 32.0 km."""
    return ((rounded_ratio(now, before, 3) - 1.0) * 100.0).round(1)


def run_ids(runs: pd.DataFrame, key: str) -> pd.Series:
    """Activity ids of the runs grouped by ``key`` (e.g. ``week_start``), in start order."""
    chosen = runs[key].notna().to_numpy()
    keys, starts = runs[key].to_numpy()[chosen], pd.DatetimeIndex(runs["start_time"]).asi8[chosen]
    order = np.lexsort((starts, pd.factorize(keys, sort=True)[0]))
    keys, ids = keys[order], runs["activity_id"].to_numpy(dtype=object)[chosen][order]
    bounds = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    return pd.Series([list(part) for part in np.split(ids, bounds)] if len(ids) else [],
                     index=pd.Index(keys[np.r_[0, bounds]] if len(ids) else keys, name=key),
                     name="activity_id", dtype=object)


@dataclass
class Coverage:
    """How much of each flagged week a rule's data covers (:func:`coverage`)."""

    notes: list[str]  # "" or "; 2 of 4 runs had no heart rate", per flagged week
    thin: np.ndarray  # True where the runs without the data hold half the week's running time or more

    def grade(self, severity) -> list[str]:
        """``severity`` one grade lower where the data is thin (a week judged on half of itself)."""
        return [SEVERITIES[max(SEVERITIES.index(s) - int(t), 0)] for s, t in zip(severity, self.thin)]


def coverage(runs: pd.DataFrame, weeks, column: str, what: str) -> Coverage:
    """Which runs of each of ``weeks`` lack ``column`` (NaN), said as ``what`` ("heart rate", "altitude").

    A flag built on a week part of whose runs lack the data it measures says
    so, and is one grade lower when those runs hold half of the week's
    moving time or more.
    """
    weeks = pd.DatetimeIndex(weeks)
    distinct = weeks.unique()
    chosen = runs[runs["week_start"].isin(distinct)]
    week = distinct.get_indexer(chosen["week_start"])
    missing = chosen[column].isna().to_numpy()
    minutes = chosen["moving_time_min"].to_numpy(dtype=float)

    def per_week(values) -> np.ndarray:
        return np.bincount(week, weights=values, minlength=len(distinct))[distinct.get_indexer(weeks)]

    n, lacking = per_week(np.ones(len(chosen))), per_week(missing.astype(float))
    lacking_min, total_min = per_week(np.where(missing, minutes, 0.0)), per_week(minutes)
    notes = [f"; {int(m)} of {int(k)} runs had no {what}" if m else "" for m, k in zip(lacking, n)]
    return Coverage(notes, (lacking_min > 0) & (lacking_min >= total_min / 2))


#: Earlier cases a habit needs before it is known.
HABIT_MIN_CASES = 4


def habit_share(happened: pd.Series, days: int) -> pd.Series:
    """For each case (indexed by time), the share of the earlier cases of the last ``days`` days where it happened.

    ``happened`` holds True, False or NaN (a case that cannot say). NaN where
    fewer than :data:`HABIT_MIN_CASES` earlier cases can say: no habit is known.
    """
    earlier = happened.astype(float).rolling(f"{days}D", closed="left")
    return (earlier.sum() / earlier.count()).where(earlier.count() >= HABIT_MIN_CASES)


IN_PROGRESS = " (week in progress: so far)"


def in_progress(weekly: pd.DataFrame, mask: pd.Series) -> pd.Series:
    """The message suffix of each selected week: empty, or :data:`IN_PROGRESS`."""
    return pd.Series(np.where(~weekly.loc[mask, "complete"], IN_PROGRESS, ""), index=weekly.index[mask])


def listed(value) -> list:
    """A list of ids, or an empty one for a week without runs."""
    return value if isinstance(value, list) else []


def require(condition: bool, reason: str) -> None:
    """Raise :class:`RuleUnavailable` with ``reason`` unless ``condition`` holds."""
    if not condition:
        raise RuleUnavailable(reason)


def km(value: float) -> str:
    """A distance for messages."""
    return f"{value:.1f} km"


def hard_by_heart_rate(minutes: float, fraction: float, limit_min: float) -> str:
    """Why a session counts as hard by its heart rate, as RL009 and RL010 say it: its minutes at ``fraction`` of
    maximum heart rate or above, and the minutes that make a session hard."""
    return f"{minutes:.0f} min at {fraction:.0%} of max HR or above, hard from {limit_min:g} min"
