"""One week up close: each day's runs, the rest days, and the week's flags."""

from __future__ import annotations

import hashlib
import textwrap
from dataclasses import dataclass, field

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..safetext import printable
from ..wording import counted
from .diary import PAIN_COLOR
from .severity import COLORS, in_week, worst, worst_first
from .units import Units, units as as_units

def week_flags(flags: pd.DataFrame, week) -> pd.DataFrame:
    """The flags of the week starting ``week``, worst first."""
    return worst_first(in_week(flags, week), "date", "code")


@dataclass
class WeekData:
    """Everything the day-by-day view of one week draws, and nothing else.

    Attributes
    ----------
    start : Timestamp
        The week's first day.
    runs : DataFrame
        The week's runs in start order (:data:`RUN_COLUMNS`).
    strength_days : DataFrame
        ``local_date`` of each strength session in the week.
    flags : DataFrame
        The week's flags, worst first (:data:`FLAG_COLUMNS`).
    pain_days : DataFrame
        The week's pain-diary days (:data:`PAIN_COLUMNS`), empty without a diary.
    """

    start: pd.Timestamp
    runs: pd.DataFrame
    strength_days: pd.DataFrame
    flags: pd.DataFrame
    pain_days: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PAIN_COLUMNS))

    def digest(self, drawing: str) -> str:
        """A key for the figure of this week drawn as ``drawing`` says (the units, the drawing code's
        digest): equal keys draw equal figures."""
        parts = [str(self.start), drawing, matplotlib.__version__]
        parts += [frame.to_json(orient="split", date_format="iso", date_unit="ns", default_handler=str)
                  for frame in (self.runs, self.strength_days, self.flags, self.pain_days)]
        return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


#: Columns of the runs and flags the week view draws from.
RUN_COLUMNS = ["activity_id", "local_date", "start_time", "start_time_local", "distance_km", "name"]
FLAG_COLUMNS = ["date", "period", "code", "severity", "evidence", "message", "activity_ids"]
PAIN_COLUMNS = ["date", "area", "intensity"]


def week_data(load, flags: pd.DataFrame, week, pain=None) -> WeekData:
    """The slice of ``load``, ``flags`` and the ``pain`` diary (:class:`riskload.pain.PainReport`)
    that the view of the week starting ``week`` draws."""
    start = pd.Timestamp(week)
    end = start + pd.Timedelta(days=6)
    runs = load.runs[load.runs["local_date"].between(start, end)].sort_values("start_time")[RUN_COLUMNS]
    acts = load.activities
    strength = acts.loc[(acts["sport"] == "strength") & acts["local_date"].between(start, end), ["local_date"]]
    pain_days = pd.DataFrame(columns=PAIN_COLUMNS)
    if pain is not None:
        days = pain.diary.pain_days
        pain_days = days.loc[days["date"].between(start, end), PAIN_COLUMNS]
    return WeekData(start, runs.reset_index(drop=True), strength.reset_index(drop=True),
                    week_flags(flags, start)[FLAG_COLUMNS].reset_index(drop=True), pain_days.reset_index(drop=True))


def run_severity(flags: pd.DataFrame) -> dict[str, str]:
    """The worst severity of the flags naming each activity id."""
    found: dict[str, list[str]] = {}
    for severity, ids in zip(flags["severity"], flags["activity_ids"]):
        for aid in ids if isinstance(ids, list) else []:
            found.setdefault(aid, []).append(severity)
    return {aid: worst(severities) for aid, severities in found.items()}


def plot_week(load, flags: pd.DataFrame, week, *, ax=None, units: str | Units = "km", pain=None):
    """The days of one week: a bar per run, stacked on its day, coloured by its worst flag.

    Each run is labelled with its distance and start time; days without a
    run say "rest", strength sessions are noted under their day, flags
    dated on a day carry their codes above it, those on the whole week
    (which colour every run they name) are named in the title, and a
    pain-diary day its area and intensity at the top.

    Parameters
    ----------
    load : riskload.Load
    flags : DataFrame
    week : date
        The first day of the week (as in ``load.weekly.index``).
    ax : matplotlib Axes, optional
    units : {"km", "mi"}
    pain : riskload.pain.PainReport, optional
        The pain diary (:attr:`riskload.Analysis.pain`).

    Returns
    -------
    matplotlib Axes
    """
    return draw_week(week_data(load, flags, week, pain), ax=ax, units=units)


