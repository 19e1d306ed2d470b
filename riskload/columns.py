"""Canonical column names of every table riskload builds, with their units.

Units live in the names (``_m``, ``_s``, ``_bpm``, ``_spm``...). Times are
tz-aware UTC unless the name says ``local``: local wall-clock times are naive
and belong to the athlete's own calendar.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: One row per recorded point, keyed by ``activity_id``.
SAMPLE_COLUMNS: dict[str, str] = {
    "activity_id": "category",
    "timestamp": "datetime64[ns, UTC]",
    "segment": "int32",
    "latitude_deg": "float64",
    "longitude_deg": "float64",
    "altitude_m": "float64",
    "altitude_smooth_m": "float64",
    "distance_m": "float64",
    "speed_m_s": "float64",
    "heart_rate_bpm": "float64",
    "cadence_spm": "float64",
    "power_w": "float64",
}

#: One row per activity.
ACTIVITY_COLUMNS: dict[str, str] = {
    "activity_id": "string",
    "session_id": "string",
    "source_path": "string",
    "source_format": "string",
    "sport": "string",
    "sub_sport": "string",
    "sport_raw": "string",
    "is_running": "bool",
    "start_time": "datetime64[ns, UTC]",
    "end_time": "datetime64[ns, UTC]",
    "utc_offset_min": "float64",
    "local_time_source": "string",
    "start_time_local": "datetime64[ns]",
    "local_date": "datetime64[ns]",
    "elapsed_time_s": "float64",
    "moving_time_s": "float64",
    "distance_m": "float64",
    "distance_source": "string",
    "ascent_m": "float64",
    "descent_m": "float64",
    "elevation_source": "string",
    "avg_heart_rate_bpm": "float64",
    "max_heart_rate_bpm": "float64",
    "avg_cadence_spm": "float64",
    "profile_resting_hr_bpm": "float64",
    "n_samples": "int64",
    "has_gps": "bool",
    "device": "string",
    "name": "string",
    "gear": "string",
    "partial": "bool",
    "quality_notes": "string",
}

#: One row per file (or archive member) that gave no activity.
SKIPPED_COLUMNS: dict[str, str] = {
    "path": "string",
    "kind": "string",
    "reason": "string",
}


def empty_frame(spec: dict[str, str]) -> pd.DataFrame:
    """An empty table with the columns and dtypes of ``spec``."""
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in spec.items()})


def as_floats(column: pd.Series | np.ndarray) -> np.ndarray:
    """A column (or an array) as floats, NaN where it holds no number (text that is not one, a missing value)."""
    if column.dtype.kind not in "biuf":
        column = pd.to_numeric(column, errors="coerce")
    if isinstance(column, np.ndarray):
        return column.astype(float, copy=False)
    return column.to_numpy(dtype=float, na_value=np.nan)


def conform(frame: pd.DataFrame, spec: dict[str, str]) -> pd.DataFrame:
    """Return ``frame`` with exactly the columns of ``spec``, in order and typed.

    Missing columns are added empty; extra columns are dropped.
    """
    out = {}
    for name, dtype in spec.items():
        if name not in frame:
            out[name] = absent(dtype, len(frame))
            continue
        column = frame[name]
        if str(column.dtype) == dtype:
            out[name] = column
        elif dtype == "string":
            out[name] = column.astype("string")
        elif dtype == "category":
            out[name] = column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype("category")
        elif dtype == "bool":
            out[name] = column.fillna(False).astype(bool)
        elif dtype.startswith("int"):
            out[name] = column.fillna(0).astype(dtype)
        elif dtype.startswith("datetime64[ns, UTC]"):
            out[name] = pd.to_datetime(column, utc=True).astype(dtype)
        elif dtype.startswith("datetime64"):
            out[name] = pd.to_datetime(column).astype(dtype)
        else:
            out[name] = pd.to_numeric(column, errors="coerce").astype(dtype)
    # copy=False: a column mapped from the cache stays mapped (a dict is copied by default)
    return pd.DataFrame({name: getattr(column, "array", column) for name, column in out.items()},
                        index=pd.RangeIndex(len(frame)), copy=False)


def typed_rows(rows: list[dict], spec: dict[str, str]) -> pd.DataFrame:
    """A table with the columns of ``spec`` from ``rows`` whose values already have their column's type (a
    Timestamp for a time, a str for text): each column is made in its type at once, where :func:`conform`
    would convert it from what pandas guessed. A column the first row lacks is added empty."""
    out = {}
    for name, dtype in spec.items():
        if not rows or name not in rows[0]:
            out[name] = absent(dtype, len(rows))
        elif dtype in ("string", "category") or dtype.startswith("datetime"):
            out[name] = pd.array([row[name] for row in rows], dtype=dtype)
        else:
            out[name] = np.array([row[name] for row in rows], dtype=dtype)
    return pd.DataFrame(out, index=pd.RangeIndex(len(rows)), copy=False)


def absent(dtype: str, rows: int):
    """A column of ``rows`` missing values of ``dtype``: False for a flag, 0 for a count, else NaN, NaT or NA."""
    if dtype == "bool" or dtype.startswith("int"):
        return np.zeros(rows, dtype=dtype)
    if dtype.startswith("float"):
        return np.full(rows, np.nan, dtype=dtype)
    if dtype == "category":
        return pd.Categorical([None] * rows, categories=pd.Index([], dtype=object))
    return pd.array([None] * rows, dtype=dtype)
