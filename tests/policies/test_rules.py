"""Every rule's scenarios, on a happy-path graph plus one mutation per case. Each test asserts the
exact set of (rule, resource, outcome) across ALL rules, so a mutation never fires a stray rule."""

from __future__ import annotations

import pytest
from builder import UNKNOWN, drop, happy, mutate, relink, urn
from stayup.policies.engine import evaluate, outcome_set, report, verdict
from stayup.policies.model import from_capture
from stayup.policies.rules import RULES
from stayup.policies.settings import load_settings

SUBNET = "aws:ec2/subnet:Subnet"
NAT = "aws:ec2/natGateway:NatGateway"
ROUTE = "aws:ec2/route:Route"
RT = "aws:ec2/routeTable:RouteTable"
LB = "aws:lb/loadBalancer:LoadBalancer"
TG = "aws:lb/targetGroup:TargetGroup"
ASG = "aws:autoscaling/group:Group"
ECS = "aws:ecs/service:Service"
EKS = "aws:eks/nodeGroup:NodeGroup"
DBSG = "aws:rds/subnetGroup:SubnetGroup"
RDS = "aws:rds/instance:Instance"
CLUSTER = "aws:rds/cluster:Cluster"
MEMBER = "aws:rds/clusterInstance:ClusterInstance"
CACHE = "aws:elasticache/replicationGroup:ReplicationGroup"
INSTANCE = "aws:ec2/instance:Instance"
ATTACH = "aws:lb/targetGroupAttachment:TargetGroupAttachment"
RECORD = "aws:route53/record:Record"
HC = "aws:route53/healthCheck:HealthCheck"
AWSX = "awsx:ec2:Vpc"
VPC = "aws:ec2/vpc:Vpc"

BASE = happy()


def outcomes(builder, config=None):
    return outcome_set(evaluate(from_capture(builder.graph()), load_settings(config or {})))


def expect(builder, *entries):
    return {(rule, urn(builder, name, type_), outcome) for rule, name, type_, outcome in entries}


def one_zone_alb(b):
    return relink(mutate(b, "alb", LB, subnets=["id-public-a"]), "alb", LB, "subnets", ["public-a"])


def nat_b_via_a(b):
    b = mutate(b, "private-b-default", ROUTE, natGatewayId="id-nat-a")
    return relink(b, "private-b-default", ROUTE, "natGatewayId", ["nat-a"])


def inline_cross_zone(b):
    """Private table b with an inline default route via gatewayId to NAT a (real-program style)."""
    b = drop_named(b, "private-b-default")
    b = mutate(b, "rt-private-b", RT, routes=[{"cidrBlock": "0.0.0.0/0", "gatewayId": "id-nat-a"}])
    return relink(b, "rt-private-b", RT, "routes", ["nat-a"])


def drop_named(b, name):
    import copy

    b = copy.deepcopy(b)
    b.resources = {u: r for u, r in b.resources.items() if r["name"] != name}
    return b


def regional_nat(b, zones):
    """Both private tables route to one regional NAT listing `zones`."""
    b = drop_named(drop_named(b, "nat-a"), "nat-b")
    b.add(NAT, "regional", {"availabilityMode": "regional", "vpcId": "id-vpc", "availabilityZoneAddresses": [{"availabilityZone": z} for z in zones]}, {"vpcId": "vpc"})
    for z in "ab":
        b = mutate(b, f"private-{z}-default", ROUTE, natGatewayId="id-regional")
        b = relink(b, f"private-{z}-default", ROUTE, "natGatewayId", ["regional"])
    return b


