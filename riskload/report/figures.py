"""The main figure: weekly load against the warnings, readable at any length.

Each panel is a function that draws on an optional matplotlib ``Axes`` and
returns it, so a notebook can put them in a figure of its own.
:func:`main_figure` stacks the recent :data:`PANEL_WEEKS` weeks in detail
(distance, climbing and rest, acute:chronic ratio) and, for a longer
history, puts an overview of every week above them.
"""

from __future__ import annotations

import io

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..rules import BY_CODE
from .diary import draw_pain_days
from .fonts import quiet_glyphs
from .severity import COLORS, RANK, codes_by_week, stands_out, worst_by_week
from .units import Units, units as as_units

BAR_DAYS = 6.0
#: Weeks the main figure shows in detail: half a year, each week wide enough for its code.
PANEL_WEEKS = 26
#: The acute:chronic band often called safe (Gabbett 2016); contested, drawn for orientation only.
ACWR_BAND = (0.8, 1.3)


def threshold(code: str, name: str) -> float:
    """A rule's default threshold, for a panel drawn without an analysis."""
    return BY_CODE[code].defaults()[name]


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


def _label_room(ax, span_days: float, fontsize: float, chars: int, upright: bool) -> float:
    """Days a code label needs on ``ax`` at ``fontsize``: its width if ``upright``, else its rotated height."""
    fig = ax.figure
    width_px = ax.get_position().width * fig.get_figwidth() * fig.dpi
    points = chars * fontsize * 0.62 if upright else fontsize * 1.3
    return span_days * (points * fig.dpi / 72) / max(width_px, 1.0)


