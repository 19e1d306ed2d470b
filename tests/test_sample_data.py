"""The bundled sample exports: reproducible, small, and read as the generator meant."""

from __future__ import annotations

import csv
import functools
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from riskload import read_export
from riskload.sports import normalize_sport, raw_sport

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
GENERATED = ("athlete-a", "athlete-b", "expected/activities.csv")
TIMEZONES = {"athlete-a": "Europe/Vienna", "athlete-b": None}


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_generator_writes_the_committed_bytes(tmp_path):
    subprocess.run([sys.executable, str(SAMPLE / "generate.py"), str(tmp_path)], check=True)
    for name in GENERATED:
        fresh, committed = tmp_path / name, SAMPLE / name
        if committed.is_file():
            assert fresh.read_bytes() == committed.read_bytes(), name
            continue
        ours, theirs = _files(fresh), _files(committed)
        assert sorted(ours) == sorted(theirs), name
        changed = [path for path in ours if ours[path] != theirs[path]]
        assert not changed, f"{len(changed)} files differ, e.g. {changed[:3]}: run sample_data/generate.py"


def test_sample_data_stays_under_ten_megabytes():
    total = sum(p.stat().st_size for p in SAMPLE.rglob("*") if p.is_file())
    assert total < 10 * 2**20, f"sample_data is {total / 2**20:.1f} MiB"


def _truth(athlete: str) -> pd.DataFrame:
    """The generated activities; ``sport`` as riskload names it, ``sport_raw`` as the files do."""
    truth = pd.read_csv(SAMPLE / "expected" / "activities.csv", keep_default_na=False)
    truth = truth[truth["athlete"] == athlete].copy()
    truth["sport_raw"] = [raw_sport(a, b) for a, b in zip(truth["sport"], truth["sub_sport"])]
    truth["sport"] = [normalize_sport(a, b)[0] for a, b in zip(truth["sport"], truth["sub_sport"])]
    return truth


@functools.cache
def _import(athlete: str):
    return read_export(SAMPLE / athlete, timezone=TIMEZONES[athlete])


@pytest.fixture(params=sorted(TIMEZONES))
def imported(request):
    return request.param, _import(request.param)


def test_every_activity_is_read_with_the_generated_values(imported):
    athlete, export = imported
    truth = _truth(athlete)
    truth = truth[truth["note"] == ""].assign(start_time_local=lambda t: pd.to_datetime(t["start_time_local"]))
    acts = export.activities.assign(start_time_local=lambda a: a["start_time_local"].dt.floor("s"))
    both = truth.merge(acts, on=["start_time_local", "sport"], how="outer", suffixes=("_true", ""), indicator=True)
    assert (both["_merge"] == "both").all(), both.loc[both["_merge"] != "both", ["start_time_local", "sport", "_merge"]]
    assert len(acts) == len(truth)

    distance = pd.to_numeric(both["distance_m_true"], errors="coerce")
    device = both["source_format"].isin(["fit", "tcx"]) & distance.notna()
    assert (both.loc[device, "distance_m"] - distance[device]).abs().max() < 0.5
    gps = both["source_format"] == "gpx"
    assert ((both.loc[gps, "distance_m"] / distance[gps] - 1).abs() < 0.01).all()
    assert (both["moving_time_s"] - both["moving_time_s_true"].astype(float)).abs().max() <= 1.0
    assert (both["elapsed_time_s"] - both["elapsed_time_s_true"].astype(float)).abs().max() <= 1.0

    ascent = pd.to_numeric(both["ascent_m_true"], errors="coerce")
    from_fit = (both["source_format"] == "fit") & ascent.notna()
    assert (both.loc[from_fit, "ascent_m"] == ascent[from_fit]).all()
    hilly = ~from_fit & (ascent > 50)  # small totals are dominated by the 2 m hysteresis
    assert ((both.loc[hilly, "ascent_m"] / ascent[hilly] - 1).abs() < 0.12).all()

    gear = both["gear"].fillna("")
    assert (gear == both["gear_true"]).all()
    from_fit = both["source_format"] == "fit"
    assert (both.loc[from_fit, "sport_raw"] == both.loc[from_fit, "sport_raw_true"]).all()


def test_the_duplicate_counts_once_and_the_damaged_file_is_listed():
    export = _import("athlete-a")
    truth = _truth("athlete-a")
    skipped = export.skipped.set_index("path")
    duplicate = truth.loc[truth["note"] == "duplicate", "file"].item()
    corrupt = truth.loc[truth["note"] == "corrupt", "file"].item()
    assert sorted(skipped.index) == sorted([duplicate, corrupt])
    assert skipped.loc[corrupt, "kind"] == "corrupt"
    assert skipped.loc[duplicate, "kind"] == "duplicate"
    kept = truth.loc[(truth["start_time_local"].str[:10] == "2026-03-31") & (truth["sport"] == "running"), "file"]
    assert skipped.loc[duplicate, "reason"].count(kept.iloc[0]) == 1
    acts = export.activities
    assert acts["is_running"].sum() == 129
    assert acts.loc[acts["is_running"], "distance_m"].sum() / 1000 == pytest.approx(1302.5, abs=0.5)


def test_local_time_puts_the_late_run_on_its_local_sunday():
    export = _import("athlete-b")
    acts = export.activities
    late = acts[acts["start_time_local"].dt.hour == 20].iloc[0]
    assert late["start_time"].day_name() == "Monday"  # in UTC
    assert late["local_date"] == pd.Timestamp("2026-08-23") and late["local_date"].day_name() == "Sunday"
    assert set(acts["local_time_source"]) == {"device"}
    multisport = acts[acts["source_path"] == acts.loc[acts["sport"] == "transition", "source_path"].iloc[0]]
    assert list(multisport["sport"]) == ["running", "transition", "cycling", "transition", "running"]
    treadmill = acts[acts["sub_sport"] == "treadmill"].iloc[0]
    assert not treadmill["has_gps"] and treadmill["distance_m"] == pytest.approx(8000, abs=0.5)


def _flags_csv() -> list[dict]:
    with open(SAMPLE / "expected" / "flags.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def test_expected_flags_are_well_formed():
    codes = {f"RL{n:03d}" for n in range(1, 16)}
    span = {athlete: (t["start_time_local"].min()[:10], t["start_time_local"].max()[:10])
            for athlete, t in pd.read_csv(SAMPLE / "expected" / "activities.csv").groupby("athlete")}
    for row in _flags_csv():
        assert row["code"] in codes
        assert row["severity"] in {"info", "caution", "warning", "high"}
        assert row["planted"] in {"planted", "follows"}
        assert row["athlete"] in span and row["why"]
        date = pd.Timestamp(row["date"])
        first, last = span[row["athlete"]]
        assert pd.Timestamp(first) - pd.Timedelta(days=6) <= date <= pd.Timestamp(last)
        if row["period"] == "week":
            assert date.day_name() == "Monday", row
        else:
            assert row["period"] in {"run", "day"}
        if row["period"] == "run":
            truth = _truth(row["athlete"])
            ran = truth[(truth["sport"] == "running") & truth["start_time_local"].str.startswith(row["date"])]
            assert len(ran) >= 1, row


def test_readme_table_equals_the_csv():
    lines = (SAMPLE / "README.md").read_text().splitlines()
    table = [line for line in lines if line.startswith("| athlete-")]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in table]
    assert rows == [list(row.values()) for row in _flags_csv()]
