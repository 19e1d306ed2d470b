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

__version__ = "0.1.0"

__all__ = [
    "ActivityFileError",
    "ConfigError",
    "CorruptFileError",
    "DataQualityWarning",
    "Export",
    "NoActivityDataError",
    "NotAnActivityError",
    "RiskloadError",
    "UnsupportedFormatError",
    "__version__",
    "parse_bytes",
    "read_export",
    "read_file",
]
