"""A cache of decoded activity files, kept outside the export folder.

Decoding is by far the slowest step of an import, and an export changes by a
file or two a week, so riskload keeps what each file gave:

* an **entry** per file *content* (a SHA-256 digest of its bytes): the
  activities with their samples, or the reason the file was skipped. A file
  that is renamed, moved or copied into another export is still a hit; a
  changed or replaced one has another digest and is decoded again.
* an **index** per export folder: each file's size, modification and change
  times and inode, with the digest they had. A file whose stat is unchanged is
  not even read; any difference sends it back to be hashed.
* a **snapshot** per export folder (:mod:`riskload.importers.snapshot`): the
  assembled tables, read instead of the entries while no file has changed.

Everything lives in a folder named after the *generation*: riskload's
version, its decoders' versions and a digest of the source of the import
modules (:func:`~riskload.sourcecode.code_digest`), so a cache made by other
import code is never trusted (older generations are removed), while a change
to the rules or the report keeps every decoded file.
Entries carry their generation, digest and a checksum, and anything that does
not check out is treated as missing and written again. Every file is written
to a temporary name and renamed, so a run killed at any point leaves only
whole files behind.
"""

from __future__ import annotations

import functools
import hashlib
import json
import mmap
import os
import shutil
import struct
import zlib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import platformdirs

from .. import errors
from ..errors import ActivityFileError, CorruptFileError, RiskloadError, UnsupportedFormatError
from ..output import check_outside, write_bytes
from ..sourcecode import code_digest
from .parse import MAX_INFLATED_BYTES, SAMPLE_ARRAYS, Outcomes, ParsedActivity, parse_file
from .walk import starts_as_zip

#: Environment variable naming the cache folder (the same as ``--cache-dir``).
CACHE_ENV = "RISKLOAD_CACHE_DIR"

_MAGIC = b"RLCACHE2"
_HEAD = struct.Struct("<8sQI")  # magic, length of the JSON part, CRC-32 of everything after the head
_TAG = "\x00type"


def default_cache_dir() -> Path:
    """Where the cache lives unless told otherwise.

    ``$RISKLOAD_CACHE_DIR`` if set; otherwise the platform's per-user cache
    folder for riskload, as :mod:`platformdirs` knows it (``~/.cache/riskload``
    or under ``$XDG_CACHE_HOME`` on Linux, ``~/Library/Caches/riskload`` on
    macOS, under ``%LOCALAPPDATA%`` on Windows).
    """
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return Path(platformdirs.user_cache_dir("riskload", appauthor=False))


#: The modules whose code decides what an export imports to (the rest is found from their imports).
IMPORT_MODULES = ("riskload.importers.export",)


