"""Write the bundled sample exports: ``python sample_data/generate.py``.

Deterministic: the same code writes the same bytes, every time. Two athletes:

* ``athlete-a``: a Strava bulk export (``activities.csv`` plus ``activities/``
  with ``.fit.gz``, ``.gpx`` and ``.tcx.gz``), 26 weeks of running around
  Innsbruck (Europe/Vienna time) with strength sessions, rides, two pairs of
  shoes, a run recorded twice and one damaged file.
* ``athlete-b``: a Garmin Connect style folder of FIT files (one of them
  zipped), 20 weeks in Boston (America/New_York), with a treadmill run and a
  multisport session.

The training plans below are written out week by week; the risk events
planted in them, and the flags riskload must raise for them, are listed in
``sample_data/README.md`` and ``sample_data/expected/flags.csv``. The
generator also writes ``sample_data/expected/activities.csv``, what each
file holds, for tests to compare the importer with.

Plan entries read ``<day> <kind> [km] [route] [options]``; options are
``@HH:MM`` (local start), ``nowarm`` (no warm-up), ``tempo=<min>``,
``reps=<n>``, ``ff=<min>`` (fast finish), ``fatigue`` (tired legs: shorter
steps), ``pause`` (stopped at a crossing), ``fmt=fit|gpx|tcx``, ``dup``
(also recorded by the phone), ``corrupt`` (the file is damaged),
``zip`` (exported zipped) and ``name=Words_with_underscores``.
"""

from __future__ import annotations

import csv
import io
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth.files import Leg, fit_activity, gzip_bytes, strava_gpx, strava_tcx, zip_bytes  # noqa: E402
from synth.routes import ROUTES_A, ROUTES_B  # noqa: E402
from synth.workouts import Athlete, Phase, running_phases, simulate, strength_session, summary  # noqa: E402

HERE = Path(__file__).resolve().parent
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Plan:
    """One athlete's export: who, where, how it is stored, and the weeks."""

    folder: str
    layout: str  # "strava" or "garmin"
    zone: str
    first_monday: str
    athlete: Athlete
    routes: dict
    seed: int
    hours: dict  # default local start time per kind
    every_week: str  # entries added to each week that does not say "no-strength"
    weeks: tuple[str, ...]
    settings: str = ""  # the riskload.toml the athlete keeps in the export
    gear: dict | None = None  # route -> shoe name (Strava exports only)
    pain_diary: str = ""  # the pain diary the athlete keeps beside the export's settings


