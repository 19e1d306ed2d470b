"""``riskload analyze`` and ``riskload roster``: exact output, exit codes, where files go."""

from __future__ import annotations

import html
import io
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from riskload import analyze_roster
from riskload.cli import Progress, main
from riskload.report import write_roster

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
METRES_PER_DEGREE = 111_195.0


def gpx_run(start_utc: str, km: float, speed_m_s: float = 3.0) -> str:
    """A straight run north at ``speed_m_s`` after 10 warm-up minutes at 80 % of it, a point every 10 s."""
    start = pd.Timestamp(start_utc)
    metres, points, i = 0.0, [], 0
    while metres < km * 1000:
        points.append(f'<trkpt lat="{47.0 + metres / METRES_PER_DEGREE:.7f}" lon="11.0"><ele>500</ele>'
                      f"<time>{start + pd.Timedelta(seconds=10 * i):%Y-%m-%dT%H:%M:%SZ}</time></trkpt>")
        metres += speed_m_s * 10 * (0.8 if i < 60 else 1.0)
        i += 1
    points = "".join(points)
    return f'<gpx version="1.1" creator="t"><trk><type>running</type><trkseg>{points}</trkseg></trk></gpx>'


def export(folder: Path, runs: dict[str, float], name: str = "") -> Path:
    """An export of GPX runs, ``{"2026-03-03": 10.0, ...}`` (07:00 UTC each), with a settings file."""
    folder.mkdir(parents=True)
    for day, km in runs.items():
        (folder / f"{day}.gpx").write_text(gpx_run(f"{day}T07:00:00Z", km))
    (folder / "riskload.toml").write_text(f'[athlete]\nname = "{name or folder.name}"\ntimezone = "UTC"\n')
    return folder


# Mon 2 Mar 2026 on: 20, 20 and then 30 km (+50 %, a new high) in the third week.
JUMP = {"2026-03-03": 10, "2026-03-05": 10, "2026-03-10": 10, "2026-03-12": 10,
        "2026-03-17": 10, "2026-03-19": 10, "2026-03-21": 10}
STEADY = {"2026-03-03": 8, "2026-03-05": 8, "2026-03-10": 8, "2026-03-12": 8, "2026-03-17": 8, "2026-03-19": 8}


def invoke(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], **kwargs)


def test_analyze_the_sample_athlete(tmp_path):
    out = tmp_path / "report"
    result = invoke("analyze", SAMPLE / "athlete-b", "--until", "2026-10-07", "--out", out, "--fail-on", "caution")
    assert result.exit_code == 3, result.output
    assert result.output == f"""\
Ben (sample): 72 activities read
This week (from Mon 05 Oct 2026, in progress): 16.0 km in 2 runs so far; 1 flag, the worst an info: cadence drop \
(RL013) (last week: 1 flag, the worst an info: cadence drop (RL013)).

week of        km  runs  rest  climb m/km  ACWR  worst    flags
2026-08-17   38.0     4     3         2.8  1.19
2026-08-24    0.0     0     7              0.96
2026-08-31    0.0     0     7              0.21
2026-09-07    0.0     0     7              0.05
2026-09-14   38.0     4     3         2.8  1.91  caution  RL007 RL001 RL014
2026-09-21   40.0     4     3         3.0  1.74  info     RL014
2026-09-28   40.0     4     3         3.0  1.47  info     RL013
2026-10-05*  16.0     2     5         1.2  1.28  info     RL013
* week in progress

Rules in the table: RL001 weekly distance jump (weak); RL007 return after break (heuristic); RL013 cadence drop \
(heuristic); RL014 acute chronic ratio (contested).
9 flags from 2026-06-08 to 2026-10-07: 1 caution, 8 info
Not run: RL011: the export holds no strength session, so weeks without one cannot be told from unrecorded ones; \
RL012: no run names its shoes (gear)

Report: {out / "report.html"}
"""
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert names == ["activities.csv", "activities.json", "flags.csv", "flags.json", "load.png", "report.html",
                     "weekly.csv", "weekly.json"] + [f"weeks/week-{d}.png" for d in ("2026-09-14", "2026-10-05")]
    # day by day: the caution week of 14 Sep and the latest; not the weeks of information alone (21 and 28 Sep),
    # nor the flagged weeks of 22 Jun, 20 Jul and 3 Aug, older than the last 8 weeks (the page's summary table)
    flags = pd.read_csv(out / "flags.csv")
    assert list(flags["code"]) == ["RL010", "RL005", "RL009", "RL007", "RL001", "RL014", "RL014", "RL013",
                                   "RL013"]
    page = (out / "report.html").read_text()
    assert "RL007 return after break" in page and "Week of Mon 14 Sep 2026: caution, RL007 RL001 RL014" in page
    assert ("acute:chronic ratio. Rules in the table: RL001 weekly distance jump (weak); RL007 return after break "
            "(heuristic); RL013 cadence drop (heuristic); RL014 acute chronic ratio (contested).</p>") in page


