"""Every rule against its cases, and the registry against its promises."""

from __future__ import annotations

import inspect
import math
import re
from dataclasses import replace

import numpy as np
import pytest

import pandas as pd

from riskload import ConfigError
from riskload.rules import BY_CODE, EVIDENCE_LEVELS, FLAG_COLUMNS, RULES, SEVERITIES, run_rules
from riskload.rules.base import habit_share
from riskload.rules.evidence import weigh

from .rule_cases import CASES
from .synthetic import MONDAY, history, run, session, strength, weeks


def _flags(case):
    load = history(case.activities(), as_of=case.as_of, **case.settings)
    return run_rules(load, select=[case.code])


@pytest.mark.parametrize("case", CASES, ids=[f"{c.code}-{c.title}" for c in CASES])
def test_rule_case(case):
    report = _flags(case)
    if case.expected is None:
        assert report.flags.empty
        assert list(report.not_run["code"]) == [case.code]
        assert report.not_run["reason"].str.len().gt(10).all()
        return
    assert report.not_run.empty, report.not_run
    got = sorted(((d - MONDAY).days, s) for d, s in zip(report.flags["date"], report.flags["severity"]))
    assert got == sorted(case.expected), report.flags["message"].tolist()


def test_flags_carry_numbers_threshold_evidence_and_activities():
    case = next(c for c in CASES if c.code == "RL001" and c.expected)
    flags = _flags(case).flags
    assert list(flags.columns) == FLAG_COLUMNS
    row = flags.iloc[0]
    assert row["observed"] == 10.3 and row["threshold"] == 10.0 and row["unit"] == "%"
    assert "26.7 km" in row["message"] and "24.2 km" in row["message"] and "+10.3 %" in row["message"]
    assert row["evidence"] == "weak" and len(row["activity_ids"]) == 4
    assert row["week_start"] == row["date"]


def test_a_week_half_without_the_data_says_so_and_is_graded_one_lower():
    case = next(c for c in CASES if c.title.startswith("hard minutes of a week half of whose running"))
    flag = _flags(case).flags.iloc[0]
    assert flag["message"].endswith("+233 %, above the 25 % limit; 2 of 3 runs had no heart rate "
                                    "[info: heuristic evidence, on its own]")
    covered = [a for a in case.activities() if not np.isnan(a.samples["heart_rate_bpm"]).all()]
    whole = _flags(replace(case, activities=lambda: covered)).flags.iloc[0]
    assert (whole["rule_severity"], flag["rule_severity"]) == ("warning", "caution")  # past 200 %: extreme
    assert "had no heart rate" not in whole["message"]


def test_a_habit_is_the_share_of_the_earlier_cases_in_its_window_never_of_the_case_itself():
    days = [*pd.date_range("2026-01-05", periods=6, freq="D"), pd.Timestamp("2026-03-01")]
    happened = pd.Series([True, True, False, True, np.nan, False, True], index=pd.DatetimeIndex(days))
    share = habit_share(happened, days=30)
    assert share.iloc[:4].isna().all()  # fewer than four earlier cases: no habit known yet
    assert share.iloc[4] == 0.75  # 3 of the 4 before it
    assert share.iloc[5] == 0.75  # the same 3 of 4: the case that cannot say (NaN) counts for neither side
    assert np.isnan(share.iloc[6])  # the others lie more than 30 days back


def test_every_rule_is_registered_documented_and_tested():
    assert [r.code for r in RULES] == [f"RL{n:03d}" for n in range(1, 16)]
    for rule in RULES:
        doc = inspect.getdoc(rule.function)
        assert doc.startswith(rule.code + ":"), rule.code
        assert rule.evidence in EVIDENCE_LEVELS
        why = rule.why()
        assert len(why) > 80 and "{" not in why and "``" not in rule.summary(), rule.code
        assert rule.summary().endswith(".") and "\n" not in rule.summary(), rule.code  # whole, on one line
        assert rule.references or re.search(r"\bheuristic\b", doc, re.IGNORECASE), rule.code
        for name in rule.defaults():
            documented = re.search(rf"^{name}\b", doc, re.MULTILINE) or re.search(rf"\b{name}\b[^\n]*:", doc)
            assert documented, (rule.code, name)
        cases = [c for c in CASES if c.code == rule.code]
        assert any(c.expected for c in cases), f"{rule.code} has no flagging case"
        assert any(c.expected == [] for c in cases), f"{rule.code} has no silent case"


