"""Broken files of every other kind, side by side in one folder with a good one.

(Cuts at each boundary of a FIT file are in ``test_broken_fit.py``.) Each
file here either gives what can be recovered from it, with a note, or is
listed in the skipped table with a reason a person can act on; the rest of
the folder is imported whatever happens.
"""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import pandas as pd
import pytest

from riskload import read_export
from riskload.importers.fitfast import crc16

ROOT = Path(__file__).resolve().parent.parent
GOOD_FIT = ROOT / "sample_data" / "athlete-b" / "21400000037_ACTIVITY.fit"
GOOD_GPX = ROOT / "sample_data" / "athlete-a" / "activities" / "17000003000.gpx"
GOOD_TCX = ROOT / "sample_data" / "athlete-a" / "activities" / "17000008000.tcx.gz"


def _fit_with(data: bytes, **header) -> bytes:
    """The FIT file ``data`` with header fields replaced (``data_size``, ``magic``, ``header_crc``)."""
    size, protocol, profile, data_size, magic = struct.unpack_from("<BBHI4s", data)
    data_size = header.get("data_size", data_size)
    magic = header.get("magic", magic)
    head = struct.pack("<BBHI4s", size, protocol, profile, data_size, magic)
    crc = header.get("header_crc", crc16(head))
    return head + struct.pack("<H", crc) + data[14:]


