"""Shared fixtures: the real-device corpus beside the checkout, and its manifest."""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path

import pandas as pd
import pytest

from riskload.importers.parse import gunzip, sniff

ROOT = Path(__file__).resolve().parent.parent

# A plain install of riskload keeps pandas' text in Python objects. The test extras bring pyarrow (for the Parquet
# test), with which pandas would keep it in Arrow arrays; the suite runs as a plain install does, and the tests of
# what once differed between the two set the storage themselves.
pd.set_option("mode.string_storage", "python")


def files_of_format(folder: Path, kind: str) -> dict[str, bytes]:
    """The bytes of every file under ``folder`` whose content is ``kind`` ("fit", "gpx"...), gzip unpacked, by path."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name in ("MANIFEST.tsv", "README.md"):
            continue
        data = path.read_bytes()
        if sniff(data) == "gzip":
            data = gunzip(data, path.name)
        if sniff(data) == kind:
            found[path.relative_to(folder).as_posix()] = data
    return found


def read_both_ways(read, data: bytes, name: str, module, monkeypatch, fast: bool):
    """``read(data, name)``'s activities, or the error it raised, with ``module.read`` (a fast reader that
    returns None to decline) as it is or made to decline every document."""
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(module, "read", lambda *_args: None)
        try:
            return read(data, name)
        except Exception as exc:  # the same error, or none, either way
            return type(exc), str(exc)


def assert_same_activities(fast, slow) -> None:
    """Two results of :func:`read_both_ways` are equal: the same error, or the same activities and samples."""
    if isinstance(slow, tuple):
        assert fast == slow
        return
    assert len(fast) == len(slow)
    for a, b in zip(fast, slow):
        pd.testing.assert_frame_equal(a.samples, b.samples)
        assert _besides_samples(a) == _besides_samples(b)


def _besides_samples(activity) -> dict:
    return {k: v for k, v in vars(activity).items() if k != "samples"}


def changed(document: bytes, old: str, new: str) -> bytes:
    """``document`` with the first ``old`` replaced by ``new`` (which must be there)."""
    result = document.replace(old.encode(), new.encode(), 1)
    assert result != document
    return result


def part_of(sizes: dict, parts: int, part: int) -> list:
    """The names of part ``part`` of ``parts`` about equally large ones: the largest first, each into the part
    that is smallest so far. Tests that share out slow work this way take about equally long."""
    chosen: list[list] = [[] for _ in range(parts)]
    totals = [0] * parts
    for name in sorted(sizes, key=lambda n: (-sizes[n], n)):
        smallest = totals.index(min(totals))
        chosen[smallest].append(name)
        totals[smallest] += sizes[name]
    return sorted(chosen[part])


def corpus_dir() -> Path | None:
    """The corpus folder: ``$RISKLOAD_CORPUS``, else ``../shared/corpus``."""
    candidates = [os.environ.get("RISKLOAD_CORPUS"), ROOT.parent / "shared" / "corpus"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "MANIFEST.tsv").is_file():
            return Path(candidate)
    return None


@pytest.fixture(scope="session")
def corpus() -> Path:
    found = corpus_dir()
    if found is None:
        pytest.skip("the real-file corpus (../shared/corpus or $RISKLOAD_CORPUS) is not on this machine")
    return found


@pytest.fixture(scope="session")
def histories() -> Path:
    """Real runners' multi-year exports: ``$RISKLOAD_HISTORIES``, else ``../shared/histories``."""
    for candidate in (os.environ.get("RISKLOAD_HISTORIES"), ROOT.parent / "shared" / "histories"):
        if candidate and (Path(candidate) / "README.md").is_file():
            return Path(candidate)
    pytest.skip("the real histories (../shared/histories or $RISKLOAD_HISTORIES) are not on this machine")


def manifest_rows() -> list[dict]:
    found = corpus_dir()
    if found is None:
        return []
    with open(found / "MANIFEST.tsv", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.fixture(scope="session")
def sample_export() -> Path:
    return ROOT / "sample_data" / "athlete-a"


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory) -> Path:
    """Every test run gets its own activity cache, so none reads or fills the user's."""
    folder = tmp_path_factory.mktemp("cache")
    previous = os.environ.get("RISKLOAD_CACHE_DIR")
    os.environ["RISKLOAD_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("RISKLOAD_CACHE_DIR", None)
    else:
        os.environ["RISKLOAD_CACHE_DIR"] = previous


@pytest.fixture
def computer_zone(monkeypatch):
    """Sets this computer's time zone for one test, as ``computer_zone("America/New_York")``: the zone riskload
    falls back on for files without a UTC offset."""
    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()