@pytest.fixture
def squad(tmp_path):
    root = tmp_path / "squad"
    export(root / "jo", JUMP, "Jo")
    export(root / "sam", STEADY, "Sam")
    (root / "notes").mkdir()
    (root / "notes" / "plan.txt").write_text("easy week")
    return root


def test_fail_on_exits_3_only_at_or_above_the_severity(squad, tmp_path):
    # the exit code follows the flags whatever is written; CSV spares drawing the page seven times
    jo = squad / "jo"
    args = ["analyze", jo, "--until", "2026-03-22", "--out", tmp_path / "o", "-q", "--format", "csv"]
    assert invoke(*args, "--fail-on", "caution").exit_code == 3
    assert invoke(*args, "--fail-on", "warning").exit_code == 0
    assert invoke(*args).exit_code == 0
    assert invoke(*args, "--fail-on", "caution", "--select", "RL004,RL003").exit_code == 0
    assert invoke(*args, "--fail-on", "caution", "--ignore", "rl001").exit_code == 0
    later = ["analyze", jo, "--until", "2026-03-29", "--out", tmp_path / "o", "-q", "--format", "csv",
             "--fail-on", "caution"]
    assert invoke(*later).exit_code == 3
    assert invoke(*later, "--since", "2026-03-23").exit_code == 0


@pytest.mark.parametrize("command", ["analyze", "roster"])
def test_since_after_until_is_a_usage_error_said_before_anything_is_read(squad, tmp_path, command, monkeypatch):
    folder = squad / "jo" if command == "analyze" else squad
    monkeypatch.setattr(f"riskload.cli.{command}" if command == "analyze" else "riskload.cli.analyze_roster",
                        lambda *args, **kwargs: pytest.fail("the export was read"))
    result = invoke(command, folder, "--until", "2026-03-22", "--since", "2026-03-23", "--out", tmp_path / "o",
                    "--format", "csv")
    assert result.exit_code == 2 and not (tmp_path / "o").exists()
    assert result.output.endswith("Error: --since 2026-03-23 is after the day analysed, 2026-03-22: no week to "
                                  "show\n")
    today = pd.Timestamp.today()
    later = invoke(command, folder, "--since", f"{today + pd.Timedelta(days=2):%Y-%m-%d}", "--out", tmp_path / "o")
    assert later.exit_code == 2
    assert f"is after the day analysed, {today:%Y-%m-%d} (today): no week to show" in later.output


def test_quiet_prints_the_report_path_only(squad, tmp_path):
    result = invoke("analyze", squad / "jo", "--until", "2026-03-22", "--out", tmp_path / "o", "--quiet")
    assert result.exit_code == 0 and result.output == f"{tmp_path / 'o' / 'report.html'}\n"


def test_units_and_formats(squad, tmp_path):
    out = tmp_path / "o"
    result = invoke("analyze", squad / "jo", "--until", "2026-03-22", "--out", out, "--units", "mi",
                    "--format", "csv", "--weeks", "2")
    assert result.exit_code == 0, result.output
    assert result.output == f"""\
Jo: 7 activities read
This week (from Mon 16 Mar 2026, in progress): 18.6 mi in 3 runs so far; 1 flag, the worst a caution: weekly \
distance jump (RL001).

week of        mi  runs  rest  climb ft/mi  ACWR  worst    flags
2026-03-09   12.4     2     5          0.0
2026-03-16*  18.6     3     4          0.0        caution  RL001
* week in progress

Rules in the table: RL001 weekly distance jump (weak).
1 flag from 2026-03-02 to 2026-03-22: 1 caution
Not run: RL005: no heart rate in the runs; RL011: the export holds no strength session, so weeks without one \
cannot be told from unrecorded ones; RL012: no run names its shoes (gear); RL013: no cadence in the runs

Written to: {out}
"""
    assert sorted(p.name for p in out.iterdir()) == ["activities.csv", "flags.csv", "weekly.csv"]
    assert pd.read_csv(out / "weekly.csv")["distance_km"].round(1).tolist() == [20.0, 20.0, 30.0]  # stays metric


