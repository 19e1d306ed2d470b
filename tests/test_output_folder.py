"""Where the report goes: a read-only export, a full disk, an output folder that exists or is a file.

Each ends with a clear one-line message and the documented exit code
(0 done, 1 riskload could not do it), and never with half-written files.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

from riskload import output
from riskload.cli import EXIT_FAILED, EXIT_OK, main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def export(tmp_path) -> Path:
    folder = tmp_path / "export"
    shutil.copytree(ROOT / "sample_data" / "athlete-b", folder)
    return folder


def analyze(*args):
    return CliRunner().invoke(main, ["analyze", *map(str, args)])


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_a_read_only_export_is_analysed(export, tmp_path):
    modes = {}
    for path in [export, *export.rglob("*")]:
        modes[path] = path.stat().st_mode
        path.chmod(stat.S_IMODE(modes[path]) & ~0o222)
    try:
        result = analyze(export, "--out", tmp_path / "out")
    finally:
        for path, mode in modes.items():
            path.chmod(mode)
    assert result.exit_code == EXIT_OK, result.output
    assert (tmp_path / "out" / "report.html").is_file()


def test_a_full_disk_is_one_clear_error_and_leaves_no_half_files(export, tmp_path, monkeypatch):
    def no_space(fd, mode):
        os.close(fd)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    fake_os = types.SimpleNamespace(**{name: getattr(os, name) for name in dir(os) if not name.startswith("__")})
    fake_os.fdopen = no_space
    monkeypatch.setattr(output, "os", fake_os)
    out = tmp_path / "out"
    result = analyze(export, "--out", out, "--no-cache")
    assert result.exit_code == EXIT_FAILED
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith("riskload: error: ") and "cannot write (No space left on device)" in lines[-1]
    assert _files(out) == [] if out.exists() else True


def test_an_existing_output_folder_is_brought_up_to_date_and_its_other_files_kept(export, tmp_path):
    out = tmp_path / "out"
    first = analyze(export, "--out", out)
    assert first.exit_code == EXIT_OK, first.output
    old_weeks = set(_files(out / "weeks"))
    (out / "my-notes.txt").write_text("coach's notes")
    (out / ".report.html.draft").write_text("a hidden file of the coach's, not a riskload leftover")
    (out / ".report.html.x1y2z3.riskload-tmp").write_text("half a report from a killed run")
    (out / "weeks" / "keep-me.png").write_bytes(b"not ours")
    # an earlier end date: other weeks get figures, and the first run's must not linger
    second = analyze(export, "--out", out, "--until", "2026-09-06")
    assert second.exit_code == EXIT_OK, second.output
    new_weeks = set(_files(out / "weeks")) - {"keep-me.png"}
    assert new_weeks and new_weeks != old_weeks
    page = (out / "report.html").read_text()
    assert all(f'weeks/{name}' not in page or name in new_weeks for name in old_weeks)
    assert all(name[len("week-"):-len(".png")] in page for name in new_weeks)
    assert not (old_weeks - new_weeks) & set(_files(out / "weeks"))
    assert (out / "my-notes.txt").read_text() == "coach's notes" and (out / "weeks" / "keep-me.png").exists()
    assert (out / ".report.html.draft").exists() and not (out / ".report.html.x1y2z3.riskload-tmp").exists()


def test_an_output_path_that_is_a_file_is_refused_clearly(export, tmp_path):
    target = tmp_path / "a-file"
    target.write_text("mine")
    result = analyze(export, "--out", target)
    assert result.exit_code != EXIT_OK
    assert "a-file" in result.output and "Traceback" not in result.output
    assert target.read_text() == "mine"
