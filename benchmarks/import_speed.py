"""How fast riskload reads a long history, against a plain fitparse loop.

Run from the repository root (after ``pip install -e .``)::

    python benchmarks/import_speed.py              # N = 1,000 runs over 10 years
    python benchmarks/import_speed.py --runs 100   # a quick look
    python benchmarks/import_speed.py --runs 3500 --years 14 --minutes 85 --baseline-files 100
                                                   # a 14-year history of 3,500 runs, about 480 MB

It builds an export of N 1 Hz FIT runs (an hour each unless ``--minutes``) with heart rate, cadence and
altitude (or reuses the one in ``--export``), then measures in this one
process, each as seconds and as a ratio to the baseline:

* the baseline: a plain single-process fitparse loop decoding every message
  of every file, which is what Python tools built on fitparse do;
* riskload's cold import (an empty cache, all cores, its snapshot written);
* the warm re-import (everything cached);
* the re-import after one new run is added (the new snapshot written),
  beside one file's decode alone;
* ``analyze`` end to end, the report included, and its rules + report part,
  the first time and again (when the figures of unchanged weeks are cached),
  and once as of the day after the last run, when the report also works
  out the safe envelope of the days ahead;
* the peak memory of riskload and all its workers together, from the
  same steps run again in a new process (:func:`peak_memory`): sampling
  it takes about half a core, which would slow the steps that use both.

Nothing is asserted: the figures are printed against the targets.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
from fitparse import FitFile

sys.path.insert(0, str(Path(__file__).resolve().parent))

import riskload  # noqa: E402
from riskload.processes import available_cores  # noqa: E402
from synthetic_export import write_runs  # noqa: E402

TEN_YEARS_DAYS = 3652


def baseline_loop(paths: list[Path]) -> int:
    """Decode every message of every file with fitparse, one file after another."""
    messages = 0
    for path in paths:
        for message in FitFile(str(path)).get_messages():
            message.get_values()
            messages += 1
    return messages


def day_after_last_run(activities: pd.DataFrame) -> pd.Timestamp:
    """The day after the last running activity: the runner's report then also plans the days ahead."""
    return activities.loc[activities["is_running"].astype(bool), "local_date"].max() + pd.Timedelta(days=1)


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def peak_memory(command: list[str]) -> tuple[float, float]:
    """Run ``command`` in a new process and sample its process tree every 20 ms until it ends: the peaks [MB]
    of its proportional set sizes (Pss) and of its resident sets, each added up over the tree.

    Import workers are children of a fork server, not of the process that
    starts them, so the kernel's per-child peak does not see them; ``/proc``
    does (on Linux; elsewhere only the largest process's own peak counts).
    Pss counts a page that a forked process shares with its parent once;
    resident sets count it in every process that maps it. The sampling
    takes about half a core, so nothing is timed while it runs.
    """
    child = subprocess.Popen(command)
    peak_pss = peak_rss = 0.0
    while child.poll() is None:
        pss, rss = _tree_memory_mb(child.pid)
        peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
        time.sleep(0.02)
    if child.returncode:
        raise SystemExit(f"the memory pass failed: {' '.join(command)} exited with {child.returncode}")
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    return max(peak_pss, largest), max(peak_rss, largest)


def _tree_memory_mb(root: int) -> tuple[float, float]:
    """Pss and resident memory [MB] of ``root`` and its descendants, from ``/proc`` (0 where unavailable).

    A process that forks while it is being read would be counted whole,
    and its new child then with its half of the shared pages: about 1.5
    times the truth. So the tree is listed before and after reading, and
    read again until both lists agree.
    """
    page_mb = os.sysconf("SC_PAGE_SIZE") / 2**20
    pids = _tree_pids(root)
    while True:
        pss = rss = 0.0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/statm") as handle:
                    rss += int(handle.read().split()[1]) * page_mb
                with open(f"/proc/{pid}/smaps_rollup") as handle:
                    pss += next(int(line.split()[1]) for line in handle if line.startswith("Pss:")) / 1024
            except (OSError, ValueError, IndexError, StopIteration):
                continue  # it ended; the second listing notices
        listed_again = _tree_pids(root)
        if listed_again == pids:
            return pss, rss
        pids = listed_again


