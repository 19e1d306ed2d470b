"""Severity as colour and rank, and the worst flag of each week."""

from __future__ import annotations

import pandas as pd

from ..rules import SEVERITIES

#: Bar colours, light to dark so that they also read in grey and to most
#: colour-blind eyes. "none" is a week without flags.
COLORS = {"none": "#b7c2cc", "info": "#74a9cf", "caution": "#f0b429", "warning": "#e4572e", "high": "#8e0c16"}
LEVELS = ("none",) + SEVERITIES
RANK = {name: rank for rank, name in enumerate(LEVELS)}


def worst(severities) -> str:
    """The worst of ``severities`` ("none" when there are none)."""
    return max(severities, key=RANK.__getitem__, default="none")


def in_week(flags: pd.DataFrame, week) -> pd.DataFrame:
    """The flags of the week starting ``week``."""
    return flags[pd.DatetimeIndex(flags["week_start"]) == pd.Timestamp(week)]


def worst_first(flags: pd.DataFrame, *then: str) -> pd.DataFrame:
    """``flags`` sorted worst severity first, then by the columns ``then``."""
    ranked = flags.assign(rank=flags["severity"].map(RANK))
    return ranked.sort_values(["rank", *then], ascending=[False] + [True] * len(then)).drop(columns="rank")


def worst_by_week(flags: pd.DataFrame, weeks: pd.Index) -> pd.Series:
    """The worst severity flagged in each of ``weeks`` ("none" for a quiet week)."""
    if flags.empty:
        return pd.Series("none", index=weeks)
    ranks = flags["severity"].map(RANK).groupby(pd.DatetimeIndex(flags["week_start"])).max()
    return ranks.reindex(weeks, fill_value=0).map(dict(enumerate(LEVELS)))


def codes_by_week(flags: pd.DataFrame) -> pd.Series:
    """The distinct codes flagged in each week, worst first (a list per week)."""
    if flags.empty:
        return pd.Series(dtype=object)
    ordered = worst_first(flags, "code")
    return ordered.groupby(pd.DatetimeIndex(ordered["week_start"]), sort=True)["code"].agg(
        lambda codes: list(dict.fromkeys(codes)))
