"""DR001 availability-meets-slo: its documented scenarios (`stayup.policies.rules.disaster_recovery.availability_meets_slo`)."""

from __future__ import annotations

from scenarios import (
    RECORD,
    STACK,
    UNKNOWN,
    mutate,
    same,
    scenario_tests,
)

RULE_ID = "DR001"
CASES = {
    # The happy path: one health-checked site (ELB 99.99 x EC2 across AZs 99.99 = 99.98 %), SLO 99.9.
    "pass": {"one site meets a 99.9 SLO": (same, [("primary", RECORD)])},
    "fail": {"one site for five nines": (lambda b: mutate(b, "fixture-fx", STACK, slo=99.999), [("DR001", "primary", RECORD, "fail")])},
    "not-applicable": {"no SLO declared": lambda b: mutate(b, "fixture-fx", STACK, slo=None)},
    "unknown": {"SLO unknown": (lambda b: mutate(b, "fixture-fx", STACK, slo=UNKNOWN), [("DR001", "fixture-fx", STACK, "unknown")])},
}

test_scenario, test_suppressed, test_cases_are_the_documented_scenarios = scenario_tests(RULE_ID, CASES)
