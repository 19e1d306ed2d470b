"""The cache of decoded files and the parallel import: same result, less work."""

from __future__ import annotations

import mmap
import multiprocessing
import os
import pickle
import shutil
import signal
import sys
import time
import zlib
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from riskload import CorruptFileError, RiskloadError, read_export
from riskload.cli import main
from riskload.importers import batch, cache, parse, snapshot
from riskload.importers import export as export_module
from riskload.importers.walk import candidate_files
from riskload.sourcecode import imported_modules

ROOT = Path(__file__).resolve().parent.parent
ATHLETE_A = ROOT / "sample_data" / "athlete-a"
ATHLETE_B = ROOT / "sample_data" / "athlete-b"


def assert_same_export(got, want):
    pd.testing.assert_frame_equal(got.activities, want.activities)
    pd.testing.assert_frame_equal(got.samples, want.samples)
    pd.testing.assert_frame_equal(got.skipped, want.skipped)


@pytest.fixture(scope="module")
def reference():
    """Both sample athletes read the plain way: one process, no cache."""
    return {folder: read_export(folder, cache=False, workers=1) for folder in (ATHLETE_A, ATHLETE_B)}


@pytest.fixture
def copy_of_b(tmp_path) -> Path:
    folder = tmp_path / "export"
    shutil.copytree(ATHLETE_B, folder)
    return folder


@pytest.mark.parametrize("folder", [ATHLETE_A, ATHLETE_B], ids=["strava", "garmin"])
def test_parallel_cold_and_warm_imports_equal_the_plain_one(folder, reference, tmp_path):
    cold = read_export(folder, cache=tmp_path / "c", workers=2)
    warm = read_export(folder, cache=tmp_path / "c", workers=2)
    assert_same_export(cold, reference[folder])
    assert_same_export(warm, reference[folder])
    files = len(candidate_files(folder))
    assert (cold.stats.files, cold.stats.from_cache, cold.stats.decoded, cold.stats.workers) == (files, 0, files, 2)
    assert (warm.stats.files, warm.stats.from_cache, warm.stats.decoded) == (files, files, 0)
    # athlete-a: 181 files (a damaged one and a duplicate skipped), athlete-b: 68
    assert files == {ATHLETE_A: 181, ATHLETE_B: 68}[folder]


def test_an_unchanged_file_is_never_read_again(copy_of_b, tmp_path, monkeypatch):
    read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    calls = []
    real = batch.decode_file
    monkeypatch.setattr(batch, "decode_file", lambda *a: calls.append(a[1]) or real(*a))
    warm = read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    assert calls == []
    assert len(warm.activities) == 72


