"""SS002 instance-tier-statically-stable: its documented scenarios (`stayup.policies.rules.static_stability.instance_tier_statically_stable`)."""

from __future__ import annotations

from scenarios import (
    ATTACH,
    INSTANCE,
    TG,
    UNKNOWN,
    drop,
    mutate,
    relink,
    same,
    scenario_tests,
)

RULE_ID = "SS002"
CASES = {
    "pass": {"one relay in each AZ, peak 1": (same, [("turn", TG)])},
    "fail": {"peak 2 with 1 per AZ": (lambda b: mutate(b, "turn", TG, tags={"stayup:peak": "2"}), [("SS002", "turn", TG, "fail")])},
    "not-applicable": {"no instance targets": lambda b: drop(b, ATTACH)},
    "unknown": {"an instance's AZ unknown": (lambda b: relink(mutate(b, "relay-b", INSTANCE, availabilityZone=UNKNOWN, subnetId=UNKNOWN), "relay-b", INSTANCE, "subnetId", []), [("PZ004", "turn", TG, "unknown"), ("SS002", "turn", TG, "unknown")])},
}

test_scenario, test_suppressed, test_cases_are_the_documented_scenarios = scenario_tests(RULE_ID, CASES)
