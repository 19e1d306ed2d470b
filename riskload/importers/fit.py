"""FIT activity files (Garmin, COROS, Suunto, Wahoo...), read with fitparse.

fitparse's default data processor is used: it keeps metres and metres per
second (the standard-units processor would turn distances into km), and gives
``date_time`` fields as naive UTC datetimes.
"""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pandas as pd
from fitparse import FitFile
from fitparse.utils import FitCRCError, FitEOFError, FitHeaderError, FitParseError

from ..errors import CorruptFileError, NoActivityDataError, NotAnActivityError
from ..timeline import EARLIEST_PLAUSIBLE, RawActivity, tidy_samples
from ..sports import ON_FOOT_SPORTS, normalize_sport, raw_sport
from .fitfast import RETYPED_NOTE, checksums_hold, decode_clean, retype_misaligned_fields

#: FIT positions are signed 32-bit "semicircles": 2**31 of them make 180 degrees.
SEMICIRCLES_TO_DEG = 180.0 / 2**31
#: Seconds from the Unix epoch to the FIT epoch (1989-12-31T00:00:00Z).
FIT_EPOCH_S = 631_065_600
#: FIT ``date_time`` values below this count seconds from power-on, not from the epoch.
FIT_ABSOLUTE_TIME_MIN = 0x10000000


_RECORD_FIELDS = {
    "timestamp": "timestamp",
    "position_lat": "latitude_deg",
    "position_long": "longitude_deg",
    "enhanced_altitude": "altitude_m",
    "altitude": "altitude_m",
    "distance": "distance_m",
    "enhanced_speed": "speed_m_s",
    "speed": "speed_m_s",
    "heart_rate": "heart_rate_bpm",
    "cadence": "cadence",
    "fractional_cadence": "fractional_cadence",
    "power": "power_w",
}


