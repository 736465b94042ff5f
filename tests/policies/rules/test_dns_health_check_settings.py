"""HC006 dns-health-check-settings: its documented scenarios (`stayup.policies.rules.health_checks.dns_health_check_settings`)."""

from __future__ import annotations

from scenarios import (
    HC,
    UNKNOWN,
    drop,
    mutate,
    same,
    scenario_tests,
)

RULE_ID = "HC006"
CASES = {
    "pass": {"HTTPS /healthz every 10 s x 3": (same, [("primary-check", HC)])},
    "fail": {
        "slow": (lambda b: mutate(b, "primary-check", HC, requestInterval=60.0), [("HC006", "primary-check", HC, "fail")]),
        "TCP on an ALB": (lambda b: mutate(b, "primary-check", HC, type="TCP", resourcePath=None), [("HC006", "primary-check", HC, "fail")]),
        "disabled": (lambda b: mutate(b, "primary-check", HC, disabled=True), [("HC006", "primary-check", HC, "fail")]),
    },
    "not-applicable": {"no health checks": lambda b: drop(b, HC)},
    "unknown": {
        "settings unknown": (lambda b: mutate(b, "primary-check", HC, resourcePath=UNKNOWN), [("HC006", "primary-check", HC, "unknown")]),
        "interval from an apply": (lambda b: mutate(b, "primary-check", HC, requestInterval=UNKNOWN), [("HC006", "primary-check", HC, "unknown")]),
    },
}

test_scenario, test_suppressed, test_cases_are_the_documented_scenarios = scenario_tests(RULE_ID, CASES)
