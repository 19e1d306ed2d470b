"""Planned runs: a plan checked by the rules, and the safe envelope found with them."""

from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path

import icalendar
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from riskload import analyze, check_plan, envelope, report
from riskload.cli import main
from riskload.errors import ConfigError
from riskload.plan import Habits, extend_load, hard_session_km, parse_plan, planned, planned_activities, read_plan
from riskload.rules import SEVERITIES
from riskload.report.calendar import week_summary
from riskload.report.units import units
from riskload.safe_envelope import at_ceiling, crossing, largest

from . import synthetic

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
CAUTION = SEVERITIES.index("caution")


def history(name: str, today: str):
    """The sample athlete's analysis with the history up to the day before ``today``."""
    return analyze(SAMPLE / name, as_of=pd.Timestamp(today) - pd.Timedelta(days=1))


@pytest.fixture(scope="module")
def anna():
    return history("athlete-a", "2026-08-27")


# --- reading a plan ------------------------------------------------------------------------

def test_plan_columns_by_name_with_defaults_and_bad_rows_named():
    plan = parse_plan("Date,Distance,Intensity,Climb,Time\n"
                      "2026-09-01,10,hard,,18:00\n"
                      "2026-09-02,12.5,,120,\n"
                      "2026-09-03,abc,easy,,\n"
                      "2026-09-04,8,tempo,,\n"
                      "09/05/2026,8,easy,,\n"
                      "2026-09-06,8,easy,,25:00\n")
    runs = plan.runs
    assert list(runs["distance_km"]) == [10.0, 12.5]
    assert list(runs["intensity"]) == ["hard", "easy"] and list(runs["time"]) == ["18:00", "07:00"]
    assert list(runs["climb_m"]) == [0.0, 120.0] and runs["duration_min"].isna().all()
    assert [p.split(":")[0] for p in plan.problems] == [f"plan line {n}" for n in (4, 5, 6, 7)]
    assert "not a number" in plan.problems[0] and "easy, hard or long" in plan.problems[1]


def test_a_plan_saved_with_semicolons_and_decimal_commas_reads():
    plan = parse_plan("date;distance;intensity;climb\n2026-09-01;12,5;long;120\n")
    assert plan.problems == [] and list(plan.runs["distance_km"]) == [12.5]


def test_a_plan_without_distance_or_a_missing_file_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="missing: distance"):
        parse_plan("date,km\n2026-09-01,5\n")
    with pytest.raises(ConfigError, match="plan not found"):
        read_plan(tmp_path / "none.csv")


def test_a_plan_without_a_run_that_can_be_read_is_refused_with_why():
    with pytest.raises(ConfigError, match=r"^week.csv: no planned run to check \(line 2: date '2026-13-06' is not a "
                                          r"day written YYYY-MM-DD\)$"):
        parse_plan("date,distance\n2026-13-06,12\n", "week.csv")
    with pytest.raises(ConfigError, match="^week.csv: no planned run to check: the file has no row after its first"):
        parse_plan("date,distance\n", "week.csv")


def test_a_plan_table_without_its_columns_or_with_a_bad_row_is_refused_naming_it(anna):
    with pytest.raises(ConfigError, match=r"^a plan table must name the columns .* \(missing: date\)$"):
        check_plan(anna, pd.DataFrame({"day": ["2026-09-01"], "distance": [8]}))
    with pytest.raises(ConfigError, match="^plan table row 2: distance 'x' is not a number$"):
        check_plan(anna, pd.DataFrame({"date": ["2026-09-01", "2026-09-02"], "distance_km": [8, "x"]}))


