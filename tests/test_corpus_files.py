"""Every file of the real-device corpus imports close to its manifest, or is
skipped with the expected kind of reason; none crashes the import."""

from __future__ import annotations

import pytest

from riskload import ActivityFileError, read_file

from .conftest import manifest_rows

#: Files whose expected outcome is a skip, with the kind of reason.
EXPECTED_SKIPS = {
    "fit/FP__DeveloperData.fit": "no activity data",  # developer data only, no time
    "fit/FP__MonitoringFile.fit": "not an activity",
    "fit/FP__Settings.fit": "not an activity",
    "fit/FP__Settings2.fit": "not an activity",
    "fit/FP__WeightScaleMultiUser.fit": "not an activity",
    "fit/FP__WeightScaleSingleUser.fit": "not an activity",
    "fit/FP__WorkoutCustomTargetValues.fit": "not an activity",
    "fit/FP__WorkoutIndividualSteps.fit": "not an activity",
    "fit/FP__WorkoutRepeatGreaterThanStep.fit": "not an activity",
    "fit/FP__WorkoutRepeatSteps.fit": "not an activity",
    "fit/FT__example.fit": "not an activity",  # a course
    "fit/MK__valid_only_contain_fileid.fit": "no activity data",  # one record, no duration
    "fit/SL__empty-activities.fit": "corrupt",  # header declares no data
    "fit/SL__empty-sessions.fit": "no activity data",  # 0 bytes
    "gpx/GC__A_ride_mapped_on_11_22_2011.gpx": "no activity data",  # mapped route, no times
    "gpx/GC__MetadataOnly.gpx": "no activity data",
    "gpx/GP__Mojstrovka.gpx": "no activity data",  # times in 1901
    "gpx/GP__cerknicko-without-times.gpx": "no activity data",
    "gpx/GP__gpx1.0_with_all_fields.gpx": "no activity data",  # a single point
    "gpx/GP__gpx_with_garmin_extension.gpx": "no activity data",  # a waypoint
    "gpx/GP__route.gpx": "no activity data",
    "gpx/GP__unicode_with_bom.gpx": "no activity data",  # a waypoint
    "gpx/TG__empty_ele.gpx": "no activity data",  # two points at one instant
    "gpx/TG__empty_trk.gpx": "no activity data",
    "tcx/RP__malformed.tcx": "corrupt",
    "other/FT__gpx_test_no_gpx.zip": "no activity data",
    "other/GC__Ambit3-lap-swimming.sml": "unsupported format",
    "other/GC__argmac_Garmin_FR910XT_2015_01_31_10_17_02.pwx": "unsupported format",
    "other/GC__example.fitlog": "unsupported format",
    "other/SL__multisport.json": "unsupported format",
    "other/SP__activities.csv": "unsupported format",
}

#: Where riskload's figure differs from the manifest on purpose.
KNOWN_DIFFERENCES = {
    # two identical copies of one activity chained: riskload counts it once
    "fit/FP__activity-activity-filecrc.fit": {"duration", "distance"},
    # the manifest counts only the last of two chained activities' distance
    "fit/MK__chained_Activity_activity_poolswim.fit": {"distance"},
    # GPS-only: the manifest joins segments across pauses and keeps position spikes
    "gpx/GP__cerknicko-jezero-with-elevations-zero.gpx": {"duration", "distance"},
    "gpx/GP__cerknicko-jezero-without-elevations.gpx": {"duration", "distance"},
    "gpx/GP__korita-zbevnica.gpx": {"distance"},
    "gpx/TG__run_gpxtpx.gpx": {"distance"},
    # the manifest has no duration: times missing or bogus in places
    "gpx/TG__missing_hr.gpx": {"duration"},
    # the manifest's duration is the span the clock jump made (27.9 and 30.7 days); riskload judges
    # such a span by the records (tests/test_strange_data.py checks their values)
    "fit/SL__27-days-activity.fit": {"duration"},
    "fit/SL__31-days-activity.fit": {"duration"},
    # a zip of three copies of one track; manifest describes the first only
    "other/FT__gpx_test.zip": set(),
}

ROWS = [r for r in manifest_rows() if r["local_path"]]
LARGE = {"fit/GC__MultiSport-2019-11-24.fit", "fit/MK__big_activity.fit", "fit/SL__4623204522.fit",
         "fit/FP__activity-large-fenxi2-multisport.fit", "fit/FP__2019-02-17-062644-ELEMNT-297E-195-0.fit"}


def _close(value: float, expected: float, rel: float, absolute: float) -> bool:
    return abs(value - expected) <= max(rel * abs(expected), absolute)


@pytest.mark.parametrize(
    "row",
    [pytest.param(r, id=r["local_path"], marks=[pytest.mark.slow] if r["local_path"] in LARGE else []) for r in ROWS],
)
def test_corpus_file_imports_or_is_skipped_for_the_expected_reason(corpus, row):
    path = row["local_path"]
    expected_kind = EXPECTED_SKIPS.get(path)
    try:
        export = read_file(corpus / path)
    except ActivityFileError as exc:
        assert expected_kind is not None, f"{path} was skipped ({exc.kind}: {exc.reason})"
        assert exc.kind == expected_kind, f"{path}: {exc.kind} ({exc.reason})"
        return
    assert expected_kind is None, f"{path} imported, expected a skip ({expected_kind})"
    acts = export.activities
    assert len(acts) >= 1
    assert acts["start_time"].notna().all()
    assert acts["start_time"].dt.year.between(2000, 2026).all()
    differences = KNOWN_DIFFERENCES.get(path, set())
    if row["duration_s"] and "duration" not in differences:
        expected = float(row["duration_s"])
        elapsed, moving = acts["elapsed_time_s"].sum(), acts["moving_time_s"].sum()
        assert _close(elapsed, expected, 0.01, 5) or _close(moving, expected, 0.01, 5), (
            f"{path}: elapsed {elapsed:.1f} s, moving {moving:.1f} s, manifest {expected} s"
        )
    if row["distance_m"] and "distance" not in differences and float(row["distance_m"]) > 0:
        expected = float(row["distance_m"])
        measured = acts["distance_m"].sum()
        gps = (acts["distance_source"] == "gps").all()
        assert _close(measured, expected, 0.02 if gps else 0.005, 5), f"{path}: {measured:.1f} m, manifest {expected} m"


def test_every_manifest_file_is_covered(corpus):
    listed = {r["local_path"] for r in ROWS}
    on_disk = {p.relative_to(corpus).as_posix() for p in corpus.rglob("*")
               if p.is_file() and p.suffix not in (".tsv", ".md")}
    assert on_disk <= listed
    assert set(EXPECTED_SKIPS) <= listed
    assert len(listed) == 192
