"""Strava bulk exports: names, types and gear from ``activities.csv``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

#: The columns riskload takes, each under the names different export
#: generations used. Strava's header repeats names (``Distance``,
#: ``Elapsed Time``...): the first column of a name is the one taken.
WANTED = {
    "filename": ("Filename",),
    "name": ("Activity Name",),
    "type": ("Activity Type",),
    "gear": ("Activity Gear", "Gear"),
    "strava_id": ("Activity ID",),
}


def read_activities_csv(path: Path) -> dict[str, dict[str, str]]:
    """Rows of a Strava ``activities.csv`` keyed by their file path.

    Parameters
    ----------
    path : Path
        The CSV file.

    Returns
    -------
    dict
        ``{"activities/123.fit.gz": {"name": ..., "type": ..., "gear": ...}}``;
        empty when the file has no ``Filename`` column (manual entries only,
        or an export too old to link rows to files).
    """
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    where: dict[str, int] = {}
    for key, names in WANTED.items():
        for name in names:
            if name in header:
                where[key] = header.index(name)
                break
    if "filename" not in where:
        return {}
    rows = {}
    for record in reader:
        def cell(key: str) -> str:
            i = where.get(key)
            return record[i].strip() if i is not None and i < len(record) else ""

        filename = cell("filename")
        if filename:
            rows[normalize_name(filename)] = {k: cell(k) for k in ("name", "type", "gear", "strava_id")}
    return rows


def normalize_name(path: str) -> str:
    """A file name as the CSV and the folder walk can both spell it."""
    return path.replace("\\", "/").lstrip("./").lower()
