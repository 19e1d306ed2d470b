"""Crafted files are refused or read in memory only: no entity is expanded, nothing outside is read or written."""

from __future__ import annotations

import io
import os
import pyexpat
import shutil
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from riskload import CorruptFileError, parse_bytes, read_export
from riskload.errors import ActivityFileError
from riskload.importers.tcx import read_tcx
from riskload.importers.parse import MAX_INFLATED_BYTES
from riskload.importers.walk import MAX_ZIP_DEPTH, MAX_MEMBER_BYTES

SAMPLE_B = Path(__file__).resolve().parent.parent / "sample_data" / "athlete-b"

LAUGHS = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
TRACK = ('<trkseg><trkpt lat="47.0" lon="11.0"><time>2024-05-06T06:00:00Z</time></trkpt>'
         '<trkpt lat="47.01" lon="11.0"><time>2024-05-06T06:10:00Z</time></trkpt></trkseg>')


def gpx(doctype: str, name: str) -> str:
    return (f'<?xml version="1.0"?><!DOCTYPE gpx [{doctype}]><gpx version="1.1" creator="x">'
            f"<trk><name>{name}</name>{TRACK}</trk></gpx>")


def tcx(doctype: str, notes: str) -> str:
    return (f'<?xml version="1.0"?><!DOCTYPE TrainingCenterDatabase [{doctype}]>'
            '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
            f'<Activities><Activity Sport="Running"><Id>2024-05-06T06:00:00Z</Id><Notes>{notes}</Notes>'
            '<Lap StartTime="2024-05-06T06:00:00Z"><TotalTimeSeconds>600</TotalTimeSeconds>'
            "<DistanceMeters>1000</DistanceMeters></Lap></Activity></Activities></TrainingCenterDatabase>")


@pytest.fixture
def secret(tmp_path) -> Path:
    """A file outside the export whose content must never show up anywhere."""
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-4711")
    return path


def hostile_documents(secret: Path) -> dict[str, bytes]:
    bomb = '<!ENTITY l0 "lol">' + LAUGHS
    outside = f'<!ENTITY x SYSTEM "{secret.as_uri()}">'
    return {
        "bomb.gpx": gpx(bomb, "&l9;").encode(),
        "outside.gpx": gpx(outside, "&x;").encode(),
        "bomb.tcx": tcx(bomb, "&l9;").encode(),
        "outside.tcx": tcx(outside, "&x;").encode(),
        "outside-utf16.gpx": b"\xff\xfe" + gpx(outside, "&x;")
        .replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16-le"),
    }