def test_a_touched_file_is_hashed_but_not_decoded(copy_of_b, tmp_path, monkeypatch):
    read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    touched = copy_of_b / "21400000037_ACTIVITY.fit"
    os.utime(touched, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
    decoded = []
    real = parse.parse_bytes
    monkeypatch.setattr(parse, "parse_bytes", lambda data, path: decoded.append(path) or real(data, path))
    warm = read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    assert decoded == []
    assert (warm.stats.from_cache, warm.stats.decoded) == (68, 0)


def test_a_changed_file_is_read_again_even_with_its_old_size_and_time(copy_of_b, tmp_path):
    first = read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    victim, donor = copy_of_b / "21400000037_ACTIVITY.fit", ATHLETE_A / "activities" / "17000003000.gpx"
    before = victim.stat()
    # the same number of bytes, a different activity, the old modification time
    content = donor.read_bytes()[: before.st_size].ljust(before.st_size, b" ")
    victim.write_bytes(content)
    os.utime(victim, ns=(before.st_atime_ns, before.st_mtime_ns))
    again = read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    fresh = read_export(copy_of_b, cache=False, workers=1)
    assert_same_export(again, fresh)
    assert again.stats.decoded == 1
    old_ids = set(first.activities.loc[first.activities["source_path"] == victim.name, "activity_id"])
    assert old_ids and not old_ids & set(again.activities["activity_id"])


def test_a_replaced_and_an_added_file_are_decoded_the_rest_is_not(copy_of_b, tmp_path):
    read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    replaced = copy_of_b / "21400000074_ACTIVITY.fit"
    shutil.copy(ATHLETE_A / "activities" / "17000003000.gpx", copy_of_b / "swap.tmp")
    os.replace(copy_of_b / "swap.tmp", replaced)
    shutil.copy(ATHLETE_A / "activities" / "17000001000.fit.gz", copy_of_b / "new.fit.gz")
    again = read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    assert (again.stats.files, again.stats.from_cache, again.stats.decoded) == (69, 67, 2)
    assert_same_export(again, read_export(copy_of_b, cache=False, workers=1))


def test_a_renamed_file_is_found_by_its_content(copy_of_b, tmp_path):
    read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    (copy_of_b / "21400000111_ACTIVITY.fit").rename(copy_of_b / "renamed.fit")
    again = read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    assert (again.stats.from_cache, again.stats.decoded) == (68, 0)
    assert "renamed.fit" in set(again.activities["source_path"])
    assert_same_export(again, read_export(copy_of_b, cache=False, workers=1))


def test_a_cache_of_other_code_is_not_trusted_and_is_removed(copy_of_b, tmp_path, monkeypatch):
    read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    old = tmp_path / "c" / cache.generation()
    assert old.is_dir()
    monkeypatch.setattr(cache, "generation", lambda: "0123456789abcdef")
    again = read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    assert (again.stats.from_cache, again.stats.decoded) == (0, 68)
    assert not old.exists()
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == ["0123456789abcdef", "CACHEDIR.TAG"]


def test_an_entry_claiming_another_generation_or_content_is_refused(copy_of_b, tmp_path, monkeypatch):
    store = cache.ActivityCache(tmp_path / "c")
    store.prepare(copy_of_b)
    data = (copy_of_b / "21400000037_ACTIVITY.fit").read_bytes()
    digest = cache.file_digest(data)
    outcomes = parse.parse_file("x.fit", data)
    store.store(digest, "x.fit", outcomes)
    assert store.load(digest, "y.fit")[0][0] == "y.fit"
    # the entry of one content filed under another's digest is not believed
    other = "f" * 64
    store._entry_path(other).parent.mkdir(parents=True)
    shutil.copy(store._entry_path(digest), store._entry_path(other))
    assert store.load(other, "x.fit") is None
    # an entry written by other code, in this generation's folder, is not believed either
    monkeypatch.setattr(cache, "generation", lambda: "0123456789abcdef")
    foreign = cache._encode_entry(outcomes, digest, "x.fit")
    monkeypatch.undo()
    store._entry_path(digest).write_bytes(foreign)
    assert store.load(digest, "x.fit") is None


def damaged(blob: bytes, damage: str) -> bytes:
    """``blob`` cut in half, with one bit flipped near its end, replaced by random bytes, or emptied."""
    return {"truncate": blob[: len(blob) // 2],
            "flip": blob[:-9] + bytes([blob[-9] ^ 0x40]) + blob[-8:],
            "garbage": os.urandom(len(blob)),
            "empty": b""}[damage]


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_damaged_entries_and_index_are_rebuilt(damage, copy_of_b, tmp_path):
    read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    generation = tmp_path / "c" / cache.generation()
    entries = sorted((generation / "files").rglob("*.bin"))
    index = next((generation / "folders").glob("*.json"))
    assert len(entries) == 68
    for path in entries + [index]:
        path.write_bytes(damaged(path.read_bytes(), damage))
    again = read_export(copy_of_b, cache=tmp_path / "c", workers=2)
    assert (again.stats.from_cache, again.stats.decoded) == (0, 68)
    assert_same_export(again, read_export(copy_of_b, cache=False, workers=1))
    third = read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    assert (third.stats.from_cache, third.stats.decoded) == (68, 0)


def _import_forever(folder: Path, cache_dir: Path) -> None:
    read_export(folder, cache=cache_dir, workers=1)


def test_a_run_killed_mid_import_leaves_a_cache_the_next_run_uses(copy_of_b, tmp_path):
    cache_dir = tmp_path / "c"
    child = multiprocessing.get_context("spawn").Process(target=_import_forever, args=(copy_of_b, cache_dir))
    child.start()
    deadline = time.monotonic() + 60
    entries = []
    while time.monotonic() < deadline and len(entries) < 10:
        time.sleep(0.01)
        entries = list(cache_dir.rglob("*.bin"))
    os.kill(child.pid, signal.SIGKILL)
    child.join()
    assert 10 <= len(entries) < 68, "the import finished before it could be killed"
    again = read_export(copy_of_b, cache=cache_dir, workers=1)
    assert_same_export(again, read_export(copy_of_b, cache=False, workers=1))
    assert again.stats.from_cache >= 10 and again.stats.from_cache + again.stats.decoded == 68
    leftovers = [p for p in cache_dir.rglob("*") if p.is_file() and p.name.startswith(".")]
    assert len(leftovers) <= 1  # at most the one file being written when killed, never read


def test_the_cache_never_goes_inside_the_export(copy_of_b):
    before = sorted(p.relative_to(copy_of_b) for p in copy_of_b.rglob("*"))
    with pytest.raises(RiskloadError, match="never writes inside the export folder"):
        read_export(copy_of_b, cache=copy_of_b / "cache")
    assert sorted(p.relative_to(copy_of_b) for p in copy_of_b.rglob("*")) == before


def test_an_unwritable_cache_costs_speed_not_data(copy_of_b, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    export = read_export(copy_of_b, cache=blocker / "cache", workers=1)
    assert_same_export(export, read_export(copy_of_b, cache=False, workers=1))
    assert export.stats.cache_problems and "cannot write" in export.stats.cache_problems[0]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG rules are Linux's")
def test_the_default_cache_folder_follows_the_platform_conventions(monkeypatch, tmp_path):
    monkeypatch.delenv(cache.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.default_cache_dir() == tmp_path / "xdg" / "riskload"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache.default_cache_dir() == Path.home() / ".cache" / "riskload"
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "mine"))
    assert cache.default_cache_dir() == tmp_path / "mine"


def test_the_cache_key_holds_the_import_code_and_not_the_rules_or_the_report():
    modules = imported_modules(*cache.IMPORT_MODULES)
    assert {"riskload.importers.fit", "riskload.importers.fitfast", "riskload.importers.gpx",
            "riskload.importers.tcx", "riskload.importers.dedup", "riskload.timeline"} <= set(modules)
    assert not [m for m in modules if m.startswith(("riskload.report", "riskload.rules")) or m == "riskload.load"]
    assert all(path.is_file() for path in modules.values())
    # the week figures' key holds the code that draws them, and the rules they show
    drawing = imported_modules("riskload.report.week", "riskload.report.figures")
    assert {"riskload.report.week", "riskload.report.figures", "riskload.rules.volume"} <= set(drawing)
    assert "riskload.report.html" not in drawing


def test_file_errors_survive_the_trip_from_a_worker_process():
    # Exception pickling rebuilds from args; ours take two, which once broke the pool
    error = pickle.loads(pickle.dumps(CorruptFileError("a.fit", "truncated")))
    assert (type(error), error.path, error.reason, str(error)) == (CorruptFileError, "a.fit", "truncated",
                                                                   "a.fit: truncated")


def test_progress_counts_cached_files_then_each_decoded_one(copy_of_b, tmp_path):
    read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    (copy_of_b / "21400000111_ACTIVITY.fit").write_bytes((ATHLETE_A / "activities" / "17000003000.gpx").read_bytes())
    calls = []
    read_export(copy_of_b, cache=tmp_path / "c", workers=1, progress=lambda *a: calls.append(a))
    assert calls == [(67, 68, "21400000111_ACTIVITY.fit"), (68, 68, "21400000111_ACTIVITY.fit")]
    calls.clear()
    read_export(copy_of_b, cache=False, workers=2, progress=lambda *a: calls.append(a))
    assert [c[0] for c in calls] == list(range(69)) and {c[1] for c in calls} == {68}
    assert sorted(c[2] for c in calls[1:]) == candidate_files(copy_of_b)


def test_cli_cache_options(copy_of_b, tmp_path):
    runner = CliRunner()
    out = tmp_path / "out"
    args = ["analyze", str(copy_of_b), "--out", str(out), "--format", "csv", "-v", "--until", "2026-10-07"]
    first = runner.invoke(main, args + ["--cache-dir", str(tmp_path / "c")])
    second = runner.invoke(main, args + ["--cache-dir", str(tmp_path / "c")])
    off = runner.invoke(main, args + ["--no-cache"])
    assert first.exit_code in (0, 3) and second.exit_code == first.exit_code and off.exit_code == first.exit_code
    cores = batch.available_cores()
    processes = f"({cores} process{'es' if cores > 1 else ''})"
    assert f"68 files: 0 from the cache, 68 decoded {processes}; cache in {tmp_path / 'c'}" in first.output
    assert f"68 files: 68 from the cache, 0 decoded; cache in {tmp_path / 'c'}" in second.output
    assert f"68 files: 0 from the cache, 68 decoded {processes}; no cache" in off.output
    both = runner.invoke(main, args + ["--no-cache", "--cache-dir", str(tmp_path / "c")])
    assert both.exit_code == 2 and "contradict" in both.output
    inside = runner.invoke(main, args + ["--cache-dir", str(copy_of_b / "c")])
    assert inside.exit_code == 1 and "never writes inside the export folder" in inside.output


# -- the snapshot of a whole unchanged folder ------------------------------------------

@pytest.fixture
def copy_of_a(tmp_path) -> Path:
    folder = tmp_path / "export-a"
    shutil.copytree(ATHLETE_A, folder)
    return folder


def _snapshot_state(folder: Path, cache_dir: Path) -> str | None:
    return snapshot.folder_state(cache.ActivityCache(cache_dir), folder, candidate_files(folder))


def test_an_unchanged_folder_is_read_from_its_snapshot_alone(copy_of_a, tmp_path, monkeypatch):
    first = read_export(copy_of_a, cache=tmp_path / "c", workers=1)
    monkeypatch.setattr(cache.ActivityCache, "load", lambda *a: pytest.fail("a file's entry was read"))
    monkeypatch.setattr(export_module, "decode_files", lambda *a, **k: pytest.fail("the files were gone through"))
    calls = []
    warm = read_export(copy_of_a, cache=tmp_path / "c", workers=1, progress=lambda *a: calls.append(a))
    assert_same_export(warm, first)
    assert (warm.stats.files, warm.stats.from_cache, warm.stats.decoded) == (181, 181, 0)
    assert calls == [(181, 181, "")]
    # local time is worked out on reading, so another zone gives what a plain import in that zone gives
    tokyo = read_export(copy_of_a, cache=tmp_path / "c", timezone="Asia/Tokyo")
    monkeypatch.undo()
    plain = read_export(copy_of_a, cache=False, workers=1, timezone="Asia/Tokyo")
    assert_same_export(tokyo, plain)
    assert (tokyo.activities["start_time_local"] != first.activities["start_time_local"]).any()


@pytest.mark.parametrize("change", ["touch", "activities.csv", "remove", "add"])
def test_any_change_to_the_folder_means_a_new_snapshot(change, copy_of_a, tmp_path):
    read_export(copy_of_a, cache=tmp_path / "c", workers=1)
    before = _snapshot_state(copy_of_a, tmp_path / "c")
    target = copy_of_a / "activities" / "17000003000.gpx"
    if change == "touch":
        os.utime(target, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
    elif change == "activities.csv":
        csv = copy_of_a / "activities.csv"
        csv.write_text(csv.read_text().replace("Morning Run", "Renamed Run", 1))
    elif change == "remove":
        target.unlink()
    else:
        shutil.copy(ATHLETE_B / "21400000037_ACTIVITY.fit", copy_of_a / "activities" / "extra.fit")
    # a file's stat no longer matches the index (None), or activities.csv gives another state
    state = _snapshot_state(copy_of_a, tmp_path / "c")
    assert state not in (None, before) if change == "activities.csv" else state is None
    again = read_export(copy_of_a, cache=tmp_path / "c", workers=1)
    assert_same_export(again, read_export(copy_of_a, cache=False, workers=1))
    after = _snapshot_state(copy_of_a, tmp_path / "c")
    assert after is not None and after != before
    assert snapshot.load(cache.ActivityCache(tmp_path / "c"), copy_of_a, after) is not None
    if change == "activities.csv":
        assert "Renamed Run" in set(again.activities["name"])


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_a_damaged_snapshot_is_not_trusted_and_is_written_again(damage, copy_of_b, tmp_path, monkeypatch):
    # windows of the smallest size a mapping allows, so the checksum is summed over many of them
    monkeypatch.setattr(cache, "CRC_WINDOW_BYTES", mmap.ALLOCATIONGRANULARITY)
    first = read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    path = next((tmp_path / "c" / cache.generation() / "folders").glob("*.export"))
    assert path.stat().st_size > 10 * mmap.ALLOCATIONGRANULARITY
    blob = path.read_bytes()
    # replaced whole, as riskload writes its files: the tables of ``first`` still map the old one
    (tmp_path / "damaged").write_bytes(damaged(blob, damage))
    os.replace(tmp_path / "damaged", path)
    again = read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    assert_same_export(again, first)
    assert (again.stats.from_cache, again.stats.decoded) == (68, 0)  # from the files' entries
    assert path.read_bytes() == blob


def test_the_snapshot_checksum_summed_window_by_window_is_the_checksum_of_the_whole(copy_of_b, tmp_path, monkeypatch):
    read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    path = next((tmp_path / "c" / cache.generation() / "folders").glob("*.export"))
    blob = path.read_bytes()
    whole = zlib.crc32(blob[cache._HEAD.size:])
    assert whole == cache._HEAD.unpack_from(blob)[2]
    for window in (mmap.ALLOCATIONGRANULARITY, 3 * mmap.ALLOCATIONGRANULARITY, cache.CRC_WINDOW_BYTES):
        monkeypatch.setattr(cache, "CRC_WINDOW_BYTES", window)
        with open(path, "rb") as file:
            assert cache.file_body_crc(file) == whole


def test_a_snapshot_is_summed_when_a_later_run_reads_it_not_when_read_back_after_writing(copy_of_b, tmp_path,
                                                                                         monkeypatch):
    summed = []
    monkeypatch.setattr(snapshot, "file_body_crc", lambda file, summing=cache.file_body_crc: summed.append(1)
                        or summing(file))
    cold = read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    assert summed == []  # read back with the checksum it was written with
    warm = read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    assert (len(summed), warm.stats.from_cache) == (1, 68)
    assert_same_export(warm, cold)


@pytest.mark.skipif(not Path("/proc/self/maps").is_file(), reason="reads this process's memory map (Linux only)")
def test_a_cold_import_hands_back_the_snapshot_mapped_not_the_tables_it_built(copy_of_b, tmp_path):
    # mapped, a column no step reads never enters memory; the table built from the files would hold them all
    cold = read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    path = os.path.realpath(next((tmp_path / "c" / cache.generation() / "folders").glob("*.export")))
    spans = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            if line.rstrip().endswith(path):
                low, high = (int(x, 16) for x in line.split()[0].split("-"))
                spans.append((low, high))
    for column in ("latitude_deg", "power_w", "distance_m"):
        address = cold.samples[column].to_numpy().__array_interface__["data"][0]
        assert any(low <= address < high for low, high in spans), column
    uncached = read_export(copy_of_b, cache=False, workers=1)
    assert_same_export(cold, uncached)


def test_a_snapshot_that_cannot_be_read_back_is_made_up_from_the_entries(copy_of_b, reference, tmp_path, monkeypatch):
    # the files' arrays are let go once the snapshot is written; if it then cannot be read, nothing is lost
    monkeypatch.setattr(snapshot, "load", lambda *a: None)
    cold = read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    assert (cold.stats.from_cache, cold.stats.decoded) == (0, 68)
    assert_same_export(cold, reference[ATHLETE_B])
    assert next((tmp_path / "c" / cache.generation() / "folders").glob("*.export")).is_file()


def test_strict_mode_still_meets_each_broken_file(copy_of_a, tmp_path):
    read_export(copy_of_a, cache=tmp_path / "c", workers=1)
    with pytest.raises(CorruptFileError):
        read_export(copy_of_a, cache=tmp_path / "c", workers=1, strict=True)


def test_changing_an_import_in_memory_leaves_the_snapshot_as_it_was(copy_of_b, tmp_path):
    read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    warm = read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    expected = warm.samples["heart_rate_bpm"].copy()
    warm.samples.loc[:, "heart_rate_bpm"] = -1.0
    warm.samples["heart_rate_bpm"].to_numpy(copy=False)  # no error: the columns may be written
    again = read_export(copy_of_b, cache=tmp_path / "c", workers=1)
    pd.testing.assert_series_equal(again.samples["heart_rate_bpm"], expected)