def test_severities_are_ordered_worst_first_within_a_day():
    # a 30 km run (RL004 warning) on the Monday of a jump week (RL001) with a high ratio (RL014, info)
    load = history(weeks(20, 20, 20, 20, 20) + [run(35, 30.0)], as_of="2026-02-16")
    flags = run_rules(load).flags
    assert flags["severity"].isin(SEVERITIES).all()
    assert flags["date"].is_monotonic_increasing
    rank = flags["severity"].map(SEVERITIES.index)
    same_day = flags["date"].eq(flags["date"].shift())
    assert same_day.any() and rank.nunique() > 1
    assert (rank.diff()[same_day] <= 0).all()


def test_rule_defaults_come_from_the_signatures():
    assert BY_CODE["RL001"].defaults() == {"limit_pct": 10.0, "warning_pct": 30.0, "min_previous_km": 10.0,
                                          "peak_weeks": 26, "fortnight_pct": 5.0}
    assert BY_CODE["RL008"].defaults()["cap_km"] == 64.0


def _weighed(*rows):
    frame = pd.DataFrame(rows, columns=["code", "week_start", "severity", "evidence"])
    frame["week_start"] = pd.to_datetime(frame["week_start"])
    return weigh(frame.assign(message="m"))


def test_severity_follows_evidence():
    alone = _weighed(("RL004", "2026-01-05", "warning", "strong"), ("RL001", "2026-01-12", "warning", "weak"),
                     ("RL002", "2026-01-19", "caution", "heuristic"), ("RL009", "2026-01-26", "warning", "heuristic"),
                     ("RL014", "2026-02-02", "caution", "contested"))
    assert alone["severity"].tolist() == ["warning", "caution", "info", "caution", "info"]
    assert alone["message"].tolist() == ["m", "m [caution: the most weak evidence allows]",
                                         "m [info: heuristic evidence, on its own]",
                                         "m [caution: heuristic evidence, far past the threshold]",
                                         "m [info: contested evidence, on its own]"]


def test_heuristic_signals_count_when_they_pile_up():
    week = "2026-01-05"
    with_strong = _weighed(("RL004", week, "caution", "strong"), ("RL002", week, "caution", "heuristic"))
    assert with_strong["severity"].tolist() == ["caution", "info"]
    three = _weighed(("RL004", week, "warning", "strong"), ("RL002", week, "caution", "heuristic"),
                     ("RL005", week, "caution", "heuristic"), ("RL010", week, "info", "heuristic"))
    assert three["severity"].tolist() == ["warning", "caution", "caution", "info"]
    assert three["message"].str.slice(1).tolist() == [
        "", " [caution: heuristic evidence, with RL004 and RL005 the same week]",
        " [caution: heuristic evidence, with RL002 and RL004 the same week]", ""]
    four = _weighed(("RL001", week, "caution", "weak"), ("RL004", week, "caution", "strong"),
                    ("RL002", week, "caution", "heuristic"), ("RL005", week, "caution", "heuristic"))
    assert four["message"].iloc[2] == "m [caution: heuristic evidence, with RL001, RL004 and RL005 the same week]"
    # a rule does not pile up with itself
    itself = _weighed(("RL002", week, "caution", "heuristic"), ("RL002", week, "caution", "heuristic"),
                      ("RL005", week, "caution", "heuristic"))
    assert itself["severity"].tolist() == ["info", "info", "info"]


def test_the_plain_words_of_a_rule_carry_the_thresholds_it_ran_with():
    shoes = BY_CODE["RL012"]
    assert shoes.summary() == "The run that takes a pair of shoes past 700 km."
    assert shoes.summary({"limit_km": 550}) == "The run that takes a pair of shoes past 550 km."
    assert shoes.why({"limit_km": 550}).startswith("A pair of shoes has passed 550 km.")
    recovery = BY_CODE["RL009"]
    assert "less than 36 hours apart" in recovery.why()
    assert "less than 48 hours apart" in recovery.why({"min_gap_h": 48})
    assert BY_CODE["RL004"].name == "long_run_spike"  # from the function: a rule is its function and one registry line


def test_a_short_recovery_names_when_the_previous_hard_session_ended():
    load = history([run(1, 10, hard_min=25), run(2, 10, hard_min=25), run(5, 8)])
    flag = BY_CODE["RL009"].function(load).iloc[0]
    first = load.runs.sort_values("start_time").iloc[0]
    ended = first["start_time_local"] + (first["end_time"] - first["start_time"])
    assert ended > first["start_time_local"] + pd.Timedelta(minutes=50)  # 10 km at 3 m/s, not its start
    assert f"the previous hard one ended ({ended:%a %H:%M})" in flag["message"]


