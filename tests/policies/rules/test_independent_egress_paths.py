"""NE002 independent-egress-paths: its documented scenarios (`stayup.policies.rules.egress.independent_egress_paths`)."""

from __future__ import annotations

from scenarios import (
    LB,
    ROUTE,
    SUBNET,
    UNKNOWN,
    VPC,
    drop_routes_to_nat,
    mutate,
    nat_b_via_a,
    regional_nat,
    relink,
    same,
    scenario_tests,
)

RULE_ID = "NE002"
CASES = {
    "pass": {
        "NAT per AZ": (same, [("vpc", VPC)]),
        "one regional NAT": (lambda b: regional_nat(b, ["eu-west-3a", "eu-west-3b"]), [("vpc", VPC)]),
    },
    "fail": {"one zonal NAT for two AZs": (nat_b_via_a, [("NE001", "private-b", SUBNET, "fail"), ("NE002", "vpc", VPC, "fail")])},
    "not-applicable": {"no NAT egress": drop_routes_to_nat},
    "unknown": {
        "a NAT's zone unknown": (lambda b: mutate(b, "public-b", SUBNET, availabilityZone=UNKNOWN), [("NE001", "private-b", SUBNET, "unknown"), ("PZ001", "alb", LB, "unknown"), ("NE002", "vpc", VPC, "unknown")]),
        # private-a leaves through nat-a alone; private-b may use nat-a too (fail) or nat-b (pass).
        "another subnet's routes unknown": (lambda b: relink(mutate(b, "private-b-default", ROUTE, natGatewayId=UNKNOWN), "private-b-default", ROUTE, "natGatewayId", []),
                                            [("NE001", "private-b", SUBNET, "unknown"), ("NE002", "vpc", VPC, "unknown")]),
    },
}

test_scenario, test_suppressed, test_cases_are_the_documented_scenarios = scenario_tests(RULE_ID, CASES)
