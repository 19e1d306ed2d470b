"""riskload's own small sport vocabulary, and how every source's sport names map onto it.

Devices and platforms name sports in their own ways: FIT's profile names
and numbers (``running``, ``training``, ``54``), TCX's ``Sport`` attribute,
GPX ``<type>`` (free text, or Strava's numeric codes), Strava's activity
types. riskload keeps what the file said in ``sport_raw`` and maps it onto
:data:`SPORTS`: ``sport`` is the family, ``sub_sport`` the variant
(``trail``, ``treadmill``, ``track``...), empty when unknown. Anything not in
the tables below is ``other``: it never counts as running, and never as a
copy of another recording's sport.
"""

from __future__ import annotations

import re

#: The families riskload knows. Trail and treadmill running are variants
#: (``sub_sport``) of ``running``: for load they are running.
SPORTS = ("running", "walking", "hiking", "cycling", "swimming", "strength", "fitness", "rowing", "paddling",
          "skiing", "transition", "other")

#: Sports whose distance counts as running load (RISK_FACTORS.md conventions:
#: running, trail running and treadmill running; walking and hiking are apart).
RUNNING_SPORTS = frozenset({"running"})

#: Sports whose cadence is counted in steps: FIT stores it per leg for these.
ON_FOOT_SPORTS = frozenset({"running", "walking", "hiking"})

#: Strava's ``<type>`` codes in its GPX exports, checked against corpus files
#: whose sport is known from another format of the same activity.
STRAVA_GPX_CODES = {"1": ("cycling", ""), "9": ("running", ""), "16": ("swimming", "")}

#: Names from FIT's profile (sport and sub-sport), TCX, GPX and Strava, with
#: spaces, dashes and underscores removed, and the family and variant each means.
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
    "bike": ("cycling", ""),
    "cycling": ("cycling", ""),
    "ebiking": ("cycling", "e_bike_fitness"),
    "virtualride": ("cycling", "virtual_activity"),
    "mountainbikeride": ("cycling", "mountain"),
    "gravelride": ("cycling", "gravel_cycling"),
    "ebikeride": ("cycling", "e_bike_fitness"),
    "walk": ("walking", ""),
    "walking": ("walking", ""),
    "hike": ("hiking", ""),
    "hiking": ("hiking", ""),
    "mountaineering": ("hiking", "mountaineering"),
    "snowshoeing": ("hiking", "snowshoeing"),
    "swim": ("swimming", ""),
    "swimming": ("swimming", ""),
    "weighttraining": ("strength", ""),
    "strengthtraining": ("strength", ""),
    "training": ("fitness", ""),
    "fitnessequipment": ("fitness", ""),
    "workout": ("fitness", ""),
    "crossfit": ("fitness", "cardio_training"),
    "yoga": ("fitness", "yoga"),
    "hiit": ("fitness", "hiit"),
    "jumprope": ("fitness", "jump_rope"),
    "rowing": ("rowing", ""),
    "paddling": ("paddling", ""),
    "kayaking": ("paddling", "kayaking"),
    "standuppaddleboarding": ("paddling", "stand_up_paddleboarding"),
    "crosscountryskiing": ("skiing", "cross_country"),
    "alpineskiing": ("skiing", "alpine"),
    "snowboarding": ("skiing", "snowboarding"),
    "transition": ("transition", ""),
}

def _key(text: str) -> str:
    return re.sub(r"[^a-z]", "", text)


def normalize_sport(name: object, sub_sport: object = None) -> tuple[str, str]:
    """Map a sport name from any source onto :data:`SPORTS`.

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
        ``(sport, sub_sport)``; ``("other", "")`` when the name is unknown or missing.

    Examples
    --------
    >>> normalize_sport("Trail Run")
    ('running', 'trail')
    >>> normalize_sport("9")
    ('running', '')
    >>> normalize_sport("training", "strength_training")
    ('strength', 'strength_training')
    >>> normalize_sport("all")
    ('other', '')
    """
    sub = _clean(sub_sport)
    if sub in ("generic", "all") or sub.isdigit():
        sub = ""
    text = _clean(name)
    if text in STRAVA_GPX_CODES:
        return STRAVA_GPX_CODES[text]
    sport, implied = NAMED_SPORTS.get(_key(text), ("other", ""))
    if sport == "other":
        return "other", ""
    if sport == "fitness" and sub == "strength_training":
        sport = "strength"  # FIT's training/strength_training: strength sessions are their own family
    return sport, implied or sub


def raw_sport(name: object, sub_sport: object = None) -> str:
    """What the file itself said, for the ``sport_raw`` column: ``"running/trail"``, ``"54"``, ``""`` when nothing."""
    text, sub = _clean(name, lower=False), _clean(sub_sport, lower=False)
    return f"{text}/{sub}" if sub and sub.lower() != "generic" else text


def _clean(value: object, lower: bool = True) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value).strip()
    return text.lower() if lower else text
