"""How fast riskload reads a real export folder, against its formats' reference parsers.

    python benchmarks/real_export.py FOLDER [--timezone ZONE]

In one process: the baseline, a plain single-process loop of each format's
reference parser over the folder's files (fitparse decoding every message
of each FIT file, gpxpy parsing each GPX, the standard library's
ElementTree each TCX; gzip members unpacked first), then riskload's cold
import (an empty cache, all cores), the warm re-import and ``analyze`` with
the report, once as of today and once as of the day after the last run (as
the runner sees it then: the report also works out the safe envelope of
the days ahead). Each is printed in seconds, as a ratio to the baseline and in
MB/s of the folder's files. For the GPX and TCX files it also times the
floor any Python reader of them stands on: the standard library's C XML
parser building each file's tree and walking every element, on one core.
Last comes the peak memory of riskload and its workers together, from the
same steps run again in a new process: sampling it takes about half a
core, which would slow the import's workers. Nothing is written into FOLDER.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path

import gpxpy
from fitparse import FitFile

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_speed import day_after_last_run, peak_memory, timed  # noqa: E402


COLD = "riskload cold import"
WALK = "C XML parser's walk of the XML"


def activity_files(folder: Path) -> list[tuple[Path, str]]:
    """The folder's FIT, GPX and TCX files (plain or gzipped), with their format."""
    found = []
    for path in sorted(folder.rglob("*")):
        name = path.name.lower().removesuffix(".gz")
        kind = name.rsplit(".", 1)[-1] if "." in name else ""
        if path.is_file() and kind in ("fit", "gpx", "tcx"):
            found.append((path, kind))
    return found


def reference_loop(files: list[tuple[Path, str]]) -> Counter:
    """Decode each file with its format's reference parser; the files each decoded, by format."""
    done: Counter = Counter()
    for path, kind in files:
        data = path.read_bytes()
        if path.name.lower().endswith(".gz"):
            data = gzip.decompress(data)
        try:
            if kind == "fit":
                for message in FitFile(data).get_messages():
                    message.get_values()
            elif kind == "gpx":
                gpxpy.parse(data.decode("utf-8", errors="replace"))
            else:
                ElementTree.fromstring(data)
        except Exception:
            done[f"{kind} refused"] += 1
            continue
        done[kind] += 1
    return done


def xml_walk(files: list[tuple[Path, str]]) -> int:
    """Build each well-formed GPX and TCX file's tree with the C XML parser and visit every element; the
    elements visited."""
    visited = 0
    for path, kind in files:
        if kind in ("gpx", "tcx"):
            data = path.read_bytes()
            if path.name.lower().endswith(".gz"):
                data = gzip.decompress(data)
            try:  # the spaces Strava writes before the declaration stripped, as any reader of its files must
                visited += sum(1 for _ in ElementTree.fromstring(data.lstrip()).iter())
            except ElementTree.ParseError:
                continue  # broken: no tree to walk
    return visited


def riskload_steps(folder: Path, timezone: str) -> tuple[list, tuple[int, int]]:
    """Time riskload's cold import (a new cache), warm re-import and the two analyses with their reports:
    the rows, and the activities and skipped files the import counted."""
    from riskload import analyze, read_export, write_report

    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        cache = Path(scratch) / "cache"
        cold_s, export = timed(read_export, folder, timezone=timezone, cache=cache)
        rows.append((COLD, cold_s))
        warm_s, _ = timed(read_export, folder, timezone=timezone, cache=cache)
        rows.append(("riskload warm re-import", warm_s))
        analyses = (("riskload analyze + report (warm)", None),
                    ("... the day after the last run", day_after_last_run(export.activities)))
        for label, as_of in analyses:
            started = time.perf_counter()
            analysis = analyze(folder, timezone=timezone, cache=cache, as_of=as_of)
            write_report(analysis, Path(scratch) / f"report-{len(rows)}", export_folder=folder, cache=False)
            rows.append((label, time.perf_counter() - started))
            analysis = None
    return rows, (len(export.activities), len(export.skipped))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--timezone", default="UTC", help="The runner's time zone (default UTC).")
    parser.add_argument("--memory-pass", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_pass:
        riskload_steps(args.folder, args.timezone)
        return

    files = activity_files(args.folder)
    size_mb = sum(path.stat().st_size for path, _ in files) / 1e6
    print(f"{args.folder}: {len(files)} files ({dict(Counter(kind for _, kind in files))}), {size_mb:.1f} MB")
    base_s, decoded = timed(reference_loop, files)
    rows = [("reference parsers, one process", base_s)]
    if decoded["gpx"] or decoded["tcx"]:
        rows.append((WALK, timed(xml_walk, files)[0]))
    steps, (activities, skipped) = riskload_steps(args.folder, args.timezone)
    rows += steps
    peak_mb, peak_rss_mb = peak_memory([sys.executable, str(Path(__file__).resolve()), str(args.folder),
                                        "--timezone", args.timezone, "--memory-pass"])
    print(f"reference decoded: {dict(decoded)}; riskload: {activities} activities, {skipped} files skipped")
    for label, seconds in rows:
        print(f"{label:<34} {seconds:8.1f} s   {base_s / seconds:6.1f}x the baseline   {size_mb / seconds:6.1f} MB/s")
    times = dict(rows)
    if WALK in times:
        print(f"riskload's cold import / the C XML parser's walk: {times[COLD] / times[WALK]:.1f}")
    print(f"peak memory of riskload and its workers (the same steps in a new process): {peak_mb:.0f} MB "
          f"(Pss; resident sets added up: {peak_rss_mb:.0f} MB)")


if __name__ == "__main__":
    main()
