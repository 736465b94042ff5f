"""SS001 group-statically-stable: its documented scenarios (`stayup.policies.rules.static_stability.group_statically_stable`)."""

from __future__ import annotations

from builder import Builder
from scenarios import (
    ASG,
    ECS,
    EKS,
    SCHEDULED,
    TARGET,
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
        # desiredCount 2 over 2 AZs, but Application Auto Scaling may scale it in to one task.
        "scaling target min_capacity 1": (lambda b: scaled(b, 1.0), [("SS001", "api", ECS, "fail")]),
        "scheduled scale-in": (lambda b: scaled(b, 2.0, night=1.0), [("SS001", "api", ECS, "fail")]),
    },
    "not-applicable": {"no groups": lambda b: drop(b, ASG, ECS, EKS)},
    "unknown": {
        "size unknown": (lambda b: mutate(b, "web", ASG, minSize=UNKNOWN), [("SS001", "web", ASG, "unknown")]),
        # A target whose resourceId is computed from nothing in the program could be on any service.
        "scaling target resourceId unknown": (lambda b: scaled(b, 1.0, resource_id=UNKNOWN), [("SS001", "api", ECS, "unknown")]),
    },
}


def scaled(b: Builder, minimum: float, *, night: float | None = None, resource_id: str = "service/apps/api") -> Builder:
    """An Application Auto Scaling target on the api service (linked by value, as a literal
    resourceId) with `minimum`, and optionally a scheduled action lowering it to `night`."""
    b = mutate(b, "api", ECS, name="api")
    b.add(TARGET, "api-scaling", {"serviceNamespace": "ecs", "scalableDimension": "ecs:service:DesiredCount", "resourceId": resource_id, "minCapacity": minimum, "maxCapacity": 6.0})
    if night is not None:
        b.add(SCHEDULED, "api-night", {"serviceNamespace": "ecs", "scalableDimension": "ecs:service:DesiredCount", "resourceId": resource_id,
                                       "schedule": "cron(0 22 * * ? *)", "scalableTargetAction": {"minCapacity": night, "maxCapacity": 2.0}}, {"resourceId": "api-scaling"})
    return b

test_scenario, test_suppressed, test_cases_are_the_documented_scenarios = scenario_tests(RULE_ID, CASES)
