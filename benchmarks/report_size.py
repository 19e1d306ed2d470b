"""How the report grows with the history: the page and its figures for 1, 3 and 10 years.

    python benchmarks/report_size.py                  # 1, 3 and 10 years
    python benchmarks/report_size.py --years 10 --keep /tmp/ten-years

A made-up runner trains in 20-week cycles (three or four runs a week, the
Sunday long run growing from one hour to two and a half, then easier weeks),
takes one or two breaks of two to five weeks a year, and now and then runs
one long run far longer than planned. Each run is a 1 Hz FIT file
(:mod:`synthetic_export`). For each length the script prints the weeks, runs
and flags, the page's size and what it is made of, and the time to analyse
and write; with ``--keep`` the exports and reports stay there to look at.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_export import FIRST_START, fit_run  # noqa: E402

#: Weeks of one training cycle: 16 weeks of build-up, then 4 easier ones.
CYCLE_WEEKS = 20


def training_plan(years: float, seed: int = 5) -> list[tuple[pd.Timestamp, int]]:
    """(start, seconds) of every run of the made-up runner over ``years``."""
    rng = np.random.default_rng(seed)
    n_weeks = int(round(years * 52.18))
    off = np.zeros(n_weeks, dtype=bool)
    for year_start in range(0, n_weeks, 52):
        for _ in range(rng.integers(1, 3)):
            first = year_start + int(rng.integers(4, 48))
            off[first:first + int(rng.integers(2, 6))] = True
    plan = []
    for week in range(n_weeks):
        if off[week]:
            continue
        monday = FIRST_START + pd.Timedelta(weeks=week)
        phase = week % CYCLE_WEEKS
        build = phase < 16
        long_min = 60 + (90 * phase / 15 if build else 20)
        if rng.random() < 0.04:
            long_min *= 1.6  # a long run far longer than planned
        easy = [45, 50, 40] if build and phase > 4 else [40, 45]
        for day, minutes in zip((1, 3, 5), easy):
            plan.append((monday + pd.Timedelta(days=day), int(minutes * 60 * rng.uniform(0.9, 1.1))))
        plan.append((monday + pd.Timedelta(days=6), int(long_min * 60)))
    return plan


def write_export(folder: Path, plan) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for index, (start, seconds) in enumerate(plan):
        rng = np.random.default_rng([5, index])
        (folder / f"{index:05d}_RUN.fit").write_bytes(fit_run(start, rng, seconds))


def page_parts(page: str) -> dict[str, int]:
    """Bytes of the page by part: embedded figures, the flag groups, the rest."""
    images = sum(len(m) for m in re.findall(r'src="data:image/png;base64,[^"]*"', page))
    flags = page.split('<h2 id="flags">')[1].split("<h2>")[0] if '<h2 id="flags">' in page else ""
    return {"figures": images, "flags": len(flags), "rest": len(page) - images - len(flags)}


def measure(years: float, root: Path) -> dict:
    from riskload import analyze, write_report

    plan = training_plan(years)
    export = root / f"export-{years:g}y"
    write_export(export, plan)
    as_of = (plan[-1][0] + pd.Timedelta(days=1)).date()
    started = time.perf_counter()
    analysis = analyze(export, timezone="UTC", as_of=as_of, cache=False)
    out = root / f"report-{years:g}y"
    write_report(analysis, out, export_folder=export, cache=False)
    seconds = time.perf_counter() - started
    page = (out / "report.html").read_text(encoding="utf-8")
    return {"years": years, "weeks": len(analysis.load.weekly), "runs": len(analysis.load.runs),
            "flags": len(analysis.flags), "page_kb": len(page.encode("utf-8")) / 1024,
            "load_png_kb": (out / "load.png").stat().st_size / 1024,
            **{f"{k}_kb": v / 1024 for k, v in page_parts(page).items()}, "seconds": seconds, "out": out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=float, nargs="+", default=[1, 3, 10])
    parser.add_argument("--keep", type=Path, help="Keep the exports and reports in this folder.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = args.keep or Path(scratch)
        rows = [measure(years, root) for years in args.years]
    print(f"{'years':>5} {'weeks':>5} {'runs':>5} {'flags':>5} {'page KB':>8} {'figures':>8} {'flags KB':>8} "
          f"{'rest KB':>8} {'load.png KB':>11} {'analyse+write s':>15}")
    for r in rows:
        print(f"{r['years']:>5g} {r['weeks']:>5} {r['runs']:>5} {r['flags']:>5} {r['page_kb']:>8.0f} "
              f"{r['figures_kb']:>8.0f} {r['flags_kb']:>8.0f} {r['rest_kb']:>8.0f} {r['load_png_kb']:>11.0f} "
              f"{r['seconds']:>15.1f}")
    if args.keep:
        print("reports:", ", ".join(str(r["out"] / "report.html") for r in rows))


if __name__ == "__main__":
    main()
