"""A pain diary beside the load: the days a runner felt pain, their episodes, and what came before.

The diary is a small CSV the runner keeps outside the export (riskload only
reads it)::

    date,area,intensity,note
    2026-03-02,,0,started the diary
    2026-05-12,lower back,3,stiff after the long run
    2026-05-13,lower back,4,

One row per day with pain: the local date (YYYY-MM-DD), the body area, the
intensity from 0 (none) to 10 (worst imaginable), and an optional note. A
row of intensity 0 is a day without pain; the diary's first row, whatever
its intensity, is the day the runner started keeping it, so writing a 0 on
that day makes the pain-free weeks before the first pain count.

Nothing here claims a cause. The back-test counts how often an episode began
after each rule fired, against the runner's other weeks; with one runner's
handful of episodes that can show a pattern worth a conversation with a
coach or a physiotherapist, never prove one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ConfigError
from .userfiles import csv_rows, day_of, read_text

#: Pain-free days between two pain days of one area that still leave them one episode.
#: Back pain often eases for a day or two and returns; a longer pain-free spell ends it.
#: De Vet et al. 2002 (Spine 27:2409) end an episode only after a month without pain,
#: a definition made for studies of recurrence; a runner's diary asks what came before
#: each flare, and a month would merge flares that training brought on separately.
EPISODE_GAP_DAYS = 3
#: Days before an episode whose flags and load are shown beside it, and the window after a
#: flag within which an episode counts as following it. Two weeks: Nielsen et al. 2014
#: (JOSPT 44:739) related injuries to the progression of the two weeks before them, and
#: the acute window of the load is one week, so two weeks hold the flagged week and the one
#: before the episode.
WINDOW_DAYS = 14
#: Episodes below which the back-test gives counts but no ratio: with fewer, one episode
#: more or less moves a ratio by a fifth or more.
MIN_EPISODES = 5
#: Weeks a rule must have fired in before its ratio is given.
MIN_FIRED_WEEKS = 2
#: Days of usual load an episode's window is compared with: the chronic window of the load.
USUAL_DAYS = 28

DIARY_COLUMNS = ["date", "area", "intensity", "note", "line"]
EPISODE_COLUMNS = ["episode", "area", "first_day", "last_day", "pain_days", "peak_intensity", "notes"]
BACKTEST_COLUMNS = ["code", "rule", "weeks_fired", "fired_then_episode", "weeks_other", "other_then_episode",
                    "rate_fired", "rate_other", "ratio", "verdict"]

#: Signs in a note that need a doctor promptly, in English; (name, pattern).
RED_FLAG_SIGNS = (
    ("numbness", r"\bnumb(ness)?\b"),
    ("tingling", r"\btingl\w*|\bpins and needles\b"),
    ("leg weakness", r"\bweak\w*\b(\W+\w+){0,3}?\W+(legs?|foot|feet|ankles?)\b"
                     r"|\b(legs?|foot|feet|knees?)\b(\W+\w+){0,3}?\W+(weak\w*|gave way|giving way|buckl\w*)"
                     r"|\bfoot drop\b"),
    ("pain spreading below the knee or into the feet",
     r"\b(below|under|past)\s+(the\s+|my\s+|both\s+)?knees?\b"
     r"|\b(into|down\s+to|down\s+into)\s+(the\s+|my\s+|both\s+)?(left\s+|right\s+)?"
     r"(foot|feet|toes|calf|calves|shins?)\b"),
    ("bladder or bowel changes", r"\bbladder\b|\bbowels?\b|\bincontinen\w*|\bcan'?t\s+(pee|urinate)\b"),
)
_FREE_OF = re.compile(r"-?\s*free\b", re.IGNORECASE)  # "tingling-free"
_NEGATION = re.compile(r"\b(no|not|without|never|nor|none)\b[\w\s,]{0,25}$", re.IGNORECASE)


@dataclass
class PainDiary:
    """The diary as read: its rows, and the rows left out with why.

    Attributes
    ----------
    days : DataFrame
        :data:`DIARY_COLUMNS`, one row per date and area, in date order;
        ``line`` is the row's line in the file.
    problems : list of str
        One message per row left out, naming its line.
    source : str
        The file's name, for messages.
    """

    days: pd.DataFrame
    problems: list[str] = field(default_factory=list)
    source: str = "pain diary"

    @property
    def first_day(self) -> pd.Timestamp | None:
        """The day the diary starts (its earliest row), or None when it has no row."""
        return self.days["date"].min() if len(self.days) else None

    @property
    def pain_days(self) -> pd.DataFrame:
        """The rows with pain (intensity above 0)."""
        return self.days[self.days["intensity"] > 0]


def read_diary(path: str | Path) -> PainDiary:
    """Read a pain diary CSV (see the module). A bad row is left out with a message naming its line.

    The columns are found by name in the header, in any order and case;
    ``date`` and ``intensity`` are required, ``area`` and ``note`` optional.
    A second row for the same date and area is left out (one row per day).

    Raises
    ------
    ConfigError
        The file is missing or unreadable, or its header lacks a required column.
    """
    return parse_diary(read_text(path, "pain diary"), Path(path).name)


def parse_diary(text: str, source: str = "pain diary") -> PainDiary:
    """:func:`read_diary` from the file's text."""
    names, lines = csv_rows(text, {"body_area": "area"})
    missing = [c for c in ("date", "intensity") if c not in names]
    if missing:
        raise ConfigError(f"{source}: the first line must name the columns date, area, intensity, note "
                          f"(missing: {', '.join(missing)})")
    rows, problems, seen = [], [], {}
    for line, cells in lines:
        problem = None
        try:
            date = day_of(cells.get("date", ""))
        except ValueError as exc:
            date, problem = None, str(exc)
        intensity = _intensity(cells.get("intensity", ""))
        if problem is None and intensity is None:
            problem = f"intensity {cells.get('intensity', '')!r} is not a number from 0 to 10"
        area = " ".join(cells.get("area", "").lower().split())
        if problem is None and (date, area) in seen:
            problem = f"{date:%Y-%m-%d} ({area or 'no area'}) is already on line {seen[(date, area)]}; one row per day"
        if problem is not None:
            problems.append(f"{source} line {line}: {problem}; row left out")
            continue
        seen[(date, area)] = line
        rows.append((date, area, intensity, cells.get("note", ""), line))
    days = pd.DataFrame(rows, columns=DIARY_COLUMNS).sort_values(["date", "area"], kind="stable")
    days["date"] = pd.to_datetime(days["date"])
    days["intensity"] = days["intensity"].astype(float)
    return PainDiary(days.reset_index(drop=True), problems, source)