ATHLETE_A = Plan(
    folder="athlete-a",
    layout="strava",
    zone="Europe/Vienna",
    first_monday="2026-03-02",
    athlete=Athlete(max_hr_bpm=186, rest_hr_bpm=50, easy_speed_m_s=2.9, tempo_speed_m_s=3.5,
                    interval_speed_m_s=3.9, cadence_spm=170),
    routes=ROUTES_A,
    seed=20260302,
    hours={"easy": "06:30", "tempo": "18:00", "intervals": "18:00", "long": "08:00", "strength": "18:30",
           "ride": "09:00"},
    every_week="mon strength 40; fri strength 40",
    settings='''[athlete]
name = "Anna (sample)"
timezone = "Europe/Vienna"
max_hr_bpm = 186
resting_hr_bpm = 50
sex = "female"
weekly_cap_km = 64

[pain]
diary = "pain.csv"
''',
    # episodes after four planted load events, a knee niggle, and one with no load cause
    pain_diary='''date,area,intensity,note
2026-03-02,,0,started the diary
2026-04-08,lower back,4,lifted a heavy box at work
2026-04-09,lower back,3,
2026-04-10,lower back,2,better
2026-05-12,lower back,3,stiff lower back in the morning
2026-05-13,lower back,4,
2026-05-14,lower back,2,
2026-05-26,lower back,5,lower back ached after the long run
2026-05-27,lower back,3,
2026-06-26,lower back,4,sore lower back after the mountain road descent
2026-06-27,lower back,3,
2026-07-08,left knee,2,knee niggle on the stairs
2026-08-21,lower back,5,"lower back pain, spreading into the left buttock"
2026-08-22,lower back,6,pain down the back of the left thigh and some tingling in the left foot
2026-08-24,lower back,4,easing
''',
    gear={"flat": "Road trainers (blue)", "rolling": "Road trainers (blue)", "hill": "Trail shoes",
          "trail": "Trail shoes", "descent": "Trail shoes"},
    weeks=(
        # 1-4: base building, 36-40 km, four runs a week
        "tue easy 7 flat; wed tempo 8 flat; thu easy 9 hill; sun long 12 rolling",
        "tue easy 7 flat; wed tempo 9 flat; thu easy 9 hill; sat ride 30 rolling corrupt; sun long 13 rolling",
        "tue easy 8 flat; wed tempo 9 flat; thu easy 9 hill; sun long 14 rolling pause",
        "tue easy 7 flat; wed tempo 8 flat; thu easy 9 hill; sun long 13 rolling",
        # 5: the Tuesday run recorded by the watch and the phone
        "tue easy 8 flat dup; wed tempo 9 flat; thu easy 9 hill; sun long 14 rolling",
        "tue easy 5 flat; wed tempo 9 flat; thu easy 9 hill; sat easy 5 rolling; sun long 14 rolling",
        "tue easy 6 flat; wed tempo 9 flat; thu easy 9 hill name=Hills_&_<stairs>; sat easy 5 rolling; sun long 15 rolling",
        "tue easy 7 flat; wed tempo 9 flat; thu easy 9 hill; sat ride 40 rolling fmt=gpx; sun long 15 rolling pause",
        "tue easy 6 flat; wed tempo 9 flat; thu easy 9 hill; sat easy 4 rolling; sun long 15 rolling",
        # 10: +26 % on last week and a new high (RL001)
        "tue easy 9 flat; wed tempo 10 flat; thu easy 9 hill; sat easy 10 rolling; sun long 16 rolling",
        "tue easy 8 flat; wed tempo 10 flat; thu easy 9 hill; sat easy 7 rolling; sun long 16 rolling",
        # 12: a 22.4 km long run, 40 % beyond the longest of the last 30 days (RL004)
        "tue easy 6.6 flat; wed tempo 9 flat; thu easy 9 hill; sat easy 5 rolling; sun long 22.4 rolling pause "
        "name=Longest_run_ever",
        # 13-14: no strength sessions (RL011)
        "no-strength; tue easy 8 flat; wed tempo 9 flat; thu easy 9 hill; sat easy 6 rolling; sun long 16 rolling",
        "no-strength; tue easy 8 flat; wed tempo 10 flat; thu easy 9 hill; sat easy 6 rolling; sun long 17 rolling",
        # 15: a trail week, 23 m of climbing per km (RL002)
        "tue easy 8 trail; wed tempo 10 flat; thu easy 9 hill; sat easy 10 trail; sun long 15 trail "
        "name=Trail_long_run",
        "tue easy 8 flat; wed tempo 10 flat; thu easy 9 hill; sat ride 35 rolling; sat easy 6 rolling @17:00; "
        "sun long 17 rolling",
        # 17: the mountain road descent, 500 m at -10 % (RL006)
        "tue easy 8 flat; wed tempo 10 flat; thu easy 8 descent name=Mountain_road_descent; sat easy 10 rolling; "
        "sun long 18 rolling",
        "tue easy 9 flat; wed tempo 10 flat; thu easy 9 hill; sat easy 11 rolling; sun long 18 rolling",
        "tue easy 10 flat; wed tempo 11 flat; thu easy 9 hill; sat easy 12 rolling; sun long 19 rolling pause",
        # 20-22: three weeks above 64 km (RL008)
        "tue easy 10 flat; wed tempo 11 flat; thu easy 9 hill; fri easy 6 flat; sat easy 10 rolling; "
        "sun long 20 rolling",
        "tue easy 10 flat; wed tempo 12 flat; thu easy 9 hill; fri easy 6 flat; sat easy 10 rolling; "
        "sun long 21 rolling",
        "tue easy 10 flat; wed tempo 11 flat; thu easy 9 hill; fri easy 6 flat; sat easy 10 rolling; "
        "sun long 21 rolling",
        # 23-25: a running streak from Saturday of week 23 to Wednesday of week 25: 12 days,
        # week 24 without a rest day (RL003)
        "tue easy 9 flat; wed tempo 10 flat; thu easy 9 hill; sat easy 8 rolling; sun long 16 rolling",
        "mon easy 6 flat; tue easy 8 flat; wed tempo 9 flat; thu easy 9 hill; fri easy 6 flat; sat easy 6 rolling; "
        "sun long 11 rolling",
        "mon easy 9 hill; tue easy 9 flat; wed tempo 10 flat; sat easy 11 rolling; sun long 17 rolling",
        "tue easy 8 flat; wed tempo 10 flat; thu easy 9 hill; sat easy 7 rolling; sun long 16 rolling",
    ),
)

