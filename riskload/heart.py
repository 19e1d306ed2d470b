"""Heart-rate settings and Banister's training impulse (TRIMP)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Resting heart rate assumed when the settings give none [bpm]. Only TRIMP
#: uses it, and the report says it was assumed.
ASSUMED_RESTING_HR_BPM = 60.0

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
    resting_source: str  # "settings" or "assumed"

    def describe(self) -> str:
        """One sentence for reports: the figures and where they came from."""
        if self.max_bpm is None:
            return "No heart rate in the data: heart-rate rules and TRIMP could not run."
        weighting = self.sex or "sex not set, the mean of the female and male weightings"
        return (f"Maximum heart rate {self.max_bpm:.0f} bpm ({self.max_source}), resting "
                f"{self.resting_bpm:.0f} bpm ({self.resting_source}); TRIMP weighting: {weighting}.")


def estimate_max_hr_bpm(heart_rate_bpm: pd.Series, activity_id: pd.Series) -> float | None:
    """The highest heart rate the data supports, robust to single spikes.

    Heuristic: the highest over activities of each activity's 99.5th
    percentile, so a few seconds of strap noise do not count. It is a lower
    bound of the true maximum unless the athlete raced or ran all-out.
    """
    valid = heart_rate_bpm.notna()
    if not valid.any():
        return None
    per_activity = heart_rate_bpm[valid].groupby(activity_id[valid]).quantile(0.995)
    return float(per_activity.max())


def resolve(settings, heart_rate_bpm: pd.Series, activity_id: pd.Series) -> HeartRateSettings:
    """Heart-rate settings from the athlete settings, else estimated or assumed."""
    if settings.max_hr_bpm is not None:
        max_bpm, max_source = settings.max_hr_bpm, "settings"
    else:
        max_bpm = estimate_max_hr_bpm(heart_rate_bpm, activity_id)
        max_source = "estimated from the data" if max_bpm is not None else "unknown"
    if settings.resting_hr_bpm is not None:
        resting, resting_source = settings.resting_hr_bpm, "settings"
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
