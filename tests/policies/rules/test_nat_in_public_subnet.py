"""NE003 nat-in-public-subnet: its documented scenarios (`stayup.policies.rules.egress.nat_in_public_subnet`)."""

from __future__ import annotations

from scenarios import (
    NAT,
    ROUTE,
    SUBNET,
    VPC,
    drop,
    mutate,
    relink,
    same,
    scenario_tests,
)

RULE_ID = "NE003"
CASES = {
    "pass": {"NAT in a subnet routed to the internet gateway": (same, [("nat-a", NAT), ("nat-b", NAT)])},
    "fail": {"NAT in a private subnet": (lambda b: relink(mutate(b, "nat-a", NAT, subnetId="id-private-a"), "nat-a", NAT, "subnetId", ["private-a"]), [("NE003", "nat-a", NAT, "fail")])},
    "not-applicable": {"no zonal NAT": lambda b: drop(b, NAT, ROUTE)},
    "unknown": {"subnet not resolvable": (lambda b: relink(b, "nat-a", NAT, "subnetId", []), [("NE003", "nat-a", NAT, "unknown"), ("NE001", "private-a", SUBNET, "unknown"), ("NE002", "vpc", VPC, "unknown")])},
}

test_scenario, test_suppressed, test_cases_are_the_documented_scenarios = scenario_tests(RULE_ID, CASES)
