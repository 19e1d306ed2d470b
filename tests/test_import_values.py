"""Specific values on named real files, export layouts and local time."""

from __future__ import annotations

import gzip
import html
import io
import shutil
import time
import zipfile

import fitparse
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from fitparse.utils import FitParseError

from riskload import NotAnActivityError, RiskloadError, read_export, read_file
from riskload.cli import main
from riskload.importers.parse import sniff
from riskload.importers.localtime import sun_time_gap
from riskload.load import build_load
from riskload.importers.fitfast import retype_misaligned_fields


def test_garmin_run_fenix2(corpus):
    act = read_file(corpus / "fit/FP__activity-small-fenix2-run.fit").activities.iloc[0]
    assert act["sport"] == "running" and act["is_running"]
    assert act["start_time"] == pd.Timestamp("2015-08-15 14:45:08", tz="UTC")
    assert act["utc_offset_min"] == 120 and act["local_time_source"] == "device"
    assert act["start_time_local"] == pd.Timestamp("2015-08-15 16:45:08")
    assert act["distance_m"] == pytest.approx(9008.22)
    assert act["elapsed_time_s"] == pytest.approx(2832.0)
    assert act["ascent_m"] == 64 and act["elevation_source"] == "device"
    assert act["avg_cadence_spm"] == pytest.approx(162.0)  # 81 strides/min per leg, doubled
    assert act["device"] == "garmin fenix2"


@pytest.mark.slow
def test_multisport_file_gives_one_activity_per_session(corpus):
    acts = read_file(corpus / "fit/FP__activity-large-fenxi2-multisport.fit").activities
    assert list(acts["sport"]) == ["other", "transition", "running", "transition", "running", "transition", "cycling"]
    assert acts["distance_m"].sum() == pytest.approx(69831.4, abs=1)
    assert acts["activity_id"].is_unique
    assert acts.loc[acts["sport"] == "running", "distance_m"].round(1).tolist() == [2245.2, 12740.4]


def test_treadmill_run_keeps_device_distance(corpus):
    act = read_file(corpus / "fit/SL__6860622783.fit").activities.iloc[0]
    assert (act["sport"], act["sub_sport"]) == ("running", "treadmill")
    assert not act["has_gps"]
    assert act["distance_m"] == pytest.approx(10630.37) and act["distance_source"] == "device"
    assert act["elapsed_time_s"] == pytest.approx(3763.5, abs=0.1)
    assert act["moving_time_s"] == pytest.approx(3097.8, abs=0.1)  # four pauses excluded


def test_paused_tcx_run_has_moving_time_below_elapsed(corpus):
    act = read_file(corpus / "tcx/RP__stopped_example.tcx").activities.iloc[0]
    assert act["moving_time_s"] == pytest.approx(4753.0)
    assert act["elapsed_time_s"] == pytest.approx(5133.0, abs=2)
    assert act["distance_m"] == pytest.approx(12008.1, abs=0.5)


def test_paused_gpx_run_moving_time_from_track(corpus):
    act = read_file(corpus / "gpx/RP__stopped_example.gpx").activities.iloc[0]
    assert act["sport"] == "running"  # Strava's numeric <type>9</type>
    assert act["elapsed_time_s"] == pytest.approx(5127.0)
    assert 4400 < act["moving_time_s"] < 4800  # the device said 4753 s in the TCX of the same run


def test_truncated_ride_is_recovered_and_marked_partial(corpus):
    export = read_file(corpus / "fit/FP__nick.fit")
    act = export.activities.iloc[0]
    assert act["partial"]
    assert "damaged" in act["quality_notes"]
    assert act["start_time"] == pd.Timestamp("2020-09-12 12:23:38", tz="UTC")
    assert act["distance_m"] == pytest.approx(113550.9, abs=1)
    assert len(export.samples) == 14391


