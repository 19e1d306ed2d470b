"""Strava bulk exports: names, types and gear from ``activities.csv``, and the activities it lists without a file."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
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
    "date": ("Activity Date",),
    "distance": ("Distance",),
}


#: The kind, among the skipped, of a row that names no file: an activity, not a file, that is not in the load.
WITHOUT_FILE = "listed without a file"


@dataclass
class ActivityList:
    """What a Strava ``activities.csv`` says.

    Attributes
    ----------
    by_file : dict
        The rows that name a file, keyed by its path:
        ``{"activities/123.fit.gz": {"name": ..., "type": ..., "gear": ...}}``.
    without_file : list of dict
        The rows that name none (entered by hand, or a file the export left
        out), as the CSV gives them: nothing riskload can read, so each is
        listed among the skipped.
    """

    by_file: dict[str, dict[str, str]] = field(default_factory=dict)
    without_file: list[dict[str, str]] = field(default_factory=list)

    def skipped(self) -> list[dict]:
        """A row of the skipped-files table for each row without a file."""
        return [{"path": f"activities.csv, Activity ID {row['strava_id'] or '?'}", "kind": WITHOUT_FILE,
                 "reason": f"{row['type'] or 'An activity'} on {row['date'] or '?'}, "
                           f"Distance {row['distance'] or '?'}: entered by hand, or its file was not exported; "
                           "riskload counts only activities it can read from a file, so this one is not in the load"}
                for row in self.without_file]


def read_activities_csv(path: Path) -> ActivityList:
    """The rows of a Strava ``activities.csv``: those that name a file, keyed by it, and those that do not.

    A CSV without a ``Filename`` column (an export too old to link rows to
    files) gives neither: its rows cannot be told apart.
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
    found = ActivityList()
    if "filename" not in where:
        return found
    for record in reader:
        def cell(key: str) -> str:
            i = where.get(key)
            return record[i].strip() if i is not None and i < len(record) else ""

        filename = cell("filename")
        if filename:
            found.by_file[normalize_name(filename)] = {k: cell(k) for k in ("name", "type", "gear", "strava_id")}
        elif any(record):
            found.without_file.append({k: cell(k) for k in ("strava_id", "date", "type", "distance")})
    return found


def normalize_name(path: str) -> str:
    """A file name as the CSV and the folder walk can both spell it: whether or not the user unpacked the
    export's ``.gz`` files, which Strava lists packed."""
    name = path.replace("\\", "/").lstrip("./").lower()
    return name.removesuffix(".gz")
