"""One call from an export folder to its load tables and flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from .importers.export import Export, read_export
from .load import Load, build_load
from .rules import run_rules
from .settings import Settings, load_settings


@dataclass
class Analysis:
    """Everything riskload knows about one athlete's export."""

    athlete: str
    settings: Settings
    export: Export
    load: Load
    flags: pd.DataFrame
    not_run: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def analyze(folder: str | Path, *, config: str | Path | None = None, settings: Settings | None = None,
            timezone: str | None = None, as_of=None, select: list[str] | None = None,
            progress: Callable[[str], None] | None = None) -> Analysis:
    """Import an export folder, build its load, and run the rules.

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
        The day of the analysis (default today); its week is unfinished.
    select : list of str, optional
        Rule codes to run (default: all enabled).
    progress : callable, optional
        Called with each file's path as it is read.
    """
    settings = settings if settings is not None else load_settings(config, folder)
    export = read_export(folder, timezone=timezone or settings.timezone, progress=progress)
    load = build_load(export, settings, as_of=as_of)
    athlete = settings.name or Path(folder).resolve().name
    report = run_rules(load, athlete=athlete, select=select)
    return Analysis(athlete, settings, export, load, report.flags, report.not_run, list(load.notes))
