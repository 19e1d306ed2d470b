"""The notebooks run from top to bottom, and are stored without outputs."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def code_cells(path: Path) -> list[dict]:
    return [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]


def run_notebook(path: Path, monkeypatch) -> dict:
    """Execute every code cell in order in one namespace, from the notebook's folder, as a kernel would."""
    monkeypatch.chdir(path.parent)
    namespace: dict = {"__name__": "__main__"}
    for number, cell in enumerate(code_cells(path), 1):
        exec(compile("".join(cell["source"]), f"{path.name}, code cell {number}", "exec"), namespace)
    plt.close("all")
    return namespace


def test_there_is_a_notebook():
    assert [p.name for p in NOTEBOOKS] == ["coach.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_are_stripped(path):
    for cell in code_cells(path):
        assert cell["outputs"] == [] and cell["execution_count"] is None


def test_coach_notebook_runs_and_shows_what_it_says(monkeypatch):
    ns = run_notebook(next(p for p in NOTEBOOKS if p.name == "coach.ipynb"), monkeypatch)
    assert len(ns["anna"].export.activities) == 179 and len(ns["ben"].export.activities) == 72
    assert len(ns["strict_jumps"]) > len(ns["default_jumps"]) == 1
    assert list(ns["comparison"].columns) == ["Anna (sample)", "Ben (sample)"]
    assert ns["comparison"].loc["weeks without a rest day", "Anna (sample)"] == 1
