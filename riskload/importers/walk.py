"""Walking an export folder: every file once, archives opened in memory.

Nothing is ever extracted or written: zip members are read into memory and
named ``archive.zip!member`` in every table.
"""

from __future__ import annotations

import io
import lzma
import os
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import ActivityFileError, CorruptFileError, NotAnActivityError, RiskloadError
from ..settings import diary_named_in

#: Files that belong to an export's layout, read by other parts of riskload from the export folder itself, and
#: what is taken from each, said when one is found inside an archive, where it is not read.
LAYOUT_READS = {
    "activities.csv": "the export's list of activities, inside an archive: riskload reads it only in an unzipped "
                      "export, so the names, types and gear it gives were not taken",
    "riskload.toml": "settings inside an archive: riskload reads riskload.toml only in the export folder itself, "
                     "so these were not applied",
}
LAYOUT_FILES = frozenset(LAYOUT_READS)
#: Deepest archive nesting followed (a Garmin account export nests two levels).
MAX_ZIP_DEPTH = 4
#: Largest archive member read [bytes]; see ``parse.MAX_INFLATED_BYTES``.
MAX_MEMBER_BYTES = 256 * 1024 * 1024


#: The first bytes of a zip archive (of one with members, and of an empty one).
ZIP_STARTS = (b"PK\x03\x04", b"PK\x05\x06")


def starts_as_zip(path: Path) -> bool:
    """Whether the file at ``path`` begins as a zip archive does, by its first bytes alone."""
    with Path(path).open("rb") as handle:
        return handle.read(4) in ZIP_STARTS


@dataclass
class Source:
    """One file or archive member: its bytes, or why they could not be had."""

    path: str
    data: bytes | None = None
    error: ActivityFileError | None = None


def export_root(folder) -> Path:
    """``folder`` as the root of an export, or a :class:`~riskload.errors.RiskloadError` saying what it is instead.

    Strava and Garmin send their exports as one zip archive: riskload reads
    the folder it unpacks to, where the list of activities and the settings
    lie beside the activity files (archives inside the folder are read in
    memory, as they are).
    """
    root = Path(folder)
    if root.is_dir():
        return root
    if not root.exists():
        raise RiskloadError(f"{folder}: not a folder")
    try:
        zipped = starts_as_zip(root)
    except OSError:
        zipped = False
    if zipped:
        raise RiskloadError(f"{folder}: a zip archive, not a folder. Unzip it (unzip {root.name} -d {root.stem}) "
                            "and give riskload that folder: the export's list of activities and its settings are "
                            "read from the folder.")
    raise RiskloadError(f"{folder}: a file, not a folder; riskload reads an export folder (put a single activity "
                        "file in a folder of its own)")


def is_junk(name: str) -> bool:
    """Operating-system litter: macOS resource forks and folders, dot files."""
    parts = name.replace("\\", "/").split("/")
    return any(p == "__MACOSX" for p in parts) or parts[-1].startswith(".") or parts[-1] in ("Thumbs.db", "desktop.ini")


def candidate_files(root: Path, other_files=(), unreadable: list | None = None) -> list[str]:
    """Every file below ``root`` that may hold activities, relative, in a stable order.

    Symbolic links to folders are not followed (no loops); layout files
    (``activities.csv``, ``riskload.toml`` at the root, the pain diary the
    latter names) and ``other_files`` (paths riskload reads for another
    purpose) are not candidates. A folder that cannot be read is added to
    ``unreadable``, as an :class:`~riskload.errors.ActivityFileError` naming it.
    """
    root = Path(root)
    layout = set(LAYOUT_FILES)
    for path in (*other_files, *diary_named_in(root)):
        try:
            layout.add(Path(path).resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            pass  # outside the export
    found = []

    def cannot_read(exc: OSError) -> None:
        if unreadable is not None:
            folder = Path(exc.filename or root).relative_to(root).as_posix()
            unreadable.append(ActivityFileError(f"{folder}/", f"a folder that could not be read "
                                                              f"({exc.strerror or exc}): the activities in it, if "
                                                              "any, are not in the load"))

    for folder, dirs, files in os.walk(root, followlinks=False, onerror=cannot_read):
        dirs[:] = sorted(d for d in dirs if not is_junk(d))
        for name in sorted(files):
            rel = (Path(folder) / name).relative_to(root).as_posix()
            if not (is_junk(rel) or rel in layout):
                found.append(rel)
    return found


def expand(path: str, data: bytes, depth: int = 0) -> Iterator[Source]:
    """``data`` itself, or, for a zip archive, each of its members (recursively)."""
    if data[:4] not in ZIP_STARTS:
        yield Source(path, data)
        return
    if depth >= MAX_ZIP_DEPTH:
        yield Source(path, error=CorruptFileError(path, f"archives nested more than {MAX_ZIP_DEPTH} deep"))
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir() and not is_junk(m.filename)]
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError, EOFError) as exc:
        yield Source(path, error=CorruptFileError(path, f"broken zip archive ({exc})"))
        return
    if not members:
        yield Source(path, error=CorruptFileError(path, "an empty zip archive"))
    for member in sorted(members, key=lambda m: m.filename):
        name = f"{path}!{member.filename}"
        if member.file_size > MAX_MEMBER_BYTES:
            yield Source(name, error=CorruptFileError(name, "refused: the archive member is too large"))
            continue
        try:
            with archive.open(member) as handle:
                content = handle.read(MAX_MEMBER_BYTES + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, ValueError, EOFError, zlib.error,
                lzma.LZMAError) as exc:
            yield Source(name, error=CorruptFileError(name, f"unreadable archive member ({exc})"))
            continue
        if len(content) > MAX_MEMBER_BYTES:
            yield Source(name, error=CorruptFileError(name, "refused: the archive member is too large"))
            continue
        if (base := member.filename.rsplit("/", 1)[-1]) in LAYOUT_READS:
            yield Source(name, error=NotAnActivityError(name, LAYOUT_READS[base]))
            continue
        yield from expand(name, content, depth + 1)
