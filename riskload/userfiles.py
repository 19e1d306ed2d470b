"""Small CSV files a runner keeps beside an export (a pain diary, a planned week): read, never written."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from .errors import ConfigError


def read_text(path: str | Path, what: str) -> str:
    """The file's text, as spreadsheets save it: UTF-16 after its byte-order mark ("Unicode text"), else
    UTF-8 (a byte-order mark dropped), else Windows-1252 (a "CSV" saved by Excel in Western Europe).

    Raises
    ------
    ConfigError
        ``what`` (e.g. "pain diary") not found, or unreadable.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ConfigError(f"{what} not found: {path}") from exc
    except OSError as exc:
        raise ConfigError(f"{path.name}: cannot read the {what} ({exc.strerror or exc})") from exc
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


#: A number written with a decimal comma, as spreadsheets write them where ";" separates the cells.
_DECIMAL_COMMA = re.compile(r"-?\d+,\d+")


def csv_rows(text: str, aliases: dict[str, str] | None = None) -> tuple[list[str], Iterator[tuple[int, dict]]]:
    """The column names of a CSV's first line (lower case, spaces as ``_``, ``aliases`` applied) and its
    non-blank rows as ``(line number, {name: stripped cell})``.

    The cells are separated by commas, or by what the first line holds
    instead of any comma: a semicolon (as spreadsheets save a CSV where the
    comma marks decimals; a cell such as ``3,5`` is then read as ``3.5``) or
    a tab.
    """
    header = text.split("\n", 1)[0]
    delimiter = next((d for d in (";", "\t") if d in header and "," not in header), ",")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    names = [h.strip().lower().replace(" ", "_") for h in next(reader, None) or []]
    names = [(aliases or {}).get(n, n) for n in names]

    def cell(value: str) -> str:
        value = value.strip()
        return value.replace(",", ".") if delimiter == ";" and _DECIMAL_COMMA.fullmatch(value) else value

    def rows():
        for row in reader:
            if any(c.strip() for c in row):
                yield reader.line_num, dict(zip(names, (cell(c) for c in row)))

    return names, rows()


def day_of(text: str):
    """``YYYY-MM-DD`` as a Timestamp; anything else, a day that does not exist or another order (which
    would be ambiguous), is a ValueError saying so."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return pd.Timestamp(text)
    except ValueError:
        pass
    raise ValueError(f"date {text!r} is not a day written YYYY-MM-DD")
