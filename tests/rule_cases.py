"""Rule cases as data: a made-up history, settings, and the flags it must give.

Each case names a rule, builds activities with :mod:`tests.synthetic`, and
lists the exact ``(day, severity)`` flags of that rule, days counted from
:data:`tests.synthetic.MONDAY`; ``None`` means the rule must say it could
not run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .synthetic import run, strength, weeks


@dataclass
class Case:
    code: str
    title: str
    activities: Callable[[], list]
    expected: list[tuple[int, str]] | None
    settings: dict = field(default_factory=dict)
    as_of: str = "2030-01-01"


def base(n_weeks: int = 5, km: float = 40.0, **kwargs) -> list:
    return weeks(*([km] * n_weeks), **kwargs)


def days(*day_numbers, km: float = 8.0, **kwargs) -> list:
    return [run(d, km, **kwargs) for d in day_numbers]


CASES = [
    # RL001 weekly_distance_jump
    Case("RL001", "a new high 10.3 % above last week", lambda: weeks(20, 22, 24.2, 26.7), [(21, "caution")]),
    Case("RL001", "exactly +10 % is not flagged", lambda: weeks(20, 22), []),
    Case("RL001", "+10.1 % is flagged", lambda: weeks(20, 22.02), [(7, "caution")]),
    Case("RL001", "a new high 35 % up is a warning", lambda: weeks(20, 27), [(7, "warning")]),
    Case("RL001", "a rebound to an earlier level is info", lambda: weeks(30, 30, 20, 30), [(21, "info")]),
    Case("RL001", "no ratio after a week without running", lambda: weeks(20, 0, 20), []),
    Case("RL001", "no ratio after a week under 10 km", lambda: weeks(8, 20), []),
    Case("RL001", "the week in progress flags once past the limit",
         lambda: weeks(20) + days(8, 10, km=12.0), [(7, "caution")], as_of="2026-01-16"),
    Case("RL001", "steady weeks raise nothing", lambda: base(6), []),
    # RL002 hill_heavy_week
    Case("RL002", "a week at 21 m/km", lambda: base(4, 30, ascent_m=50) + weeks(30, first_day=28, ascent_m=160),
         [(28, "caution")]),
    Case("RL002", "exactly 20 m/km is hilly", lambda: base(4, 40, ascent_m=125) + weeks(30, first_day=28, ascent_m=150),
         [(28, "caution")]),
    Case("RL002", "19.7 m/km is not", lambda: base(4, 40, ascent_m=125) + weeks(30, first_day=28, ascent_m=147.5), []),
    Case("RL002", "four times the usual climbing", lambda: base(4, 50, ascent_m=25) + weeks(50, first_day=28, ascent_m=100),
         [(28, "caution")]),
    Case("RL002", "a jump below 300 m is not flagged",
         lambda: base(4, 50, ascent_m=10) + weeks(50, first_day=28, ascent_m=70), []),
    Case("RL002", "flat running raises nothing", lambda: base(6), []),
    # RL003 missing_rest_days
    Case("RL003", "a week with a run every day", lambda: weeks(20) + days(*range(7, 14)) + weeks(20, first_day=14),
         [(7, "caution")]),
    Case("RL003", "ten days in a row", lambda: days(1, 3) + days(*range(5, 15)) + days(17, 19),
         [(7, "caution"), (14, "warning")]),
    Case("RL003", "nine days in a row is no streak warning", lambda: days(1, 3) + days(*range(5, 14)) + days(16),
         [(7, "caution")]),
    Case("RL003", "an unfinished week is not judged on rest days", lambda: weeks(20) + days(*range(7, 12)), [],
         as_of="2026-01-16"),
    Case("RL003", "four runs a week raise nothing", lambda: base(4), []),
    # RL004 long_run_spike
    Case("RL004", "15 % longer than the month's longest", lambda: base(5, 40) + [run(36, 11.5)], [(36, "caution")]),
    Case("RL004", "exactly 1.10 is not flagged", lambda: base(5, 40) + [run(36, 11.0)], []),
    Case("RL004", "1.35 is a warning", lambda: base(5, 40) + [run(36, 13.5)], [(36, "warning")]),
    Case("RL004", "more than twice is high", lambda: base(5, 40) + [run(36, 21.0)], [(36, "high")]),
    Case("RL004", "not judged before the export covers 30 days", lambda: base(2, 40) + [run(15, 20.0)], []),
    Case("RL004", "runs under 3 km are ignored", lambda: base(5, 8) + [run(36, 2.9)], []),
    # RL005 intensity_jump
    Case("RL005", "30 then 45 minutes at high heart rate",
         lambda: [run(1, 12, hard_min=30), run(8, 12, hard_min=45)], [(7, "caution")]),
    Case("RL005", "below 30 minutes last week is not compared",
         lambda: [run(1, 12, hard_min=29), run(8, 12, hard_min=45)], []),
    Case("RL005", "a rise under 10 minutes is not flagged",
         lambda: [run(1, 12, hard_min=40), run(8, 12, hard_min=48)], []),
    Case("RL005", "no heart rate: could not run", lambda: base(3, hr_bpm=float("nan")), None,
         settings={"max_hr_bpm": None}),
    # RL006 steep_downhill
    Case("RL006", "three times the usual steep descent",
         lambda: [run(7 * w + 3, 8, steep_m=100) for w in range(4)] + [run(31, 8, steep_m=300)], [(28, "caution")]),
    Case("RL006", "the usual amount is not flagged", lambda: [run(7 * w + 3, 8, steep_m=100) for w in range(5)], []),
    Case("RL006", "the first steep descent in 30 days",
         lambda: base(5) + [run(38, 8, steep_m=150)], [(35, "caution")]),
    Case("RL006", "under 100 m is not flagged", lambda: base(5) + [run(38, 8, steep_m=80)], []),
    # RL007 return_after_break
    Case("RL007", "back at 75 % of the usual", lambda: weeks(40, 40, 40, 40, 0, 0, 0, 30), [(49, "caution")]),
    Case("RL007", "back above 100 %", lambda: weeks(40, 40, 40, 40, 0, 0, 0, 45), [(49, "warning")]),
    Case("RL007", "back gently", lambda: weeks(40, 40, 40, 40, 0, 0, 0, 15), []),
    Case("RL007", "13 days off is no break", lambda: weeks(40, 40, 40, 40) + days(41, km=10), []),
    # RL008 high_weekly_volume
    Case("RL008", "three weeks above the cap", lambda: weeks(60, 65, 66, 67, 50),
         [(7, "info"), (14, "info"), (21, "caution")]),
    Case("RL008", "exactly at the cap is not above it", lambda: weeks(64, 64, 64), []),
    Case("RL008", "the athlete's cap replaces the default", lambda: weeks(60, 65, 66, 67, 50), [],
         settings={"weekly_cap_km": 70}),
    # RL009 short_recovery
    Case("RL009", "two hard sessions 23 hours apart",
         lambda: [run(1, 10, hard_min=25), run(2, 10, hard_min=25), run(5, 8)], [(2, "caution")]),
    Case("RL009", "40 hours apart is enough",
         lambda: [run(1, 10, hard_min=25), run(2, 10, hour=24, hard_min=25), run(5, 8)], []),
    Case("RL009", "a long run the day after a tempo run",
         lambda: base(3, 32) + [run(22, 10, hard_min=25), run(23, 20)], [(23, "caution")]),
    # RL010 no_warmup
    Case("RL010", "one run without a warm-up", lambda: weeks(40) + [run(2, 8, warmup=False)], [(2, "info")]),
    Case("RL010", "most runs of a week without a warm-up", lambda: weeks(40, warmup=False), [(0, "caution")]),
    Case("RL010", "a start exactly 5 % slower is a warm-up", lambda: weeks(40, warmup_factor=0.95), []),
    Case("RL010", "short runs are not judged", lambda: weeks(12, warmup=False), []),
    # RL011 missing_strength
    Case("RL011", "a week with one strength session",
         lambda: base(3) + [strength(d) for d in (0, 4, 7, 14, 18)], [(7, "info")]),
    Case("RL011", "two a week raise nothing", lambda: base(3) + [strength(d) for d in (0, 4, 7, 11, 14, 18)], []),
    Case("RL011", "no strength session at all: could not run", lambda: base(3), None),
    Case("RL011", "a week without running is a break, not a missed session",
         lambda: weeks(40, 0, 40) + [strength(d) for d in (0, 4, 14, 18)], []),
    # RL012 worn_shoes
    Case("RL012", "the run that passes 700 km", lambda: [run(d, 10, gear="Blue") for d in range(71)], [(70, "caution")]),
    Case("RL012", "exactly 700 km is not past it", lambda: [run(d, 10, gear="Blue") for d in range(70)], []),
    Case("RL012", "no gear: could not run", lambda: base(2), None),
    # RL013 cadence_drop
    Case("RL013", "cadence 5.9 % down", lambda: base(8, cadence_spm=170) + weeks(40, first_day=56, cadence_spm=160),
         [(56, "caution")]),
    Case("RL013", "exactly 5 % down is flagged",
         lambda: base(8, cadence_spm=170) + weeks(40, first_day=56, cadence_spm=161.5), [(56, "caution")]),
    Case("RL013", "4.7 % down is not", lambda: base(8, cadence_spm=170) + weeks(40, first_day=56, cadence_spm=162), []),
    Case("RL013", "no cadence: could not run", lambda: base(3, cadence_spm=None), None),
    # RL014 acute_chronic_ratio
    Case("RL014", "a sudden heavy week", lambda: base(5, 20) + weeks(60, first_day=35), [(35, "info")]),
    Case("RL014", "steady weeks raise nothing", lambda: base(8, 40), []),
    # RL015 monotony
    Case("RL015", "seven equal days", lambda: base(2) + days(*range(14, 21), km=6) + weeks(40, first_day=21),
         [(14, "info")]),
    Case("RL015", "four runs a week raise nothing", lambda: base(4), []),
]
