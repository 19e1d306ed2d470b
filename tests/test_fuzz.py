"""Fuzzing: real device files, mutated, must give activities or riskload's own errors.

Each importer gets corpus files with random damage: bytes flipped, spans
deleted, duplicated or filled with noise, the tail cut. Whatever comes out,
the only exception allowed is an :class:`~riskload.errors.ActivityFileError`
(the reason a file is listed as skipped), and every activity that does come
out has a start, a non-negative duration and distance.

The normal suite replays the same 40 mutations per format every run; set
``RISKLOAD_FUZZ_EXAMPLES`` for a longer run with fresh ones, e.g.
``RISKLOAD_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import math
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskload.errors import ActivityFileError
from riskload.importers.parse import parse_file
from riskload.importers.parse import parse_bytes
from riskload.importers.walk import expand

EXAMPLES = int(os.environ.get("RISKLOAD_FUZZ_EXAMPLES", "40"))
#: The normal suite replays the same examples every run; a longer run asked for explores afresh.
REPLAY = "RISKLOAD_FUZZ_EXAMPLES" not in os.environ

#: Small corpus files of each kind the importers read.
SEEDS = {
    "fit": ["fit/FP__2013-02-06-12-11-14.fit", "fit/FP__activity-activity-filecrc.fit",
            "fit/FP__compressed-speed-distance.fit"],
    "gpx": ["gpx/TG__zero_elevation.gpx", "gpx/GP__track-with-empty-segment.gpx", "gpx/GP__unicode_with_bom.gpx"],
    "tcx": ["tcx/TR__sup_activity_1.tcx"],
    "gzip": ["gpx/LOCALGZ__5039744860.gpx.gz", "fit/GC__14582164182.fit.gz"],
    "zip": ["other/FT__gpx_test.zip", "other/GC__TacxNeo.fit.zip"],
}

#: One mutation: what to do, where (a fraction of the length), how long, with which byte.
mutation = st.tuples(st.sampled_from(["flip", "delete", "duplicate", "noise", "cut"]),
                     st.floats(0, 1), st.integers(1, 64), st.integers(0, 255))


def mutate(data: bytes, steps) -> bytes:
    """``data`` with each mutation of ``steps`` applied in turn."""
    out = bytearray(data)
    for kind, where, length, value in steps:
        at = min(int(where * len(out)), max(len(out) - 1, 0))
        if kind == "flip" and out:
            out[at] ^= value or 1
        elif kind == "delete":
            del out[at:at + length]
        elif kind == "duplicate":
            out[at:at] = out[at:at + length]
        elif kind == "noise":
            out[at:at + length] = bytes((value * (i + 7)) % 256 for i in range(length))
        elif kind == "cut":
            del out[at:]
    return bytes(out)


def check_outcome(name: str, data: bytes) -> None:
    """Import ``data`` as the file ``name``; fail on anything but activities or an ActivityFileError."""
    for source in expand(name, data):
        if source.error is not None:
            assert isinstance(source.error, ActivityFileError)
            continue
        try:
            activities = parse_bytes(source.data, source.path)
        except ActivityFileError:
            continue
        for activity in activities:
            row = activity.row
            assert row["start_time"] is not None and row["start_time"] == row["start_time"]
            for column in ("elapsed_time_s", "moving_time_s", "distance_m"):
                value = row.get(column)
                assert value is None or math.isnan(value) or value >= 0, (column, value)


@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_mutated_files_give_activities_or_riskloads_own_errors(kind, corpus):
    seeds = [(path, (corpus / path).read_bytes()) for path in SEEDS[kind]]
    for path, data in seeds:  # the seeds themselves are read
        check_outcome(path, data)

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=REPLAY,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.sampled_from(seeds), st.lists(mutation, min_size=1, max_size=6))
    def fuzz(seed, steps):
        path, data = seed
        check_outcome(path, mutate(data, steps))

    fuzz()


def test_an_unexpected_decoder_failure_skips_that_file_only(monkeypatch):
    # defence in depth: a bug in a decoder costs one file, named with the reason, not the import
    from riskload.importers import parse

    def broken(data, path):
        if path == "b.fit":
            raise KeyError("some field")
        return []

    monkeypatch.setattr(parse, "parse_bytes", broken)
    outcomes = [outcome for name in ("a.fit", "b.fit", "c.fit") for outcome in parse_file(name, b"x")]
    assert [path for path, _ in outcomes] == ["a.fit", "b.fit", "c.fit"]
    error = outcomes[1][1]
    assert isinstance(error, ActivityFileError)
    assert "riskload could not decode it (KeyError: 'some field')" in str(error)
    assert outcomes[0][1] == [] and outcomes[2][1] == []


def test_a_zip_member_with_broken_compressed_data_costs_that_member_only(corpus):
    # found by the fuzzer: zlib.error escaped from reading the member and stopped the whole import
    data = bytearray((corpus / "other/FT__gpx_test.zip").read_bytes())
    first = data.index(b"test_1.gpx") + len(b"test_1.gpx")
    data[first + 40] ^= 0xFF  # inside the member's deflate stream
    outcomes = parse_file("export.zip", bytes(data))
    by_member = {path.split("!")[-1]: outcome for path, outcome in outcomes}
    assert isinstance(by_member["test_1.gpx"], ActivityFileError)
    assert "unreadable archive member" in by_member["test_1.gpx"].reason
    assert all(len(by_member[name]) == 1 for name in ("test_2.gpx", "test_3.gpx"))


def test_a_cut_file_declaring_an_unknown_encoding_is_repaired_or_refused_clearly(corpus):
    # found by the long fuzz run: expat raised LookupError for "uuf-8", which stopped the import
    def mangled(name):
        data = (corpus / name).read_bytes().replace(b"UTF-8", b"utf-8").replace(b"utf-8", b"uuf-8", 1)
        return data[: int(len(data) * 0.75)]

    # GPX is read as UTF-8 text whatever it declares: the cut is repaired
    activities = parse_bytes(mangled("gpx/GP__track-with-empty-segment.gpx"), "a.gpx")
    assert len(activities) == 1 and activities[0].row["partial"]
    assert "cut off" in activities[0].row["quality_notes"]
    # TCX goes by its declaration: refused, naming it
    with pytest.raises(ActivityFileError, match="unknown encoding: uuf-8"):
        parse_bytes(mangled("tcx/TR__sup_activity_1.tcx"), "a.tcx")


def test_a_zip_claiming_a_version_python_cannot_read_is_refused_clearly(corpus):
    # found by the long fuzz run: zipfile raised NotImplementedError ("zip file version 6.4") on opening
    data = mutate((corpus / "other/FT__gpx_test.zip").read_bytes(), [("noise", 0.9411342162540208, 2, 8)])
    outcomes = parse_file("export.zip", data)
    assert len(outcomes) == 1 and isinstance(outcomes[0][1], ActivityFileError)
    assert "zip file version" in outcomes[0][1].reason
