"""Shared fixtures: the real-device corpus beside the checkout, and its manifest."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


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


def manifest_rows() -> list[dict]:
    found = corpus_dir()
    if found is None:
        return []
    with open(found / "MANIFEST.tsv", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.fixture(scope="session")
def sample_export() -> Path:
    return ROOT / "sample_data" / "athlete-a"
