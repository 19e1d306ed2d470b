"""One workout, several files: consecutive recordings of one sport joined into a session.

Some watches save a workout in parts: COROS writes a new file after a long
pause (in one real history 86 of 377 runs came in 2 to 5 files, 0.4 to 12
minutes apart), and Garmin histories hold warm-ups and main sets saved
separately. A coach counts one run. Every recording stays a row of the
activities table; ``session_id`` ties the parts together, and the load and
the rules count each session once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Two recordings of one sport at most this far apart [min] (end of one to
#: start of the next) are parts of one session. 15 minutes holds every pause
#: between the parts of split workouts seen in real histories (0.4-12 min)
#: and stays far below the hours between the two runs of a double day.
SESSION_GAP_MIN = 15.0

#: Families whose consecutive recordings are never joined: an unknown sport,
#: and the transitions of a multisport file.
NEVER_JOINED = frozenset({"other", "transition"})


def session_ids(activities: pd.DataFrame, gap_min: float = SESSION_GAP_MIN) -> pd.Series:
    """The session of each activity: the ``activity_id`` of its session's first part.

    An activity joins the session of the activity just before it (in start
    order, whatever its sport) when both are of the same sport family, not
    one of :data:`NEVER_JOINED`, and it starts no more than ``gap_min``
    minutes after that one ended (overlapping recordings are never joined:
    those are copies or separate things). ``gap_min = 0`` joins nothing.

    Parameters
    ----------
    activities : DataFrame
        ``activity_id``, ``sport``, ``start_time``, ``end_time``.

    Returns
    -------
    Series
        Indexed like ``activities``.
    """
    if activities.empty:
        return pd.Series([], index=activities.index, dtype="string")
    order = activities.sort_values("start_time", kind="stable")
    sport = order["sport"].astype(str).to_numpy()
    gap = (order["start_time"] - order["end_time"].shift()).dt.total_seconds().to_numpy() / 60.0
    joins = np.zeros(len(order), dtype=bool)
    joins[1:] = ((sport[1:] == sport[:-1]) & ~np.isin(sport[1:], list(NEVER_JOINED))
                 & (gap[1:] >= 0) & (gap[1:] <= gap_min))
    first = np.maximum.accumulate(np.where(~joins, np.arange(len(order)), 0))
    ids = order["activity_id"].to_numpy(dtype=object)[first]
    return pd.Series(ids, index=order.index, dtype="string").reindex(activities.index)


def join_sessions(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per session of ``runs`` (activity rows with ``session_id``).

    A session's row is its first part's, with ``activity_id`` the session's,
    the end of its last part, summed distance, times, climb and samples, the
    highest maximum heart rate, heart rate and cadence averaged over moving
    time, and ``part_ids`` listing every part in start order.
    """
    runs = runs.sort_values("start_time", kind="stable")
    key = runs["session_id"].fillna(runs["activity_id"])
    if not key.duplicated().any():  # every session in one part
        return runs.assign(activity_id=key.to_numpy(), part_ids=[[a] for a in runs["activity_id"]])
    # as objects: with pyarrow installed, pandas would make the lists an Arrow list column
    parts = runs["activity_id"].astype(object).groupby(key, sort=False).agg(list)
    single = key.map(parts.map(len)) == 1
    alone = runs[single.to_numpy()].assign(part_ids=[[a] for a in runs.loc[single.to_numpy(), "activity_id"]])
    many = runs[~single.to_numpy()].assign(_key=key[~single.to_numpy()].to_numpy())
    weight = many["moving_time_s"].fillna(0.0)
    many = many.assign(_hr=many["avg_heart_rate_bpm"] * weight, _hr_w=weight.where(many["avg_heart_rate_bpm"].notna()),
                       _cad=many["avg_cadence_spm"] * weight,
                       _cad_w=weight.where(many["avg_cadence_spm"].notna()))
    grouped = many.groupby("_key", sort=False)
    joined = grouped.first()
    sums = grouped[["distance_m", "moving_time_s", "n_samples", "_hr", "_hr_w", "_cad", "_cad_w"]].sum()
    for column in ("ascent_m", "descent_m"):
        joined[column] = grouped[column].sum(min_count=1)
    joined["distance_m"], joined["moving_time_s"], joined["n_samples"] = (sums["distance_m"], sums["moving_time_s"],
                                                                          sums["n_samples"])
    joined["end_time"] = grouped["end_time"].max()
    joined["elapsed_time_s"] = (joined["end_time"] - joined["start_time"]).dt.total_seconds()
    joined["max_heart_rate_bpm"] = grouped["max_heart_rate_bpm"].max()
    joined["avg_heart_rate_bpm"] = sums["_hr"] / sums["_hr_w"].replace(0.0, np.nan)
    joined["avg_cadence_spm"] = sums["_cad"] / sums["_cad_w"].replace(0.0, np.nan)
    joined["partial"] = grouped["partial"].any()
    joined["has_gps"] = grouped["has_gps"].any()
    joined["part_ids"] = parts.reindex(joined.index)
    joined = joined.drop(columns=["activity_id", "_hr", "_hr_w", "_cad", "_cad_w"]).reset_index(names="activity_id")
    together = pd.concat([alone.assign(activity_id=key[single.to_numpy()].to_numpy()), joined[alone.columns]],
                         ignore_index=True)
    return together.sort_values("start_time", kind="stable").reset_index(drop=True)


def samples_by_session(samples: pd.DataFrame, sessions: pd.DataFrame) -> pd.DataFrame:
    """``samples`` with each part's ``activity_id`` replaced by its session's (from :func:`join_sessions`)."""
    renamed = {part: session for session, parts in zip(sessions["activity_id"], sessions["part_ids"])
               for part in parts if part != session}
    if not renamed:
        return samples
    ids = samples["activity_id"].astype("category")
    categories = pd.Index([renamed.get(c, c) for c in ids.cat.categories], dtype=object)
    merged, codes = np.unique(categories.to_numpy(dtype=str), return_inverse=True)
    new_codes = np.where(ids.cat.codes.to_numpy() >= 0, codes[ids.cat.codes.to_numpy()], -1)
    return samples.assign(activity_id=pd.Categorical.from_codes(new_codes, categories=merged))
