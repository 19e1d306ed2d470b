"""Which calendar day an activity belongs to, in the athlete's own time."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from ..settings import check_timezone


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

