"""The safe envelope for people: a terminal table and the page's "Next week" section."""

from __future__ import annotations

import textwrap

import pandas as pd

from ..safe_envelope import envelope
from ..rules import BY_CODE
from ..safetext import escape
from .calendar import day_summary
from .summary import format_table
from .units import Units, units as as_units

ENVELOPE_EXPLAINED = (
    "Each limit is the most a rule allows before it grades the plan a caution by its own threshold, with this "
    "athlete's settings: the longest run of each day (RL004), each week's distance (RL001, RL007, RL008, and "
    "RL004 for each of its runs at the runner's usual number), its "
    "climb (RL002), steep descent (RL006) and hard minutes (RL005), rest days and streaks (RL003), and the "
    "earliest next hard session (RL009). Each assumes the rest of the week stays at the runner's usual; the "
    "second week assumes the first ran to its ceiling. A limit is not a target: it is where the rules "
    "start to object.")


#: A history whose last run is at most this many days before the analysis day gets the envelope on its page.
CURRENT_DAYS = 28


def current_envelope(analysis):
    """The envelope from the day after the analysis day, when the runner ran in the :data:`CURRENT_DAYS`
    before it; else None (an old export has no "next week")."""
    load = analysis.load
    last = load.runs["local_date"].max() if len(load.runs) else None
    if last is None or (load.as_of - last).days > CURRENT_DAYS:
        return None
    return envelope(analysis, today=load.as_of + pd.Timedelta(days=1))


def _shown(value, as_text) -> str:
    return "" if value is None or value != value else as_text(value)


def envelope_tables(envelope, units: str | Units = "km") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(days, weeks) of the envelope as display tables."""
    u = as_units(units)
    days = pd.DataFrame({
        "day": [f"{d:%a %d %b}" for d in envelope.days["date"]],
        "longest run": ["" if km != km else u.format_distance(km) for km in envelope.days["longest_run_km"]],
        "": ["rest day advised" if r else "" for r in envelope.days["rest_advised"]],
    })
    w = envelope.weeks
    weeks = pd.DataFrame({
        "week of": [f"{d:%d %b %Y}" for d in w["week_start"]],
        "run so far": [u.format_distance(x) for x in w["run_so_far_km"]],
        "week up to": ["" if x != x else u.format_distance(x) for x in w["distance_km"]],
        "runs left": w["runs"],
        "each": ["" if x != x else u.format_distance(x) for x in w["per_run_km"]],
        "rest days needed": w["rest_days_needed"],
        "climb": [_shown(x, u.format_climb) for x in w["climb_m"]],
        "steep descent": [_shown(x, u.format_climb) for x in w["steep_descent_m"]],
        "hard": [_shown(x, "{:.0f} min".format) for x in w["hard_min"]],
    })
    return days, weeks


def envelope_lines(envelope) -> list[str]:
    """The sentences under the tables: streak, next hard session, what could not be judged."""
    lines = []
    if envelope.longest_streak_days is not None:
        lines.append(f"Running days in a row from {envelope.today:%a %d %b} without a caution: "
                     f"{envelope.longest_streak_days}.")
    if envelope.next_hard_from is not None and envelope.next_hard_from <= envelope.today:
        lines.append("A hard session can come on any of these days: the last one is far enough back (RL009).")
    elif envelope.next_hard_from is not None:
        lines.append(f"The next hard session can start from {envelope.next_hard_from:%a %d %b %H:%M}.")
    for code, why in envelope.silent.items():
        lines.append(f"{code} ({BY_CODE[code].title}) cannot say: {why}.")
    return lines + list(envelope.notes)


def envelope_text(envelope, *, athlete: str = "", units: str | Units = "km") -> str:
    """The envelope as plain text for the terminal."""
    days, weeks = envelope_tables(envelope, units)
    lines = [f"{athlete + ': ' if athlete else ''}what the days from {envelope.today:%a %d %b %Y} can hold "
             "without a caution", "", format_table(days), "", format_table(weeks), ""]
    lines += envelope_lines(envelope)
    lines += ["", *textwrap.wrap(ENVELOPE_EXPLAINED, 100)]
    return "\n".join(lines)


def envelope_html(envelope, units: str | Units = "km", analysis=None) -> str:
    """The page's "Next week" section (without an envelope, why there is none)."""
    u = as_units(units)
    if envelope is None:
        last = analysis.load.runs["local_date"].max() if analysis is not None and len(analysis.load.runs) else None
        if last is None:
            return "<p>The history holds no run, so there is no next week to plan from it.</p>"
        return (f"<p>The history ends on {last:%a %d %b %Y}, more than {CURRENT_DAYS} days before the analysis day, "
                "so there is no next week to plan from it. <code>riskload plan FOLDER --until YYYY-MM-DD</code> "
                "gives the envelope from any day.</p>")
    items = "".join(f"<li><b>{escape(f'{r.date:%a %d %b}')}</b>: {escape(day_summary(r, u))}</li>"
                    for r in envelope.days.itertuples())
    _, weeks = envelope_tables(envelope, u)
    head = "".join(f"<th>{escape(c)}</th>" for c in weeks.columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in weeks.itertuples(index=False))
    notes = "".join(f"<li>{escape(line)}</li>" for line in envelope_lines(envelope))
    return (f"<p>What the days from {envelope.today:%a %d %b %Y} can hold without a caution.</p>"
            f"<ul>{items}</ul><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f"<ul>{notes}</ul><p class=\"meta\">{escape(ENVELOPE_EXPLAINED)}</p>")