# rule -> scenario -> list of (mutation, expected entries)
CASES = {
    "PZ001": {
        "fail": [(one_zone_alb, [("PZ001", "alb", LB, "fail")])],
        # A subnet id from outside the program: its zone cannot be known.
        "unknown": [(lambda b: relink(mutate(b, "alb", LB, subnets=["id-public-a", "subnet-0outside"]), "alb", LB, "subnets", ["public-a"]), [("PZ001", "alb", LB, "unknown")])],
        "not-applicable": lambda b: drop(b, LB, ASG, ECS, EKS, DBSG),
    },
    "PZ002": {
        "fail": [
            (lambda b: mutate(b, "db", RDS, multiAz=False), [("PZ002", "db", RDS, "fail")]),
            (lambda b: mutate(b, "aurora-reader", MEMBER, availabilityZone="eu-west-3a"), [("PZ002", "aurora", CLUSTER, "fail")]),
        ],
        "unknown": [(lambda b: mutate(b, "db", RDS, multiAz=UNKNOWN), [("PZ002", "db", RDS, "unknown")])],
        "not-applicable": lambda b: drop(b, RDS, CLUSTER, MEMBER),
    },
    "PZ003": {
        "fail": [(lambda b: mutate(b, "cache", CACHE, automaticFailoverEnabled=None), [("PZ003", "cache", CACHE, "fail")])],
        "unknown": [(lambda b: mutate(b, "cache", CACHE, multiAzEnabled=UNKNOWN), [("PZ003", "cache", CACHE, "unknown")])],
        "not-applicable": lambda b: drop(b, CACHE),
    },
    "PZ004": {
        "fail": [(lambda b: mutate(b, "relay-b", INSTANCE, availabilityZone="eu-west-3a"), [("PZ004", "turn", TG, "fail")])],
        "unknown": [(lambda b: relink(mutate(b, "relay-b", INSTANCE, availabilityZone=UNKNOWN, subnetId=UNKNOWN), "relay-b", INSTANCE, "subnetId", []), [("PZ004", "turn", TG, "unknown"), ("SS002", "turn", TG, "unknown")])],
        "not-applicable": lambda b: drop(b, ATTACH),
    },
    "NE001": {
        "fail": [
            (nat_b_via_a, [("NE001", "private-b", SUBNET, "fail"), ("NE002", "vpc", VPC, "fail")]),
            (inline_cross_zone, [("NE001", "private-b", SUBNET, "fail"), ("NE002", "vpc", VPC, "fail")]),
            (lambda b: regional_nat(b, ["eu-west-3a"]), [("NE001", "private-b", SUBNET, "fail")]),
        ],
        "unknown": [(lambda b: mutate(b, "public-b", SUBNET, availabilityZone=UNKNOWN), [("NE001", "private-b", SUBNET, "unknown"), ("PZ001", "alb", LB, "unknown"), ("NE002", "vpc", VPC, "unknown")])],
        "not-applicable": lambda b: drop_routes_to_nat(b),
    },
    "NE002": {
        "fail": [(nat_b_via_a, [("NE001", "private-b", SUBNET, "fail"), ("NE002", "vpc", VPC, "fail")])],
        "unknown": [(lambda b: mutate(b, "public-b", SUBNET, availabilityZone=UNKNOWN), [("NE001", "private-b", SUBNET, "unknown"), ("PZ001", "alb", LB, "unknown"), ("NE002", "vpc", VPC, "unknown")])],
        "not-applicable": lambda b: drop_routes_to_nat(b),
    },
    "NE003": {
        "fail": [(lambda b: relink(mutate(b, "nat-a", NAT, subnetId="id-private-a"), "nat-a", NAT, "subnetId", ["private-a"]), [("NE003", "nat-a", NAT, "fail")])],
        "unknown": [(lambda b: relink(b, "nat-a", NAT, "subnetId", []), [("NE003", "nat-a", NAT, "unknown"), ("NE001", "private-a", SUBNET, "unknown"), ("NE002", "vpc", VPC, "unknown")])],
        "not-applicable": lambda b: drop(b, NAT, ROUTE),
    },
    "NE004": {
        "fail": [(lambda b: mutate(b, "awsx-vpc", AWSX, natGateways={"strategy": "Single"}), [("NE004", "awsx-vpc", AWSX, "fail")])],
        "unknown": [(lambda b: mutate(b, "awsx-vpc", AWSX, natGateways=UNKNOWN), [("NE004", "awsx-vpc", AWSX, "unknown")])],
        "not-applicable": lambda b: drop(b, AWSX),
    },
    "HC001": {
        "fail": [
            (lambda b: mutate(b, "web-tg", TG, healthCheck={"enabled": False}), [("HC001", "web-tg", TG, "fail")]),
            (lambda b: mutate(b, "web-tg", TG, healthCheck={"enabled": True, "path": "/", "interval": 10.0}), [("HC001", "web-tg", TG, "fail")]),
            (lambda b: mutate(b, "web-tg", TG, healthCheck={"enabled": True, "path": "/healthz", "interval": 60.0}), [("HC001", "web-tg", TG, "fail")]),
        ],
        "unknown": [(lambda b: mutate(b, "web-tg", TG, healthCheck=UNKNOWN), [("HC001", "web-tg", TG, "unknown")])],
        "not-applicable": lambda b: drop(b, TG),
    },
    "HC002": {
        "fail": [(lambda b: mutate(b, "turn", TG, healthCheck={"enabled": True, "protocol": "UDP"}), [("HC002", "turn", TG, "fail")])],
        "unknown": [(lambda b: mutate(b, "turn", TG, healthCheck={"enabled": True, "protocol": UNKNOWN}), [("HC002", "turn", TG, "unknown")])],
        "not-applicable": lambda b: drop(b, TG),
    },
    "HC003": {
        "fail": [
            (lambda b: mutate(b, "web", ASG, healthCheckType="EC2"), [("HC003", "web", ASG, "fail")]),
            (lambda b: mutate(b, "web", ASG, healthCheckGracePeriod=None), [("HC003", "web", ASG, "fail")]),
        ],
        "unknown": [(lambda b: mutate(b, "web", ASG, healthCheckType=UNKNOWN), [("HC003", "web", ASG, "unknown")])],
        "not-applicable": lambda b: mutate(b, "web", ASG, targetGroupArns=None),
    },
    "HC004": {
        "fail": [
            (lambda b: mutate(b, "primary", RECORD, healthCheckId=None), [("HC004", "primary", RECORD, "fail")]),
            (lambda b: drop_named(b, "secondary"), [("HC004", "primary", RECORD, "fail")]),
        ],
        "unknown": [(lambda b: mutate(b, "primary", RECORD, name=UNKNOWN), [("HC004", "primary", RECORD, "unknown"), ("HC004", "secondary", RECORD, "fail")])],
        "not-applicable": lambda b: drop(b, RECORD),
    },
    "HC005": {
        "fail": [(lambda b: mutate(b, "primary", RECORD, aliases=[{"name": "alb.example", "zoneId": "Z1", "evaluateTargetHealth": False}]), [("HC005", "primary", RECORD, "fail")])],
        "unknown": [(lambda b: mutate(b, "primary", RECORD, aliases=[{"name": "alb.example", "zoneId": "Z1", "evaluateTargetHealth": UNKNOWN}]), [("HC005", "primary", RECORD, "unknown")])],
        "not-applicable": lambda b: drop(b, RECORD),
    },
    "HC006": {
        "fail": [
            (lambda b: mutate(b, "primary-check", HC, requestInterval=60.0), [("HC006", "primary-check", HC, "fail")]),
            (lambda b: mutate(b, "primary-check", HC, type="TCP", resourcePath=None), [("HC006", "primary-check", HC, "fail")]),
        ],
        "unknown": [(lambda b: mutate(b, "primary-check", HC, resourcePath=UNKNOWN), [("HC006", "primary-check", HC, "unknown")])],
        "not-applicable": lambda b: drop(b, HC),
    },
    "SS001": {
        "fail": [
            (lambda b: mutate(b, "web", ASG, minSize=2.0, tags=[{"key": "stayup:peak", "value": "2"}]), [("SS001", "web", ASG, "fail")]),
            (lambda b: mutate(b, "api", ECS, desiredCount=1.0), [("SS001", "api", ECS, "fail")]),
        ],
        "unknown": [(lambda b: mutate(b, "web", ASG, minSize=UNKNOWN), [("SS001", "web", ASG, "unknown")])],
        "not-applicable": lambda b: drop(b, ASG, ECS, EKS),
    },
    "SS002": {
        "fail": [(lambda b: mutate(b, "turn", TG, tags={"stayup:peak": "2"}), [("SS002", "turn", TG, "fail")])],
        "unknown": [(lambda b: relink(mutate(b, "relay-b", INSTANCE, availabilityZone=UNKNOWN, subnetId=UNKNOWN), "relay-b", INSTANCE, "subnetId", []), [("PZ004", "turn", TG, "unknown"), ("SS002", "turn", TG, "unknown")])],
        "not-applicable": lambda b: drop(b, ATTACH),
    },
}


