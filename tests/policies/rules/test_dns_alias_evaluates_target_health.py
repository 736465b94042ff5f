"""HC005 dns-alias-evaluates-target-health: its documented scenarios (`stayup.policies.rules.health_checks.dns_alias_evaluates_target_health`)."""

from __future__ import annotations

from scenarios import (
    RECORD,
    UNKNOWN,
    drop,
    mutate,
    same,
    scenario_tests,
)

RULE_ID = "HC005"
CASES = {
    "pass": {"evaluateTargetHealth true": (same, [("primary", RECORD)])},
    "fail": {"false": (lambda b: mutate(b, "primary", RECORD, aliases=[{"name": "alb.example", "zoneId": "Z1", "evaluateTargetHealth": False}]), [("HC005", "primary", RECORD, "fail")])},
    "not-applicable": {"no alias records": lambda b: drop(b, RECORD)},
    "unknown": {"value unknown": (lambda b: mutate(b, "primary", RECORD, aliases=[{"name": "alb.example", "zoneId": "Z1", "evaluateTargetHealth": UNKNOWN}]), [("HC005", "primary", RECORD, "unknown")])},
}

test_scenario, test_suppressed, test_cases_are_the_documented_scenarios = scenario_tests(RULE_ID, CASES)
