"""Decoding the files of an export across all cores: each file through the
cache's wrapper around the per-file parse (:func:`~riskload.importers.cache.decode_file`).

The unit of work is one file of the export folder (an archive with all its
members counts as one), which is also what the progress callback counts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from ..processes import available_cores, worker_pool
from ..wording import counted
from .cache import ActivityCache, FileResult, decode_file
from .parse import Outcomes


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
    in ``workers`` processes (default: one per core), and in this one while
    they start.
    """
    total = len(files)
    stats = ImportStats(files=total, cache_dir=str(cache.root) if cache else "")
    results: list[Outcomes | None] = [None] * total
    index = cache.read_index(root) if cache else {}
    unchanged = cache.load_unchanged(root, {rel: index[rel] for rel in files if rel in index}) if cache else {}
    seen = {rel: index[rel] for rel in unchanged}
    todo = []
    for i, rel in enumerate(files):
        if rel in unchanged:
            results[i] = unchanged[rel]
        else:
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
                # Workers take a while to start (a fork server first imports the decoders): meanwhile this
                # process decodes files from the end of the list.
                starting = threading.Thread(target=lambda: pool.submit(int).exception(), daemon=True)
                starting.start()
                while starting.is_alive() and len(todo) > 1:
                    i = todo.pop()
                    finish(i, decode_file(root, files[i], cache))
                starting.join()
                futures = {pool.submit(decode_file, root, files[i], cache): i for i in todo}
                for future in as_completed(futures):
                    finish(futures[future], future.result())
        except BrokenProcessPool as exc:
            # a worker died (killed, out of memory, could not start): what it had not finished is decoded here
            stats.workers = 1
            left = sum(r is None for r in results)
            stats.worker_problem = (f"a worker process failed ({exc}); {counted(left, 'file')} "
                                    f"{'was' if left == 1 else 'were'} decoded in this process instead, which is "
                                    "slower")
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
