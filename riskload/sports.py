"""One sport vocabulary for every format: FIT's sport names, lower-case.

FIT's profile is the richest list, so TCX, GPX and Strava names are mapped onto
it. ``sport`` is the broad family (``running``, ``cycling``...), ``sub_sport``
the variant (``treadmill``, ``trail``...), empty when unknown.
"""

from __future__ import annotations

import re

#: Sports whose distance counts as running load (RISK_FACTORS.md conventions:
#: running, trail running and treadmill running; walking and hiking are apart).
RUNNING_SPORTS = frozenset({"running"})

#: Sports whose cadence is counted in steps: FIT stores it per leg for these.
ON_FOOT_SPORTS = frozenset({"running", "walking", "hiking"})

#: Strava's ``<type>`` codes in its GPX exports, checked against corpus files
#: whose sport is known from another format of the same activity.
STRAVA_GPX_CODES = {"1": ("cycling", ""), "9": ("running", ""), "16": ("swimming", "")}

#: Activity types of Strava's ``activities.csv`` and TCX ``Sport`` attributes.
NAMED_SPORTS: dict[str, tuple[str, str]] = {
    "run": ("running", ""),
    "running": ("running", ""),
    "trailrun": ("running", "trail"),
    "trailrunning": ("running", "trail"),
    "virtualrun": ("running", "virtual_activity"),
    "treadmill": ("running", "treadmill"),
    "treadmillrunning": ("running", "treadmill"),
    "ride": ("cycling", ""),
    "biking": ("cycling", ""),
    "cycling": ("cycling", ""),
    "virtualride": ("cycling", "virtual_activity"),
    "mountainbikeride": ("cycling", "mountain"),
    "gravelride": ("cycling", "gravel_cycling"),
    "ebikeride": ("cycling", "e_bike_fitness"),
    "walk": ("walking", ""),
    "walking": ("walking", ""),
    "hike": ("hiking", ""),
    "hiking": ("hiking", ""),
    "swim": ("swimming", ""),
    "swimming": ("swimming", ""),
    "weighttraining": ("training", "strength_training"),
    "strengthtraining": ("training", "strength_training"),
    "workout": ("training", ""),
    "crossfit": ("training", "cardio_training"),
    "yoga": ("training", "yoga"),
    "rowing": ("rowing", ""),
    "other": ("generic", ""),
    "generic": ("generic", ""),
}


def normalize_sport(name: object, sub_sport: object = None) -> tuple[str, str]:
    """Map a sport name from any source onto FIT's vocabulary.

    Parameters
    ----------
    name : object
        A FIT sport name, a TCX ``Sport`` attribute, a GPX ``<type>`` (including
        Strava's numeric codes) or a Strava activity type.
    sub_sport : object, optional
        The source's own sub-sport, kept when the name does not imply one.

    Returns
    -------
    tuple of str
        ``(sport, sub_sport)``; ``("generic", "")`` when nothing is known.

    Examples
    --------
    >>> normalize_sport("Trail Run")
    ('running', 'trail')
    >>> normalize_sport("9")
    ('running', '')
    """
    sub = _clean(sub_sport)
    if sub == "generic":
        sub = ""
    text = _clean(name)
    if not text:
        return "generic", sub
    if text in STRAVA_GPX_CODES:
        return STRAVA_GPX_CODES[text]
    key = re.sub(r"[^a-z]", "", text)
    if key in NAMED_SPORTS:
        sport, implied = NAMED_SPORTS[key]
        return sport, implied or sub
    if text.isdigit():
        return "generic", ""
    return text.replace(" ", "_"), sub


def _clean(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip().lower()
