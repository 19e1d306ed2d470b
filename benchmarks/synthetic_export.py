"""An export folder of N one-hour 1 Hz FIT runs, written fast with numpy.

Each run is one session of 3,600 records carrying position, altitude,
heart rate, cadence, distance and speed, like a GPS watch writes. Runs are
spread evenly over ``years`` (at most one a day, so none duplicates another)
and differ in pace, hills and heart rate. The same arguments always give the
same bytes.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pandas as pd

from riskload.importers.fitfast import crc16

#: Seconds between the Unix epoch and the FIT epoch (1989-12-31T00:00:00Z).
FIT_EPOCH_S = 631_065_600
SEMICIRCLES_PER_DEG = 2**31 / 180.0
RUN_SECONDS = 3600
#: A Monday early enough that fourteen years of runs end before today (later ones would be refused as
#: dated in the future).
FIRST_START = pd.Timestamp("2012-01-02 06:30", tz="UTC")

# (field number, size, base type) per message, and the numpy layout of a record
_FILE_ID = [(0, 1, 0x00), (1, 2, 0x84), (2, 2, 0x84), (3, 4, 0x8C), (4, 4, 0x86)]
_RECORD = [(253, 4, 0x86), (0, 4, 0x85), (1, 4, 0x85), (2, 2, 0x84), (3, 1, 0x02), (4, 1, 0x02),
           (5, 4, 0x86), (6, 2, 0x84), (53, 1, 0x02)]
_RECORD_DTYPE = np.dtype([("header", "u1"), ("timestamp", "<u4"), ("lat", "<i4"), ("lon", "<i4"), ("altitude", "<u2"),
                          ("heart_rate", "u1"), ("cadence", "u1"), ("distance", "<u4"), ("speed", "<u2"),
                          ("fractional_cadence", "u1")])
_SESSION = [(253, 4, 0x86), (2, 4, 0x86), (5, 1, 0x00), (6, 1, 0x00), (7, 4, 0x86), (8, 4, 0x86), (9, 4, 0x86),
            (16, 1, 0x02), (17, 1, 0x02), (18, 1, 0x02), (22, 2, 0x84), (23, 2, 0x84)]
_ACTIVITY = [(253, 4, 0x86), (0, 4, 0x86), (1, 2, 0x84), (2, 1, 0x00), (5, 4, 0x86)]


def _definition(local: int, global_number: int, fields: list[tuple]) -> bytes:
    out = struct.pack("<BBBHB", 0x40 | local, 0, 0, global_number, len(fields))
    return out + b"".join(struct.pack("<BBB", *f) for f in fields)


def fit_run(start: pd.Timestamp, rng: np.random.Generator, seconds: int = RUN_SECONDS) -> bytes:
    """The bytes of one FIT file holding a 1 Hz run of ``seconds`` (one hour) starting at ``start`` (UTC)."""
    t = np.arange(seconds)
    pace_m_s = rng.uniform(2.6, 3.4)
    speed = np.clip(pace_m_s + 0.3 * np.sin(t / rng.uniform(200, 400)) + rng.normal(0, 0.05, t.size), 1.5, 5.0)
    distance = np.cumsum(speed)
    hill_m = rng.uniform(5, 60)
    altitude = 550 + hill_m * np.sin(distance / rng.uniform(800, 2500))
    heart_rate = np.clip(120 + 35 * (1 - np.exp(-t / 400)) + 8 * (speed - pace_m_s) + rng.normal(0, 2, t.size), 60, 200)
    cadence_spm = np.clip(160 + 6 * (speed - 2.5) + rng.normal(0, 1.5, t.size), 130, 200)
    angle = distance / 6000.0 * 2 * np.pi  # a 6 km loop
    lat = 47.26 + 0.009 * np.sin(angle)
    lon = 11.39 + 0.013 * (1 - np.cos(angle))
    first = int(start.timestamp()) - FIT_EPOCH_S

    records = np.zeros(seconds, dtype=_RECORD_DTYPE)
    records["header"] = 1
    records["timestamp"] = first + t
    records["lat"] = np.round(lat * SEMICIRCLES_PER_DEG)
    records["lon"] = np.round(lon * SEMICIRCLES_PER_DEG)
    records["altitude"] = np.round((altitude + 500) * 5)
    records["heart_rate"] = np.round(heart_rate)
    per_leg = cadence_spm / 2.0
    records["cadence"] = np.floor(per_leg)
    records["fractional_cadence"] = np.round((per_leg - np.floor(per_leg)) * 128)
    records["distance"] = np.round(distance * 100)
    records["speed"] = np.round(speed * 1000)

    end = first + seconds - 1
    climb = np.diff(altitude)
    body = bytearray()
    body += _definition(0, 0, _FILE_ID)
    body += struct.pack("<BBHHII", 0, 4, 1, 4315, 3_900_000_001, first)
    body += _definition(1, 20, _RECORD)
    body += records.tobytes()
    body += _definition(2, 18, _SESSION)
    body += struct.pack("<BIIBBIIIBBBHH", 2, end, first, 1, 0, (seconds - 1) * 1000, (seconds - 1) * 1000,
                        int(round(distance[-1] * 100)), int(round(heart_rate.mean())), int(round(heart_rate.max())),
                        int(round(per_leg.mean())), int(round(climb[climb > 0].sum())),
                        int(round(-climb[climb < 0].sum())))
    body += _definition(3, 34, _ACTIVITY)
    body += struct.pack("<BIIHBI", 3, end, (seconds - 1) * 1000, 1, 0, end + 3600)
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    header += struct.pack("<H", crc16(header))
    data = header + bytes(body)
    return data + struct.pack("<H", crc16(data))


def run_start(index: int, days_apart: float) -> pd.Timestamp:
    """When run number ``index`` starts, ``days_apart`` after the one before (on average)."""
    return FIRST_START + pd.Timedelta(days=int(index * max(days_apart, 1.0)))


def write_runs(folder: Path, first: int, count: int, days_apart: float, seed: int = 1,
               seconds: int = RUN_SECONDS) -> list[Path]:
    """Write runs ``first`` .. ``first + count - 1``, each ``seconds`` long, into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(first, first + count):
        rng = np.random.default_rng([seed, index])
        path = folder / f"{index:05d}_RUN.fit"
        path.write_bytes(fit_run(run_start(index, days_apart), rng, seconds))
        paths.append(path)
    return paths
