"""Whole folders: the corpus as one export, and the bundled sample."""

from __future__ import annotations

import pandas as pd
import pytest

from riskload import read_export


@pytest.mark.slow
def test_whole_corpus_as_one_folder(corpus):
    export = read_export(corpus)
    acts, skipped = export.activities, export.skipped
    assert acts["activity_id"].is_unique
    assert skipped["path"].is_unique
    assert set(skipped["kind"]) <= {"duplicate", "not an activity", "no activity data", "corrupt", "unsupported format"}
    # the same ride as FIT, two GPX and a TCX (plus a gzip copy) is counted once
    same_ride = acts[acts["start_time"] == pd.Timestamp("2020-04-18 11:10:44", tz="UTC")]
    assert same_ride["source_path"].tolist() == ["fit/LOCALGZ__4801048867.fit.gz"] or same_ride[
        "source_format"
    ].tolist() == ["fit"]
    assert (skipped["kind"] == "duplicate").sum() >= 10
    assert set(export.samples["activity_id"]) <= set(acts["activity_id"])
    assert len(acts) + (skipped["kind"] != "duplicate").sum() > 150
