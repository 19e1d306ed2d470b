"""One call from an export folder to its load tables and flags."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import pandas as pd

from .errors import ConfigError, RiskloadError
from .importers.export import Export, read_export
from .importers.walk import export_root
from .load import Load, build_load
from .output import check_outside
from .pain import PainReport, pain_report, read_diary
from .rules import BY_CODE, rule_thresholds, run_rules
from .settings import SETTINGS_FILE, Settings, check_timezone, load_settings


@dataclass
class Analysis:
    """Everything riskload knows about one athlete's export."""

    athlete: str
    settings: Settings
    export: Export
    load: Load
    flags: pd.DataFrame
    not_run: pd.DataFrame
    thresholds: dict[str, dict[str, float]]  # as the rules ran with them (RuleReport.thresholds)
    notes: list[str] = field(default_factory=list)
    pain: PainReport | None = None  # the pain diary beside the load, when there is one


#: Folder names that say how a platform exported, not whose export it is.
EXPORT_FOLDER_NAMES = re.compile(r"(?i)^(exports?|exported|activities|activity|data|files|downloads?|uploads?|"
                                 r"(gpx|fit|tcx)(_out|_files)?|garmin|garmin[ _]connect|connect|strava|di_connect|"
                                 r"di-connect-fitness|uploaded-files)$")
#: A Strava bulk export unpacked as it comes: ``export_<athlete id>``.
STRAVA_EXPORT = re.compile(r"^export_(\d+)$")


def export_name(folder: str | Path) -> str:
    """The name of the nearest folder that says whose export this is: ``folder``'s own, else its parent's or
    grandparent's where a folder is named as the platform exported it (``export``, ``GPX_OUT``,
    ``activities``...); ``folder``'s own when none says more. Strava's ``export_12345678`` says: it holds the
    athlete's Strava id. A link is named as the link, not as the folder it leads to: the name the user gave."""
    path = Path(os.path.abspath(folder))
    for part in [path, *path.parents][:3]:
        if part.name and (STRAVA_EXPORT.match(part.name) or not EXPORT_FOLDER_NAMES.match(part.name)):
            return part.name
    return path.name


def athlete_name(folder: str | Path, settings: Settings) -> str:
    """Whose history this is, for titles: the settings' name, else :func:`export_name` (Strava's
    ``export_12345678`` as "Strava athlete 12345678"); "Runner" when no folder says.
    """
    if settings.name:
        return settings.name
    name = export_name(folder)
    if strava := STRAVA_EXPORT.match(name):
        return f"Strava athlete {strava.group(1)}"
    return name if name and not EXPORT_FOLDER_NAMES.match(name) else "Runner"


def analyze(folder: str | Path, *, config: str | Path | None = None, settings: Settings | None = None,
            timezone: str | None = None, as_of=None, select: list[str] | None = None,
            progress: Callable[[int, int, str], None] | None = None, cache: bool | str | Path = True,
            pain: str | Path | None = None) -> Analysis:
    """Import an export folder, build its load, run the rules, and read the pain diary if there is one.

    Parameters
    ----------
    folder : str or Path
        The export folder. Its ``riskload.toml``, if any, holds the settings.
    config : str or Path, optional
        A settings file to use instead of the folder's.
    settings : Settings, optional
        Settings to use as they are (for notebooks); ``config`` is then ignored.
    timezone : str, optional
        Overrides the settings' time zone.
    as_of : date, optional
        The day of the analysis (default today); its week is unfinished and
        later activities are left out.
    select : list of str, optional
        Rule codes to run (default: all enabled; an empty list is refused).
    progress : callable, optional
        Called as ``progress(done, total, path)`` as files are read.
    cache : bool, str or Path
        The cache of decoded files (see :func:`~riskload.importers.read_export`).
    pain : str or Path, optional
        A pain diary (:mod:`riskload.pain`) to use instead of the settings' ``[pain] diary``.

    Raises
    ------
    RiskloadError
        The folder is missing, holds no activity, its settings are wrong, or
        the pain diary named cannot be read.
    """
    folder = export_root(folder)
    settings = settings if settings is not None else load_settings(config, folder)
    rule_thresholds(settings)  # a wrong threshold is said before the export is read, not after
    diary_path = pain or settings.pain_diary
    export = read_export(folder, timezone=timezone or settings.timezone, progress=progress, cache=cache,
                         session_gap_min=settings.session_gap_min, other_files=(diary_path,) if diary_path else ())
    if export.activities.empty:
        skipped = len(export.skipped)
        raise RiskloadError(f"{folder}: no activities found ({skipped} file{'s' if skipped != 1 else ''} skipped)")
    load = build_load(export, settings, as_of=as_of)
    athlete = athlete_name(folder, settings)
    report = run_rules(load, athlete=athlete, select=select)
    diary = None
    if diary_path:
        diary = pain_report(read_diary(diary_path), load, report.flags, window_days=settings.pain_window_days,
                            gap_days=settings.pain_gap_days, rule_names={c: r.name for c, r in BY_CODE.items()})
    return Analysis(athlete, settings, export, load, report.flags, report.not_run, report.thresholds,
                    list(load.notes) + (diary.diary.problems if diary else []), diary)