def _tree_pids(root: int) -> list[int]:
    """``root`` and its descendants, without this process, sorted."""
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid != os.getpid():
            pids.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    todo.extend(int(child) for child in handle.read().split())
        except (OSError, ValueError):
            continue
    return sorted(pids)


def riskload_steps(export: Path, work: Path, runs: int, days_apart: float, minutes: int) -> SimpleNamespace:
    """Time riskload's steps on ``export`` with a new cache in ``work``: the seconds of each (``..._s``), and
    what the imports and the analysis gave."""
    def summary(export) -> dict:
        # keep figures only: holding several exports at once would inflate the peak memory
        return {"activities": len(export.activities), "samples": len(export.samples), "stats": export.stats}

    cache = work / "cache"
    cold_s, cold = timed(lambda: summary(riskload.read_export(export, cache=cache)))
    gc.collect()
    warm_s, warm = timed(lambda: summary(riskload.read_export(export, cache=cache)))
    gc.collect()
    added = write_runs(export, runs, 1, days_apart, seconds=minutes * 60)[0]
    one_s, _ = timed(riskload.read_file, added)
    add_s, after_add = timed(lambda: summary(riskload.read_export(export, cache=cache)))
    added.unlink()
    summary(riskload.read_export(export, cache=cache))  # back to the first state, so analyze starts warm
    gc.collect()
    analyze_s, analysis = timed(riskload.analyze, export, cache=cache)
    report_s, _ = timed(riskload.report.write_report, analysis, work / "report", cache=cache)
    again_s, _ = timed(riskload.report.write_report, analysis, work / "report", cache=cache)
    rules_s, _ = timed(riskload.run_rules, analysis.load, athlete=analysis.athlete)
    years_covered = (analysis.load.weekly.index[-1] - analysis.load.weekly.index[0]).days / 365.25
    flag_count, day_after = len(analysis.flags), day_after_last_run(analysis.load.activities)
    analysis = None  # one analysis held at a time, as a user's run holds it
    gc.collect()
    _, current = timed(riskload.analyze, export, cache=cache, as_of=day_after)
    current_rules_s, _ = timed(riskload.run_rules, current.load, athlete=current.athlete)
    current_report_s, _ = timed(riskload.report.write_report, current, work / "report-next-day", cache=cache)
    current = None
    gc.collect()
    return SimpleNamespace(cold=cold, cold_s=cold_s, warm=warm, warm_s=warm_s, one_s=one_s, add_s=add_s,
                           after_add=after_add, analyze_s=analyze_s, report_s=report_s, again_s=again_s,
                           rules_s=rules_s, load_s=analyze_s - warm_s - rules_s, years_covered=years_covered,
                           flag_count=flag_count, current_rules_s=current_rules_s, current_report_s=current_report_s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1000, help="Runs in the export (default 1000).")
    parser.add_argument("--years", type=float, default=10.0, help="Years the runs are spread over (default 10).")
    parser.add_argument("--minutes", type=int, default=60, help="Length of each run (default 60).")
    parser.add_argument("--export", type=Path, help="Build the export here, or reuse the one already there.")
    parser.add_argument("--baseline-files", type=int,
                        help="Time the baseline on this many files and scale it up (default: all of them).")
    parser.add_argument("--memory-pass", type=Path, metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    days_apart = args.years * 365.25 / args.runs
    if args.memory_pass:
        riskload_steps(args.export, args.memory_pass, args.runs, days_apart, args.minutes)
        return

    work = Path(tempfile.mkdtemp(prefix="riskload-bench-"))
    export = args.export or work / "export"
    existing = sorted(export.glob("*_RUN.fit")) if export.is_dir() else []
    if len(existing) != args.runs:
        shutil.rmtree(export, ignore_errors=True)
        build_s, _ = timed(write_runs, export, 0, args.runs, days_apart, seconds=args.minutes * 60)
        print(f"built {args.runs} runs in {build_s:.1f} s into {export}")
    paths = sorted(export.glob("*_RUN.fit"))
    size_mb = sum(p.stat().st_size for p in paths) / 1e6
    cores = available_cores()
    print(f"{len(paths)} {args.minutes}-minute 1 Hz FIT runs over {args.years:g} years, {size_mb:.0f} MB; "
          f"{cores} cores; riskload {riskload.__version__}, Python {sys.version.split()[0]}")
    print()

    sample = paths[: args.baseline_files] if args.baseline_files else paths
    base_s, messages = timed(baseline_loop, sample)
    base_s *= len(paths) / len(sample)
    t = riskload_steps(export, work / "timed", args.runs, days_apart, args.minutes)
    peak_mb, peak_rss_mb = peak_memory([
        sys.executable, str(Path(__file__).resolve()), "--memory-pass", str(work / "memory"), "--export", str(export),
        "--runs", str(args.runs), "--years", str(args.years), "--minutes", str(args.minutes)])

    def row(label: str, seconds: float, note: str = "") -> None:
        ratio = base_s / seconds if seconds else float("inf")
        print(f"{label:<44}{seconds:>9.2f} s{ratio:>10.1f}x   {note}")

    print(f"{'step':<44}{'time':>11}{'vs base':>11}")
    scaled = f" (timed on {len(sample)} files, scaled)" if len(sample) != len(paths) else ""
    row("baseline: fitparse loop, 1 process", base_s, f"{messages:,} messages{scaled}")
    row(f"cold import ({t.cold['stats'].workers} processes, empty cache)", t.cold_s,
        f"{t.cold['activities']} activities, {t.cold['samples']:,} samples")
    row("warm re-import", t.warm_s,
        f"{t.warm['stats'].from_cache} files from the cache, {t.warm['stats'].decoded} decoded")
    row("re-import after adding one run", t.add_s,
        f"{t.after_add['stats'].decoded} decoded; that file alone: {t.one_s:.2f} s")
    row("analyze end to end (warm), report included", t.analyze_s + t.report_s,
        f"import, load (~{t.load_s:.2f} s), rules; report {t.report_s:.2f} s")
    row(f"rules + report over {t.years_covered:.1f} years", t.rules_s + t.report_s,
        f"rules {t.rules_s:.2f} s, report {t.report_s:.2f} s ({t.flag_count} flags)")
    row("rules + report again (week figures cached)", t.rules_s + t.again_s,
        f"report {t.again_s:.2f} s: only changed weeks are drawn")
    row("rules + report the day after the last run", t.current_rules_s + t.current_report_s,
        f"report {t.current_report_s:.2f} s, the safe envelope of the days ahead included")
    print(f"{'peak memory, all processes together':<44}{peak_mb:>7.0f} MB   "
          f"(Pss; {peak_rss_mb:.0f} MB adding up resident sets, shared pages once per process)")
    print()
    checks = [
        ("cold import >= 5x faster than the baseline", base_s / t.cold_s >= 5, f"{base_s / t.cold_s:.1f}x"),
        ("warm re-import < 3 s", t.warm_s < 3, f"{t.warm_s:.2f} s"),
        ("warm re-import >= 50x faster than cold", t.cold_s / t.warm_s >= 50, f"{t.cold_s / t.warm_s:.0f}x"),
        ("adding one run costs < one decode + 2 s", t.add_s < t.one_s + 2,
         f"{t.add_s:.2f} s = {t.one_s:.2f} + {t.add_s - t.one_s:.2f}"),
        ("rules + report < 2 s, first report", t.rules_s + t.report_s < 2, f"{t.rules_s + t.report_s:.2f} s"),
        ("rules + report < 2 s, weekly re-run", t.rules_s + t.again_s < 2, f"{t.rules_s + t.again_s:.2f} s"),
        ("rules + report < 2 s, the day after the last run", t.current_rules_s + t.current_report_s < 2,
         f"{t.current_rules_s + t.current_report_s:.2f} s"),
        ("peak memory < 1.5 GB", peak_mb < 1536, f"{peak_mb:.0f} MB"),
    ]
    for label, met, figure in checks:
        print(f"{'met    ' if met else 'MISSED '} {label}: {figure}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
