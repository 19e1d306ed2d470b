"""The pain diary in the report: pain days on the figures, the episodes, the back-test, the red flags."""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.transforms as mtransforms
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from ..pain import MIN_EPISODES, MIN_FIRED_WEEKS
from ..wording import and_listed
from .units import Units

PAIN_COLOR = "#7b3f9e"
EPISODE_SHADE = "#efe3f6"

#: What the back-test can and cannot show, for every place that shows it.
BACKTEST_CAVEAT = (
    "This counts, for your own history, how often a pain episode began in the weeks after a rule fired, and "
    "how often after your other weeks. It cannot show that the training caused the pain: pain has many "
    "causes a watch never sees, one runner has few episodes, and a rule that fires in busy weeks may only "
    "stand for being busy. A ratio well above 1 over many episodes is a pattern worth raising with a coach "
    f"or a physiotherapist; with fewer than {MIN_EPISODES} episodes, or a rule that fired in fewer than "
    f"{MIN_FIRED_WEEKS} weeks, riskload gives the counts and no ratio.")

LANGUAGE_NOTE = ("The diary's notes are searched for these signs in English only; a note in another language "
                 "is not read, so whatever its language, numbness, tingling, leg weakness, pain spreading below "
                 "the knee or into the feet, or bladder or bowel changes need a doctor promptly.")


def red_flag_notice(pain) -> str | None:
    """The sentence that goes at the top of every output when a diary note names a red-flag sign, else None."""
    if pain is None or pain.red_flags.empty:
        return None
    signs = list(dict.fromkeys(pain.red_flags["sign"]))
    days = sorted(set(pd.DatetimeIndex(pain.red_flags["date"]).strftime("%d %b %Y")),
                  key=lambda d: pd.Timestamp(d))
    return (f"See a doctor promptly: your pain diary mentions {and_listed(signs)} ({', '.join(days)}). With back "
            "pain these can mean a nerve is involved; they need a medical examination, not a training plan.")


def draw_pain_days(ax, pain, *, shade: bool = True, markers: bool = True, label: bool = True) -> None:
    """Mark the diary on a date axis: each episode shaded, each pain day a triangle sized by its intensity.

    The triangles sit along the top of ``ax`` whatever its y scale; only
    what falls within the axis's current x-limits is drawn. ``label`` adds a
    handle to the axis's legend.
    """
    if pain is None or pain.episodes.empty:
        return
    low, high = ax.get_xlim()
    if shade:
        for first, last in zip(pain.episodes["first_day"], pain.episodes["last_day"]):
            ax.axvspan(mdates.date2num(first), mdates.date2num(last) + 1, color=EPISODE_SHADE, zorder=0.5,
                       lw=0)
    days = pain.diary.pain_days
    x = mdates.date2num(pd.DatetimeIndex(days["date"])) + 0.5
    inside = (x >= low) & (x <= high)
    if markers and inside.any():
        across = mtransforms.blended_transform_factory(ax.transData, ax.transAxes)
        ax.scatter(x[inside], np.full(inside.sum(), 0.985), transform=across, marker="v", clip_on=False,
                   s=6 + 5 * days["intensity"].to_numpy(dtype=float)[inside], color=PAIN_COLOR, zorder=5,
                   edgecolors="white", linewidths=0.3)
    ax.set_xlim(low, high)
    legend = ax.get_legend()
    if label and legend is not None:
        handles = list(legend.legend_handles)
        handles.append(Line2D([], [], color=PAIN_COLOR, marker="v", lw=0, markersize=6,
                              label="pain day (diary; size: intensity), episode shaded"))
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1), fontsize=8, ncols=len(handles),
                  frameon=False, borderaxespad=0.2)


def episode_summary(pain, number: int, u: Units) -> tuple[str, str]:
    """(the flags before episode ``number``, the load figures that changed most) as plain text."""
    flags = pain.before.get(number)
    flagged = "none" if flags is None or flags.empty else "; ".join(
        f"{c} {s} ({pd.Timestamp(d):%d %b})" for c, s, d in zip(flags["code"], flags["severity"], flags["date"]))
    load = pain.load_before.get(number)
    changed = []
    if load is not None:
        for row in load.itertuples():
            if row.change_pct == row.change_pct and abs(row.change_pct) >= 20:
                before, usual = _amount(row.before, row.unit, u), _amount(row.usual, row.unit, u)
                changed.append(f"{row.figure} {before} against a usual {usual} ({row.change_pct:+.0f} %)")
    return flagged, "; ".join(changed) or "nothing changed by a fifth or more"


def _amount(value: float, unit: str, u: Units) -> str:
    """A load figure in the report's units (distance and climb; minutes and counts as they are)."""
    if unit == "km":
        return u.format_distance(value)
    if unit == "m":
        return u.format_climb(value)
    return f"{value:.0f} {unit}".strip()


def pain_tables(pain) -> dict[str, pd.DataFrame]:
    """The diary's tables for CSV and JSON: ``pain_episodes`` (with the flags before each) and ``pain_backtest``."""
    if pain is None:
        return {}
    episodes = pain.episodes.copy()
    episodes["flags_before"] = [[f"{c}:{pd.Timestamp(d):%Y-%m-%d}" for c, d in zip(f["code"], f["date"])]
                                for f in (pain.before[n] for n in episodes["episode"])]
    return {"pain_episodes": episodes, "pain_backtest": pain.backtest.reset_index(drop=True)}
