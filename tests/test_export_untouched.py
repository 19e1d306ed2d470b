"""Every command leaves the export folder exactly as it was: bytes, names and timestamps."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from riskload.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


def snapshot(folder: Path) -> dict:
    """Each path below ``folder``: its kind, bytes, mode and modification and change times [ns]."""
    state = {}
    for path in sorted([folder, *folder.rglob("*")]):
        info = path.lstat()
        content = path.read_bytes() if path.is_file() and not path.is_symlink() else None
        state[path.relative_to(folder).as_posix()] = (info.st_mode, info.st_mtime_ns, info.st_ctime_ns, content)
    return state


@pytest.fixture
def squad(tmp_path) -> Path:
    """Both sample athletes as a coach's folder (a Strava and a Garmin export)."""
    root = tmp_path / "squad"
    for name in ("athlete-a", "athlete-b"):
        shutil.copytree(SAMPLE / name, root / name)
    return root


COMMANDS = {
    "import": lambda squad, out: ["import", squad / "athlete-a", "--out", out / "activities.csv"],
    "analyze": lambda squad, out: ["analyze", squad / "athlete-b", "--out", out, "-v", "--until", "2026-10-07"],
    "analyze, no cache": lambda squad, out: ["analyze", squad / "athlete-a", "--out", out, "--no-cache"],
    "roster": lambda squad, out: ["roster", squad, "--out", out, "--until", "2026-10-07"],
    "rules": lambda squad, out: ["rules"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_command_leaves_the_export_as_it_was(command, squad, tmp_path):
    before = snapshot(squad)
    args = [str(a) for a in COMMANDS[command](squad, tmp_path / "out")]
    result = CliRunner().invoke(main, args + (["--cache-dir", str(tmp_path / "cache")] if "no cache" not in command
                                              and command != "rules" else []))
    assert result.exit_code in (0, 3), result.output
    assert snapshot(squad) == before


def test_analyze_from_inside_the_export_writes_beside_it(squad, tmp_path, monkeypatch):
    export = squad / "athlete-b"
    before = snapshot(squad)
    monkeypatch.chdir(export)
    result = CliRunner().invoke(main, ["analyze", ".", "-q", "--until", "2026-10-07",
                                       "--cache-dir", str(tmp_path / "cache")])
    assert result.exit_code in (0, 3), result.output
    assert Path(result.output.strip()).resolve() == (squad / "riskload-out" / "athlete-b" / "report.html")
    after = snapshot(squad)
    new = sorted(set(after) - set(before))
    assert new and all(p == "riskload-out" or p.startswith("riskload-out/") for p in new)
    assert {p: after[p] for p in before if p != "."} == {p: before[p] for p in before if p != "."}


def test_an_output_folder_inside_the_export_is_refused_before_anything_is_read(squad, tmp_path):
    before = snapshot(squad)
    result = CliRunner().invoke(main, ["analyze", str(squad / "athlete-a"), "--out",
                                       str(squad / "athlete-a" / "report")])
    assert result.exit_code == 1 and "never writes inside the export folder" in result.output
    assert snapshot(squad) == before
    assert not os.path.exists(squad / "athlete-a" / "report")
