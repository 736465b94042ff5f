"""RT001 recovery-time-meets-rto: its documented scenarios (`stayup.policies.rules.disaster_recovery.recovery_time_meets_rto`).

The happy path's longest recoveries, worked out from the recovery model before the first run: the
cache's ElastiCache failover 3–180 s (its primary's AZ, chosen by AWS, taken to be the dark one);
the RDS Multi-AZ instance 60–120 s; the Aurora cluster 30–120 s (one AZ holds its writer); the
failover name crm.example.com follows its primary, an ALB with no listener: 0 s.
"""

from __future__ import annotations

from scenarios import (
    CACHE,
    CLUSTER,
    RDS,
    RECORD,
    STACK,
    TG,
    UNKNOWN,
    mutate,
    scenario_tests,
)

RULE_ID = "RT001"


def rto(seconds):
    return lambda b: mutate(b, "fixture-fx", STACK, rto=seconds)


def listened(b):
    """A listener puts the web group behind the ALB (its target group checks /healthz every 10 s)."""
    b = mutate(b, "fixture-fx", STACK, rto=180)
    b.add("aws:lb/listener:Listener", "web-listener", {"loadBalancerArn": "arn-alb", "protocol": "HTTP", "port": 80.0,
                                                       "defaultActions": [{"type": "forward", "targetGroupArn": "arn-web"}]},
          {"loadBalancerArn": "alb", "defaultActions": "web-tg"})
    return b


def interval_unknown(b):
    b = listened(b)
    return mutate(b, "web-tg", TG, healthCheck={"enabled": True, "path": "/healthz", "interval": UNKNOWN, "unhealthyThreshold": 2.0})


CASES = {
    "pass": {"every zone loss recovers within the RTO": (rto(180), [("db", RDS), ("aurora", CLUSTER), ("cache", CACHE), ("primary", RECORD)])},
    "fail": {
        # 180 s of cache failover is above 150 s; the databases (120 s) and the name (0 s) are within it.
        "RTO below the cache failover": (rto(150), [("RT001", "cache", CACHE, "fail")]),
        "database without a standby": (
            lambda b: mutate(rto(180)(b), "db", RDS, multiAz=False),
            [("PZ002", "db", RDS, "fail"), ("RT001", "db", RDS, "fail")],
        ),
    },
    "not-applicable": {"no RTO declared": lambda b: mutate(b, "fixture-fx", STACK, rto=None)},
    "unknown": {
        "RTO unknown": (rto(UNKNOWN), [("RT001", "fixture-fx", STACK, "unknown")]),
        # The name's recovery waits for the target group's detection: at least its 60 s DNS TTL, not above 180 s.
        "health-check interval unknown": (interval_unknown, [("HC001", "web-tg", TG, "unknown"), ("RT001", "primary", RECORD, "unknown")]),
    },
}

test_scenario, test_suppressed, test_cases_are_the_documented_scenarios = scenario_tests(RULE_ID, CASES)


def test_the_listened_happy_path_recovers_in_exact_seconds():
    """With the web group behind the ALB: 10 s x 2 misses + 6 s HTTP timeout = 16–26 s of target
    health, then the dark AZ's node leaves DNS and its 60 s TTL runs out: 76–86 s for the name."""
    from scenarios import BASE
    from stayup.policies.blast import simulate
    from stayup.policies.model import from_capture

    radius = simulate(from_capture(listened(BASE).graph()))
    rows = {(loss.zone, s.name): (s.recovery.outcome, s.recovery.to_json()["seconds_min"], s.recovery.to_json()["seconds_max"])
            for loss in radius.zones for s in loss.services}
    assert rows[("eu-west-3a", "crm.example.com")] == ("recovers", 76, 86)
    assert rows[("eu-west-3a", "alb")] == ("recovers", 76, 86)
    assert rows[("eu-west-3b", "cache")] == ("recovers", 3, 180)
    assert rows[("eu-west-3a", "db")] == ("recovers", 60, 120)
    (aurora_zone,) = [zone for zone in ("eu-west-3a", "eu-west-3b") if rows[(zone, "aurora")][2] == 120]
    assert rows[(aurora_zone, "aurora")] == ("recovers", 30, 120)
    assert {rows[(z, "aurora")] for z in ("eu-west-3a", "eu-west-3b") if z != aurora_zone} == {("recovers", 0, 0)}


def test_an_rto_that_is_not_a_positive_number_fails_on_the_stack():
    from scenarios import BASE
    from stayup.policies.engine import evaluate, outcome_set
    from stayup.policies.model import from_capture
    from stayup.policies.settings import load_settings

    for bad in ("soon", -5.0, 0.0):
        graph = from_capture(mutate(BASE, "fixture-fx", STACK, rto=bad).graph())
        results = [r for r in evaluate(graph, load_settings({})) if r.rule.id == RULE_ID]
        assert outcome_set(results) == {("RT001", "urn:pulumi:fx::fixture::pulumi:pulumi:Stack::fixture-fx", "fail")}
        assert results[0].finding.attribute == "rto"

