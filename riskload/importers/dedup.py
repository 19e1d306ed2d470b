"""The same activity arriving twice counts once."""

from __future__ import annotations

import pandas as pd

#: Two recordings are one activity when their time spans overlap by at least
#: this share of the shorter one (a watch and a bike computer, FIT and GPX of
#: one run, a re-upload).
MIN_OVERLAP_SHARE = 0.5
#: Recordings without a duration are the same when they start this close [s].
SAME_START_S = 60.0


def _compatible(a: str, b: str) -> bool:
    return a == b or "generic" in (a, b)


def find_duplicates(activities: pd.DataFrame) -> pd.Series:
    """For each activity, the id of the recording kept in its place.

    Parameters
    ----------
    activities : DataFrame
        ``activity_id``, ``source_path``, ``start_time``, ``end_time``,
        ``sport`` and ``richness`` (a sortable tuple: higher is richer).

    Returns
    -------
    Series
        Indexed like ``activities``: the index label of the row kept for each
        row's group (its own label when it is kept). Ties in richness go to
        the first ``source_path`` in sort order.
    """
    order = activities.sort_values("start_time", kind="stable").index
    parent = {i: i for i in activities.index}

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    starts, ends = activities["start_time"].to_dict(), activities["end_time"].to_dict()
    sports, paths = activities["sport"].to_dict(), activities["source_path"].to_dict()
    ids, richness = activities["activity_id"].to_dict(), activities["richness"].to_dict()
    open_rows: list = []
    for i in order:
        open_rows = [j for j in open_rows if ends[j] >= starts[i] - pd.Timedelta(seconds=SAME_START_S)]
        for j in open_rows:
            if not _compatible(sports[i], sports[j]):
                continue
            if paths[i] == paths[j]:
                continue  # sessions of one multisport file are never copies of each other
            overlap = (min(ends[i], ends[j]) - max(starts[i], starts[j])).total_seconds()
            shorter = min((ends[i] - starts[i]).total_seconds(), (ends[j] - starts[j]).total_seconds())
            same = overlap >= MIN_OVERLAP_SHARE * shorter if shorter > 0 else False
            same = same or abs((starts[i] - starts[j]).total_seconds()) <= SAME_START_S and shorter <= SAME_START_S
            if same or ids[i] == ids[j]:
                parent[find(i)] = find(j)
        open_rows.append(i)

    groups: dict = {}
    for i in activities.index:
        groups.setdefault(find(i), []).append(i)
    kept = {}
    for members in groups.values():
        by_path = sorted(members, key=lambda k: str(paths[k]))
        best = max(by_path, key=lambda k: richness[k])
        kept.update(dict.fromkeys(members, best))
    return pd.Series([kept[i] for i in activities.index], index=activities.index)