@functools.cache
def generation() -> str:
    """A digest of everything that decides what a file decodes to: the decoders' versions and
    the import's own code (:func:`~riskload.sourcecode.code_digest` of :data:`IMPORT_MODULES`)."""
    digest = hashlib.sha256()
    for dist in ("riskload", "fitparse", "gpxpy", "pandas", "numpy"):
        try:
            digest.update(f"{dist}={metadata.version(dist)};".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{dist}=?;".encode())
    digest.update(code_digest(*IMPORT_MODULES).encode())
    return digest.hexdigest()[:16]


def file_digest(data: bytes) -> str:
    """The key of a file's entry: the SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()


def stat_key(stat: os.stat_result) -> list[int]:
    """What must stay the same for a file to be trusted unread: size, times and inode."""
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


@dataclass(frozen=True)
class ActivityCache:
    """The cache folder of one generation, below ``root``.

    Parameters
    ----------
    root : Path
        The cache folder (see :func:`default_cache_dir`).
    """

    root: Path

    @property
    def folder(self) -> Path:
        return self.root / generation()

    def prepare(self, export_folder: Path) -> None:
        """Check the cache may be used for ``export_folder``; drop other generations.

        Raises
        ------
        RiskloadError
            The cache folder is the export folder or inside it.
        """
        check_outside(self.root, export_folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tag = self.root / "CACHEDIR.TAG"
            if not tag.exists():
                write_bytes(tag, b"Signature: 8a477f597d28d172789f06886806bc55\n"
                                 b"# riskload's cache of decoded activity files; safe to delete.\n")
            others = list(self.root.iterdir())
        except (OSError, RiskloadError):
            return
        for other in others:
            if other.is_dir() and other.name != self.folder.name and len(other.name) == 16:
                shutil.rmtree(other, ignore_errors=True)

    # -- entries ---------------------------------------------------------

    def _entry_path(self, digest: str) -> Path:
        return self.folder / "files" / digest[:2] / f"{digest}.bin"

    def load(self, digest: str, path: str) -> Outcomes | None:
        """The outcomes cached for content ``digest``, found at ``path`` this time; None when missing or not trusted."""
        try:
            blob = self._entry_path(digest).read_bytes()
            return _decode_entry(blob, digest, path)
        except Exception:  # a damaged entry of any kind is a miss, and is written again
            return None

    def store(self, digest: str, path: str, outcomes: Outcomes) -> str:
        """Write the entry for ``digest``; returns why it could not be written, or ``""``."""
        try:
            write_bytes(self._entry_path(digest), _encode_entry(outcomes, digest, path))
        except RiskloadError as exc:
            return str(exc)
        return ""

    # -- per-folder index --------------------------------------------------

    def index_path(self, export_folder: Path) -> Path:
        key = hashlib.sha256(str(Path(export_folder).resolve()).encode()).hexdigest()[:24]
        return self.folder / "folders" / f"{key}.json"

    def read_index(self, export_folder: Path) -> dict[str, tuple[list[int], str]]:
        """``{relative path: (stat key, digest)}`` as last saved for this folder."""
        try:
            saved = json.loads(self.index_path(export_folder).read_bytes())
            if saved.get("generation") != generation():
                return {}
            return {rel: (list(item[0]), str(item[1])) for rel, item in saved["files"].items()}
        except Exception:  # missing or damaged: every file is hashed again
            return {}

    def load_unchanged(self, export_folder: Path, index: dict[str, tuple[list[int], str]]) -> dict[str, Outcomes]:
        """The outcomes of each file of ``index`` whose stat is still the one saved, from its entry,
        without reading the file (a file that changed, went or has no entry is left out)."""
        found = {}
        for rel, (key, digest) in index.items():
            try:
                if stat_key((Path(export_folder) / rel).stat()) != key:
                    continue
            except OSError:
                continue
            outcomes = self.load(digest, rel)
            if outcomes is not None:
                found[rel] = outcomes
        return found

    def write_index(self, export_folder: Path, files: dict[str, tuple[list[int], str]]) -> str:
        """Save the index; returns why it could not be written, or ``""``."""
        body = {"generation": generation(), "folder": str(Path(export_folder).resolve()),
                "files": {rel: [key, digest] for rel, (key, digest) in files.items()}}
        try:
            write_bytes(self.index_path(export_folder), json.dumps(body).encode())
        except RiskloadError as exc:
            return str(exc)
        return ""


@dataclass
class FileResult:
    """One file read: its outcomes, and what the cache needs to know of it.

    ``key`` is the file's stat key taken before it was read and ``digest``
    the digest of its bytes (both None when it could not be read);
    ``problem`` says why its cache entry could not be written.
    """

    outcomes: Outcomes
    key: list[int] | None = None
    digest: str | None = None
    decoded: bool = False
    problem: str = ""


def decode_file(root: Path, rel: str, cache: ActivityCache | None) -> FileResult:
    """Read one file of the export and parse it (:func:`~riskload.importers.parse.parse_file`), unless
    the cache has what its content gave: the cache's one wrapper around the per-file parse.
    ``cache=None`` always parses and keeps nothing."""
    path = Path(root) / rel
    try:
        stat = path.stat()
        if stat.st_size > MAX_INFLATED_BYTES and not starts_as_zip(path):  # an archive holds many
            return FileResult([(rel, UnsupportedFormatError(
                rel, f"{stat.st_size / 2**20:,.0f} MiB, larger than any activity file (riskload reads at most "
                     f"{MAX_INFLATED_BYTES // 2**20} MiB of one): not read"))])
        key = stat_key(stat)
        data = path.read_bytes()
    except OSError as exc:
        return FileResult([(rel, CorruptFileError(rel, f"could not be read ({exc.strerror or exc})"))])
    digest = file_digest(data)
    cached = cache.load(digest, rel) if cache else None
    if cached is not None:
        return FileResult(cached, key, digest)
    outcomes = parse_file(rel, data)
    problem = cache.store(digest, rel, outcomes) if cache else ""
    return FileResult(outcomes, key, digest, decoded=True, problem=problem)


def _encode_entry(outcomes: Outcomes, digest: str, path: str) -> bytes:
    sources, chunks, offset = [], [], 0
    for source_path, outcome in outcomes:
        member = source_path[len(path):] if source_path.startswith(path) else source_path
        if isinstance(outcome, ActivityFileError):
            sources.append({"member": member, "error": [type(outcome).__name__, outcome.reason]})
            continue
        activities = []
        for item in outcome:
            arrays = []
            for column in SAMPLE_ARRAYS:
                raw = np.ascontiguousarray(item.columns[column])
                chunks.append(raw.tobytes())
                arrays.append([column, raw.dtype.str, offset, raw.size])
                offset += raw.nbytes
            activities.append({"row": {k: _to_json(v) for k, v in item.row.items()}, "arrays": arrays})
        sources.append({"member": member, "activities": activities})
    return b"".join(pack(_MAGIC, {"digest": digest, "sources": sources}, chunks))


def pack(magic: bytes, meta: dict, chunks: list) -> list:
    """The parts of a cache file: a head (``magic``, the length of the JSON part, a
    CRC-32 of everything after the head), ``meta`` as JSON with the generation
    added, then the raw ``chunks`` (bytes or contiguous arrays)."""
    text = json.dumps({"generation": generation(), **meta}).encode()
    crc = zlib.crc32(text)
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
    return [_HEAD.pack(magic, len(text), crc), text, *chunks]


def packed_crc(head: bytes) -> int:
    """The checksum a head :func:`pack` made holds."""
    return _HEAD.unpack_from(head)[2]


def unpack(buffer, magic: bytes, body_crc: int | None = None) -> tuple[dict, memoryview] | None:
    """The meta and the raw part of a file :func:`pack` made; None unless its
    magic, checksum and generation all match.

    ``body_crc`` is the CRC-32 of everything after the head when the caller
    has already worked it out (:func:`file_body_crc`); else it is worked out here.
    """
    found, meta_len, crc = _HEAD.unpack_from(buffer)
    body = memoryview(buffer)[_HEAD.size:]
    if found != magic or (zlib.crc32(body) if body_crc is None else body_crc) != crc:
        return None
    meta = json.loads(bytes(body[:meta_len]))
    return (meta, body[meta_len:]) if meta.get("generation") == generation() else None


#: Bytes of a file mapped at once by :func:`file_body_crc` (a multiple of every system's mapping granularity).
CRC_WINDOW_BYTES = 64 * 2**20


def file_body_crc(file) -> int:
    """The CRC-32 of an open cache file after its head, read through one short-lived mapping per window.

    Checking a file through the mapping its columns are read from would bring
    every page of it into this process, columns no step reads included (a
    14-year history's positions and power: half a GB); a window unmapped as
    soon as it is summed leaves only the pages the analysis touches.
    """
    size = os.fstat(file.fileno()).st_size
    crc = 0
    for offset in range(0, size, CRC_WINDOW_BYTES):
        with (mmap.mmap(file.fileno(), min(CRC_WINDOW_BYTES, size - offset), offset=offset,
                        access=mmap.ACCESS_READ) as window, memoryview(window) as view):
            crc = zlib.crc32(view[_HEAD.size if offset == 0 else 0:], crc)
    return crc


def _decode_entry(blob: bytes, digest: str, path: str) -> Outcomes | None:
    unpacked = unpack(blob, _MAGIC)
    if unpacked is None or unpacked[0]["digest"] != digest:
        return None
    meta, data = unpacked
    outcomes: Outcomes = []
    for source in meta["sources"]:
        source_path = path + source["member"]
        if "error" in source:
            name, reason = source["error"]
            cls = getattr(errors, name)
            if not (isinstance(cls, type) and issubclass(cls, ActivityFileError)):
                return None
            outcomes.append((source_path, cls(source_path, reason)))
            continue
        parsed = []
        for activity in source["activities"]:
            row = {k: _from_json(v) for k, v in activity["row"].items()}
            columns = {column: np.frombuffer(data, dtype=np.dtype(dtype), count=count, offset=start)
                       for column, dtype, start, count in activity["arrays"]}
            if sorted(columns) != sorted(SAMPLE_ARRAYS):
                return None
            parsed.append(ParsedActivity(row, columns))
        outcomes.append((source_path, parsed))
    return outcomes


def _to_json(value):
    if isinstance(value, pd.Timestamp):
        return {_TAG: "timestamp", "ns": value.as_unit("ns").value, "tz": str(value.tz) if value.tz else None}
    if isinstance(value, tuple):
        return {_TAG: "tuple", "items": [_to_json(v) for v in value]}
    if isinstance(value, (np.generic,)):
        return value.item()
    if value is pd.NaT or value is pd.NA:
        return None
    return value


def _from_json(value):
    if isinstance(value, dict) and _TAG in value:
        if value[_TAG] == "timestamp":
            return pd.Timestamp(value["ns"], unit="ns", tz=value["tz"] or None)
        return tuple(_from_json(v) for v in value["items"])
    return value