def test_checking_a_plan_with_no_run_that_can_be_read_fails_with_a_message(tmp_path):
    plan = tmp_path / "week.csv"
    plan.write_text("date,distance\n2026-08-27,x\n")
    result = CliRunner().invoke(main, ["plan", str(SAMPLE / "athlete-a"), "--until", "2026-08-27", "--check",
                                       str(plan)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # not a traceback
    assert "week.csv: no planned run to check (line 2: distance 'x' is not a number)" in result.stderr


# --- planned runs as a watch would record them ----------------------------------------------

def test_a_planned_run_is_recorded_like_a_run(anna):
    habits = Habits.of(anna.load)
    plan = planned(["2026-09-01"], 10.0, intensity="hard", climb_m=150)
    acts, samples = planned_activities(plan, habits)
    run = acts.iloc[0]
    assert run["distance_m"] == 10_000 and run["is_running"] and run["local_date"] == pd.Timestamp("2026-09-01")
    assert run["ascent_m"] == pytest.approx(150, abs=1)
    assert samples["distance_m"].iloc[-1] == pytest.approx(10_000)
    extended = extend_load(anna.load, acts, samples)
    added = extended.runs.set_index("activity_id").loc["planned-1"]
    main_min = run["moving_time_s"] / 60 - 10  # all but the ten easier minutes
    assert added["high_hr_min"] == pytest.approx(main_min, abs=0.5)
    assert extended.weekly.loc["2026-08-31", "distance_km"] == pytest.approx(10.0)
    assert len(extended.runs) == len(anna.load.runs) + 1


def test_the_duration_sets_the_pace_and_a_hard_session_holds_its_minutes(anna):
    habits = Habits.of(anna.load)
    acts, _ = planned_activities(planned(["2026-09-01"], 10.0).assign(duration_min=50.0), habits)
    assert acts["moving_time_s"].iloc[0] == pytest.approx(50 * 60, rel=0.06)  # 10 easier minutes at the start
    acts, samples = planned_activities(planned(["2026-09-01"], hard_session_km(habits, 25), intensity="hard"), habits)
    hot = extend_load(anna.load, acts, samples).runs.set_index("activity_id").loc["planned-1", "high_hr_min"]
    assert hot == pytest.approx(25, abs=0.3)


# --- checking a plan -----------------------------------------------------------------------

def test_check_plan_raises_the_rules_flags_with_their_messages(anna):
    flags = check_plan(anna, pd.DataFrame({"date": ["2026-08-27", "2026-08-30"], "distance_km": [8, 30],
                                           "intensity": ["easy", "long"]}))
    long_run = flags[flags["code"] == "RL004"]
    assert list(long_run["date"].dt.strftime("%Y-%m-%d")) == ["2026-08-30"]
    assert long_run["message"].iloc[0].startswith("a 30.0 km run, ")
    assert long_run["severity"].iloc[0] in ("caution", "warning")
    assert (pd.DatetimeIndex(flags["date"]) >= pd.Timestamp("2026-08-24")).all()
    quiet = check_plan(anna, pd.DataFrame({"date": ["2026-08-27"], "distance_km": [8]}))
    assert quiet.empty


# --- the envelope ---------------------------------------------------------------------------

ENVELOPE_DAYS = [("athlete-a", "2026-08-27"), ("athlete-b", "2026-07-22"), ("athlete-b", "2026-09-14")]


@functools.lru_cache(maxsize=None)
def computed(name: str, today: str):
    analysis = history(name, today)
    return analysis, envelope(analysis, today=today)


@pytest.fixture(scope="module", params=ENVELOPE_DAYS, ids=lambda p: f"{p[0]}-{p[1]}")
def enveloped(request):
    return computed(*request.param)


def test_several_planned_runs_keep_their_own_records(anna):
    habits = Habits.of(anna.load)
    days = pd.date_range("2026-09-01", periods=11)
    acts, samples = planned_activities(planned(days, 8.0, climb_m=220), habits)
    assert list(acts["activity_id"]) == [f"planned-{i}" for i in range(1, 12)]
    per_run = samples.groupby("activity_id", observed=True)
    assert per_run.ngroups == 11 and list(per_run["distance_m"].max()) == pytest.approx([8000.0] * 11)
    first = per_run["timestamp"].min().reindex(acts["activity_id"])
    assert (first.to_numpy() == acts["start_time"].to_numpy()).all()
    assert (per_run["timestamp"].max().reindex(acts["activity_id"]).to_numpy() == acts["end_time"].to_numpy()).all()
    assert samples["timestamp"].dtype == "datetime64[ns, UTC]" and samples["segment"].dtype == "int32"


# --- the search ---------------------------------------------------------------------------------

@pytest.mark.parametrize("guess", [None, 0.0, 3.0, 4.0, 7.0, 12.0, 20.0, 30.0, [9.5, 19.5], [4.0, 3.0]])
def test_the_search_finds_the_largest_passing_value_asking_each_value_once(guess):
    for limit in [-1.0, 0.0, 0.5, 3.0, 4.0, 9.5, 19.5, 20.0, 25.0]:
        asked = []

        def ok(value):
            asked.append(round(value, 6))
            return value <= limit

        found = largest(ok, 0.0, 20.0, 0.5, guess)
        expected = None if limit < 0 else min(limit, 20.0)
        assert found == expected, (limit, guess, asked)
        assert len(asked) == len(set(asked)), (limit, guess, asked)
        # 41 values: high, then six halvings at most; each wrong guess costs two trials at most
        guesses = [] if guess is None else guess if isinstance(guess, list) else [guess]
        assert len(asked) <= 7 + 2 * len(guesses), (limit, guess, asked)
        if expected in guesses:
            assert len(asked) <= 2 * (guesses.index(expected) + 1), (limit, guess, asked)


def test_the_failed_plans_point_where_the_last_flag_to_go_meets_its_threshold():
    week = ("RL001", "2026-01-05", "week")
    run = ("RL004", "2026-01-07", "run")
    # a week's rise of 40 % at 56 km and 60 % at 64 km meets its 10 % at 44 km; a run's ratio of 1.5 and
    # 1.7 meets its 1.1 at 40 km, so a plan passes both from 40 km down; the 80 km plan is not drawn on
    objected = {64.0: {week: (60.0, 10.0), run: (1.7, 1.1)}, 56.0: {week: (40.0, 10.0), run: (1.5, 1.1)},
                80.0: {week: (99.0, 10.0)}}
    assert crossing(objected) == pytest.approx(40.0)
    assert crossing({56.0: objected[56.0]}) is None  # one failed plan draws no line
    assert crossing({56.0: {week: (40.0, 10.0)}, 64.0: {run: (1.5, 1.1)}}) is None  # no flag in both
    assert crossing({56.0: {week: (40.0, 10.0)}, 64.0: {week: (40.0, 10.0)}}) is None  # a figure that did not move
    # a flag without a figure neither hides the others nor draws a line of its own
    unknown = ("RL002", "2026-01-05", "week")
    assert crossing({56.0: {unknown: (np.nan, 0.2), week: (40.0, 10.0)},
                     64.0: {unknown: (np.nan, 0.2), week: (60.0, 10.0)}}) == pytest.approx(44.0)


@pytest.mark.parametrize("figure, exact", [(lambda v: 3.0 * v + 2.0, True), (lambda v: 40.0 - 1.5 * v, True),
                                           (lambda v: v * v, False), (lambda v: float(np.floor(v / 4.0)), False)])
def test_the_search_goes_where_the_failing_plans_flags_point_and_still_finds_the_largest(figure, exact):
    """A rule's figure passes its threshold at the limit: a straight line through the flags of two plans
    that failed points at it. Where the figure is straight, two more trials end the search; where it is
    not, the answer is the same and no value is asked twice."""
    increasing = figure(1.0) > figure(0.0)
    for limit in [0.0, 0.5, 3.0, 4.0, 9.5, 13.0, 19.5]:
        threshold = figure(limit + 0.25)
        asked, objected = [], {}

        def ok(value):
            asked.append(round(value, 6))
            if (figure(value) > threshold) == increasing:
                objected[value] = {("RL000", "2026-01-05", "week"): (figure(value), threshold)}
                return False
            return True

        found = largest(ok, 0.0, 20.0, 0.5, estimate=lambda: crossing(objected))
        assert found == largest(lambda v: (figure(v) > threshold) != increasing, 0.0, 20.0, 0.5), (limit, asked)
        assert len(asked) == len(set(asked)), (limit, asked)
        assert len(asked) <= (7 if exact else 14), (limit, asked)  # 7: high, then six halvings at most
        second_failed = [i for i, value in enumerate(asked) if value in objected][1:2]
        if exact and second_failed:
            assert len(asked) <= second_failed[0] + 3, (limit, asked)  # there, then the step above it


def test_the_envelope_equals_the_one_worked_by_hand_in_sample_data():
    expected = pd.read_csv(SAMPLE / "expected" / "envelope.csv", parse_dates=["today", "date"])
    assert len(expected) >= 15
    for row in expected.itertuples():
        _, found = computed(row.athlete, f"{row.today:%Y-%m-%d}")
        if row.item == "longest_run_km":
            got = found.days.set_index("date").loc[row.date, "longest_run_km"]
        elif row.item == "longest_streak_days":
            got = found.longest_streak_days
        else:
            column = {"week_distance_km": "distance_km"}.get(row.item, row.item)
            got = found.weeks.set_index("week_start").loc[row.date, column]
        assert got == pytest.approx(row.value), (row.athlete, row.item, row.date, row.why)


def _own_caution(flags: pd.DataFrame, codes) -> pd.DataFrame:
    return flags[flags["code"].isin(codes) & (flags["severity"].map(SEVERITIES.index) >= CAUTION)]


def test_a_plan_at_the_envelope_raises_no_caution_and_one_step_above_raises_its_rule(enveloped):
    analysis, found = enveloped
    judged = [limit for limit in found.limits if limit.at is not None and limit.above is not None]
    assert len(judged) >= 10
    for limit in judged:
        at = check_plan(analysis, limit.at)
        assert _own_caution(at, limit.codes).empty, (limit.what, limit.day, limit.value, at)
        above = check_plan(analysis, limit.above)
        assert above["code"].isin(limit.codes).any(), (limit.what, limit.day, limit.value + limit.step)


def test_the_envelope_tables_hold_the_limits(enveloped):
    analysis, found = enveloped
    horizon = found.days["date"]
    assert horizon.iloc[0] == found.today and horizon.diff().dropna().eq(pd.Timedelta(days=1)).all()
    assert horizon.iloc[-1].day_of_week == 6  # the rest of this week and the next
    by_day = {(limit.what, limit.day): limit for limit in found.limits}
    for row in found.days.itertuples():
        limit = by_day[("longest run", row.date)]
        if limit.value is None or limit.capped:  # the rule cannot judge that day, or objects to nothing
            assert np.isnan(row.longest_run_km)
        else:
            assert row.longest_run_km == limit.value
    ceilings = found.weeks.dropna(subset=["distance_km"])
    assert len(ceilings) and (ceilings["distance_km"] >= ceilings["run_so_far_km"]).all()


def test_after_a_break_the_first_week_back_has_its_ceiling():
    analysis, found = computed("athlete-b", "2026-09-14")
    week = found.weeks.iloc[0]
    # the break started after 23 Aug; RL007 allows half the 4-week mean before it (35.7 km, see sample_data)
    usual = analysis.load.weekly.loc["2026-07-27":"2026-08-17", "distance_km"].mean()
    assert week["distance_km"] == pytest.approx(0.5 * usual, abs=0.15)
    assert "21 days without running before Mon 14 Sep: the first week back is held to 18.1 km (RL007" in \
        report.envelope_text(found)


def test_rules_that_cannot_speak_say_so_and_set_no_figure():
    no_hr = analyze(SAMPLE / "athlete-a", as_of="2026-08-26", select=["RL004"])
    stripped = no_hr.load.records.assign(heart_rate_bpm=np.nan)
    load = replace(no_hr.load, records=stripped, heart_rate=replace(no_hr.load.heart_rate, max_bpm=None))
    found = envelope(replace(no_hr, load=load), today="2026-08-27", days=3)
    assert "RL005" in found.silent and found.weeks["hard_min"].isna().all()


# --- where it shows --------------------------------------------------------------------------

def test_plan_command_prints_the_envelope_and_writes_a_calendar(tmp_path):
    ics = tmp_path / "anna.ics"
    result = CliRunner().invoke(main, ["plan", str(SAMPLE / "athlete-a"), "--until", "2026-08-27", "--ics", str(ics)])
    assert result.exit_code == 0, result.output
    assert "what the days from Thu 27 Aug 2026 can hold without a caution" in result.stdout
    assert "Thu 03 Sep  18.9 km      rest day advised" in result.stdout
    calendar = icalendar.Calendar.from_ical(ics.read_bytes())
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 11
    first = events[0]
    assert first.decoded("DTSTART") == pd.Timestamp("2026-08-27").date()
    assert first.decoded("DTEND") == pd.Timestamp("2026-08-28").date()
    assert str(first["SUMMARY"]) == "longest run 23.2 km"
    assert str(events[7]["SUMMARY"]) == "longest run 18.9 km · rest day advised"
    assert "up to 68.0 km" in str(first["DESCRIPTION"])
    assert all(len(line.encode()) <= 75 for line in ics.read_bytes().decode().split("\r\n"))


def test_plan_check_prints_the_flags_and_fails_on_request(tmp_path):
    plan = tmp_path / "week.csv"
    plan.write_text("date,sport,distance,duration,climb,intensity\n2026-08-27,run,8,,,easy\n"
                    "2026-08-30,run,30,,,long\n2026-08-31,run,x,,,easy\n")
    result = CliRunner().invoke(main, ["plan", str(SAMPLE / "athlete-a"), "--until", "2026-08-27", "--check",
                                       str(plan), "--fail-on", "caution"])
    assert result.exit_code == 3, result.output
    assert "It would raise" in result.stdout and "RL004" in result.stdout and "a 30.0 km run" in result.stdout
    assert "week.csv line 4" in result.stderr
    plan.write_text("date,distance\n2026-08-27,8\n")
    calm = CliRunner().invoke(main, ["plan", str(SAMPLE / "athlete-a"), "--until", "2026-08-27", "--check", str(plan),
                                     "--fail-on", "caution"])
    assert calm.exit_code == 0 and "It raises no flag." in calm.stdout


def test_a_new_runner_gets_no_made_up_limits(tmp_path):
    found = envelope(history("athlete-b", "2026-06-10"), today="2026-06-10", days=5)
    assert found.days["longest_run_km"].isna().all()  # nothing in the 30 days before to compare with
    assert found.weeks["distance_km"].isna().all() and found.weeks["per_run_km"].isna().all()
    text = report.envelope_text(found)
    assert "Week distance (RL001, RL004, RL007, RL008) from Mon 08 Jun: no limit" in text
    ics = report.envelope_ics(found, athlete="Ben")
    assert "no limit riskload can set" in ics
    assert "no weekly distance limit riskload can set" in ics.replace("\r\n ", "")
    assert "nan" not in ics.lower()


def test_the_search_ceiling_is_its_last_step_not_its_bound():
    assert largest(lambda value: True, 0.0, 30.09, 0.1) == 30.0
    assert at_ceiling(30.0, 30.09, 0.1) and at_ceiling(30.0, 30.0, 0.1)
    assert not at_ceiling(29.9, 30.09, 0.1) and not at_ceiling(None, 30.09, 0.1)


def test_a_day_rl004_cannot_judge_has_no_limit_whatever_the_search_ceiling():
    # a real history's pattern: back from months off, the day table read "30.0 km" on every day, the
    # search's ceiling (three times the longest run, 30.09 km here) cut to its 0.1 km steps
    runs = synthetic.weeks(*[30] * 6) + [synthetic.run(45, 10.03)]
    found = envelope(synthetic.analysis(runs, as_of=f"{synthetic.MONDAY + pd.Timedelta(days=120):%Y-%m-%d}"), days=5)
    assert found.days["longest_run_km"].isna().all()
    assert [limit.capped for limit in found.limits if limit.what == "longest run"] == [True] * 5
    assert "Longest run (RL004): no limit on 5 of the days" in report.envelope_text(found)


def test_in_miles_the_envelope_gives_climb_and_descent_in_feet(anna):
    found = envelope(anna, today="2026-08-27", days=4)
    metric, imperial = report.envelope_text(found), report.envelope_text(found, units="mi")
    week = found.weeks.iloc[0]
    assert f"{week.climb_m:.0f} m" in metric and f"{week.climb_m * 3.28084:.0f} ft" in imperial
    assert f"{week.steep_descent_m * 3.28084:.0f} ft" in imperial and " m " not in imperial.split("rest days")[-1]
    ics = report.envelope_ics(found, athlete="Anna", units="mi").replace("\r\n ", "")
    assert f"climb up to {week.climb_m * 3.28084:.0f} ft" in ics
    assert f"steep descent up to {week.steep_descent_m * 3.28084:.0f} ft" in ics


def test_a_week_of_one_run_left_says_one_run(anna):
    week = envelope(anna, today="2026-08-27", days=4).weeks.iloc[0].copy()
    week["runs"] = 1
    said = week_summary(next(pd.DataFrame([week]).itertuples()), units("km"))
    assert "a run over 1 run)" in said and "1 runs" not in said


def test_envelope_text_names_streak_and_next_hard_session(anna):
    text = report.envelope_text(envelope(anna, today="2026-08-27", days=4), athlete="Anna")
    assert "Running days in a row from Thu 27 Aug without a caution:" in text
    assert "The next hard session can start from" in text
    # what each limit assumes, as on the page: the days and the second week answer different questions
    assert " ".join(text.split("\n\n")[-1].split()) == report.envelope.ENVELOPE_EXPLAINED