ATHLETE_B = Plan(
    folder="athlete-b",
    layout="garmin",
    zone="America/New_York",
    first_monday="2026-06-08",
    athlete=Athlete(max_hr_bpm=192, rest_hr_bpm=55, easy_speed_m_s=3.0, tempo_speed_m_s=3.7,
                    interval_speed_m_s=4.2, cadence_spm=164),
    routes=ROUTES_B,
    seed=20260608,
    hours={"easy": "18:30", "tempo": "18:30", "intervals": "18:30", "long": "08:00", "ride": "09:00",
           "multisport": "08:00"},
    every_week="",
    settings='''[athlete]
name = "Ben (sample)"
timezone = "America/New_York"
max_hr_bpm = 192
resting_hr_bpm = 55
sex = "male"
''',
    weeks=(
        "tue easy 6 flat; wed tempo 8 flat; fri easy 5 rolling @07:00; sun long 9 flat",
        "tue easy 6 flat; wed tempo 8 flat; fri easy 6 rolling @07:00; sun long 10 flat",
        # 3: one run straight out of the door at full pace (RL010, a single run)
        "tue easy 6 flat; wed tempo 8 flat zip; fri easy 6 rolling @07:00 nowarm; sun long 10 flat",
        "tue easy 6 flat; wed tempo 8 flat; fri easy 7 rolling @07:00; sun long 11 flat",
        # 5: exactly +10 % on week 4 and a new high: must NOT raise RL001
        "tue easy 7.1 flat; wed tempo 8.6 flat; fri easy 7.5 rolling @07:00; sun long 12 flat",
        # 6-7: 33 then 60+ minutes above 80 % of max heart rate (RL005)
        "tue easy 7 flat; wed tempo 9 flat tempo=32; fri easy 7 rolling @07:00; sun long 13 flat",
        "tue intervals 8 flat reps=6; wed easy 7 flat; fri tempo 9 flat tempo=30 @07:00; "
        "sun long 13 flat ff=15",
        "tue easy 7 flat; wed tempo 8 flat; fri easy 6 rolling @07:00; sun long 13 flat",
        # 9: Saturday evening tempo, Sunday 15:00 long run: 20 h between two hard sessions (RL009)
        "tue easy 7 flat; wed easy 7 flat; sat tempo 8 flat @18:00; sun long 14 flat @15:00",
        # 10: a treadmill run in the heat, and a run-bike-run session
        "tue easy 8 treadmill; wed tempo 8 flat; sat multisport 6/30/3 flat; sun long 11 flat",
        # 11: the last run before the break starts 20:30 local on Sunday (00:30 UTC, Monday)
        "tue easy 8 flat; wed tempo 9 flat; fri easy 7 rolling @07:00; sun long 14 flat @20:30",
        # 12-14: three weeks without running
        "", "", "",
        # 15: back at full volume at once (RL007)
        "tue easy 8 flat; wed tempo 9 flat; fri easy 7 rolling @07:00; sun long 14 flat",
        "tue easy 8 flat; wed tempo 9 flat; fri easy 8 rolling @07:00; sun long 15 flat",
        # 17-18: tired legs, cadence 6.5 % down at the same pace (RL013)
        "tue easy 8 flat fatigue; wed tempo 9 flat fatigue; fri easy 8 rolling @07:00 fatigue; "
        "sun long 15 flat fatigue",
        "tue easy 8 flat fatigue; wed tempo 8 flat fatigue; fri easy 7 rolling @07:00 fatigue; "
        "sun long 15 flat fatigue",
        # 19: three of four runs start at full pace (RL010, the week)
        "tue easy 8 flat nowarm; wed tempo 8 flat nowarm; fri easy 6 rolling @07:00 nowarm; sun long 14 flat",
        "tue easy 7 flat; wed tempo 8 flat; fri easy 6 rolling @07:00; sun long 13 flat",
    ),
)


@dataclass
class Entry:
    """One planned workout, parsed."""

    day: int
    kind: str
    km: tuple[float, ...]
    route: str
    hour: str
    options: dict


