"""Severity follows evidence: what a rule measured, weighed by how much its evidence is worth.

Each rule grades what it measured (how far past its threshold). The flag's
severity then depends on the evidence behind the rule, so that a coach
reading a caution knows it rests on more than common advice:

* **strong** evidence (RL004, a cohort of 5,205 runners): the rule's own grade;
* **weak** evidence: at most a caution;
* **heuristic** and **contested** rules: information, unless what they
  measured is extreme (the rule graded it a warning or worse), or it piles
  up with at least :data:`PILE_UP` other rules that graded the same week a
  caution or worse; then a caution, never more.

A habit, a hilly route or a cold start is worth knowing; it colours a week
only when it is extreme or one of several signals at once. Warnings come
from the rule with strong evidence alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..wording import and_listed
from .base import SEVERITIES

#: Other rules grading the same week a caution or worse that make a heuristic signal one of a pile.
PILE_UP = 2
_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def weigh(flags: pd.DataFrame) -> pd.DataFrame:
    """``flags`` with each severity weighed by its evidence (see the module), and a note where it changed.

    Parameters
    ----------
    flags : DataFrame
        ``code``, ``week_start``, ``severity`` (the rule's own grade),
        ``evidence`` and ``message``.
    """
    if flags.empty:
        return flags
    out = flags.copy()
    measured = out["severity"].map(_RANK).to_numpy()
    evidence = out["evidence"].to_numpy()
    caution, warning = _RANK["caution"], _RANK["warning"]
    weeks = pd.DatetimeIndex(out["week_start"])
    table = pd.DataFrame({"week": weeks, "code": out["code"].to_numpy()})
    raised_per_week = table[measured >= caution].groupby("week")["code"].agg(set).to_dict()
    others = [sorted(raised_per_week.get(week, set()) - {code}) for week, code in zip(weeks, out["code"])]
    piled = np.array([len(codes) >= PILE_UP for codes in others])

    weighed = measured.copy()
    weak = evidence == "weak"
    weighed[weak] = np.minimum(measured[weak], caution)
    light = np.isin(evidence, ("heuristic", "contested"))
    extreme = measured >= warning
    weighed[light] = np.where(extreme[light] | (piled[light] & (measured[light] >= caution)), caution, _RANK["info"])
    out["severity"] = [SEVERITIES[i] for i in weighed]
    notes = []
    for before, after, level, with_codes in zip(measured, weighed, evidence, others):
        if after == before == caution and level in ("heuristic", "contested"):
            notes.append(f" [caution: {level} evidence, with {and_listed(with_codes)} the same week]")
        elif after == before:
            notes.append("")
        elif level == "weak":
            notes.append(f" [{SEVERITIES[after]}: the most weak evidence allows]")
        elif after == _RANK["info"]:
            notes.append(f" [info: {level} evidence, on its own]")
        else:
            notes.append(f" [{SEVERITIES[after]}: {level} evidence, far past the threshold]")
    out["message"] = out["message"] + pd.Series(notes, index=out.index)
    return out
