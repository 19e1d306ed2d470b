"""The fast GPX walk gives exactly what gpxpy gives, and leaves the rest to gpxpy."""

from __future__ import annotations

import pandas as pd
import pytest

from riskload.importers import gpx, gpxfast
from riskload.importers.xmlsafe import prepare_xml

from .conftest import files_of_format


def read(data: bytes, monkeypatch, fast: bool):
    """``read_gpx``'s activities, or the error it raised, with or without the fast walk."""
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(gpxfast, "parse", lambda _xml: None)
        try:
            return gpx.read_gpx(data, "x.gpx")
        except Exception as exc:  # the same error, or none, either way
            return type(exc), str(exc)


def assert_same(fast, slow) -> None:
    if isinstance(slow, tuple):
        assert fast == slow
        return
    assert len(fast) == len(slow)
    for a, b in zip(fast, slow):
        pd.testing.assert_frame_equal(a.samples, b.samples)
        assert {k: v for k, v in vars(a).items() if k != "samples"} == {k: v for k, v in vars(b).items() if k != "samples"}


def takes(data: bytes) -> bool:
    return gpxfast.parse(gpx.mark_unplaced_points(prepare_xml(data, "x.gpx"))[0]) is not None


@pytest.mark.slow
def test_every_corpus_gpx_reads_the_same_with_and_without_the_fast_walk(corpus, monkeypatch):
    files = files_of_format(corpus, "gpx")
    taken = [name for name, data in files.items() if takes(data)]
    assert (len(files), len(taken)) == (40, 29)  # the rest: GPX 1.0, no version, broken XML, odd values
    for name, data in files.items():
        assert_same(read(data, monkeypatch, True), read(data, monkeypatch, False))


@pytest.mark.slow
def test_a_garmin_gpx_history_takes_the_fast_walk_and_reads_the_same(histories, monkeypatch):
    files = files_of_format(histories / "ericzzz-garmin-gpx" / "export", "gpx")
    assert len(files) == 230 and all(takes(data) for data in files.values())
    for data in list(files.values())[::10]:
        assert_same(read(data, monkeypatch, True), read(data, monkeypatch, False))


def test_documents_gpxpy_reads_another_way_are_left_to_it():
    track = '<trk><trkseg><trkpt lat="47.0" lon="11.0"><time>2026-01-05T08:00:00Z</time></trkpt></trkseg></trk>'
    plain = f'<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">{track}</gpx>'.encode()
    document = gpxfast.parse(plain)
    assert document is not None and document.tracks[0].segments[0].points[0].latitude == 47.0
    assert gpxfast.parse(plain.replace(b'version="1.1"', b'version="1.0"')) is None  # another field list
    assert gpxfast.parse(plain.replace(b'lat="47.0"', b'lat="47,0"')) is None  # gpxpy refuses the file
    assert gpxfast.parse(plain.replace(b"</gpx>", b"")) is None  # not well-formed: gpxpy's error, and repairs
    odd_time = gpxfast.parse(plain.replace(b"2026-01-05T08:00:00Z", b"yesterday"))
    assert odd_time.tracks[0].segments[0].points[0].time is None  # as gpxpy: a time it cannot read is no time
