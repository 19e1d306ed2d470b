"""Risk-factor rules: one function per rule, one registry, one engine."""

from .base import EVIDENCE_LEVELS, FLAG_COLUMNS, SEVERITIES, Rule, RuleUnavailable
from .engine import RuleReport, rule_options, rule_thresholds, run_rules
from .registry import BY_CODE, RULES

__all__ = ["BY_CODE", "EVIDENCE_LEVELS", "FLAG_COLUMNS", "RULES", "SEVERITIES", "Rule", "RuleReport", "RuleUnavailable",
           "rule_options", "rule_thresholds", "run_rules"]
