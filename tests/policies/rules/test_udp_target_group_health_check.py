"""HC002 udp-target-group-health-check: its documented scenarios (`stayup.policies.rules.health_checks.udp_target_group_health_check`)."""

from __future__ import annotations

from scenarios import (
    TG,
    UNKNOWN,
    drop,
    mutate,
    same,
    scenario_tests,
)

RULE_ID = "HC002"
CASES = {
    "pass": {"TCP_UDP group checked over TCP on 3478": (same, [("turn", TG)])},
    "fail": {"checked over UDP": (lambda b: mutate(b, "turn", TG, healthCheck={"enabled": True, "protocol": "UDP"}), [("HC002", "turn", TG, "fail")])},
    "not-applicable": {"no UDP target groups": lambda b: drop(b, TG)},
    "unknown": {"health check protocol unknown": (lambda b: mutate(b, "turn", TG, healthCheck={"enabled": True, "protocol": UNKNOWN}), [("HC002", "turn", TG, "unknown")])},
}

test_scenario, test_suppressed, test_cases_are_the_documented_scenarios = scenario_tests(RULE_ID, CASES)
