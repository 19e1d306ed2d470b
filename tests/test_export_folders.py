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


def test_a_file_whose_activities_are_all_in_another_names_that_file_once(corpus, tmp_path):
    # a triathlon's five legs, written twice by the watch: once with the summary first, once last
    for name in ("MK__triathlon_summary_first.fit", "MK__triathlon_summary_last.fit"):
        (tmp_path / name).write_bytes((corpus / "fit" / name).read_bytes())
    export = read_export(tmp_path, cache=False)
    ids = export.activities["activity_id"].tolist()
    assert len(ids) == 5 and set(export.activities["source_path"]) == {"MK__triathlon_summary_first.fit"}
    assert export.skipped.set_index("path")["reason"].to_dict() == {
        "MK__triathlon_summary_last.fit": "its 5 activities are already in MK__triathlon_summary_first.fit "
                                          f"(ids {', '.join(ids)}), which is kept"}