def read_fit(data: bytes, path: str = "<bytes>") -> list[RawActivity]:
    """Read every activity (one per session) from the bytes of a FIT file.

    Parameters
    ----------
    data : bytes
        The whole file, uncompressed. Chained files (several FIT files back to
        back) are read as one.
    path : str
        Used in error messages only.

    Returns
    -------
    list of RawActivity
        One per session, in start order; one for a file with records but no
        session summary.

    Raises
    ------
    NotAnActivityError
        Settings, course, workout, monitoring, weight and other non-activity files.
    NoActivityDataError
        An activity file without a single usable timestamp.
    CorruptFileError
        Nothing could be decoded.
    """
    clean = decode_clean(data)
    if clean is not None:
        messages, notes, broke = clean.messages, [RETYPED_NOTE] if clean.retyped else [], ""
    else:
        messages, notes, broke = _decode(data, path)
    by_name: dict[str, list[dict]] = {}
    for message in messages:
        name = message.name
        if name in ("file_id", "session", "record", "activity", "sport", "lap", "user_profile"):
            by_name.setdefault(name, []).append(message.get_values())

    file_types = {str(m.get("type")) for m in by_name.get("file_id", []) if m.get("type") is not None}
    if file_types and "activity" not in file_types:
        kind = ", ".join(sorted(file_types))
        raise NotAnActivityError(path, f"a FIT {kind} file, not a recorded activity")

    anchor = _relative_clock_anchor(by_name.get("activity", []))
    if anchor is not None:
        notes.append("the device clock was never set: times rebuilt from its local clock, UTC offset unknown")
    sessions = _sessions(by_name.get("session", []), anchor)
    if clean is not None:
        records = _records_from_arrays(clean.records, anchor)
    else:
        records = _records(by_name.get("record", []), anchor)
    if not sessions and records.empty:
        if broke:
            raise CorruptFileError(path, f"no activity could be decoded ({broke})")
        if not messages:
            raise NoActivityDataError(path, "the FIT file holds no messages")
        raise NoActivityDataError(path, "no session and no timestamped record: nothing to place in time")

    if broke:
        notes.append(f"the file is damaged ({broke}); everything before the damage was kept")
    device = _device(by_name.get("file_id", []))
    resting = _profile_resting_hr_bpm(by_name.get("user_profile", []))
    for session in sessions:
        session["totals"]["profile_resting_hr_bpm"] = resting
    offset = 0.0 if anchor is not None else _utc_offset_min(by_name.get("activity", []))
    if not sessions:
        sport_msgs = by_name.get("sport", []) or by_name.get("lap", [])
        named = (_first(sport_msgs, "sport"), _first(sport_msgs, "sub_sport"))
        sport, sub = normalize_sport(*named)
        sessions = [{"sport": sport, "sub_sport": sub, "sport_raw": raw_sport(*named), "start_time": None,
                     "totals": {"profile_resting_hr_bpm": resting}}]
        notes.append("no session summary: totals computed from the records")

    starts = [s["start_time"] for s in sessions]
    if not records.empty and all(s is not None for s in starts):
        at = records["timestamp"].astype("int64").to_numpy()
        owner = np.searchsorted(np.array([s.value for s in starts]), at, side="right") - 1
        owner = np.clip(owner, 0, len(sessions) - 1)
    else:
        owner = np.zeros(len(records), dtype=int)

    activities = []
    for i, session in enumerate(sessions):
        own = records[owner == i].copy()
        if session["sport"] in ON_FOOT_SPORTS:
            own["cadence_spm"] = 2.0 * (own["cadence"] + own["fractional_cadence"].fillna(0.0))
        own["segment"] = i
        own_notes = list(notes)
        samples = tidy_samples(own, own_notes)
        start = session["start_time"]
        if start is None and samples.empty:
            continue
        elapsed = session["totals"].get("elapsed_time_s")
        summarised = start is not None and elapsed is not None
        # damage is harmless when the device's summary covers the whole session
        # and the samples reach its end; otherwise values may be incomplete
        reaches_end = summarised and not samples.empty and (
            samples["timestamp"].iloc[-1] >= start + pd.Timedelta(seconds=elapsed - 60)
        )
        partial = bool(broke) and not (summarised and (reaches_end or samples.empty))
        activities.append(
            RawActivity(
                samples=samples,
                sport=session["sport"],
                sub_sport=session["sub_sport"],
                sport_raw=session["sport_raw"],
                start_time=start,
                totals=session["totals"],
                utc_offset_min=offset,
                device=device,
                partial=partial,
                notes=own_notes,
            )
        )
    if not activities:
        raise NoActivityDataError(path, "no session or record carries a valid timestamp")
    return activities


def _decode(data: bytes, path: str) -> tuple[list, list[str], str]:
    """All messages fitparse can read, the notes to keep, and why it stopped early.

    fitparse checks the checksums only where :func:`~.fitfast.checksums_hold`
    does not find them right: its own check, byte by byte in Python, took a
    tenth of this decoding on a real history.

    Two known failures are worked around by decoding again: a checksum
    mismatch (read again without checking; the mismatch becomes a note), and
    fitparse 1.2.0 rejecting a field whose size is not a multiple of its base
    type's size, which real COROS files contain (such fields are retyped as raw
    bytes, see :func:`retype_misaligned_fields`).
    """
    notes: list[str] = []
    check_crc = not checksums_hold(data)
    for _attempt in range(3):
        try:
            fit = FitFile(io.BytesIO(data), check_crc=check_crc)
        except FitCRCError:
            notes.append("header checksum mismatch")
            check_crc = False
            continue
        except (FitParseError, EOFError) as exc:
            raise CorruptFileError(path, f"not a readable FIT file ({_plain(exc)})") from exc
        messages: list = []
        try:
            for message in fit.get_messages():
                messages.append(message)
        except FitCRCError:
            if check_crc:
                notes.append("file checksum mismatch: content decoded, integrity unverified")
                check_crc = False
                continue
            return messages, notes, "checksum mismatch"
        except FitHeaderError as exc:
            return messages, notes, f"a chained file's header is damaged ({_plain(exc)})"
        except FitEOFError:
            return messages, notes, "the file ends in the middle of a message"
        except FitParseError as exc:
            if "Invalid field size" in str(exc) and check_crc is not None:
                data = retype_misaligned_fields(data)
                notes.append(RETYPED_NOTE)
                check_crc = None  # rewritten bytes no longer match the checksum
                continue
            return messages, notes, f"decoding stopped: {_plain(exc)}"
        except (ValueError, KeyError, IndexError, TypeError, AttributeError, OverflowError) as exc:
            # fitparse raises more than its own errors on malformed input
            return messages, notes, f"decoding stopped: {_plain(exc)}"
        return messages, notes, ""
    raise CorruptFileError(path, "the file could not be decoded")