def parse_week(text: str, plan: Plan) -> list[Entry]:
    """The workouts of one week's plan line."""
    parts = [p.strip() for p in text.split(";") if p.strip()]
    if "no-strength" in parts:
        parts.remove("no-strength")
    elif text.strip() or plan.every_week:
        parts += [p.strip() for p in plan.every_week.split(";") if p.strip()]
    entries = []
    for part in parts:
        day, kind, *rest = part.split()
        km, route, options = (), "", {}
        hour = plan.hours.get(kind, "07:00")
        for token in rest:
            if token.startswith("@"):
                hour = token[1:]
            elif "=" in token:
                key, value = token.split("=", 1)
                options[key] = value
            elif token in plan.routes:
                route = token
            elif token[0].isdigit():
                km = tuple(float(x) for x in token.split("/"))
            else:
                options[token] = True
        entries.append(Entry(DAYS.index(day), kind, km, route, hour, options))
    return sorted(entries, key=lambda e: (e.day, e.hour))


@dataclass
class Workout:
    """A simulated workout, ready to be written."""

    entry: Entry
    legs: list[Leg]
    local_start: pd.Timestamp
    utc_offset_s: int


def build(entry: Entry, local_start: pd.Timestamp, plan: Plan, rng: np.random.Generator) -> Workout:
    """Simulate one plan entry."""
    athlete = plan.athlete
    start = local_start.tz_convert("UTC")
    offset = int(local_start.utcoffset().total_seconds())
    route = plan.routes.get(entry.route)
    options = entry.options
    if entry.kind == "strength":
        samples = strength_session(entry.km[0], athlete, rng)
        totals = summary(samples, None)
        return Workout(entry, [Leg("training", "strength_training", start, samples, totals)], local_start, offset)
    if entry.kind == "ride":
        ride = Athlete(athlete.max_hr_bpm, athlete.rest_hr_bpm, 7.0, 7.0, 7.0, 0.0, athlete.step_s)
        samples = simulate([Phase("ride", 7.0, 0.68)], route, entry.km[0] * 1000, ride, rng, cadence_rpm=86)
        return Workout(entry, [Leg("cycling", "road", start, samples, summary(samples, route))], local_start, offset)
    if entry.kind == "multisport":
        return _multisport(entry, local_start, plan, rng)
    phases = running_phases(
        entry.kind, athlete, warmup="nowarm" not in options, tempo_min=float(options.get("tempo", 25)),
        repeats=int(options.get("reps", 6)), fast_finish_min=float(options.get("ff", 0)),
    )
    distance_m = entry.km[0] * 1000
    pause_at = distance_m / 2 if "pause" in options else None
    tired = "fatigue" in options
    samples = simulate(
        phases, route, distance_m, athlete, rng, cadence_factor=0.935 if tired else 1.0,
        drift_per_h=0.03 if tired else 0.02, pause_at_m=pause_at,
        hr_start_fraction=0.70 if "nowarm" in options else 0.55,
    )
    sub = "treadmill" if entry.route == "treadmill" else ("trail" if entry.route in ("trail", "hill") else "street")
    totals = summary(samples, route, pause_s=90.0 if pause_at else 0.0)
    return Workout(entry, [Leg("running", sub, start, samples, totals)], local_start, offset)


def _multisport(entry: Entry, local_start: pd.Timestamp, plan: Plan, rng: np.random.Generator) -> Workout:
    """Run, transition, ride, transition, run: one FIT file, one session each."""
    athlete = plan.athlete
    route = plan.routes[entry.route]
    run_km, ride_km, run2_km = entry.km
    bike = Athlete(athlete.max_hr_bpm, athlete.rest_hr_bpm, 7.5, 7.5, 7.5, 0.0, athlete.step_s)
    transition = pd.DataFrame({"elapsed_s": [0, 60, 120], "heart_rate_bpm": [140.0, 135.0, 132.0]})
    parts = [
        ("running", "street", simulate(running_phases("easy", athlete), route, run_km * 1000, athlete, rng)),
        ("transition", "generic", transition),
        ("cycling", "road", simulate([Phase("ride", 7.5, 0.72)], route, ride_km * 1000, bike, rng, cadence_rpm=88)),
        ("transition", "generic", transition),
        # straight off the bike: no warm-up, heart rate already up
        ("running", "street", simulate(running_phases("easy", athlete, warmup=False), route, run2_km * 1000,
                                       athlete, rng, hr_start_fraction=0.74)),
    ]
    legs, start = [], local_start.tz_convert("UTC")
    for sport, sub, samples in parts:
        legs.append(Leg(sport, sub, start, samples, summary(samples, route if sport != "transition" else None)))
        start += pd.Timedelta(seconds=int(samples["elapsed_s"].iloc[-1]))
    return Workout(entry, legs, local_start, int(local_start.utcoffset().total_seconds()))


