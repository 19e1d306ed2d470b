"""End to end: riskload's flags over sample_data equal the expected-flags table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from riskload import analyze

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
KEY = ["athlete", "date", "period", "code", "severity"]


@pytest.fixture(scope="module")
def analyses():
    return {name: analyze(SAMPLE / name, as_of="2026-11-23") for name in ("athlete-a", "athlete-b")}


def test_flags_equal_the_expected_table(analyses):
    expected = pd.read_csv(SAMPLE / "expected" / "flags.csv", dtype=str)[KEY]
    got = pd.concat([a.flags.assign(athlete=name) for name, a in analyses.items()], ignore_index=True)
    got = got.assign(date=got["date"].dt.strftime("%Y-%m-%d"))[KEY]
    rows = lambda frame: sorted(map(tuple, frame.to_numpy().tolist()))  # noqa: E731
    missing = set(rows(expected)) - set(rows(got))
    unexpected = set(rows(got)) - set(rows(expected))
    assert not missing and not unexpected, f"missing {sorted(missing)}, unexpected {sorted(unexpected)}"
    assert len(got) == len(expected)


def test_rules_that_cannot_run_say_why_once(analyses):
    assert analyses["athlete-a"].not_run.empty
    not_run = analyses["athlete-b"].not_run.set_index("code")["reason"]
    assert sorted(not_run.index) == ["RL011", "RL012"]
    assert "no strength session" in not_run["RL011"] and "gear" in not_run["RL012"]


def test_settings_and_heart_rate_come_from_the_folder(analyses):
    a = analyses["athlete-a"]
    assert a.athlete == "Anna (sample)" and a.settings.timezone == "Europe/Vienna"
    assert a.load.heart_rate.max_bpm == 186 and a.load.heart_rate.max_source == "settings"
    assert set(a.export.activities["local_time_source"]) == {"device", "settings"}
    weekly = a.load.weekly
    assert len(weekly) == 26 and weekly["complete"].all()
    assert weekly.index.to_series().diff().dropna().eq(pd.Timedelta(days=7)).all()
    assert weekly["distance_km"].sum() == pytest.approx(
        a.export.activities.loc[a.export.activities["is_running"], "distance_m"].sum() / 1000)


def test_shoe_table_counts_each_pair(analyses):
    shoes = analyses["athlete-a"].load.shoes
    assert set(shoes["gear"]) == {"Road trainers (blue)", "Trail shoes"}
    totals = shoes.groupby("gear")["cumulative_km"].max()
    assert totals.sum() == pytest.approx(shoes["distance_km"].sum())
    road = shoes[shoes["gear"] == "Road trainers (blue)"]
    first_past = road.loc[road["cumulative_km"] > 700, "local_date"].iloc[0]
    assert first_past == pd.Timestamp("2026-07-15")
    assert analyses["athlete-b"].load.shoes.empty
