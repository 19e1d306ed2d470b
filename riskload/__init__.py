"""riskload: training-load injury-risk analysis from a runner's activity files."""

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
from .analysis import Analysis, analyze
from .load import Load, build_load
from .rules import RULES, run_rules
from .settings import Settings, load_settings

__version__ = "0.1.0"

__all__ = [
    "RULES",
    "ActivityFileError",
    "Analysis",
    "ConfigError",
    "CorruptFileError",
    "DataQualityWarning",
    "Export",
    "Load",
    "NoActivityDataError",
    "NotAnActivityError",
    "RiskloadError",
    "Settings",
    "UnsupportedFormatError",
    "__version__",
    "analyze",
    "build_load",
    "load_settings",
    "parse_bytes",
    "read_export",
    "read_file",
    "run_rules",
]
