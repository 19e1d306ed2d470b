"""Athlete settings: a ``riskload.toml`` in the export folder, or a file given.

Example::

    [athlete]
    name = "Anna"
    timezone = "Europe/Vienna"
    max_hr_bpm = 186
    resting_hr_bpm = 50
    sex = "female"          # for the TRIMP weighting: female or male
    weekly_cap_km = 64      # RL008's cap
    units = "km"            # km or mi, for reports
    week_start = "monday"
    session_gap_min = 15    # recordings of one sport this close are one workout; 0: never joined

    [rules]
    disabled = ["RL011"]

    [rules.RL001]
    limit_pct = 8.0

    [pain]
    diary = "pain.csv"      # the runner's pain diary, relative to this file
    window_days = 14        # days before an episode whose flags are shown beside it
    episode_gap_days = 3    # pain-free days that still leave two pain days one episode

Every key is optional. An unknown key, or a value of the wrong kind, is a
:class:`~riskload.errors.ConfigError` that names it. Rule thresholds are
checked against the rule's own signature and defaults
(:func:`check_threshold`) before an export is read.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError
from .pain import EPISODE_GAP_DAYS, WINDOW_DAYS
from .sessions import SESSION_GAP_MIN
from .sports import SPORTS

SETTINGS_FILE = "riskload.toml"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Settings:
    """What riskload knows about the athlete, and how to judge their training."""

    name: str = ""
    timezone: str | None = None
    max_hr_bpm: float | None = None
    resting_hr_bpm: float | None = None
    sex: str | None = None
    weekly_cap_km: float | None = None
    units: str = "km"
    week_start: str = "monday"
    session_gap_min: float = SESSION_GAP_MIN
    untyped_sport: str = "other"  # the sport of activities whose files name none (an app's GPX without <type>)
    disabled_rules: tuple[str, ...] = ()
    rule_options: dict = field(default_factory=dict)  # {"RL001": {"limit_pct": 8.0}}
    pain_diary: str | None = None  # a path, relative paths resolved against the settings file's folder
    pain_window_days: int = WINDOW_DAYS
    pain_gap_days: int = EPISODE_GAP_DAYS
    source: str = ""  # the file read, for messages

    @property
    def week_start_day(self) -> int:
        """Monday 0 ... Sunday 6."""
        return WEEKDAYS.index(self.week_start)


def _number(where: str, value, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{where} must be a number, not {value!r}")
    if not low <= value <= high:
        raise ConfigError(f"{where} = {value} is outside {low:g}..{high:g}")
    return float(value)


#: Endings of the rule threshold names that are a span of time, and the longest each may be (ten years): a
#: window of no days, or a break of none, means nothing, and one of centuries cannot be counted.
SPANS = {"_days": 3653, "_weeks": 522}


def check_threshold(where: str, name: str, value, default: float) -> float:
    """A rule threshold from the settings, ``value``, checked against its ``default`` and typed like it.

    It must be a finite number (whole where the default is), not of the
    default's opposite sign (a negative gap or a steep descent uphill means
    nothing; 0 may switch a floor off, but not a grade, whose default is
    below 0), and a span of days or weeks (:data:`SPANS`) from 1 to ten years.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{where} must be a number, not {value!r}")
    if not math.isfinite(value):
        raise ConfigError(f"{where} must be a finite number, not {value!r}")
    if isinstance(default, int) and not float(value).is_integer():
        raise ConfigError(f"{where} must be a whole number, not {value!r}")
    if value * default < 0 or (default < 0 and value == 0):
        raise ConfigError(f"{where} = {value!r} must be {'at least' if default > 0 else 'below'} 0 "
                          f"(the default is {default!r})")
    longest = next((most for ending, most in SPANS.items() if name.endswith(ending)), None)
    if longest is not None and not 1 <= value <= longest:
        raise ConfigError(f"{where} = {value!r} is a span of time: from 1 to {longest}")
    return int(value) if isinstance(default, int) else float(value)


def _choice(where: str, value, choices) -> str:
    text = str(value).strip().lower()
    if text not in choices:
        raise ConfigError(f"{where} = {value!r}: expected one of {', '.join(choices)}")
    return text


def check_timezone(value, where: str = "time zone") -> str:
    """``value`` as an IANA time zone name, or :class:`ConfigError` naming ``where`` it came from."""
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ConfigError(f"{where} = {value!r} is not a known time zone (an IANA name such as Europe/Vienna)") from exc
    return str(value)


def _timezone(where: str, value) -> str:
    return check_timezone(value, where)


