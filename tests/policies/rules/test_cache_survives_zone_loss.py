"""PZ003 cache-survives-zone-loss: its documented scenarios (`stayup.policies.rules.power_zones.cache_survives_zone_loss`)."""

from __future__ import annotations

from scenarios import (
    CACHE,
    UNKNOWN,
    drop,
    mutate,
    same,
    scenario_tests,
)

RULE_ID = "PZ003"
CASES = {
    "pass": {"automatic failover, Multi-AZ, 2 nodes": (same, [("cache", CACHE)])},
    "fail": {"failover off": (lambda b: mutate(b, "cache", CACHE, automaticFailoverEnabled=None), [("PZ003", "cache", CACHE, "fail")])},
    "not-applicable": {"no cache": lambda b: drop(b, CACHE)},
    "unknown": {"settings unknown": (lambda b: mutate(b, "cache", CACHE, multiAzEnabled=UNKNOWN), [("PZ003", "cache", CACHE, "unknown")])},
}

test_scenario, test_suppressed, test_cases_are_the_documented_scenarios = scenario_tests(RULE_ID, CASES)
