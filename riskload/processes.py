"""How riskload puts the other cores to work.

Two jobs, one mechanism each:

* The import decodes files in a pool of worker processes started from a
  fork server (:func:`worker_pool`): a clean single-threaded process that
  has imported the decoders once, so the caller itself is never forked and
  may run threads (a Jupyter kernel does).
* The report draws its week figures in one child forked from the caller
  (:class:`Forked`). The child inherits the analysis and a matplotlib that
  is already imported, so it starts in milliseconds, where a fresh process
  would spend about a second importing. Forking is only safe while the
  caller runs no other thread, so :func:`can_fork` asks for that, for Linux
  (where forking is the ordinary way to start a process) and for a second
  core; otherwise the work is done in the caller, with the same result.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
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
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_end_with_caller,
                                 initargs=(lifeline,)) as pool:
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


def can_fork() -> bool:
    """Whether :class:`Forked` would use a child: Linux, two cores or more, and no other thread running."""
    return (sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
            and available_cores() >= 2 and threading.active_count() == 1)


class Forked:
    """``function(*args)`` computed in a forked child while the caller goes on.

    Use it as a context manager and call :meth:`result` once inside it; a
    child whose result is never collected is stopped on leaving. Where
    :func:`can_fork` says no, or the child fails or dies, :meth:`result`
    computes the value in the caller instead, so an error surfaces there
    with its own traceback.
    """

    def __init__(self, function: Callable, *args):
        self.function, self.args = function, args
        self.child = None
        if can_fork():
            context = multiprocessing.get_context("fork")
            self._receiver, sender = context.Pipe(duplex=False)
            self.child = context.Process(target=_run_in_child, args=(self._receiver, sender, function, args),
                                         daemon=True)
            self.child.start()
            sender.close()

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, *exc) -> None:
        if self.child is not None:  # the result was never asked for
            self._receiver.close()
            self.child.terminate()
            self.child.join()
            self.child = None

    def result(self):
        """The function's value: the child's, or computed here where there is none."""
        if self.child is not None:
            try:
                done, value = self._receiver.recv()
            except (EOFError, OSError):  # the child died before it could answer
                done, value = False, None
            self._receiver.close()
            self.child.join()
            self.child = None
            if done:
                return value
        return self.function(*self.args)


def _run_in_child(receiver, sender, function: Callable, args: tuple) -> None:
    receiver.close()  # so that a send fails, rather than waits, once the caller is gone
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the caller to handle
    try:
        outcome = (True, function(*args))
    except BaseException:  # noqa: BLE001 - the caller computes it again and meets the error itself
        outcome = (False, None)
    try:
        sender.send(outcome)
    except OSError:  # the caller is gone (killed): nobody is waiting
        pass