#: key -> how to check it; the names and ranges of the [athlete] table
ATHLETE_KEYS = {
    "name": lambda w, v: str(v),
    "timezone": _timezone,
    "max_hr_bpm": lambda w, v: _number(w, v, 100, 250),
    "resting_hr_bpm": lambda w, v: _number(w, v, 25, 120),
    "sex": lambda w, v: _choice(w, v, ("female", "male")),
    "weekly_cap_km": lambda w, v: _number(w, v, 1, 1000),
    "units": lambda w, v: _choice(w, v, ("km", "mi")),
    "week_start": lambda w, v: _choice(w, v, WEEKDAYS),
    "session_gap_min": lambda w, v: _number(w, v, 0, 120),
    "untyped_sport": lambda w, v: _choice(w, v, SPORTS),
}


def _whole(where: str, value, low: int, high: int) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ConfigError(f"{where} must be a whole number, not {value!r}")
    return int(_number(where, value, low, high))


#: key of the [pain] table -> (Settings field, how to check it)
PAIN_KEYS = {
    "diary": ("pain_diary", lambda w, v: str(v)),
    "window_days": ("pain_window_days", lambda w, v: _whole(w, v, 1, 90)),
    "episode_gap_days": ("pain_gap_days", lambda w, v: _whole(w, v, 0, 60)),
}


def parse_settings(data: dict, source: str = "settings", folder: str | Path | None = None) -> Settings:
    """Check a parsed TOML document and turn it into :class:`Settings`.

    A relative ``pain.diary`` is taken from ``folder`` (the settings file's own).
    """
    unknown = set(data) - {"athlete", "rules", "pain"}
    if unknown:
        raise ConfigError(f"{source}: unknown section {sorted(unknown)[0]!r} (known: athlete, rules, pain)")
    values: dict = {}
    athlete = _table(data.get("athlete", {}), f"{source}: [athlete]")
    for key, value in athlete.items():
        if key not in ATHLETE_KEYS:
            raise ConfigError(f"{source}: unknown key 'athlete.{key}' (known: {', '.join(ATHLETE_KEYS)})")
        values[key] = ATHLETE_KEYS[key](f"{source}: athlete.{key}", value)
    if (values.get("max_hr_bpm") is not None and values.get("resting_hr_bpm") is not None
            and values["resting_hr_bpm"] >= values["max_hr_bpm"]):
        raise ConfigError(f"{source}: athlete.resting_hr_bpm must be below athlete.max_hr_bpm")
    rules = dict(_table(data.get("rules", {}), f"{source}: [rules]"))
    disabled = rules.pop("disabled", [])
    if not isinstance(disabled, list) or not all(isinstance(c, str) for c in disabled):
        raise ConfigError(f"{source}: rules.disabled must be a list of rule codes, e.g. [\"RL011\"]")
    options = {}
    for code, table in rules.items():
        options[code.upper()] = dict(_table(table, f"{source}: [rules.{code}]"))
    for key, value in _table(data.get("pain", {}), f"{source}: [pain]").items():
        if key not in PAIN_KEYS:
            raise ConfigError(f"{source}: unknown key 'pain.{key}' (known: {', '.join(PAIN_KEYS)})")
        name, check = PAIN_KEYS[key]
        values[name] = check(f"{source}: pain.{key}", value)
    if values.get("pain_diary") and folder is not None:
        values["pain_diary"] = str(Path(folder) / Path(values["pain_diary"]).expanduser())
    return Settings(**values, disabled_rules=tuple(c.upper() for c in disabled), rule_options=options,
                    source=source)


def _table(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table of keys")
    return value


def diary_named_in(folder: str | Path) -> list[str]:
    """The pain diary the folder's own ``riskload.toml`` names, as a one-item list (empty when it names
    none or cannot be read; reading the settings reports that)."""
    try:
        diary = load_settings(None, folder).pain_diary
    except (ConfigError, OSError):
        return []
    return [diary] if diary else []


def load_settings(path: str | Path | None = None, folder: str | Path | None = None) -> Settings:
    """Read settings from ``path``, else from ``folder/riskload.toml``, else defaults.

    Raises
    ------
    ConfigError
        The file named by ``path`` is missing, is not valid TOML, or holds an
        unknown key or a bad value.
    """
    if path is None and folder is not None and (Path(folder) / SETTINGS_FILE).is_file():
        path = Path(folder) / SETTINGS_FILE
    if path is None:
        return Settings()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"settings file not found: {path}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path.name}: not valid TOML ({exc})") from exc
    return parse_settings(data, path.name, path.parent)
