"""Work in a forked child: used where it is safe, and never a source of different or lost results."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pandas as pd
import pytest

from riskload import processes, report
from riskload.importers import snapshot

from .synthetic import analysis, run, weeks


@pytest.fixture
def alone():
    """No other thread in this process (a snapshot written in the background is waited for)."""
    snapshot.wait()
    assert threading.active_count() == 1, [t.name for t in threading.enumerate()]


def _pid_then_exit_in_child(parent: int) -> int:
    if os.getpid() != parent:
        os._exit(3)
    return os.getpid()


def _fail(calls: list) -> None:
    calls.append(os.getpid())
    raise ValueError(f"failed in {os.getpid()}")


def test_a_child_is_used_on_linux_with_two_cores_and_no_other_thread(alone):
    expected = sys.platform.startswith("linux") and processes.available_cores() >= 2
    assert processes.can_fork() is expected
    with processes.Forked(os.getpid) as work:
        used_child = work.child is not None
        pid = work.result()
    assert used_child is expected
    assert (pid != os.getpid()) is expected
    assert work.child is None


def test_no_child_while_another_thread_runs(alone):
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not processes.can_fork()
        with processes.Forked(os.getpid) as work:
            assert work.child is None
            assert work.result() == os.getpid()
    finally:
        stop.set()
        other.join()


def test_a_child_that_dies_leaves_the_work_to_the_caller(alone):
    with processes.Forked(_pid_then_exit_in_child, os.getpid()) as work:
        child = work.child
        assert work.result() == os.getpid()
    if child is not None:
        assert child.exitcode == 3


def test_an_error_in_the_child_is_raised_in_the_caller(alone):
    calls: list[int] = []
    with processes.Forked(_fail, calls) as work:
        forked = work.child is not None
        with pytest.raises(ValueError, match=f"failed in {os.getpid()}"):
            work.result()
    assert calls == [os.getpid()]  # the child's call appended to its own copy of the list
    assert forked is processes.can_fork()


def test_a_child_whose_result_is_never_asked_for_is_stopped(alone):
    with processes.Forked(signal.pause) as work:
        child = work.child
    if child is not None:
        assert not child.is_alive() and child.exitcode == -signal.SIGTERM
    assert work.child is None


def test_week_figures_drawn_in_a_child_are_those_drawn_here(alone, monkeypatch):
    result = analysis(weeks(20, 30, 30, 31) + [run(25, 4, hour=18)], as_of="2026-02-01")
    wanted = report.detail_weeks(result)
    assert len(wanted) == 2
    with report.WeekFigures(result, wanted, cache=False) as figures:
        assert (figures._drawing.child is not None) is processes.can_fork()
        in_child = figures.result()
    monkeypatch.setattr(processes, "can_fork", lambda: False)
    with report.WeekFigures(result, wanted, units="km", cache=False) as figures:
        assert figures._drawing.child is None
        here = figures.result()
    assert list(in_child) == list(here) == wanted
    assert all(in_child[w] == here[w] and here[w].startswith(b"\x89PNG") for w in wanted)
    assert isinstance(wanted[0], pd.Timestamp)


CALLER_KILLED = """
import os, signal, sys, time
from riskload import processes

def slow():
    time.sleep(1)
    return b"x" * 1_000_000  # more than a pipe holds

work = processes.Forked(slow)
print(work.child.pid if work.child else 0, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_child_whose_caller_is_killed_ends_quietly(alone):
    # the pipes close only when the child has ended too, so this returns once both are gone
    done = subprocess.run([sys.executable, "-c", CALLER_KILLED], capture_output=True, text=True, timeout=60)
    assert done.returncode == -signal.SIGKILL
    assert done.stderr == ""
    child = int(done.stdout)
    assert (child != 0) is processes.can_fork()
    deadline = time.monotonic() + 10
    while child and _state(child) not in {"gone", "Z"} and time.monotonic() < deadline:
        time.sleep(0.05)  # its pipes close as it exits; the exit itself may take a moment more
    assert not child or _state(child) in {"gone", "Z"}  # a zombie until the orphan's new parent reaps it


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "gone"


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMPORT_WITH_TWO_WORKERS = """
import sys
from riskload import read_export
if __name__ == "__main__":
    export = read_export(sys.argv[1], workers=2, cache=False)
    print(export.stats.workers, len(export.activities), repr(export.stats.worker_problem))
"""


def test_workers_start_from_a_folder_that_holds_a_folder_named_riskload(tmp_path):
    home = tmp_path / "home"
    (home / "riskload").mkdir(parents=True)  # the parent of a checkout looks like this
    script = tmp_path / "scripts" / "import_two.py"  # a script's own folder, not the current one, leads sys.path
    script.parent.mkdir()
    script.write_text(IMPORT_WITH_TWO_WORKERS)
    done = subprocess.run([sys.executable, str(script), os.path.join(ROOT, "sample_data", "athlete-b")], cwd=home,
                          capture_output=True, text=True, timeout=300,
                          env={k: v for k, v in os.environ.items() if k != "PYTHONSAFEPATH"})
    assert done.returncode == 0, done.stderr
    workers, activities, problem = done.stdout.split(maxsplit=2)
    assert (workers, problem.strip()) == ("2", "''"), done.stderr
    assert int(activities) > 60
    assert "Traceback" not in done.stderr


class _BrokenPool:
    def __init__(self, workers):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def submit(self, *args, **kwargs):
        from concurrent.futures import Future
        from concurrent.futures.process import BrokenProcessPool
        future = Future()
        future.set_exception(BrokenProcessPool("a worker could not start"))
        return future


def test_failing_workers_are_said_on_stderr_and_lose_nothing(monkeypatch):
    from click.testing import CliRunner

    from riskload.cli import main
    from riskload.importers import batch

    folder = os.path.join(ROOT, "sample_data", "athlete-b")
    plain = CliRunner().invoke(main, ["import", folder, "--no-cache"])
    monkeypatch.setattr(batch, "worker_pool", _BrokenPool)
    monkeypatch.setattr(batch, "available_cores", lambda: 2)
    broken = CliRunner().invoke(main, ["import", folder, "--no-cache"])
    assert broken.exit_code == 0
    assert "riskload: warning: a worker process failed (a worker could not start)" in broken.stderr
    assert "decoded in this process instead" in broken.stderr
    assert broken.stdout == plain.stdout  # the same activities, read one by one