STACK = "pulumi:pulumi:Stack"

CASES["DR001"] = {
    # The happy path: one health-checked site (ELB 99.99 x EC2 across AZs 99.99 = 99.98 %).
    "fail": [(lambda b: mutate(b, "fixture-fx", STACK, slo=99.999), [("DR001", "primary", RECORD, "fail")])],
    "unknown": [(lambda b: mutate(b, "fixture-fx", STACK, slo=UNKNOWN), [("DR001", "fixture-fx", STACK, "unknown")])],
    "not-applicable": lambda b: mutate(b, "fixture-fx", STACK, slo=None),
}


def drop_routes_to_nat(b):
    import copy

    b = copy.deepcopy(b)
    b.resources = {u: r for u, r in b.resources.items() if not (r["type"] == ROUTE and "natGatewayId" in r["inputs"])}
    return b



def _fail_cases():
    for rule_id, cases in CASES.items():
        for index, (mutation, expected) in enumerate(cases["fail"]):
            yield pytest.param(rule_id, mutation, expected, id=f"{rule_id}-fail-{index}")


def _unknown_cases():
    for rule_id, cases in CASES.items():
        for index, (mutation, expected) in enumerate(cases["unknown"]):
            yield pytest.param(rule_id, mutation, expected, id=f"{rule_id}-unknown-{index}")


