"""PZ001 tier-spans-power-zones: its documented scenarios (`stayup.policies.rules.power_zones.tier_spans_power_zones`)."""

from __future__ import annotations

from scenarios import (
    ASG,
    CLB,
    DBSG,
    ECS,
    EKS,
    LB,
    SUBNET,
    UNKNOWN,
    VPC,
    classic_elb,
    drop,
    mutate,
    one_zone_alb,
    relink,
    same,
    scenario_tests,
)

RULE_ID = "PZ001"
CASES = {
    "pass": {"load balancer, groups, services and DB subnet group over 2 AZs": (same, [("alb", LB), ("web", ASG), ("api", ECS), ("nodes", EKS), ("db-subnets", DBSG)])},
    "fail": {
        "one AZ": (one_zone_alb, [("PZ001", "alb", LB, "fail")]),
        "a classic load balancer in one AZ": (lambda b: classic_elb(b, zones=("eu-west-3a",)), [("PZ001", "classic", CLB, "fail")]),
    },
    "not-applicable": {"no tier resources": lambda b: drop(b, LB, ASG, ECS, EKS, DBSG)},
    "unknown": {
        "subnet without a zone": (lambda b: mutate(b, "public-b", SUBNET, availabilityZone=UNKNOWN), [("NE001", "private-b", SUBNET, "unknown"), ("PZ001", "alb", LB, "unknown"), ("NE002", "vpc", VPC, "unknown")]),
        # A subnet id from outside the program: its zone cannot be known.
        "subnet ids from outside the program": (lambda b: relink(mutate(b, "alb", LB, subnets=["id-public-a", "subnet-0outside"]), "alb", LB, "subnets", ["public-a"]), [("PZ001", "alb", LB, "unknown")]),
    },
}

test_scenario, test_suppressed, test_cases_are_the_documented_scenarios = scenario_tests(RULE_ID, CASES)