def workouts(plan: Plan) -> list[Workout]:
    """Every workout of a plan, simulated, in time order."""
    rng = np.random.default_rng(plan.seed)
    monday = pd.Timestamp(plan.first_monday)
    out = []
    for week, text in enumerate(plan.weeks):
        for entry in parse_week(text, plan):
            hh, mm = (int(x) for x in entry.hour.split(":"))
            wall = monday + pd.Timedelta(days=7 * week + entry.day, hours=hh, minutes=mm)
            out.append(build(entry, wall.tz_localize(plan.zone), plan, rng))
    return out


STRAVA_HEADER = (
    "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,Distance,"
    "Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,Filename,Athlete Weight,"
    "Bike Weight,Elapsed Time,Moving Time,Distance,Max Speed,Average Speed,Elevation Gain,Elevation Loss,"
    "Elevation Low,Elevation High,Max Grade,Average Grade,Average Positive Grade,Average Negative Grade,"
    "Max Cadence,Average Cadence,Max Heart Rate,Average Heart Rate,Max Watts,Average Watts,Calories,"
    "Max Temperature,Average Temperature,Relative Effort,Total Work,Number of Runs,Uphill Time,Downhill Time,"
    "Other Time,Perceived Exertion,Type,Start Time,Weighted Average Power,Power Count,Prefer Perceived Exertion,"
    "Perceived Relative Effort,Commute,Total Weight Lifted,From Upload,Grade Adjusted Distance,"
    "Weather Observation Time,Weather Condition,Weather Temperature,Apparent Temperature,Dewpoint,Humidity,"
    "Weather Pressure,Wind Speed,Wind Gust,Wind Bearing,Precipitation Intensity,Sunrise Time,Sunset Time,"
    "Moon Phase,Bike,Gear,Precipitation Probability,Precipitation Type,Cloud Cover,Weather Visibility,UV Index,"
    "Weather Ozone,Jump Count,Total Grit,Average Flow,Flagged,Average Elapsed Speed,Dirt Distance,"
    "Newly Explored Distance,Newly Explored Dirt Distance,Activity Count,Total Steps,Media"
).split(",")

STRAVA_TYPES = {"running": ("Run", "9"), "cycling": ("Ride", "1"), "training": ("Weight Training", "")}


def default_name(local_start: pd.Timestamp, sport: str) -> str:
    """Strava's automatic name: the part of the day and the sport."""
    hour = local_start.hour
    part = "Morning" if hour < 11 else "Lunch" if hour < 14 else "Afternoon" if hour < 18 else "Evening" \
        if hour < 21 else "Night"
    return f"{part} {STRAVA_TYPES[sport][0]}"


def damage(data: bytes) -> bytes:
    """A download gone wrong: the compressed stream overwritten after its header."""
    return data[:12] + bytes(64) + data[76:]


