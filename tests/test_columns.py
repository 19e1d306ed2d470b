"""Tables come out with the columns and types their specs name, missing columns filled by type."""

import pandas as pd
import pytest

from riskload.columns import ACTIVITY_COLUMNS, SAMPLE_COLUMNS, SKIPPED_COLUMNS, conform, typed_rows


@pytest.mark.parametrize("spec", [ACTIVITY_COLUMNS, SAMPLE_COLUMNS, SKIPPED_COLUMNS])
def test_missing_columns_are_added_with_their_type_and_an_empty_value(spec):
    given = pd.DataFrame({"unrelated": [1, 2, 3]}, index=[7, 7, 2])  # a repeated label must not matter
    table = conform(given, spec)
    assert list(table.columns) == list(spec)
    assert {name: str(dtype) for name, dtype in table.dtypes.items()} == spec
    assert table.index.equals(pd.RangeIndex(3))
    for name, dtype in spec.items():
        column = table[name]
        if dtype == "bool":
            assert not column.any(), name
        elif dtype.startswith("int"):
            assert (column == 0).all(), name
        else:
            assert column.isna().all(), name
        if dtype == "category":  # so that a later concat with ids of strings keeps the categorical
            assert column.cat.categories.dtype == object


def test_present_columns_are_converted_and_extra_ones_dropped():
    given = pd.DataFrame({"activity_id": ["b", "a"], "is_running": [True, None], "n_samples": [3.0, None],
                          "distance_m": ["12.5", "x"], "start_time": ["2026-03-01T07:00:00Z", None], "extra": [1, 2]})
    table = conform(given, ACTIVITY_COLUMNS)
    assert "extra" not in table
    assert table["is_running"].tolist() == [True, False]
    assert table["n_samples"].tolist() == [3, 0]
    assert table["distance_m"].iloc[0] == 12.5 and pd.isna(table["distance_m"].iloc[1])
    assert table["start_time"].iloc[0] == pd.Timestamp("2026-03-01 07:00", tz="UTC")
    assert table["activity_id"].tolist() == ["b", "a"]


@pytest.mark.parametrize("spec", [ACTIVITY_COLUMNS, SAMPLE_COLUMNS])
def test_rows_of_typed_values_make_the_table_conform_makes(spec):
    given = conform(pd.DataFrame({"activity_id": ["b", "a", None], "is_running": [True, False, True],
                                  "n_samples": [3, 0, 7], "distance_m": [12.5, float("nan"), 3.0],
                                  "timestamp": ["2026-03-01T07:00:00Z", None, "2026-03-01T07:00:01Z"],
                                  "start_time": ["2026-03-01T07:00:00Z", None, "2026-03-02T07:00:00Z"],
                                  "local_date": ["2026-03-01", "2026-03-02", None], "name": ["x", None, "z"],
                                  "segment": [0, 1, 1]}), spec)
    pd.testing.assert_frame_equal(typed_rows(given.to_dict("records"), spec), given, check_exact=True)
    pd.testing.assert_frame_equal(typed_rows([], spec), conform(pd.DataFrame(), spec), check_exact=True)
