"""Run the rules over a load, with the athlete's settings applied."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..errors import ConfigError
from ..load import Load, week_of
from ..settings import check_threshold
from .base import FLAG_COLUMNS, SEVERITIES, Rule, RuleUnavailable, check_order
from .evidence import weigh
from .registry import BY_CODE, RULES


@dataclass
class RuleReport:
    """The flags, what could not run (or was switched off) and why, and the thresholds every rule ran with."""

    flags: pd.DataFrame
    not_run: pd.DataFrame  # code, rule, reason
    thresholds: dict[str, dict[str, float]]  # code -> {name: value}: the defaults, with the settings' over them


def rule_options(settings) -> dict[str, dict]:
    """Per-rule keyword arguments from the settings, checked against each signature and each default
    (:func:`~riskload.settings.check_threshold`).

    The athlete's ``weekly_cap_km`` is RL008's ``cap_km``.

    Raises
    ------
    ConfigError
        An unknown rule code, an unknown threshold name, or a value of the
        wrong kind or out of its range.
    """
    given = {code: dict(values) for code, values in settings.rule_options.items()}
    if settings.weekly_cap_km is not None:
        given.setdefault("RL008", {}).setdefault("cap_km", settings.weekly_cap_km)
    for code in list(given) + list(settings.disabled_rules):
        if code not in BY_CODE:
            raise ConfigError(f"{settings.source or 'settings'}: unknown rule {code!r} (RL001 to RL0{len(RULES):02d})")
    checked = {}
    for code, values in given.items():
        defaults = BY_CODE[code].defaults()
        checked[code] = {}
        for name, value in values.items():
            where = f"{settings.source or 'settings'}: rules.{code}.{name}"
            if name not in defaults:
                raise ConfigError(f"{where} is not a threshold of {BY_CODE[code].name} "
                                  f"(known: {', '.join(defaults)})")
            checked[code][name] = check_threshold(where, name, value, defaults[name])
        check_order(getattr(BY_CODE[code].function, "ordered_pairs", ()), {**defaults, **checked[code]},
                    f"{settings.source or 'settings'}: rules.{code}")
    return checked


def rule_thresholds(settings) -> dict[str, dict]:
    """Every rule's thresholds as it runs with them: its defaults, with the settings' (:func:`rule_options`) over them.

    Raises
    ------
    ConfigError
        As :func:`rule_options`.
    """
    options = rule_options(settings)
    return {rule.code: {**rule.defaults(), **options.get(rule.code, {})} for rule in RULES}


def run_rules(load: Load, *, athlete: str = "", select: list[str] | None = None) -> RuleReport:
    """Run every enabled rule (or only ``select``, which may not be empty) and collect one flags table.

    Returns
    -------
    RuleReport
        ``flags`` has :data:`~riskload.rules.base.FLAG_COLUMNS`, each
        severity weighed by the rule's evidence (:mod:`riskload.rules.evidence`), sorted by
        date, then severity (worst first), then code. ``not_run`` lists each
        rule that was switched off or lacked data, once, with the reason.
        ``thresholds`` holds each rule's thresholds as it ran with them (or
        would have), for the figures and the page to show the same.
    """
    thresholds = rule_thresholds(load.settings)
    wanted = set(select) if select is not None else None
    if wanted is not None:
        if not wanted:
            raise ConfigError("select names no rule: give rule codes, or None for every rule")
        unknown = wanted - set(BY_CODE)
        if unknown:
            raise ConfigError(f"unknown rule {sorted(unknown)[0]!r}")
    frames, not_run = [], []
    # rules name a workout saved in parts by its session; a flag names every recording behind it
    parts = dict(zip(load.runs["activity_id"], load.runs["part_ids"]))
    for rule in RULES:
        if wanted is not None and rule.code not in wanted:
            continue
        if rule.code in load.settings.disabled_rules:
            not_run.append((rule.code, rule.name, "switched off in the settings"))
            continue
        try:
            result = rule.function(load, **thresholds[rule.code])
        except RuleUnavailable as exc:
            not_run.append((rule.code, rule.name, str(exc)))
            continue
        if len(result):
            frames.append(_label(result, rule, athlete, load, parts))
    flags = weigh(pd.concat(frames, ignore_index=True)) if frames else pd.DataFrame(columns=FLAG_COLUMNS)
    rank = flags["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
    flags = flags.assign(_rank=-rank).sort_values(["date", "_rank", "code"]).drop(columns="_rank")
    return RuleReport(flags.reset_index(drop=True)[FLAG_COLUMNS],
                      pd.DataFrame(not_run, columns=["code", "rule", "reason"]), thresholds)


def _label(result: pd.DataFrame, rule: Rule, athlete: str, load: Load, parts: dict) -> pd.DataFrame:
    out = result.copy()
    out["date"] = pd.to_datetime(out["date"])
    out["week_start"] = week_of(load.weekly, out["date"])
    out["athlete"] = athlete
    out["code"] = rule.code
    out["rule"] = rule.name
    out["evidence"] = rule.evidence
    out["rule_severity"] = out["severity"]  # before the evidence is weighed
    out["activity_ids"] = [[part for i in ids for part in parts.get(i, [i])] for ids in out["activity_ids"]]
    return out[FLAG_COLUMNS]
