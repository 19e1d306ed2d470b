"""The import's worker processes: they start wherever riskload is run from, and a failing pool loses nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time


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


def test_a_script_without_a_main_guard_is_not_run_again_by_the_workers(tmp_path):
    # spawned and fork-server workers run the main module first: here each one ran the import again
    script = tmp_path / "unguarded.py"
    script.write_text("import sys\nfrom riskload import read_export\nprint('the script ran')\n"
                      "export = read_export(sys.argv[1], workers=2, cache=False)\n"
                      "print(export.stats.workers, len(export.activities), repr(export.stats.worker_problem))\n"
                      "print(__file__ == sys.argv[0], __spec__)\n")
    done = subprocess.run([sys.executable, str(script), os.path.join(ROOT, "sample_data", "athlete-b")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["the script ran", "2 72 ''", "True None"], done.stderr
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


class _SlowStartingPool(_BrokenPool):
    """A pool of one thread whose start (the first submit) waits until the main thread decoded three files."""

    def __init__(self, workers, decoded_here, started):
        from concurrent.futures import ThreadPoolExecutor
        self.decoded_here, self.started, self.thread = decoded_here, started, ThreadPoolExecutor(1)

    def __exit__(self, *exc):
        self.thread.shutdown()
        return False

    def submit(self, function, *args):
        if not self.started:
            self.started.append(True)
            deadline = time.monotonic() + 20
            while len(self.decoded_here) < 3 and time.monotonic() < deadline:
                time.sleep(0.01)
        return self.thread.submit(function, *args)


def test_this_process_decodes_files_while_the_workers_start(monkeypatch):
    from pathlib import Path

    from riskload.importers import batch
    from riskload.importers.walk import candidate_files

    root = Path(ROOT, "sample_data", "athlete-b")
    files = candidate_files(root)
    plain, _ = batch.decode_files(root, files, cache=None, workers=1)
    decoded_here, calls, started = [], [], []

    def decode_file(root, rel, cache):
        calls.append(rel)
        if threading.current_thread() is threading.main_thread() and started:
            decoded_here.append(rel)
        return batch_decode_file(root, rel, cache)

    batch_decode_file = batch.decode_file
    monkeypatch.setattr(batch, "decode_file", decode_file)
    monkeypatch.setattr(batch, "worker_pool", lambda workers: _SlowStartingPool(workers, decoded_here, started))
    outcomes, stats = batch.decode_files(root, files, cache=None, workers=2)
    assert len(decoded_here) >= 3
    assert sorted(calls) == sorted(files)  # each file once, here or in the pool
    assert _listed(outcomes) == _listed(plain)
    assert (stats.decoded, stats.workers) == (len(files), 2)


def _listed(outcomes) -> list:
    """Each file's sources, each with its error or its activities' ids, starts and sample counts."""
    return [[(path, str(got) if isinstance(got, Exception) else
              [(a.row["activity_id"], a.row["start_time"], len(a)) for a in got]) for path, got in sources]
            for sources in outcomes]


LOADED_FOR_DRAWING = ("sorted(name for name in __import__('sys').modules if name.split('.')[0] == 'matplotlib' "
                      "or name.startswith(('riskload.report', 'riskload.rules')))")


def test_the_import_workers_load_only_what_decoding_needs():
    # matplotlib alone took about a second to import, which each cold import waited for before a worker started
    from riskload.processes import worker_pool

    with worker_pool(1) as pool:
        loaded = pool.submit(eval, LOADED_FOR_DRAWING).result(timeout=300)
    assert loaded == []


def test_every_public_name_is_there_when_first_used():
    done = subprocess.run([sys.executable, "-c", "import riskload\n"
                           "print(all(getattr(riskload, name) is not None for name in riskload.__all__), "
                           "sorted(set(riskload.__all__) - set(dir(riskload))))"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.stdout.split(maxsplit=1) == ["True", "[]\n"], done.stderr


def test_the_report_loads_the_pdf_backend_only_to_make_a_pdf():
    # matplotlib's PDF backend brings fontTools: a quarter of a second on every run that made no PDF
    done = subprocess.run([sys.executable, "-c", "import sys, riskload.report\n"
                           "print(*(name in sys.modules for name in ('matplotlib.backends.backend_pdf', "
                           "'fontTools.subset')))"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.stdout.split() == ["False", "False"], done.stderr
