"""The pain diary: reading it, its episodes, red flags, the back-test, and where it shows."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from riskload import analyze
from riskload.errors import ConfigError
from riskload.importers import read_export
from riskload.pain import (
    EPISODE_GAP_DAYS,
    WINDOW_DAYS,
    backtest,
    episodes,
    flags_before,
    load_before,
    parse_diary,
    read_diary,
    red_flags,
)
from riskload.settings import parse_settings

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
AS_OF = "2026-11-23"


def diary(rows: str, header: str = "date,area,intensity,note"):
    return parse_diary(header + "\n" + rows)


# --- reading ---------------------------------------------------------------------------------

def test_columns_are_found_by_name_in_any_order_and_case():
    d = parse_diary("Note,Intensity,Body Area,DATE\nsore,4,Lower  Back,2026-05-01\n")
    row = d.days.iloc[0]
    assert (row["date"], row["area"], row["intensity"], row["note"]) == (pd.Timestamp("2026-05-01"), "lower back",
                                                                         4.0, "sore")
    assert d.problems == []


def test_bad_rows_are_left_out_each_named_by_its_line_and_the_rest_kept():
    d = diary("2026-05-01,lower back,3,ok\n"
              "01/05/2026,lower back,3,day first\n"
              "2026-05-02,lower back,eleven,\n"
              "2026-05-03,lower back,11,\n"
              "\n"
              "2026-05-04,lower back,2,\"a note, with a comma\"\n"
              "2026-05-04,lower back,5,second row of the day\n")
    assert list(d.days["date"].dt.day) == [1, 4]
    assert d.days["note"].iloc[1] == "a note, with a comma"
    assert len(d.problems) == 4
    lines = [int(re.search(r"line (\d+)", p).group(1)) for p in d.problems]
    assert lines == [3, 4, 5, 8]
    assert "YYYY-MM-DD" in d.problems[0] and "0 to 10" in d.problems[1] and "already on line 7" in d.problems[3]


def test_a_header_without_date_or_intensity_is_refused():
    with pytest.raises(ConfigError, match="missing: intensity"):
        parse_diary("date,area,pain\n2026-05-01,back,3\n")


def test_a_missing_diary_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="pain diary not found"):
        read_diary(tmp_path / "nope.csv")


def test_a_diary_saved_by_a_spreadsheet_with_a_byte_order_mark_reads(tmp_path):
    path = tmp_path / "pain.csv"
    path.write_bytes("date,area,intensity,note\r\n2026-05-01,lower back,3,\r\n".encode("utf-8-sig"))
    assert len(read_diary(path).days) == 1


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252", "utf-8"])
def test_a_diary_saved_by_a_european_spreadsheet_reads_with_its_semicolons_decimal_commas_and_encoding(tmp_path,
                                                                                                     encoding):
    path = tmp_path / "pain.csv"
    path.write_bytes("date;area;intensity;note\r\n2026-05-01;Rücken;3,5;steif, 2,5 h gesessen\r\n".encode(encoding))
    d = read_diary(path)
    assert d.problems == [] and list(d.days["intensity"]) == [3.5]
    assert (d.days["area"].iloc[0], d.days["note"].iloc[0]) == ("rücken", "steif, 2,5 h gesessen")


def test_a_tab_separated_diary_reads_and_a_comma_in_it_stays_text():
    d = parse_diary("date\tarea\tintensity\tnote\n2026-05-01\tback\t3\tsore, 2,5 h\n")
    assert (d.days["intensity"].iloc[0], d.days["note"].iloc[0]) == (3.0, "sore, 2,5 h")


# --- episodes ------------------------------------------------------------------------------

def test_pain_days_up_to_the_gap_apart_are_one_episode_and_areas_are_apart():
    assert EPISODE_GAP_DAYS == 3
    d = diary("2026-05-01,lower back,3,\n"
              "2026-05-05,lower back,2,\n"      # 3 pain-free days between: the same episode
              "2026-05-10,lower back,4,\n"      # 4 pain-free days between: a new one
              "2026-05-06,knee,2,\n"
              "2026-05-07,lower back,0,no pain\n")
    table = episodes(d)
    assert list(zip(table["area"], table["first_day"].dt.day, table["last_day"].dt.day, table["pain_days"])) == [
        ("lower back", 1, 5, 2), ("knee", 6, 6, 1), ("lower back", 10, 10, 1)]
    assert list(table["episode"]) == [1, 2, 3]
    assert list(episodes(d, gap_days=4)["pain_days"]) == [3, 1]


def test_a_diary_without_pain_has_no_episode():
    assert episodes(diary("2026-05-01,,0,started\n")).empty


# --- red flags -----------------------------------------------------------------------------

@pytest.mark.parametrize("note, sign", [
    ("numb patch on the left foot", "numbness"),
    ("pins and needles in the toes", "tingling"),
    ("my left leg feels weak on the stairs", "leg weakness"),
    ("weakness in both legs", "leg weakness"),
    ("pain goes below the knee", "pain spreading below the knee or into the feet"),
    ("shooting pain down into my right foot", "pain spreading below the knee or into the feet"),
    ("trouble controlling my bladder", "bladder or bowel changes"),
])
def test_a_note_naming_a_red_flag_sign_is_found(note, sign):
    found = red_flags(diary(f'2026-05-01,lower back,5,"{note}"\n'))
    assert sign in set(found["sign"])


@pytest.mark.parametrize("note", ["no numbness or tingling", "stiff, but not numb", "aching into the buttock",
                                  "sore after the hill session", "tingling-free, without numbness"])
def test_ordinary_and_negated_notes_raise_no_red_flag(note):
    assert red_flags(diary(f'2026-05-01,lower back,5,"{note}"\n')).empty


# --- what preceded an episode, and the back-test --------------------------------------------

def _flags(rows):
    frame = pd.DataFrame(rows, columns=["date", "period", "code", "severity"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["week_start"] = frame["date"] - pd.to_timedelta(frame["date"].dt.day_of_week, unit="D")
    return frame


def test_the_window_before_an_episode_holds_its_flags_and_weeks_reaching_into_it():
    # an episode on 20 May looks back at 6-19 May
    flags = _flags([("2026-05-04", "week", "RL001", "caution"),   # its week ends 10 May, inside
                    ("2026-04-27", "week", "RL002", "info"),      # its week ends 3 May, before
                    ("2026-05-20", "run", "RL004", "caution"),    # the episode's first day: not before it
                    ("2026-05-05", "run", "RL009", "info")])      # 15 days before: outside
    assert list(flags_before(flags, "2026-05-20", WINDOW_DAYS)["code"]) == ["RL001"]
    assert list(flags_before(flags, "2026-05-21")["code"]) == ["RL001", "RL004"]
    assert list(flags_before(flags, "2026-05-20", window_days=21)["code"]) == ["RL001", "RL002", "RL009"]


def test_backtest_counts_weeks_by_hand():
    weeks = pd.date_range("2026-03-02", periods=10, freq="7D")  # Mondays 2 Mar .. 4 May
    flags = _flags([("2026-03-09", "week", "RL001", "caution"), ("2026-04-06", "week", "RL001", "caution"),
                    ("2026-03-30", "week", "RL002", "info")])
    table = pd.DataFrame({"first_day": pd.to_datetime(["2026-03-20", "2026-04-28"])})
    got = backtest(flags, table, weeks, first_day="2026-03-02", last_day="2026-05-31", window_days=7,
                   min_episodes=2).set_index("code")
    # an episode follows a week when it starts from the week's 2nd day to 7 days after its last:
    # 20 Mar follows the weeks of 9 and 16 Mar; 28 Apr those of 20 and 27 Apr. 10 weeks, the last
    # (4 May) ends 10 May: its window closes 17 May, before 31 May, so all 10 count.
    assert got.loc["RL001", ["weeks_fired", "fired_then_episode", "weeks_other", "other_then_episode"]].tolist() == \
        [2, 1, 8, 3]
    assert got.loc["RL001", "ratio"] == pytest.approx((1 / 2) / (3 / 8))
    assert got.loc["RL001", "verdict"].startswith("1.3 times as often")
    assert got.loc["RL002", "verdict"].startswith("fired in too few weeks")
    few = backtest(flags, table, weeks, first_day="2026-03-02", last_day="2026-05-31", window_days=7, min_episodes=3)
    assert few["verdict"].str.startswith("too few episodes to say").all() and few["ratio"].isna().all()


def test_weeks_before_the_diary_or_whose_window_is_not_over_are_not_counted():
    weeks = pd.date_range("2026-03-02", periods=10, freq="7D")
    flags = _flags([("2026-03-02", "week", "RL001", "caution"), ("2026-05-04", "week", "RL001", "caution"),
                    ("2026-03-16", "week", "RL002", "info")])
    table = pd.DataFrame({"first_day": pd.to_datetime(["2026-03-20"])})
    got = backtest(flags, table, weeks, first_day="2026-03-09", last_day="2026-05-10", window_days=7, min_episodes=1)
    # the diary starts in the week of 9 Mar; the week of 27 Apr is the last whose 7 days after it end by 10 May
    assert list(got["code"]) == ["RL002"]
    assert got.loc[0, "weeks_fired"] + got.loc[0, "weeks_other"] == 8


def test_load_before_compares_the_window_with_the_usual_weeks():
    days = pd.date_range("2026-01-01", "2026-03-31", freq="D")
    daily = pd.DataFrame({"distance_km": 5.0, "runs": 1}, index=days)
    daily.loc["2026-03-10":"2026-03-19", "distance_km"] = 10.0
    got = load_before(daily, "2026-03-20", window_days=14, usual_days=28).set_index("figure")
    assert got.loc["running distance", "before"] == pytest.approx(4 * 5 + 10 * 10)
    assert got.loc["running distance", "usual"] == pytest.approx(14 * 5)
    assert got.loc["running distance", "change_pct"] == pytest.approx(120 / 70 * 100 - 100)
    assert got.loc["runs", "change_pct"] == pytest.approx(0)
    early = load_before(daily, "2026-01-20").set_index("figure")
    assert early["usual"].isna().all()  # the history does not reach back four weeks before the window


# --- settings ------------------------------------------------------------------------------

def test_the_pain_section_of_the_settings(tmp_path):
    s = parse_settings({"pain": {"diary": "pain.csv", "window_days": 21, "episode_gap_days": 2}}, "riskload.toml",
                       tmp_path)
    assert (s.pain_diary, s.pain_window_days, s.pain_gap_days) == (str(tmp_path / "pain.csv"), 21, 2)
    assert parse_settings({}).pain_diary is None
    for bad, message in (({"window_days": 0}, "outside"), ({"window_days": 2.5}, "whole number"),
                         ({"diary_file": "x"}, "unknown key 'pain.diary_file'")):
        with pytest.raises(ConfigError, match=message):
            parse_settings({"pain": bad}, "riskload.toml")


# --- the sample ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def anna():
    return analyze(SAMPLE / "athlete-a", as_of=AS_OF)


def test_sample_episodes_equal_the_expected_table(anna):
    expected = pd.read_csv(SAMPLE / "expected" / "pain_episodes.csv", keep_default_na=False)
    got = anna.pain.episodes
    assert list(got["episode"]) == list(expected["episode"])
    assert list(got["area"]) == list(expected["area"])
    assert list(got["first_day"].dt.strftime("%Y-%m-%d")) == list(expected["first_day"])
    assert list(got["last_day"].dt.strftime("%Y-%m-%d")) == list(expected["last_day"])
    assert list(got["pain_days"]) == list(expected["pain_days"])
    assert list(got["peak_intensity"]) == list(expected["peak_intensity"].astype(float))
    before = [";".join(anna.pain.before[n]["code"]) for n in got["episode"]]
    assert before == list(expected["flags_before"])


def test_sample_backtest_equals_the_expected_table(anna):
    expected = pd.read_csv(SAMPLE / "expected" / "pain_backtest.csv").set_index("code")
    got = anna.pain.backtest.set_index("code")
    assert list(got.index) == list(expected.index)
    counts = ["weeks_fired", "fired_then_episode", "weeks_other", "other_then_episode"]
    assert got[counts].astype(int).equals(expected[counts].astype(int))
    for code, verdict in expected["verdict"].items():
        if verdict == "too few weeks":
            assert got.loc[code, "verdict"].startswith("fired in too few weeks") and pd.isna(got.loc[code, "ratio"])
        elif verdict == "no episode followed":
            assert got.loc[code, "verdict"].startswith("no episode followed") and got.loc[code, "ratio"] == 0
        else:
            assert got.loc[code, "ratio"] == pytest.approx(float(verdict.split()[1]), abs=0.005)


def test_sample_red_flag_and_the_diary_is_not_an_activity_file(anna):
    assert list(anna.pain.red_flags["sign"]) == ["tingling"]
    assert "pain.csv" not in set(read_export(SAMPLE / "athlete-a").skipped["path"])
    assert "pain.csv" not in set(anna.export.skipped["path"])