@pytest.mark.parametrize("runs, why", [
    ([run(1, 10, hard_min=25), run(2, 10, hard_min=25)], "25 min at 85% of max HR or above, hard from 20 min"),
    ([run(day, 8) for day in range(0, 20, 3)] + [run(22, 16), run(23, 16, hour=10)],
     "16.0 km, 2.00 times the median run of 8.0 km, hard from 1.5 times"),
])
def test_a_short_recovery_says_what_made_the_session_hard(runs, why):
    said = BY_CODE["RL009"].function(history(runs))["message"].tolist()
    assert len(said) == 1 and said[0].endswith(f"; at least 36 h advised (this one: {why})")


def test_counts_in_messages_agree_with_their_number():
    six_days = [run(7 * week + day, 8) for week in range(6) for day in range(6)]  # Sunday off
    load = history(six_days)
    rest = BY_CODE["RL003"].function(load, min_rest_days=2)["message"]
    assert rest.iloc[0] == "1 rest day this week (6 runs on 6 days); at least 2 needed"
    assert "0 rest days this week (7 runs on 7 days)" in BY_CODE["RL003"].function(
        history(six_days + [run(7 * week + 6, 8) for week in range(6)]))["message"].iloc[0]
    monotony = BY_CODE["RL015"].function(load)["message"]
    assert len(monotony) == 6 and monotony.str.contains(r"km/day, 1 rest day\)").all()
    hard = weeks(*[20] * 5, hard_min=5) + weeks(20, first_day=35, hard_min=30)
    intensity = BY_CODE["RL005"].function(history(hard))["message"]
    assert intensity.str.contains(" min a week over the previous 4 weeks: +").all() and len(intensity) == 1


@pytest.mark.parametrize("week_km, run_ascent_m, said", [
    (10, 60, "240 m of climbing over 10.0 km (24.0 m/km; limit 20 m/km), 2.40 times the 10.0 m/km of a usual "
             "running week"),  # hilly, though it climbed less than usual: no "0.8 times the 300 m"
    (50, 100, "400 m of climbing over 50.0 km (8.0 m/km), 1.33 times the 300 m of a usual running week "
              "(limit 1.3 times, and at least 300 m)"),
    (30, 200, "800 m of climbing over 30.0 km (26.7 m/km; limit 20 m/km), 2.67 times the 10.0 m/km and 2.67 times "
              "the 300 m of a usual running week (limit 1.3 times, and at least 300 m)"),
])
def test_a_hilly_week_is_held_against_what_made_it_hilly(week_km, run_ascent_m, said):
    load = history(weeks(*[30] * 4, ascent_m=75) + weeks(week_km, first_day=28, ascent_m=run_ascent_m))
    assert BY_CODE["RL002"].function(load)["message"].tolist() == [said]


def test_a_ratio_against_a_usual_of_almost_nothing_is_said_in_whole_times():
    load = history(weeks(*[30] * 4, ascent_m=3) + weeks(30, first_day=28, ascent_m=200))
    said = ("800 m of climbing over 30.0 km (26.7 m/km; limit 20 m/km), 67 times the 0.4 m/km and 67 times the 12 m "
            "of a usual running week (limit 1.3 times, and at least 300 m)")
    assert BY_CODE["RL002"].function(load)["message"].tolist() == [said]


def test_a_climb_after_weeks_without_one_names_its_limit():
    load = history(weeks(*[30] * 4) + weeks(50, first_day=28, ascent_m=100))
    said = "400 m of climbing over 50.0 km (8.0 m/km), after weeks without climbing (limit 300 m)"
    assert BY_CODE["RL002"].function(load)["message"].tolist() == [said]


def test_a_chronic_load_taken_as_its_floor_never_reads_as_taken_as_itself():
    load = history(weeks(3, 3, 3, 3, 3, 30))
    said = [m for tenth in range(50, 150)  # floors from a 5.0 to a 14.9 km week
            for m in BY_CODE["RL014"].function(load, min_chronic_week_km=tenth / 10)["message"]]
    raised = [m for m in said if "taken as" in m]
    assert raised and not [m for m in raised if re.search(r"chronic ([\d.]+) km/day, taken as \1:", m)]
    assert any(re.search(r"chronic \d\.\d\d km/day, taken as \d\.\d\d: a ", m) for m in raised)


