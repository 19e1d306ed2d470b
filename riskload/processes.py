"""How riskload puts the other cores to work: the import decodes files in a
pool of worker processes started from a fork server (:func:`worker_pool`), a
clean single-threaded process that has imported the decoders once, so the
caller itself is never forked and may run threads (a Jupyter kernel does).

The report draws in the caller: drawing its week figures in a forked child
saved 0.1-0.7 s of a 1.6-2.7 s report, and nothing once the figures are in
the cache (measured on a 10-year synthetic history and a real 6-year one).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager


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


@contextmanager
def worker_pool(workers: int):
    """A process pool of ``workers`` import workers that end when the caller does.

    A pool's workers wait for work as long as their queue is open, and a
    caller killed outright (SIGKILL, the out-of-memory killer, a closed
    terminal) never closes it: the workers, and with them their fork server,
    would stay behind for good. So each worker holds the reading end of a
    pipe whose only writing end stays with the caller, and exits on reading
    end-of-file.
    """
    context = pool_context()
    lifeline, held = context.Pipe(duplex=False)
    unsafe_path = os.environ.get("PYTHONSAFEPATH")
    # A fork server starts as ``python -c ...``, which puts the current folder first on sys.path, and
    # Python 3.11's fork server ignores the sys.path it is sent: started from a folder that holds a
    # folder named riskload (the parent of a checkout), every worker imported that folder instead of
    # riskload and died. PYTHONSAFEPATH (Python 3.11+) keeps the current folder off the path.
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        with _script_not_rerun(), ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                                      initializer=_end_with_caller, initargs=(lifeline,)) as pool:
            yield pool
    finally:
        if unsafe_path is None:
            os.environ.pop("PYTHONSAFEPATH", None)
        else:
            os.environ["PYTHONSAFEPATH"] = unsafe_path
        held.close()
        lifeline.close()


def _end_with_caller(lifeline) -> None:
    def wait_for_end() -> None:
        try:
            lifeline.recv_bytes()
        except (EOFError, OSError):
            pass
        os._exit(1)

    threading.Thread(target=wait_for_end, name="riskload-lifeline", daemon=True).start()


@contextmanager
def _script_not_rerun():
    """Workers that do not run the caller's script again.

    A process started by a fork server or spawned runs the main module
    (``__main__``'s ``__file__``, or the module its ``__spec__`` names) before
    it works, so that functions defined there can reach it. A script that
    calls riskload at its top level, without ``if __name__ == "__main__":``,
    thus ran again in every worker, which tried to start workers of its own,
    failed with a long ``RuntimeError`` and died: the import went on in one
    process, slower, after two tracebacks. riskload's workers run riskload's
    functions only, so while they start the main module looks as an
    interactive session's does, which is not run again.
    """
    main = sys.modules["__main__"]
    saved = {name: main.__dict__[name] for name in ("__file__", "__spec__") if name in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__spec__ = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)
