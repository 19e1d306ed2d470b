"""Small made-up histories for rule tests: a run is a line of keywords.

Runs are summarised by riskload's own summariser (through
:func:`riskload.importers.export_from_raw`), so rules see exactly what an
import would give them. All times are UTC, so local dates equal UTC dates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from riskload.analysis import Analysis
from riskload.importers import export_from_raw
from riskload.rules import run_rules
from riskload.load import build_load
from riskload.settings import Settings
from riskload.timeline import RawActivity

MONDAY = pd.Timestamp("2026-01-05")  # a Monday
STEP_S = 20


def run(day: int, km: float, *, hour: float = 8, speed_m_s: float = 3.0, hr_bpm: float = 140.0,
        hard_min: float = 0.0, hard_hr_bpm: float = 178.0, warmup: bool = True, warmup_factor: float = 0.85,
        cadence_spm: float | None = 170.0, ascent_m: float = 0.0, steep_m: float = 0.0, gear: str = "",
        step_s: int = STEP_S) -> RawActivity:
    """A run ``day`` days after :data:`MONDAY`.

    The first 10 minutes run at ``warmup_factor`` of the speed (unless ``warmup`` is False), then
    ``hard_min`` minutes at ``hard_hr_bpm``, the rest at ``hr_bpm``.
    ``steep_m`` adds a climb at +15 % and a descent of that height at -12 %;
    ``ascent_m`` is the device's total ascent.
    """
    start = (MONDAY + pd.Timedelta(days=day, hours=hour)).tz_localize("UTC")
    distance, t, rows = 0.0, 0.0, []
    total = km * 1000
    while True:
        warm = warmup and t < 600
        speed = speed_m_s * (warmup_factor if warm else 1.0)
        hard = not warm and (t - (600 if warmup else 0)) < hard_min * 60
        rows.append((t, distance, speed, hard_hr_bpm if hard else (hr_bpm - 15 if warm else hr_bpm)))
        if distance >= total:
            break
        step = min(step_s, (total - distance) / speed)
        t += step
        distance = min(total, distance + speed * step)
    return _running(rows, start, steep_m=steep_m, ascent_m=ascent_m, cadence_spm=cadence_spm, gear=gear)


def session(day: int, *parts: tuple[float, float, float], hour: float = 8) -> RawActivity:
    """A run ``day`` days after :data:`MONDAY` made of ``parts``, each ``(minutes, speed_m_s, hr_bpm)``:
    an interval session, say, with its warm-up, repeats, recoveries and cool-down."""
    start = (MONDAY + pd.Timedelta(days=day, hours=hour)).tz_localize("UTC")
    distance, t, rows = 0.0, 0.0, []
    for minutes, speed, hr in parts:
        for _ in range(int(minutes * 60 / STEP_S)):
            rows.append((t, distance, speed, hr))
            t, distance = t + STEP_S, distance + speed * STEP_S
    rows.append((t, distance, parts[-1][1], parts[-1][2]))
    return _running(rows, start)


def _running(rows: list, start: pd.Timestamp, *, steep_m: float = 0.0, ascent_m: float = 0.0,
             cadence_spm: float | None = 170.0, gear: str = "") -> RawActivity:
    """The running activity of ``rows`` of ``(s, distance_m, speed_m_s, heart_rate_bpm)`` from ``start``."""
    frame = pd.DataFrame(rows, columns=["s", "distance_m", "speed_m_s", "heart_rate_bpm"])
    total = float(frame["distance_m"].iloc[-1])
    up, down = steep_m / 0.15, steep_m / 0.12
    d = frame["distance_m"].to_numpy()
    frame["altitude_m"] = 500 + np.interp(d, [0, up, up + down, total + 1], [0, steep_m, 0, 0])
    frame["cadence_spm"] = cadence_spm if cadence_spm is not None else np.nan
    frame["timestamp"] = start + pd.to_timedelta(frame["s"].round(3), unit="s")
    samples = frame.drop(columns="s")
    elapsed = float(frame["s"].iloc[-1])
    totals = {"distance_m": total, "elapsed_time_s": elapsed, "moving_time_s": elapsed,
              "ascent_m": ascent_m + steep_m, "descent_m": ascent_m + steep_m}
    raw = RawActivity(samples=samples, sport="running", sub_sport="", start_time=start, totals=totals,
                      utc_offset_min=0.0, device="test")
    raw.gear = gear
    return raw


def strength(day: int, minutes: float = 40) -> RawActivity:
    """A strength session in the evening of ``day``."""
    start = (MONDAY + pd.Timedelta(days=day, hours=18)).tz_localize("UTC")
    t = np.arange(0, minutes * 60 + 1, 60)
    samples = pd.DataFrame({"timestamp": start + pd.to_timedelta(t, unit="s"), "heart_rate_bpm": 110.0})
    return RawActivity(samples=samples, sport="strength", sub_sport="strength_training", start_time=start,
                       totals={"elapsed_time_s": float(t[-1]), "moving_time_s": float(t[-1])},
                       utc_offset_min=0.0, device="test")


def weeks(*distances_km: float, runs_per_week: int = 4, first_day: int = 0, **kwargs) -> list[RawActivity]:
    """Runs giving these weekly distances: equal runs on Tue, Thu, Sat and Sun (or fewer)."""
    days = (1, 3, 5, 6)[:runs_per_week]
    out = []
    for week, total in enumerate(distances_km):
        if total <= 0:
            continue
        for day in days:
            out.append(run(first_day + 7 * week + day, total / len(days), **kwargs))
    return out


def export_of(activities: list[RawActivity], session_gap_min: float = Settings.session_gap_min):
    """The Export of these activities, with each run's ``gear``."""
    export = export_from_raw(activities, timezone="UTC", session_gap_min=session_gap_min)
    gear = [getattr(raw, "gear", "") for raw in sorted(activities, key=lambda r: r.start_time)]
    acts = export.activities.sort_values("start_time").reset_index(drop=True)
    if len(gear) == len(acts):
        export.activities["gear"] = pd.Series(gear, dtype="string").where(lambda g: g != "").to_numpy()
    return export


def history(activities: list[RawActivity], as_of: str = "2030-01-01", **settings):
    """The :class:`~riskload.load.Load` of these activities."""
    settings.setdefault("max_hr_bpm", 190.0)
    settings.setdefault("resting_hr_bpm", 50.0)
    chosen = Settings(**settings)
    return build_load(export_of(activities, chosen.session_gap_min), chosen, as_of=as_of)


def analysis(activities: list[RawActivity], as_of: str, athlete: str = "Test Runner", **settings):
    """A full :class:`~riskload.Analysis` of these activities, as ``riskload.analyze`` would give."""
    settings.setdefault("max_hr_bpm", 190.0)
    settings.setdefault("resting_hr_bpm", 50.0)
    chosen = Settings(**settings)
    export = export_of(activities, chosen.session_gap_min)
    load = build_load(export, chosen, as_of=as_of)
    result = run_rules(load, athlete=athlete)
    return Analysis(athlete, chosen, export, load, result.flags, result.not_run, result.thresholds,
                    list(load.notes))
