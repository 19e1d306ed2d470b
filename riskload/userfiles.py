"""Small CSV files a runner keeps beside an export (a pain diary, a planned week): read, never written."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from .errors import ConfigError


def read_text(path: str | Path, what: str) -> str:
    """The file's text (UTF-8, a spreadsheet's byte-order mark dropped).

    Raises
    ------
    ConfigError
        ``what`` (e.g. "pain diary") not found, or unreadable.
    """
    path = Path(path)
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError as exc:
        raise ConfigError(f"{what} not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path.name}: cannot read the {what} ({exc})") from exc


def csv_rows(text: str, aliases: dict[str, str] | None = None) -> tuple[list[str], Iterator[tuple[int, dict]]]:
    """The column names of a CSV's first line (lower case, spaces as ``_``, ``aliases`` applied) and its
    non-blank rows as ``(line number, {name: stripped cell})``."""
    reader = csv.reader(io.StringIO(text))
    names = [h.strip().lower().replace(" ", "_") for h in next(reader, None) or []]
    names = [(aliases or {}).get(n, n) for n in names]

    def rows():
        for row in reader:
            if any(cell.strip() for cell in row):
                yield reader.line_num, dict(zip(names, (cell.strip() for cell in row)))

    return names, rows()
