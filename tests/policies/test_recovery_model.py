"""The recovery model's edges on the happy-path fixture (two AZs, eu-west-3a/b), each with its
expected seconds worked out from the model before the first run."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from builder import happy, mutate, relink
from stayup.policies import recovery as rec
from stayup.policies.blast import simulate
from stayup.policies.errors import InputError
from stayup.policies.model import from_capture

sys.path.insert(0, str(Path(__file__).resolve().parent / "rules"))
from scenarios import CLUSTER, HC, LB, RECORD, TG, UNKNOWN, nat_b_via_a

A, B = "eu-west-3a", "eu-west-3b"


def listened(b):
    """The web group (ASG in both AZs) behind the ALB: HTTP checks every 10 s, 2 misses, no timeout set."""
    b.add("aws:lb/listener:Listener", "web-listener", {"loadBalancerArn": "arn-alb", "protocol": "HTTP", "port": 80.0,
                                                       "defaultActions": [{"type": "forward", "targetGroupArn": "arn-web"}]},
          {"loadBalancerArn": "alb", "defaultActions": "web-tg"})
    return b


def recoveries(b, **kwargs):
    radius = simulate(from_capture(b.graph()), **kwargs)
    return {(loss.zone, s.name): s.recovery for loss in radius.zones for s in loss.services}


def span(recovery):
    shown = recovery.to_json()
    return shown["outcome"], shown["seconds_min"], shown["seconds_max"]


def test_a_multi_az_db_cluster_fails_over_in_35_s_and_does_not_survive_two_dark_azs():
    b = happy()
    b.add(CLUSTER, "orders", {"engine": "postgres", "dbClusterInstanceClass": "db.m6gd.large", "dbSubnetGroupName": "db-subnets"},
          {"dbSubnetGroupName": "db-subnets"})
    assert (span(recoveries(b)[(A, "orders")]), span(recoveries(b)[(B, "orders")])) == (("recovers", 35, 35), ("recovers", 35, 35))
    assert span(recoveries(b, zones_down=2)[(f"{A} + {B}", "orders")]) == ("down", None, None)


def test_target_health_disabled_never_recovers_and_unknown_interval_is_unknown():
    disabled = mutate(listened(happy()), "web-tg", TG, healthCheck={"enabled": False, "path": "/healthz"})
    never = recoveries(disabled)[(A, "crm.example.com")]
    assert (never.outcome, never.to_json()["seconds_max"], never.dominant.what, never.dominant.attribute) == ("never", None, "target health", "healthCheck.enabled")
    json.dumps(never.to_json(), allow_nan=False)  # "never" is null, not an infinity
    unknown = mutate(listened(happy()), "web-tg", TG, healthCheck={"enabled": True, "path": "/healthz", "interval": UNKNOWN})
    found = recoveries(unknown)[(A, "crm.example.com")]
    # Not known, but at least the DNS TTL that waits for it: 60 s.
    assert (found.outcome, found.at_least, found.exceeds(59), found.exceeds(180)) == ("unknown", 60.0, True, rec.NOT_KNOWN)


def test_an_alb_node_without_targets_in_the_dark_az_is_unknown_an_nlb_one_costs_nothing():
    """The web group only in AZ a: when b goes dark the ALB's node there has no target, and AWS
    publishes no time to take it out of DNS; an NLB without cross-zone had it out of DNS already."""
    b = mutate(listened(happy()), "web", "aws:autoscaling/group:Group", vpcZoneIdentifiers=["id-private-a"])
    b = relink(b, "web", "aws:autoscaling/group:Group", "vpcZoneIdentifiers", ["private-a"])
    alb = recoveries(b)[(B, "alb")]
    assert (alb.outcome, alb.dominant.what, alb.dominant.detail) == ("unknown", "load balancer DNS", "no target in eu-west-3b: how soon AWS takes the node out of DNS is not published")
    nlb = mutate(b, "alb", LB, loadBalancerType="network")
    assert span(recoveries(nlb)[(B, "alb")]) == ("recovers", 0, 0)


def test_route53_failover_on_an_http_check_and_on_alias_target_health():
    """The ALB's only targets (web, AZ a) go dark with a: the primary is down. With the HTTPS check
    (10 s, 3 misses, 6 s timeout): 2 x 16 + 6 = 38 to 3 x 16 = 48 s, then the record's 60 s TTL.
    Without it, the alias's target health: the web group's 16–26 s (10 s x 2 + 6 s), then 60 s."""
    b = mutate(listened(happy()), "web", "aws:autoscaling/group:Group", vpcZoneIdentifiers=["id-private-a"], minSize=2.0)
    b = relink(b, "web", "aws:autoscaling/group:Group", "vpcZoneIdentifiers", ["private-a"])
    b.add(LB, "standby", {"loadBalancerType": "application", "subnets": ["id-public-b"]}, {"subnets": ["public-b"]})
    b = mutate(b, "secondary", RECORD, records=None, ttl=None, aliases=[{"name": "standby.example", "zoneId": "Z1", "evaluateTargetHealth": True}])
    b = relink(b, "secondary", RECORD, "aliases", ["standby"])
    checked = recoveries(b)[(A, "crm.example.com")]
    assert span(checked) == ("recovers", 98, 108)
    assert [(s.what, s.name, s.low, s.high) for s in checked.steps] == [("DNS failover", "primary-check", 38, 48), ("DNS TTL", "primary", 60, 60)]
    alias_only = relink(mutate(b, "primary", RECORD, healthCheckId=None), "primary", RECORD, "healthCheckId", [])
    found = recoveries(alias_only)[(A, "crm.example.com")]
    assert span(found) == ("recovers", 76, 86)
    assert [(s.what, s.name, s.after.name if s.after else None) for s in found.steps] == [("DNS failover", "primary", "web-tg"), ("DNS TTL", "primary", "primary")]
    unknown_interval = mutate(b, "primary-check", HC, requestInterval=UNKNOWN)
    assert span(recoveries(unknown_interval)[(A, "crm.example.com")]) == ("unknown", None, None)


def test_egress_through_a_dark_nat_never_recovers():
    found = recoveries(nat_b_via_a(happy()))[(A, "vpc")]
    assert (span(found), [(s.what, s.name, s.state) for s in found.steps]) == (("never", None, None), [("egress", "nat-a", "never")])


def test_recovery_files_merge_and_refuse_what_cannot_be_meant(tmp_path):
    path = tmp_path / "recovery.yaml"
    path.write_text("ec2_launch: 90\nrds_multi_az_max: 100\n")
    assert rec.load_recovery(path) == {"ec2_launch": 90.0, "rds_multi_az_max": 100.0}
    assert rec.constants({"ec2_launch": 90.0})["ec2_launch"] == 90.0 and rec.constants()["ec2_launch"] is None
    path.write_text("rds_multi_az_max: 50\n")
    with pytest.raises(InputError) as raised:
        rec.load_recovery(path)
    assert raised.value.line() == f"{path}: rds_multi_az_max: rds_multi_az_min (60) is above rds_multi_az_max (50)"


@pytest.mark.parametrize(("losses", "shown", "count"), [
    ([("a", "web", rec.Recovery(rec.RECOVERS))], "99.999 % = 315 s/year: no zone loss costs downtime", None),
    ([("a", "web", rec.Recovery(rec.NEVER_RECOVERS))], "99.999 % = 315 s/year: not one loss of a (web never recovers)", 0),
    ([("a", "web", rec.down("load balancer dark"))], "99.999 % = 315 s/year: not one loss of a (web does not survive)", 0),
    ([("a", "web", rec.not_known("x"))], "99.999 % = 315 s/year: not known (the recovery of web after losing a is not known)", None),
])
def test_downtime_budget_edges(losses, shown, count):
    budget = rec.budget(99.999, losses)
    assert (budget.shown(), budget.losses) == (shown, count)


def test_every_constant_has_a_source_and_the_docs_list_them():
    assert all(c.sources and all(s.url.startswith(("https://", "http://")) and s.quote for s in c.sources) for c in rec.CONSTANTS)
    doc = rec.constants_markdown()
    assert all(f"| `{c.key}` |" in doc for c in rec.CONSTANTS) and f"Sources, read {rec.READ}:" in doc
    schema = json.loads((Path(rec.__file__).parent / "schemas" / "recovery.schema.json").read_text())
    assert list(schema["properties"]) == [c.key for c in rec.CONSTANTS]