def write_strava(plan: Plan, items: list[Workout], out: Path) -> list[dict]:
    """Write a Strava bulk export; return what each file holds."""
    (out / "activities").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(plan.seed + 1)
    rows, truth, run_number = [], [], 0
    for number, item in enumerate(items, start=1):
        leg, entry = item.legs[0], item.entry
        strava_id = 17_000_000_000 + 1_000 * number
        if leg.sport == "running":
            run_number += 1
        fmt = entry.options.get("fmt", "fit" if "dup" in entry.options else None)
        if fmt is None:
            fmt = "fit" if leg.sport != "running" else {2: "gpx", 5: "tcx"}.get(run_number % 6, "fit")
        name = entry.options.get("name", "").replace("_", " ") or default_name(item.local_start, leg.sport)
        gear = (plan.gear or {}).get(entry.route, "") if leg.sport == "running" else ""
        recordings = [(strava_id, fmt, leg)]
        if "dup" in entry.options:
            # the phone started 15 s earlier and stopped 10 s later
            phone = leg.samples.copy()
            phone["elapsed_s"] = phone["elapsed_s"] + 15
            phone = pd.concat([phone.iloc[:1].assign(elapsed_s=0), phone,
                               phone.iloc[-1:].assign(elapsed_s=phone["elapsed_s"].iloc[-1] + 10)])
            recordings.append((strava_id + 1, "gpx", Leg(leg.sport, leg.sub_sport, leg.start - pd.Timedelta(seconds=15),
                                                          phone, summary(phone, None))))
        for rec_id, rec_fmt, rec_leg in recordings:
            if rec_fmt == "fit":
                filename = f"activities/{rec_id}.fit.gz"
                data = gzip_bytes(fit_activity([rec_leg], item.utc_offset_s, serial=3_412_000_001, product=3990))
            elif rec_fmt == "gpx":
                filename = f"activities/{rec_id}.gpx"
                data = strava_gpx(rec_leg, name, STRAVA_TYPES[rec_leg.sport][1], 0.7, rng)
            else:
                filename = f"activities/{rec_id}.tcx.gz"
                data = gzip_bytes(strava_tcx(rec_leg, "Forerunner 255"))
            if "corrupt" in entry.options:
                data = damage(data)
            (out / filename).write_bytes(data)
            t = rec_leg.totals
            values = [
                rec_id, rec_leg.start.strftime("%b %-d, %Y, %-I:%M:%S %p"), name, STRAVA_TYPES[rec_leg.sport][0], "",
                round(t["elapsed_s"]), f"{(t['distance_m'] or 0) / 1000:.2f}", round(t["max_hr_bpm"]), "", "false", "",
                gear, filename, "", "", round(t["elapsed_s"]), round(t["timer_s"]), f"{t['distance_m'] or 0:.1f}",
            ]
            rows.append(values + [""] * (len(STRAVA_HEADER) - len(values)))
            truth.append(_truth(plan, filename, item, rec_leg, gear, entry, rec_id != strava_id))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(STRAVA_HEADER)
    writer.writerows(reversed(rows))  # Strava lists the newest first
    (out / "activities.csv").write_text(buffer.getvalue())
    return truth


def write_garmin(plan: Plan, items: list[Workout], out: Path) -> list[dict]:
    """Write a folder of FIT files named as Garmin Connect names them; return what each holds."""
    out.mkdir(parents=True, exist_ok=True)
    truth = []
    for number, item in enumerate(items, start=1):
        garmin_id = 21_400_000_000 + 37 * number
        data = fit_activity(item.legs, item.utc_offset_s, serial=3_390_000_777)
        if "zip" in item.entry.options:
            filename = f"{garmin_id}.zip"
            (out / filename).write_bytes(zip_bytes({f"{garmin_id}_ACTIVITY.fit": data}))
        else:
            filename = f"{garmin_id}_ACTIVITY.fit"
            (out / filename).write_bytes(data)
        for leg in item.legs:
            truth.append(_truth(plan, filename, item, leg, "", item.entry, False))
    return truth


def _truth(plan: Plan, filename: str, item: Workout, leg: Leg, gear: str, entry: Entry, duplicate: bool) -> dict:
    t = leg.totals
    local = leg.start.tz_convert(plan.zone)
    note = "duplicate" if duplicate else ("corrupt" if "corrupt" in entry.options else "")
    return {
        "athlete": plan.folder,
        "file": filename,
        "start_time_local": local.strftime("%Y-%m-%d %H:%M:%S"),
        "sport": leg.sport,
        "sub_sport": leg.sub_sport,
        "route": entry.route,
        "distance_m": "" if t["distance_m"] is None else f"{t['distance_m']:.1f}",
        "elapsed_time_s": f"{t['elapsed_s']:.0f}",
        "moving_time_s": f"{t['timer_s']:.0f}",
        "ascent_m": "" if t["ascent_m"] is None else f"{t['ascent_m']:.0f}",
        "descent_m": "" if t["descent_m"] is None else f"{t['descent_m']:.0f}",
        "gear": gear,
        "note": note,
    }


def main(root: Path = HERE) -> None:
    truth = []
    for plan, write in ((ATHLETE_A, write_strava), (ATHLETE_B, write_garmin)):
        shutil.rmtree(root / plan.folder, ignore_errors=True)  # generated: start from nothing
        truth += write(plan, workouts(plan), root / plan.folder)
        (root / plan.folder / "riskload.toml").write_text(plan.settings)
        if plan.pain_diary:
            (root / plan.folder / "pain.csv").write_text(plan.pain_diary)
    (root / "expected").mkdir(exist_ok=True)
    with open(root / "expected" / "activities.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(truth[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(truth)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
