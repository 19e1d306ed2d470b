"""Simulate one workout as the samples a watch would record.

A workout is a list of phases (warm-up, steady running, tempo, intervals...).
Each step the runner's speed follows the phase and the grade of the route,
heart rate follows the effort with a lag and drifts upward over long runs, and
cadence follows speed. Everything random comes from the generator passed in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .routes import Route


@dataclass(frozen=True)
class Athlete:
    """The physiology the simulation needs."""

    max_hr_bpm: float
    rest_hr_bpm: float
    easy_speed_m_s: float
    tempo_speed_m_s: float
    interval_speed_m_s: float
    cadence_spm: float  # at easy speed
    step_s: int = 5  # recording interval


@dataclass(frozen=True)
class Phase:
    """Run at ``speed_m_s`` with heart rate heading to ``hr_fraction`` of max.

    The phase lasts ``duration_s`` or, when that is None, until the workout's
    planned distance is reached.
    """

    label: str
    speed_m_s: float
    hr_fraction: float
    duration_s: float | None = None


WARMUP_S = 10 * 60


def running_phases(kind: str, athlete: Athlete, warmup: bool = True, tempo_min: float = 25,
                   repeats: int = 6, fast_finish_min: float = 0) -> list[Phase]:
    """The phases of a run of one kind: ``easy``, ``long``, ``tempo`` or ``intervals``.

    Every run starts with ten minutes at least 10 % slower than what follows,
    unless ``warmup`` is False (then it starts at the main pace).
    """
    easy, tempo = athlete.easy_speed_m_s, athlete.tempo_speed_m_s
    phases = [Phase("warm-up", 0.86 * easy, 0.66, WARMUP_S)] if warmup else []
    if kind == "easy":
        phases.append(Phase("easy", easy, 0.72))
    elif kind == "long":
        if fast_finish_min:
            # run easy, then the last minutes at tempo: split by distance later
            phases.append(Phase("long", 0.97 * easy, 0.73, None))
            phases.append(Phase("fast finish", tempo, 0.88, fast_finish_min * 60))
        else:
            phases.append(Phase("long", 0.97 * easy, 0.73))
    elif kind == "tempo":
        phases.append(Phase("tempo", tempo, 0.885, tempo_min * 60))
        phases.append(Phase("cool-down", 0.95 * easy, 0.72))
    elif kind == "intervals":
        for _ in range(repeats):
            phases.append(Phase("interval", athlete.interval_speed_m_s, 0.93, 180))
            phases.append(Phase("jog", 0.85 * easy, 0.72, 120))
        phases.append(Phase("cool-down", 0.95 * easy, 0.72))
    else:
        raise ValueError(f"unknown run kind {kind!r}")
    return phases


def simulate(phases: list[Phase], route: Route, distance_m: float | None, athlete: Athlete,
             rng: np.random.Generator, *, cadence_factor: float = 1.0, drift_per_h: float = 0.02,
             pause_at_m: float | None = None, hr_start_fraction: float = 0.55, cadence_per_leg: bool = True,
             cadence_rpm: float | None = None) -> pd.DataFrame:
    """Samples of one workout on ``route``, ending exactly at ``distance_m``.

    Returns
    -------
    DataFrame
        ``elapsed_s`` (int, from the start, pauses included), ``distance_m``,
        ``speed_m_s``, ``latitude_deg``, ``longitude_deg``, ``altitude_m``,
        ``heart_rate_bpm``, ``cadence_spm`` (or the bike's rpm). Rows stop
        during a pause, as a watch with auto-pause does.
    """
    # an open-ended phase before a timed last phase (a long run's fast finish)
    # ends where the timed phase must start to finish at the planned distance
    end_of_open = None
    if distance_m is not None and phases and phases[-1].duration_s and any(p.duration_s is None for p in phases):
        end_of_open = distance_m - phases[-1].duration_s * phases[-1].speed_m_s
    step = athlete.step_s
    t, d, hr = 0.0, 0.0, hr_start_fraction * athlete.max_hr_bpm
    first_cadence = cadence_rpm if cadence_rpm is not None else cadence_factor * athlete.cadence_spm
    rows = [(0, 0.0, 0.0, 0.0, hr, first_cadence)]
    paused = pause_at_m is None
    index, phase_t = 0, 0.0
    while index < len(phases):
        phase = phases[index]
        grade = float(route.grade(np.array([d]))[0])
        effort = 1.0 - 2.5 * grade if grade > 0 else 1.0 + 1.0 * (-grade)
        speed = phase.speed_m_s * effort * (1.0 + rng.normal(0.0, 0.015))
        t += step
        phase_t += step
        d += speed * step
        last = distance_m is not None and d >= distance_m
        if last:
            t -= (d - distance_m) / speed
            d = distance_m
        target = phase.hr_fraction + 0.5 * max(grade, 0.0) - 0.2 * max(-grade, 0.0) + drift_per_h * t / 3600
        hr += (target * athlete.max_hr_bpm - hr) * (1.0 - math.exp(-step / 45.0))
        if cadence_rpm is not None:
            cadence = cadence_rpm + rng.normal(0.0, 2.0)
        else:
            cadence = cadence_factor * athlete.cadence_spm + 9.0 * (speed - athlete.easy_speed_m_s) + rng.normal(0, 1.2)
        rows.append((math.ceil(t), d, speed, grade, hr + rng.normal(0.0, 1.0), cadence))
        if last:
            break
        if not paused and d >= pause_at_m:
            t += 90.0  # stopped at a crossing: the watch pauses, no samples
            paused = True
        ended = (phase.duration_s is not None and phase_t >= phase.duration_s) or (
            phase.duration_s is None and end_of_open is not None and d >= end_of_open)
        if ended and (index < len(phases) - 1 or distance_m is None):
            index += 1
            phase_t = 0.0
    frame = pd.DataFrame(rows, columns=["elapsed_s", "distance_m", "speed_m_s", "grade", "heart_rate_bpm", "cadence_spm"])
    frame = frame.drop_duplicates("elapsed_s", keep="last").reset_index(drop=True)
    lat, lon = route.position_deg(frame["distance_m"].to_numpy())
    frame["latitude_deg"], frame["longitude_deg"] = lat, lon
    frame["altitude_m"] = route.altitude_m(frame["distance_m"].to_numpy()) + rng.normal(0.0, 0.3, len(frame))
    if not route.gps:
        frame[["latitude_deg", "longitude_deg", "altitude_m"]] = np.nan
    return frame.drop(columns="grade")


def strength_session(minutes: float, athlete: Athlete, rng: np.random.Generator) -> pd.DataFrame:
    """Heart rate only, rising in sets and falling in the rests between them."""
    t = np.arange(athlete.step_s, minutes * 60 + 1, athlete.step_s)
    in_set = (t % 150) < 50
    target = np.where(in_set, 0.68, 0.55) * athlete.max_hr_bpm
    hr = np.empty_like(t, dtype=float)
    level = 0.5 * athlete.max_hr_bpm
    for i, goal in enumerate(target):
        level += (goal - level) * (1.0 - math.exp(-athlete.step_s / 25.0))
        hr[i] = level + rng.normal(0.0, 1.0)
    return pd.DataFrame({"elapsed_s": t.astype(int), "heart_rate_bpm": hr})


def summary(frame: pd.DataFrame, route: Route | None, pause_s: float = 0.0) -> dict:
    """What the watch writes in its session message for these samples."""
    distance = float(frame["distance_m"].iloc[-1]) if "distance_m" in frame else None
    ascent = descent = None
    if route is not None and route.gps and distance is not None:
        ascent, descent = route.ascent_descent_m(distance)
    elapsed = float(frame["elapsed_s"].iloc[-1])
    return {
        "elapsed_s": elapsed,
        "timer_s": elapsed - pause_s,
        "distance_m": distance,
        "ascent_m": ascent,
        "descent_m": descent,
        "avg_hr_bpm": float(frame["heart_rate_bpm"].mean()),
        "max_hr_bpm": float(frame["heart_rate_bpm"].max()),
        "avg_cadence_spm": float(frame["cadence_spm"].mean()) if "cadence_spm" in frame else None,
    }
