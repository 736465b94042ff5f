"""HC007 dns-failover-explicit-health-check: its documented scenarios (`stayup.policies.rules.health_checks.dns_failover_explicit_health_check`)."""

from __future__ import annotations

from scenarios import (
    RECORD,
    UNKNOWN,
    drop,
    mutate,
    same,
    scenario_tests,
)

RULE_ID = "HC007"
ALIAS = {"name": "alb.example", "zoneId": "Z1"}
CASES = {
    "pass": {"PRIMARY with healthCheckId": (same, [("primary", RECORD)])},
    "fail": {"PRIMARY alias relying on evaluateTargetHealth only": (lambda b: mutate(b, "primary", RECORD, healthCheckId=None), [("HC007", "primary", RECORD, "fail")])},
    "not-applicable": {
        "no failover records": lambda b: drop(b, RECORD),
        "PRIMARY without any health check: HC004's": lambda b: mutate(b, "primary", RECORD, healthCheckId=None, aliases=[{**ALIAS, "evaluateTargetHealth": False}]),
    },
    "unknown": {
        "evaluateTargetHealth unknown": (lambda b: mutate(b, "primary", RECORD, healthCheckId=None, aliases=[{**ALIAS, "evaluateTargetHealth": UNKNOWN}]),
                                         [("HC004", "primary", RECORD, "unknown"), ("HC005", "primary", RECORD, "unknown"), ("HC007", "primary", RECORD, "unknown")]),
    },
}

test_scenario, test_suppressed, test_cases_are_the_documented_scenarios = scenario_tests(RULE_ID, CASES)