def draw_week(data: WeekData, *, ax=None, units: str | Units = "km"):
    """:func:`plot_week` from the week's slice (:func:`week_data`)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4), layout="constrained")
    u = as_units(units)
    start, runs, this_week = data.start, data.runs, data.flags
    days = pd.date_range(start, periods=7, freq="D")
    colour_of = run_severity(this_week)
    height = np.zeros(7)
    for _, run in runs.iterrows():
        i = (run["local_date"] - start).days
        km = u.distance(run["distance_km"])
        ax.bar(i, km, bottom=height[i], width=0.7, color=COLORS[colour_of.get(run["activity_id"], "none")],
               edgecolor="white", linewidth=1)
        label = f"{km:.1f} {u.name}\n{pd.Timestamp(run['start_time_local']):%H:%M}"
        if isinstance(run["name"], str) and run["name"].strip():
            label += "\n" + textwrap.shorten(printable(run["name"]), 18, placeholder="...")
        ax.text(i, height[i] + km / 2, label, ha="center", va="center", fontsize=8, parse_math=False)
        height[i] += km
    top = max(height.max(), 1.0)
    strength = data.strength_days
    for i in range(7):
        if height[i] == 0:
            ax.text(i, top * 0.03, "rest", ha="center", va="bottom", fontsize=9, color="#777777")
    for i in sorted({(d - start).days for d in strength["local_date"]}):
        ax.text(i, -top * 0.1, "strength", ha="center", va="top", fontsize=8, color="#4a6b3a")
    dated = this_week[this_week["period"] != "week"]
    for day, group in dated.groupby("date"):
        i = (pd.Timestamp(day) - start).days
        ax.text(i, height[i] + top * 0.03, " ".join(dict.fromkeys(group["code"])), ha="center", va="bottom",
                fontsize=8, fontweight="bold", parse_math=False)
    for day, group in data.pain_days.groupby("date"):
        i = (pd.Timestamp(day) - start).days
        text = "\n".join(f"{printable(area) or 'pain'} {intensity:g}/10"
                         for area, intensity in zip(group["area"], group["intensity"]))
        ax.text(i, 0.995, text, transform=ax.get_xaxis_transform(), ha="center", va="top", fontsize=8,
                color=PAIN_COLOR, fontweight="bold", parse_math=False)
    for i, day in enumerate(days):
        ax.text(i, -0.03, f"{day:%a}\n{day:%d %b}", transform=ax.get_xaxis_transform(), ha="center", va="top",
                fontsize=10)
    ax.set_xticks([])
    ax.set_xlim(-0.6, 6.6)
    ax.set_ylim(-top * 0.2, top * (1.35 if len(data.pain_days) else 1.25))
    ax.axhline(0, color="#999999", lw=0.8)
    # each bar carries its distance, so the figure needs no y axis
    ax.set_yticks([])
    ax.spines[:].set_visible(False)
    total = u.distance(runs["distance_km"].sum())
    rest = int((height == 0).sum())
    title = f"Week of {start:%a %d %b %Y}: {total:.1f} {u.name} in {counted(len(runs), 'run')}, " \
            f"{counted(rest, 'rest day')}"
    if whole := " ".join(dict.fromkeys(this_week.loc[this_week["period"] == "week", "code"])):
        title += ("\n" if len(title) + len(whole) > 75 else "; ") + f"flagged as a whole: {whole}"
    ax.set_title(title, loc="left", fontsize=11, y=1.0)
    return ax


def week_figure(load, flags: pd.DataFrame, week, *, units: str | Units = "km", pain=None) -> Figure:
    """:func:`plot_week` with the week's flag messages written beneath it."""
    return draw_week_figure(week_data(load, flags, week, pain), units=units)


def draw_week_figure(data: WeekData, *, units: str | Units = "km") -> Figure:
    """:func:`week_figure` from the week's slice (:func:`week_data`)."""
    listed = data.flags
    lines = []
    for _, flag in listed.iterrows():
        text = printable(f"{flag['severity'].upper()} {flag['code']} ({flag['evidence']} evidence): {flag['message']}")
        lines.extend(textwrap.wrap(text, 120, subsequent_indent="    "))
    lines = lines or ["No flags this week."]
    # fixed margins [in] instead of a layout engine, which would double the drawing time
    width, plot, left, right, top, bottom = 10.0, 4.0, 0.75, 0.25, 0.4, 0.55
    text_height = 0.15 * len(lines) + 0.25
    height = plot + text_height
    fig = plt.figure(figsize=(width, height))
    ax = fig.add_axes((left / width, (text_height + bottom) / height, 1 - (left + right) / width,
                       (plot - top - bottom) / height))
    draw_week(data, ax=ax, units=units)
    fig.text(0.15 / width, (text_height - 0.1) / height, "\n".join(lines), va="top", ha="left", fontsize=8.5,
             family="monospace", parse_math=False)
    return fig
