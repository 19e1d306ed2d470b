"""The pain diary where it shows: figures, the page, the PDF, the command line, the roster."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from riskload import analyze, report
from riskload.cli import main
from riskload.report.diary import episode_summary
from riskload.report.units import units
from riskload.report.week import week_data

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
AS_OF = "2026-11-23"


@pytest.fixture(scope="module")
def anna():
    return analyze(SAMPLE / "athlete-a", as_of=AS_OF)


def test_the_sample_diary_calls_for_a_doctor_by_the_sign_it_names(anna):
    notice = report.red_flag_notice(anna.pain)
    assert notice.startswith("See a doctor promptly") and "tingling (22 Aug 2026)" in notice
    assert report.red_flag_notice(None) is None


def test_week_figures_carry_the_pain_days_and_redraw_when_they_change(anna):
    week = pd.Timestamp("2026-08-17")
    with_pain = week_data(anna.load, anna.flags, week, anna.pain)
    without = week_data(anna.load, anna.flags, week)
    assert list(with_pain.pain_days["date"].dt.day) == [21, 22]
    assert without.pain_days.empty and with_pain.digest("km") != without.digest("km")
    assert week in report.detail_weeks(anna)


def test_the_load_before_an_episode_is_told_in_the_reports_units(anna):
    said = {name: [episode_summary(anna.pain, n, units(name))[1] for n in anna.pain.episodes["episode"]]
            for name in ("km", "mi")}
    assert any("climb 968 m against a usual 1400 m" in s for s in said["km"])
    assert any("climb 3175 ft against a usual 4593 ft" in s for s in said["mi"])
    assert any("steep descent 2270 ft" in s for s in said["mi"]) and not any(" m " in s for s in said["mi"])


def test_since_keeps_the_backtest_whole_and_cuts_the_episodes(anna):
    shown = report.since(anna, pd.Timestamp("2026-06-01"))
    assert list(shown.pain.episodes["episode"]) == [4, 5, 6]
    assert shown.pain.backtest.equals(anna.pain.backtest)


# --- the command line ----------------------------------------------------------------------

def test_analyze_with_a_pain_file_writes_the_pdf_and_warns_at_the_top(tmp_path):
    export = tmp_path / "export"
    shutil.copytree(SAMPLE / "athlete-b", export)
    (tmp_path / "mine.csv").write_text("date,area,intensity,note\n2026-07-21,lower back,4,numb left foot\n"
                                       "2026-07-22,lower back,3,\n2026-08-40,lower back,3,\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["analyze", str(export), "--out", str(out), "--until", AS_OF, "--pain",
                                       str(tmp_path / "mine.csv"), "--format", "html", "--format", "pdf",
                                       "--format", "csv", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert "See a doctor promptly" in result.stderr and "numbness" in result.stderr
    assert "Pain diary: 2 days with pain in 1 episode" in result.stdout
    html = (out / "report.html").read_text()
    assert html.index("See a doctor promptly") < html.index("Weeks that stood out")
    assert "mine.csv line 4" in html  # the impossible date, named by its line
    pdf = (out / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type /Page\b", pdf)) >= 4  # cover, figure, diary, a week
    episodes_csv = pd.read_csv(out / "pain_episodes.csv", parse_dates=["first_day", "last_day"])
    assert episodes_csv[["first_day", "last_day", "pain_days"]].values.tolist() == [
        [pd.Timestamp("2026-07-21"), pd.Timestamp("2026-07-22"), 2]]
    assert sorted(p.name for p in export.iterdir()) == sorted(p.name for p in (SAMPLE / "athlete-b").iterdir())


def test_a_missing_pain_file_fails_with_its_name(tmp_path):
    result = CliRunner().invoke(main, ["analyze", str(SAMPLE / "athlete-b"), "--out", str(tmp_path / "o"),
                                       "--pain", str(tmp_path / "absent.csv"), "--no-cache"])
    assert result.exit_code == 1 and "pain diary not found" in result.stderr and "absent.csv" in result.stderr


def test_roster_names_the_athletes_whose_diary_calls_for_a_doctor(tmp_path):
    squad = tmp_path / "squad"
    for name in ("ben", "cal"):
        shutil.copytree(SAMPLE / "athlete-b", squad / name)
    (squad / "ben" / "riskload.toml").write_text('[athlete]\nname = "Ben"\n\n[pain]\ndiary = "pain.csv"\n')
    (squad / "ben" / "pain.csv").write_text("date,area,intensity,note\n2026-10-20,lower back,5,"
                                            "pain down into my right foot\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["roster", str(squad), "--out", str(out), "--until", AS_OF, "--format", "html",
                                       "--no-cache"])
    assert result.exit_code == 0, result.output
    assert "ben: See a doctor promptly" in result.stderr and "cal:" not in result.stderr
    page = (out / "roster.html").read_text()
    assert page.index("Pain diaries that call for a doctor") < page.index("<table>")
    assert "<b>ben</b>" in page and "<b>cal</b>" not in page
    assert "See a doctor promptly" in (out / "ben" / "report.html").read_text()
    assert "See a doctor promptly" not in (out / "cal" / "report.html").read_text()
    assert "Every file in the export was read." in (out / "ben" / "report.html").read_text()  # not the diary
