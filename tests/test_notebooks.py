"""The notebooks run from top to bottom in a real Jupyter kernel, and are stored without outputs."""

from __future__ import annotations

import json
from pathlib import Path

import nbclient
import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def code_cells(path: Path) -> list[dict]:
    return [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]


def test_there_is_a_notebook():
    assert [p.name for p in NOTEBOOKS] == ["coach.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_are_stripped(path):
    for cell in code_cells(path):
        assert cell["outputs"] == [] and cell["execution_count"] is None


#: Run after the notebook's own cells, in its kernel: what the tests check, as JSON on stdout.
CHECKS = """
import json
print(json.dumps({
    "activities": [len(anna.export.activities), len(ben.export.activities)],
    "jumps": [len(strict_jumps), len(default_jumps)],
    "columns": list(comparison.columns),
    "no_rest_weeks": int(comparison.loc["weeks without a rest day", "Anna (sample)"]),
    "long_weeks": len(long_runner.load.weekly),
    "long_axes": len(riskload.main_figure(long_runner).axes),
    "stood_out": [len(stood_out), int((heads["severity"] != "info").sum())],
    "episodes": [len(pain.episodes), list(pain.red_flags["sign"])],
    "what_if": [len(what_if_pain.episodes), list(what_if_pain.before[1]["code"])],
    "envelope": [len(ahead.days), float(ahead.days["longest_run_km"].iloc[0]),
                 float(ahead.weeks["distance_km"].iloc[0])],
    "weekend": sorted(set(riskload.check_plan(before_thursday, weekend)["code"])),
}))
"""


def run_in_kernel(path: Path) -> dict:
    """Execute the notebook in a real Jupyter kernel (nbclient), as a coach's Jupyter would, then :data:`CHECKS`."""
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(CHECKS))
    nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    printed = "".join(o.get("text", "") for o in notebook.cells[-1].outputs if o.output_type == "stream")
    return json.loads(printed)


def test_coach_notebook_runs_in_a_jupyter_kernel_and_shows_what_it_says():
    found = run_in_kernel(next(p for p in NOTEBOOKS if p.name == "coach.ipynb"))
    assert found["activities"] == [179, 72]
    assert found["jumps"][0] > found["jumps"][1] == 1
    assert found["columns"] == ["Anna (sample)", "Ben (sample)"]
    assert found["no_rest_weeks"] == 1
    assert found["long_weeks"] > 150 and found["long_axes"] == 5  # the overview above the three detail panels
    assert found["stood_out"][0] == found["stood_out"][1] > 0
    assert found["episodes"] == [6, ["tingling"]]  # the sample diary, as sample_data/expected has it
    assert found["what_if"] == [1, ["RL011", "RL002"]]  # the trail week lies in the 14 days before
    assert found["envelope"] == [11, 23.2, 68.0]  # as sample_data/expected/envelope.csv has them
    assert "RL005" in found["weekend"]  # the hard Saturday lifts the week's hard minutes