def _plain(exc: Exception) -> str:
    return str(exc).strip() or type(exc).__name__


def _timestamp(value, anchor: pd.Timestamp | None = None) -> pd.Timestamp | None:
    """A UTC time from a fitparse value; a relative count of seconds needs ``anchor``."""
    if isinstance(value, int) and not isinstance(value, bool) and anchor is not None:
        return anchor + pd.Timedelta(seconds=value)
    if not isinstance(value, dt.datetime):
        return None
    stamp = pd.Timestamp(value, tz="UTC") if value.tzinfo is None else pd.Timestamp(value).tz_convert("UTC")
    return stamp if stamp >= EARLIEST_PLAUSIBLE else None


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _first(messages: list[dict], key: str):
    for message in messages:
        if message.get(key) is not None:
            return message[key]
    return None


def _sessions(messages: list[dict], anchor: pd.Timestamp | None) -> list[dict]:
    sessions, seen = [], set()
    for m in messages:
        sport, sub = normalize_sport(m.get("sport"), m.get("sub_sport"))
        elapsed = _number(m.get("total_elapsed_time"))
        start = _timestamp(m.get("start_time"), anchor)
        end = _timestamp(m.get("timestamp"), anchor)
        if start is None and end is not None and elapsed is not None:
            start = end - pd.Timedelta(seconds=elapsed)
        cadence = _number(m.get("avg_running_cadence")) or _number(m.get("avg_cadence"))
        if cadence is not None:
            cadence += _number(m.get("avg_fractional_cadence")) or 0.0
            if sport in ON_FOOT_SPORTS:
                cadence *= 2.0
        key = (start, sport, sub, elapsed)
        if key in seen:  # chained files may repeat a session
            continue
        seen.add(key)
        sessions.append(
            {
                "sport": sport,
                "sub_sport": sub,
                "sport_raw": raw_sport(m.get("sport"), m.get("sub_sport")),
                "start_time": start,
                "totals": {
                    "elapsed_time_s": elapsed,
                    "moving_time_s": _number(m.get("total_moving_time")) or _number(m.get("total_timer_time")),
                    "distance_m": _number(m.get("total_distance")),
                    "ascent_m": _number(m.get("total_ascent")),
                    "descent_m": _number(m.get("total_descent")),
                    "avg_heart_rate_bpm": _number(m.get("avg_heart_rate")),
                    "max_heart_rate_bpm": _number(m.get("max_heart_rate")),
                    "avg_cadence_spm": cadence if sport in ON_FOOT_SPORTS else None,
                },
            }
        )
    if any(s["start_time"] is None for s in sessions):
        timed = [s for s in sessions if s["start_time"] is not None]
        sessions = timed if timed else sessions[:1]
    return sorted(sessions, key=lambda s: s["start_time"] or EARLIEST_PLAUSIBLE)


