"""Decoding the files of an export: from the cache where it has them, across all cores where it does not.

The unit of work is one file of the export folder (an archive with all its
members counts as one), which is also what the progress callback counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ActivityFileError, CorruptFileError
from ..processes import available_cores, worker_pool
from .cache import ActivityCache, Outcomes, file_digest, stat_key
from .parse import parse_bytes
from .walk import Source, expand


@dataclass
class ImportStats:
    """How an import went: files seen, taken from the cache, decoded.

    Attributes
    ----------
    files : int
        Files in the export folder that may hold activities.
    from_cache : int
        Files whose activities came from the cache, without decoding (a
        file whose stat changed but not its content counts here).
    decoded : int
        Files decoded this time.
    workers : int
        Processes that decoded them.
    cache_dir : str
        The cache folder, or ``""`` when no cache was used.
    cache_problems : list of str
        Why parts of the cache could not be written (the import is unaffected).
    worker_problem : str
        Why the worker processes failed, when they did (the files were then
        decoded in this process: nothing is lost, it is only slower).
    """

    files: int = 0
    from_cache: int = 0
    decoded: int = 0
    workers: int = 1
    cache_dir: str = ""
    cache_problems: list[str] = field(default_factory=list)
    worker_problem: str = ""


def parse_sources(sources: Iterable[Source]) -> Outcomes:
    """Each source's activities, or the :class:`ActivityFileError` that skips it.

    A decoder failing in a way riskload does not expect (a bug) costs that
    one file, listed with the exception, never the rest of the import.
    """
    outcomes: Outcomes = []
    for source in sources:
        try:
            if source.error:
                raise source.error
            outcomes.append((source.path, parse_bytes(source.data, source.path)))
        except ActivityFileError as exc:
            outcomes.append((source.path, exc))
        except Exception as exc:  # noqa: BLE001 - see the docstring
            outcomes.append((source.path, CorruptFileError(
                source.path, f"riskload could not decode it ({type(exc).__name__}: {exc}); please report this file")))
    return outcomes


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
    """Read one file of the export and decode it, unless the cache has its content."""
    path = Path(root) / rel
    try:
        key = stat_key(path.stat())
        data = path.read_bytes()
    except OSError as exc:
        return FileResult([(rel, CorruptFileError(rel, f"could not be read ({exc.strerror or exc})"))])
    digest = file_digest(data)
    cached = cache.load(digest, rel) if cache else None
    if cached is not None:
        return FileResult(cached, key, digest)
    try:
        sources = list(expand(rel, data))
    except Exception as exc:  # noqa: BLE001 - a bug in unpacking costs this file only, as in parse_sources
        sources = [Source(rel, error=CorruptFileError(rel, f"riskload could not unpack it ({type(exc).__name__}: "
                                                           f"{exc}); please report this file"))]
    outcomes = parse_sources(sources)
    problem = cache.store(digest, rel, outcomes) if cache else ""
    return FileResult(outcomes, key, digest, decoded=True, problem=problem)


def decode_files(
    root: Path,
    files: list[str],
    *,
    cache: ActivityCache | None,
    workers: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> tuple[list[Outcomes], ImportStats]:
    """The outcomes of every file in ``files`` (paths relative to ``root``), in the same order.

    Files whose stat matches the cache's index for this folder are loaded
    without being read; the rest are read, hashed, and decoded unless their
    content is cached. When more than one file needs reading, that happens
    in ``workers`` processes (default: one per core).
    """
    total = len(files)
    stats = ImportStats(files=total, cache_dir=str(cache.root) if cache else "")
    results: list[Outcomes | None] = [None] * total
    index = cache.read_index(root) if cache else {}
    seen: dict[str, tuple[list[int], str]] = {}
    todo = []
    for i, rel in enumerate(files):
        known = index.get(rel)
        if known is not None:
            try:
                unchanged = stat_key((root / rel).stat()) == known[0]
            except OSError:
                unchanged = False
            hit = cache.load(known[1], rel) if unchanged else None
            if hit is not None:
                results[i] = hit
                seen[rel] = known
                continue
        todo.append(i)
    stats.from_cache = done = total - len(todo)
    if progress:
        progress(done, total, files[todo[0]] if todo else "")

    def finish(i: int, result: FileResult) -> None:
        nonlocal done
        results[i] = result.outcomes
        if result.key is not None:
            seen[files[i]] = (result.key, result.digest)
            stats.decoded += result.decoded
            stats.from_cache += not result.decoded
        if result.problem and len(stats.cache_problems) < 3:
            stats.cache_problems.append(result.problem)
        done += 1
        if progress:
            progress(done, total, files[i])

    workers = min(workers or available_cores(), len(todo))
    if workers >= 2:
        stats.workers = workers
        try:
            with worker_pool(workers) as pool:
                futures = {pool.submit(decode_file, root, files[i], cache): i for i in todo}
                for future in as_completed(futures):
                    finish(futures[future], future.result())
        except BrokenProcessPool as exc:
            # a worker died (killed, out of memory, could not start): what it had not finished is decoded here
            stats.workers = 1
            stats.worker_problem = (f"a worker process failed ({exc}); {sum(r is None for r in results)} files "
                                    "were decoded in this process instead, which is slower")
            for i in todo:
                if results[i] is None:
                    finish(i, decode_file(root, files[i], cache))
    else:
        for i in todo:
            finish(i, decode_file(root, files[i], cache))
    if cache and seen != index:
        problem = cache.write_index(root, seen)
        if problem and len(stats.cache_problems) < 3:
            stats.cache_problems.append(problem)
    return [r if r is not None else [] for r in results], stats
