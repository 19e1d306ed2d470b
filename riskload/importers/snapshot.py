"""The whole of an unchanged export, kept in the cache as three tables.

The per-file entries of :mod:`riskload.importers.cache` make a re-import skip
decoding, but it still reads a thousand entries and joins their samples. When
not one file of the folder has changed since the last import, riskload
instead reads one *snapshot*: the activities (de-duplicated, not yet put in
local time, which depends on the time zone asked for), the samples and the
skipped files, exactly as they were assembled then.

A snapshot is named by the folder's *state*: a digest of the cache's index of
the folder (every file's stat and content digest), of ``activities.csv`` and
of the cache generation. Any change to any of them is another state, and the
snapshot is then written anew after a normal import. Like an entry, it
carries a checksum and is ignored, not trusted, when anything fails to match.

The format is a JSON head (column names, dtypes, string values) followed by
the raw numeric arrays. A cold import writes the samples straight from each
activity's own arrays (:class:`~riskload.importers.parse.SampleParts`).
Reading is one mapping of the file and one checksum, summed through short
windows of their own, and the columns are built on the mapping without a
copy: a column no step reads is never brought into memory.
"""

from __future__ import annotations

import hashlib
import json
import mmap
from pathlib import Path

import numpy as np
import pandas as pd

from ..columns import ACTIVITY_COLUMNS, SAMPLE_COLUMNS, SKIPPED_COLUMNS, conform
from ..errors import RiskloadError
from ..output import write_bytes
from .parse import SampleParts
from .cache import ActivityCache, file_body_crc, file_digest, generation, pack, packed_crc, stat_key, unpack

_MAGIC = b"RLSNAP01"

#: The tables of a snapshot and the schema each follows.
TABLES = {"activities": ACTIVITY_COLUMNS, "samples": SAMPLE_COLUMNS, "skipped": SKIPPED_COLUMNS}


def folder_state(cache: ActivityCache, folder: Path, files: list[str]) -> str | None:
    """The state of ``folder`` when every one of ``files`` is in the cache's index unchanged, else None."""
    index = cache.read_index(folder)
    if sorted(index) != sorted(files):
        return None
    for rel in files:
        try:
            if stat_key((folder / rel).stat()) != index[rel][0]:
                return None
        except OSError:
            return None
    csv = folder / "activities.csv"
    try:
        csv_digest = file_digest(csv.read_bytes()) if csv.is_file() else ""
    except OSError:
        return None
    body = json.dumps([generation(), csv_digest, sorted(index.items())]).encode()
    return hashlib.sha256(body).hexdigest()


def _path(cache: ActivityCache, folder: Path) -> Path:
    return cache.index_path(folder).with_suffix(".export")


def save(cache: ActivityCache, folder: Path, state: str, tables: dict[str, pd.DataFrame]) -> tuple[str, int | None]:
    """Keep ``tables`` as the snapshot of ``folder`` in ``state``.

    Returns
    -------
    (str, int or None)
        Why it could not be written (``""`` when it was), and the checksum
        of what was written, for :func:`load` to read it back without
        summing it again (None when it was not written).
    """
    columns, chunks, offset = {}, [], 0
    for name, spec in TABLES.items():
        table = tables[name] if isinstance(tables[name], SampleParts) else conform(tables[name], spec)
        described = []
        for column, dtype in spec.items():
            if dtype == "string":
                values = table[column]
                described.append({"json": values.astype(object).where(values.notna(), None).tolist()})
                continue
            item, pieces = _column_pieces(table, column, dtype)
            pieces = [np.ascontiguousarray(piece) for piece in pieces]
            chunks.extend(pieces)
            count = sum(piece.size for piece in pieces)
            described.append({**item, "dtype": _piece_dtype(pieces, dtype), "offset": offset, "count": count})
            offset += sum(piece.nbytes for piece in pieces)
        columns[name] = {"rows": len(table), "columns": described}
    parts = pack(_MAGIC, {"state": state, "tables": columns}, chunks)
    try:
        write_bytes(_path(cache, folder), parts)
    except RiskloadError as exc:
        return str(exc), None
    return "", packed_crc(parts[0])


def _column_pieces(table, column: str, dtype: str) -> tuple[dict, list[np.ndarray]]:
    """What the head says of one numeric column of ``table`` (a frame or :class:`SampleParts`), and its
    raw arrays, to be written one after another."""
    if isinstance(table, SampleParts):
        if column == "activity_id":
            return {"categories": table.ids.tolist()}, [table.codes]
        return {}, table.column(column)
    values = table[column]
    if dtype == "category":
        return {"categories": values.cat.categories.tolist()}, [values.cat.codes.to_numpy()]
    if dtype.startswith("datetime64"):
        return {}, [pd.DatetimeIndex(values).asi8]
    return {}, [values.to_numpy()]


def _piece_dtype(pieces: list[np.ndarray], dtype: str) -> str:
    """The numpy type of a column written as ``pieces`` (its type when there is none)."""
    if pieces:
        return pieces[0].dtype.str
    return np.dtype("int64" if dtype.startswith("datetime64") else "int8" if dtype == "category" else dtype).str


def load(cache: ActivityCache, folder: Path, state: str,
         written_crc: int | None = None) -> dict[str, pd.DataFrame] | None:
    """The snapshot of ``folder`` in ``state``; None when there is none or it is not trusted.

    ``written_crc``, the checksum :func:`save` gave in this process, spares
    summing a file just written (on a 14-year history, 1.6 GB: about a
    second); a snapshot read in a later run is always summed.
    """
    try:
        return _decode(_path(cache, folder), state, written_crc)
    except Exception:  # a damaged snapshot of any kind is a miss, and is written again
        return None


def _decode(path: Path, state: str, written_crc: int | None) -> dict[str, pd.DataFrame] | None:
    with open(path, "rb") as file:
        # a private mapping: pages come straight from the page cache, and the columns are
        # writable (a write copies the page) without the file ever changing
        mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_COPY)
        crc = file_body_crc(file) if written_crc is None else written_crc
    unpacked = unpack(mapped, _MAGIC, crc)
    if unpacked is None or unpacked[0]["state"] != state:
        return None
    meta, data = unpacked
    tables = {}
    for name, spec in TABLES.items():
        described = meta["tables"][name]
        columns = {}
        for (column, dtype), item in zip(spec.items(), described["columns"], strict=True):
            if "json" in item:
                columns[column] = pd.array(item["json"], dtype="string")
                continue
            raw = np.frombuffer(data, dtype=np.dtype(item["dtype"]), count=item["count"], offset=item["offset"])
            if dtype == "category":
                columns[column] = pd.Categorical.from_codes(raw, categories=item["categories"])
            elif dtype.startswith("datetime64"):
                stamps = pd.Series(raw.view("datetime64[ns]"), copy=False)
                columns[column] = stamps.dt.tz_localize("UTC") if dtype.endswith("UTC]") else stamps
            else:
                columns[column] = raw
        frame = pd.DataFrame(columns, copy=False)
        if len(frame) != described["rows"]:
            return None
        tables[name] = conform(frame, spec)
    return tables
