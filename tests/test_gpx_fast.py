"""The fast GPX reader gives exactly what gpxpy gives, and leaves the rest to gpxpy."""

from __future__ import annotations

import pandas as pd
import pytest

from riskload.importers import gpx, gpxfast
from riskload.importers.xmlsafe import prepare_xml

from .conftest import assert_same_activities, changed, files_of_format, read_both_ways


def read(data: bytes, monkeypatch, fast: bool):
    return read_both_ways(gpx.read_gpx, data, "x.gpx", gpxfast, monkeypatch, fast)


def takes(data: bytes) -> bool:
    return gpxfast.read(gpx.mark_unplaced_points(prepare_xml(data, "x.gpx"))[0]) is not None


@pytest.mark.slow
def test_every_corpus_gpx_reads_the_same_with_and_without_the_fast_walk(corpus, monkeypatch):
    files = files_of_format(corpus, "gpx")
    taken = [name for name, data in files.items() if takes(data)]
    assert (len(files), len(taken)) == (40, 29)  # the rest: GPX 1.0, no version, broken XML, odd values
    for name, data in files.items():
        assert_same_activities(read(data, monkeypatch, True), read(data, monkeypatch, False))


@pytest.mark.slow
def test_a_garmin_gpx_history_takes_the_fast_walk_and_reads_the_same(histories, monkeypatch):
    files = files_of_format(histories / "ericzzz-garmin-gpx" / "export", "gpx")
    assert len(files) == 230 and all(takes(data) for data in files.values())
    for data in files.values():
        assert_same_activities(read(data, monkeypatch, True), read(data, monkeypatch, False))


POINT = ('<trkpt lat="47.0" lon="11.0"><ele>512.5</ele><time>2026-01-05T08:00:{s:02d}Z</time>'
         '<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{hr}</gpxtpx:hr></gpxtpx:TrackPointExtension>'
         '</extensions></trkpt>')


def document(points: str, version: str = "1.1") -> bytes:
    return (f'<gpx version="{version}" creator="test" xmlns="http://www.topografix.com/GPX/1/1" '
            'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
            f'<trk><name>Easy</name><type>running</type><trkseg>{points}</trkseg></trk></gpx>').encode()


PLAIN = document("".join(POINT.format(s=s, hr=120 + s) for s in range(0, 60, 5)))


def variant(old: str, new: str) -> bytes:
    return changed(PLAIN, old, new)


@pytest.mark.parametrize("data, fast", [
    (PLAIN, True),
    (variant('lat="47.0" lon="11.0"', 'lon="11.0" lat="47.0"'), True),  # either attribute order
    (variant("08:00:05Z", "16:00:05+08:00"), True),  # an offset
    (variant("08:00:05Z", "08:00:05.1234567Z"), True),  # gpxpy keeps microseconds
    (variant("08:00:05Z", "08:00:05"), True),  # no zone: UTC, with a note
    (variant("<gpxtpx:hr>125</gpxtpx:hr>", "<gpxtpx:hr></gpxtpx:hr><gpxtpx:hr>99</gpxtpx:hr>"), True),  # first text
    (variant("<gpxtpx:hr>125</gpxtpx:hr>", "<gpxtpx:HeartRate> 125 </gpxtpx:HeartRate>"), True),  # any case
    (variant("<ele>512.5</ele>", "<ele></ele>"), True),  # an empty elevation is none
    (variant("</time>", "</time><sat>7</sat><hdop>1.2</hdop>"), True),  # other simple values
    (variant('lon="11.0">', 'lon="11.0"/><trkpt lat="47.0" lon="11.0">'), True),  # a point with nothing in it
    (variant("08:00:05Z", "yesterday"), False),  # gpxpy's own parser: no time
    (variant("08:00:05Z", "2026-02-30T08:00:05Z"), False),  # a day that does not exist
    (variant("<ele>512.5</ele>", "<ele>&#53;12.5</ele>"), False),  # an entity: ElementTree decodes it
    (variant("<ele>512.5</ele>", "<!-- fix --><ele>512.5</ele>"), False),  # a comment inside a point
    (variant("<ele>512.5</ele>", "<ele>5,5</ele>"), False),  # gpxpy refuses the file
    (variant('lat="47.0"', "lat='47.0'"), False),  # single quotes
    (variant("<trkseg>", "<trkseg><extensions><trkpt/></extensions>"), False),  # not a point of the segment
    (variant("</gpx>", ""), False),  # not well-formed: gpxpy's error, and the repairs
    (variant("<gpxtpx:hr>", "<undeclared:hr>"), False),  # an undeclared prefix
    (document(POINT.format(s=0, hr=120), version="1.0"), False),  # gpxpy reads 1.0 with another field list
])
def test_the_fast_reader_takes_plain_documents_and_reads_them_as_gpxpy(data, fast, monkeypatch):
    assert (gpxfast.read(data) is not None) is fast
    assert_same_activities(read(data, monkeypatch, True), read(data, monkeypatch, False))


GARMIN = (b"\n  <ns3:TrackPointExtension>\n    <ns3:hr>{hr}</ns3:hr>\n    <ns3:cad>{cad}</ns3:cad>\n"
          b"  </ns3:TrackPointExtension>\n")