def test_strava_tcx_with_leading_whitespace(corpus):
    raw = (corpus / "tcx/SL__6281425038.tcx").read_bytes()
    assert raw[:1].isspace()
    act = read_file(corpus / "tcx/SL__6281425038.tcx").activities.iloc[0]
    assert act["distance_m"] == pytest.approx(4156.7, abs=0.1)
    assert act["moving_time_s"] == pytest.approx(1545.0)
    assert act["start_time"] == pd.Timestamp("2016-09-12 11:19:55", tz="UTC")


def test_same_ride_in_fit_gpx_and_tcx_agrees(corpus):
    files = ["fit/SW__4801048867.fit", "gpx/SW__activity_4801048867.gpx", "gpx/SW__4801048867_strava.gpx",
             "tcx/SW__activity_4801048867.tcx"]
    acts = pd.concat([read_file(corpus / f).activities for f in files], ignore_index=True)
    assert acts["start_time"].nunique() == 1
    assert acts["distance_m"].max() / acts["distance_m"].min() - 1 < 0.01
    # the FIT and TCX carry the device's timer (5158.6 s), which ran on through 54 s of standing
    # still; from the points of the GPX files only the time in motion counts
    device, points = acts["moving_time_s"].iloc[[0, 3]], acts["moving_time_s"].iloc[[1, 2]]
    assert device.round().tolist() == [5159, 5158] and points.tolist() == [5104, 5105]
    # FIT gives the device's barometric total, GPX and TCX the smoothed profile
    # of the same altitude stream: within 10 % (README, "ascent and descent")
    assert acts["ascent_m"].max() / acts["ascent_m"].min() - 1 < 0.10


def test_bad_checksum_is_imported_with_a_note(corpus):
    act = read_file(corpus / "fit/FP__activity-filecrc.fit").activities.iloc[0]
    assert "checksum" in act["quality_notes"] and not act["partial"]
    assert act["distance_m"] == pytest.approx(5.7, abs=0.05)


def test_non_activity_fit_is_refused_by_name(corpus):
    with pytest.raises(NotAnActivityError, match="settings"):
        read_file(corpus / "fit/FP__Settings.fit")


def test_compressed_timestamps_placed_on_the_device_day(corpus):
    act = read_file(corpus / "fit/FP__compressed-speed-distance.fit").activities.iloc[0]
    assert act["local_date"] == pd.Timestamp("2012-02-13")
    assert act["distance_m"] == pytest.approx(10248.67)
    assert "clock was never set" in act["quality_notes"]


def test_fitparse_misaligned_field_bug_is_worked_around(corpus):
    data = (corpus / "fit/FP__coros-pace-2-cycling-misaligned-fields.fit").read_bytes()
    # the dependency bug this works around: fitparse 1.2.0 gives up part-way
    with pytest.raises(FitParseError, match="Invalid field size"):
        fitparse.FitFile(io.BytesIO(data)).parse()
    fitparse.FitFile(io.BytesIO(retype_misaligned_fields(data)), check_crc=False).parse()
    act = read_file(corpus / "fit/FP__coros-pace-2-cycling-misaligned-fields.fit").activities.iloc[0]
    assert act["elapsed_time_s"] == pytest.approx(12719.0, abs=1)
    assert act["distance_m"] == pytest.approx(32145.8, abs=1)
    assert not act["partial"]


def test_zip_with_macos_junk_member(corpus):
    export = read_file(corpus / "other/GC__Move_2019_03_17_10_24_32_Running.fit.zip")
    assert len(export.activities) == 1
    assert export.activities.iloc[0]["source_path"].endswith("!Move_2019_03_17_10_24_32_Running.fit")
    assert export.skipped.empty


