"""PZ002 database-survives-zone-loss: its documented scenarios (`stayup.policies.rules.power_zones.database_survives_zone_loss`)."""

from __future__ import annotations

from scenarios import (
    CLUSTER,
    MEMBER,
    RDS,
    UNKNOWN,
    drop,
    mutate,
    same,
    scenario_tests,
)

RULE_ID = "PZ002"
CASES = {
    "pass": {"RDS multiAz and Aurora writer + reader in two AZs": (same, [("db", RDS), ("aurora", CLUSTER)])},
    "fail": {
        "RDS single-AZ": (lambda b: mutate(b, "db", RDS, multiAz=False), [("PZ002", "db", RDS, "fail")]),
        "Aurora instances in one AZ": (lambda b: mutate(b, "aurora-reader", MEMBER, availabilityZone="eu-west-3a"), [("PZ002", "aurora", CLUSTER, "fail")]),
    },
    "not-applicable": {"no database": lambda b: drop(b, RDS, CLUSTER, MEMBER)},
    "unknown": {"multiAz unknown": (lambda b: mutate(b, "db", RDS, multiAz=UNKNOWN), [("PZ002", "db", RDS, "unknown")])},
}

test_scenario, test_suppressed, test_cases_are_the_documented_scenarios = scenario_tests(RULE_ID, CASES)
