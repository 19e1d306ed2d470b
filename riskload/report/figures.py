"""The main figure: weekly load over the whole history, against the warnings.

Each panel is a function that draws on an optional matplotlib ``Axes`` and
returns it, so a notebook can put them in a figure of its own.
:func:`main_figure` stacks the three.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..rules import BY_CODE, rule_options
from .severity import COLORS, RANK, codes_by_week, worst_by_week
from .units import Units, units as as_units

BAR_DAYS = 6.0
#: The acute:chronic band often called safe (Gabbett 2016); contested, drawn for orientation only.
ACWR_BAND = (0.8, 1.3)


def threshold(code: str, name: str, options: dict | None = None) -> float:
    """A rule's threshold: from ``options`` (the settings' rule options) or the rule's default."""
    return (options or {}).get(code, {}).get(name, BY_CODE[code].defaults()[name])


def _axes(ax, size=(12, 4)):
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def week_bars(ax, x: np.ndarray, heights, colors, *, hatched=None, zorder: float = 2) -> PolyCollection:
    """Bars :data:`BAR_DAYS` wide centred on ``x``, drawn as one collection.

    ``Axes.bar`` makes one artist per bar, which costs a third of a second
    per panel on ten years of weeks; a collection draws them all at once.
    Bars marked in ``hatched`` (the week in progress) are drawn apart, as
    ordinary hatched patches.

    Returns
    -------
    PolyCollection
        The plain bars (gid ``"week-bars"``).
    """
    heights = np.nan_to_num(np.asarray(heights, dtype=float))
    colors = np.asarray(colors, dtype=object)
    hatched = np.zeros(len(x), dtype=bool) if hatched is None else np.asarray(hatched, dtype=bool)
    left, right, base = x - BAR_DAYS / 2, x + BAR_DAYS / 2, np.zeros(len(x))
    corners = np.stack([np.c_[left, base], np.c_[left, heights], np.c_[right, heights], np.c_[right, base]], axis=1)
    bars = PolyCollection(corners[~hatched], facecolors=list(colors[~hatched]), edgecolors="none", zorder=zorder,
                          gid="week-bars")
    ax.add_collection(bars)
    for i in np.flatnonzero(hatched):
        ax.bar(x[i], heights[i], width=BAR_DAYS, color=colors[i], hatch="////", edgecolor="#555555", alpha=0.75,
               zorder=zorder)
    ax.autoscale_view()
    return bars


def _mid(weeks: pd.Index) -> np.ndarray:
    """Matplotlib date numbers of the middle of each week's bar."""
    return mdates.date2num(pd.DatetimeIndex(weeks) + pd.Timedelta(days=3))