def test_strava_bulk_export_layout(corpus, tmp_path):
    export_dir = tmp_path / "strava"
    (export_dir / "activities").mkdir(parents=True)
    shutil.copy(corpus / "fit/LOCALGZ__4801048867.fit.gz", export_dir / "activities/4801048867.fit.gz")
    shutil.copy(corpus / "gpx/SL__1681613317.gpx", export_dir / "activities/1681613317.gpx")
    shutil.copy(corpus / "tcx/LOCALGZ__6281425038.tcx.gz", export_dir / "activities/6281425038.tcx.gz")
    header = (corpus / "other/SP__activities.csv").read_text().splitlines()[0]
    columns = header.split(",")
    assert columns.count("Distance") == 2  # Strava repeats column names

    def row(**cells):
        values = (cells.get(c, "") if i == columns.index(c) else "" for i, c in enumerate(columns))
        return ",".join(f'"{value}"' if "," in value else value for value in values)

    lines = [header,
             row(**{"Activity ID": "1", "Activity Name": "Sunday ride", "Activity Type": "Ride",
                    "Activity Gear": "Canyon", "Filename": "activities/4801048867.fit.gz"}),
             row(**{"Activity ID": "2", "Activity Name": "Hill reps", "Activity Type": "Trail Run",
                    "Activity Gear": "Speedgoat 5", "Filename": "activities/1681613317.gpx"})]
    lines.append(row(**{"Activity ID": "3", "Activity Date": "Jul 3, 2023, 6:00:00 PM", "Activity Name": "Treadmill",
                        "Activity Type": "Run", "Distance": "8.00"}))  # entered by hand: no file
    (export_dir / "activities.csv").write_text("\n".join(lines) + "\n")
    export = read_export(export_dir)
    assert export.skipped.to_dict("records") == [{
        "path": "activities.csv, Activity ID 3", "kind": "listed without a file",
        "reason": "Run on Jul 3, 2023, 6:00:00 PM, Distance 8.00: entered by hand, or its file was not exported; "
                  "riskload counts only activities it can read from a file, so this one is not in the load"}]
    acts = export.activities.set_index("source_path")
    assert acts.loc["activities/1681613317.gpx", "name"] == "Hill reps"
    assert acts.loc["activities/1681613317.gpx", "gear"] == "Speedgoat 5"
    assert acts.loc["activities/1681613317.gpx", "sub_sport"] == "trail"
    assert acts.loc["activities/4801048867.fit.gz", "gear"] == "Canyon"
    assert pd.isna(acts.loc["activities/6281425038.tcx.gz", "gear"])  # no CSV row: still imported


def test_a_strava_export_left_zipped_in_a_folder_says_what_of_it_was_not_read(corpus, tmp_path):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("activities/1681613317.gpx", (corpus / "gpx/SL__1681613317.gpx").read_bytes())
        z.writestr("activities.csv", "Activity ID,Activity Name,Filename\n2,Hill reps,activities/1681613317.gpx\n")
        z.writestr("riskload.toml", '[athlete]\nname = "Anna"\n')
    (tmp_path / "export_1234.zip").write_bytes(archive.getvalue())
    export = read_export(tmp_path, cache=False)
    assert len(export.activities) == 1
    reasons = dict(zip(export.skipped["path"], zip(export.skipped["kind"], export.skipped["reason"])))
    assert reasons == {
        "export_1234.zip!activities.csv": ("not an activity", "the export's list of activities, inside an archive: "
                                           "riskload reads it only in an unzipped export, so the names, types and "
                                           "gear it gives were not taken"),
        "export_1234.zip!riskload.toml": ("not an activity", "settings inside an archive: riskload reads "
                                          "riskload.toml only in the export folder itself, so these were not applied"),
    }


