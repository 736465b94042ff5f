"""PZ004 no-single-zone-instance-tier: its documented scenarios (`stayup.policies.rules.power_zones.no_single_zone_instance_tier`)."""

from __future__ import annotations

from scenarios import (
    ATTACH,
    CLB,
    INSTANCE,
    TG,
    UNKNOWN,
    classic_elb,
    drop,
    mutate,
    relink,
    same,
    scenario_tests,
)

RULE_ID = "PZ004"
CASES = {
    "pass": {"relay nodes in every AZ": (same, [("turn", TG)])},
    # relay-b moved to AZ a with its subnet (an instance always runs in its subnet's AZ)
    "fail": {
        "relays in one AZ": (lambda b: relink(mutate(b, "relay-b", INSTANCE, availabilityZone="eu-west-3a", subnetId="id-public-a"), "relay-b", INSTANCE, "subnetId", ["public-a"]),
                             [("PZ004", "turn", TG, "fail"), ("SS002", "turn", TG, "fail")]),
        "a classic load balancer's instances in one AZ": (lambda b: classic_elb(b, zones=("eu-west-3a", "eu-west-3b"), instances=("relay-a",)),
                                                          [("PZ004", "classic", CLB, "fail")]),
    },
    "not-applicable": {"no instance targets": lambda b: drop(b, ATTACH)},
    "unknown": {"an instance's zone unknown": (lambda b: relink(mutate(b, "relay-b", INSTANCE, availabilityZone=UNKNOWN, subnetId=UNKNOWN), "relay-b", INSTANCE, "subnetId", []), [("PZ004", "turn", TG, "unknown"), ("SS002", "turn", TG, "unknown")])},
}

test_scenario, test_suppressed, test_cases_are_the_documented_scenarios = scenario_tests(RULE_ID, CASES)
