"""PZ005 serving-instances-span-power-zones: its documented scenarios (`stayup.policies.rules.power_zones.serving_instances_span_power_zones`)."""

from __future__ import annotations

from scenarios import (
    EIP,
    INSTANCE,
    RECORD,
    SG,
    UNKNOWN,
    drop,
    drop_named,
    mutate,
    relink,
    same,
    scenario_tests,
)

RULE_ID = "PZ005"


def lone(b, *, eip: bool):
    """Only web-a is left: the DNS name points at it alone, or it has an Elastic IP and no DNS."""
    b = drop_named(b, "web-b")
    if eip:
        b = drop_named(b, "www")
        b.add(EIP, "web-a-ip", {"domain": "vpc", "instance": "id-web-a"}, {"instance": "web-a"})
        return b
    return relink(mutate(b, "www", RECORD, records=["203.0.113.97"]), "www", RECORD, "records", ["web-a"])


CASES = {
    "pass": {"a web server per AZ behind one DNS name": (same, [("web-a", INSTANCE), ("web-b", INSTANCE)])},
    "fail": {
        "a lone web server with an EIP": (lambda b: lone(b, eip=True), [("PZ005", "web-a", INSTANCE, "fail")]),
        "a DNS record pointing at one instance": (lambda b: lone(b, eip=False), [("PZ005", "web-a", INSTANCE, "fail")]),
        # One instance is in one AZ, whichever AWS picks.
        "a lone server whose AZ AWS picks": (lambda b: relink(mutate(lone(b, eip=True), "web-a", INSTANCE, availabilityZone=UNKNOWN, subnetId=None), "web-a", INSTANCE, "subnetId", []),
                                             [("PZ005", "web-a", INSTANCE, "fail")]),
    },
    "not-applicable": {
        "bastion with SSH only": lambda b: mutate(lone(b, eip=True), "web-sg", SG, ingress=[{"protocol": "tcp", "fromPort": 22.0, "toPort": 22.0, "cidrBlocks": ["0.0.0.0/0"]}]),
        "no instances": lambda b: drop(b, INSTANCE),
    },
    "unknown": {
        "security group rules unknown": (lambda b: mutate(b, "web-sg", SG, ingress=UNKNOWN), [("PZ005", "web-a", INSTANCE, "unknown"), ("PZ005", "web-b", INSTANCE, "unknown")]),
        "the instance's AZ unknown": (lambda b: relink(mutate(b, "web-b", INSTANCE, availabilityZone=UNKNOWN, subnetId=UNKNOWN), "web-b", INSTANCE, "subnetId", []),
                                      [("PZ005", "web-a", INSTANCE, "unknown"), ("PZ005", "web-b", INSTANCE, "unknown")]),
    },
}

test_scenario, test_suppressed, test_cases_are_the_documented_scenarios = scenario_tests(RULE_ID, CASES)