def _cut_before_last(text: bytes, tag: bytes, extra: int = 9) -> bytes:
    """``text`` cut ``extra`` bytes into the last ``tag`` element (mid-element)."""
    return text[: text.rfind(tag) + extra]


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("broken")
    fit, gpx, tcx = GOOD_FIT.read_bytes(), GOOD_GPX.read_bytes(), gzip.decompress(GOOD_TCX.read_bytes())
    files = {
        "good.fit": fit,
        "zero.fit": b"",
        "zero.gpx": b"",
        "tiny.fit": fit[:8],
        "bad-header-crc.fit": _fit_with(fit, header_crc=0x1234),
        "bad-file-crc.fit": fit[:-2] + bytes([fit[-2] ^ 0xFF, fit[-1]]),
        "wrong-magic.fit": _fit_with(fit, magic=b".FTI"),
        "size-too-big.fit": _fit_with(fit, data_size=len(fit) * 3),
        "size-too-small.fit": _fit_with(fit, data_size=(len(fit) - 16) // 2),
        "garbage.fit": bytes((i * 7919 + 13) % 251 for i in range(5000)),
        "garbage.gpx": bytes((i * 104729 + 3) % 256 for i in range(3000)),
        "garbage.tcx.gz": gzip.compress(bytes((i * 31) % 256 for i in range(3000))),
        "cut.gpx": _cut_before_last(gpx, b"<trkpt"),
        "cut.tcx": _cut_before_last(tcx, b"<Trackpoint>"),
        "bad-utf8.gpx": gpx.replace(b"<trkseg>", b"<!-- \xff\xfe bad bytes \xc3\x28 --><trkseg>", 1),
        "bad-utf8.tcx": tcx.replace(b"<Lap ", b"<!-- \xff\xfe bad bytes \xc3\x28 --><Lap ", 1),
        "bom.gpx": b"\xef\xbb\xbf" + gpx,
        "bom.tcx": b"\xef\xbb\xbf" + tcx,
        "really-a-gpx.fit": gpx,
        "really-a-fit.gpx": fit,
        "really-a-tcx.txt": tcx,
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    together = read_export(folder, cache=False, workers=2)
    # most of these files hold the same run, which a folder import counts once: each is also read alone
    alone = {name: read_export(_alone(tmp_path_factory, name, data), cache=False, workers=1)
             for name, data in files.items()}
    reference = {name: read_export(_alone(tmp_path_factory, name, data), cache=False, workers=1)
                 for name, data in (("good.gpx", gpx), ("good.tcx", tcx))}
    return together, {**alone, **reference}


def _alone(factory, name: str, data: bytes) -> Path:
    folder = factory.mktemp("alone")
    (folder / name).write_bytes(data)
    return folder


def _activities(exports, name: str) -> pd.DataFrame:
    return exports[name].activities


def _skipped(exports, name: str) -> tuple[str, str]:
    skipped = exports[name].skipped
    assert len(skipped) == 1 and exports[name].activities.empty, f"{name} is not skipped"
    return skipped["kind"].iloc[0], skipped["reason"].iloc[0]


def test_every_file_of_the_folder_is_imported_or_listed_with_a_reason(imported):
    together, alone = imported
    names = set(together.activities["source_path"]) | set(together.skipped["path"])
    assert len(names) == 21 and len(together.activities) == 3  # the FIT, GPX and TCX runs, each once
    assert (together.skipped["reason"].str.len() > 10).all()
    # a file skipped in the folder for its own sake is skipped alone with the same reason
    for _, row in together.skipped[together.skipped["kind"] != "duplicate"].iterrows():
        assert _skipped(alone, row["path"]) == (row["kind"], row["reason"])


def test_empty_tiny_garbage_and_wrong_magic_files_are_skipped_with_their_reason(imported):
    _, exports = imported
    assert _skipped(exports, "zero.fit") == ("no activity data", "the file is empty")
    assert _skipped(exports, "zero.gpx") == ("no activity data", "the file is empty")
    assert _skipped(exports, "tiny.fit")[1] == "too short to be a FIT file (8 bytes; a FIT header alone is 12)"
    for name in ("garbage.fit", "garbage.gpx", "wrong-magic.fit"):
        kind, reason = _skipped(exports, name)
        assert kind == "unsupported format" and "not a FIT, GPX or TCX file" in reason, (name, reason)
    assert _skipped(exports, "garbage.tcx.gz")[0] == "unsupported format"


def test_checksum_errors_keep_the_run_with_a_note(imported):
    _, exports = imported
    good = exports["good.fit"].activities.iloc[0]
    for name, note in (("bad-header-crc.fit", "header checksum"), ("bad-file-crc.fit", "checksum")):
        row = _activities(exports, name)
        assert len(row) == 1, name
        assert row["distance_m"].iloc[0] == pytest.approx(good["distance_m"])
        assert row["n_samples"].iloc[0] == good["n_samples"]
        assert note in row["quality_notes"].iloc[0], (name, row["quality_notes"].iloc[0])


def test_a_header_that_lies_about_the_size_loses_only_what_is_really_missing(imported):
    _, exports = imported
    good = exports["good.fit"].activities.iloc[0]
    bigger = _activities(exports, "size-too-big.fit")
    assert len(bigger) == 1 and bigger["n_samples"].iloc[0] == good["n_samples"]
    smaller = _activities(exports, "size-too-small.fit")
    assert len(smaller) == 1 and bool(smaller["partial"].iloc[0])
    assert 0.3 * good["n_samples"] < smaller["n_samples"].iloc[0] < 0.7 * good["n_samples"]


@pytest.mark.parametrize("name, good", [("cut.gpx", "good.gpx"), ("cut.tcx", "good.tcx")])
def test_xml_cut_off_mid_element_keeps_every_whole_point(imported, name, good):
    _, exports = imported
    full = exports[good].activities.iloc[0]
    row = _activities(exports, name)
    assert len(row) == 1
    assert bool(row["partial"].iloc[0]) and "cut off" in row["quality_notes"].iloc[0]
    assert full["n_samples"] - 3 <= row["n_samples"].iloc[0] < full["n_samples"]
    assert row["start_time"].iloc[0] == full["start_time"]


@pytest.mark.parametrize("name, good", [("bad-utf8.gpx", "good.gpx"), ("bad-utf8.tcx", "good.tcx"),
                                        ("bom.gpx", "good.gpx"), ("bom.tcx", "good.tcx")])
def test_invalid_utf8_and_byte_order_marks_cost_nothing(imported, name, good):
    _, exports = imported
    full = exports[good].activities.iloc[0]
    row = _activities(exports, name)
    assert len(row) == 1 and not bool(row["partial"].iloc[0])
    for column in ("start_time", "n_samples", "distance_m", "moving_time_s"):
        assert row[column].iloc[0] == full[column], column


@pytest.mark.parametrize("name, good", [("really-a-gpx.fit", "good.gpx"), ("really-a-fit.gpx", "good.fit"),
                                        ("really-a-tcx.txt", "good.tcx")])
def test_the_format_is_decided_by_content_not_by_name(imported, name, good):
    _, exports = imported
    full = exports[good].activities.iloc[0]
    row = _activities(exports, name)
    assert len(row) == 1
    assert row["source_format"].iloc[0] == full["source_format"]
    assert row["distance_m"].iloc[0] == full["distance_m"] and row["n_samples"].iloc[0] == full["n_samples"]


def _broken_inside(packed: bytes, at: float) -> bytes:
    """gzip data overwritten with zeros for 64 bytes ``at`` (a fraction) of the way in, as a bad sector leaves it."""
    cut = int(len(packed) * at)
    return packed[:cut] + bytes(64) + packed[cut + 64:]


@pytest.mark.parametrize("name, plain", [("run.fit.gz", GOOD_FIT), ("run.tcx.gz", None)])
def test_gzip_data_broken_midway_keeps_the_activity_up_to_the_damage(tmp_path, name, plain):
    data = plain.read_bytes() if plain else gzip.decompress(GOOD_TCX.read_bytes())
    whole = tmp_path / "whole"
    whole.mkdir()
    (whole / name).write_bytes(gzip.compress(data))
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / name).write_bytes(_broken_inside(gzip.compress(data), 0.6))
    full = read_export(whole, cache=False, workers=1).activities.iloc[0]
    export = read_export(damaged, cache=False, workers=1)
    assert export.skipped.empty
    row = export.activities.iloc[0]
    assert bool(row["partial"]) and "the gzip data is broken" in row["quality_notes"]
    assert row["start_time"] == full["start_time"]
    assert 0.3 * full["n_samples"] < row["n_samples"] < 0.8 * full["n_samples"]


def test_gzip_data_broken_before_any_activity_is_still_listed_with_why(tmp_path):
    packed = gzip.compress(GOOD_FIT.read_bytes())
    (tmp_path / "run.fit.gz").write_bytes(packed[:12] + bytes(64) + packed[76:])  # right after the gzip header
    export = read_export(tmp_path, cache=False, workers=1)
    assert export.activities.empty
    assert export.skipped[["kind"]].to_dict("records") == [{"kind": "corrupt"}]
    assert export.skipped["reason"].iloc[0].startswith("broken gzip data (")


def test_gzip_data_broken_where_the_rest_cannot_be_read_says_both(tmp_path):
    # a long description ahead of the track: the damage garbles it, and the document no longer parses
    words = " ".join(f"{i * 7919 % 100003:x}" for i in range(1500))
    document = GOOD_GPX.read_bytes().replace(b"<trk>", f"<metadata><desc>{words}</desc></metadata><trk>".encode(), 1)
    packed = gzip.compress(document)
    (tmp_path / "run.gpx.gz").write_bytes(packed[:2500] + bytes(64) + packed[2564:])
    export = read_export(tmp_path, cache=False, workers=1)
    assert export.activities.empty
    reason = export.skipped["reason"].iloc[0]
    assert reason.startswith("broken gzip data (") and "bytes unpacked before the damage could be read (" in reason
