"""One file's bytes to its activities: the per-file step, a pure function.

The result depends on the bytes alone (the path only appears in messages), so
the cache, keyed by content, and the process pool wrap :func:`parse_file`
without changing it.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..columns import SAMPLE_COLUMNS, conform, empty_frame
from ..errors import ActivityFileError, CorruptFileError, NoActivityDataError, UnsupportedFormatError
from ..memory import release_freed_memory
from ..timeline import latest_plausible, plausible_parts, summarize
from .fit import read_fit
from .gpx import read_gpx
from .tcx import read_tcx
from .walk import ZIP_STARTS, Source, expand
from .xmlsafe import root_name

#: Largest activity file riskload reads [bytes], as a file, an archive member or a gzip member inflated: ten
#: times the largest real activity in the test corpus would still fit; a gzip bomb, or a video, does not.
MAX_INFLATED_BYTES = 256 * 1024 * 1024

#: XML documents riskload recognises but does not read, by root element.
KNOWN_XML = {"sml": "Suunto SML", "pwx": "TrainingPeaks PWX", "FitnessWorkbook": "SportTracks FITLOG"}

#: Root elements of TCX documents, whole (the first) or with the root lost.
TCX_ROOTS = ("TrainingCenterDatabase", "Activities", "Activity")

#: Order of preference between formats when the same activity comes twice.
FORMAT_RANK = {"fit": 3, "tcx": 2, "gpx": 1}


@dataclass
class ParsedActivity:
    """One activity of a file: its row (a dict of activity columns) and its samples.

    The samples are kept as one array per column of
    :data:`~riskload.columns.SAMPLE_COLUMNS` but ``activity_id`` (the row's),
    with ``timestamp`` as UTC ``datetime64[ns]``: thousands of activities are
    then put together, or written to and read from the cache, column by
    column rather than frame by frame.
    """

    row: dict
    columns: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.columns["timestamp"])

    @property
    def samples(self) -> pd.DataFrame:
        """The samples as a table (without ``activity_id``)."""
        return samples_frame([self.columns])


#: The sample columns an activity carries as arrays.
SAMPLE_ARRAYS = [name for name in SAMPLE_COLUMNS if name != "activity_id"]


def sample_arrays(samples: pd.DataFrame) -> dict[str, np.ndarray]:
    """Tidy samples (:func:`riskload.timeline.tidy_samples`) as the arrays of :attr:`ParsedActivity.columns`."""
    columns = {name: samples[name].to_numpy() for name in SAMPLE_ARRAYS if name != "timestamp"}
    columns["timestamp"] = samples["timestamp"].dt.tz_convert(None).to_numpy("datetime64[ns]")
    return columns


#: Bytes of one sample row in the table, at most (8 for each number).
ROW_BYTES = 8 * len(SAMPLE_ARRAYS)

#: Bytes copied into the joined table between two returns of freed memory to the system.
RELEASE_EVERY_BYTES = 64 * 1024 * 1024


@dataclass
class SampleParts:
    """The samples of many activities before they are joined: each activity's own column arrays.

    A long history's samples are written to the cache's snapshot from these
    pieces (:meth:`column`), so that the joined table need not exist beside them.

    Attributes
    ----------
    ids : ndarray of str
        The activity ids, sorted: the categories of ``activity_id``.
    codes : ndarray of int
        Each sample's activity, as its position in ``ids``.
    parts : list of dict
        Each activity's :attr:`ParsedActivity.columns`, in the order of the samples.
    """

    ids: np.ndarray
    codes: np.ndarray
    parts: list[dict[str, np.ndarray]]

    def __len__(self) -> int:
        return len(self.codes)

    def column(self, name: str) -> list[np.ndarray]:
        """The column ``name`` of :data:`SAMPLE_ARRAYS` as one contiguous array per activity, in the table's
        type (``timestamp`` as its nanoseconds since 1970)."""
        if name == "timestamp":
            return [np.ascontiguousarray(part[name]).view("int64") for part in self.parts]
        dtype = np.dtype(SAMPLE_COLUMNS[name])
        return [np.ascontiguousarray(part[name], dtype=dtype) for part in self.parts]

    def frame(self) -> pd.DataFrame:
        """The joined table (:data:`~riskload.columns.SAMPLE_COLUMNS`); the parts are emptied as it is built."""
        if not self.parts:
            return empty_frame(SAMPLE_COLUMNS)
        frame = samples_frame(self.parts, take=True)
        frame.insert(0, "activity_id", pd.Categorical.from_codes(self.codes, categories=self.ids))
        return conform(frame, SAMPLE_COLUMNS)


def samples_frame(parts: list[dict[str, np.ndarray]], *, take: bool = False) -> pd.DataFrame:
    """One samples table (without ``activity_id``) from the column arrays of several activities.

    With ``take``, each part is emptied once it is copied into the table, and
    the memory it held given back every :data:`RELEASE_EVERY_BYTES`, so that
    a long history is never held twice (a part read from the cache is a view
    of its entry's bytes, which live until the part's last column goes).
    """
    if len(parts) == 1 and not take:
        frame = pd.DataFrame({name: parts[0][name] for name in SAMPLE_ARRAYS}, copy=True)
    else:
        total = sum(len(part["timestamp"]) for part in parts)
        columns = {name: np.empty(total, dtype=np.result_type(*{part[name].dtype for part in parts}))
                   for name in SAMPLE_ARRAYS}
        start = copied = 0
        for part in parts:
            end = start + len(part["timestamp"])
            for name, column in columns.items():
                column[start:end] = part[name]
            if take:
                part.clear()
                copied += (end - start) * ROW_BYTES
                if copied >= RELEASE_EVERY_BYTES:
                    release_freed_memory()
                    copied = 0
            start = end
        frame = pd.DataFrame(columns, copy=False)
    frame["timestamp"] = pd.DatetimeIndex(frame["timestamp"].to_numpy("datetime64[ns]")).tz_localize("UTC")
    return frame


#: The start of a JSON object or array; a TOML table (``[profile]``) starts with a bracket too.
_JSON_START = re.compile(rb'[{\[]\s*(?:["{\[\]}\-0-9]|true|false|null)')


def sniff(data: bytes) -> str:
    """The format of ``data`` judged by content, never by name.

    Returns one of ``fit``, ``gzip``, ``zip``, ``gpx``, ``tcx``, ``empty``,
    or a description of an unsupported format.
    """
    if not data.strip():
        return "empty"
    if data[:2] == b"\x1f\x8b":
        return "gzip"
    if data[:4] in ZIP_STARTS:
        return "zip"
    if len(data) >= 12 and data[8:12] == b".FIT":
        return "fit"
    head = data[:4096].lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n")
    if head.startswith(b"<"):
        root = root_name(head)
        if root == "gpx":
            return "gpx"
        if root in TCX_ROOTS or b"TrainingCenterDatabase" in head:
            return "tcx"
        return KNOWN_XML.get(root, f"XML <{root}>" if root else "XML")
    if _JSON_START.match(head):
        return "JSON"
    return "unknown"


def gunzip(data: bytes, path: str) -> bytes:
    """Inflate gzip data, refusing more than :data:`MAX_INFLATED_BYTES`."""
    inflater = zlib.decompressobj(wbits=47)
    try:
        out = inflater.decompress(data, MAX_INFLATED_BYTES)
    except zlib.error as exc:
        raise CorruptFileError(path, f"broken gzip data ({exc})") from exc
    if inflater.unconsumed_tail:
        raise _too_large(path)
    return out


def _too_large(path: str) -> CorruptFileError:
    return CorruptFileError(path, f"refused: inflates to more than {MAX_INFLATED_BYTES // 2**20} MiB")


#: Compressed bytes fed to the inflater at a time when broken gzip data is read up to its damage.
SALVAGE_STEP = 1024


def gunzip_salvaging(data: bytes, path: str) -> tuple[bytes, str]:
    """:func:`gunzip` and "", or, for gzip data broken midway (a bad sector, a download gone wrong), what
    inflates before the damage and the damage; broken data with no activity file before the damage raises as
    :func:`gunzip` does."""
    try:
        return gunzip(data, path), ""
    except CorruptFileError as exc:
        damage = exc.__cause__
        if not isinstance(damage, zlib.error):
            raise  # refused for its size
        inflater, kept = zlib.decompressobj(wbits=47), bytearray()
        for start in range(0, len(data), SALVAGE_STEP):
            try:
                kept += inflater.decompress(data[start:start + SALVAGE_STEP])
            except zlib.error:
                break
            if len(kept) > MAX_INFLATED_BYTES:
                raise _too_large(path) from None
        kept = bytes(kept)
        if sniff(kept) not in ("fit", "gpx", "tcx"):
            raise
        return kept, str(damage)


def activity_id(payload: bytes, index: int) -> str:
    """A stable id: a digest of the file's content, and the activity's place in it."""
    return f"{hashlib.sha1(payload).hexdigest()[:12]}-{index}"


#: What one file gave: per source in it (itself, or each archive member), its
#: path and its activities, or the error that skipped it.
Outcomes = list[tuple[str, "list[ParsedActivity] | ActivityFileError"]]


def parse_file(path: str, data: bytes) -> Outcomes:
    """Each source in one file of an export (the file, or each member of an archive, see
    :func:`~riskload.importers.walk.expand`): its activities (:func:`parse_bytes`), or the
    :class:`~riskload.errors.ActivityFileError` that skips it.

    Unpacking or a decoder failing in a way riskload does not expect (a bug)
    costs that one source, listed with the exception, never the rest of the
    import.
    """
    try:
        sources = list(expand(path, data))
    except Exception as exc:  # noqa: BLE001 - see the docstring
        sources = [Source(path, error=_bug(path, "unpack", exc))]
    outcomes: Outcomes = []
    for source in sources:
        try:
            if source.error:
                raise source.error
            outcomes.append((source.path, parse_bytes(source.data, source.path)))
        except ActivityFileError as exc:
            outcomes.append((source.path, exc))
        except Exception as exc:  # noqa: BLE001 - see the docstring
            outcomes.append((source.path, _bug(source.path, "decode", exc)))
    return outcomes


def _bug(path: str, what: str, exc: Exception) -> CorruptFileError:
    return CorruptFileError(path, f"riskload could not {what} it ({type(exc).__name__}: {exc}); "
                                  "please report this file")


def parse_bytes(data: bytes, path: str = "<bytes>") -> list[ParsedActivity]:
    """Every activity in one file's bytes, summarised, with its samples.

    Parameters
    ----------
    data : bytes
        A FIT, GPX or TCX file, possibly gzipped.
    path : str
        For messages only.

    Raises
    ------
    ActivityFileError
        A subclass naming why nothing could be used.
    """
    kind, damage = sniff(data), ""
    if kind == "gzip":
        data, damage = gunzip_salvaging(data, path)
        kind = sniff(data)
    readers = {"fit": read_fit, "gpx": read_gpx, "tcx": read_tcx}
    if kind == "empty":
        raise NoActivityDataError(path, "the file is empty")
    if kind == "zip":
        raise UnsupportedFormatError(path, "a zip archive inside a gzip file")
    if kind == "unknown":
        name = path.rsplit("/", 1)[-1]
        suffix = name.rpartition(".")[2].lower() if "." in name else ""
        if suffix == "fit" and len(data) < 12:
            raise CorruptFileError(path, f"too short to be a FIT file ({len(data)} bytes; a FIT header alone is 12)")
        if suffix in readers:
            raise UnsupportedFormatError(path, f"unsupported format: named .{suffix}, but its content is not a FIT, "
                                               "GPX or TCX file")
        kind = f".{suffix} file" if suffix else "no recognisable content"
    if kind not in readers:
        raise UnsupportedFormatError(path, f"unsupported format ({kind})")
    try:
        raws = readers[kind](data, path)
    except ActivityFileError as exc:
        if not damage:
            raise
        raise CorruptFileError(path, f"broken gzip data ({damage}); nothing in the {len(data):,} bytes unpacked "
                                     f"before the damage could be read ({exc.reason})") from exc
    for raw in raws if damage else []:
        raw.notes.append(f"the gzip data is broken ({damage}): the {len(data):,} bytes unpacked before the damage "
                         "were read")
        raw.partial = True
    parsed = summarize_all(raws, data, kind, path=path)
    if not parsed:
        raise NoActivityDataError(path, "nothing was recorded: no duration and no distance")
    return parsed


def summarize_all(raws, payload: bytes, kind: str, path: str = "<memory>") -> list[ParsedActivity]:
    """Summarise the activities a reader extracted from ``payload``.

    Activities with neither duration nor distance are dropped, and so are
    those that start in the future (a device clock set wrong); ids are
    derived from ``payload`` and each activity's place in it.

    Raises
    ------
    NoActivityDataError
        Every activity starts in the future.
    """
    parsed, future = [], []
    latest = latest_plausible()
    parts = [part for raw in raws for part in plausible_parts(raw)]
    for index, raw in enumerate(parts):
        columns = sample_arrays(raw.samples)
        row = summarize(raw, columns)
        if row["start_time"] > latest:
            future.append(row["start_time"])
            continue
        if row["elapsed_time_s"] <= 0 and row["distance_m"] <= 0:
            continue
        row["activity_id"] = activity_id(payload, index)
        row["source_format"] = kind
        row["richness"] = _richness(columns, kind, row["partial"])
        parsed.append(ParsedActivity(row, columns))
    if future and not parsed:
        raise NoActivityDataError(path, f"dated {future[0]:%Y-%m-%d}, in the future: the device clock was set wrong")
    return parsed


def _richness(columns: dict[str, np.ndarray], kind: str, partial: bool) -> tuple:
    channels = ("latitude_deg", "altitude_m", "heart_rate_bpm", "cadence_spm", "power_w", "distance_m")
    present = sum(int(not np.isnan(columns[c]).all()) for c in channels)
    return (not partial, present, FORMAT_RANK.get(kind, 0), len(columns["timestamp"]))
