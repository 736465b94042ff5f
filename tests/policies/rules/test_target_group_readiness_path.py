"""HC008 target-group-readiness-path: its documented scenarios (`stayup.policies.rules.health_checks.target_group_readiness_path`)."""

from __future__ import annotations

from scenarios import (
    TG,
    UNKNOWN,
    drop,
    mutate,
    same,
    scenario_tests,
)

RULE_ID = "HC008"
FAST = {"enabled": True, "interval": 10.0, "unhealthyThreshold": 2.0}
CASES = {
    "pass": {"/healthz": (same, [("web-tg", TG)])},
    "fail": {
        '"/"': (lambda b: mutate(b, "web-tg", TG, healthCheck={**FAST, "path": "/"}), [("HC008", "web-tg", TG, "fail")]),
        'no path: AWS\'s default "/"': (lambda b: mutate(b, "web-tg", TG, healthCheck=FAST), [("HC008", "web-tg", TG, "fail")]),
    },
    "not-applicable": {
        "TCP checks": lambda b: mutate(b, "web-tg", TG, healthCheck={**FAST, "protocol": "TCP"}),
        "no target groups": lambda b: drop(b, TG),
    },
    "unknown": {"path unknown": (lambda b: mutate(b, "web-tg", TG, healthCheck={**FAST, "path": UNKNOWN}), [("HC008", "web-tg", TG, "unknown")])},
}

test_scenario, test_suppressed, test_cases_are_the_documented_scenarios = scenario_tests(RULE_ID, CASES)
