"""The one exception family riskload raises, and its data-quality warning."""

from __future__ import annotations


class RiskloadError(Exception):
    """Base class of every error riskload raises on purpose."""


class ConfigError(RiskloadError):
    """A settings file or option holds an unknown key or a bad value."""


class ActivityFileError(RiskloadError):
    """A file that cannot be used as an activity.

    Parameters
    ----------
    path : str
        Where the file was found, relative to the export root when known.
    reason : str
        A sentence a runner can act on.

    Attributes
    ----------
    kind : str
        The group the skipped-files table and the CLI sort the file into.
    """

    kind = "unreadable"

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self):
        # rebuilt from both arguments, so the error survives a trip between processes
        return type(self), (self.path, self.reason)


class UnsupportedFormatError(ActivityFileError):
    """The file is not FIT, GPX or TCX (or a gzip/zip of them)."""

    kind = "unsupported format"


class NotAnActivityError(ActivityFileError):
    """A valid file that records no activity (settings, course, workout...)."""

    kind = "not an activity"


class NoActivityDataError(ActivityFileError):
    """An activity file with nothing usable in it (no points, no times)."""

    kind = "no activity data"


class CorruptFileError(ActivityFileError):
    """A file too damaged to recover anything from."""

    kind = "corrupt"


class DataQualityWarning(UserWarning):
    """Data that is odd but usable; the activity is kept and the note travels with it."""
