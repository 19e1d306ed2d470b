"""The words and the compact table a person reads first."""

from __future__ import annotations

import pandas as pd

from ..load import names_no_sport
from ..rules import BY_CODE
from ..safetext import printable
from ..wording import counted
from .severity import RANK, codes_by_week, headlines, in_week, worst_by_week
from .units import Units, units as as_units


def week_label(week) -> str:
    """``Mon 24 Aug 2026``."""
    return f"{pd.Timestamp(week):%a %d %b %Y}"


def _flag_phrase(flags: pd.DataFrame) -> str:
    if flags.empty:
        return "no flags"
    top = headlines(flags).iloc[0]
    named = f"{BY_CODE[top['code']].title} ({top['code']})"
    count = counted(len(flags), "flag")
    return f"{count}, the worst {'an' if top['severity'][0] in 'aeiou' else 'a'} {top['severity']}: {named}"


def flag_tally(flags: pd.DataFrame) -> str:
    """``"1 warning, 4 caution, 3 info"``: flags per severity, worst first ("" when none)."""
    counts = flags["severity"].value_counts()
    return ", ".join(f"{counts[s]} {s}" for s in sorted(counts.index, key=RANK.get, reverse=True))


def skipped_heading(export) -> str:
    """``2 files skipped``, ``2 activities listed without a file`` (Strava's entries by hand), or both, joined by
    ", and"; empty when nothing was skipped."""
    files, listed = export.skipped_tally()
    return ", and ".join(([f"{counted(files, 'file')} skipped"] if files else [])
                         + ([f"{counted(listed, 'activity', 'activities')} listed without a file"] if listed else []))


def shown_volume(analysis, *, units: str | Units = "km") -> str:
    """The runs and distance of the weeks shown ("16 runs, 113.0 km"): with :func:`~riskload.report.since`, only
    theirs, though the rules measured the whole history."""
    weekly, u = analysis.load.weekly, as_units(units)
    return f"{counted(int(weekly['runs'].sum()), 'run')}, {u.format_distance(weekly['distance_km'].sum())}"


def status_sentence(analysis, *, units: str | Units = "km") -> str:
    """This week's status in one sentence, for the report's first line.

    "This week" is the week holding the analysis day; when the export ends
    long before it, the sentence says so and describes the last week with
    data.
    """
    u = as_units(units)
    load = analysis.load
    if load.runs.empty:
        acts = load.activities
        sports = acts["sport"].value_counts()
        untyped = int(names_no_sport(acts).sum())
        return (f"No run up to {week_label(load.last_day)}: {counted(len(acts), 'activity', 'activities')} ("
                + ", ".join(f"{printable(sport)} {n}" for sport, n in sports.items())
                + "), and riskload's rules judge running, so there is nothing to judge."
                + (f" {untyped} of them {'names' if untyped == 1 else 'name'} no sport: if they are runs, set "
                   "athlete.untyped_sport = \"running\" in riskload.toml." if untyped else ""))
    weekly = load.weekly
    week = weekly.index[-1]
    row = weekly.iloc[-1]
    flags = in_week(analysis.flags, week)
    runs = int(row["runs"])
    volume = f"{u.format_distance(row['distance_km'])} in {counted(runs, 'run')}"
    last_run = load.runs["local_date"].max()
    # neither the week shown nor the one before holds a run (other sports since): when was the last
    before = last_run < week - pd.Timedelta(days=7)
    if not row["complete"]:
        opening = (f"This week (from {week_label(week)}, in progress): "
                   + (f"{volume} so far" if runs else "no run yet"
                      + (f" (none since {week_label(last_run)})" if before else "")))
    else:  # the tables stop at the last activity when the analysis day is long after it
        last_day = load.activities["local_date"].max()
        opening = (f"No activity since {week_label(last_day)}"
                   + (f", and no run since {week_label(last_run)}" if before else "")
                   + f"; the last week with data (from {week_label(week)}) had {volume}, "
                   f"{counted(int(row['rest_days']), 'rest day')}")
    sentence = f"{opening}; {_flag_phrase(flags)}"
    if not row["complete"] and len(weekly) > 1:
        previous = in_week(analysis.flags, weekly.index[-2])
        if not previous.empty:
            sentence += f" (last week: {_flag_phrase(previous)})"
    return sentence + "."


#: Weeks the page's summary table shows; the ones among them that stood out
#: get a day-by-day figure (:func:`riskload.report.detail_weeks`).
RECENT_WEEKS = 8


def recent_weeks(analysis, *, weeks: int = RECENT_WEEKS, units: str | Units = "km") -> pd.DataFrame:
    """The last ``weeks`` weeks as a small display table.

    Columns: week of, distance, runs, rest days, climb per distance, the
    week's highest acute:chronic ratio, the worst flag and the codes.
    """
    u = as_units(units)
    weekly = analysis.load.weekly.iloc[-weeks:]
    codes = codes_by_week(analysis.flags).reindex(weekly.index)
    table = pd.DataFrame({
        "week of": [f"{w:%Y-%m-%d}" + ("" if done else "*") for w, done in zip(weekly.index, weekly["complete"])],
        u.name: u.distance(weekly["distance_km"]).round(1).to_numpy(),
        "runs": weekly["runs"].astype(int).to_numpy(),
        "rest": weekly["rest_days"].astype(int).to_numpy(),
        f"climb {u.climb_rate}": (weekly["ascent_m_per_km"] * u.climb_rate_per_m_per_km).where(
            weekly["distance_km"] > 0).round(1).to_numpy(),
        "ACWR": weekly["acwr_max"].round(2).to_numpy(),
        "worst": worst_by_week(analysis.flags, weekly.index).replace("none", "").to_numpy(),
        "flags": [" ".join(c) if isinstance(c, list) else "" for c in codes],
    })
    return table


def format_table(table: pd.DataFrame, decimals: dict[str, int] | None = None) -> str:
    """A display table as aligned plain text: numbers right, words left.

    Float columns show one decimal unless ``decimals`` names another count.
    """
    decimals = decimals or {}
    cells = {c: [_cell(v, decimals.get(c, 1)) for v in table[c]] for c in table.columns}
    widths = {c: max([len(c)] + [len(v) for v in cells[c]]) for c in table.columns}
    numeric = {c: pd.api.types.is_numeric_dtype(table[c]) for c in table.columns}

    def line(values):
        parts = [v.rjust(widths[c]) if numeric[c] else v.ljust(widths[c]) for c, v in zip(table.columns, values)]
        return "  ".join(parts).rstrip()

    rows = [line(list(table.columns))]
    rows += [line([cells[c][i] for c in table.columns]) for i in range(len(table))]
    return "\n".join(rows)


def _cell(value, decimals: int) -> str:
    if isinstance(value, float):
        return "" if pd.isna(value) else f"{value:.{decimals}f}"
    return "" if value is None else printable(str(value))
