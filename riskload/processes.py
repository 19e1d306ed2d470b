"""How riskload puts the other cores to work.

* The import decodes files in a pool of worker processes started from a
  fork server (:func:`pool_context`): a clean single-threaded process that
  has imported the decoders once, so the caller itself is never forked and
  may run threads (a Jupyter kernel does).
"""

from __future__ import annotations

import multiprocessing
import os


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def pool_context():
    """How the import's worker processes start: from a fork server where there is one, else spawned."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["riskload.importers.batch"])
        return context
    return multiprocessing.get_context("spawn")
