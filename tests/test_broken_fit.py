"""A FIT file cut short anywhere: what can be recovered is, anything else is skipped with a reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from riskload import ActivityFileError, parse_bytes, read_export
from riskload.importers import fitfast

SAMPLE_B = Path(__file__).resolve().parent.parent / "sample_data" / "athlete-b"
RUN = SAMPLE_B / "21400000037_ACTIVITY.fit"


def boundaries(data: bytes) -> dict[str, int]:
    """Offsets where each kind of FIT structure starts or ends, from the file's own framing."""
    header = data[0]
    kept, record_runs, _, _ = fitfast._walk(data, header, len(data) - 2)
    first_definition_end = kept[0][1]
    records = sorted(start for _, starts, _ in record_runs.values() for start in starts)
    record_size = record_runs[next(iter(record_runs))][0][2]
    return {
        "inside the file header": 7,
        "right after the file header": header,
        "inside the first definition": header + 3,
        "right after the first definition": first_definition_end,
        "inside a record": records[len(records) // 2] + record_size // 2,
        "between two records": records[len(records) // 2] - 1,
        "after the last record": records[-1] + record_size,
        "inside the closing checksum": len(data) - 1,
    }


def outcome(data: bytes, name: str):
    try:
        return parse_bytes(data, name)
    except ActivityFileError as exc:
        return exc


@pytest.mark.parametrize("where", list(boundaries(RUN.read_bytes())))
def test_a_cut_at_each_kind_of_boundary_keeps_what_came_before(where):
    data = RUN.read_bytes()
    whole = parse_bytes(data, RUN.name)[0]
    cut = boundaries(data)[where]
    got = outcome(data[:cut], RUN.name)
    if where in ("inside the file header", "right after the file header", "inside the first definition",
                 "right after the first definition"):
        # nothing timed has been written yet
        assert isinstance(got, ActivityFileError) and got.reason, where
        return
    assert not isinstance(got, ActivityFileError), f"{where}: {got}"
    kept = got[0]
    assert len(kept) <= len(whole) and len(kept) > 0
    assert kept.row["start_time"] == whole.row["start_time"]
    if where == "inside the closing checksum":
        # every message is there: the device's own summary stands, nothing is partial
        assert not kept.row["partial"] and kept.row["distance_m"] == whole.row["distance_m"]
    elif where == "after the last record":
        # every record, but not the summary written after them: complete distance, marked partial
        assert kept.row["partial"] and kept.row["distance_m"] == whole.row["distance_m"]
        assert len(kept) == len(whole)
    else:
        assert kept.row["partial"] and "damaged" in kept.row["quality_notes"]
        assert 0 < kept.row["distance_m"] < whole.row["distance_m"]


def test_every_cut_of_a_file_is_either_recovered_or_skipped_with_a_reason():
    data = RUN.read_bytes()
    kinds = {}
    # every byte of the header and first messages, then every 53rd (each cut is decoded by fitparse)
    cuts = [*range(300), *range(300, len(data) + 1, 53), len(data) - 1]
    for cut in cuts:
        got = outcome(data[:cut], RUN.name)
        if isinstance(got, ActivityFileError):
            assert got.reason and "Traceback" not in got.reason
            kinds[got.kind] = kinds.get(got.kind, 0) + 1
        else:
            kinds["recovered"] = kinds.get("recovered", 0) + 1
            assert got[0].row["elapsed_time_s"] > 0
    assert set(kinds) <= {"recovered", "corrupt", "no activity data", "unsupported format"}
    assert kinds["recovered"] > len(cuts) - 300  # all cuts after the first few hundred bytes give a run


def test_a_folder_of_cut_copies_imports_the_rest_and_lists_each_cut(tmp_path):
    export = tmp_path / "export"
    shutil.copytree(SAMPLE_B, export)
    data = RUN.read_bytes()
    for where, cut in boundaries(data).items():
        (export / f"cut {where}.fit").write_bytes(data[:cut])
    result = read_export(export, cache=False)
    whole = read_export(SAMPLE_B, cache=False)
    cuts = result.activities[result.activities["source_path"].str.startswith("cut ")]
    skipped = result.skipped[result.skipped["path"].str.startswith("cut ")]
    # the recovered cuts are the same run as the original file, so they are listed as its duplicates
    assert len(result.activities) == len(whole.activities) and cuts.empty
    assert sorted(skipped["path"]) == sorted(f"cut {w}.fit" for w in boundaries(data))
    assert set(skipped["kind"]) <= {"duplicate", "corrupt", "no activity data", "unsupported format"}
