"""The fast FIT path decodes exactly what fitparse decodes, and declines what it does not understand."""

from __future__ import annotations

import struct
from pathlib import Path

import fitparse
import numpy as np
import pandas as pd
import pytest

from riskload.importers import fit, fitfast
from .conftest import files_of_format, part_of

SAMPLE_FIT = Path(__file__).resolve().parent.parent / "sample_data" / "athlete-b" / "21400000037_ACTIVITY.fit"

#: Corpus FIT files the fast path must leave to fitparse, and why.
DECLINED = {
    "fit/FD__garmin-fr935-cr.fit": "chained: seven FIT files back to back",
    "fit/FP__activity-unexpected-eof.fit": "truncated",
    "fit/FP__compressed-speed-distance.fit": "compressed timestamp headers",
    "fit/FP__nick.fit": "file checksum mismatch",
    "fit/FP__null_compressed_speed_dist.fit": "compressed speed and distance in records",
}


def read_with_fitparse_only(data: bytes, monkeypatch) -> list:
    with monkeypatch.context() as patch:
        patch.setattr(fit, "decode_clean", lambda _data: None)
        return fit.read_fit(data, "x.fit")


def assert_same_activities(fast: list, slow: list) -> None:
    assert len(fast) == len(slow)
    for a, b in zip(fast, slow):
        pd.testing.assert_frame_equal(a.samples, b.samples)
        assert ({k: v for k, v in vars(a).items() if k != "samples"}
                == {k: v for k, v in vars(b).items() if k != "samples"})


def assert_decoded_alike(data: bytes, monkeypatch) -> bool:
    """The fast path and fitparse alone give the same activities, or the same error; whether they gave activities."""
    try:
        fast = fit.read_fit(data, "x.fit")
    except Exception as exc:
        with pytest.raises(type(exc), match="."):
            read_with_fitparse_only(data, monkeypatch)
        return False
    assert_same_activities(fast, read_with_fitparse_only(data, monkeypatch))
    return True


def gives_activities(data: bytes) -> bool:
    try:
        return bool(fit.read_fit(data, "x.fit"))
    except Exception:  # noqa: BLE001 - refused: the parts below check fitparse refuses it alike
        return False


def test_the_corpus_holds_89_clean_fit_files_78_of_them_activities(corpus):
    files = files_of_format(corpus, "fit")
    clean = {name: data for name, data in files.items() if fitfast.decode_clean(data) is not None}
    assert (len(files), len(clean)) == (110, 89)
    assert not set(DECLINED) & set(clean)
    assert sum(map(gives_activities, clean.values())) == 78  # the other 11: settings, workouts, courses...


#: The clean corpus files are compared in this many parts of about equal size, so that test workers share the work.
CORPUS_PARTS = 4


@pytest.mark.slow
@pytest.mark.parametrize("part", range(CORPUS_PARTS))
def test_every_clean_corpus_file_decodes_exactly_as_with_fitparse_alone(corpus, part, monkeypatch):
    files = files_of_format(corpus, "fit")
    clean = {name: data for name, data in files.items() if fitfast.decode_clean(data) is not None}
    names = part_of({name: len(data) for name, data in clean.items()}, CORPUS_PARTS, part)
    assert len(names) > 15
    for name in names:
        assert_decoded_alike(clean[name], monkeypatch)


def test_the_parts_take_every_file_once_and_weigh_about_the_same():
    sizes = {f"f{i}": size for i, size in enumerate([3000, 5, 900, 870, 40, 40, 1200, 7, 600, 610, 2, 1])}
    parts = [part_of(sizes, 3, part) for part in range(3)]
    assert sorted(sum(parts, [])) == sorted(sizes)
    totals = [sum(sizes[name] for name in part) for part in parts]
    assert max(totals) == 3000  # the largest file alone makes a part; the rest share the other two


@pytest.mark.parametrize("name", sorted(DECLINED))
def test_files_the_fast_path_does_not_understand_go_to_fitparse(name, corpus):
    assert fitfast.decode_clean((corpus / name).read_bytes()) is None