def _intensity(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if 0 <= value <= 10 else None


def episodes(diary: PainDiary, gap_days: int = EPISODE_GAP_DAYS) -> pd.DataFrame:
    """The episodes of pain: runs of pain days of one area, joined across short pain-free gaps.

    Two pain days of the same area with at most ``gap_days`` days between
    them (days not in the diary, or written with intensity 0) are one
    episode.

    Returns
    -------
    DataFrame
        :data:`EPISODE_COLUMNS`, numbered from 1 in order of first day.
    """
    pain = diary.pain_days.sort_values(["area", "date"])
    if pain.empty:
        return pd.DataFrame(columns=EPISODE_COLUMNS)
    apart = pain.groupby("area")["date"].diff().dt.days
    new = apart.isna() | (apart > gap_days + 1)
    key = new.cumsum()
    g = pain.groupby(key)
    table = pd.DataFrame({
        "area": g["area"].first(),
        "first_day": g["date"].min(),
        "last_day": g["date"].max(),
        "pain_days": g.size(),
        "peak_intensity": g["intensity"].max(),
        "notes": g["note"].agg(lambda notes: "; ".join(n for n in notes if n)),
    }).sort_values(["first_day", "area"]).reset_index(drop=True)
    table.insert(0, "episode", np.arange(1, len(table) + 1))
    return table[EPISODE_COLUMNS]


def red_flags(diary: PainDiary) -> pd.DataFrame:
    """The diary notes that mention a sign needing a doctor (English words only).

    A sign negated ("no numbness", "not numb", "tingling-free") is not counted.

    Returns
    -------
    DataFrame
        ``date``, ``sign``, ``note``, one row per note and sign.
    """
    rows = []
    for date, note in zip(diary.days["date"], diary.days["note"]):
        for sign, pattern in RED_FLAG_SIGNS:
            for match in re.finditer(pattern, note, re.IGNORECASE):
                clause = re.split(r"[.;!?]|\bbut\b", note[:match.start()])[-1]
                if not (_NEGATION.search(clause) or _FREE_OF.match(note, match.end())):
                    rows.append((date, sign, note))
                    break
    return pd.DataFrame(rows, columns=["date", "sign", "note"])


def flags_before(flags: pd.DataFrame, first_day, window_days: int = WINDOW_DAYS) -> pd.DataFrame:
    """The flags of the ``window_days`` before ``first_day``: dated in the window, or of a week reaching into it."""
    first_day = pd.Timestamp(first_day)
    start = first_day - pd.Timedelta(days=window_days)
    date = pd.DatetimeIndex(flags["date"])
    week_end = pd.DatetimeIndex(flags["week_start"]) + pd.Timedelta(days=6)
    reaches = np.where(flags["period"].to_numpy() == "week", week_end >= start, date >= start)
    return flags[reaches & (date < first_day)]


#: daily load column -> how the comparison names it, its unit
LOAD_FIGURES = {
    "distance_km": ("running distance", "km"),
    "runs": ("runs", ""),
    "longest_run_km": ("longest run", "km"),
    "ascent_m": ("climb", "m"),
    "steep_descent_m": ("steep descent", "m"),
    "high_hr_min": ("hard minutes", "min"),
    "rest_day": ("rest days", ""),
}


def load_before(daily: pd.DataFrame, first_day, window_days: int = WINDOW_DAYS,
                usual_days: int = USUAL_DAYS) -> pd.DataFrame:
    """The load of the ``window_days`` before an episode against the runner's usual.

    The usual is the ``usual_days`` before that window, scaled to the
    window's length (the longest run is the longest of either span).

    Returns
    -------
    DataFrame
        ``figure``, ``unit``, ``before``, ``usual``, ``change_pct`` (NaN
        where the usual is 0 or the history does not reach back).
    """
    first_day = pd.Timestamp(first_day)
    window = daily.loc[first_day - pd.Timedelta(days=window_days):first_day - pd.Timedelta(days=1)]
    usual_end = first_day - pd.Timedelta(days=window_days + 1)
    usual = daily.loc[usual_end - pd.Timedelta(days=usual_days - 1):usual_end]
    covered = len(usual) == usual_days
    rows = []
    for column, (name, unit) in LOAD_FIGURES.items():
        if column not in daily:
            continue
        if column == "longest_run_km":
            before, typical = window[column].max(), usual[column].max()
        else:
            before = float(window[column].sum())
            typical = float(usual[column].sum()) * window_days / usual_days
        typical = typical if covered else np.nan
        change = (before / typical - 1) * 100 if typical and typical == typical else np.nan
        rows.append((name, unit, float(before) if before == before else np.nan, typical, change))
    return pd.DataFrame(rows, columns=["figure", "unit", "before", "usual", "change_pct"])


def backtest(flags: pd.DataFrame, episode_table: pd.DataFrame, weeks: pd.DatetimeIndex, *,
             first_day, last_day, window_days: int = WINDOW_DAYS, rule_names: dict | None = None,
             min_episodes: int = MIN_EPISODES, min_fired_weeks: int = MIN_FIRED_WEEKS) -> pd.DataFrame:
    """For each rule that fired: how often an episode began after it, against the other weeks.

    Counted in weeks. A week is *followed by an episode* when an episode
    began after its first day and no more than ``window_days`` after its last
    day (the weeks overlapping the window :func:`flags_before` looks at).
    Only the weeks the diary covers count: from the week of ``first_day``
    (the diary's first row) to the last week whose window ends by
    ``last_day``. A rule *fired* in a week when it has a flag of any
    severity there.

    Returns
    -------
    DataFrame
        :data:`BACKTEST_COLUMNS`: for each rule, the weeks it fired in and how
        many of them an episode followed, the same for the other weeks, both
        rates, their ratio, and a verdict: the ratio in words, or why there
        is none (fewer than ``min_episodes`` episodes, or a rule that fired
        in fewer than ``min_fired_weeks`` weeks).
    """
    first_day, last_day = pd.Timestamp(first_day), pd.Timestamp(last_day)
    weeks = pd.DatetimeIndex(weeks)
    weeks = weeks[(weeks + pd.Timedelta(days=6) >= first_day)
                  & (weeks + pd.Timedelta(days=6 + window_days) <= last_day)]
    if not len(weeks):
        return pd.DataFrame(columns=BACKTEST_COLUMNS)
    starts = pd.DatetimeIndex(episode_table["first_day"]).to_numpy()
    low = (weeks + pd.Timedelta(days=1)).to_numpy()[:, None]
    high = (weeks + pd.Timedelta(days=6 + window_days)).to_numpy()[:, None]
    followed = pd.Series(((starts >= low) & (starts <= high)).any(axis=1), index=weeks)
    counted = int(((starts >= low.min()) & (starts <= high.max())).sum())
    fired_weeks = pd.DatetimeIndex(flags["week_start"])
    rows = []
    for code in sorted(set(flags.loc[fired_weeks.isin(weeks), "code"])):
        fired = weeks.isin(fired_weeks[(flags["code"] == code).to_numpy()])
        n_fired, n_other = int(fired.sum()), int((~fired).sum())
        hit_fired, hit_other = int(followed[fired].sum()), int(followed[~fired].sum())
        rate_fired = hit_fired / n_fired
        rate_other = hit_other / n_other if n_other else np.nan
        reason = (f"too few episodes to say ({counted}, fewer than {min_episodes})" if counted < min_episodes
                  else f"fired in too few weeks to say (fewer than {min_fired_weeks})" if n_fired < min_fired_weeks
                  else "no episode followed the other weeks: no ratio" if not rate_other else None)
        if reason is None:
            ratio = rate_fired / rate_other
            verdict = (f"{ratio:.1f} times as often as after other weeks" if ratio >= 1
                       else f"less often than after other weeks ({ratio:.1f} times)" if ratio > 0
                       else f"no episode followed any of its {n_fired} weeks")
        else:
            ratio, verdict = np.nan, reason
        rows.append((code, (rule_names or {}).get(code, ""), n_fired, hit_fired, n_other, hit_other,
                     rate_fired, rate_other, ratio, verdict))
    return pd.DataFrame(rows, columns=BACKTEST_COLUMNS)


@dataclass
class PainReport:
    """What the diary says beside one analysis.

    Attributes
    ----------
    diary : PainDiary
    episodes : DataFrame
        :data:`EPISODE_COLUMNS`.
    before : dict
        Episode number to the flags of the window before it.
    load_before : dict
        Episode number to :func:`load_before`.
    backtest : DataFrame
        :data:`BACKTEST_COLUMNS`.
    red_flags : DataFrame
        :func:`red_flags`.
    window_days, gap_days : int
        The settings used.
    """

    diary: PainDiary
    episodes: pd.DataFrame
    before: dict
    load_before: dict
    backtest: pd.DataFrame
    red_flags: pd.DataFrame
    window_days: int = WINDOW_DAYS
    gap_days: int = EPISODE_GAP_DAYS

    def from_day(self, first_day) -> PainReport:
        """The same report showing only the episodes, diary days and red flags from ``first_day`` on.

        The back-test keeps the whole history: it needs every week.
        """
        first_day = pd.Timestamp(first_day)
        shown = self.episodes[self.episodes["last_day"] >= first_day]
        keep = set(shown["episode"])
        diary = replace(self.diary, days=self.diary.days[self.diary.days["date"] >= first_day])
        return replace(self, diary=diary, episodes=shown.reset_index(drop=True),
                       before={k: v for k, v in self.before.items() if k in keep},
                       load_before={k: v for k, v in self.load_before.items() if k in keep},
                       red_flags=self.red_flags[self.red_flags["date"] >= first_day].reset_index(drop=True))


def pain_report(diary: PainDiary, load, flags: pd.DataFrame, *, window_days: int = WINDOW_DAYS,
                gap_days: int = EPISODE_GAP_DAYS, rule_names: dict | None = None) -> PainReport:
    """The diary's episodes, what preceded each, the back-test and the red flags, for one analysis.

    Diary rows after the analysis's last day are left out of the episodes
    and the back-test (their load is not known), not of the red flags.
    """
    last_day = load.daily.index[-1]
    known = replace(diary, days=diary.days[diary.days["date"] <= last_day])
    table = episodes(known, gap_days)
    before = {e.episode: flags_before(flags, e.first_day, window_days).reset_index(drop=True)
              for e in table.itertuples()}
    loads = {e.episode: load_before(load.daily, e.first_day, window_days) for e in table.itertuples()}
    first = diary.first_day
    tested = (backtest(flags, table, load.weekly.index, first_day=first, last_day=last_day,
                       window_days=window_days, rule_names=rule_names)
              if first is not None else pd.DataFrame(columns=BACKTEST_COLUMNS))
    return PainReport(diary, table, before, loads, tested, red_flags(diary), window_days, gap_days)
