"""Plain words for the report's readers: evidence levels, limits, the medical notice.

Why each rule's flags matter is in the rule's own docstring (:meth:`riskload.rules.Rule.why`).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..rules import BY_CODE

#: What the evidence levels mean.
EVIDENCE = {
    "strong": "a large prospective study of runners found the link",
    "weak": "studies found a link, with wide uncertainty",
    "contested": "studies disagree about the link",
    "heuristic": "common advice, not tested in an injury study",
}

#: What activity files cannot show, and what riskload therefore never judges.
NOT_MEASURED = ("core strength and muscle balance, posture, the hardness of the running surface, body weight, "
                "age, stress, sleep, and how long you sit")

DOES_NOT_DIAGNOSE = (
    "riskload reads training data; it does not diagnose. A flag is a reason to look at the training, not a "
    "verdict, and a quiet report does not mean all is well. Back pain that comes with numbness or tingling, "
    "weakness in a leg, pain spreading into the feet, or changes in bladder or bowel control needs a doctor, "
    "not a chart - see one promptly."
)


def rules_in_table(cells: Iterable[str]) -> str:
    """A sentence naming each rule in ``cells`` (a table's flag column: codes apart by spaces), in code order,
    with its name and evidence level ("Rules in the table: RL010 no warmup (heuristic)."), for under a table
    that has room for the codes only; empty when no cell holds a code."""
    codes = sorted({code for cell in cells for code in str(cell).split()})
    named = "; ".join(f"{code} {BY_CODE[code].title} ({BY_CODE[code].evidence})" for code in codes)
    return f"Rules in the table: {named}." if codes else ""
