"""NE001 private-egress-in-own-zone: its documented scenarios (`stayup.policies.rules.egress.private_egress_in_own_zone`)."""

from __future__ import annotations

from scenarios import (
    BASE,
    LB,
    SUBNET,
    UNKNOWN,
    VPC,
    drop_named,
    drop_routes_to_nat,
    inline_cross_zone,
    main_table_cross_zone,
    mutate,
    nat_b_via_a,
    regional_nat,
    same,
    scenario_tests,
)
from stayup.policies.engine import evaluate, outcome_set
from stayup.policies.model import from_capture
from stayup.policies.settings import load_settings

RULE_ID = "NE001"
CASES = {
    "pass": {
        "NAT per AZ via separate routes": (same, [("private-a", SUBNET), ("private-b", SUBNET)]),
        "regional NAT serving every AZ": (lambda b: regional_nat(b, ["eu-west-3a", "eu-west-3b"]), [("private-a", SUBNET), ("private-b", SUBNET)]),
    },
    "fail": {
        "route to another AZ's NAT": (nat_b_via_a, [("NE001", "private-b", SUBNET, "fail"), ("NE002", "vpc", VPC, "fail")]),
        "inline route through gatewayId to another AZ's NAT": (inline_cross_zone, [("NE001", "private-b", SUBNET, "fail"), ("NE002", "vpc", VPC, "fail")]),
        "regional NAT in manual mode missing the AZ": (lambda b: regional_nat(b, ["eu-west-3a"]), [("NE001", "private-b", SUBNET, "fail")]),
        "main route table to another AZ's NAT": (main_table_cross_zone, [("NE001", "private-b", SUBNET, "fail"), ("NE002", "vpc", VPC, "fail")]),
    },
    "not-applicable": {"no private subnet with internet egress": drop_routes_to_nat},
    "unknown": {"zone not resolvable": (lambda b: mutate(b, "public-b", SUBNET, availabilityZone=UNKNOWN), [("NE001", "private-b", SUBNET, "unknown"), ("PZ001", "alb", LB, "unknown"), ("NE002", "vpc", VPC, "unknown")])},
}


def test_subnet_without_association_and_no_main_table_has_no_egress():
    # AWS's implicit main table has only the local route: private-b is isolated, nothing to judge.
    b = drop_named(BASE, "assoc-private-b")
    assert outcome_set(evaluate(from_capture(b.graph()), load_settings({}))) == set()

test_scenario, test_suppressed, test_cases_are_the_documented_scenarios = scenario_tests(RULE_ID, CASES)
