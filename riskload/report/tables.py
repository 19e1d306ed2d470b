"""The analysis as machine-readable tables: CSV for spreadsheets, JSON for programs.

Column names carry their units and values stay metric whatever the report's
display units, so a script reading them never has to guess.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..output import write_bytes
from .diary import pain_tables
from ..safetext import json_text, printable

TABLES = ("flags", "weekly", "activities")


def tables(analysis) -> dict[str, pd.DataFrame]:
    """The flags, the weekly load and the activities, each as a flat frame; with a pain diary also
    its episodes and back-test (:func:`~riskload.report.diary.pain_tables`)."""
    weekly = analysis.load.weekly.reset_index()
    return {"flags": analysis.flags.reset_index(drop=True), "weekly": weekly,
            "activities": analysis.load.activities.reset_index(drop=True), **pain_tables(analysis.pain)}


def to_csv(frame: pd.DataFrame) -> str:
    """CSV text; lists (a flag's activity ids) are joined with ``;``, control characters shown as escapes."""
    flat = frame.copy()
    for column in flat.columns:
        if not (flat[column].dtype == object or isinstance(flat[column].dtype, pd.StringDtype)):
            continue
        if any(isinstance(v, list) for v in flat[column]):
            flat[column] = flat[column].map(lambda v: ";".join(map(str, v)) if isinstance(v, list) else v)
        flat[column] = flat[column].map(lambda v: printable(v) if isinstance(v, str) else v)
    return flat.to_csv(index=False, date_format="%Y-%m-%dT%H:%M:%S%z")


def to_records(frame: pd.DataFrame) -> list[dict]:
    """Plain records: dates as ISO text (days without a time as ``YYYY-MM-DD``), NaN as None."""
    columns = {name: _plain_column(frame[name]) for name in frame.columns}
    return [dict(zip(columns, row)) for row in zip(*columns.values())]


def to_json(frame: pd.DataFrame) -> str:
    """JSON text of :func:`to_records`, one record per line."""
    lines = [json.dumps(record, ensure_ascii=False) for record in to_records(frame)]
    return json_text("[\n" + ",\n".join(lines) + "\n]\n")


def _plain_column(values: pd.Series) -> list:
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return [None if pd.isna(v) else v.isoformat() for v in values]
    if pd.api.types.is_datetime64_any_dtype(values):
        dates = pd.DatetimeIndex(values)
        whole_days = bool((dates.dropna() == dates.dropna().normalize()).all())
        return [None if pd.isna(v) else (f"{v:%Y-%m-%d}" if whole_days else v.isoformat()) for v in dates]
    if isinstance(values.dtype, np.dtype) and values.dtype.kind == "f":
        numbers = values.to_numpy()
        plain = numbers.astype(object)
        plain[~np.isfinite(numbers)] = None
        return plain.tolist()
    if isinstance(values.dtype, np.dtype) and values.dtype.kind in "iub":
        return values.tolist()
    return [_plain(v) for v in values]


def _plain(value):
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not np.isfinite(value) else float(value)
    if value is pd.NA or value is pd.NaT or value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def write_tables(analysis, folder: str | Path, formats=("csv", "json")) -> list[Path]:
    """Write the :func:`tables` in each of ``formats`` into ``folder``.

    Returns
    -------
    list of Path
        The files written.
    """
    written = []
    for name, frame in tables(analysis).items():
        for fmt in formats:
            path = Path(folder) / f"{name}.{fmt}"
            if fmt == "csv":
                data = to_csv(frame)
            else:
                data = to_json(frame)
            write_bytes(path, data.encode("utf-8"))
            written.append(path)
    return written
