"""Thousands of tiny files: every one is accounted for, in bounded time and memory.

A coach's shared folder can hold thousands of small files: short GPX
recordings, empty files, notes. The import must list each, not stop, and
the cache must make the second run cheap.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from riskload import read_export

RUNS, EMPTY, NOTES = 1500, 800, 700


def _tiny_gpx(i: int) -> bytes:
    start = datetime(2025, 1, 1, 6, tzinfo=timezone.utc) + timedelta(hours=7 * i)
    points = "".join(f'<trkpt lat="{47 + k * 0.0003:.4f}" lon="11.0">'
                     f"<time>{start + timedelta(seconds=10 * k):%Y-%m-%dT%H:%M:%SZ}</time></trkpt>" for k in range(6))
    return (f'<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">'
            f"<trk><type>running</type><trkseg>{points}</trkseg></trk></gpx>").encode()


def test_thousands_of_tiny_files_are_each_accounted_for(tmp_path):
    folder = tmp_path / "shared"
    for i in range(RUNS):
        (folder / f"runs/{i // 500}").mkdir(parents=True, exist_ok=True)
        (folder / f"runs/{i // 500}/{i:05d}.gpx").write_bytes(_tiny_gpx(i))
    for i in range(EMPTY):
        (folder / f"empty-{i:04d}.fit").write_bytes(b"")
    for i in range(NOTES):
        (folder / f"note-{i:04d}.txt").write_text(f"note {i}")
    calls = []
    first = read_export(folder, cache=tmp_path / "cache", workers=2, progress=lambda *a: calls.append(a))
    assert len(first.activities) == RUNS
    assert (first.activities["distance_m"] > 150).all() and (first.activities["elapsed_time_s"] == 50).all()
    kinds = first.skipped["kind"].value_counts().to_dict()
    assert kinds == {"no activity data": EMPTY, "unsupported format": NOTES}
    assert first.stats.files == RUNS + EMPTY + NOTES and calls[-1][:2] == (first.stats.files, first.stats.files)
    second = read_export(folder, cache=tmp_path / "cache", workers=2)
    assert (second.stats.from_cache, second.stats.decoded) == (first.stats.files, 0)
    assert second.activities.equals(first.activities) and second.skipped.equals(first.skipped)