def test_a_zip_or_a_file_given_as_the_export_says_what_it_is(corpus, tmp_path):
    shutil.copy(corpus / "other/GC__Move_2019_03_17_10_24_32_Running.fit.zip", tmp_path / "export_1234.zip")
    with pytest.raises(RiskloadError) as raised:
        read_export(tmp_path / "export_1234.zip", cache=False)
    assert str(raised.value) == (f"{tmp_path / 'export_1234.zip'}: a zip archive, not a folder. Unzip it (unzip "
                                 "export_1234.zip -d export_1234) and give riskload that folder: the export's list "
                                 "of activities and its settings are read from the folder.")
    shutil.copy(corpus / "gpx/SL__1681613317.gpx", tmp_path / "run.gpx")
    with pytest.raises(RiskloadError, match="run.gpx: a file, not a folder; riskload reads an export folder"):
        read_export(tmp_path / "run.gpx", cache=False)


def test_settings_written_as_toml_are_not_called_json():
    assert sniff(b'[athlete]\nname = "Anna"\n') == sniff(b"# settings\n") == "unknown"
    assert sniff(b'[{"a": 1}]') == sniff(b"[]") == sniff(b'{"a": 1}') == "JSON"


def test_strava_csv_without_filename_column_is_tolerated(corpus, tmp_path):
    (tmp_path / "activities").mkdir()
    shutil.copy(corpus / "gpx/SL__garmin.gpx", tmp_path / "activities/1.gpx")
    (tmp_path / "activities.csv").write_text("Activity ID,Activity Name\n1,Old export\n")
    acts = read_export(tmp_path).activities
    assert len(acts) == 1
    # the row cannot be linked to the file: the file keeps its own (empty) track name
    assert acts.iloc[0]["name"] == read_file(corpus / "gpx/SL__garmin.gpx").activities.iloc[0]["name"] == ""


def test_a_strava_export_whose_files_were_unzipped_keeps_its_names_and_gear(corpus, tmp_path):
    # the list names activities/1.gpx.gz and activities/2.fit, the folder holds them unpacked and packed
    (tmp_path / "activities").mkdir()
    shutil.copy(corpus / "gpx/SL__garmin.gpx", tmp_path / "activities/1.gpx")
    (tmp_path / "activities/2.fit.gz").write_bytes(gzip.compress((corpus / "fit/SL__6914538454.fit").read_bytes()))
    (tmp_path / "activities.csv").write_text("Activity ID,Activity Name,Activity Gear,Filename\n"
                                             "1,Lunch run,Pegasus,activities/1.gpx.gz\n"
                                             "2,Hills,Speedgoat,activities/2.fit\n")
    acts = read_export(tmp_path, cache=False).activities.set_index("source_path")
    assert acts[["name", "gear"]].to_dict("index") == {"activities/1.gpx": {"name": "Lunch run", "gear": "Pegasus"},
                                                        "activities/2.fit.gz": {"name": "Hills", "gear": "Speedgoat"}}


