"""A coach's view of a squad: who needs a word this week."""

from __future__ import annotations

from ..safetext import escape
from pathlib import Path

import numpy as np
import pandas as pd

from ..load import start_of_week
from .explain import rules_in_table
from .severity import COLORS, RANK, in_week, stands_out, worst
from .units import Units, units as as_units


def _week_cell(analysis, week: pd.Timestamp) -> tuple[str, str, float | None]:
    flags = in_week(analysis.flags, week)
    weekly = analysis.load.weekly
    km = float(weekly.at[week, "distance_km"]) if week in weekly.index else None
    return worst(flags["severity"]), " ".join(dict.fromkeys(flags["code"])), km


def roster_table(roster, *, as_of, units: str | Units = "km") -> pd.DataFrame:
    """One row per athlete, the ones who need attention first.

    Athletes are ranked by the worst flag that stands out (a caution or
    worse) in the week holding ``as_of`` or the week before, then by the
    worst flag of this week, of the week before, by how many cautions or
    worse the last four weeks hold, and by name: information alone never
    puts an athlete above one with a caution.

    Returns
    -------
    DataFrame
        athlete, folder, this week's and last week's distance, worst flag and
        codes, cautions-or-worse in 4 weeks, and the last day with an activity.
    """
    u = as_units(units)
    rows = []
    for folder, analysis in roster.analyses.items():
        first_day = analysis.settings.week_start_day
        this = start_of_week(pd.DatetimeIndex([pd.Timestamp(as_of).normalize()]), first_day)[0]
        last = this - pd.Timedelta(days=7)
        now_worst, now_codes, now_km = _week_cell(analysis, this)
        then_worst, then_codes, then_km = _week_cell(analysis, last)
        recent = analysis.flags[(pd.DatetimeIndex(analysis.flags["week_start"]) >= this - pd.Timedelta(weeks=3))
                                & stands_out(analysis.flags["severity"])]
        rows.append({
            "athlete": analysis.athlete, "folder": folder,
            f"this week {u.name}": None if now_km is None else round(u.distance(now_km), 1),
            "this week": now_worst, "this week flags": now_codes,
            f"last week {u.name}": None if then_km is None else round(u.distance(then_km), 1),
            "last week": then_worst, "last week flags": then_codes,
            "cautions in 4 weeks": len(recent),
            "last activity": f"{analysis.load.activities['local_date'].max():%Y-%m-%d}",
        })
    table = pd.DataFrame(rows, columns=["athlete", "folder", f"this week {u.name}", "this week", "this week flags",
                                        f"last week {u.name}", "last week", "last week flags",
                                        "cautions in 4 weeks", "last activity"])
    if table.empty:
        return table
    now, then = table["this week"].map(RANK), table["last week"].map(RANK)
    standing = np.maximum(now.where(stands_out(table["this week"]), 0), then.where(stands_out(table["last week"]), 0))
    order = table.assign(standing=standing, now=now, then=then).sort_values(
        ["standing", "now", "then", "cautions in 4 weeks", "athlete"], ascending=[False, False, False, False, True])
    return order[table.columns].reset_index(drop=True)


def _athletes_box(title: str, said: list[tuple[str, str]], look: str) -> str:
    """A box above the squad table listing what is said of each athlete named; empty when none is."""
    items = "".join(f"<li><b>{escape(name)}</b>: {escape(text)}</li>" for name, text in said)
    return f'<div {look};padding:.5em 1em"><p><b>{escape(title)}</b></p><ul>{items}</ul></div>' if items else ""


def roster_html(table: pd.DataFrame, failed: dict[str, str], *, as_of, report_name: str = "report.html",
                doctor: dict[str, str] | None = None, warned: dict[str, list[str]] | None = None) -> str:
    """The ranked squad table as a page linking to each athlete's report; ``doctor`` (athlete folder to the
    notice of :func:`~riskload.report.diary.red_flag_notice`) and ``warned`` (athlete folder to what their
    import warns of, :attr:`riskload.Export.warnings`) go above it."""
    header = "".join(f"<th>{escape(c)}</th>" for c in table.columns if c != "folder")
    rows = []
    for _, row in table.iterrows():
        cells = []
        for column in table.columns:
            value = row[column]
            if column == "folder":
                continue
            if column == "athlete":
                cell = f'<a href="{escape(str(Path(row["folder"]) / report_name))}">{escape(str(value))}</a>'
            elif column in ("this week", "last week"):
                cell = "" if value == "none" else f'<span style="background:{COLORS[value]};padding:0 .4em">' \
                                                 f"{escape(value)}</span>"
            else:
                cell = "" if pd.isna(value) else escape(str(value))
            cells.append(f"<td>{cell}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    named = rules_in_table([*table["this week flags"], *table["last week flags"]])
    legend = f"<p>{escape(named)}</p>" if named else ""
    failures = "".join(f"<li>{escape(name)}: {escape(reason)}</li>" for name, reason in failed.items())
    failures = f"<h2>Folders without an analysis</h2><ul>{failures}</ul>" if failures else ""
    notices = _athletes_box("Pain diaries that call for a doctor", [(n, t) for n, t in (doctor or {}).items()],
                            'role="alert" style="background:#fdecea;border:2px solid #c0392b')
    doubts = _athletes_box("Days that may be wrong", [(n, t) for n, texts in (warned or {}).items() for t in texts],
                           'style="background:#fff4e5;border:1px solid #f0b429')
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>riskload roster</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1200px;margin:auto;padding:1.5em}}
table{{border-collapse:collapse}}th,td{{border-bottom:1px solid #ddd;padding:.3em .6em;text-align:left}}
th{{background:#f2f2f2}}td:last-child{{white-space:nowrap}}</style></head><body>
<h1>Squad as of {pd.Timestamp(as_of):%a %d %b %Y}</h1>
{notices}
{doubts}
<p>Athletes who need a word first: ranked by the worst flag this week, then last week, then the cautions of
the last four weeks. Each name opens that athlete's report.</p>
<table><thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table>
{legend}
{failures}
<p>riskload looks at training, not at the body; it does not diagnose.</p>
</body></html>
"""
