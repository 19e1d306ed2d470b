"""Which calendar day an activity belongs to, in the athlete's own time."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from ..settings import check_timezone
from ..wording import counted


def localize(activities: pd.DataFrame, timezone: str | None = None) -> pd.DataFrame:
    """Add ``start_time_local`` (naive wall time), ``local_date`` and their source.

    The offset the device recorded (``utc_offset_min``, from FIT
    ``activity.local_timestamp``) wins; otherwise the athlete's configured
    IANA ``timezone``; otherwise this machine's zone, with its own daylight
    saving rules for each date. A run at 23:30 local time on a Sunday belongs
    to that Sunday.

    Raises
    ------
    ConfigError
        ``timezone`` is not a known IANA zone name.
    """
    if timezone:
        check_timezone(timezone)  # a wrong zone is an error even when every file carries its own offset
    out = activities.copy()
    start = pd.to_datetime(out["start_time"], utc=True)
    device = out["utc_offset_min"].notna()
    local = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
    source = pd.Series("device", index=out.index, dtype="string")
    if device.any():
        shifted = start[device] + pd.to_timedelta(out.loc[device, "utc_offset_min"].astype(float), unit="min")
        local[device] = shifted.dt.tz_localize(None).astype("datetime64[ns]")
    rest = ~device
    if rest.any():
        if timezone:
            zone = ZoneInfo(timezone)
            converted = start[rest].dt.tz_convert(zone)
            source[rest] = "settings"
        else:
            converted = pd.Series(
                [stamp.to_pydatetime().astimezone() for stamp in start[rest]], index=start[rest].index, dtype=object
            )
            source[rest] = "machine"
        offsets = np.array([ts.utcoffset().total_seconds() / 60.0 for ts in converted])
        local[rest] = [ts.replace(tzinfo=None) for ts in converted]
        out.loc[rest, "utc_offset_min"] = offsets
    out["start_time_local"] = local.astype("datetime64[ns]")
    out["local_date"] = out["start_time_local"].dt.normalize()
    out["local_time_source"] = source
    return out


#: Hours between the sun's time where an activity was recorded and the UTC offset its day was counted in beyond
#: which that offset is taken for a wrong guess. Official zones stray from the sun by up to about 3 h (Beijing time
#: at Kashgar, 76° E, is 2.9 h ahead of the sun; summer time in Galicia 2.5 h), a wrong zone mostly by more.
SUN_GAP_H = 3.5


def sun_time_gap(activities: pd.DataFrame, samples: pd.DataFrame) -> tuple[int, float, float] | None:
    """Whether the days of the activities counted in this computer's zone are likely wrong, judged by where
    they were recorded: of those with a position, how many lie more than :data:`SUN_GAP_H` from the sun's time
    (its longitude / 15° an hour), the median longitude of those and their median gap in hours (the sun ahead
    of the offset used when positive); None when none does.
    """
    guessed = activities[activities["local_time_source"] == "machine"]
    if guessed.empty or "longitude_deg" not in samples:
        return None
    own = samples[samples["activity_id"].isin(guessed["activity_id"]) & samples["longitude_deg"].notna()]
    first = own.groupby("activity_id", observed=True)["longitude_deg"].first()
    if first.empty:
        return None
    used_h = guessed.set_index("activity_id")["utc_offset_min"].reindex(first.index).astype(float) / 60.0
    gap_h = first / 15.0 - used_h
    far = ((gap_h + 12.0) % 24.0 - 12.0).abs() > SUN_GAP_H  # a day apart is near: UTC+13 at 172° W (date line)
    if not far.any():
        return None
    return int(far.sum()), float(first[far].median()), float(gap_h[far].median())


def wrong_zone_warnings(activities: pd.DataFrame, samples: pd.DataFrame) -> list[str]:
    """A warning when :func:`sun_time_gap` finds days most likely counted in the wrong time zone; else none."""
    gap = sun_time_gap(activities, samples)
    if gap is None:
        return []
    count, longitude_deg, gap_h = gap
    where = f"{abs(longitude_deg):.0f}° {'E' if longitude_deg >= 0 else 'W'}"
    return [f"{counted(count, 'activity', 'activities')} without a UTC offset {'was' if count == 1 else 'were'} "
            f"recorded around longitude {where}, where the sun's time is {abs(gap_h):.0f} hours "
            f"{'ahead of' if gap_h > 0 else 'behind'} the time their days were counted in (this computer's): most "
            "likely the runner lives in another time zone, and activities early or late in the day were counted on the "
            "wrong day. Set athlete.timezone in riskload.toml or give --timezone."]