def garmin(n: int = 4, **changes) -> list[bytes]:
    blocks = [GARMIN.replace(b"{hr}", b"%d" % (140 + i)).replace(b"{cad}", b"%d" % (80 + i)) for i in range(n)]
    for i, block in changes.items():
        blocks[int(i[1:])] = block
    return blocks


@pytest.mark.parametrize("blocks, alike", [
    (garmin(), True),
    ([b'<hr unit="bpm">150</hr><Cadence>88</Cadence>', b'<hr unit="bpm"> 151 </hr><Cadence></Cadence>'], True),
    ([b"<x:hr/><X:HR>150</X:HR>", b"<x:hr/><X:HR>151</X:HR>"], True),  # the first element with text
    ([b"<hr><v>1</v></hr><cad>80</cad>", b"<hr><v>1</v></hr><cad>81</cad>"], True),  # no text of its own
    (garmin(b1=GARMIN.replace(b"<ns3:cad>{cad}</ns3:cad>", b"")), False),  # a point without cadence
    (garmin(b2=b""), False),  # a point without extensions
    (garmin(b0=b"<heartrate>150</heartrate><ns3:hr>150</ns3:hr>"), False),  # two for one column: the first wins
    ([b"<hr></hr><hr>150</hr>", b"<hr>151</hr><hr></hr>"], False),
    ([b"<a:b:hr>150</a:b:hr><cad>80</cad>", b"<a:b:hr>151</a:b:hr><cad>81</cad>"], False),  # a tag of another shape
])
def test_blocks_written_alike_are_read_with_one_pattern_as_each_column_reads_them(blocks, alike, monkeypatch):
    def filled(columns):
        return {column: list(values) for column, values in columns.items() if any(values)}

    pattern = gpxfast._same_as(blocks[0])
    assert (pattern is not None and len(pattern[0].findall(b"\x00" + b"\x00".join(blocks) + b"\x00")) == len(blocks)
            ) is alike
    fast = filled(gpxfast._extension_columns(blocks))
    monkeypatch.setattr(gpxfast, "_same_as", lambda block: None)
    assert fast == filled(gpxfast._extension_columns(blocks))
    assert fast  # every case has a value to read


@pytest.mark.parametrize("points, unplaced, added", [
    ('<trkpt lat="1" lon="2"/><trkpt lon="2" lat="1"></trkpt>', 0, 0),
    ('<trkpt lat="1" lon="2"></trkpt><trkpt lat="1"></trkpt>', 1, 1),  # no lon
    ("<trkpt lat='1' lon='2'></trkpt><trkpt></trkpt>", 1, 2),  # other quotes, then no position
    ('<g:trkpt lat="1" lon="2"></g:trkpt><g:trkpt lon="2"/>', 1, 1),  # with a prefix
    ('<trkpt lat="1" lon="2"><name>trkpt</name></trkpt><trkpt\nlat="1"\nlon="2"/>', 0, 0),  # the word in a text
])
def test_points_without_a_position_are_found_however_the_tags_are_written(points, unplaced, added):
    marked, count = gpx.mark_unplaced_points(f"<gpx><trk><trkseg>{points}</trkseg></trk></gpx>".encode())
    assert (count, marked.count(b'="nan"')) == (unplaced, added)


@pytest.mark.parametrize("texts, alike", [
    ([b"2026-01-05T08:00:00.000Z", b"2026-01-05T08:00:01.500Z"], True),
    ([b"2026-01-05T08:00:00Z", b"2026-01-05T08:00:01Z"], True),
    ([b"2026-01-05T08:00:00.123456Z", b"2026-01-05T08:00:01.654321Z"], True),
    ([b"2026-01-05T08:00:00.1234567Z", b"2026-01-05T08:00:01.7654321Z"], False),  # beyond microseconds
    ([b"2026-01-05T08:00:00Z", b"2026-01-05T08:00:01.5Z"], False),  # two lengths
    ([b"2026-01-05T08:00:00+01:00", b"2026-01-05T08:00:01+01:00"], False),  # an offset
    ([b"2026-01-05T08:00:00Z", b""], False),  # a point without a time
    ([b"2026-01-05T08:00:00", b"2026-01-05T08:00:01"], False),  # no zone
])
def test_times_read_as_one_array_equal_them_read_one_by_one(texts, alike, monkeypatch):
    given = b"".join(text + b"\n" for text in texts if text)
    assert (gpxfast._alike_utc_times(given, texts) is not None) == alike
    fast = gpxfast._times(texts)
    monkeypatch.setattr(gpxfast, "_alike_utc_times", lambda *args: None)
    pd.testing.assert_series_equal(fast[0], gpxfast._times(texts)[0])
    assert fast[1] == gpxfast._times(texts)[1]


def test_a_date_that_does_not_exist_is_left_to_gpxpy():
    texts = [b"2026-02-30T08:00:00Z", b"2026-02-30T08:00:01Z"]
    assert gpxfast._alike_utc_times(b"".join(t + b"\n" for t in texts), texts) is None
    with pytest.raises(gpxfast.Declined):
        gpxfast._times(texts)