def plot_weekly_distance(weekly: pd.DataFrame, flags: pd.DataFrame, *, ax=None, units: str | Units = "km",
                         limit_pct: float | None = None, min_previous_km: float | None = None, since=None):
    """Weekly running distance as bars coloured by the week's status (its headline flag).

    Each flagged week carries its headline code above the bar: upright where
    the weeks are wide enough, else turned on its side, and on long
    histories the labels of lesser weeks are thinned so that none overlap
    (the colour stays). A short dash on each bar marks last week's distance,
    taken as at least ``min_previous_km``, plus ``limit_pct`` (the weekly
    jump RL001 holds it to), so a jump shows as a bar above its dash; weeks
    of a break, with no running before or in them, get none. The unfinished
    week is hatched.

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
    min_previous_km : float, optional
        The least last week is taken as [km] (default: RL001's ``min_previous_km``).
    since : date, optional
        Draw the weeks from this one on (the first one's dash still comes
        from the week before it).

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    u = as_units(units)
    limit_pct = threshold("RL001", "limit_pct") if limit_pct is None else limit_pct
    floor_km = threshold("RL001", "min_previous_km") if min_previous_km is None else min_previous_km
    every = u.distance(weekly["distance_km"]).to_numpy(dtype=float)
    before = np.r_[np.nan, every[:-1]]
    judged = ~np.isnan(before) & ((before > 0) | (every > 0))
    every_allowed = np.where(judged, np.fmax(before, u.distance(floor_km)) * (1 + limit_pct / 100), np.nan)
    shown = np.ones(len(weekly), dtype=bool) if since is None else weekly.index >= pd.Timestamp(since)
    weekly, distance, allowed = weekly[shown], every[shown], every_allowed[shown]
    weeks = weekly.index
    x = _mid(weeks)
    worst = worst_by_week(flags, weeks)
    unfinished = ~weekly["complete"].to_numpy(dtype=bool)
    week_bars(ax, x, distance, [COLORS[s] for s in worst], hatched=unfinished)
    ax.hlines(allowed, x - BAR_DAYS / 2, x + BAR_DAYS / 2, colors="#222222", linewidths=1.2, zorder=3)

    top = np.nanmax(np.concatenate([distance, allowed, [1.0]]))
    codes = codes_by_week(flags).reindex(weeks)
    flagged = np.flatnonzero(codes.notna().to_numpy())
    span = max((weeks[-1] - weeks[0]).days + 7, 7)
    fontsize = 7.5 if len(weeks) <= 60 else 6.5
    upright = _label_room(ax, span, fontsize, 5, True) <= 7 * 0.95
    gap = _label_room(ax, span, fontsize, 5, upright)
    # headroom for a label over the tallest bar, so none reaches the legend above the axes
    height_px = ax.get_position().height * ax.figure.get_figheight() * ax.figure.dpi
    label_px = (fontsize * 1.3 if upright else 5 * fontsize * 0.62) * ax.figure.dpi / 72
    ax.set_ylim(0, top * 1.04 / max(1 - 1.4 * label_px / max(height_px, 1.0), 0.5))
    if len(flagged):
        keep = thin(x[flagged], worst.iloc[flagged].map(RANK).to_numpy(), gap)
        reach = np.fmax(distance, np.nan_to_num(allowed))
        for i in flagged[keep]:
            # above every bar the label's width covers, so it never sits on a neighbour
            y = reach[np.abs(x - x[i]) <= max(gap / 2, BAR_DAYS / 2)].max() + top * 0.02
            ax.text(x[i], y, codes.iloc[i][0], rotation=0 if upright else 90, ha="center", va="bottom",
                    fontsize=fontsize, color="#222222", parse_math=False, zorder=4)
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
    handles.append(Line2D([], [], color="#222222", lw=1.2,
                          label=f"last week (at least {u.format_distance(floor_km)}) + {limit_pct:g} %"))
    if unfinished.any():
        handles.append(Patch(facecolor="white", edgecolor="#555555", hatch="////", label="week in progress"))
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1), fontsize=8, ncols=len(handles),
              frameon=False, borderaxespad=0.2)
    return ax


def plot_overview(weekly: pd.DataFrame, flags: pd.DataFrame, *, ax=None, units: str | Units = "km",
                  detail_from=None):
    """Every week of the history at a glance: its distance, its breaks and the weeks that stood out.

    Bars are grey unless the week's status is a caution or worse, so the few
    weeks that stand out over the years show at once; a week with a warning
    or worse also gets a marker above it. ``detail_from`` shades the weeks
    drawn in detail below (:func:`main_figure`).

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax, (12, 2))
    u = as_units(units)
    x = _mid(weekly.index)
    distance = u.distance(weekly["distance_km"]).to_numpy(dtype=float)
    status = worst_by_week(flags, weekly.index)
    stood_out = stands_out(status).to_numpy()
    colours = np.where(stood_out, status.map(COLORS).to_numpy(dtype=object), COLORS["none"])
    week_bars(ax, x, distance, colours)
    top = max(np.nanmax(np.append(distance, 1.0)), 1.0)
    alarming = status.map(RANK).to_numpy() >= RANK["warning"]
    ax.scatter(x[alarming], np.full(alarming.sum(), top * 1.12), marker="v", s=18,
               color=[COLORS[s] for s in status[alarming]], zorder=3)
    ax.set_ylim(0, top * 1.25)
    handles = [Patch(color=COLORS["none"], label="quiet or information")]
    handles += [Patch(color=COLORS[s], label=s) for s in ("caution", "warning", "high") if (status == s).any()]
    if detail_from is not None:
        ax.axvspan(_mid(pd.DatetimeIndex([pd.Timestamp(detail_from)]))[0] - 3.5, x[-1] + 5, color="#eef3f8",
                   zorder=0)
        handles.append(Patch(color="#eef3f8", label="shown in detail below"))
    ax.set_ylabel(f"{u.name} per week")
    ax.grid(axis="y", color="#e5e5e5", zorder=0)
    ax.set_axisbelow(True)
    _date_axis(ax)
    ax.set_xlim(x[0] - 5, x[-1] + 5)
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1), fontsize=8, ncols=len(handles),
              frameon=False, borderaxespad=0.2)
    return ax


