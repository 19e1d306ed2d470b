"""The squad table puts the athletes who need a word first, and information never outranks a caution."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from riskload.report.roster import roster_table

THIS_WEEK = pd.Timestamp("2026-03-16")
LAST_WEEK = THIS_WEEK - pd.Timedelta(days=7)


def athlete(name: str, *flags: tuple[pd.Timestamp, str, str]) -> SimpleNamespace:
    """An analysis with ``flags`` as ``(week, severity, code)`` and 20 km in each of the two weeks."""
    weeks = pd.DatetimeIndex([LAST_WEEK, THIS_WEEK], name="week_start")
    table = pd.DataFrame([{"week_start": w, "severity": s, "code": c} for w, s, c in flags],
                         columns=["week_start", "severity", "code"])
    load = SimpleNamespace(weekly=pd.DataFrame({"distance_km": [20.0, 20.0]}, index=weeks),
                           activities=pd.DataFrame({"local_date": [THIS_WEEK]}))
    return SimpleNamespace(athlete=name, flags=table, load=load, settings=SimpleNamespace(week_start_day=0))


def ranked(*athletes: SimpleNamespace) -> list[str]:
    roster = SimpleNamespace(analyses={a.athlete.lower(): a for a in athletes})
    return roster_table(roster, as_of=THIS_WEEK + pd.Timedelta(days=2))["athlete"].tolist()


def test_a_caution_last_week_comes_before_information_this_week():
    informed = athlete("Ida", (THIS_WEEK, "info", "RL010"))
    cautioned = athlete("Cal", (LAST_WEEK, "caution", "RL001"))
    quiet = athlete("Quinn")
    assert ranked(informed, quiet, cautioned) == ["Cal", "Ida", "Quinn"]


def test_among_equal_cautions_this_week_comes_first_then_the_worst_of_last_week():
    now = athlete("Nia", (THIS_WEEK, "caution", "RL004"))
    then = athlete("Ted", (LAST_WEEK, "caution", "RL004"), (THIS_WEEK, "info", "RL014"))
    warned = athlete("Wes", (LAST_WEEK, "warning", "RL004"))
    assert ranked(then, now, warned) == ["Wes", "Nia", "Ted"]
