"""The import's worker processes: they start wherever riskload is run from, and a failing pool loses nothing."""

from __future__ import annotations

import os
import subprocess
import sys


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
