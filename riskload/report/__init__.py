"""What people see: figures, the HTML report, tables, and the terminal summary.

Only this layer converts kilometres to miles.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from .fonts import use_script_fonts
from .figures import (figure_png, main_figure, plot_acwr, plot_overview, plot_terrain_and_rest,
                      plot_weekly_distance, thin)
from .calendar import envelope_ics
from .diary import red_flag_notice
from .explain import rules_in_table
from .envelope import current_envelope, envelope_html, envelope_text
from .html import render_html
from .pdf import render_pdf
from .severity import headlines, stands_out, worst_by_week
from ..errors import RiskloadError
from ..load import start_of_week
from ..importers.cache import ActivityCache, default_cache_dir
from ..output import check_outside, remove_temporary, write_bytes
from ..sourcecode import code_digest
from .summary import (RECENT_WEEKS, flag_tally, format_table, recent_weeks, shown_volume, skipped_heading,
                      status_sentence)
from .tables import tables, to_csv, write_tables
from .roster import roster_html, roster_table
from .units import Units, units as as_units
from .week import draw_week_figure, plot_week, week_data, week_figure

use_script_fonts()

FORMATS = ("html", "png", "csv", "json", "pdf")
#: What a report holds unless asked otherwise; the PDF is for sharing, on request.
DEFAULT_FORMATS = ("html", "png", "csv", "json")
#: Weeks back from the latest among which those that stood out get a day-by-day
#: figure: those of the page's summary table. Older flags stay in the flags table,
#: and ``--until`` (or :func:`week_figure` in a notebook) draws any week.
DETAIL_WEEKS = RECENT_WEEKS

__all__ = ["DEFAULT_FORMATS", "FORMATS", "Units", "check_outside", "current_envelope", "detail_weeks", "envelope_html",
           "envelope_ics", "envelope_text", "figure_png", "flag_tally", "format_table", "headlines", "main_figure",
           "plot_acwr", "plot_overview", "plot_terrain_and_rest", "plot_week", "plot_weekly_distance", "recent_weeks",
           "red_flag_notice", "render_html", "render_pdf", "roster_html", "roster_table", "rules_in_table",
           "shown_volume", "since", "skipped_heading", "status_sentence", "tables", "thin", "to_csv", "week_figure",
           "write_bytes", "write_report", "write_roster", "write_tables", "RosterReport"]


def since(analysis, first_day=None):
    """``analysis`` showing only the weeks from the one holding ``first_day`` on.

    The rules ran on the whole history (their baselines reach back); only
    what is shown is cut. A ``first_day`` after the last week with data
    shows that week; one after the day analysed is an error: there is
    nothing after it to show.
    """
    if first_day is None:
        return analysis
    load = analysis.load
    if pd.Timestamp(first_day) > load.as_of:
        raise RiskloadError(f"the first day to show, {pd.Timestamp(first_day):%Y-%m-%d}, is after the day analysed, "
                            f"{load.as_of:%Y-%m-%d}: no week to show")
    start = load.weekly.index[load.weekly.index <= pd.Timestamp(first_day)]
    start = start[-1] if len(start) else load.weekly.index[0]
    shown = replace(load)
    shown.weekly, shown.daily = load.weekly.loc[start:], load.daily.loc[start:]
    flags = analysis.flags[pd.DatetimeIndex(analysis.flags["week_start"]) >= start]
    pain = analysis.pain.from_day(start) if analysis.pain is not None else None
    return replace(analysis, load=shown, flags=flags.reset_index(drop=True), pain=pain)


def detail_weeks(analysis, weeks: int = DETAIL_WEEKS) -> list[pd.Timestamp]:
    """The weeks that get a detail figure, newest first: among the last ``weeks``, those that stood out (a status
    of :data:`~.severity.STANDS_OUT` or worse: a week of information alone has nothing to look at closer) and
    those with a pain-diary day, and the latest."""
    recent = analysis.load.weekly.index[-weeks:]
    status = worst_by_week(analysis.flags, recent)
    marked = set(status.index[stands_out(status)])
    if analysis.pain is not None:
        marked |= set(start_of_week(analysis.pain.diary.pain_days["date"], analysis.settings.week_start_day))
    return sorted((marked & set(recent)) | {recent[-1]}, reverse=True)


#: The modules that draw a week figure: a kept figure is used only while their code is unchanged.
WEEK_FIGURE_MODULES = ("riskload.report.week", "riskload.report.figures")


def week_pngs(analysis, weeks, *, units: str | Units = "km", cache: bool | str | Path = True) -> dict:
    """The day-by-day figure of each of ``weeks`` as PNG bytes, in the order of ``weeks``.

    A week's figure depends only on the slice of the analysis it draws
    (:func:`~riskload.report.week.week_data`) and on the code that draws it
    (:data:`WEEK_FIGURE_MODULES`), so it is kept in the cache folder under a
    digest of both: a weekly re-run draws again only the weeks whose runs or
    flags changed, usually just the latest. ``cache=False`` draws every
    figure and keeps none.
    """
    folder = None
    if cache is not False and len(weeks):
        folder = ActivityCache(default_cache_dir() if cache is True else Path(cache)).folder / "figures"
    key = f"{as_units(units).name}-{code_digest(*WEEK_FIGURE_MODULES)}"
    pngs = {}
    for week in weeks:
        data = week_data(analysis.load, analysis.flags, week, analysis.pain)
        path = folder / f"{data.digest(key)}.png" if folder else None
        pngs[week] = _whole_png(path) if path else None
        if pngs[week] is None:
            pngs[week] = figure_png(draw_week_figure(data, units=units))
            if path:
                try:
                    write_bytes(path, pngs[week])
                except RiskloadError:
                    pass  # a cache that cannot be written costs time, not the report
    return pngs


def _whole_png(path: Path) -> bytes | None:
    """The PNG at ``path`` if it is there and whole (signature to end chunk), else None."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if data.startswith(b"\x89PNG\r\n\x1a\n") and data.endswith(b"IEND\xaeB`\x82") else None


_WEEK_FIGURE = re.compile(r"^week-\d{4}-\d{2}-\d{2}\.png$")


def _remove_leftovers(out: Path, keep_weeks: set[str] | None = None) -> None:
    """Remove temporary files a killed run left in ``out``; with ``keep_weeks``, also the
    week figures of an earlier report that this one does not have. Nothing else is touched."""
    remove_temporary(out)
    remove_temporary(out / "weeks")
    if keep_weeks is None or not (out / "weeks").is_dir():
        return
    for path in (out / "weeks").iterdir():
        if path.is_file() and _WEEK_FIGURE.match(path.name) and path.name not in keep_weeks:
            path.unlink()


def write_report(analysis, out: str | Path, *, export_folder: str | Path | None = None,
                 units: str | Units = "km", formats=DEFAULT_FORMATS,
                 cache: bool | str | Path = True) -> dict[str, list[Path]]:
    """Write the report files for one analysis into the folder ``out``.

    Parameters
    ----------
    analysis : riskload.Analysis
    out : str or Path
        The output folder; made if missing.
    export_folder : str or Path, optional
        The export the analysis came from; ``out`` must not lie inside it.
    units : {"km", "mi"}
        Display units of the figures and the page (tables stay metric).
    formats : iterable of {"html", "png", "csv", "json", "pdf"}
        Default :data:`DEFAULT_FORMATS` (all but the PDF).
    cache : bool, str or Path
        Where week figures are kept between runs (see :func:`week_pngs`).

    Returns
    -------
    dict
        Format to the paths written.
    """
    out = Path(out)
    if export_folder is not None:
        check_outside(out, export_folder)
        if cache not in (True, False):
            check_outside(cache, export_folder)
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown report format {sorted(unknown)[0]!r} (known: {', '.join(FORMATS)})")
    written: dict[str, list[Path]] = {}
    _remove_leftovers(out)
    drawn = bool({"html", "png"} & set(formats))
    main_png = figure_png(main_figure(analysis, units=units)) if drawn else None
    weeks = week_pngs(analysis, detail_weeks(analysis) if drawn else [], units=units, cache=cache)
    for fmt in ("csv", "json"):
        if fmt in formats:
            written[fmt] = write_tables(analysis, out, formats=(fmt,))
    if "png" in formats:
        written["png"] = [out / "load.png"] + [out / "weeks" / f"week-{w:%Y-%m-%d}.png" for w in weeks]
        for path, data in zip(written["png"], [main_png, *weeks.values()]):
            write_bytes(path, data)
        _remove_leftovers(out, keep_weeks={p.name for p in written["png"]})
    if "html" in formats:
        page = render_html(analysis, main_png=main_png, week_pngs=weeks, units=units,
                           envelope=current_envelope(analysis))
        write_bytes(out / "report.html", page.encode("utf-8"))
        written["html"] = [out / "report.html"]
    if "pdf" in formats:
        write_bytes(out / "report.pdf", render_pdf(analysis, units=units, recent_weeks=detail_weeks(analysis)))
        written["pdf"] = [out / "report.pdf"]
    return {fmt: written[fmt] for fmt in FORMATS if fmt in written}


@dataclass
class RosterReport:
    """What :func:`write_roster` wrote: the ranking table, the squad page, and each athlete's red-flag notice."""

    table: pd.DataFrame
    page: Path
    notices: dict[str, str]


def write_roster(roster, out: str | Path, *, as_of, first_day=None, squad_folder: str | Path | None = None,
                 units: str | Units = "km", formats=DEFAULT_FORMATS, cache: bool | str | Path = True,
                 progress: Callable[[int, int, str], None] | None = None) -> RosterReport:
    """Write a squad's reports into the folder ``out``: each athlete's report in ``out/<their folder>``,
    and ``roster.html`` and ``roster.csv`` ranking the athletes (:func:`roster_table`).

    Parameters
    ----------
    roster : riskload.Roster
    out : str or Path
        The output folder; made if missing.
    as_of : date
        The day whose week is "this week" (the roster's analysis day).
    first_day : date, optional
        Each report shows the weeks from the one holding this day on (:func:`since`).
    squad_folder : str or Path, optional
        The squad's folder; neither ``out`` nor a cache folder may lie inside it.
    units, formats, cache
        As for :func:`write_report`, for every athlete.
    progress : callable, optional
        Called as ``progress(done, total, athlete)`` before each athlete's report is written (a current
        history's report takes seconds: it works out the days ahead), and once more when all are done.
    """
    out = Path(out)
    if squad_folder is not None:
        check_outside(out, squad_folder)
        if cache not in (True, False):
            check_outside(cache, squad_folder)
    notices = {}
    total = len(roster.analyses)
    for done, (name, analysis) in enumerate(roster.analyses.items()):
        if progress:
            progress(done, total, name)
        shown = since(analysis, first_day)
        write_report(shown, out / name, units=units, formats=formats, cache=cache)
        if notice := red_flag_notice(shown.pain):
            notices[name] = notice
    if progress and total:
        progress(total, total, "")
    table = roster_table(roster, as_of=as_of, units=units)
    page = out / "roster.html"
    warned = {name: analysis.export.warnings for name, analysis in roster.analyses.items() if analysis.export.warnings}
    write_bytes(page, roster_html(table, roster.failed, as_of=as_of, doctor=notices, warned=warned).encode())
    write_bytes(out / "roster.csv", to_csv(table).encode())
    return RosterReport(table, page, notices)
