"""The benchmark's memory figure: a process tree that forks while it is sampled is not counted one and a half times."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(),
                                reason="the benchmark reads memory from Linux's /proc")

# Holds 400 MiB of written pages and forks a short-lived child every few milliseconds.
FORKING_HOLDER = """
import os, sys, time
held = bytearray(b"\\x01" * (400 * 2**20))
with open("/proc/self/smaps_rollup") as handle:
    alone_kb = next(int(line.split()[1]) for line in handle if line.startswith("Pss:"))
print(alone_kb / 1024, flush=True)
end = time.monotonic() + float(sys.argv[1])
while time.monotonic() < end:
    child = os.fork()
    if child == 0:
        time.sleep(0.02)
        os._exit(0)
    os.waitpid(child, 0)
"""


def _benchmark_module():
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "import_speed.py"
    spec = importlib.util.spec_from_file_location("import_speed", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_forking_tree_is_counted_once():
    benchmark = _benchmark_module()
    holder = subprocess.Popen([sys.executable, "-c", FORKING_HOLDER, "6"], stdout=subprocess.PIPE, text=True)
    try:
        alone_mb = float(holder.stdout.readline())
        peak_mb, samples, with_child = 0.0, 0, 0
        end = time.monotonic() + 4
        while time.monotonic() < end:
            pss_mb, _ = benchmark._tree_memory_mb(holder.pid)
            peak_mb = max(peak_mb, pss_mb)
            samples += 1
            with_child += len(benchmark._tree_pids(holder.pid)) > 1
    finally:
        holder.kill()
        holder.wait()
    assert alone_mb > 400
    assert with_child > 10, "the holder's children were never seen: the test did not test"
    # a child shares the holder's pages; reading the holder before a fork and its child after it gave ~1.5x
    assert peak_mb < 1.1 * alone_mb, f"peak {peak_mb:.0f} MB over {samples} samples; the holder alone {alone_mb:.0f} MB"