def test_entity_bombs_and_external_entities_are_refused_and_the_rest_imported(tmp_path, secret):
    export = tmp_path / "export"
    shutil.copytree(SAMPLE_B, export)
    for name, data in hostile_documents(secret).items():
        (export / name).write_bytes(data)
    result = read_export(export, cache=False, workers=1)
    assert len(result.activities) == len(read_export(SAMPLE_B, cache=False, workers=1).activities)
    skipped = result.skipped.set_index("path")
    for name in ("bomb.gpx", "outside.gpx", "bomb.tcx", "outside.tcx"):
        assert skipped.loc[name, "kind"] == "corrupt"
        assert skipped.loc[name, "reason"] == ("refused: the XML declares a DTD or entities, which activity files "
                                               "never need")
    # UTF-16 is not taken for GPX at all: skipped unread
    assert skipped.loc["outside-utf16.gpx", "kind"] == "unsupported format"
    everything = result.activities.to_csv() + result.skipped.to_csv()
    assert "TOP-SECRET" not in everything and "lollol" not in everything


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_bombs_escaping_names_and_deep_nesting_are_read_in_memory_and_bounded(tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    run = (SAMPLE_B / "21400000037_ACTIVITY.fit").read_bytes()
    big = io.BytesIO()
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("huge.fit", "w", force_zip64=True) as member:
            for _ in range(MAX_MEMBER_BYTES // 2**20 + 1):
                member.write(bytes(2**20))
    (export / "bomb.zip").write_bytes(big.getvalue())
    (export / "escape.zip").write_bytes(zip_of({"../../escaped.fit": run, "/absolute.fit": run}))
    nested = run
    for level in range(MAX_ZIP_DEPTH + 1):
        nested = zip_of({f"level{level}.zip" if level else "run.fit": nested})
    (export / "deep.zip").write_bytes(nested)
    outside_before = sorted(p for p in tmp_path.rglob("*") if export not in p.parents and p != export)

    result = read_export(export, cache=False, workers=1)
    skipped = result.skipped.set_index("path")
    assert len(big.getvalue()) < 2**20  # a megabyte that would inflate past the limit
    assert skipped.loc["bomb.zip!huge.fit", "reason"] == "refused: the archive member is too large"
    # members named to escape are read in memory under their archive's name; nothing is extracted
    assert set(result.activities["source_path"]) >= {"escape.zip!../../escaped.fit"}
    assert "escape.zip!/absolute.fit" in set(result.skipped["path"])  # the same run again: a duplicate
    deep = [p for p in skipped.index if p.startswith("deep.zip!")]
    assert len(deep) == 1 and f"nested more than {MAX_ZIP_DEPTH} deep" in skipped.loc[deep[0], "reason"]
    assert sorted(p for p in tmp_path.rglob("*") if export not in p.parents and p != export) == outside_before


def test_a_symlink_loop_in_the_export_is_not_followed(tmp_path):
    export = tmp_path / "export"
    shutil.copytree(SAMPLE_B, export)
    (export / "loop").symlink_to(export, target_is_directory=True)
    (export / "sub").mkdir()
    (export / "sub" / "back").symlink_to(export / "sub", target_is_directory=True)
    result = read_export(export, cache=False, workers=1)
    assert len(result.activities) == len(read_export(SAMPLE_B, cache=False, workers=1).activities)
    assert not any("loop/" in p or "back/" in p for p in result.activities["source_path"])


def test_a_dtd_the_byte_check_cannot_see_is_still_harmless(secret):
    # in UTF-16, "<!DOCTYPE" is not in the bytes as ASCII: the standard library's parser (expat 2.4.1 or newer)
    # must then cap the entity expansion and refuse the external entity itself
    assert pyexpat.version_info >= (2, 4, 1)
    for doctype, notes in (('<!ENTITY l0 "lol">' + LAUGHS, "&l9;"), (f'<!ENTITY x SYSTEM "{secret.as_uri()}">', "&x;")):
        document = tcx(doctype, notes).replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
        with pytest.raises(CorruptFileError, match="not well-formed XML") as refused:
            read_tcx(b"\xff\xfe" + document.encode("utf-16-le"), "hidden.tcx")
        assert "TOP-SECRET" not in str(refused.value) and "lollol" not in str(refused.value)


def test_a_refused_document_raises_riskloads_own_error_when_read_alone():
    with pytest.raises(CorruptFileError, match="refused: the XML declares a DTD"):
        parse_bytes(gpx('<!ENTITY a "b">', "&a;").encode(), "a.gpx")


def test_a_file_too_large_for_an_activity_is_listed_without_being_read(tmp_path):
    # a phone video and a runaway log beside the runs: read whole, each would cost a gigabyte of memory
    export = tmp_path / "export"
    shutil.copytree(SAMPLE_B, export)
    for name in ("holiday.mp4", "track.gpx"):
        with open(export / name, "wb") as sparse:
            sparse.truncate(2**30)
    tracemalloc.start()
    try:
        result = read_export(export, cache=False, workers=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    skipped = result.skipped.set_index("path")
    for name in ("holiday.mp4", "track.gpx"):
        assert skipped.loc[name, "reason"] == ("1,024 MiB, larger than any activity file (riskload reads at most "
                                              f"{MAX_INFLATED_BYTES // 2**20} MiB of one): not read")
    assert len(result.activities) == len(read_export(SAMPLE_B, cache=False, workers=1).activities)
    assert peak < 2**28  # neither was read


def test_a_folder_that_cannot_be_read_is_listed_not_passed_over(tmp_path, monkeypatch):
    # as a user without the right to a sub-folder would meet it (the tests may run as root, who has every right)
    export = tmp_path / "export"
    for year in ("2023", "2024"):
        shutil.copytree(SAMPLE_B, export / year, ignore=shutil.ignore_patterns("riskload.toml"))
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path) == export / "2024":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = read_export(export, cache=False, workers=1, timezone="UTC")
    assert len(result.activities) == len(read_export(SAMPLE_B, cache=False, workers=1, timezone="UTC").activities)
    assert result.skipped.to_dict("records") == [{
        "path": "2024/", "kind": "unreadable",
        "reason": "a folder that could not be read (Permission denied): the activities in it, if any, are not in the "
                  "load"}]
    with pytest.raises(ActivityFileError, match="2024/: a folder that could not be read"):
        read_export(export, cache=False, workers=1, strict=True)
