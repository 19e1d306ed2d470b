"""Athlete settings: read, checked, and applied to the rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import riskload
from riskload import ConfigError
from riskload.load import build_load
from riskload.rules import BY_CODE, rule_options, run_rules
from riskload.settings import Settings, load_settings, parse_settings

from .synthetic import export_of, history, weeks

GOOD = """
[athlete]
name = "Test runner"
timezone = "Europe/Vienna"
max_hr_bpm = 190
resting_hr_bpm = 48
sex = "female"
weekly_cap_km = 50
units = "mi"
week_start = "sunday"

[rules]
disabled = ["rl011"]

[rules.RL001]
limit_pct = 8
"""


def test_a_full_file_is_read(tmp_path):
    (tmp_path / "riskload.toml").write_text(GOOD)
    s = load_settings(folder=tmp_path)
    assert (s.name, s.timezone, s.max_hr_bpm, s.resting_hr_bpm, s.sex) == ("Test runner", "Europe/Vienna", 190, 48,
                                                                          "female")
    assert (s.weekly_cap_km, s.units, s.week_start_day, s.disabled_rules) == (50, "mi", 6, ("RL011",))
    assert rule_options(s) == {"RL001": {"limit_pct": 8.0}, "RL008": {"cap_km": 50.0}}


def test_no_file_gives_defaults(tmp_path):
    assert load_settings(folder=tmp_path) == Settings()


@pytest.mark.parametrize("text, named", [
    ("[athlete]\nmax_hr = 190", "athlete.max_hr"),
    ("[runner]\nname = 'x'", "runner"),
    ("[athlete]\nmax_hr_bpm = 'high'", "athlete.max_hr_bpm"),
    ("[athlete]\nmax_hr_bpm = 400", "athlete.max_hr_bpm"),
    ("[athlete]\ntimezone = 'Mars/Olympus'", "athlete.timezone"),
    ("[athlete]\nsex = 'x'", "athlete.sex"),
    ("[athlete]\nweek_start = 'funday'", "athlete.week_start"),
    ("[athlete]\nmax_hr_bpm = 150\nresting_hr_bpm = 150", "resting_hr_bpm"),
    ("[rules]\ndisabled = 'RL011'", "rules.disabled"),
    ("[athlete\nname = 1", "not valid TOML"),
    ("[athlete]\nuntyped_sport = 'jogging'", "athlete.untyped_sport"),
])
def test_bad_settings_name_the_key(tmp_path, text, named):
    path = tmp_path / "settings.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        load_settings(path)


@pytest.mark.parametrize("rules, named", [
    ({"RL099": {"limit_pct": 1}}, "RL099"),
    ({"RL001": {"limit": 1}}, "rules.RL001.limit"),
    ({"RL001": {"limit_pct": "ten"}}, "rules.RL001.limit_pct"),
    ({"RL001": {"peak_weeks": 2.5}}, "rules.RL001.peak_weeks"),
    ({"RL014": {"limit": float("nan")}}, r"rules.RL014.limit must be a finite number, not nan"),
    ({"RL009": {"min_gap_h": -1}}, r"rules.RL009.min_gap_h = -1 must be at least 0 \(the default is 36.0\)"),
    ({"RL006": {"grade_limit_pct": 0}}, r"rules.RL006.grade_limit_pct = 0 must be below 0 \(the default is -8.0\)"),
    ({"RL006": {"grade_limit_pct": 5.0}}, "rules.RL006.grade_limit_pct = 5.0 must be below 0"),
    ({"RL014": {"acute_days": 0}}, "rules.RL014.acute_days = 0 is a span of time: from 1 to 3653"),
    ({"RL013": {"baseline_weeks": 600}}, "rules.RL013.baseline_weeks = 600 is a span of time: from 1 to 522"),
])
def test_bad_rule_thresholds_name_the_key(rules, named):
    settings = parse_settings({"rules": rules}, "riskload.toml")
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        rule_options(settings)


def test_a_floor_may_be_0_and_a_count_whole_but_written_as_a_float():
    settings = parse_settings({"rules": {"RL004": {"min_extra_km": 0, "window_days": 28.0}}}, "riskload.toml")
    assert rule_options(settings) == {"RL004": {"min_extra_km": 0.0, "window_days": 28}}


def test_a_wrong_threshold_the_load_tables_share_is_refused_before_the_export_is_read(tmp_path):
    # the tables read RL014's spans before any rule runs: a 0-day span once failed inside pandas' EWM
    (tmp_path / "riskload.toml").write_text("[rules.RL014]\nacute_days = 0\n")
    with pytest.raises(ConfigError, match="acute_days = 0 is a span of time"):
        build_load(export_of(weeks(30, 30)), load_settings(folder=tmp_path))
    with pytest.raises(ConfigError, match="acute_days = 0 is a span of time"):
        riskload.analyze(tmp_path, cache=False)  # said before the folder is read (it holds no activity)


def test_cadence_baseline_needing_more_weeks_than_it_spans_is_refused():
    load = history(weeks(30, 30), rule_options={"RL013": {"baseline_weeks": 4, "min_baseline_weeks": 6}})
    with pytest.raises(ConfigError, match=r"RL013: min_baseline_weeks = 6 is above baseline_weeks = 4"):
        run_rules(load, select=["RL013"])


@pytest.mark.parametrize("code, given, message", [
    # a coach who wants fewer cautions raises the caution's limit past the default warning's
    ("RL004", {"caution_ratio": 2.5}, "caution_ratio = 2.5 is above warning_ratio = 2"),
    ("RL001", {"limit_pct": 40}, "limit_pct = 40 is above warning_pct = 30"),
    ("RL005", {"extreme_pct": 20}, "limit_pct = 25 is above extreme_pct = 20"),
    ("RL007", {"caution_fraction": 1.2}, "caution_fraction = 1.2 is above warning_fraction = 1"),
    ("RL009", {"min_gap_h": 12}, "extreme_gap_h = 18 is above min_gap_h = 12"),
    ("RL013", {"drop_pct": 12}, "drop_pct = 12 is above extreme_drop_pct = 10"),
    ("RL014", {"acute_days": 42}, "acute_days = 42 is above chronic_days = 28"),
])
def test_thresholds_the_wrong_way_round_are_refused_before_the_export_is_read(tmp_path, code, given, message):
    toml = f"[rules.{code}]\n" + "".join(f"{name} = {value}\n" for name, value in given.items())
    (tmp_path / "riskload.toml").write_text(toml)
    lower, higher = message.split(" = ")[0], message.split(" is above ")[1].split(" = ")[0]
    with pytest.raises(ConfigError) as raised:
        riskload.analyze(tmp_path, cache=False)  # the folder holds no activity: said before it is read
    assert str(raised.value) == (f"riskload.toml: rules.{code}: {message}; {lower} may not be "
                                 f"above {higher} (set both)")
    with pytest.raises(ConfigError, match=f"{BY_CODE[code].name}: {message}"):
        BY_CODE[code].function(history(weeks(30, 30)), **given)  # a notebook's direct call


def test_thresholds_in_order_or_equal_are_accepted():
    settings = parse_settings({"rules": {"RL004": {"caution_ratio": 1.5, "warning_ratio": 1.5},
                                         "RL001": {"limit_pct": 40, "warning_pct": 60}}}, "riskload.toml")
    assert rule_options(settings) == {"RL004": {"caution_ratio": 1.5, "warning_ratio": 1.5},
                                      "RL001": {"limit_pct": 40.0, "warning_pct": 60.0}}


def test_a_missing_explicit_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml")


def test_thresholds_and_switches_change_the_flags():
    activities = weeks(20, 21.8)  # +9 %
    assert run_rules(history(activities)).flags.empty
    stricter = history(activities, rule_options={"RL001": {"limit_pct": 8.0}})
    assert list(run_rules(stricter).flags["code"]) == ["RL001"]
    off = history(activities, rule_options={"RL001": {"limit_pct": 8.0}}, disabled_rules=("RL001",))
    report = run_rules(off)
    assert report.flags.empty
    assert report.not_run.set_index("code").loc["RL001", "reason"] == "switched off in the settings"


def test_week_start_moves_the_weeks():
    load = history(weeks(20, 20), week_start="sunday")
    assert all(day.day_name() == "Sunday" for day in load.weekly.index)


@pytest.mark.parametrize("week_start", ["monday", "sunday", "wednesday"])
def test_flags_and_days_are_placed_in_the_weeks_of_the_tables(week_start):
    from riskload.load import week_of

    load = history(weeks(20, 20, 40, 20), week_start=week_start)  # the third week jumps: RL001
    days = load.daily.index
    assert list(week_of(load.weekly, days)) == [load.weekly.index[load.weekly.index <= day][-1] for day in days]
    flags = run_rules(load).flags
    assert "RL001" in set(flags["code"])
    assert set(flags["week_start"]) <= set(load.weekly.index)
    assert all(start <= date < start + pd.Timedelta(days=7) for start, date in zip(flags["week_start"], flags["date"]))
    with pytest.raises(ValueError):
        week_of(load.weekly, [load.weekly.index[0] - pd.Timedelta(days=1)])


def test_missing_maximum_heart_rate_is_estimated_and_said():
    load = history(weeks(20, 20, hard_min=5, hard_hr_bpm=181), max_hr_bpm=None, resting_hr_bpm=None)
    assert load.heart_rate.max_source == "estimated from the data"
    assert load.heart_rate.max_bpm == pytest.approx(181, abs=0.5)
    assert any("estimated" in note for note in load.notes) and any("assumed" in note for note in load.notes)


def test_missing_resting_heart_rate_comes_from_the_watch_over_the_last_year_and_is_said():
    # a week of runs 60 weeks before two recent ones: the old profile (60 bpm) is past the last year
    runs = weeks(20, first_day=-420) + weeks(20, 20, hard_min=5, hard_hr_bpm=181)
    export = export_of(runs)
    start = export.activities["start_time"]
    old = start < start.min() + pd.Timedelta(days=7)
    export.activities["profile_resting_hr_bpm"] = np.where(old, 60.0, np.where(start.dt.day_of_week == 6, 47.0, 49.0))
    export.activities.loc[export.activities.index[-1], "profile_resting_hr_bpm"] = np.nan  # a GPX among them
    load = build_load(export, Settings(max_hr_bpm=190.0), as_of="2030-01-01")
    recent = export.activities.loc[~old, "profile_resting_hr_bpm"].dropna()
    assert len(load.weekly) > 60 and old.sum() == 4 and len(recent) == 7
    assert load.heart_rate.resting_bpm == recent.median() == 49.0
    assert load.heart_rate.resting_source == "from the watch's profile, median of 7 files"
    assert any("49 bpm, from the watch's profile" in note for note in load.notes)
    chosen = build_load(export, Settings(max_hr_bpm=190.0, resting_hr_bpm=44.0), as_of="2030-01-01")
    assert (chosen.heart_rate.resting_bpm, chosen.heart_rate.resting_source) == (44.0, "settings")


def test_the_tables_show_what_the_rules_judged_when_the_settings_change_a_shared_threshold():
    runs = weeks(20, 20, 20, 20, 30, 45, 45, hard_min=25, hard_hr_bpm=170)
    options = {"RL014": {"acute_days": 3, "limit": 1.2}, "RL005": {"hr_fraction": 0.6}}
    load = history(runs, rule_options=options)
    acwr = run_rules(load, select=["RL014"]).flags.set_index("week_start")
    assert len(acwr) >= 2
    assert (load.weekly.loc[acwr.index, "acwr_max"].round(2) == acwr["observed"]).all()  # 3-day ratios in both
    default = history(runs)
    assert not (default.weekly.loc[acwr.index, "acwr_max"].round(2) == acwr["observed"]).all()
    high_bpm = 50 + 0.6 * (190 - 50)  # 60 % of the reserve between the synthetic runner's 50 and 190: the 140 bpm parts
    minutes = load.high_hr_minutes(high_bpm / 190).groupby(load.runs.set_index("activity_id")["week_start"]).sum()
    assert np.allclose(load.weekly["high_hr_min"].to_numpy(), minutes.reindex(load.weekly.index, fill_value=0))
    assert load.weekly["high_hr_min"].sum() > default.weekly["high_hr_min"].sum() > 0


def _untyped_run(folder):
    """A 10.8 km hour recorded by an app that names no sport: a GPX without ``<type>``."""
    start = pd.Timestamp("2026-11-02T07:00:00Z")
    points = "".join(f'<trkpt lat="{47.0 + i * 0.00027:.6f}" lon="11.0"><ele>500</ele>'
                     f"<time>{start + pd.Timedelta(seconds=10 * i):%Y-%m-%dT%H:%M:%SZ}</time></trkpt>"
                     for i in range(361))
    folder.mkdir()
    (folder / "route.gpx").write_text(f'<gpx version="1.1" creator="an app"><trk><trkseg>{points}</trkseg></trk></gpx>')
    return riskload.read_export(folder, timezone="UTC", cache=False)


def test_activities_that_name_no_sport_are_said_and_may_be_taken_for_runs(tmp_path):
    export = _untyped_run(tmp_path / "app")
    quiet = build_load(export, as_of="2026-11-08")
    assert quiet.runs.empty
    assert ("1 activity names no sport (a GPX file without <type>, say), so it is not counted as a run; if the "
            "runner's files are runs, set athlete.untyped_sport = \"running\" in riskload.toml.") in quiet.notes
    (tmp_path / "riskload.toml").write_text('[athlete]\nuntyped_sport = "running"\n')
    settings = load_settings(tmp_path / "riskload.toml")
    assert settings.untyped_sport == "running"
    taken = build_load(export, settings, as_of="2026-11-08")
    assert taken.runs["distance_km"].round(1).tolist() == [10.8]
    assert taken.activities["sport"].tolist() == ["running"] and not any("names no sport" in n for n in taken.notes)
    analysis = riskload.analyze(tmp_path / "app", as_of="2026-11-08", timezone="UTC", cache=False)
    status = riskload.report.status_sentence(analysis)
    assert status.endswith("(other 1), and riskload's rules judge running, so there is nothing to judge. 1 of them "
                           "names no sport: if they are runs, set athlete.untyped_sport = \"running\" in "
                           "riskload.toml.")