def _date_axis(ax) -> None:
    locator = mdates.AutoDateLocator(minticks=4, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def thin(positions: np.ndarray, priority: np.ndarray, min_gap: float) -> np.ndarray:
    """Which labels to keep so that no two kept ones are closer than ``min_gap``.

    Labels are taken greedily by ``priority`` (highest first, later position
    on ties), so an important label is never dropped for a minor one.

    Returns
    -------
    ndarray of bool
        One entry per position.
    """
    order = np.lexsort((-positions, -priority))
    kept: list[float] = []
    keep = np.zeros(len(positions), dtype=bool)
    for i in order:
        if all(abs(positions[i] - k) >= min_gap for k in kept):
            kept.append(positions[i])
            keep[i] = True
    return keep


def _label_gap(ax, span_days: float, fontsize: float) -> float:
    """Days one vertical label needs on ``ax`` at ``fontsize``."""
    fig = ax.figure
    width_px = ax.get_position().width * fig.get_figwidth() * fig.dpi
    return span_days * (fontsize * fig.dpi / 72 * 1.3) / max(width_px, 1.0)


def plot_weekly_distance(weekly: pd.DataFrame, flags: pd.DataFrame, *, ax=None, units: str | Units = "km",
                         limit_pct: float | None = None):
    """Weekly running distance as bars coloured by the week's worst flag.

    Flagged weeks carry their rule codes above the bar (worst first; on long
    histories the labels of lesser weeks are thinned so that none overlap,
    the colour stays). A short dash on each bar marks last week's distance
    plus ``limit_pct`` (the weekly-increase guideline, RL001), so a jump
    shows as a bar above its dash. The unfinished week is hatched.

    Parameters
    ----------
    weekly : DataFrame
        :attr:`riskload.Load.weekly`.
    flags : DataFrame
        :attr:`riskload.Analysis.flags`.
    ax : matplotlib Axes, optional
    units : {"km", "mi"}
    limit_pct : float, optional
        The allowed weekly rise [%] drawn as the dash (default: RL001's ``limit_pct``).

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    u = as_units(units)
    limit_pct = threshold("RL001", "limit_pct") if limit_pct is None else limit_pct
    weeks = weekly.index
    x = _mid(weeks)
    distance = u.distance(weekly["distance_km"]).to_numpy(dtype=float)
    worst = worst_by_week(flags, weeks)
    unfinished = ~weekly["complete"].to_numpy(dtype=bool)
    week_bars(ax, x, distance, [COLORS[s] for s in worst], hatched=unfinished)

    allowed = np.roll(distance, 1) * (1 + limit_pct / 100)
    allowed[0] = np.nan
    allowed[np.roll(distance, 1) <= 0] = np.nan
    ax.hlines(allowed, x - BAR_DAYS / 2, x + BAR_DAYS / 2, colors="#222222", linewidths=1.2, zorder=3)

    top = np.nanmax(np.concatenate([distance, allowed, [1.0]]))
    ax.set_ylim(0, top * 1.3)
    codes = codes_by_week(flags).reindex(weeks)
    flagged = np.flatnonzero(codes.notna().to_numpy())
    if len(flagged):
        fontsize = 7.5 if len(weeks) <= 60 else 6.5
        span = max((weeks[-1] - weeks[0]).days + 7, 7)
        gap = _label_gap(ax, span, fontsize)
        keep = thin(x[flagged], worst.iloc[flagged].map(RANK).to_numpy(), gap)
        reach = np.fmax(distance, np.nan_to_num(allowed))
        for i in flagged[keep]:
            # above every bar the label's width covers, so it never sits on a neighbour
            y = reach[np.abs(x - x[i]) <= max(gap / 2, BAR_DAYS / 2)].max() + top * 0.02
            ax.text(x[i], y, codes.iloc[i][0], rotation=90, ha="center", va="bottom", fontsize=fontsize,
                    color="#222222", parse_math=False, zorder=4)
    for i in np.flatnonzero(unfinished):
        ax.text(x[i], top * 0.02, "so far" if distance[i] > 0 else "this week", rotation=90, ha="center",
                va="bottom", fontsize=7, color="#555555", zorder=4)
    ax.set_ylabel(f"running {u.name} per week")
    ax.grid(axis="y", color="#e5e5e5", zorder=0)
    ax.set_axisbelow(True)
    _date_axis(ax)
    ax.set_xlim(x[0] - 5, x[-1] + 5)

    present = [s for s in ("info", "caution", "warning", "high") if (worst == s).any()]
    handles = [Patch(color=COLORS["none"], label="no flag")] + [Patch(color=COLORS[s], label=s) for s in present]
    handles.append(Line2D([], [], color="#222222", lw=1.2, label=f"last week + {limit_pct:g} %"))
    if unfinished.any():
        handles.append(Patch(facecolor="white", edgecolor="#555555", hatch="////", label="week in progress"))
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1), fontsize=8, ncols=len(handles),
              frameon=False, borderaxespad=0.2)
    return ax


def plot_terrain_and_rest(weekly: pd.DataFrame, *, ax=None, units: str | Units = "km",
                          hilly_m_per_km: float | None = None):
    """Climbing per distance (line) and rest days (grey bars) per week.

    A week without a rest day is marked with a red triangle at the bottom;
    the dotted line is the "hilly week" threshold (default: RL002's
    ``ascent_per_km_limit`` [m/km]).

    Returns
    -------
    matplotlib Axes
        The climb axis; the rest-day axis is its twin.
    """
    ax = _axes(ax, (12, 2.5))
    u = as_units(units)
    hilly_m_per_km = threshold("RL002", "ascent_per_km_limit") if hilly_m_per_km is None else hilly_m_per_km
    x = _mid(weekly.index)
    rest = ax.twinx()
    week_bars(rest, x, weekly["rest_days"], ["#d9d9d9"] * len(x), zorder=1)
    no_rest = weekly["rest_days"].to_numpy() == 0
    rest.scatter(x[no_rest], np.full(no_rest.sum(), 0.35), marker="^", color=COLORS["warning"], s=22, zorder=3,
                 label="no rest day")
    rest.set_ylim(0, 7.5)
    rest.set_yticks([0, 2, 4, 7])
    rest.set_ylabel("rest days", color="#777777")
    ax.set_zorder(rest.get_zorder() + 1)
    ax.patch.set_visible(False)

    ran = weekly["distance_km"].to_numpy(dtype=float) > 0
    rate = np.where(ran, weekly["ascent_m_per_km"].to_numpy(dtype=float) * u.climb_rate_per_m_per_km, np.nan)
    ax.plot(x, rate, color="#7b4a12", marker="o", ms=3, lw=1.4, label=f"climb {u.climb_rate}")
    limit = hilly_m_per_km * u.climb_rate_per_m_per_km
    ax.axhline(limit, color="#7b4a12", ls=":", lw=1)
    ax.set_ylim(0, max(np.nanmax(np.append(rate, 0.0)), limit) * 1.2)
    ax.set_ylabel(f"climb {u.climb_rate}", color="#7b4a12")
    handles = [Line2D([], [], color="#7b4a12", marker="o", ms=3, label=f"climb {u.climb_rate}"),
               Line2D([], [], color="#7b4a12", ls=":", label=f"hilly: {limit:g} {u.climb_rate}"),
               Patch(color="#d9d9d9", label="rest days")]
    if no_rest.any():
        handles.append(Line2D([], [], color=COLORS["warning"], marker="^", ls="", label="no rest day"))
    ax.legend(handles=handles, loc="upper left", fontsize=8, ncols=len(handles), frameon=False)
    _date_axis(ax)
    return ax


def plot_acwr(daily: pd.DataFrame, *, ax=None, info_above: float | None = None):
    """The acute:chronic workload ratio per day, with its contested "safe" band.

    The dashed line is RL014's ``limit`` (default) or ``info_above``.

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax, (12, 2.5))
    info_above = threshold("RL014", "limit") if info_above is None else info_above
    x = mdates.date2num(pd.DatetimeIndex(daily.index))
    ratio = daily["acwr"].to_numpy(dtype=float)
    ax.axhspan(*ACWR_BAND, color="#e3f1e3", zorder=0)
    ax.axhline(info_above, color=COLORS["info"], ls="--", lw=1)
    ax.plot(x, ratio, color="#2b2b2b", lw=1.2)
    high = ratio > info_above
    ax.scatter(x[high], ratio[high], color=COLORS["info"], s=8, zorder=3)
    top = np.nanmax(np.append(ratio, info_above))
    ax.set_ylim(0, min(max(top * 1.15, 2.0), 4.0))
    ax.set_ylabel("acute : chronic")
    handles = [Line2D([], [], color="#2b2b2b", lw=1.2, label="7-day vs 28-day load (EWMA)"),
               Patch(color="#e3f1e3", label=f"{ACWR_BAND[0]:g}-{ACWR_BAND[1]:g}, often called safe"),
               Line2D([], [], color=COLORS["info"], ls="--", label=f"{info_above:g}: shown for information; "
                      "the evidence is contested")]
    ax.legend(handles=handles, loc="upper left", fontsize=8, ncols=3, frameon=False)
    _date_axis(ax)
    return ax