@dataclass
class Roster:
    """A squad: one analysis per athlete folder, and the folders that gave none."""

    analyses: dict[str, Analysis]
    failed: dict[str, str]  # folder name -> why it has no analysis


def analyze_roster(folder: str | Path, *, as_of=None, select: list[str] | None = None,
                   progress: Callable[[str, int, int, str], None] | None = None,
                   cache: bool | str | Path = True, timezone: str | None = None,
                   config: str | Path | None = None) -> Roster:
    """Analyse every athlete of a coach's folder: each sub-folder is one athlete.

    Each athlete's own ``riskload.toml`` holds their settings. A folder that
    cannot be analysed (no activities, bad settings) is listed in
    ``failed`` with the reason and never stops the others.

    Parameters
    ----------
    folder : str or Path
        The squad folder.
    as_of : date, optional
        One analysis day for everyone (default today), so that "this week"
        is the same week for the whole squad.
    select : list of str, optional
        Rule codes to run.
    progress : callable, optional
        Called as ``progress(athlete_folder, done, total, path)``.
    cache : bool, str or Path
        The cache of decoded files, shared by all athletes.
    timezone : str, optional
        The time zone of the athletes whose settings give none (a squad
        that trains in one city); an athlete's own setting wins.
    config : str or Path, optional
        The settings of the athletes whose folder holds no ``riskload.toml``.
        They are the squad's, so they may not name an athlete or a pain diary.

    Raises
    ------
    RiskloadError
        ``folder`` is not a folder, or the cache folder lies inside it.
    ConfigError
        ``config`` cannot be read, names an athlete or a pain diary, or holds a wrong threshold.
    """
    root = export_root(folder)
    if cache not in (True, False):
        check_outside(cache, root)  # inside, it would be taken for an athlete's folder
    squad = load_settings(config) if config is not None else Settings()
    if squad.name or squad.pain_diary:
        raise ConfigError(f"{Path(config).name}: a squad's settings name no athlete and no pain diary "
                          "(those go in the athlete's own riskload.toml)")
    rule_thresholds(squad)  # wrong, they are the squad's error, said once, not an athlete's each
    analyses, failed = {}, {}
    for sub in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        report = (lambda done, total, path, name=sub.name: progress(name, done, total, path)) if progress else None
        try:
            settings = load_settings(None, sub) if (sub / SETTINGS_FILE).is_file() else squad
            if settings.timezone is None and timezone is not None:
                settings = replace(settings, timezone=check_timezone(timezone))
            analyses[sub.name] = analyze(sub, settings=settings, as_of=as_of, select=select, progress=report,
                                         cache=cache)
        except RiskloadError as exc:
            failed[sub.name] = str(exc)
    return Roster(analyses, failed)
