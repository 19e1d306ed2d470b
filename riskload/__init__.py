"""riskload: training-load injury-risk analysis from a runner's activity files.

The public names below are imported when first used (:pep:`562`), so that a
process needing only part of riskload loads only that part: the import's
worker processes decode files without ever loading matplotlib, the report's
drawing library, whose import took about a second here.
"""

import importlib

__version__ = "0.1.0"

from .errors import (
    ActivityFileError,
    ConfigError,
    CorruptFileError,
    DataQualityWarning,
    NoActivityDataError,
    NotAnActivityError,
    RiskloadError,
    UnsupportedFormatError,
)

#: Each public name that is imported when first used, and the module that holds it.
_HOME = {
    "Export": "importers", "parse_bytes": "importers", "read_export": "importers", "read_file": "importers",
    "Analysis": "analysis", "Roster": "analysis", "analyze": "analysis", "analyze_roster": "analysis",
    "Load": "load", "build_load": "load",
    "check_plan": "plan", "read_plan": "plan",
    "envelope": "safe_envelope",
    "RULES": "rules", "run_rules": "rules",
    "Settings": "settings", "load_settings": "settings",
    "main_figure": "report", "week_figure": "report", "write_report": "report",
}


def __getattr__(name: str):
    if name == "report":
        return importlib.import_module(".report", __name__)
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "RULES",
    "ActivityFileError",
    "Analysis",
    "ConfigError",
    "CorruptFileError",
    "DataQualityWarning",
    "Export",
    "Load",
    "Roster",
    "NoActivityDataError",
    "NotAnActivityError",
    "RiskloadError",
    "Settings",
    "UnsupportedFormatError",
    "__version__",
    "analyze",
    "analyze_roster",
    "build_load",
    "check_plan",
    "envelope",
    "load_settings",
    "main_figure",
    "parse_bytes",
    "read_export",
    "read_file",
    "read_plan",
    "report",
    "run_rules",
    "week_figure",
    "write_report",
]
