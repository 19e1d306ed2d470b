"""What people see: figures, the HTML report, tables, and the terminal summary.

Only this layer converts kilometres to miles.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from .fonts import quiet_glyphs, use_script_fonts
from .figures import main_figure, plot_acwr, plot_overview, plot_terrain_and_rest, plot_weekly_distance, thin
from .calendar import envelope_ics
from .diary import counted, red_flag_notice
from .envelope import current_envelope, envelope_html, envelope_text
from .html import render_html
from .pdf import render_pdf
from .severity import headlines
from ..errors import RiskloadError
from ..load import week_start
from ..importers.cache import ActivityCache, default_cache_dir
from ..output import check_outside, remove_temporary, write_bytes
from ..processes import Forked
from .summary import RECENT_WEEKS, flag_tally, format_table, recent_weeks, status_sentence
from .tables import tables, to_csv, write_tables
from .roster import roster_html, roster_table
from .units import Units, units as as_units
from .week import draw_week_figure, plot_week, week_data, week_figure

use_script_fonts()

FORMATS = ("html", "png", "csv", "json", "pdf")
#: What a report holds unless asked otherwise; the PDF is for sharing, on request.
DEFAULT_FORMATS = ("html", "png", "csv", "json")
#: Weeks back from the latest whose flagged weeks get a day-by-day figure:
#: those of the page's summary table. Older flags stay in the flags table,
#: and ``--until`` (or :func:`week_figure` in a notebook) draws any week.
DETAIL_WEEKS = RECENT_WEEKS

__all__ = ["DEFAULT_FORMATS", "FORMATS", "Units", "check_outside", "counted", "current_envelope", "detail_weeks",
           "envelope_html",
           "envelope_ics", "envelope_text", "figure_png",
           "flag_tally", "format_table", "headlines", "main_figure", "plot_acwr", "plot_overview",
           "plot_terrain_and_rest", "plot_week", "plot_weekly_distance", "recent_weeks", "red_flag_notice",
           "render_html", "render_pdf", "roster_html", "roster_table", "since", "status_sentence", "tables",
           "thin", "to_csv", "week_figure", "write_bytes", "write_report", "write_tables"]


def since(analysis, first_day=None):
    """``analysis`` showing only the weeks from the one holding ``first_day`` on.

    The rules ran on the whole history (their baselines reach back); only
    what is shown is cut.
    """
    if first_day is None:
        return analysis
    load = analysis.load
    start = load.weekly.index[load.weekly.index <= pd.Timestamp(first_day)]
    start = start[-1] if len(start) else load.weekly.index[0]
    shown = replace(load, weekly=load.weekly.loc[start:], daily=load.daily.loc[start:])
    flags = analysis.flags[pd.DatetimeIndex(analysis.flags["week_start"]) >= start]
    pain = analysis.pain.from_day(start) if analysis.pain is not None else None
    return replace(analysis, load=shown, flags=flags.reset_index(drop=True), pain=pain)


def detail_weeks(analysis, weeks: int = DETAIL_WEEKS) -> list[pd.Timestamp]:
    """The weeks that get a detail figure, newest first: among the last ``weeks``, the flagged ones and those
    with a pain-diary day, and the latest."""
    recent = analysis.load.weekly.index[-weeks:]
    marked = set(pd.DatetimeIndex(analysis.flags["week_start"]))
    if analysis.pain is not None:
        marked |= set(week_start(analysis.pain.diary.pain_days["date"], analysis.settings.week_start_day))
    return sorted((marked & set(recent)) | {recent[-1]}, reverse=True)


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


def week_pngs(analysis, weeks, *, units: str | Units = "km", cache: bool | str | Path = True) -> dict:
    """The day-by-day figure of each of ``weeks`` as PNG bytes (see :class:`WeekFigures`)."""
    with WeekFigures(analysis, weeks, units=units, cache=cache) as figures:
        return figures.result()


def draw_week_pngs(slices: list, units: str | Units = "km") -> list[bytes]:
    """The week figure of each week's slice (:func:`~riskload.report.week.week_data`) as PNG bytes."""
    return [figure_png(draw_week_figure(data, units=units)) for data in slices]


class WeekFigures:
    """The day-by-day figures of ``weeks``, drawn while the caller goes on.

    A week's figure depends only on the slice of the analysis it draws
    (:func:`~riskload.report.week.week_data`), so it is kept in the cache
    folder under a digest of that slice: a weekly re-run draws again only
    the weeks whose runs or flags changed, usually just the latest.
    ``cache=False`` draws every figure and keeps none.

    The figures not in the cache are drawn in a forked child where
    :func:`riskload.processes.can_fork` allows it, while the caller makes
    the main figure and the tables; :meth:`result` collects them. Use it as
    a context manager, so a child is never left behind.
    """

    def __init__(self, analysis, weeks, *, units: str | Units = "km", cache: bool | str | Path = True):
        folder = None
        if cache is not False and len(weeks):
            folder = ActivityCache(default_cache_dir() if cache is True else Path(cache)).folder / "figures"
        name = as_units(units).name
        self.pngs: dict = {}
        self._missing = []
        for week in weeks:
            data = week_data(analysis.load, analysis.flags, week, analysis.pain)
            path = folder / f"{data.digest(name)}.png" if folder else None
            self.pngs[week] = _whole_png(path) if path else None
            if self.pngs[week] is None:
                self._missing.append((week, data, path))
        self._drawing = Forked(draw_week_pngs, [data for _, data, _ in self._missing], units) if self._missing else None

    def __enter__(self) -> WeekFigures:
        return self

    def __exit__(self, *exc) -> None:
        if self._drawing:
            self._drawing.__exit__(*exc)

    def result(self) -> dict:
        """Week to PNG bytes, in the order of ``weeks``; newly drawn figures are kept in the cache."""
        if self._drawing:
            for (week, _, path), png in zip(self._missing, self._drawing.result()):
                self.pngs[week] = png
                if path:
                    try:
                        write_bytes(path, png)
                    except RiskloadError:
                        pass  # a cache that cannot be written costs time, not the report
            self._drawing = None
        return self.pngs


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
    with WeekFigures(analysis, detail_weeks(analysis) if drawn else [], units=units, cache=cache) as figures:
        # the main figure and the tables are made while the week figures are drawn
        main_png = figure_png(main_figure(analysis, units=units)) if drawn else None
        for fmt in ("csv", "json"):
            if fmt in formats:
                written[fmt] = write_tables(analysis, out, formats=(fmt,))
        weeks = figures.result()
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
