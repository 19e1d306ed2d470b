"""Runs killed at random points: the next run gives exactly a clean run's result, and outputs are whole.

A child process imports (or analyses) and is killed with SIGKILL after a
random delay, drawn with a fixed seed so a failure can be replayed. Every
process it had started (the import's workers, the report's child) must end
with it.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import signal
import time
from pathlib import Path

import pandas as pd
import pytest

from riskload import read_export

ROOT = Path(__file__).resolve().parent.parent
KILLS = 6


def _import(folder: Path, cache_dir: Path) -> None:
    read_export(folder, cache=cache_dir, workers=2)


def _analyze(folder: Path, out: Path, cache_dir: Path) -> None:
    from riskload.cli import main
    main([ "analyze", str(folder), "--out", str(out), "--cache-dir", str(cache_dir)], standalone_mode=False)


def _kill_after(target, args, delay_s: float) -> None:
    """Run ``target`` in a child and SIGKILL it after ``delay_s``; then every process it started must end too."""
    child = multiprocessing.get_context("spawn").Process(target=target, args=args)
    child.start()
    child.join(delay_s)
    if child.is_alive():
        started = _descendants(child.pid)
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        deadline = time.monotonic() + 10
        while [p for p in started if _running(p)] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [p for p in started if _running(p)] == [], "processes left running after their caller was killed"


def _descendants(pid: int) -> list[int]:
    """The processes below ``pid`` (Linux; none where ``/proc`` cannot tell)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children") as handle:
                    children = [int(c) for c in handle.read().split()]
            except OSError:
                continue
            found += children
            todo += children
    return found


def _running(pid: int) -> bool:
    """Whether ``pid`` is alive and not a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture
def export(tmp_path) -> Path:
    folder = tmp_path / "export"
    shutil.copytree(ROOT / "sample_data" / "athlete-b", folder)
    return folder


def test_an_import_killed_anywhere_then_run_again_equals_a_clean_one(export, tmp_path):
    clean = read_export(export, cache=False, workers=1)
    draw = random.Random(7)
    cache_dir = tmp_path / "cache"
    for kill in range(KILLS):
        _kill_after(_import, (export, cache_dir), draw.uniform(0.5, 6.0))
        again = read_export(export, cache=cache_dir, workers=2)
        for name in ("activities", "samples", "skipped"):
            pd.testing.assert_frame_equal(getattr(again, name), getattr(clean, name), obj=f"kill {kill}: {name}")
        if kill % 2:  # start some rounds from an empty cache, the others from what the kill left
            shutil.rmtree(cache_dir, ignore_errors=True)


def _whole(path: Path) -> bool:
    data = path.read_bytes()
    if path.suffix == ".png":
        return data.startswith(b"\x89PNG") and data.endswith(b"IEND\xaeB`\x82")
    if path.suffix == ".html":
        return data.rstrip().endswith(b"</html>")
    if path.suffix == ".json":
        json.loads(data)
        return True
    if path.suffix == ".csv":
        return data.endswith(b"\n")
    return True


def test_a_report_killed_anywhere_leaves_only_whole_files(export, tmp_path):
    draw = random.Random(11)
    out, cache_dir = tmp_path / "out", tmp_path / "cache"
    for _ in range(KILLS):
        _kill_after(_analyze, (export, out, cache_dir), draw.uniform(1.0, 8.0))
        if out.exists():
            for path in out.rglob("*"):
                if path.is_file() and not path.name.startswith("."):
                    assert _whole(path), path
    start = time.monotonic()
    _kill_after(_analyze, (export, out, cache_dir), 120)  # a run to the end
    assert time.monotonic() - start < 120
    assert _whole(out / "report.html") and (out / "load.png").is_file()
    leftovers = [p for p in out.rglob(".*") if p.is_file()]
    assert leftovers == []  # temporary files of killed runs are cleared by the next run