def test_garmin_account_export_nested_zips(corpus, tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("user@example.com_1001.fit", (corpus / "fit/SL__6914538454.fit").read_bytes())
        z.writestr("user@example.com_1002.fit", (corpus / "fit/FP__Settings.fit").read_bytes())
        z.writestr("__MACOSX/._user@example.com_1001.fit", b"junk")
    uploads = tmp_path / "DI_CONNECT" / "DI-Connect-Uploaded-Files"
    uploads.mkdir(parents=True)
    with zipfile.ZipFile(uploads / "UploadedFiles_0-_Part1.zip", "w") as z:
        z.writestr("UploadedFiles_0-_Part1.zip", inner.getvalue())  # Garmin nests one level more
    (tmp_path / "DI_CONNECT" / "DI-Connect-Fitness").mkdir()
    (tmp_path / "DI_CONNECT" / "DI-Connect-Fitness" / "summary.json").write_text("{}")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    export = read_export(tmp_path)
    assert len(export.activities) == 1
    assert export.activities.iloc[0]["distance_m"] == pytest.approx(4330.0)
    kinds = dict(zip(export.skipped["path"], export.skipped["kind"]))
    member = ("DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip!UploadedFiles_0-_Part1.zip!"
              "user@example.com_1002.fit")
    assert kinds == {member: "not an activity", "DI_CONNECT/DI-Connect-Fitness/summary.json": "unsupported format"}
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before  # nothing extracted


def test_fit_and_gpx_of_one_run_count_once(corpus, tmp_path):
    shutil.copy(corpus / "fit/SL__2067489619.fit", tmp_path / "run.fit")
    shutil.copy(corpus / "gpx/SL__2067489619.gpx", tmp_path / "run.gpx")
    export = read_export(tmp_path)
    assert export.activities["source_path"].tolist() == ["run.fit"]  # the richer source
    assert export.skipped["kind"].tolist() == ["duplicate"]
    assert "run.fit" in export.skipped.iloc[0]["reason"]


def test_gzip_copy_matches_the_plain_file(corpus):
    plain = read_file(corpus / "gpx/SW__activity_5039744860.gpx").activities.iloc[0]
    zipped = read_file(corpus / "gpx/LOCALGZ__5039744860.gpx.gz").activities.iloc[0]
    assert zipped["activity_id"] == plain["activity_id"]  # the id digests the content
    assert zipped["distance_m"] == plain["distance_m"]
    assert gzip.decompress((corpus / "gpx/LOCALGZ__5039744860.gpx.gz").read_bytes())


def _gpx(start_utc: str, lon: float = 11.0) -> str:
    points = "".join(
        f'<trkpt lat="{47.0 + i * 0.0001:.4f}" lon="{lon}">'
        f"<time>{pd.Timestamp(start_utc) + pd.Timedelta(seconds=10 * i):%Y-%m-%dT%H:%M:%SZ}</time></trkpt>"
        for i in range(30)
    )
    return f'<gpx version="1.1" creator="t"><trk><type>running</type><trkseg>{points}</trkseg></trk></gpx>'


def test_late_sunday_run_belongs_to_sunday_in_the_athletes_zone(tmp_path):
    (tmp_path / "late.gpx").write_text(_gpx("2024-03-10T22:30:00Z"))  # 23:30 in Berlin, a Sunday
    act = read_export(tmp_path, timezone="Europe/Berlin").activities.iloc[0]
    assert act["local_date"] == pd.Timestamp("2024-03-10")
    assert act["start_time_local"] == pd.Timestamp("2024-03-10 23:30:00")
    assert act["local_time_source"] == "settings" and act["utc_offset_min"] == 60
    summer = tmp_path / "summer"
    summer.mkdir()
    (summer / "s.gpx").write_text(_gpx("2024-07-07T21:30:00Z"))  # daylight saving: +2 h
    act = read_export(summer, timezone="Europe/Berlin").activities.iloc[0]
    assert act["start_time_local"] == pd.Timestamp("2024-07-07 23:30:00")


def test_machine_zone_is_the_last_resort(tmp_path, computer_zone):
    computer_zone("America/New_York")
    (tmp_path / "a.gpx").write_text(_gpx("2024-03-11T03:30:00Z", lon=-74.0))  # recorded in New York
    export = read_export(tmp_path)
    act = export.activities.iloc[0]
    assert act["local_time_source"] == "machine"
    assert act["start_time_local"] == pd.Timestamp("2024-03-10 23:30:00")
    winter = time.localtime().tm_isdst == 0
    said = f"now {'EST, UTC-05:00' if winter else 'EDT, UTC-04:00'}"
    assert build_load(export).notes[0] == (
        f"1 of 1 activity recorded no UTC offset (GPX and TCX files seldom do): their days were counted in this "
        f"computer's time zone ({said}). If the runner lives in another, set athlete.timezone in riskload.toml "
        "or give --timezone.")
    assert not any("UTC offset" in note for note in build_load(read_export(tmp_path, timezone="UTC")).notes)
    assert export.warnings == []  # the sun's time there is the zone's


def test_days_counted_in_a_zone_far_from_where_the_runs_were_recorded_are_warned_of(tmp_path, computer_zone):
    computer_zone("America/New_York")
    # morning runs in Shanghai (121.5° E, UTC+8), read on a computer in New York: 06:30 there is 18:30 the day
    # before here; one run in New York itself is counted rightly
    for day in ("2024-03-12", "2024-03-14"):
        (tmp_path / f"{day}.gpx").write_text(_gpx(f"{pd.Timestamp(day) - pd.Timedelta(hours=1.5):%Y-%m-%dT%H:%M:%SZ}",
                                                  lon=121.5))
    (tmp_path / "home.gpx").write_text(_gpx("2024-03-16T11:00:00Z", lon=-74.0))
    export = read_export(tmp_path, cache=False)
    assert export.activities["local_date"].dt.day.tolist() == [11, 13, 16]  # the two wrong by a day
    warning = ("2 activities without a UTC offset were recorded around longitude 122° E, where the sun's time is 12 "
               "hours ahead of the time their days were counted in (this computer's): most likely the runner lives "
               "in another time zone, and activities early or late in the day were counted on the wrong day. Set "
               "athlete.timezone in riskload.toml or give --timezone.")
    assert export.warnings == [warning]
    assert warning in build_load(export, as_of="2024-03-17").notes
    assert read_export(tmp_path, timezone="Asia/Shanghai", cache=False).warnings == []  # a zone given: no guess
    result = CliRunner().invoke(main, ["analyze", str(tmp_path), "--no-cache", "--out", str(tmp_path.parent / "o"),
                                       "--until", "2024-03-17", "--format", "html", "-q"])
    assert f"riskload: warning: {warning}\n" in result.output  # on stderr, even with -q
    page = (tmp_path.parent / "o" / "report.html").read_text()
    assert f'<p class="notice" role="alert">{html.escape(warning)}</p>' in page


@pytest.mark.parametrize("place, longitude_deg, offset_h, warned", [
    ("Kashgar, on Beijing time", 76.0, 8, False), ("Galicia in summer", -8.5, 2, False),
    ("Nome, Alaska in summer", -165.4, -8, False), ("Apia, Samoa, across the date line", -171.8, 13, False),
    ("Kiritimati, UTC+14", -157.4, 14, False), ("Chengdu read in UTC", 104.1, 0, True),
    ("New York read in Vienna", -74.0, 1, True), ("Sydney read in New York", 151.2, -5, True)])
def test_the_sun_tells_a_guessed_zone_that_cannot_be_the_runners(place, longitude_deg, offset_h, warned):
    activities = pd.DataFrame({"activity_id": ["a"], "local_time_source": ["machine"],
                               "utc_offset_min": [offset_h * 60.0]})
    samples = pd.DataFrame({"activity_id": ["a"] * 3, "longitude_deg": [np.nan, longitude_deg, longitude_deg]})
    assert (sun_time_gap(activities, samples) is not None) is warned
    assert sun_time_gap(activities.assign(local_time_source="settings"), samples) is None  # given, not guessed


def test_strict_mode_raises(corpus, tmp_path):
    shutil.copy(corpus / "fit/FP__Settings.fit", tmp_path / "s.fit")
    assert read_export(tmp_path).skipped["kind"].tolist() == ["not an activity"]
    with pytest.raises(NotAnActivityError):
        read_export(tmp_path, strict=True)


def test_the_watch_profiles_resting_heart_rate_is_read_and_an_unmeasured_zero_is_not(corpus):
    measured = read_file(corpus / "fit/FP__garmin-fenix-5-run.fit").activities.iloc[0]
    assert measured["profile_resting_hr_bpm"] == 47  # user_profile.resting_heart_rate, as fitparse reads it
    never = read_file(corpus / "fit/RP__run.fit").activities.iloc[0]
    assert pd.isna(never["profile_resting_hr_bpm"])  # 0: the watch never measured one
    gpx = read_file(corpus / "gpx/RP__run.gpx").activities.iloc[0]
    assert pd.isna(gpx["profile_resting_hr_bpm"])
