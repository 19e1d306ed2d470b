"""Rule cases as data: a made-up history, settings, and the flags it must give.

Each case names a rule, builds activities with :mod:`tests.synthetic`, and
lists the exact ``(day, severity)`` flags of that rule, days counted from
:data:`tests.synthetic.MONDAY`; ``None`` means the rule must say it could
not run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .synthetic import run, session, strength, weeks


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


#: An interval session's parts, ``(minutes, speed_m_s, hr_bpm)``: an easy start, six repeats and their
#: recoveries, a slow cool-down, the rest as slow on average as the start (a real history's sessions).
REPEATS = [(3, 4.2, 178), (2, 1.2, 150)] * 6
COOL_DOWN = (10, 1.6, 130)
INTERVALS = [(10, 2.7, 125), *REPEATS, COOL_DOWN]

CASES = [
    # RL001 weekly_distance_jump
    Case("RL001", "a new high 10.3 % above last week", lambda: weeks(20, 22, 24.2, 26.7), [(21, "caution")]),
    Case("RL001", "exactly +10 % is not flagged", lambda: weeks(20, 22), []),
    Case("RL001", "+10.1 % is flagged", lambda: weeks(20, 22.02), [(7, "caution")]),
    Case("RL001", "a new high 35 % up is a caution on its own (weak evidence)", lambda: weeks(20, 27),
         [(7, "caution")]),
    Case("RL001", "a rebound whose fortnight did not rise is no jump", lambda: weeks(30, 30, 20, 30), []),
    Case("RL001", "a rebound to a level of the last half year is info",
         lambda: weeks(*[40] * 8, *[20] * 12, 30), [(140, "info")]),
    Case("RL001", "a real history's pattern: the long run moved from Sunday to Monday is no jump (+133 %)",
         lambda: days(0, 2, 4, 7, 9, 11, 14, 16, 18, 23, 25, 26, km=6.0) + days(6, 13, 21, 27, km=12.0), []),
    Case("RL001", "back to the usual after a week without running is a rebound: info", lambda: weeks(20, 0, 20),
         [(14, "info")]),
    Case("RL001", "a week under 10 km counts as 10 km: 20 km after 8 km is a new high", lambda: weeks(8, 20),
         [(7, "caution")]),
    Case("RL001", "small weeks stay quiet below the 10 km they count as", lambda: weeks(2, 4, 7, 9, 11), []),
    Case("RL001", "a real history's pattern: weeks of 3-5 km back from a break, then 29 km (+193 % on 10 km)",
         lambda: weeks(3.1, 3.1, 4.9, 0, 4.0, 29.3), [(35, "caution")]),
    Case("RL001", "the week in progress flags once past the limit",
         lambda: weeks(20) + days(8, 10, km=12.0), [(7, "caution")], as_of="2026-01-16"),
    Case("RL001", "steady weeks raise nothing", lambda: base(6), []),
    # RL002 hill_heavy_week
    Case("RL002", "a week at 21 m/km", lambda: base(4, 30, ascent_m=50) + weeks(30, first_day=28, ascent_m=160),
         [(28, "caution")]),
    Case("RL002", "exactly 20 m/km is hilly: information on its own (heuristic)",
         lambda: base(4, 40, ascent_m=125) + weeks(30, first_day=28, ascent_m=150), [(28, "info")]),
    Case("RL002", "19.7 m/km is not", lambda: base(4, 40, ascent_m=125) + weeks(30, first_day=28, ascent_m=147.5), []),
    Case("RL002", "four times the usual climbing, but only 400 m: information",
         lambda: base(4, 50, ascent_m=25) + weeks(50, first_day=28, ascent_m=100), [(28, "info")]),
    Case("RL002", "a jump below 300 m is not flagged",
         lambda: base(4, 50, ascent_m=10) + weeks(50, first_day=28, ascent_m=70), []),
    Case("RL002", "45 m/km is extreme: a caution on its own",
         lambda: base(4, 30, ascent_m=50) + weeks(30, first_day=28, ascent_m=340), [(28, "caution")]),
    Case("RL002", "a real history's pattern: a mountain runner's 40 m/km is not news once it is their usual",
         lambda: base(6, 30, ascent_m=300), [(0, "info"), (7, "info"), (14, "info"), (21, "info")]),
    Case("RL002", "flat running raises nothing", lambda: base(6), []),
    # RL003 missing_rest_days
    Case("RL003", "a week with a run every day: information on its own",
         lambda: weeks(20) + days(*range(7, 14)) + weeks(20, first_day=14), [(7, "info")]),
    Case("RL003", "ten days in a row: a caution, far past the limit",
         lambda: days(1, 3) + days(*range(5, 15)) + days(17, 19), [(7, "info"), (14, "caution")]),
    Case("RL003", "nine days in a row is no streak warning", lambda: days(1, 3) + days(*range(5, 14)) + days(16),
         [(7, "info")]),
    Case("RL003", "an unfinished week is not judged on rest days", lambda: weeks(20) + days(*range(7, 12)), [],
         as_of="2026-01-16"),
    Case("RL003", "four runs a week raise nothing", lambda: base(4), []),
    # RL004 long_run_spike
    Case("RL004", "20 % longer than the month's longest", lambda: base(5, 40) + [run(36, 12.0)], [(36, "caution")]),
    Case("RL004", "a real history's pattern: a 6 km loop with a 1 km detour is no spike",
         lambda: base(5, 24) + [run(36, 7.0)], []),
    Case("RL004", "exactly 1.10 is not flagged", lambda: base(5, 40) + [run(36, 11.0)], []),
    Case("RL004", "1.35 is still a caution: the study's 1.3-2.0 band carried no more risk",
         lambda: base(5, 40) + [run(36, 13.5)], [(36, "caution")]),
    Case("RL004", "more than twice is a warning", lambda: base(5, 40) + [run(36, 21.0)], [(36, "warning")]),
    Case("RL004", "a real history's pattern: 5 km after a month of 0.4-3 km jogs is no spike",
         lambda: [run(d, 2.5) for d in range(0, 28, 3)] + [run(28, 0.4), run(31, 5.0)], []),
    Case("RL004", "a month of short jogs still makes a 7 km run a spike over 5 km",
         lambda: [run(d, 2.5) for d in range(0, 28, 3)] + [run(31, 7.0)], [(31, "caution")]),
    Case("RL004", "not judged before the export covers 30 days", lambda: base(2, 40) + [run(15, 20.0)], []),
    Case("RL004", "runs under 3 km are ignored", lambda: base(5, 8) + [run(36, 2.9)], []),
    # RL005 intensity_jump
    Case("RL005", "two thirds above the runner's 4-week level: information on its own",
         lambda: [run(7 * w + 1, 12, hard_min=30) for w in range(4)] + [run(29, 12, hard_min=50)], [(28, "info")]),
    Case("RL005", "3.3 times the 4-week level: a caution, far past the limit",
         lambda: [run(7 * w + 1, 12, hard_min=30) for w in range(4)] + [run(29, 20, hard_min=100)], [(28, "caution")]),
    Case("RL005", "a real history's pattern: one quiet week does not make the next a jump",
         lambda: [run(7 * w + 1, 12, hard_min=m) for w, m in enumerate((40, 40, 40, 20, 50))], []),
    Case("RL005", "a chronic level under 20 minutes is taken as 20: 45 min after weeks of 15 is a jump",
         lambda: [run(7 * w + 1, 12, hard_min=15) for w in range(4)] + [run(29, 12, hard_min=45)], [(28, "info")]),
    Case("RL005", "one tempo session after a month without hard running stays quiet",
         lambda: [run(7 * w + 1, 12) for w in range(4)] + [run(29, 12, hard_min=30)], []),
    Case("RL005", "a real history's pattern: 84 min after weeks of 2 to 23 is a caution, far past the limit",
         lambda: [run(7 * w + 1, 12, hard_min=m) for w, m in enumerate((2, 14, 23, 1))] + [run(29, 24, hard_min=84)],
         [(28, "caution")]),
    Case("RL005", "no heart rate: could not run", lambda: base(3, hr_bpm=float("nan")), None,
         settings={"max_hr_bpm": None}),
    # RL006 steep_downhill
    Case("RL006", "three times the usual steep descent",
         lambda: [run(7 * w + 3, 8, steep_m=100) for w in range(4)] + [run(31, 8, steep_m=300)], [(28, "caution")]),
    Case("RL006", "the usual amount is not flagged", lambda: [run(7 * w + 3, 8, steep_m=100) for w in range(5)], []),
    Case("RL006", "the first steep descent in 30 days (141 m): information",
         lambda: base(5) + [run(38, 8, steep_m=150)], [(35, "info")]),
    Case("RL006", "under 100 m is not flagged", lambda: base(5) + [run(38, 8, steep_m=80)], []),
    # RL007 return_after_break
    Case("RL007", "back at 75 % of the usual: information (heuristic, on its own)",
         lambda: weeks(40, 40, 40, 40, 0, 0, 0, 30), [(49, "info")]),
    Case("RL007", "back above 100 %: a caution (heuristic, far past its threshold)",
         lambda: weeks(40, 40, 40, 40, 0, 0, 0, 45), [(49, "caution")]),
    Case("RL007", "the usual is a running week, not the empty weeks before the break",
         lambda: weeks(40, 40, 0, 0, 0, 0, 0, 30), [(49, "info")]),
    Case("RL007", "a real history's pattern: 5 km back after weeks of one 0.4 km jog is gentle",
         lambda: days(0, km=0.4) + days(7, km=0.4) + days(40, 42, km=2.5), []),
    Case("RL007", "a real history's pattern: a lone 2 km jog in a long break is not the usual (15 km back, 50 %)",
         lambda: weeks(30, 30, 30, 30) + days(45, km=2.0) + weeks(15, first_day=70), []),
    Case("RL007", "a lone jog in the break does not hide a hard return (45 km back after 30 km weeks)",
         lambda: weeks(30, 30, 30, 30) + days(45, km=2.0) + weeks(45, first_day=70), [(70, "caution")]),
    Case("RL007", "back gently", lambda: weeks(40, 40, 40, 40, 0, 0, 0, 15), []),
    Case("RL007", "13 days off is no break", lambda: weeks(40, 40, 40, 40) + days(41, km=10), []),
    # RL008 high_weekly_volume
    Case("RL008", "three weeks above the cap", lambda: weeks(60, 65, 66, 67, 50),
         [(7, "info"), (14, "info"), (21, "caution")]),
    Case("RL008", "exactly at the cap is not above it", lambda: weeks(64, 64, 64), []),
    Case("RL008", "the athlete's cap replaces the default", lambda: weeks(60, 65, 66, 67, 50), [],
         settings={"weekly_cap_km": 70}),
    # RL009 short_recovery
    Case("RL009", "two hard sessions 23 hours apart: information (heuristic, on its own)",
         lambda: [run(1, 10, hard_min=25), run(2, 10, hard_min=25), run(5, 8)], [(2, "info")]),
    Case("RL009", "two hard sessions 10 hours apart: a caution, far past the limit",
         lambda: [run(1, 10, hard_min=25), run(1, 10, hour=19, hard_min=25), run(5, 8)], [(1, "caution")]),
    Case("RL009", "a runner's habit of doubles is information after the first weeks",
         lambda: [r for w in range(5)
                  for r in (run(7 * w + 1, 8, hard_min=25), run(7 * w + 1, 8, hour=19, hard_min=25))],
         [(1, "caution"), (8, "caution"), (15, "info"), (22, "info"), (29, "info")]),
    Case("RL009", "40 hours apart is enough",
         lambda: [run(1, 10, hard_min=25), run(2, 10, hour=24, hard_min=25), run(5, 8)], []),
    Case("RL009", "a long run the day after a tempo run",
         lambda: base(3, 32) + [run(22, 10, hard_min=25), run(23, 20)], [(23, "info")]),
    # RL010 no_warmup
    Case("RL010", "one cold start from a runner who warms up", lambda: base(5, 40) + [run(37, 8, warmup=False)],
         [(37, "info")]),
    Case("RL010", "a week of cold starts after weeks of warm-ups",
         lambda: base(5, 40) + weeks(40, first_day=35, warmup=False),
         [(35, "info"), (36, "info"), (38, "info"), (40, "info"), (41, "info")]),
    Case("RL010", "a real history's pattern: a steady runner who never warms up raises nothing",
         lambda: base(8, 40, warmup=False), []),
    Case("RL010", "a hard session started cold is flagged even for that runner",
         lambda: base(6, 40, warmup=False) + [run(44, 10, warmup=False, hard_min=20)], [(44, "info")]),
    Case("RL010", "a start exactly 5 % slower is a warm-up", lambda: weeks(40, warmup_factor=0.95), []),
    Case("RL010", "a real history's pattern: repeats after an easy start, the recoveries and cool-down slowing the "
         "rest to the start's pace, are warmed up", lambda: base(5, 40) + [session(37, *INTERVALS)], []),
    Case("RL010", "repeats from the first minute are a hard session started cold",
         lambda: base(5, 40) + [session(37, *REPEATS * 2, COOL_DOWN)], [(37, "info")]),
    Case("RL010", "warm-ups before hard sessions only leave the steady runs' cold starts their habit",
         lambda: [r for w in range(8) for r in (*[run(7 * w + d, 10, hard_min=20) for d in (1, 2, 3)],
                                                 run(7 * w + 5, 8, warmup=False), run(7 * w + 6, 8, warmup=False))],
         []),
    Case("RL010", "short runs are not judged", lambda: weeks(12, warmup=False), []),
    # RL011 missing_strength
    Case("RL011", "a week with one strength session",
         lambda: base(3) + [strength(d) for d in (0, 4, 7, 14, 18)], [(7, "info")]),
    Case("RL011", "two a week raise nothing", lambda: base(3) + [strength(d) for d in (0, 4, 7, 11, 14, 18)], []),
    Case("RL011", "no strength session at all: could not run", lambda: base(3), None),
    Case("RL011", "a week without running is a break, not a missed session",
         lambda: weeks(40, 0, 40) + [strength(d) for d in (0, 4, 14, 18)], []),
    Case("RL011", "a real history's pattern: strength sessions stopped years ago are said once, not every week",
         lambda: base(20) + [strength(d) for d in (0, 4, 7, 11)],
         [(7 * w, "info") for w in range(2, 10)] + [(70, "info")]),
    Case("RL011", "weeks are judged again once a strength session is recorded again",
         lambda: base(15) + [strength(d) for d in (0, 4, 7, 11, 84, 88)],
         [(7 * w, "info") for w in range(2, 11)] + [(91, "info"), (98, "info")]),
    Case("RL011", "the weeks before the first recorded strength session are said once",
         lambda: base(12) + [strength(d) for w in range(9, 12) for d in (7 * w, 7 * w + 4)], [(0, "info")]),
    # RL012 worn_shoes
    Case("RL012", "the run that passes 700 km: information (heuristic)",
         lambda: [run(d, 10, gear="Blue") for d in range(71)], [(70, "info")]),
    Case("RL012", "exactly 700 km is not past it", lambda: [run(d, 10, gear="Blue") for d in range(70)], []),
    Case("RL012", "no gear: could not run", lambda: base(2), None),
    # RL013 cadence_drop
    Case("RL013", "cadence 5.9 % down: information on its own",
         lambda: base(8, cadence_spm=170) + weeks(40, first_day=56, cadence_spm=160), [(56, "info")]),
    Case("RL013", "exactly 5 % down is flagged",
         lambda: base(8, cadence_spm=170) + weeks(40, first_day=56, cadence_spm=161.5), [(56, "info")]),
    Case("RL013", "cadence 11.8 % down is extreme: a caution on its own",
         lambda: base(8, cadence_spm=170) + weeks(40, first_day=56, cadence_spm=150), [(56, "caution")]),
    Case("RL013", "4.7 % down is not", lambda: base(8, cadence_spm=170) + weeks(40, first_day=56, cadence_spm=162), []),
    Case("RL013", "no cadence: could not run", lambda: base(3, cadence_spm=None), None),
    # RL014 acute_chronic_ratio
    Case("RL014", "a sudden heavy week", lambda: base(5, 20) + weeks(60, first_day=35), [(35, "info")]),
    Case("RL014", "steady weeks raise nothing", lambda: base(8, 40), []),
    Case("RL014", "a real history's pattern: one 3 km jog after months off is no spike (3.6 on a chronic near 0)",
         lambda: base(5, 30) + days(120, km=3.1), []),
    Case("RL014", "a jump from small weeks still counts: 29 km after weeks of 3-5 km",
         lambda: weeks(3.1, 3.1, 4.9, 0, 4.0, 29.3), [(35, "info")]),
    # RL015 monotony
    Case("RL015", "seven equal days", lambda: base(2) + days(*range(14, 21), km=6) + weeks(40, first_day=21),
         [(14, "info")]),
    Case("RL015", "four runs a week raise nothing", lambda: base(4), []),
]

def cadence_weeks(*cadences_spm: float) -> list:
    """A 40 km week at each cadence in turn, from the first week on."""
    return [r for week, cadence in enumerate(cadences_spm) for r in weeks(40, first_day=7 * week, cadence_spm=cadence)]


def doubles_then(day: int) -> list:
    """Two hard sessions 10 hours apart every Tuesday for five weeks, then again on ``day``, and a run after."""
    return [r for w in range(5) for r in (run(7 * w + 1, 8, hard_min=25), run(7 * w + 1, 8, hour=19, hard_min=25))] \
        + [run(day, 8, hard_min=25), run(day, 8, hour=19, hard_min=25), run(day + 3, 8)]


def cold_then_warm(warm_weeks: int) -> list:
    """Five 40 km weeks started cold, ``warm_weeks`` started warm, then a run started cold the next Tuesday."""
    warm = [r for w in range(warm_weeks) for r in weeks(40, first_day=35 + 7 * w)]
    return weeks(*[40] * 5, warmup=False) + warm + [run(35 + 7 * warm_weeks + 1, 8, warmup=False)]


#: What the five weeks of doubles raise: cautions until four of them make a habit, then information.
DOUBLES_FLAGS = [(1, "caution"), (8, "caution"), (15, "info"), (22, "info"), (29, "info")]


#: The floors and spans no other case could tell from a third more or less: each case sits between the default
#: and such a value, so that either would change its flags.
FLOORS_OFF = {"rule_options": {"RL004": {"min_reference_km": 0.0, "min_extra_km": 0.0}}}
CASES += [
    Case("RL004", "1.15 times the month's longest but only 1.5 km more: the same route with a detour",
         lambda: base(5, 40) + [run(36, 11.5)], []),
    Case("RL004", "7.2 km after a month of 2.5 km jogs: 1.44 times the 5 km floor, a caution, not 2.9 times the jogs",
         lambda: [run(d, 2.5) for d in range(0, 28, 3)] + [run(31, 7.2)], [(31, "caution")]),
    Case("RL004", "with the floors off, a 2.9 km run after 2 km runs is too short to judge",
         lambda: base(5, 8) + [run(36, 2.9)], [], settings=FLOORS_OFF),
    Case("RL004", "with the floors off, a 3.1 km run after 2 km runs is a spike",
         lambda: base(5, 8) + [run(36, 3.1)], [(36, "caution")], settings=FLOORS_OFF),
    Case("RL007", "12 days off is no break, even with 24 km in two days after it",
         lambda: weeks(40, 40, 40, 40) + days(40, 41, km=12), []),
    Case("RL007", "14 days off is a break", lambda: weeks(40, 40, 40, 40) + days(42, 44, 46, 48, km=7.5),
         [(42, "info")]),
    Case("RL007", "back at 60 % of the usual is past the half", lambda: weeks(40, 40, 40, 40, 0, 0, 0, 24),
         [(49, "info")]),
    Case("RL007", "the usual is the last four running weeks before the break (47.5 km), not three or five (40 km)",
         lambda: weeks(10, 70, 40, 40, 40, 0, 0, 0, 45), [(56, "info")]),
    Case("RL007", "a first week back under 10 km is not judged", lambda: weeks(15, 15, 15, 15, 0, 0, 0, 9), []),
    Case("RL007", "a first week back of 12 km is", lambda: weeks(15, 15, 15, 15, 0, 0, 0, 12), [(49, "info")]),
    Case("RL005", "+167 % is far past the limit but not extreme: information on its own",
         lambda: [run(7 * w + 1, 12, hard_min=30) for w in range(4)] + [run(29, 20, hard_min=80)], [(28, "info")]),
    Case("RL005", "155 bpm is under 80 % of the reserve between 50 and 190 (162 bpm): its minutes are not hard ones",
         lambda: [run(7 * w + 1, 12, hard_min=30) for w in range(4)] + [run(29, 12, hr_bpm=155, hard_min=30)], []),
    Case("RL009", "two hard sessions 15 hours apart: extreme, a caution",
         lambda: [run(1, 10, hard_min=25), run(1, 10, hour=23.9, hard_min=25), run(5, 8)], [(1, "caution")]),
    Case("RL010", "a 17-minute run started cold is too short to judge",
         lambda: base(5, 40) + [run(37, 3.0, warmup=False)], []),
    Case("RL010", "a 23-minute run started cold is judged", lambda: base(5, 40) + [run(37, 4.2, warmup=False)],
         [(37, "info")]),
    Case("RL009", "five weeks of doubles are still the habit of the 56 days before a double on day 64",
         lambda: doubles_then(64), DOUBLES_FLAGS + [(64, "info")]),
    Case("RL009", "by day 68 the habit has faded to three of those weeks: the double is a caution again",
         lambda: doubles_then(68), DOUBLES_FLAGS + [(68, "caution")]),
    Case("RL010", "five weeks of cold starts, then four of warm-ups: a cold start is still within the 56 days' habit",
         lambda: cold_then_warm(4), []),
    Case("RL010", "after five weeks of warm-ups the cold habit has gone: a cold start is news",
         lambda: cold_then_warm(5), [(71, "info")]),
    Case("RL013", "cadence 8.2 % down is past the limit but not extreme: information",
         lambda: base(8, cadence_spm=170) + weeks(40, first_day=56, cadence_spm=156), [(56, "info")]),
    Case("RL013", "the usual is the median of eight weeks: 168, once five weeks at 180 have moved on",
         lambda: cadence_weeks(180, 180, 180, 180, 180, 168, 168, 168, 168, 168, 162),
         [(35, "info"), (42, "info"), (49, "info"), (56, "info")]),
    Case("RL013", "the median of eight weeks, four at 160 and four at 170, is 165: 158 is not 5 % below it",
         lambda: cadence_weeks(160, 160, 160, 160, 170, 170, 170, 170, 158), []),
    Case("RL013", "three weeks are too few to know the usual", lambda: cadence_weeks(170, 170, 170, 150), []),
    Case("RL013", "four weeks are enough", lambda: cadence_weeks(170, 170, 170, 170, 150), [(28, "caution")]),
    Case("RL013", "a week of 15 minutes at the usual pace is too little to judge its cadence",
         lambda: base(8, cadence_spm=170) + [run(57, 2.7, cadence_spm=150, warmup=False)], []),
    Case("RL013", "25 minutes are enough",
         lambda: base(8, cadence_spm=170) + [run(57, 4.5, cadence_spm=150, warmup=False)], [(56, "caution")]),
    Case("RL013", "runs 11 % slower than usual are not compared: a slower pace takes shorter steps",
         lambda: base(8, cadence_spm=170) + weeks(40, first_day=56, cadence_spm=150, speed_m_s=2.67, warmup=False),
         []),
    Case("RL013", "runs 8 % slower are",
         lambda: base(8, cadence_spm=170) + weeks(40, first_day=56, cadence_spm=150, speed_m_s=2.76, warmup=False),
         [(56, "caution")]),
]

CASES += [
    Case("RL005", "hard minutes of a week half of whose running has no heart rate: one grade lower",
         lambda: [run(7 * w + 1, 12, hard_min=30) for w in range(4)] + [run(29, 20, hard_min=100)]
         + [run(30, 12, hr_bpm=float("nan"), hard_hr_bpm=float("nan")),
            run(31, 12, hr_bpm=float("nan"), hard_hr_bpm=float("nan"))], [(28, "info")]),
]
