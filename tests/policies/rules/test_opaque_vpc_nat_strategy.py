"""NE004 opaque-vpc-nat-strategy: its documented scenarios (`stayup.policies.rules.egress.opaque_vpc_nat_strategy`)."""

from __future__ import annotations

from scenarios import (
    AWSX,
    UNKNOWN,
    drop,
    mutate,
    same,
    scenario_tests,
)

RULE_ID = "NE004"
CASES = {
    "pass": {"OnePerAz": (same, [("awsx-vpc", AWSX)])},
    "fail": {"Single": (lambda b: mutate(b, "awsx-vpc", AWSX, natGateways={"strategy": "Single"}), [("NE004", "awsx-vpc", AWSX, "fail")])},
    "not-applicable": {"no awsx Vpc": lambda b: drop(b, AWSX)},
    "unknown": {"strategy unknown": (lambda b: mutate(b, "awsx-vpc", AWSX, natGateways=UNKNOWN), [("NE004", "awsx-vpc", AWSX, "unknown")])},
}

test_scenario, test_suppressed, test_cases_are_the_documented_scenarios = scenario_tests(RULE_ID, CASES)
