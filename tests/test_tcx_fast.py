"""The fast TCX reader gives exactly what the walk of the whole tree gives, and leaves the rest to that walk."""

from __future__ import annotations

import pytest

from riskload.importers import tcx, tcxfast
from riskload.importers.xmlsafe import prepare_xml

from .conftest import assert_same_activities, changed, files_of_format, read_both_ways


def read(data: bytes, monkeypatch, fast: bool):
    return read_both_ways(tcx.read_tcx, data, "x.tcx", tcxfast, monkeypatch, fast)


def takes(data: bytes) -> bool:
    return tcxfast.read(prepare_xml(data, "x.tcx"), tcx._POINT_FIELDS) is not None


@pytest.mark.slow
def test_every_corpus_tcx_reads_the_same_with_and_without_the_fast_reader(corpus, monkeypatch):
    files = files_of_format(corpus, "tcx")
    taken = [name for name, data in files.items() if takes(data)]
    assert (len(files), len(taken)) == (28, 26)  # the rest: not a TCX document, a point of another shape
    for data in files.values():
        assert_same_activities(read(data, monkeypatch, True), read(data, monkeypatch, False))


POINT = ("<Trackpoint><Time>2026-01-05T08:00:{s:02d}Z</Time>"
         "<Position><LatitudeDegrees>47.0</LatitudeDegrees><LongitudeDegrees>11.{s:02d}</LongitudeDegrees></Position>"
         "<AltitudeMeters>512.5</AltitudeMeters><DistanceMeters>{d}.0</DistanceMeters>"
         '<HeartRateBpm xsi:type="HeartRateInBeatsPerMinute_t"><Value>{hr}</Value></HeartRateBpm>'
         "<Extensions><ns3:TPX><ns3:Speed>3.1</ns3:Speed><ns3:RunCadence>86</ns3:RunCadence></ns3:TPX>"
         "</Extensions></Trackpoint>\n")


def document(track: str, second_track: str = "") -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">'
            '<Activities><Activity Sport="Running"><Id>2026-01-05T08:00:00Z</Id>'
            '<Lap StartTime="2026-01-05T08:00:00Z"><TotalTimeSeconds>55</TotalTimeSeconds>'
            f"<DistanceMeters>160</DistanceMeters><Track>{track}</Track>{second_track}</Lap>"
            "</Activity></Activities></TrainingCenterDatabase>").encode()


PLAIN = document("".join(POINT.format(s=s, d=3 * s, hr=120 + s) for s in range(0, 60, 5)))


def variant(old: str, new: str) -> bytes:
    return changed(PLAIN, old, new)


@pytest.mark.parametrize("data, fast", [
    (PLAIN, True),
    (variant("</Track>", "</Track><Track/><Track>\n</Track>"), True),  # tracks without points: segments all the same
    (variant("<AltitudeMeters>512.5</AltitudeMeters>", ""), True),  # a point without altitude
    (variant("<AltitudeMeters>512.5</AltitudeMeters>", "<AltitudeMeters></AltitudeMeters>"), True),  # no text
    (variant("<Value>125</Value>", "<Value> 125 </Value>"), True),
    (variant("<Value>125</Value>", "<Value>n/a</Value>"), True),  # not a number: NaN
    (variant("</HeartRateBpm>", "</HeartRateBpm><Cadence>43</Cadence>"), True),  # the extension's cadence is later
    (variant("<ns3:RunCadence>86</ns3:RunCadence>", "<ns3:RunCadence/>"), True),  # ... and has the last word
    (variant("<ns3:Speed>3.1</ns3:Speed>", "<ns3:Speed>3.1</ns3:Speed><ns3:Value>99</ns3:Value>"), True),
    (variant("<Extensions><ns3:TPX>", '<Extensions><TPX xmlns="urn:x">').replace(b"</ns3:TPX>", b"</TPX>", 1), True),
    (variant("<Time>2026-01-05T08:00:05Z", "<Time> "), True),  # a time without text: the point is not kept
    (variant("<ns3:Speed>3.1</ns3:Speed>", "<ns3:Speed>&#51;.1</ns3:Speed>"), False),  # an entity
    (variant("<AltitudeMeters>", "<!-- fix --><AltitudeMeters>"), False),  # a comment inside a track
    (variant("<AltitudeMeters>512.5</AltitudeMeters><DistanceMeters>15.0</DistanceMeters>",
             "<DistanceMeters>15.0</DistanceMeters><AltitudeMeters>512.5</AltitudeMeters>"), False),  # order
    (variant("<Trackpoint><Time>2026-01-05T08:00:05Z</Time>", "<Trackpoint>"), False),  # a point without time
    (variant("<Trackpoint>", '<Trackpoint n="1">'), False),
    (variant("<Track>", '<Track n="1">'), False),  # a track written another way
    (variant("<Value>125</Value>", "<Value>125</Value><Value>126</Value>"), False),
    (variant("</Trackpoint>\n</Track>", ""), False),  # not well-formed: the walk's error, and its repairs
    (variant("<ns3:Speed>", "<undeclared:Speed>"), False),  # an undeclared prefix
])
def test_the_fast_reader_takes_plain_documents_and_reads_them_as_the_tree(data, fast, monkeypatch):
    assert takes(data) is fast
    assert_same_activities(read(data, monkeypatch, True), read(data, monkeypatch, False))


def test_the_fast_reader_gives_each_point_its_values():
    root, tracks = tcxfast.read(PLAIN, tcx._POINT_FIELDS)
    (track,) = tracks
    assert track["timestamp"][:2] == ["2026-01-05T08:00:00Z", "2026-01-05T08:00:05Z"]
    assert list(track["heart_rate_bpm"][:3]) == [120.0, 125.0, 130.0]
    assert list(track["distance_m"][:3]) == [0.0, 15.0, 30.0]
    assert set(track) == {"timestamp", "latitude_deg", "longitude_deg", "altitude_m", "distance_m", "heart_rate_bpm",
                          "speed_m_s", "cadence"}
    assert [t.get(tcxfast.TRACK_NUMBER) for t in root.iter() if t.tag.endswith("}Track")] == ["0"]