def test_verbose_lists_notes_skipped_files_and_outputs(squad, tmp_path):
    (squad / "jo" / "broken.fit").write_bytes(b"\x0e\x10garbage")
    out = tmp_path / "o"
    result = invoke("analyze", squad / "jo", "--until", "2026-03-22", "--out", out, "-v", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "Note: The export covers only 3 weeks" in result.output
    assert "Skipped broken.fit: " in result.output
    assert f"Files written:\n  {out / 'flags.json'}\n  {out / 'weekly.json'}\n  {out / 'activities.json'}\n" \
           in result.output


def test_default_output_is_here_and_never_inside_the_export(squad, tmp_path, monkeypatch):
    jo = squad / "jo"
    before = sorted(jo.rglob("*"))
    monkeypatch.chdir(tmp_path)
    result = invoke("analyze", jo, "--until", "2026-03-22", "-q")
    assert result.output == "riskload-out/jo/report.html\n" and (tmp_path / "riskload-out/jo/report.html").is_file()
    monkeypatch.chdir(jo)
    result = invoke("analyze", ".", "--until", "2026-03-22", "-q")
    assert result.exit_code == 0, result.output
    assert result.output == f"{squad / 'riskload-out' / 'jo' / 'report.html'}\n"
    assert sorted(jo.rglob("*")) == before


def test_the_default_output_is_named_after_the_runner_not_the_platforms_folder(squad, tmp_path, monkeypatch):
    # three runners' exports each named "export" once went to one riskload-out/export, each over the last
    for runner in ("mia", "tom"):
        shutil.copytree(squad / "jo", tmp_path / runner / "export")
    monkeypatch.chdir(tmp_path)
    for runner in ("mia", "tom"):
        result = invoke("analyze", tmp_path / runner / "export", "--until", "2026-03-22", "-q")
        assert result.output == f"riskload-out/{runner}/report.html\n"
    assert sorted(p.name for p in (tmp_path / "riskload-out").iterdir()) == ["mia", "tom"]


def test_an_output_inside_the_export_is_refused_in_one_line(squad):
    result = invoke("analyze", squad / "jo", "--out", squad / "jo" / "report")
    assert result.exit_code == 1
    assert result.output == (f"riskload: error: {squad / 'jo' / 'report'}: riskload never writes inside the "
                             "export folder; choose another place\n")
    assert not (squad / "jo" / "report").exists()


def test_bad_command_lines_and_empty_folders(squad, tmp_path):
    result = invoke("analyze", squad / "jo", "--select", "RL099")
    assert result.exit_code == 2 and "unknown rule 'RL099'" in result.output
    # a choice that leaves nothing to run is refused, not taken as every rule
    every_rule = ",".join(f"RL{n:03}" for n in range(1, 16))
    for choice in (["--select", "RL004", "--ignore", "rl004"], ["--ignore", every_rule]):
        result = invoke("analyze", squad / "jo", *choice, "--out", tmp_path / "o")
        assert result.exit_code == 2 and "--select and --ignore leave no rule to run" in result.output
    result = invoke("analyze", squad / "jo", "--select", " , ", "--out", tmp_path / "o")
    assert result.exit_code == 2 and "' , ' names no rule" in result.output
    assert not (tmp_path / "o").exists()
    result = invoke("analyze", squad / "notes", "--out", tmp_path / "o")
    assert result.exit_code == 1
    assert result.output == f"riskload: error: {squad / 'notes'}: no activities found (1 file skipped)\n"
    result = invoke("analyze", squad / "jo", "--until", "2026-03-01", "--out", tmp_path / "o")
    assert result.output == ("riskload: error: no activities on or before 2026-03-01: nothing to build a load "
                             "from\n")


def test_roster_ranks_the_squad_and_writes_a_report_each(squad, tmp_path):
    out = tmp_path / "o"
    result = invoke("roster", squad, "--until", "2026-03-22", "--out", out, "--fail-on", "caution")
    assert result.exit_code == 3, result.output
    assert result.output == f"""\
Squad as of Sun 22 Mar 2026, most in need of a word first:

athlete  this week km  this week  this week flags  last week km  last week  last week flags  cautions in 4 weeks  \
last activity
Jo               30.0  caution    RL001                    20.0                                                1  \
2026-03-21
Sam              16.0                                      16.0                                                0  \
2026-03-19

Rules in the table: RL001 weekly distance jump (weak).

Not analysed:
  notes: {squad / "notes"}: no activities found (1 file skipped)

Roster: {out / "roster.html"}
"""
    assert (out / "jo" / "report.html").is_file() and (out / "sam" / "report.html").is_file()
    page = (out / "roster.html").read_text()
    assert page.index('href="jo/report.html">Jo<') < page.index('href="sam/report.html">Sam<')
    assert "<h1>Squad as of Sun 22 Mar 2026</h1>" in page
    assert "<p>Rules in the table: RL001 weekly distance jump (weak).</p>" in page  # the table has room for codes only
    assert pd.read_csv(out / "roster.csv")["athlete"].tolist() == ["Jo", "Sam"]


def test_writing_a_squads_reports_counts_the_athletes_as_it_goes(squad, tmp_path):
    roster = analyze_roster(squad, as_of="2026-03-22")
    calls = []
    write_roster(roster, tmp_path / "o", as_of=pd.Timestamp("2026-03-22").date(), formats=("csv",),
                 progress=lambda done, total, name: calls.append((done, total, name, (tmp_path / "o").exists())))
    # each call comes before that athlete's report is written: the first before anything is
    assert calls == [(0, 2, "jo", False), (1, 2, "sam", True), (2, 2, "", True)]


def test_roster_of_a_folder_without_athletes_fails(tmp_path):
    (tmp_path / "empty" / "x").mkdir(parents=True)
    result = invoke("roster", tmp_path / "empty", "--out", tmp_path / "o")
    assert result.exit_code == 1
    assert result.output.endswith("no sub-folder holds an athlete's activities\n")


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_counts_files_on_a_terminal_and_stays_silent_elsewhere(monkeypatch):
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    progress = Progress(True)
    for done in range(4):
        progress(done, 3, f"file{done}")
    assert "Reading files" in screen.getvalue() and "3/3" in screen.getvalue()
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    quiet = Progress(True)
    quiet(0, 3, "a")
    quiet(3, 3, "")
    with quiet.step("Writing the report"):
        pass
    assert pipe.getvalue() == ""


def test_a_long_step_is_shown_on_a_terminal_while_it_runs_and_then_erased(monkeypatch):
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with pytest.raises(RuntimeError):
        with Progress(True).step("Writing the report"):
            assert screen.getvalue() == "Writing the report..."
            raise RuntimeError("the report failed")
    shown = screen.getvalue()
    assert shown.startswith("Writing the report...\r") and shown.endswith("\r")
    assert shown.rsplit("\r", 2)[1] == " " * len("Writing the report...")  # the line is blanked, even on failure
    screen.seek(0)
    screen.truncate()
    with Progress(False).step("Writing the report"):  # -q
        pass
    assert screen.getvalue() == ""


def test_roster_time_zone_is_the_default_of_athletes_without_one_and_since_cuts_each_report(tmp_path):
    root = tmp_path / "squad"
    late = {"2026-03-03": 10, "2026-03-10": 10}
    for name, own_zone in (("kim", False), ("lee", True)):
        folder = root / name
        folder.mkdir(parents=True)
        for day, km in late.items():
            (folder / f"{day}.gpx").write_text(gpx_run(f"{day}T23:30:00Z", km))  # 08:30 next day in Tokyo
        zone = 'timezone = "UTC"\n' if own_zone else ""
        (folder / "riskload.toml").write_text(f'[athlete]\nname = "{name.title()}\\u0007"\n{zone}')
    out = tmp_path / "o"
    result = invoke("roster", root, "--until", "2026-03-22", "--out", out, "--timezone", "Asia/Tokyo",
                    "--since", "2026-03-09", "-q")
    assert result.exit_code == 0, result.output
    kim = pd.read_csv(out / "kim" / "activities.csv")
    lee = pd.read_csv(out / "lee" / "activities.csv")
    assert kim["local_date"].str[:10].tolist() == ["2026-03-04", "2026-03-11"]  # the squad's zone
    assert lee["local_date"].str[:10].tolist() == ["2026-03-03", "2026-03-10"]  # the athlete's own wins
    assert pd.read_csv(out / "kim" / "weekly.csv")["week_start"].iloc[0][:10] == "2026-03-09"  # --since
    assert "\\x07" in (out / "roster.csv").read_text()  # escaped as in every other table, never raw
    assert "\x07" not in (out / "roster.csv").read_text()
    bad = invoke("roster", root, "--timezone", "Mars/Olympus", "--out", out)
    assert bad.exit_code == 2 and "not a known time zone" in bad.output


def test_roster_config_holds_the_settings_of_athletes_without_their_own(tmp_path):
    root = tmp_path / "squad"
    export(root / "jo", JUMP, "Jo")  # her own settings: the 10 % limit
    shutil.copytree(root / "jo", root / "max")
    (root / "max" / "riskload.toml").unlink()  # the same runs, no settings of his own
    squad_file = tmp_path / "squad.toml"
    squad_file.write_text('[athlete]\ntimezone = "UTC"\n\n[rules.RL001]\nlimit_pct = 60.0\nwarning_pct = 90.0\n')
    out = tmp_path / "o"
    result = invoke("roster", root, "--until", "2026-03-22", "--out", out, "--config", squad_file, "-q")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "roster.csv", keep_default_na=False).set_index("folder")
    assert table.at["jo", "this week flags"] == "RL001"  # +50 %: above her own 10 %
    assert table.at["max", "this week flags"] == ""  # below the squad's 60 %
    assert table.at["max", "athlete"] == "max"  # named after his folder, as without any settings
    squad_file.write_text('[rules.RL001]\nlimit_pct = 60.0\n')  # above the default warning's 30 %
    reversed_pair = invoke("roster", root, "--until", "2026-03-22", "--out", out, "--config", squad_file)
    assert reversed_pair.exit_code == 1  # the squad's error, said once, not as every athlete's failure
    assert reversed_pair.output == ("riskload: error: squad.toml: rules.RL001: limit_pct = 60 is above warning_pct = "
                                    "30; limit_pct may not be above warning_pct (set both)\n")
    squad_file.write_text('[athlete]\nname = "Everyone"\n')
    named = invoke("roster", root, "--until", "2026-03-22", "--out", out, "--config", squad_file)
    assert named.exit_code == 1
    assert named.output == ("riskload: error: squad.toml: a squad's settings name no athlete and no pain diary "
                            "(those go in the athlete's own riskload.toml)\n")
    missing = invoke("roster", root, "--out", out, "--config", tmp_path / "none.toml")
    assert missing.exit_code == 1 and "settings file not found" in missing.output
    inside = invoke("roster", root, "--out", out, "--cache-dir", root / "cache")
    assert inside.exit_code == 1 and "inside" in inside.output
    assert not (root / "cache").exists()


