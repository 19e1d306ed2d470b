"""The same activity arriving twice counts once, judged by what was recorded.

Two recordings are one activity only when their samples say so: the samples
of the shorter one lie, for the most part, close in time to samples of the
other, and close in place where both have positions. A span a file claims
(a session's elapsed time, the first and last of a few stray points) never
decides on its own. Each recording is compared with the recordings already
kept, never with another copy, so copies cannot chain: one broken file
spanning years cannot swallow the activities inside its span.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..track import haversine_m

#: Two samples are at the same moment when no more than this apart [s]: smart
#: recording writes a point every 1-20 s, so copies of one activity always
#: have points this close.
SAME_MOMENT_S = 60.0
#: Share of the shorter recording's samples that must have a sample of the
#: other at the same moment: half, so a copy cut short (a phone that died)
#: still counts, and two activities that merely touch do not.
MIN_SHARED_SHARE = 0.5
#: Two recordings of one activity are this close [m] (median over the shared
#: moments): two GPS receivers on one athlete agree within tens of metres.
SAME_PLACE_M = 250.0
#: A recording without samples (a summary only) is the same as another when
#: they start this close [s] and their durations differ by no more than this
#: or 10 % (the other's duration taken from its samples, when it has any).
SAME_START_S = 60.0


@dataclass
class Recording:
    """What de-duplication looks at: sorted sample times [s] and positions."""

    seconds: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    start_s: float
    end_s: float

    @classmethod
    def of(cls, columns: dict[str, np.ndarray], start: pd.Timestamp, elapsed_s: float) -> "Recording":
        seconds = np.asarray(columns["timestamp"], dtype="datetime64[ns]").astype("int64") / 1e9
        lat = np.asarray(columns["latitude_deg"], dtype=float)
        lon = np.asarray(columns["longitude_deg"], dtype=float)
        if not (seconds[1:] >= seconds[:-1]).all():  # samples come in time order but for odd files: no copies then
            order = np.argsort(seconds, kind="stable")
            seconds, lat, lon = seconds[order], lat[order], lon[order]
        if len(seconds) >= 2:
            return cls(seconds, lat, lon, float(seconds[0]), float(seconds[-1]))
        begin = pd.Timestamp(start).value / 1e9
        return cls(seconds[:0], lat[:0], lon[:0], begin, begin + float(elapsed_s or 0.0))

    @property
    def has_samples(self) -> bool:
        return len(self.seconds) >= 2


def compatible(sport_a: str, raw_a: str, sport_b: str, raw_b: str) -> tuple[bool, bool]:
    """Whether two sports can be one activity, and whether that needs the places to agree too.

    The same family can. A recording whose file named no sport at all (a GPX
    without ``<type>``) can be a copy of anything, but only where both have
    positions and they agree. ``other`` (a sport riskload does not know) is
    never a copy of anything.
    """
    if sport_a == sport_b and sport_a != "other":
        return True, False
    if (raw_a == "" and sport_a == "other") or (raw_b == "" and sport_b == "other"):
        return True, True
    return False, False


def same_activity(a: Recording, b: Recording, need_place: bool = False) -> bool:
    """Whether ``a`` and ``b`` recorded the same activity (see the module's rules)."""
    if not (a.has_samples and b.has_samples):
        # a summary without samples has only its claim: the same start and duration
        durations = a.end_s - a.start_s, b.end_s - b.start_s
        return (abs(a.start_s - b.start_s) <= SAME_START_S
                and abs(durations[0] - durations[1]) <= max(SAME_START_S, 0.1 * max(durations)))
    short, long_ = (a, b) if a.end_s - a.start_s <= b.end_s - b.start_s else (b, a)
    at = np.clip(np.searchsorted(long_.seconds, short.seconds), 1, len(long_.seconds) - 1)
    before, after = long_.seconds[at - 1], long_.seconds[at]
    nearest = np.where(short.seconds - before <= after - short.seconds, at - 1, at)
    shared = np.abs(long_.seconds[nearest] - short.seconds) <= SAME_MOMENT_S
    if shared.mean() < MIN_SHARED_SHARE:
        return False
    placed = shared & ~np.isnan(short.lat) & ~np.isnan(long_.lat[nearest])
    if placed.sum() >= 2:
        apart = haversine_m(short.lat[placed], short.lon[placed], long_.lat[nearest][placed],
                            long_.lon[nearest][placed])
        return bool(np.median(apart) <= SAME_PLACE_M)
    return not need_place


def find_duplicates(activities: pd.DataFrame, recordings: list[Recording]) -> pd.Series:
    """For each activity, the label of the recording kept in its place.

    Recordings are taken richest first (one whose file names its sport before
    one that does not; ties to the first ``source_path`` in sort order), and
    each is kept unless it is :func:`same_activity` as one already kept.

    Parameters
    ----------
    activities : DataFrame
        ``activity_id``, ``source_path``, ``sport``, ``sport_raw`` and
        ``richness`` (a sortable tuple: higher is richer).
    recordings : list of Recording
        One per row of ``activities``, in the same order.

    Returns
    -------
    Series
        Indexed like ``activities``: the index label of the row kept for each
        row (its own label when it is kept).
    """
    labels = list(activities.index)
    paths = activities["source_path"].astype(str).tolist()
    sports = activities["sport"].astype(str).tolist()
    raws = activities["sport_raw"].fillna("").astype(str).tolist()
    ids = activities["activity_id"].tolist()
    richness = activities["richness"].tolist()
    order = sorted(range(len(labels)), key=lambda i: paths[i])
    order.sort(key=lambda i: (sports[i] != "other" or raws[i] != "", richness[i]), reverse=True)

    kept_rows: list[int] = []
    kept_start = np.empty(len(labels))
    kept_end = np.empty(len(labels))
    winner = list(range(len(labels)))
    for i in order:
        mine = recordings[i]
        n = len(kept_rows)
        near = np.flatnonzero((kept_start[:n] <= mine.end_s + SAME_MOMENT_S)
                              & (kept_end[:n] >= mine.start_s - SAME_MOMENT_S))
        for k in near:
            j = kept_rows[k]
            if ids[i] == ids[j]:
                winner[i] = j
                break
            if paths[i] == paths[j]:
                continue  # sessions of one multisport file are never copies of each other
            can, need_place = compatible(sports[i], raws[i], sports[j], raws[j])
            if can and same_activity(mine, recordings[j], need_place):
                winner[i] = j
                break
        else:
            kept_rows.append(i)
            kept_start[n], kept_end[n] = mine.start_s, mine.end_s
    return pd.Series([labels[w] for w in winner], index=activities.index)