def plot_terrain_and_rest(weekly: pd.DataFrame, *, ax=None, units: str | Units = "km",
                          hilly_m_per_km: float | None = None):
    """Climbing per distance (line) and rest days (grey bars) per week.

    A week without a rest day is marked with a red triangle at the bottom.
    The climb scale follows the runner's own climbing, so a flat runner's
    weeks are not a line along the floor; the dotted "hilly week" threshold
    (default: RL002's ``ascent_per_km_limit`` [m/km]) is drawn when it is
    near that scale, and the legend names it either way.

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
    week_bars(rest, x, weekly["rest_days"], ["#e3e3e3"] * len(x), zorder=1)
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
    highest = np.nanmax(np.append(rate, 0.0))
    near = highest >= limit / 2
    if near:
        ax.axhline(limit, color="#7b4a12", ls=":", lw=1)
    # the legend sits in the top third: the scale leaves it room
    ax.set_ylim(0, max(highest, limit if near else 0.0, 1.0) * 1.5)
    ax.set_ylabel(f"climb {u.climb_rate}", color="#7b4a12")
    handles = [Line2D([], [], color="#7b4a12", marker="o", ms=3, label=f"climb {u.climb_rate}"),
               Line2D([], [], color="#7b4a12", ls=":" if near else "none",
                      label=f"hilly: {limit:g} {u.climb_rate}" + ("" if near else ", far above these weeks")),
               Patch(color="#e3e3e3", label="rest days")]
    if no_rest.any():
        handles.append(Line2D([], [], color=COLORS["warning"], marker="^", ls="", label="no rest day"))
    ax.legend(handles=handles, loc="upper left", fontsize=8, ncols=len(handles), framealpha=0.85, edgecolor="none")
    _date_axis(ax)
    return ax


def weekly_acwr(weekly: pd.DataFrame) -> pd.Series:
    """Each week's highest acute:chronic ratio (``acwr_max``), NaN for a week without running (no load to compare)."""
    return weekly["acwr_max"].where(weekly["distance_km"] > 0)


