"""Names from files (activity names, gear, file names) with HTML or terminal control characters.

They reach every output: the terminal, the HTML page, the figures, the CSV
and JSON tables. None of them may carry a live escape sequence or markup;
the JSON keeps the exact text (escaped as JSON does), the others show the
control characters as visible escapes such as ``\\x1b``.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from riskload import analyze
from riskload.cli import main
from riskload.safetext import printable

ROOT = Path(__file__).resolve().parent.parent
NAME = "<script>alert(1)</script>\x1b[2J\x07 Run\u202e"
GEAR = "\x1b]0;pwned\x07<b>Shoe</b>\r\nFake line"
BAD_FILE = "evil\x1b[31m\x08.fit"
LIVE = {chr(c) for c in range(32) if chr(c) != "\n"} | {"\x7f", "\u202e"}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    base = tmp_path_factory.mktemp("names")
    export = base / "export"
    shutil.copytree(ROOT / "sample_data" / "athlete-a", export)
    rows = list(csv.reader(io.StringIO((export / "activities.csv").read_text())))
    header = rows[0]
    # a run behind the newest flag, so the name is on the page's flags table and in a week figure
    plain = analyze(export, cache=False)
    flagged = plain.flags.sort_values("date")["activity_ids"].iloc[-1][0]
    activities = plain.load.activities.set_index("activity_id")
    source = activities.loc[flagged, "source_path"]
    row = next(r for r in rows[1:] if r[header.index("Filename")] == source)
    row[header.index("Activity Name")] = NAME
    row[header.index("Activity Gear")] = GEAR
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    (export / "activities.csv").write_text(text.getvalue())
    (export / BAD_FILE).write_bytes(b"\x00garbage" * 10)
    out = base / "out"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        runner = CliRunner()
        analyzed = runner.invoke(main, ["analyze", str(export), "--out", str(out), "-v", "--no-cache"])
        imported = runner.invoke(main, ["import", str(export), "--no-cache"])
    return (analyzed, imported), out, [str(w.message) for w in caught]


def _live(text: str) -> set[str]:
    return {c for c in text if c in LIVE}


def test_the_terminal_shows_no_live_control_characters(outputs):
    results, _, caught = outputs
    for result in results:
        assert result.exit_code == 0, result.output
        assert _live(result.output) == set()
        assert printable(BAD_FILE) in result.output  # the skipped file is still named, visibly
    assert "Running" in results[1].output or "running" in results[1].output
    assert all(not _live(message) for message in caught)


def test_the_page_escapes_markup_and_control_characters(outputs):
    _, out, _ = outputs
    page = (out / "report.html").read_text()
    assert "<script>alert" not in page and "<b>Shoe" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\\x1b[2J\\x07 Run\\u202e" in page
    assert _live(page.replace("\n", "")) == set()


def test_the_json_keeps_the_exact_text_escaped(outputs):
    _, out, _ = outputs
    raw = (out / "activities.json").read_text()
    assert _live(raw.replace("\n", "")) == set()
    names = {a["name"] for a in json.loads(raw)}
    gears = {a["gear"] for a in json.loads(raw)}
    assert NAME in names and GEAR in gears


def test_the_csv_shows_control_characters_visibly(outputs):
    _, out, _ = outputs
    raw = (out / "activities.csv").read_text()
    assert _live(raw.replace("\n", "")) == set()
    rows = list(csv.DictReader(io.StringIO(raw)))
    assert printable(NAME) in {r["name"] for r in rows} and printable(GEAR) in {r["gear"] for r in rows}


def test_printable_keeps_ordinary_text_and_shows_the_rest():
    assert printable("Läufchen am Fluß 🏃‍♀️, 10 km") == "Läufchen am Fluß 🏃‍♀️, 10 km"
    assert printable("a\x1b[31mb\tc\nd\u202ee\x7f") == "a\\x1b[31mb\\tc\\nd\\u202ee\\x7f"
