"""HC001 target-group-health-check: its documented scenarios (`stayup.policies.rules.health_checks.target_group_health_check`)."""

from __future__ import annotations

from scenarios import (
    CLB,
    TG,
    UNKNOWN,
    classic_elb,
    drop,
    mutate,
    same,
    scenario_tests,
)

RULE_ID = "HC001"
CASES = {
    "pass": {
        "explicit /healthz every 10 s": (same, [("web-tg", TG)]),
        # A fast check on "/" fails over; only the advisory readiness-path rule speaks.
        '"/" every 10 s': (lambda b: mutate(b, "web-tg", TG, healthCheck={"enabled": True, "path": "/", "interval": 10.0}), [("web-tg", TG), ("HC008", "web-tg", TG, "fail")]),
    },
    "fail": {
        "disabled": (lambda b: mutate(b, "web-tg", TG, healthCheck={"enabled": False}), [("HC001", "web-tg", TG, "fail")]),
        "missing": (lambda b: mutate(b, "web-tg", TG, healthCheck=None), [("HC001", "web-tg", TG, "fail")]),
        "slow": (lambda b: mutate(b, "web-tg", TG, healthCheck={"enabled": True, "path": "/healthz", "interval": 60.0}), [("HC001", "web-tg", TG, "fail")]),
        "a classic load balancer without a health check": (lambda b: classic_elb(b, zones=("eu-west-3a", "eu-west-3b"), health_check=False), [("HC001", "classic", CLB, "fail")]),
    },
    "not-applicable": {"no target groups": lambda b: drop(b, TG)},
    "unknown": {"health check unknown": (lambda b: mutate(b, "web-tg", TG, healthCheck=UNKNOWN), [("HC001", "web-tg", TG, "unknown")])},
}

test_scenario, test_suppressed, test_cases_are_the_documented_scenarios = scenario_tests(RULE_ID, CASES)