def plot_acwr(daily: pd.DataFrame, *, ax=None, info_above: float | None = None, weekly: pd.DataFrame | None = None):
    """The acute:chronic workload ratio, each week's highest, with its contested "safe" band.

    One point per week of ``weekly`` (its highest day, as RL014 and the
    table use it), so the line reads at any length; weeks without running
    are left out rather than drawn as a drop to 0. The daily ratio is the
    faint line behind. The dashed line is RL014's ``limit`` (default) or
    ``info_above``.

    Parameters
    ----------
    daily : DataFrame
        :attr:`riskload.Load.daily`.
    weekly : DataFrame, optional
        :attr:`riskload.Load.weekly` for the same weeks; without it only the
        daily line is drawn.

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax, (12, 2.5))
    info_above = threshold("RL014", "limit") if info_above is None else info_above
    days = pd.DatetimeIndex(daily.index)
    week_max = weekly_acwr(weekly) if weekly is not None else pd.Series(dtype=float)
    ran_lately = daily["distance_km"].rolling(7, min_periods=1).sum().to_numpy() > 0
    daily_ratio = np.where(ran_lately, daily["acwr"].to_numpy(dtype=float), np.nan)
    x = _mid(week_max.index)
    ratio = week_max.to_numpy(dtype=float)
    ax.axhspan(*ACWR_BAND, color="#e3f1e3", zorder=0)
    ax.axhline(info_above, color=COLORS["info"], ls="--", lw=1)
    ax.plot(mdates.date2num(days) + 0.5, daily_ratio, color="#bdbdbd", lw=0.7, zorder=1)
    ax.plot(x, ratio, color="#2b2b2b", lw=1.3, marker="o", ms=2.5, zorder=2)
    high = ratio > info_above
    ax.scatter(x[high], ratio[high], color=COLORS["info"], s=14, zorder=3)
    top = np.nanmax(np.append(ratio, info_above))
    ax.set_ylim(0, min(max(top * 1.5, 2.4), 5.0))
    ax.set_ylabel("acute : chronic")
    handles = [Line2D([], [], color="#2b2b2b", lw=1.3, marker="o", ms=2.5,
                      label="7-day vs 28-day load (EWMA), highest of the week"),
               Line2D([], [], color="#bdbdbd", lw=0.7, label="daily"),
               Patch(color="#e3f1e3", label=f"{ACWR_BAND[0]:g}-{ACWR_BAND[1]:g}, often called safe"),
               Line2D([], [], color=COLORS["info"], ls="--", label=f"{info_above:g}: for information; "
                      "the evidence is contested")]
    ax.legend(handles=handles, loc="upper left", fontsize=8, ncols=4, framealpha=0.85, edgecolor="none")
    _date_axis(ax)
    return ax


def figure_png(fig, dpi: int = 100) -> bytes:
    """``fig`` as PNG bytes; the figure is closed.

    zlib level 3 instead of Pillow's default 6 encodes a third faster, for
    files about 5 % larger.
    """
    buffer = io.BytesIO()
    with quiet_glyphs():
        fig.savefig(buffer, format="png", dpi=dpi, pil_kwargs={"compress_level": 3})
    plt.close(fig)
    return buffer.getvalue()


def main_figure(analysis, *, units: str | Units = "km", panel_weeks: int = PANEL_WEEKS) -> Figure:
    """The recent weeks in detail, under an overview of the whole history when it is longer.

    The detail panels (weekly distance with each week's headline code,
    climbing and rest days, acute:chronic ratio) show the last
    ``panel_weeks`` weeks, so each week stays wide enough to read at any
    history length; a history more than half as long again gets
    :func:`plot_overview` on top (a shorter one is drawn whole below). The
    orientation lines (weekly limit, hilly week, acute:chronic limit) use the
    thresholds the rules ran with. With a pain diary, its episodes are
    shaded and its pain days marked (:func:`~riskload.report.diary.draw_pain_days`).

    Parameters
    ----------
    analysis : riskload.Analysis
    units : {"km", "mi"}
    panel_weeks : int
        Weeks drawn in detail.

    Returns
    -------
    matplotlib Figure
    """
    weekly, daily, flags = analysis.load.weekly, analysis.load.daily, analysis.flags
    used = analysis.thresholds
    long = len(weekly) > panel_weeks * 3 // 2  # a few weeks more still read well in the detail panels
    since = weekly.index[-panel_weeks] if long else weekly.index[0]
    recent = weekly.loc[since:]
    # fixed margins [in] instead of a layout engine, which would draw the figure twice
    width, side, top_in, bottom_in, gap_in, overview_in, apart_in = 12.0, 0.8, 0.8, 0.45, 0.3, 1.8, 0.8
    height = 8.0 + (overview_in + apart_in if long else 0.0)
    fig = plt.figure(figsize=(width, height))
    grid = fig.add_gridspec(2 if long else 1, 1, left=side / width, right=1 - side / width,
                            top=1 - top_in / height, bottom=bottom_in / height,
                            height_ratios=(overview_in, 8.0 - top_in - bottom_in) if long else None,
                            hspace=apart_in / ((height - top_in - bottom_in - apart_in) / 2) if long else 0)
    detail_in = 8.0 - top_in - bottom_in - 2 * gap_in
    panels = grid[-1].subgridspec(3, 1, height_ratios=(3, 1.3, 1.3), hspace=gap_in / (detail_in / 3))
    axes = ([fig.add_subplot(grid[0])] if long else []) + [fig.add_subplot(panels[i]) for i in range(3)]
    if long:
        plot_overview(weekly, flags, ax=axes[0], units=units, detail_from=since)
        axes[0].set_title(f"All {len(weekly)} weeks", loc="right", fontsize=9, color="#555555")
    top, middle, bottom = axes[-3:]
    middle.sharex(top)
    bottom.sharex(top)
    plot_weekly_distance(weekly, flags, ax=top, units=units, limit_pct=used["RL001"]["limit_pct"],
                         min_previous_km=used["RL001"]["min_previous_km"], since=since)
    if long:
        top.set_title(f"The last {panel_weeks} weeks", loc="right", fontsize=9, color="#555555")
    plot_terrain_and_rest(recent, ax=middle, units=units,
                          hilly_m_per_km=used["RL002"]["ascent_per_km_limit"])
    plot_acwr(daily.loc[since:], ax=bottom, info_above=used["RL014"]["limit"], weekly=recent)
    for ax in (top, middle):
        ax.tick_params(labelbottom=False)
    bottom.set_xlim(_mid(recent.index[:1])[0] - 5, _mid(recent.index[-1:])[0] + 5)
    pain = getattr(analysis, "pain", None)
    for ax in axes:
        draw_pain_days(ax, pain, markers=ax is top or ax is axes[0], label=ax is top)
    fig.suptitle(analysis.athlete, x=0.01, ha="left", fontsize=13, fontweight="bold")
    return fig
