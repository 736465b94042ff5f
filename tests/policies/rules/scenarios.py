"""Scenario tests of one rule over the happy-path graph plus one mutation per case.

Every rule's test module lists its cases under the words of the rule's `Scenarios:` docstring
(`pass (a; b) · fail (c) · not-applicable (d) · unknown (e) · suppressed`), and each case asserts
the exact set of (rule, resource, outcome) across ALL rules, so a mutation never fires a stray rule.
"""

from __future__ import annotations

import copy
import datetime as dt
import inspect
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the graph builder, one level up
from builder import UNKNOWN, Builder, drop, happy, mutate, relink, urn
from stayup.policies import aws_types
from stayup.policies.engine import evaluate, outcome_set
from stayup.policies.model import from_capture
from stayup.policies.reports import stack_report
from stayup.policies.rules import BY_ID
from stayup.policies.settings import load_settings

# Type tokens under the short names the cases use; the tokens are the catalogue's (aws_types).
SUBNET = aws_types.SUBNET
NAT = aws_types.NAT
ROUTE = aws_types.ROUTE
RT = aws_types.ROUTE_TABLE
LB = aws_types.LOAD_BALANCER
CLB = aws_types.CLASSIC_ELB
TG = aws_types.TARGET_GROUP
ASG = aws_types.ASG
ECS = aws_types.ECS_SERVICE
TARGET = aws_types.SCALABLE_TARGET
SCHEDULED = aws_types.SCALING_SCHEDULE
EIP = aws_types.EIP
SG = aws_types.SECURITY_GROUP
EKS = aws_types.EKS_NODE_GROUP
DBSG = aws_types.DB_SUBNET_GROUP
RDS = aws_types.RDS_INSTANCE
CLUSTER = aws_types.RDS_CLUSTER
MEMBER = aws_types.RDS_CLUSTER_INSTANCE
CACHE = aws_types.CACHE_GROUP
INSTANCE = aws_types.INSTANCE
ATTACH = aws_types.TARGET_ATTACHMENT
RECORD = aws_types.RECORD
HC = aws_types.HEALTH_CHECK
AWSX = aws_types.AWSX_VPC
VPC = aws_types.VPC
STACK = aws_types.STACK

BASE = happy()
REVIEW = (dt.date.today() + dt.timedelta(days=90)).isoformat()  # suppressions expire within 366 days
Mutation = Callable[[Builder], Builder]
Expected = list[tuple[str, str, str, str]]  # (rule, resource name, type, outcome)

__all__ = [
    "ASG",
    "ATTACH",
    "AWSX",
    "BASE",
    "CACHE",
    "CLB",
    "CLUSTER",
    "DBSG",
    "ECS",
    "EIP",
    "EKS",
    "HC",
    "INSTANCE",
    "LB",
    "MEMBER",
    "NAT",
    "RDS",
    "RECORD",
    "ROUTE",
    "RT",
    "SCHEDULED",
    "SG",
    "STACK",
    "SUBNET",
    "TARGET",
    "TG",
    "UNKNOWN",
    "VPC",
    "classic_elb",
    "drop",
    "drop_named",
    "mutate",
    "relink",
    "same",
    "scenario_tests",
]


def classic_elb(b: Builder, *, zones: tuple[str, ...], instances: tuple[str, ...] = (), health_check: bool = True) -> Builder:
    """A Classic ELB named `classic` over `zones` (by name) with the named relay instances behind it."""
    b = copy.deepcopy(b)
    hc = {"target": "HTTP:8080/healthz", "interval": 10.0, "healthyThreshold": 2.0, "unhealthyThreshold": 2.0, "timeout": 5.0}
    props: dict[str, Any] = {"availabilityZones": list(zones), "instances": [b.id(i) for i in instances],
                             "listeners": [{"instancePort": 8080.0, "instanceProtocol": "http", "lbPort": 80.0, "lbProtocol": "http"}]}
    if health_check:
        props["healthCheck"] = hc
    b.add(CLB, "classic", props, {"instances": list(instances)} if instances else {})
    return b


def same(b: Builder) -> Builder:
    return b


def drop_named(b: Builder, name: str) -> Builder:
    b = copy.deepcopy(b)
    b.resources = {u: r for u, r in b.resources.items() if r["name"] != name}
    return b


def drop_routes_to_nat(b: Builder) -> Builder:
    b = copy.deepcopy(b)
    b.resources = {u: r for u, r in b.resources.items() if not (r["type"] == ROUTE and "natGatewayId" in r["inputs"])}
    return b


def one_zone_alb(b: Builder) -> Builder:
    return relink(mutate(b, "alb", LB, subnets=["id-public-a"]), "alb", LB, "subnets", ["public-a"])


def nat_b_via_a(b: Builder) -> Builder:
    b = mutate(b, "private-b-default", ROUTE, natGatewayId="id-nat-a")
    return relink(b, "private-b-default", ROUTE, "natGatewayId", ["nat-a"])


def inline_cross_zone(b: Builder) -> Builder:
    """Private table b with an inline default route via gatewayId to NAT a (real-program style)."""
    b = drop_named(b, "private-b-default")
    b = mutate(b, "rt-private-b", RT, routes=[{"cidrBlock": "0.0.0.0/0", "gatewayId": "id-nat-a"}])
    return relink(b, "rt-private-b", RT, "routes", ["nat-a"])


