"""The envelope as an iCalendar file (RFC 5545): one all-day event per day, for the runner's calendar app."""

from __future__ import annotations

import hashlib

import pandas as pd

from ..wording import counted
from .units import Units, units as as_units

#: Octets a content line may hold before it is folded (RFC 5545, 3.1).
LINE_OCTETS = 75


def _escape(text: str) -> str:
    """A TEXT value escaped as RFC 5545, 3.3.11 asks: backslash, semicolon, comma and newline."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n")
            .replace("\n", "\\n"))


def _fold(line: str) -> list[str]:
    """A content line cut into pieces of at most :data:`LINE_OCTETS` octets, never inside a character;
    every piece after the first starts with a space."""
    pieces, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = LINE_OCTETS if not pieces else LINE_OCTETS - 1
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += width
    pieces.append(current)
    return [pieces[0]] + [" " + p for p in pieces[1:]]


def day_summary(row, u: Units) -> str:
    """``longest run 12.4 km · rest day advised`` for one day of the envelope."""
    parts = []
    if row.longest_run_km == row.longest_run_km:
        parts.append(f"longest run {u.format_distance(row.longest_run_km)}")
    if row.rest_advised:
        parts.append("rest day advised")
    return " · ".join(parts) or "no limit riskload can set"


def week_summary(week, u: Units) -> str:
    """The week's ceilings in one sentence, for each day's description."""
    if week.distance_km != week.distance_km:
        parts = [f"week of {week.week_start:%d %b}: no weekly distance limit riskload can set "
                 f"({u.format_distance(week.run_so_far_km)} already run)"]
    else:
        parts = [f"week of {week.week_start:%d %b}: up to {u.format_distance(week.distance_km)} in all "
                 f"({u.format_distance(week.run_so_far_km)} already run; about {u.format_distance(week.per_run_km)} "
                 f"a run over {counted(week.runs, 'run')})"]
    if week.climb_m == week.climb_m:
        parts.append(f"climb up to {u.format_climb(week.climb_m)}")
    if week.steep_descent_m == week.steep_descent_m:
        parts.append(f"steep descent up to {u.format_climb(week.steep_descent_m)}")
    if week.hard_min == week.hard_min:
        parts.append(f"hard running up to {week.hard_min:.0f} min")
    if week.rest_days_needed:
        parts.append(f"{counted(week.rest_days_needed, 'more rest day')} needed")
    return "; ".join(parts)


def envelope_ics(envelope, *, athlete: str = "", units: str | Units = "km", stamp=None) -> str:
    """The envelope as an iCalendar document (CRLF line ends, folded lines).

    Each day is an all-day event whose summary names its longest run and
    whether a rest day is advised, and whose description gives its week's
    ceilings. ``stamp`` (default: now) is the DTSTAMP; the UIDs depend only
    on the athlete and the day, so a calendar that imports a newer file
    replaces the older events.
    """
    u = as_units(units)
    stamp = pd.Timestamp(stamp if stamp is not None else pd.Timestamp.now(tz="UTC"))
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    who = hashlib.sha256(athlete.encode("utf-8")).hexdigest()[:12]
    weeks = {w.week_start: w for w in envelope.weeks.itertuples()}
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//riskload//safe envelope//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{_escape(f'riskload: {athlete}' if athlete else 'riskload')}"]
    for row in envelope.days.itertuples():
        day = pd.Timestamp(row.date)
        week = next((w for start, w in weeks.items() if start <= day <= start + pd.Timedelta(days=6)), None)
        description = "What riskload's rules allow this day without a caution. "
        description += week_summary(week, u) + "." if week is not None else ""
        lines += ["BEGIN:VEVENT", f"UID:{day:%Y%m%d}-{who}@riskload", f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
                  f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + pd.Timedelta(days=1):%Y%m%d}",
                  f"SUMMARY:{_escape(day_summary(row, u))}", f"DESCRIPTION:{_escape(description)}",
                  "TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(piece + "\r\n" for line in lines for piece in _fold(line))
