"""Properties of the load tables and the rules over random histories (Hypothesis)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskload.load import weekly_table
from riskload.rules import run_rules

from .synthetic import history, run, weeks

RATIO_RULES = ["RL001", "RL004", "RL014", "RL015", "RL003"]

runs_strategy = st.lists(
    st.tuples(st.integers(0, 90), st.floats(3.0, 30.0).map(lambda x: round(x, 1)), st.sampled_from([6, 12, 18])),
    min_size=1, max_size=25, unique_by=lambda r: (r[0], r[2]),
)
examples = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _activities(spec, scale=1.0, shift_days=0):
    # speed scales with distance so every run keeps its start and end: a 30 km run at 3 m/s tripled
    # would last past the next run's start, and overlapping recordings are rightly one activity
    return [run(day + shift_days, km * scale, hour=hour, speed_m_s=3.0 * scale, step_s=120, cadence_spm=None)
            for day, km, hour in spec]


@examples
@given(runs_strategy)
def test_weekly_distance_sums_to_the_runs_and_weeks_are_contiguous(spec):
    load = history(_activities(spec))
    assert load.weekly["distance_km"].sum() == pytest.approx(sum(km for _, km, _ in spec))
    assert load.daily["distance_km"].sum() == pytest.approx(sum(km for _, km, _ in spec))
    steps = load.weekly.index.to_series().diff().dropna()
    assert (steps == pd.Timedelta(days=7)).all()
    assert all(day.day_name() == "Monday" for day in load.weekly.index)
    assert (load.weekly["rest_days"] == 7 - load.daily.groupby(
        load.daily.index.to_period("W-SUN"))["runs"].apply(lambda r: (r > 0).sum()).to_numpy()).all()



@examples
@given(runs_strategy, st.sampled_from(["monday", "thursday", "sunday"]))
def test_each_week_is_made_of_its_own_seven_days(spec, week_start):
    load = history(_activities(spec), week_start=week_start)
    first_day = load.settings.week_start_day
    daily, weekly = load.daily, load.weekly
    week = daily.index - pd.to_timedelta((daily.index.day_of_week - first_day) % 7, unit="D")
    by_week = daily.groupby(week)
    assert (weekly.index.day_of_week == first_day).all()
    for column in ("distance_km", "moving_time_min", "trimp", "high_hr_min"):
        assert weekly[column].to_numpy() == pytest.approx(by_week[column].sum().to_numpy())
    assert (weekly["runs"].to_numpy() == by_week["runs"].sum().to_numpy()).all()
    assert (weekly["longest_run_km"].to_numpy() == by_week["longest_run_km"].max().to_numpy()).all()
    monotony = by_week["distance_km"].mean() / by_week["distance_km"].std(ddof=0)
    assert weekly["monotony"].to_numpy() == pytest.approx(monotony.where(by_week["distance_km"].mean() > 0).to_numpy(),
                                                          nan_ok=True)
    assert weekly["acwr_max"].to_numpy() == pytest.approx(by_week["acwr"].max().to_numpy(), nan_ok=True)


def test_a_daily_table_of_part_weeks_is_refused():
    load = history(_activities([(3, 10.0, 6), (12, 8.0, 6)]))
    with pytest.raises(ValueError, match="whole weeks"):
        weekly_table(load.daily.iloc[1:], load.runs, load.records, 0, load.as_of)


def _key(flags):
    return sorted(zip(flags["code"], flags["date"], flags["severity"]))


@examples
@given(runs_strategy, st.sampled_from([0.5, 1.6, 3.0]))
def test_scaling_every_distance_leaves_ratio_rules_unchanged(spec, factor):
    # absolute floors (RL001's 10 km, RL004's 3, 5 and 2 km, RL014's 10 km week) are scaled too, so only ratios decide
    options = {"RL001": {"min_previous_km": 10.0 * factor},
               "RL004": {"min_km": 3.0 * factor, "min_reference_km": 5.0 * factor, "min_extra_km": 2.0 * factor},
               "RL014": {"min_chronic_week_km": 10.0 * factor}}
    before = run_rules(history(_activities(spec)), select=RATIO_RULES).flags
    scaled_options = {code: dict(values) for code, values in options.items()}
    after = run_rules(history(_activities(spec, scale=factor), rule_options=scaled_options), select=RATIO_RULES).flags
    assert _key(before) == _key(after)


@examples
@given(runs_strategy, st.integers(1, 20))
def test_shifting_by_whole_weeks_shifts_the_flags(spec, n_weeks):
    before = run_rules(history(_activities(spec))).flags
    after = run_rules(history(_activities(spec, shift_days=7 * n_weeks))).flags
    shifted = before.assign(date=before["date"] + pd.Timedelta(weeks=n_weeks))
    assert _key(shifted) == _key(after)


@pytest.mark.parametrize("as_of, last_day", [
    ("2026-01-15", "2026-01-15"),  # in the last week with runs: the analysis's day
    ("2026-01-19", "2026-01-19"),  # the next week, in progress
    ("2030-01-01", "2026-01-18"),  # years later: the tables end with the last runs' week
])
def test_the_tables_end_with_their_last_week_or_the_day_of_the_analysis(as_of, last_day):
    load = history(weeks(20, 20), as_of=as_of)  # Tue 6 to Sun 18 Jan 2026
    assert load.last_day == pd.Timestamp(last_day)