def test_an_athlete_linked_into_the_squad_is_named_by_the_link(tmp_path, monkeypatch):
    # the coach keeps each runner's export where it was unpacked and links it into the squad under the runner's name
    kept = export(tmp_path / "downloads" / "runner-7" / "export", STEADY)
    (kept / "riskload.toml").unlink()
    (tmp_path / "squad").mkdir()
    (tmp_path / "squad" / "mia").symlink_to(kept, target_is_directory=True)
    roster = analyze_roster(tmp_path / "squad", as_of="2026-03-22", timezone="UTC")
    assert [a.athlete for a in roster.analyses.values()] == ["mia"]
    monkeypatch.chdir(tmp_path)
    result = invoke("analyze", Path("squad") / "mia", "--until", "2026-03-22", "--timezone", "UTC", "-q",
                    "--format", "csv")
    assert result.output == "riskload-out/mia\n"


def test_the_roster_page_names_the_athletes_whose_days_may_be_wrong(tmp_path, computer_zone):
    # a squad read on a computer on UTC: Li's runs lie at 104° E and her settings give no time zone
    computer_zone("UTC")
    squad = tmp_path / "squad"
    export(squad / "jo", JUMP, "Jo")
    li = export(squad / "li", STEADY, "Li")
    for run_file in li.glob("*.gpx"):
        run_file.write_text(run_file.read_text().replace('lon="11.0"', 'lon="104.1"'))
    (li / "riskload.toml").write_text('[athlete]\nname = "Li"\n')
    roster = analyze_roster(squad, as_of="2026-03-22", cache=False)
    assert [name for name, a in roster.analyses.items() if a.export.warnings] == ["li"]
    write_roster(roster, tmp_path / "o", as_of=pd.Timestamp("2026-03-22").date(), formats=("csv",), cache=False)
    page = (tmp_path / "o" / "roster.html").read_text()
    warning = roster.analyses["li"].export.warnings[0]
    assert f"<li><b>li</b>: {html.escape(warning)}</li>" in page and "<b>jo</b>" not in page
