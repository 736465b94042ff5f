"""SS001 group-statically-stable: its documented scenarios (`stayup.policies.rules.static_stability.group_statically_stable`)."""

from __future__ import annotations

from scenarios import (
    ASG,
    ECS,
    EKS,
    UNKNOWN,
    drop,
    mutate,
    same,
    scenario_tests,
)

RULE_ID = "SS001"
CASES = {
    "pass": {"capacity per AZ meets the peak after losing an AZ": (same, [("web", ASG), ("api", ECS), ("nodes", EKS)])},
    "fail": {
        "min 2 over 2 AZs with peak 2": (lambda b: mutate(b, "web", ASG, minSize=2.0, tags=[{"key": "stayup:peak", "value": "2"}]), [("SS001", "web", ASG, "fail")]),
        "capacity below AZ count": (lambda b: mutate(b, "api", ECS, desiredCount=1.0), [("SS001", "api", ECS, "fail")]),
    },
    "not-applicable": {"no groups": lambda b: drop(b, ASG, ECS, EKS)},
    "unknown": {"size unknown": (lambda b: mutate(b, "web", ASG, minSize=UNKNOWN), [("SS001", "web", ASG, "unknown")])},
}

test_scenario, test_suppressed, test_cases_are_the_documented_scenarios = scenario_tests(RULE_ID, CASES)
