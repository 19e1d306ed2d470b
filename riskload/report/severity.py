"""Severity as colour and rank, and the worst flag of each week."""

from __future__ import annotations

import pandas as pd

from ..rules import EVIDENCE_LEVELS, SEVERITIES

#: Bar colours, light to dark so that they also read in grey and to most
#: colour-blind eyes. "none" is a week without flags.
COLORS = {"none": "#b7c2cc", "info": "#74a9cf", "caution": "#f0b429", "warning": "#e4572e", "high": "#8e0c16"}
LEVELS = ("none",) + SEVERITIES
RANK = {name: rank for rank, name in enumerate(LEVELS)}


#: The least severity that makes a week stand out: its bar coloured on the overview, its line at the top of the
#: page and its day-by-day figure. A week whose flags are all information does not.
STANDS_OUT = "caution"


def stands_out(severities: pd.Series) -> pd.Series:
    """Whether each of ``severities`` (a flag's, or a week's status) is :data:`STANDS_OUT` or worse."""
    return severities.map(RANK) >= RANK[STANDS_OUT]


def worst(severities) -> str:
    """The worst of ``severities`` ("none" when there are none)."""
    return max(severities, key=RANK.__getitem__, default="none")


def in_week(flags: pd.DataFrame, week) -> pd.DataFrame:
    """The flags of the week starting ``week``."""
    return flags[pd.DatetimeIndex(flags["week_start"]) == pd.Timestamp(week)]


#: Evidence levels, best first: among flags of one severity, the best-supported one heads its week.
EVIDENCE_ORDER = {level: rank for rank, level in enumerate(EVIDENCE_LEVELS)}


def worst_first(flags: pd.DataFrame, *then: str) -> pd.DataFrame:
    """``flags`` in the order that matters: worst severity first, then best evidence, then the worst the rule
    found by its own measure (a heuristic caution far past its threshold before one that is a caution only
    because other rules raised one the same week), then the columns ``then``.

    The first flag of a week in this order is its headline (:func:`headlines`).
    """
    ranked = flags.assign(rank=flags["severity"].map(RANK), proof=flags["evidence"].map(EVIDENCE_ORDER),
                          own=flags["rule_severity"].map(RANK))
    return ranked.sort_values(["rank", "proof", "own", *then], ascending=[False, True, False] + [True] * len(then)
                              ).drop(columns=["rank", "proof", "own"])


def headlines(flags: pd.DataFrame) -> pd.DataFrame:
    """One flag per week: the one that matters most (worst severity, then best evidence), indexed by week.

    Its severity is the week's status: the colour of its bar, its row in the
    terminal table and on the page. Every flag stays in the flags table.
    """
    if flags.empty:
        return flags.set_index(pd.DatetimeIndex([], name="week_start"))
    ordered = worst_first(flags, "date", "code")
    first = ordered.groupby(pd.DatetimeIndex(ordered["week_start"]), sort=True).head(1)
    return first.set_index(pd.DatetimeIndex(first["week_start"], name="week_start"))


def worst_by_week(flags: pd.DataFrame, weeks: pd.Index) -> pd.Series:
    """Each of ``weeks``' status: its headline's severity, the worst flagged ("none" for a quiet week)."""
    if flags.empty:
        return pd.Series("none", index=weeks)
    return headlines(flags)["severity"].reindex(weeks, fill_value="none")


def codes_by_week(flags: pd.DataFrame) -> pd.Series:
    """The distinct codes flagged in each week, the headline first (a list per week)."""
    if flags.empty:
        return pd.Series(dtype=object)
    ordered = worst_first(flags, "date", "code")
    return ordered.groupby(pd.DatetimeIndex(ordered["week_start"]), sort=True)["code"].agg(
        lambda codes: list(dict.fromkeys(codes)))