def test_damage_sends_a_file_to_fitparse_which_keeps_what_it_can():
    data = SAMPLE_FIT.read_bytes()
    assert fitfast.decode_clean(data) is not None
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x01
    truncated = data[: len(data) * 2 // 3]
    chained = data + data
    for damaged in (bytes(flipped), truncated, chained):
        assert fitfast.decode_clean(damaged) is None
    assert "checksum mismatch" in fit.read_fit(bytes(flipped))[0].notes[0]
    assert "ends in the middle of a message" in fit.read_fit(truncated)[0].notes[0]
    assert len(fit.read_fit(chained)) == 1  # the repeated session is read once


def test_a_compressed_timestamp_header_is_left_to_fitparse():
    data = bytearray(SAMPLE_FIT.read_bytes()[:-2])
    # make the first data message after the header a compressed-timestamp one
    body_start = data[0]
    data[body_start] |= 0x80
    data += struct.pack("<H", fitfast.crc16(bytes(data)))
    assert fitfast.decode_clean(bytes(data)) is None


def test_crc16_matches_the_fit_reference_value():
    # CRC-16/ARC check value from the catalogue of parametrised CRC algorithms
    assert fitfast.crc16(b"123456789") == 0xBB3D


def _bitwise_crc16(byte: int, crc: int = 0) -> int:
    for _ in range(8):  # CRC-16/ARC, bit by bit on its reflected polynomial
        crc = (crc >> 1) ^ 0xA001 if (crc ^ byte) & 1 else crc >> 1
        byte >>= 1
    return crc


# every chunk width the fast sum picks (8 to 128 bytes), and lengths that are not whole chunks
@pytest.mark.parametrize("length", [0, 1, 1023, 1024, 1025, 4096, 14_001, 52_000, 300_007, 600_001])
def test_crc16_of_long_data_equals_the_byte_by_byte_sum(length):
    data = np.random.default_rng(length).integers(0, 256, length, dtype=np.uint8).tobytes()
    table = [_bitwise_crc16(byte) for byte in range(256)]
    crc = 0
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    assert fitfast.crc16(data) == fitfast.crc16(memoryview(data)) == crc


def test_records_are_scaled_like_fitparse_scales_them():
    decoded = fitfast.decode_clean(SAMPLE_FIT.read_bytes())
    records = [m.get_values() for m in fitparse.FitFile(str(SAMPLE_FIT)).get_messages("record")]
    assert len(decoded.records["timestamp"]) == len(records) == 419
    for field in ("distance", "speed", "altitude", "heart_rate", "cadence", "fractional_cadence", "position_lat"):
        want = pd.Series([r.get(field) for r in records], dtype="float64", name=field)
        pd.testing.assert_series_equal(pd.Series(decoded.records[field], name=field), want)


def test_a_field_too_short_for_its_type_is_read_as_raw_bytes_on_the_fast_path_too(corpus, monkeypatch):
    data = (corpus / "fit/FP__coros-pace-2-cycling-misaligned-fields.fit").read_bytes()
    decoded = fitfast.decode_clean(data)
    assert decoded is not None and decoded.retyped
    fast = fit.read_fit(data, "x.fit")
    assert fitfast.RETYPED_NOTE in fast[0].notes
    assert_same_activities(fast, read_with_fitparse_only(data, monkeypatch))


def test_a_coros_historys_files_all_take_the_fast_path(histories):
    files = sorted((histories / "xthirty77-coros-fit" / "export").rglob("*.fit"))
    decoded = [fitfast.decode_clean(path.read_bytes()) for path in files]
    assert len(files) == 204 and all(d is not None for d in decoded)
    assert sum(d.retyped for d in decoded) > 50  # the COROS misfit fields, once about 1 s each on the fitparse path


#: Each FIT history is compared in this many parts of about equal size, so that test workers share the work.
HISTORY_PARTS = 8


@pytest.mark.slow
@pytest.mark.parametrize("part", range(HISTORY_PARTS))
@pytest.mark.parametrize("history, count", [("shipengfish-garmin-fit", 969), ("xthirty77-coros-fit", 204)])
def test_every_fit_file_of_a_real_history_decodes_exactly_as_with_fitparse_alone(histories, history, count, part,
                                                                                    monkeypatch):
    files = {path: path.stat().st_size for path in (histories / history / "export").rglob("*.fit")}
    assert len(files) == count
    chosen = part_of(files, HISTORY_PARTS, part)
    compared = sum(assert_decoded_alike(path.read_bytes(), monkeypatch) for path in chosen)
    assert compared == len(chosen) > 0  # every file of a history gives activities


def _fitparse_finds_a_checksum_wrong(data: bytes) -> bool:
    try:
        for _ in fitparse.FitFile(data, check_crc=True).get_messages():
            pass
    except fitparse.utils.FitCRCError:
        return True
    return False


@pytest.mark.parametrize("name, hold", [("fit/FD__garmin-fr935-cr.fit", True), ("fit/FP__activity-filecrc.fit", False),
                                        ("fit/FP__activity-activity-filecrc.fit", False)])
def test_checksums_are_found_right_or_wrong_as_fitparse_finds_them(corpus, name, hold):
    data = (corpus / name).read_bytes()
    assert fitfast.checksums_hold(data) is hold
    assert _fitparse_finds_a_checksum_wrong(data) is not hold


def test_a_file_whose_checksum_is_not_where_its_header_says_is_left_to_fitparse(corpus):
    data = (corpus / "fit/FP__nick.fit").read_bytes()
    assert not fitfast.checksums_hold(data)
    with pytest.raises(fitparse.utils.FitEOFError):
        _fitparse_finds_a_checksum_wrong(data)


def test_what_the_own_checksum_check_leaves_to_fitparse():
    data = SAMPLE_FIT.read_bytes()
    header_size = data[0]
    assert header_size == 14 and fitfast.checksums_hold(data) and fitfast.checksums_hold(data + data)  # chained
    without_header_checksum = data[:12] + b"\x00\x00" + data[14:-2]
    without_header_checksum += fitfast.crc16(without_header_checksum).to_bytes(2, "little")
    assert fitfast.checksums_hold(without_header_checksum)  # a header checksum of 0 means none, as for fitparse
    assert not _fitparse_finds_a_checksum_wrong(without_header_checksum)
    damaged = data[:40] + bytes([data[40] ^ 1]) + data[41:]
    for wrong in (damaged, data[:12] + bytes([data[12] ^ 1]) + data[13:], data[:-1], data + b"\x00", data + data[:20]):
        assert not fitfast.checksums_hold(wrong)
    assert _fitparse_finds_a_checksum_wrong(damaged)
