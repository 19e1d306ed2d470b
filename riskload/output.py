"""Where riskload may write, and writing files whole."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import RiskloadError


def check_outside(out: str | Path, export_folder: str | Path) -> Path:
    """``out`` unless it lies in ``export_folder`` (riskload never writes into an export).

    Raises
    ------
    RiskloadError
        ``out`` is the export folder or inside it.
    """
    out_resolved, export_resolved = Path(out).resolve(), Path(export_folder).resolve()
    if out_resolved == export_resolved or export_resolved in out_resolved.parents:
        raise RiskloadError(f"{out}: riskload never writes inside the export folder; choose another place")
    return Path(out)


#: The end of the name of a file :func:`write_bytes` has not finished (it starts with a dot).
TEMPORARY_SUFFIX = ".riskload-tmp"


def remove_temporary(folder: Path) -> None:
    """Remove what :func:`write_bytes` left in ``folder`` when a run was killed mid-write."""
    for path in Path(folder).glob(f".*{TEMPORARY_SUFFIX}"):
        if path.is_file():
            path.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes(path: Path, data) -> None:
    """Write ``data`` to ``path`` through a temporary file, so a reader never sees half a file.

    ``data`` is bytes, or a list of buffers (bytes, contiguous arrays) written one after another.

    Raises
    ------
    RiskloadError
        The folder cannot be made or the file cannot be written.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX)
        try:
            with os.fdopen(fd, "wb") as handle:
                for part in data if isinstance(data, list) else [data]:
                    handle.write(part)
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise RiskloadError(f"{path}: cannot write ({exc.strerror or exc})") from exc