def _records(messages: list[dict], anchor: pd.Timestamp | None) -> pd.DataFrame:
    rows = []
    for m in messages:
        row = {}
        for key, column in _RECORD_FIELDS.items():
            value = m.get(key)
            if value is not None and column not in row:
                row[column] = value
        rows.append(row)
    columns = dict.fromkeys(_RECORD_FIELDS.values())
    frame = pd.DataFrame(rows, columns=list(columns))
    frame["timestamp"] = [_timestamp(v, anchor) for v in frame["timestamp"]]
    frame = frame[frame["timestamp"].notna()].copy()
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    for column in ("latitude_deg", "longitude_deg"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce") * SEMICIRCLES_TO_DEG
    for column in ("altitude_m", "distance_m", "speed_m_s", "heart_rate_bpm", "cadence", "fractional_cadence",
                   "power_w"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    frame["cadence_spm"] = np.nan
    return frame.sort_values("timestamp", kind="stable").reset_index(drop=True)


def _records_from_arrays(arrays: dict[str, np.ndarray], anchor: pd.Timestamp | None) -> pd.DataFrame:
    """:func:`_records` for the record fields :func:`~riskload.importers.fitfast.decode_clean` decoded."""
    raw = arrays["timestamp"]
    absolute = raw >= FIT_ABSOLUTE_TIME_MIN
    seconds = np.where(absolute, raw + FIT_EPOCH_S, -1)
    stamps = pd.to_datetime(np.where(absolute, seconds, 0), unit="s", utc=True)
    keep = absolute & (stamps >= EARLIEST_PLAUSIBLE)
    if anchor is not None:
        relative = (raw >= 0) & ~absolute
        stamps = stamps.where(~relative, anchor + pd.to_timedelta(np.where(relative, raw, 0), unit="s"))
        keep |= relative
    frame = pd.DataFrame({"timestamp": stamps[keep]})
    for key, column in _RECORD_FIELDS.items():
        if key == "timestamp":
            continue
        values = arrays[key][keep]
        frame[column] = values if column not in frame else frame[column].where(frame[column].notna(), values)
    for column in ("latitude_deg", "longitude_deg"):
        frame[column] = frame[column] * SEMICIRCLES_TO_DEG
    frame["cadence_spm"] = np.nan
    return frame.sort_values("timestamp", kind="stable").reset_index(drop=True)


def _profile_resting_hr_bpm(profiles: list[dict]) -> float | None:
    """The resting heart rate in the watch's user profile [bpm]; 0 (never measured) and nonsense are None.

    Garmin watches measure it from the wearer's days and copy it into each
    activity file, so it is the runner's own figure, not a default.
    """
    for profile in profiles:
        value = _number(profile.get("resting_heart_rate"))
        if value is not None and 25 <= value <= 120:
            return value
    return None


def _device(file_ids: list[dict]) -> str:
    if not file_ids:
        return ""
    first = file_ids[0]
    maker = first.get("manufacturer")
    product = first.get("garmin_product") or first.get("product_name") or first.get("product")
    maker_text = f"manufacturer {maker}" if isinstance(maker, int) else str(maker or "")
    product_text = f"product {product}" if isinstance(product, int) else str(product or "")
    return " ".join(part for part in (maker_text, product_text) if part)


def _relative_clock_anchor(activities: list[dict]) -> pd.Timestamp | None:
    """Where a device without a set clock counted from, as a local wall time.

    Such devices (old Forerunners) write seconds since power-on instead of
    dates, but still stamp ``activity.local_timestamp`` with the local time of
    day they were given. Anchoring the counter there puts the activity on the
    right local date; its UTC offset stays unknown and is taken as zero.
    """
    for m in activities:
        relative, local = m.get("timestamp"), m.get("local_timestamp")
        if isinstance(relative, int) and not isinstance(relative, bool) and isinstance(local, dt.datetime):
            anchor = pd.Timestamp(local, tz="UTC") - pd.Timedelta(seconds=relative)
            if anchor >= EARLIEST_PLAUSIBLE - pd.Timedelta(days=400):
                return anchor
    return None


def _utc_offset_min(activities: list[dict]) -> float | None:
    """The device's UTC offset [min] from ``activity.local_timestamp``, if recorded."""
    for m in activities:
        utc, local = m.get("timestamp"), m.get("local_timestamp")
        if isinstance(utc, dt.datetime) and isinstance(local, dt.datetime):
            minutes = (local - utc).total_seconds() / 60.0
            minutes = round(minutes / 15.0) * 15.0
            if abs(minutes) <= 14 * 60:
                return minutes
    return None
