"""A small FIT encoder: just the messages a watch writes for an activity.

riskload reads FIT with fitparse; writing the sample files with a separate,
independent encoder means the importer is tested against bytes it did not
produce itself. Field numbers, base types and scales follow the FIT profile
(messages ``file_id`` 0, ``session`` 18, ``lap`` 19, ``record`` 20,
``event`` 21 and ``activity`` 34).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import pandas as pd

#: Seconds between the Unix epoch and the FIT epoch (1989-12-31T00:00:00Z).
FIT_EPOCH_S = 631_065_600

#: base type id -> (struct code, invalid value)
BASE_TYPES = {
    0x00: ("B", 0xFF),  # enum
    0x02: ("B", 0xFF),  # uint8
    0x84: ("H", 0xFFFF),  # uint16
    0x85: ("i", 0x7FFFFFFF),  # sint32
    0x86: ("I", 0xFFFFFFFF),  # uint32
    0x8C: ("I", 0x00000000),  # uint32z
}

#: message name -> (global number, {field name: (field number, base type, scale, offset)})
MESSAGES = {
    "file_id": (0, {"type": (0, 0x00, 1, 0), "manufacturer": (1, 0x84, 1, 0), "product": (2, 0x84, 1, 0),
                    "serial_number": (3, 0x8C, 1, 0), "time_created": (4, 0x86, 1, 0)}),
    "event": (21, {"timestamp": (253, 0x86, 1, 0), "event": (0, 0x00, 1, 0), "event_type": (1, 0x00, 1, 0)}),
    "record": (20, {"timestamp": (253, 0x86, 1, 0), "position_lat": (0, 0x85, 1, 0), "position_long": (1, 0x85, 1, 0),
                    "altitude": (2, 0x84, 5, 500), "heart_rate": (3, 0x02, 1, 0), "cadence": (4, 0x02, 1, 0),
                    "distance": (5, 0x86, 100, 0), "speed": (6, 0x84, 1000, 0),
                    "fractional_cadence": (53, 0x02, 128, 0)}),
    "lap": (19, {"timestamp": (253, 0x86, 1, 0), "event": (0, 0x00, 1, 0), "event_type": (1, 0x00, 1, 0),
                 "start_time": (2, 0x86, 1, 0), "total_elapsed_time": (7, 0x86, 1000, 0),
                 "total_timer_time": (8, 0x86, 1000, 0), "total_distance": (9, 0x86, 100, 0),
                 "sport": (25, 0x00, 1, 0), "message_index": (254, 0x84, 1, 0)}),
    "session": (18, {"timestamp": (253, 0x86, 1, 0), "event": (0, 0x00, 1, 0), "event_type": (1, 0x00, 1, 0),
                     "start_time": (2, 0x86, 1, 0), "sport": (5, 0x00, 1, 0), "sub_sport": (6, 0x00, 1, 0),
                     "total_elapsed_time": (7, 0x86, 1000, 0), "total_timer_time": (8, 0x86, 1000, 0),
                     "total_distance": (9, 0x86, 100, 0), "avg_heart_rate": (16, 0x02, 1, 0),
                     "max_heart_rate": (17, 0x02, 1, 0), "avg_cadence": (18, 0x02, 1, 0),
                     "total_ascent": (22, 0x84, 1, 0), "total_descent": (23, 0x84, 1, 0),
                     "first_lap_index": (25, 0x84, 1, 0), "num_laps": (26, 0x84, 1, 0),
                     "message_index": (254, 0x84, 1, 0)}),
    "activity": (34, {"timestamp": (253, 0x86, 1, 0), "total_timer_time": (0, 0x86, 1000, 0),
                      "num_sessions": (1, 0x84, 1, 0), "type": (2, 0x00, 1, 0), "event": (3, 0x00, 1, 0),
                      "event_type": (4, 0x00, 1, 0), "local_timestamp": (5, 0x86, 1, 0)}),
}

SPORTS = {"generic": 0, "running": 1, "cycling": 2, "transition": 3, "training": 10}
SUB_SPORTS = {"generic": 0, "treadmill": 1, "street": 2, "trail": 3, "road": 7, "strength_training": 20}
EVENT_TIMER, EVENT_SESSION, EVENT_ACTIVITY, EVENT_LAP = 0, 8, 26, 9
START, STOP, STOP_ALL = 0, 1, 4


def fit_time(when: pd.Timestamp) -> int:
    """A tz-aware timestamp as FIT seconds."""
    return int(when.timestamp()) - FIT_EPOCH_S


def crc16(data: bytes, crc: int = 0) -> int:
    """FIT's checksum: CRC-16 with the reflected polynomial 0xA001 (CRC-16/ARC)."""
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


@dataclass
class FitWriter:
    """Collects messages and returns the bytes of a FIT file.

    Each message name gets its own local message type; a definition is
    written the first time a name appears with a given set of fields.
    """

    body: bytearray = field(default_factory=bytearray)
    _defined: dict = field(default_factory=dict)

    def add(self, name: str, **values) -> None:
        """Append one message; ``None`` values are written as FIT's invalid value."""
        number, spec = MESSAGES[name]
        names = tuple(values)
        local = list(MESSAGES).index(name)
        if self._defined.get(local) != names:
            self._define(local, number, [spec[n] for n in names])
            self._defined[local] = names
        self.body.append(local)
        for n in names:
            _, base, scale, offset = spec[n]
            code, invalid = BASE_TYPES[base]
            value = values[n]
            raw = invalid if value is None else int(round((value + offset) * scale))
            self.body += struct.pack("<" + code, raw)

    def _define(self, local: int, number: int, fields: list[tuple]) -> None:
        self.body += struct.pack("<BBBHB", 0x40 | local, 0, 0, number, len(fields))
        for field_number, base, _scale, _offset in fields:
            self.body += struct.pack("<BBB", field_number, struct.calcsize(BASE_TYPES[base][0]), base)

    def to_bytes(self) -> bytes:
        header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(self.body), b".FIT")
        header += struct.pack("<H", crc16(header))
        data = header + bytes(self.body)
        return data + struct.pack("<H", crc16(data))
