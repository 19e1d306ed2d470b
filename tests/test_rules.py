"""Every rule against its cases, and the registry against its promises."""

from __future__ import annotations

import inspect
import re

import pytest

from riskload.rules import BY_CODE, FLAG_COLUMNS, RULES, SEVERITIES, run_rules

from .rule_cases import CASES
from .synthetic import MONDAY, history


def _flags(case):
    load = history(case.activities(), as_of=case.as_of, **case.settings)
    return run_rules(load, select=[case.code])


@pytest.mark.parametrize("case", CASES, ids=[f"{c.code}-{c.title}" for c in CASES])
def test_rule_case(case):
    report = _flags(case)
    if case.expected is None:
        assert report.flags.empty
        assert list(report.not_run["code"]) == [case.code]
        assert report.not_run["reason"].str.len().gt(10).all()
        return
    assert report.not_run.empty, report.not_run
    got = sorted(((d - MONDAY).days, s) for d, s in zip(report.flags["date"], report.flags["severity"]))
    assert got == sorted(case.expected), report.flags["message"].tolist()


def test_flags_carry_numbers_threshold_evidence_and_activities():
    case = next(c for c in CASES if c.code == "RL001" and c.expected)
    flags = _flags(case).flags
    assert list(flags.columns) == FLAG_COLUMNS
    row = flags.iloc[0]
    assert row["observed"] == 10.3 and row["threshold"] == 10.0 and row["unit"] == "%"
    assert "26.7 km" in row["message"] and "24.2 km" in row["message"] and "+10.3 %" in row["message"]
    assert row["evidence"] == "weak" and len(row["activity_ids"]) == 4
    assert row["week_start"] == row["date"]


def test_every_rule_is_registered_documented_and_tested():
    assert [r.code for r in RULES] == [f"RL{n:03d}" for n in range(1, 16)]
    for rule in RULES:
        doc = inspect.getdoc(rule.function)
        assert doc.startswith(rule.code + ":"), rule.code
        assert rule.evidence in {"strong", "weak", "contested", "heuristic"}
        assert rule.references or re.search(r"\bheuristic\b", doc, re.IGNORECASE), rule.code
        for name in rule.defaults():
            assert re.search(rf"^{name}\b", doc, re.MULTILINE) or re.search(rf"\b{name}\b[^\n]*:", doc), (rule.code, name)
        cases = [c for c in CASES if c.code == rule.code]
        assert any(c.expected for c in cases), f"{rule.code} has no flagging case"
        assert any(c.expected == [] for c in cases), f"{rule.code} has no silent case"


def test_severities_are_ordered_worst_first_within_a_day():
    case = next(c for c in CASES if c.title == "ten days in a row")
    load = history(case.activities(), as_of=case.as_of)
    flags = run_rules(load).flags
    assert flags["severity"].isin(SEVERITIES).all()
    assert flags["date"].is_monotonic_increasing


def test_rule_defaults_come_from_the_signatures():
    assert BY_CODE["RL001"].defaults() == {"limit_pct": 10.0, "warning_pct": 30.0, "min_previous_km": 10.0,
                                          "peak_weeks": 4}
    assert BY_CODE["RL008"].defaults()["cap_km"] == 64.0
