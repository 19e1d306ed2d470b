"""A short PDF for a physiotherapist or a doctor: the chosen weeks, the pain beside them, the flags, the diary.

Made with matplotlib's own PDF backend, so it needs nothing the figures do
not already need. Pages: a cover (status, a red-flag notice when the diary
calls for one), the main figure, the episodes, the back-test and the diary
as text, the week figures (:func:`pdf_weeks`), then the flags.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import pandas as pd

from .. import __version__
from ..load import start_of_week
from ..output import write_bytes
from ..rules import BY_CODE
from ..safetext import printable
from ..wording import counted
from .diary import BACKTEST_CAVEAT, LANGUAGE_NOTE, episode_summary, red_flag_notice
from .explain import DOES_NOT_DIAGNOSE
from .figures import main_figure
from .fonts import quiet_glyphs
from .summary import shown_volume, status_sentence
from .units import Units, units as as_units
from .week import draw_week_figure, week_data

if TYPE_CHECKING:
    from matplotlib.backends.backend_pdf import PdfPages

A4 = (8.27, 11.69)
LINES_PER_PAGE = 78
WIDTH_CHARS = 105


#: Weeks shown that get a figure each whatever else holds: a short choice (``--since``) is drawn whole.
WHOLE_WEEKS = 12


def pdf_weeks(analysis, recent: list) -> list[pd.Timestamp]:
    """The weeks that get a figure in the PDF, oldest first.

    Every week shown, when there are at most :data:`WHOLE_WEEKS`; else,
    with a diary, the weeks holding a pain day or lying in the window
    before an episode, and without one the ``recent`` weeks (the report's
    detail weeks).
    """
    shown = analysis.load.weekly.index
    if len(shown) <= WHOLE_WEEKS:
        return list(shown)
    pain = analysis.pain
    if pain is None or pain.episodes.empty:
        return sorted(set(recent) & set(shown))
    first_day = analysis.settings.week_start_day
    weeks = set(start_of_week(pain.diary.pain_days["date"], first_day))
    for first in pain.episodes["first_day"]:
        window = pd.date_range(first - pd.Timedelta(days=pain.window_days), first, freq="D")
        weeks |= set(start_of_week(window, first_day))
    return sorted(weeks & set(shown))


def _text_pages(pdf: PdfPages, title: str, lines: list[str]) -> None:
    """``lines`` on as many A4 pages as they need, ``title`` on the first."""
    wrapped = []
    for line in lines:
        wrapped.extend(textwrap.wrap(printable(line), WIDTH_CHARS, subsequent_indent="    ") or [""])
    for page, start in enumerate(range(0, max(len(wrapped), 1), LINES_PER_PAGE)):
        fig = plt.figure(figsize=A4)
        fig.text(0.06, 0.965, title + (" (continued)" if page else ""), fontsize=13, fontweight="bold", va="top")
        fig.text(0.06, 0.93, "\n".join(wrapped[start:start + LINES_PER_PAGE]), fontsize=7.5, family="monospace",
                 va="top", parse_math=False)
        pdf.savefig(fig)
        plt.close(fig)


def _cover(pdf: PdfPages, analysis, u: Units) -> None:
    weekly = analysis.load.weekly
    fig = plt.figure(figsize=A4)
    fig.text(0.06, 0.94, printable(analysis.athlete), fontsize=20, fontweight="bold", va="top")
    period = f"{weekly.index[0]:%d %b %Y} to {analysis.load.last_day:%d %b %Y}"
    y = 0.89
    for text, size in ((f"Training and pain, {period}", 12),
                       (f"{shown_volume(analysis, units=u)}; analysis as of "
                        f"{analysis.load.as_of:%d %b %Y}", 10)):
        fig.text(0.06, y, text, fontsize=size, va="top")
        y -= 0.03
    doctor = red_flag_notice(analysis.pain)
    if doctor:
        fig.text(0.06, y - 0.01, "\n".join(textwrap.wrap(doctor, 85)), fontsize=11, fontweight="bold",
                 color="#8e0c16", va="top", bbox=dict(facecolor="#fdecea", edgecolor="#c0392b", pad=8))
        y -= 0.05 + 0.018 * len(textwrap.wrap(doctor, 85))
    for paragraph in (status_sentence(analysis, units=u), DOES_NOT_DIAGNOSE):
        wrapped = textwrap.wrap(printable(paragraph), 95)
        fig.text(0.06, y - 0.01, "\n".join(wrapped), fontsize=10, va="top")
        y -= 0.03 + 0.016 * len(wrapped)
    fig.text(0.06, 0.04, f"Made by riskload {__version__}. The flags, episodes and diary follow the figures.",
             fontsize=8, color="#777777")
    pdf.savefig(fig)
    plt.close(fig)


def _flag_lines(analysis) -> list[str]:
    flags = analysis.flags
    if flags.empty:
        return ["No flags in these weeks."]
    lines = []
    for _, f in flags.iterrows():
        lines.append(f"{pd.Timestamp(f['date']):%Y-%m-%d}  {f['severity'].upper():<8} {f['code']} "
                     f"({f['evidence']} evidence): {f['message']}")
    return lines


def _pain_lines(analysis, u: Units) -> list[str]:
    pain = analysis.pain
    if pain is None:
        return ["No pain diary was given (riskload.toml [pain] diary, or --pain FILE)."]
    lines = [f"{counted(len(pain.diary.pain_days), 'day')} with pain in {counted(len(pain.episodes), 'episode')} "
             f"({pain.diary.source}). "
             f"Pain days of one area at most {pain.gap_days} pain-free days apart are one episode; the "
             f"{pain.window_days} days before each are shown.", ""]
    for e in pain.episodes.itertuples():
        flagged, changed = episode_summary(pain, e.episode, u)
        lines += [f"Episode {e.episode}: {e.area or 'area not given'}, {e.first_day:%a %d %b %Y} to "
                  f"{e.last_day:%a %d %b %Y}, {counted(e.pain_days, 'day')} with pain, worst {e.peak_intensity:g}/10",
                  f"  notes: {e.notes or '-'}", f"  flags in the {pain.window_days} days before: {flagged}",
                  f"  load that changed by a fifth or more: {changed}", ""]
    lines += ["Back-test: did episodes follow the rules' flags?", BACKTEST_CAVEAT, ""]
    for r in pain.backtest.itertuples():
        lines.append(f"  {r.code} {BY_CODE[r.code].title}: fired in {counted(r.weeks_fired, 'week')}, "
                     f"{r.fired_then_episode} followed by an episode; other weeks {r.other_then_episode} of "
                     f"{r.weeks_other}: {r.verdict}")
    lines += ["", "Diary", "  date        area            intensity  note"]
    for d in pain.diary.days.itertuples():
        lines.append(f"  {d.date:%Y-%m-%d}  {(d.area or '-'):<15} {d.intensity:>6g}     {d.note}")
    lines += [""] + [f"Left out: {p}" for p in pain.diary.problems] + ["", LANGUAGE_NOTE]
    return lines


def render_pdf(analysis, *, units: str | Units = "km", recent_weeks: list | None = None) -> bytes:
    """The PDF as bytes (see the module).

    Parameters
    ----------
    analysis : riskload.Analysis
        As shown (:func:`riskload.report.since` cuts the weeks).
    units : {"km", "mi"}
    recent_weeks : list of Timestamp, optional
        Weeks that get a figure besides those around the pain.
    """
    from matplotlib.backends.backend_pdf import PdfPages  # here: with fontTools it costs every run 0.15-0.25 s

    u = as_units(units)
    buffer = io.BytesIO()
    metadata = {"Title": f"riskload: {printable(analysis.athlete)}", "Creator": f"riskload {__version__}",
                "CreationDate": None}  # none: the same analysis gives the same bytes
    with quiet_glyphs(), PdfPages(buffer, metadata=metadata) as pdf:
        _cover(pdf, analysis, u)
        fig = main_figure(analysis, units=u)
        pdf.savefig(fig)
        plt.close(fig)
        _text_pages(pdf, "Pain diary", _pain_lines(analysis, u))
        for week in pdf_weeks(analysis, recent_weeks or []):
            fig = draw_week_figure(week_data(analysis.load, analysis.flags, week, analysis.pain), units=u)
            pdf.savefig(fig)
            plt.close(fig)
        _text_pages(pdf, "Flags", _flag_lines(analysis))
    return buffer.getvalue()


def write_pdf(analysis, path: str | Path, *, units: str | Units = "km", recent_weeks: list | None = None) -> Path:
    """Write :func:`render_pdf` to ``path``."""
    write_bytes(Path(path), render_pdf(analysis, units=units, recent_weeks=recent_weeks))
    return Path(path)