def main_figure(analysis, *, units: str | Units = "km") -> Figure:
    """The three panels of an analysis stacked on one time axis.

    The orientation lines (weekly limit, hilly week, acute:chronic limit)
    use the thresholds the rules ran with.

    Parameters
    ----------
    analysis : riskload.Analysis
    units : {"km", "mi"}

    Returns
    -------
    matplotlib Figure
    """
    weekly, daily, flags = analysis.load.weekly, analysis.load.daily, analysis.flags
    options = rule_options(analysis.settings)
    # fixed margins [in] instead of a layout engine, which would draw the figure twice
    width, height, side, top_in, bottom_in, gap_in = 12.0, 8.0, 0.8, 0.8, 0.45, 0.15
    fig, (top, middle, bottom) = plt.subplots(
        3, 1, figsize=(width, height), sharex=True, height_ratios=(3, 1.3, 1.3),
        gridspec_kw={"left": side / width, "right": 1 - side / width, "top": 1 - top_in / height,
                     "bottom": bottom_in / height,
                     "hspace": gap_in / ((height - top_in - bottom_in - 2 * gap_in) / 3)})
    plot_weekly_distance(weekly, flags, ax=top, units=units, limit_pct=threshold("RL001", "limit_pct", options))
    plot_terrain_and_rest(weekly, ax=middle, units=units,
                          hilly_m_per_km=threshold("RL002", "ascent_per_km_limit", options))
    plot_acwr(daily, ax=bottom, info_above=threshold("RL014", "limit", options))
    bottom.set_xlim(_mid(weekly.index[:1])[0] - 5, _mid(weekly.index[-1:])[0] + 5)
    fig.suptitle(analysis.athlete, x=0.01, ha="left", fontsize=13, fontweight="bold")
    return fig
