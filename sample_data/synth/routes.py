"""Routes: where a run goes and how high it is, as exact functions of distance.

Loops are stadium shapes (two straights joined by half circles), so their
length is known exactly and a GPS track of them measures what the plan says.
Elevation is piecewise linear: a list of ``(length_m, grade)`` legs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

EARTH_M_PER_DEG_LAT = 6_371_008.8 * math.pi / 180.0  # mean Earth radius, as haversine uses


@dataclass(frozen=True)
class Route:
    """A loop (``closed``) or a point-to-point line, with its elevation legs."""

    name: str
    origin: tuple[float, float]  # (lat, lon) of the start [deg]
    legs: tuple[tuple[float, float], ...]  # (length [m], grade [m/m]) in order
    start_altitude_m: float
    closed: bool = True
    bearing_deg: float = 0.0
    gps: bool = True

    @property
    def length_m(self) -> float:
        return float(sum(length for length, _ in self.legs))

    def _along(self, distance_m: np.ndarray) -> np.ndarray:
        return np.mod(distance_m, self.length_m) if self.closed else np.minimum(distance_m, self.length_m)

    def grade(self, distance_m: np.ndarray) -> np.ndarray:
        """Grade [m/m] at each distance along the route."""
        ends = np.cumsum([length for length, _ in self.legs])
        grades = np.array([g for _, g in self.legs])
        index = np.searchsorted(ends, self._along(np.asarray(distance_m, dtype=float)), side="right")
        return grades[np.minimum(index, len(grades) - 1)]

    def altitude_m(self, distance_m: np.ndarray) -> np.ndarray:
        """Altitude [m] at each distance along the route."""
        ends = np.concatenate([[0.0], np.cumsum([length for length, _ in self.legs])])
        heights = np.concatenate([[0.0], np.cumsum([length * g for length, g in self.legs])])
        return self.start_altitude_m + np.interp(self._along(np.asarray(distance_m, dtype=float)), ends, heights)

    def position_deg(self, distance_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Latitude and longitude [deg] at each distance along the route."""
        s = self._along(np.asarray(distance_m, dtype=float))
        if self.closed:
            x, y = _stadium(s, self.length_m)
        else:
            x, y = s, np.zeros_like(s)
        turn = math.radians(90.0 - self.bearing_deg)
        east = x * math.cos(turn) - y * math.sin(turn)
        north = x * math.sin(turn) + y * math.cos(turn)
        lat0, lon0 = self.origin
        lat = lat0 + north / EARTH_M_PER_DEG_LAT
        lon = lon0 + east / (EARTH_M_PER_DEG_LAT * math.cos(math.radians(lat0)))
        return lat, lon

    def ascent_descent_m(self, distance_m: float) -> tuple[float, float]:
        """Exact climbing and descending over the first ``distance_m`` of the route."""
        grid = np.linspace(0.0, distance_m, max(2, int(distance_m / 5.0)))
        # legs are linear, so sampling at leg ends is exact; add them to the grid
        ends = np.cumsum([0.0] + [length for length, _ in self.legs])
        laps = np.arange(0.0, distance_m + self.length_m, self.length_m) if self.closed else np.array([0.0])
        knots = (laps[:, None] + ends[None, :]).ravel()
        grid = np.unique(np.concatenate([grid, knots[knots <= distance_m]]))
        steps = np.diff(self.altitude_m(grid))
        return float(steps[steps > 0].sum()), float(-steps[steps < 0].sum())


def _stadium(s: np.ndarray, perimeter_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Planar (x, y) [m] of a stadium loop whose straights are twice its radius."""
    radius = perimeter_m / (4.0 + 2.0 * math.pi)
    straight = 2.0 * radius
    x, y = np.empty_like(s), np.empty_like(s)
    a = s < straight
    b = (s >= straight) & (s < straight + math.pi * radius)
    c = (s >= straight + math.pi * radius) & (s < 2 * straight + math.pi * radius)
    d = s >= 2 * straight + math.pi * radius
    x[a], y[a] = s[a], 0.0
    phi = (s[b] - straight) / radius
    x[b], y[b] = straight + radius * np.sin(phi), radius - radius * np.cos(phi)
    x[c], y[c] = straight - (s[c] - straight - math.pi * radius), 2 * radius
    phi = (s[d] - 2 * straight - math.pi * radius) / radius
    x[d], y[d] = -radius * np.sin(phi), radius + radius * np.cos(phi)
    return x, y


def loop(name, origin, legs, start_altitude_m, bearing_deg=0.0) -> Route:
    """A closed route whose legs climb as much as they descend."""
    legs = tuple(legs)
    assert abs(sum(length * g for length, g in legs)) < 1e-6, f"{name} does not close"
    return Route(name, origin, legs, start_altitude_m, True, bearing_deg)


INNSBRUCK = (47.2692, 11.4041)
BOSTON = (42.3554, -71.0723)

#: Athlete A's routes around Innsbruck.
ROUTES_A = {
    # the river path: 4.8 km, almost flat
    "flat": loop("river path", INNSBRUCK, [(2400, 0.004), (2400, -0.004)], 574, bearing_deg=70),
    # a rolling 6 km loop: per km, 300 m up at 4 %, 200 m flat, 300 m down at 4 %, 200 m flat
    "rolling": loop("rolling loop", (47.2790, 11.4300), [(300, 0.04), (200, 0.0), (300, -0.04), (200, 0.0)] * 6, 590,
                    bearing_deg=20),
    # the hill loop: 9 km, a long climb and a steep descent (-12.5 %) back to the valley
    "hill": loop("hill loop", (47.2580, 11.3900), [(3000, 0.0), (2900, 200 / 2900), (1600, -0.125), (1500, 0.0)],
                 585, bearing_deg=160),
    # forest trail: 5 km loop, 150 m up and down at a steady 6 %
    "trail": loop("forest trail", (47.2850, 11.3600), [(2500, 0.06), (2500, -0.06)], 640, bearing_deg=300),
    # a mountain road run from the top: flat warm-up, 5 km at -10 %, flat to the station
    "descent": Route("mountain road descent", (47.3050, 11.3950), ((1500, 0.0), (5000, -0.10), (1500, 0.0)), 1100,
                     closed=False, bearing_deg=190),
}

#: Athlete B's routes in Boston, and the gym treadmill.
ROUTES_B = {
    "flat": loop("river loop", BOSTON, [(3200, 0.002), (3200, -0.002)], 6, bearing_deg=250),
    "rolling": loop("park loop", (42.3400, -71.1000), [(400, 0.025), (100, 0.0), (400, -0.025), (100, 0.0)] * 8, 20,
                    bearing_deg=40),
    "treadmill": Route("treadmill", BOSTON, ((1_000_000, 0.0),), 0, closed=False, gps=False),
}
