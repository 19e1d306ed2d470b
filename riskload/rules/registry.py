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
    Rule("RL001", weekly_distance_jump, "weak"),
    Rule("RL002", hill_heavy_week, "heuristic"),
    Rule("RL003", missing_rest_days, "heuristic"),
    Rule("RL004", long_run_spike, "strong"),
    Rule("RL005", intensity_jump, "heuristic"),
    Rule("RL006", steep_downhill, "heuristic"),
    Rule("RL007", return_after_break, "heuristic"),
    Rule("RL008", high_weekly_volume, "weak"),
    Rule("RL009", short_recovery, "heuristic"),
    Rule("RL010", no_warmup, "heuristic"),
    Rule("RL011", missing_strength, "weak"),
    Rule("RL012", worn_shoes, "heuristic"),
    Rule("RL013", cadence_drop, "heuristic"),
    Rule("RL014", acute_chronic_ratio, "contested"),
    Rule("RL015", monotony, "weak"),
)

BY_CODE = {rule.code: rule for rule in RULES}
