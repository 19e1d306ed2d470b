"""Cadence units: steps per minute for every on-foot activity."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..columns import as_floats

#: A running cadence whose median is below this [1/min] is counted per leg
#: (strides); runners take 140-200 steps/min, i.e. 70-100 strides/min.
#: Heuristic for GPX and TCX, whose schemas do not fix the unit.
PER_LEG_BELOW = 120.0


def steps_per_minute(cadence: pd.Series, sport: str) -> pd.Series:
    """Cadence in steps/min from a GPX or TCX cadence of unknown unit.

    Garmin's ``RunCadence`` and most GPX ``cad`` values count one leg; some
    apps write steps. For running, a median below :data:`PER_LEG_BELOW`
    means per-leg values, which are doubled. Other on-foot sports are doubled
    when their median is below half of it (walking takes 90-130 steps/min).
    """
    values = as_floats(cadence)
    positive = values[values > 0]
    limit = PER_LEG_BELOW if sport == "running" else PER_LEG_BELOW / 2
    if not len(positive):
        values = np.full(len(values), np.nan)
    elif np.median(positive) < limit:
        values = values * 2.0
    return pd.Series(values, index=cadence.index)