def main_table_cross_zone(b):
    """Private subnet b has no association: it uses the VPC's main table, routed to NAT a."""
    b = drop_named(b, "assoc-private-b")
    b = nat_b_via_a(b)
    b.add("aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation", "main", {"vpcId": "id-vpc", "routeTableId": "id-rt-private-b"}, {"vpcId": "vpc", "routeTableId": "rt-private-b"})
    return b


CASES["NE001"]["fail"].append((main_table_cross_zone, [("NE001", "private-b", SUBNET, "fail"), ("NE002", "vpc", VPC, "fail")]))


def test_subnet_without_association_and_no_main_table_has_no_egress():
    b = drop_named(BASE, "assoc-private-b")
    # AWS's implicit main table has only the local route: private-b is isolated, nothing to judge.
    assert outcomes(b) == set()


def test_happy_path_passes_every_rule():
    results = evaluate(from_capture(BASE.graph()), load_settings({}))
    assert outcome_set(results) == set()
    assert {r.rule.id for r in results if r.finding.outcome == "pass"} == {rule.id for rule in RULES}
    assert verdict(results) == "pass"


@pytest.mark.parametrize(("rule_id", "mutation", "expected"), list(_fail_cases()))
def test_fail(rule_id, mutation, expected):
    mutated = mutation(BASE)
    assert outcomes(mutated) == expect(mutated, *expected)


@pytest.mark.parametrize(("rule_id", "mutation", "expected"), list(_unknown_cases()))
def test_unknown(rule_id, mutation, expected):
    mutated = mutation(BASE)
    assert outcomes(mutated) == expect(mutated, *expected)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_not_applicable(rule_id):
    graph = from_capture(CASES[rule_id]["not-applicable"](BASE).graph())
    assert [r for r in evaluate(graph, load_settings({})) if r.rule.id == rule_id] == []


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_suppressed(rule_id):
    mutation, expected = CASES[rule_id]["fail"][0]
    mutated = mutation(BASE)
    rule = next(r for r in RULES if r.id == rule_id)
    targets = {u for r, u, _ in expect(mutated, *expected) if r == rule_id}
    config = {rule.name: {"suppress": [{"urn": u, "reason": "accepted risk: TICKET-7", "expires": "2999-01-01"} for u in sorted(targets)]}}
    graph = from_capture(mutated.graph())
    results = evaluate(graph, load_settings(config))
    assert {u for r, u, _ in outcome_set(results) if r == rule_id} == set()
    suppressed = report(graph, results, preview=False)["suppressed"]
    assert {(s["rule"], s["urn"], s["reason"]) for s in suppressed} == {(rule_id, u, "accepted risk: TICKET-7") for u in targets}


def test_every_rule_has_every_scenario():
    for rule in RULES:
        assert set(CASES[rule.id]) | {"pass", "suppressed"} == set(rule.scenarios), rule.id
        assert CASES[rule.id]["fail"] and CASES[rule.id]["unknown"]
