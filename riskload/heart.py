"""Heart-rate settings and Banister's training impulse (TRIMP)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .wording import counted

#: Resting heart rate assumed when neither the settings nor the watch give one
#: [bpm]; the report says it was assumed.
ASSUMED_RESTING_HR_BPM = 60.0
#: The watch profiles that give the resting rate: those of the last year of the history [days].
PROFILE_DAYS = 365

#: Banister's weighting y = a * exp(b * x) of the heart-rate reserve fraction x,
#: per sex (Banister 1991; Morton, Fitz-Clarke & Banister 1990, J Appl Physiol 69:1171).
TRIMP_WEIGHTS = {"male": (0.64, 1.92), "female": (0.86, 1.67)}


@dataclass(frozen=True)
class HeartRateSettings:
    """The heart-rate figures the load uses, and where each came from."""

    max_bpm: float | None
    resting_bpm: float
    sex: str | None
    max_source: str  # "settings", "estimated from the data", "unknown"
    resting_source: str  # "settings", "from the watch ...", or "assumed"

    def reserve_bpm(self, fraction: float) -> float | None:
        """The heart rate ``fraction`` of the way from resting to maximum (Karvonen); None without a maximum."""
        if self.max_bpm is None:
            return None
        return self.resting_bpm + fraction * (self.max_bpm - self.resting_bpm)


def estimate_max_hr_bpm(peaks_bpm: pd.Series) -> float | None:
    """The highest heart rate the data supports, robust to single spikes.

    Heuristic: the highest of the runs' 99.5th percentiles (``peaks_bpm``,
    :func:`riskload.records.heart_rate_peaks_bpm`), so a few seconds of strap
    noise do not count. It is a lower bound of the true maximum unless the
    athlete raced or ran all-out.
    """
    return float(peaks_bpm.max()) if peaks_bpm.notna().any() else None


def profile_resting_hr_bpm(activities: pd.DataFrame) -> tuple[float, int] | None:
    """The runner's resting heart rate as their watch measured it, and from how many files.

    The median of the resting rates the files' user profiles carry
    (``profile_resting_hr_bpm``), over the last :data:`PROFILE_DAYS` days of
    the files that carry one, since it drifts with fitness over the years.
    """
    column = activities.get("profile_resting_hr_bpm")
    if column is None or column.notna().sum() == 0:
        return None
    dated = activities.loc[column.notna(), ["start_time", "profile_resting_hr_bpm"]]
    recent = dated[dated["start_time"] >= dated["start_time"].max() - pd.Timedelta(days=PROFILE_DAYS)]
    return float(recent["profile_resting_hr_bpm"].median()), len(recent)


def resolve(settings, peaks_bpm: pd.Series, activities: pd.DataFrame | None = None) -> HeartRateSettings:
    """Heart-rate settings from the athlete settings, else estimated from the data or the watch, else assumed.

    The maximum comes from the settings or :func:`estimate_max_hr_bpm`; the
    resting rate from the settings, the watch's own measurement in the files
    (:func:`profile_resting_hr_bpm`, over ``activities``), or
    :data:`ASSUMED_RESTING_HR_BPM`.
    """
    if settings.max_hr_bpm is not None:
        max_bpm, max_source = settings.max_hr_bpm, "settings"
    else:
        max_bpm = estimate_max_hr_bpm(peaks_bpm)
        max_source = "estimated from the data" if max_bpm is not None else "unknown"
    watch = profile_resting_hr_bpm(activities) if activities is not None else None
    if settings.resting_hr_bpm is not None:
        resting, resting_source = settings.resting_hr_bpm, "settings"
    elif watch is not None and (max_bpm is None or watch[0] < max_bpm):
        resting = watch[0]
        resting_source = f"from the watch's profile, median of {counted(watch[1], 'file')}"
    else:
        resting, resting_source = ASSUMED_RESTING_HR_BPM, "assumed"
    return HeartRateSettings(max_bpm, resting, settings.sex, max_source, resting_source)


def trimp(heart_rate_bpm: np.ndarray, minutes: np.ndarray, hr: HeartRateSettings) -> np.ndarray:
    """Banister TRIMP of each record: minutes x reserve fraction x weighting.

    Records without heart rate contribute 0; reserve fractions are clipped
    to 0..1.
    """
    if hr.max_bpm is None:
        return np.zeros(len(minutes))
    reserve = np.clip((heart_rate_bpm - hr.resting_bpm) / (hr.max_bpm - hr.resting_bpm), 0.0, 1.0)
    if hr.sex in TRIMP_WEIGHTS:
        a, b = TRIMP_WEIGHTS[hr.sex]
        weight = a * np.exp(b * reserve)
    else:
        weight = np.mean([a * np.exp(b * reserve) for a, b in TRIMP_WEIGHTS.values()], axis=0)
    return np.nan_to_num(minutes * reserve * weight)