def main_table_cross_zone(b: Builder) -> Builder:
    """Private subnet b has no association: it uses the VPC's main table, routed to NAT a."""
    b = drop_named(b, "assoc-private-b")
    b = nat_b_via_a(b)
    b.add(aws_types.MAIN_ASSOCIATION, "main", {"vpcId": "id-vpc", "routeTableId": "id-rt-private-b"}, {"vpcId": "vpc", "routeTableId": "rt-private-b"})
    return b


def regional_nat(b: Builder, zones: list[str]) -> Builder:
    """Both private tables route to one regional NAT listing `zones`."""
    b = drop_named(drop_named(b, "nat-a"), "nat-b")
    b.add(NAT, "regional", {"availabilityMode": "regional", "vpcId": "id-vpc", "availabilityZoneAddresses": [{"availabilityZone": z} for z in zones]}, {"vpcId": "vpc"})
    for z in "ab":
        b = mutate(b, f"private-{z}-default", ROUTE, natGatewayId="id-regional")
        b = relink(b, f"private-{z}-default", ROUTE, "natGatewayId", ["regional"])
    return b


def documented(rule_id: str) -> dict[str, list[str]]:
    """{outcome: [case words]} from the rule's `Scenarios:` docstring."""
    doc = " ".join((inspect.getmodule(BY_ID[rule_id].check).__doc__ or "").split())
    text = doc[doc.index("Scenarios:") + len("Scenarios:"):]
    found: dict[str, list[str]] = {}
    for part in text.split(" · "):
        match = re.fullmatch(r"\s*([a-z-]+)\s*(?:\((.*)\))?\.?\s*", part)
        assert match, f"{rule_id}: unreadable scenario {part!r}"
        found[match.group(1)] = [w.strip() for w in (match.group(2) or "").split(";") if w.strip()]
    return found


def _outcomes(b: Builder, config: dict[str, Any] | None = None) -> set[tuple[str, str, str]]:
    return outcome_set(evaluate(from_capture(b.graph()), load_settings(config or {})))


def _expect(b: Builder, entries: Expected) -> set[tuple[str, str, str]]:
    return {(rule, urn(b, name, type_), outcome) for rule, name, type_, outcome in entries}


def scenario_tests(rule_id: str, cases: dict[str, dict[str, Any]]):
    """The test functions of one rule's module: each documented case, the suppressed case, and a
    check that the module's cases are exactly the docstring's words."""
    params = [pytest.param(kind, words, id=f"{kind}: {words}") for kind in ("pass", "fail", "not-applicable", "unknown") for words in cases.get(kind, {})]

    @pytest.mark.parametrize(("kind", "words"), params)
    def test_scenario(kind: str, words: str) -> None:
        if kind == "not-applicable":
            graph = from_capture(cases[kind][words](BASE).graph())
            assert [r for r in evaluate(graph, load_settings({})) if r.rule.id == rule_id] == []
            return
        mutation, expected = cases[kind][words]
        mutated = mutation(BASE)
        if kind == "pass":
            # The rule passed exactly these (name, type) resources, and nothing else fired except
            # the advisory findings listed as (rule, name, type, outcome).
            results = evaluate(from_capture(mutated.graph()), load_settings({}))
            advisories = [e for e in expected if len(e) == 4]
            assert all(not BY_ID[e[0]].core for e in advisories)
            assert outcome_set(results) == _expect(mutated, advisories)
            assert {r.finding.urn for r in results if r.rule.id == rule_id} == {urn(mutated, n, t) for n, t in (e for e in expected if len(e) == 2)}
            return
        assert _outcomes(mutated) == _expect(mutated, expected)

    def test_suppressed() -> None:
        mutation, expected = next(iter(cases["fail"].values()))
        mutated = mutation(BASE)
        rule = BY_ID[rule_id]
        targets = {u for r, u, _ in _expect(mutated, expected) if r == rule_id}
        config = {rule.name: {"suppress": [{"urn": u, "reason": "accepted risk: TICKET-7", "expires": REVIEW} for u in sorted(targets)]}}
        graph = from_capture(mutated.graph())
        results = evaluate(graph, load_settings(config))
        assert {u for r, u, _ in outcome_set(results) if r == rule_id} == set()
        suppressed = stack_report(graph, results, preview=False).suppressed
        assert {(s.rule, s.urn, s.reason) for s in suppressed} == {(rule_id, u, "accepted risk: TICKET-7") for u in targets}

    def test_cases_are_the_documented_scenarios() -> None:
        words = documented(rule_id)
        assert set(words) == {"pass", "fail", "not-applicable", "unknown", "suppressed"}
        for kind in ("pass", "fail", "not-applicable", "unknown"):
            assert list(cases[kind]) == words[kind], kind
        assert set(BY_ID[rule_id].scenarios) == set(words)

    return test_scenario, test_suppressed, test_cases_are_the_documented_scenarios


# Every rule's cases, for the door-agreement and mutation tests (filled by each rule's module).
ALL: dict[str, dict[str, dict[str, Any]]] = {}


def all_cases() -> dict[str, dict[str, list[tuple[Mutation, Expected]]]]:
    """{rule id: {"fail": [...], "unknown": [...]}} from every rule's test module."""
    import importlib.util

    here = Path(__file__).resolve().parent
    if str(here) not in sys.path:
        sys.path.insert(0, str(here))
    found = {}
    for path in sorted(here.glob("test_*.py")):
        spec = importlib.util.spec_from_file_location(f"rule_scenarios_{path.stem}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        found[module.RULE_ID] = {kind: list(module.CASES[kind].values()) for kind in ("fail", "unknown")}
    return dict(sorted(found.items()))