@pytest.mark.parametrize("usual_m, run_m, said", [
    (100, 300, "288 m descended at -8 % or steeper, 3.36 times the 86 m of a usual running week (limit 1.3 times, "
               "and at least 100 m)"),  # as measured along the track, in 50 m segments
    (30, 300, "288 m descended at -8 % or steeper, 13 times the 23 m of a usual running week (limit 1.3 times, and "
              "at least 100 m)"),  # not 12.52 times: hundredths say nothing against a usual of almost none
    (0, 141, "131 m descended at -8 % or steeper, the first in 30 days of running or more (limit 100 m)"),
])
def test_a_steep_week_names_the_limit_it_passed(usual_m, run_m, said):
    usual = [run(7 * w + 3, 8, steep_m=usual_m) for w in range(5)]
    load = history(usual + [run(38, 8, steep_m=run_m)])
    assert BY_CODE["RL006"].function(load)["message"].tolist() == [said]


def test_a_selection_of_no_rule_is_refused_not_taken_as_every_rule():
    load = history(weeks(*[30] * 5) + [run(37, 30.0)])
    assert len(run_rules(load).flags) and len(run_rules(load, select=["RL004"]).flags)
    with pytest.raises(ConfigError, match="select names no rule"):
        run_rules(load, select=[])


def test_a_long_run_spike_names_the_limit_of_its_grade():
    load = history(weeks(*[30] * 5) + [run(35, 12.0), run(37, 30.0)])
    assert BY_CODE["RL004"].function(load)["message"].tolist() == [
        "a 12.0 km run, 1.60 times the longest run of the previous 30 days (7.5 km): more than 1.1 times is a caution",
        "a 30.0 km run, 2.50 times the longest run of the previous 30 days (12.0 km): more than 2 times is a warning"]


def test_strength_sessions_no_longer_recorded_are_said_once_with_the_last_week_that_had_one():
    load = history(weeks(*[40] * 20) + [strength(d) for d in (0, 4, 7, 11)], as_of="2030-01-01")
    flags = run_rules(load, select=["RL011"]).flags
    assert flags["message"].iloc[0] == "0 strength sessions this week; 2 or more advised"
    said = flags.iloc[-1]
    assert (said["date"] - MONDAY).days == 70 and (said["observed"], said["threshold"]) == (0, 2)
    week_1 = f"{MONDAY + pd.Timedelta(days=7):%d %b %Y}"
    assert said["message"] == (f"no strength session recorded since the week of {week_1}: until one is, weeks "
                               "without one are not flagged, as riskload cannot tell strength work that stopped "
                               "from strength work no longer recorded; 2 or more a week advised")


def test_hard_minutes_held_against_their_floor_say_so():
    hard = [run(7 * w + 1, 12, hard_min=15) for w in range(4)] + [run(29, 12, hard_min=45)]
    said = BY_CODE["RL005"].function(history(hard))["message"].iloc[0]
    assert re.search(r"^4\d min at .* against 15 min a week over the previous 4 weeks, taken as 20 min: \+1\d\d %, "
                     r"above the 25 % limit$", said), said


def test_a_start_slow_enough_but_at_a_hard_heart_rate_is_said_to_be_flagged_for_its_heart_rate():
    started_hot = session(37, (10, 2.5, 180), (30, 3.2, 182), (10, 2.5, 150))
    load = history(weeks(*[40] * 5) + [started_hot])
    flags, max_bpm = BY_CODE["RL010"].function(load), load.heart_rate.max_bpm
    said = flags[flags["date"] == MONDAY + pd.Timedelta(days=37)].iloc[0]
    assert (said["observed"], said["threshold"], said["unit"]) == (180, round(0.85 * max_bpm), "bpm")
    assert said["message"] == ("a hard session (40 min at 85% of max HR or above, hard from 10 min) whose first "
                               "10 min were run 21.9 % slower than its fastest 10 min after them, but at a heart rate "
                               f"of 180 bpm, {180 / max_bpm:.0%} of the maximum {max_bpm:.0f} (below 85% advised)")


def test_a_session_hard_for_its_pace_alone_says_so():
    fast = session(37, (10, 3.6, 150), (30, 3.6, 155))  # the other runs: 3.0 m/s at 140 bpm
    said = BY_CODE["RL010"].function(history(weeks(*[40] * 5) + [fast]))["message"].tolist()
    assert said == ["a hard session (its main part 20 % faster than the median run's, hard from 10 %) whose first "
                    "10 min were run at the pace of its fastest 10 min after them (at least 5 % slower advised), "
                    "heart rate 150 bpm"]


def test_a_start_at_the_pace_of_what_follows_is_observed_as_zero_not_minus_zero():
    level = session(37, (10, 3.0000001, 180), (30, 3.0, 182))
    observed = BY_CODE["RL010"].function(history(weeks(*[40] * 5) + [level]))["observed"]
    assert (observed == 0).any() and all(math.copysign(1.0, value) == 1.0 for value in observed)
