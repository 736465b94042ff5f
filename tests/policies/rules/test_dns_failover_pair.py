"""HC004 dns-failover-pair: its documented scenarios (`stayup.policies.rules.health_checks.dns_failover_pair`)."""

from __future__ import annotations

from scenarios import (
    RECORD,
    UNKNOWN,
    drop,
    drop_named,
    mutate,
    same,
    scenario_tests,
)

RULE_ID = "HC004"
CASES = {
    "pass": {
        "PRIMARY with healthCheckId + SECONDARY": (same, [("primary", RECORD)]),
        # Route 53's documented failover to a load balancer: the advisory HC007 asks for an explicit check too.
        "PRIMARY alias evaluating target health + SECONDARY": (lambda b: mutate(b, "primary", RECORD, healthCheckId=None), [("primary", RECORD), ("HC007", "primary", RECORD, "fail")]),
    },
    "fail": {
        "PRIMARY without health check": (lambda b: mutate(b, "primary", RECORD, healthCheckId=None, aliases=[{"name": "alb.example", "zoneId": "Z1", "evaluateTargetHealth": False}]),
                                         [("HC004", "primary", RECORD, "fail"), ("HC005", "primary", RECORD, "fail")]),
        "no SECONDARY": (lambda b: drop_named(b, "secondary"), [("HC004", "primary", RECORD, "fail")]),
        "SECONDARY alone": (lambda b: drop_named(b, "primary"), [("HC004", "secondary", RECORD, "fail")]),
    },
    "not-applicable": {"no failover records": lambda b: drop(b, RECORD)},
    "unknown": {
        # Either record may be the other's partner: never a certain "SECONDARY without PRIMARY".
        "record name unknown": (lambda b: mutate(b, "primary", RECORD, name=UNKNOWN), [("HC004", "primary", RECORD, "unknown"), ("HC004", "secondary", RECORD, "unknown")]),
        "failover role unknown": (lambda b: mutate(b, "primary", RECORD, failoverRoutingPolicies=[{"type": UNKNOWN}]),
                                  [("HC004", "primary", RECORD, "unknown"), ("HC004", "secondary", RECORD, "unknown")]),
        "evaluateTargetHealth unknown": (lambda b: mutate(b, "primary", RECORD, healthCheckId=None, aliases=[{"name": "alb.example", "zoneId": "Z1", "evaluateTargetHealth": UNKNOWN}]),
                                         [("HC004", "primary", RECORD, "unknown"), ("HC005", "primary", RECORD, "unknown"), ("HC007", "primary", RECORD, "unknown")]),
    },
}

test_scenario, test_suppressed, test_cases_are_the_documented_scenarios = scenario_tests(RULE_ID, CASES)
