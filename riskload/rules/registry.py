"""The one list of rules riskload runs, with their codes and evidence levels.

Codes are stable: a code is never reused for another rule. Evidence levels
follow the project's risk-factor table: *strong* (a large prospective study
in runners), *weak* (associations with wide uncertainty), *contested*
(studies disagree), *heuristic* (common advice, no injury study).
"""

from __future__ import annotations

from .base import Rule
from .body import cadence_drop, missing_strength, worn_shoes
from .intensity import intensity_jump, no_warmup
from .recovery import missing_rest_days, short_recovery
from .terrain import hill_heavy_week, steep_downhill
from .volume import (acute_chronic_ratio, high_weekly_volume, long_run_spike, monotony, return_after_break,
                     weekly_distance_jump)

RULES: tuple[Rule, ...] = (
    Rule("RL001", "weekly_distance_jump", weekly_distance_jump, "weak",
         "Weekly running distance rose more than 10 % on the week before."),
    Rule("RL002", "hill_heavy_week", hill_heavy_week, "heuristic",
         "A week with much more climbing than usual, or 20 m or more of climbing per km."),
    Rule("RL003", "missing_rest_days", missing_rest_days, "heuristic",
         "A week without a rest day, or ten or more days in a row with a run."),
    Rule("RL004", "long_run_spike", long_run_spike, "strong",
         "A run more than 10 % longer than the longest of the previous 30 days."),
    Rule("RL005", "intensity_jump", intensity_jump, "heuristic",
         "Minutes at high heart rate rose more than 10 % on the week before."),
    Rule("RL006", "steep_downhill", steep_downhill, "heuristic",
         "More steep downhill running (8 % or steeper) than usual."),
    Rule("RL007", "return_after_break", return_after_break, "heuristic",
         "Coming back from two weeks or more off with more than half the usual distance."),
    Rule("RL008", "high_weekly_volume", high_weekly_volume, "weak",
         "Weekly distance above the athlete's cap (64 km by default), several weeks in a row."),
    Rule("RL009", "short_recovery", short_recovery, "heuristic",
         "A hard session less than 36 hours after the previous hard one."),
    Rule("RL010", "no_warmup", no_warmup, "heuristic",
         "Runs that start at full effort, without easier first minutes."),
    Rule("RL011", "missing_strength", missing_strength, "weak",
         "Fewer than two strength sessions in a week."),
    Rule("RL012", "worn_shoes", worn_shoes, "heuristic",
         "A pair of shoes past 700 km."),
    Rule("RL013", "cadence_drop", cadence_drop, "heuristic",
         "Running cadence 5 % or more below the usual at a comparable pace."),
    Rule("RL014", "acute_chronic_ratio", acute_chronic_ratio, "contested",
         "The last week's load is more than 1.5 times the last four weeks' (for information)."),
    Rule("RL015", "monotony", monotony, "weak",
         "Days too alike: too few easy or rest days in the week (Foster monotony above 2)."),
)

BY_CODE = {rule.code: rule for rule in RULES}
