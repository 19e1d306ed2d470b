"""The ``riskload import`` command, exact output on a small generated folder."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest
from click.testing import CliRunner

from riskload import read_export
from riskload.cli import main
from riskload.errors import ConfigError
from riskload.importers.localtime import localize


def _gpx(start_utc: str, n: int, step_deg: float = 0.0001) -> str:
    points = "".join(
        f'<trkpt lat="{47.0 + i * step_deg:.5f}" lon="11.0"><ele>{500 + i}</ele>'
        f"<time>{pd.Timestamp(start_utc) + pd.Timedelta(seconds=10 * i):%Y-%m-%dT%H:%M:%SZ}</time></trkpt>"
        for i in range(n)
    )
    return f'<gpx version="1.1" creator="t"><trk><type>running</type><trkseg>{points}</trkseg></trk></gpx>'


def _folder(tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    (export / "a.gpx").write_text(_gpx("2024-05-06T06:00:00Z", 361))
    (export / "b.gpx").write_text(_gpx("2024-05-08T06:00:00Z", 181))
    (export / "notes.txt").write_text("hello")
    (export / "route.gpx").write_text('<gpx version="1.1" creator="t"><rte><rtept lat="1" lon="2"/></rte></gpx>')
    return export


def test_import_prints_the_summary(tmp_path):
    # a: 3600 s, 4.0 km, a steady 360 m climb; b: 1800 s, 2.0 km, 180 m. The
    # 20 s smoothing rounds off the ends of each climb: 536 m, not 540 m.
    export = _folder(tmp_path)
    result = CliRunner().invoke(main, ["import", str(export), "--timezone", "UTC"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "2 activities from 2024-05-06 to 2024-05-08\n"
        "\n"
        "  sport                  count  distance km  moving h  ascent m\n"
        "  running                    2          6.0       1.5       536\n"
        "  total                      2          6.0       1.5       536\n"
        "\n"
        "2 files skipped:\n"
        "  no activity data (1)\n"
        "    route.gpx: nothing was recorded: a planned route\n"
        "  unsupported format (1)\n"
        "    notes.txt: unsupported format (.txt file)\n"
    )


def test_import_writes_csv_outside_the_export(tmp_path):
    export = _folder(tmp_path)
    out = tmp_path / "out" / "acts.csv"
    result = CliRunner().invoke(main, ["import", str(export), "--out", str(out), "--no-skipped"])
    assert result.exit_code == 0, result.output
    assert result.output.endswith(f"  unsupported format (1)\nActivities table written to {out}\n")
    table = pd.read_csv(out)
    assert len(table) == 2 and "distance_m" in table.columns


def test_import_writes_parquet_that_reads_back_as_the_activities(tmp_path):
    export = _folder(tmp_path)
    out = tmp_path / "out" / "acts.parquet"
    result = CliRunner().invoke(main, ["import", str(export), "--out", str(out), "--no-skipped", "--timezone", "UTC"])
    assert result.exit_code == 0, result.output
    assert result.output.endswith(f"Activities table written to {out}\n")
    table = pd.read_parquet(out)
    expected = read_export(export, timezone="UTC", cache=False).activities
    assert len(table) == 2  # every column, with its type (times in UTC, local days, flags), as the import gave it
    pd.testing.assert_frame_equal(table.reset_index(drop=True), expected.reset_index(drop=True))
    assert [p.name for p in out.parent.iterdir()] == ["acts.parquet"]  # written whole, no temporary left


@pytest.mark.parametrize("name", ["acts.csv", "acts.parquet"])
def test_a_table_that_cannot_be_written_is_one_clear_line(tmp_path, name):
    export = _folder(tmp_path)
    (tmp_path / "taken").write_text("a file, not a folder")
    out = tmp_path / "taken" / name
    result = CliRunner().invoke(main, ["import", str(export), "--out", str(out), "--no-skipped"])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1].startswith(f"riskload: error: {out}: cannot write (")


def test_refuses_to_write_into_the_export(tmp_path):
    export = _folder(tmp_path)
    result = CliRunner().invoke(main, ["import", str(export), "--out", str(export / "x.csv")])
    assert result.exit_code == 1
    assert "never writes inside the export folder" in result.output
    assert not (export / "x.csv").exists()


def test_one_of_a_kind_is_said_in_the_singular(tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    (export / "a.gpx").write_text(_gpx("2024-05-06T06:00:00Z", 361))
    (export / "notes.txt").write_text("hello")
    imported = CliRunner().invoke(main, ["import", str(export), "--timezone", "UTC", "--no-cache"])
    assert imported.output.startswith("1 activity from 2024-05-06 to 2024-05-06\n")
    assert "\n1 file skipped:\n" in imported.output
    analysed = CliRunner().invoke(main, ["analyze", str(export), "--timezone", "UTC", "--no-cache", "--out",
                                         str(tmp_path / "out"), "--until", "2024-05-07", "--format", "html", "-v"])
    assert analysed.output.startswith(f"{tmp_path.name}: 1 activity read, 1 file skipped (1 unsupported format)\n")
    assert "\n2 files: 0 from the cache, 2 decoded" in analysed.output
    page = (tmp_path / "out" / "report.html").read_text()
    assert "<p class=\"meta\">1 run, 4.0 km, in\n1 week from" in page
    assert "<h2>The last week</h2>" in page


def test_activities_listed_without_a_file_are_not_counted_as_files(tmp_path):
    export = _folder(tmp_path)  # two runs, and two files skipped
    (export / "activities.csv").write_text(
        "Activity ID,Activity Date,Activity Name,Activity Type,Distance,Filename\n"
        "1,\"May 6, 2024, 6:00:00 AM\",Morning run,Run,4.0,a.gpx\n"
        "7,\"May 7, 2024, 6:00:00 PM\",Treadmill,Run,8.00,\n"
        "8,\"May 9, 2024, 6:00:00 PM\",Treadmill,Run,5.00,\n")
    imported = CliRunner().invoke(main, ["import", str(export), "--timezone", "UTC", "--no-cache"])
    assert imported.output.endswith(
        "2 files skipped, and 2 activities listed without a file:\n"
        "  listed without a file (2)\n"
        "    activities.csv, Activity ID 7: Run on May 7, 2024, 6:00:00 PM, Distance 8.00: entered by hand, or its "
        "file was not exported; riskload counts only activities it can read from a file, so this one is not in the "
        "load\n"
        "    activities.csv, Activity ID 8: Run on May 9, 2024, 6:00:00 PM, Distance 5.00: entered by hand, or its "
        "file was not exported; riskload counts only activities it can read from a file, so this one is not in the "
        "load\n"
        "  no activity data (1)\n"
        "    route.gpx: nothing was recorded: a planned route\n"
        "  unsupported format (1)\n"
        "    notes.txt: unsupported format (.txt file)\n")
    analysed = CliRunner().invoke(main, ["analyze", str(export), "--timezone", "UTC", "--no-cache", "--out",
                                         str(tmp_path / "out"), "--until", "2024-05-12", "--format", "html"])
    assert analysed.output.startswith(
        f"{tmp_path.name}: 2 activities read, 2 files skipped (1 no activity data, 1 unsupported format), "
        "2 activities listed without a file (not in the load)\n")
    page = (tmp_path / "out" / "report.html").read_text()
    assert "<h3>2 files skipped, and 2 activities listed without a file</h3>" in page


def test_missing_folder_is_one_clear_line(tmp_path):
    result = CliRunner().invoke(main, ["import", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert result.output == f"riskload: error: {tmp_path / 'nope'}: not a folder\n"


@pytest.mark.parametrize("command", ["import", "analyze", "plan", "roster"])
def test_a_zipped_export_given_as_the_folder_is_told_to_be_unzipped(tmp_path, command):
    archive = tmp_path / "export_1234.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("activities/a.gpx", _gpx("2024-05-06T06:00:00Z", 361))
    result = CliRunner().invoke(main, [command, str(archive), "--no-cache"])
    assert result.exit_code == 1
    assert result.output == (f"riskload: error: {archive}: a zip archive, not a folder. Unzip it (unzip "
                             "export_1234.zip -d export_1234) and give riskload that folder: the export's list of "
                             "activities and its settings are read from the folder.\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export_1234.zip"]


@pytest.mark.parametrize("command", ["import", "analyze"])
def test_bad_timezone_is_a_usage_error(tmp_path, command):
    result = CliRunner().invoke(main, [command, str(_folder(tmp_path)), "--timezone", "Mars/Olympus",
                                       "--out", str(tmp_path / "out"), "--no-cache"])
    assert result.exit_code == 2
    assert "'Mars/Olympus' is not a known time zone" in result.output
    assert not (tmp_path / "out").exists()


def test_bad_timezone_is_refused_even_when_every_activity_has_its_own_offset():
    activities = pd.DataFrame({"start_time": pd.to_datetime(["2024-05-06T06:00:00Z"]), "utc_offset_min": [120.0]})
    with pytest.raises(ConfigError, match="'Not/AZone' is not a known time zone"):
        localize(activities, "Not/AZone")
    assert localize(activities, "Europe/Vienna")["local_time_source"].tolist() == ["device"]


def test_every_command_has_help():
    for command in main.commands.values():
        assert command.help, command.name


def test_rules_lists_codes_evidence_and_defaults():
    result = CliRunner().invoke(main, ["rules"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[:3] == [
        "RL001  weekly_distance_jump  [evidence: weak]",
        "       Weekly running distance rose more than 10 % on the week before.",
        "       defaults: limit_pct = 10, warning_pct = 30, min_previous_km = 10, peak_weeks = 26, fortnight_pct = 5",
    ]
    assert sum(line.startswith("RL0") for line in lines) == 15
    assert "RL004  long_run_spike  [evidence: strong]" in lines


def test_settings_give_the_timezone_and_bad_settings_are_named(tmp_path):
    export = _folder(tmp_path)
    (export / "riskload.toml").write_text('[athlete]\ntimezone = "Asia/Tokyo"\n')
    out = tmp_path / "acts.csv"
    result = CliRunner().invoke(main, ["import", str(export), "--out", str(out), "--no-skipped"])
    assert result.exit_code == 0, result.output
    assert set(pd.read_csv(out)["local_time_source"]) == {"settings"}
    (export / "riskload.toml").write_text("[athlete]\nmax_hr = 190\n")
    result = CliRunner().invoke(main, ["import", str(export)])
    assert result.exit_code == 1
    assert result.output.strip().startswith("riskload: error: riskload.toml: unknown key 'athlete.max_hr'")


def test_parquet_without_pyarrow_says_how_to_get_it(tmp_path, monkeypatch):
    def no_pyarrow(self, *args, **kwargs):
        raise ImportError("Unable to find a usable engine; tried using: 'pyarrow', 'fastparquet'.")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", no_pyarrow)
    export = _folder(tmp_path)
    out = tmp_path / "new" / "acts.parquet"
    result = CliRunner().invoke(main, ["import", str(export), "--out", str(out)])
    assert result.exit_code == 1
    assert "writing Parquet needs pyarrow: pip install pyarrow, or use a .csv name" in result.output
    assert not out.parent.exists()  # nothing made, not even the folder


def test_a_command_keeps_text_in_python_objects_where_pyarrow_is_installed():
    pytest.importorskip("pyarrow", reason="the test extras bring pyarrow; without it there is nothing to keep apart")
    with pd.option_context("mode.string_storage", "pyarrow"):
        result = CliRunner().invoke(main, ["rules"])
        assert result.exit_code == 0, result.output
        assert pd.get_option("mode.string_storage") == "python"
