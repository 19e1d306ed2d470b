"""Distance and climb in the units a runner reads: the only place km become miles."""

from __future__ import annotations

from dataclasses import dataclass

KM_PER_MILE = 1.609344
FT_PER_M = 1 / 0.3048


@dataclass(frozen=True)
class Units:
    """How the report shows distance and climb.

    Attributes
    ----------
    name : str
        ``"km"`` or ``"mi"``.
    distance_per_km : float
        Report distance units per kilometre.
    climb_per_m : float
        Report climb units per metre.
    climb : str
        The climb unit's label (m or ft).
    """

    name: str
    distance_per_km: float
    climb_per_m: float
    climb: str

    @property
    def climb_rate(self) -> str:
        """The label of climb per distance (m/km or ft/mi)."""
        return f"{self.climb}/{self.name}"

    @property
    def climb_rate_per_m_per_km(self) -> float:
        """Report climb-rate units per m/km."""
        return self.climb_per_m / self.distance_per_km

    def distance(self, km):
        """``km`` (a number or a Series) in report distance units."""
        return km * self.distance_per_km

    def format_distance(self, km: float) -> str:
        """``km`` as text with its unit, e.g. ``"42.0 km"``."""
        return f"{self.distance(km):.1f} {self.name}"

    def format_climb(self, m: float) -> str:
        """A climb or descent of ``m`` metres as text with its unit, e.g. ``"300 m"``, ``"984 ft"``."""
        return f"{m * self.climb_per_m:.0f} {self.climb}"


METRIC = Units("km", 1.0, 1.0, "m")
IMPERIAL = Units("mi", 1 / KM_PER_MILE, FT_PER_M, "ft")
UNITS = {"km": METRIC, "mi": IMPERIAL}


def units(name: str | Units | None) -> Units:
    """The :class:`Units` called ``name`` (``"km"``, the default, or ``"mi"``)."""
    if isinstance(name, Units):
        return name
    try:
        return UNITS[name or "km"]
    except KeyError:
        raise ValueError(f"units must be km or mi, not {name!r}") from None
