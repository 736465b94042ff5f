"""NE004 opaque-vpc-nat-strategy: its documented scenarios (`stayup.policies.rules.egress.opaque_vpc_nat_strategy`)."""

from __future__ import annotations

from scenarios import (
    AWSX,
    NAT,
    UNKNOWN,
    drop,
    mutate,
    same,
    scenario_tests,
    urn,
)


def captured_with_defaults(b):
    """`awsx.ec2.Vpc("vpc")` as captured: no settings given; its outputs list the NATs it made."""
    b = mutate(b, "awsx-vpc", AWSX, natGateways=None)
    vpc = b.resources[urn(b, "awsx-vpc", AWSX)]
    vpc["remote"] = True
    vpc["outputs"]["natGateways"] = ["id-nat-a", "id-nat-b", "id-nat-c"]
    return b


def outputs_with_children(b):
    """As a state export or CrossGuard sees it: outputs only, the NAT gateways its children."""
    b = mutate(b, "awsx-vpc", AWSX, natGateways=["id-nat-a"])
    b.resources[urn(b, "nat-a", NAT)]["parent"] = urn(b, "awsx-vpc", AWSX)
    return b


RULE_ID = "NE004"
CASES = {
    "pass": {"OnePerAz": (same, [("awsx-vpc", AWSX)]), "also by default": (captured_with_defaults, [("awsx-vpc", AWSX)])},
    "fail": {"Single": (lambda b: mutate(b, "awsx-vpc", AWSX, natGateways={"strategy": "Single"}), [("NE004", "awsx-vpc", AWSX, "fail")])},
    "not-applicable": {"no awsx Vpc": lambda b: drop(b, AWSX), "outputs with the gateways as children": outputs_with_children},
    "unknown": {"strategy unknown": (lambda b: mutate(b, "awsx-vpc", AWSX, natGateways=UNKNOWN), [("NE004", "awsx-vpc", AWSX, "unknown")])},
}

test_scenario, test_suppressed, test_cases_are_the_documented_scenarios = scenario_tests(RULE_ID, CASES)
