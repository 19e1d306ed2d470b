"""riskload: training-load injury-risk analysis from a runner's activity files."""

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
from .importers import Export, parse_bytes, read_export, read_file
from .analysis import Analysis, Roster, analyze, analyze_roster
from .load import Load, build_load
from .plan import check_plan, read_plan
from .safe_envelope import envelope
from .rules import RULES, run_rules
from .settings import Settings, load_settings
from . import report
from .report import main_figure, week_figure, write_report

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
