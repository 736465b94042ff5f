"""Both example stacks pass every rule; each single fault, made through --config overrides of the
component args, fails with exactly the expected rules on exactly the expected resources."""

from __future__ import annotations

import pytest
from conftest import ROOT, graph_of
from stayup.policies.engine import evaluate, outcome_set
from stayup.policies.model import from_capture
from stayup.policies.settings import load_settings

MODES = [pytest.param(False, id="update"), pytest.param(True, id="preview")]

NET = "stayup:network:ResilientNetwork"
CRM = "stayup:crm:CrmHosting"
RELAY = "stayup:relay:VideoRelay"
DNS = "stayup:dns:FailoverDns"
RECORD = "aws:route53/record:Record"


def below_slo(stack, workload):
    """DR001: the structure no longer supports the stack's declared SLO."""
    return {("DR001", child(stack, DNS, RECORD, f"{workload}-dns-primary"), "fail")}


def above_rto(stack, workload, outcome="fail"):
    """RT001: after some AZ's loss the served name does not serve again within the stack's RTO."""
    return {("RT001", child(stack, DNS, RECORD, f"{workload}-dns-primary"), outcome)}


def child(stack, component, type_, name):
    return f"urn:pulumi:{stack}::stayup::{component}${type_}::{name}"


def both_sites(rule, stack, component, type_, names):
    """The same fault appears in the primary site and in the standby region's site."""
    return {(rule, child(stack, component, type_, n), "fail") for prefix in ("", "-dr") for n in [name.format(dr=prefix) for name in names]}


LB = "aws:lb/loadBalancer:LoadBalancer"
ASG = "aws:autoscaling/group:Group"
DBSG = "aws:rds/subnetGroup:SubnetGroup"
TG = "aws:lb/targetGroup:TargetGroup"
SUBNET = "aws:ec2/subnet:Subnet"
VPC = "aws:ec2/vpc:Vpc"

VARIANTS = {
    "one-zone-crm": (
        "crm-paris",
        ["zones=1", "databaseMultiAz=false"],
        both_sites("PZ001", "crm-paris", CRM, LB, ["crm{dr}-alb"])
        | both_sites("PZ001", "crm-paris", CRM, ASG, ["crm{dr}-app"])
        | both_sites("PZ001", "crm-paris", CRM, DBSG, ["crm{dr}-db"])
        | both_sites("PZ002", "crm-paris", CRM, "aws:rds/cluster:Cluster", ["crm{dr}-db"])
        | both_sites("SS001", "crm-paris", CRM, ASG, ["crm{dr}-app"])  # losing its one AZ leaves nothing
        | below_slo("crm-paris", "crm"),
    ),
    "one-zone-video": (
        "video-frankfurt",
        ["zones=1"],
        both_sites("PZ001", "video-frankfurt", RELAY, LB, ["video{dr}-nlb"])
        | both_sites("PZ004", "video-frankfurt", RELAY, TG, ["video{dr}-turn", "video{dr}-turns"])
        | both_sites("SS002", "video-frankfurt", RELAY, TG, ["video{dr}-turn", "video{dr}-turns"])
        | below_slo("video-frankfurt", "video")
        | above_rto("video-frankfurt", "video"),  # DNS failover to the standby region: 110–120 s > 100 s
    ),
    "one-nat": (
        "crm-paris",
        ["natZones=1"],
        both_sites("NE001", "crm-paris", NET, SUBNET, ["crm{dr}-net-private-b", "crm{dr}-net-private-c"])
        | both_sites("NE002", "crm-paris", NET, VPC, ["crm{dr}-net-vpc"])
        | above_rto("crm-paris", "crm"),  # egress through the dark AZ's NAT never recovers
    ),
    "cross-az-route": (
        "crm-paris",
        ["natZones=2"],
        both_sites("NE001", "crm-paris", NET, SUBNET, ["crm{dr}-net-private-c"]) | above_rto("crm-paris", "crm"),
    ),
    "target-health-check-disabled": (
        "crm-paris",
        ["crmTargetHealthCheck=false"],
        both_sites("HC001", "crm-paris", CRM, TG, ["crm{dr}-app"]) | above_rto("crm-paris", "crm"),  # the dark AZ's targets are never found unhealthy
    ),
    "asg-ec2-health-type": (
        "crm-paris",
        ["crmAsgHealthCheck=EC2"],
        both_sites("HC003", "crm-paris", CRM, ASG, ["crm{dr}-app"]),
    ),
    "single-az-aurora": (
        "crm-paris",
        ["databaseMultiAz=false"],
        both_sites("PZ002", "crm-paris", CRM, "aws:rds/cluster:Cluster", ["crm{dr}-db"]),
    ),
    "single-az-rds": (
        "crm-paris",
        ["database=rds", "databaseMultiAz=false"],
        both_sites("PZ002", "crm-paris", CRM, "aws:rds/instance:Instance", ["crm{dr}-db"]),
    ),
    # The PRIMARY alias evaluates its load balancer's target health: a working failover (HC004
    # passes), only the advisory HC007 asks for an explicit Route 53 check.
    "primary-on-alias-target-health": (
        "crm-paris",
        ["dnsHealthCheck=false"],
        {("HC007", child("crm-paris", DNS, RECORD, "crm-dns-primary"), "fail")},
    ),
    "no-secondary": (
        "video-frankfurt",
        ["secondary=none"],
        {("HC004", child("video-frankfurt", DNS, RECORD, "video-dns-primary"), "fail")} | below_slo("video-frankfurt", "video"),
    ),
    "relay-in-one-az": (
        "video-frankfurt",
        ["relayZones=1"],
        both_sites("PZ004", "video-frankfurt", RELAY, TG, ["video{dr}-turn", "video{dr}-turns"])
        | both_sites("SS002", "video-frankfurt", RELAY, TG, ["video{dr}-turn", "video{dr}-turns"])
        | below_slo("video-frankfurt", "video")
        | above_rto("video-frankfurt", "video"),
    ),
    "crm-capacity-not-static": (
        "crm-paris",
        ["crmPeakInstances=4", "crmInstancesPerZone=1"],
        # Replacements launch, and AWS publishes no launch time: how soon the CRM is whole again is not known.
        both_sites("SS001", "crm-paris", CRM, ASG, ["crm{dr}-app"]) | above_rto("crm-paris", "crm", "unknown"),
    ),
    "relay-capacity-not-static": (
        "video-frankfurt",
        ["relayPeakNodes=4", "relayNodesPerZone=1"],
        both_sites("SS002", "video-frankfurt", RELAY, TG, ["video{dr}-turn", "video{dr}-turns"]) | above_rto("video-frankfurt", "video"),  # nothing replaces fixed relays
    ),
}


@pytest.mark.parametrize("preview", MODES)
@pytest.mark.parametrize("stack", ["crm-paris", "video-frankfurt"])
def test_example_stacks_pass_every_rule(stack, preview):
    results = evaluate(from_capture(graph_of(ROOT, stack, preview=preview)), load_settings({}))
    assert outcome_set(results) == set()
    judged = {
        "crm-paris": {"PZ001", "PZ002", "NE001", "NE002", "NE003", "HC001", "HC003", "HC004", "HC005", "HC006", "HC007", "HC008", "SS001", "DR001", "RT001"},
        # Regional NAT: no zonal NAT placement to judge; relays are fixed instances, not a group.
        "video-frankfurt": {"PZ001", "PZ004", "NE001", "NE002", "HC001", "HC002", "HC004", "HC005", "HC006", "HC007", "SS002", "DR001", "RT001"},
    }
    assert {r.rule.id for r in results} == judged[stack]


@pytest.mark.parametrize("preview", MODES)
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_single_fault_variant(variant, preview):
    stack, overrides, expected = VARIANTS[variant]
    graph = from_capture(graph_of(ROOT, stack, preview=preview, overrides=overrides))
    assert outcome_set(evaluate(graph, load_settings({}))) == expected


def static_stability_verdict(graph) -> str:
    found = {(rule, outcome) for rule, _, outcome in outcome_set(evaluate(graph, load_settings({})))}
    outcomes = {str(o) for rule, o in found if rule in ("SS001", "SS002")}
    return "fail" if "fail" in outcomes else ("unknown" if "unknown" in outcomes else "pass")


def capacity_verdict(radius) -> str:
    """The blast radius's answer to SS's question: does every service keep its baseline capacity
    after each zone loss (degraded, or down for want of capacity, is a failure)?"""
    services = [s for zone in radius.zones for s in zone.services if s.baseline is not None]
    if any(s.full is False for s in services):
        return "fail"
    return "unknown" if any(s.full is not True for s in services) else "pass"


CAPACITY_CASES = [("example", stack, []) for stack in ("crm-paris", "video-frankfurt")] + [(name, stack, overrides) for name, (stack, overrides, _) in sorted(VARIANTS.items())]


@pytest.mark.parametrize("preview", MODES)
@pytest.mark.parametrize(("case", "stack", "overrides"), CAPACITY_CASES, ids=[c[0] for c in CAPACITY_CASES])
def test_blast_radius_and_static_stability_give_one_answer(case, stack, overrides, preview):
    """One definition of surviving a zone loss: the blast radius finds a service below its
    baseline exactly when SS001/SS002 fail (and its verdict is then degraded or fail, exit 1)."""
    from stayup.policies.blast import simulate

    graph = from_capture(graph_of(ROOT, stack, preview=preview, overrides=overrides))
    radius = simulate(graph)
    assert capacity_verdict(radius) == static_stability_verdict(graph)
    if static_stability_verdict(graph) == "fail":
        assert radius.verdict in ("degraded", "fail")
    if case in ("crm-capacity-not-static", "relay-capacity-not-static"):
        assert radius.verdict == "degraded"  # the only fault: every service still serves, below its peak


def rto_from_blast_radius(radius, rto: float) -> dict[str, str]:
    """The blast radius's answer to RT001's question, read from its own JSON figures: per service
    users reach, fail when some single-AZ loss keeps it from serving longer than the RTO (down,
    never, or seconds_max above it), unknown when a loss's recovery is not known, else pass."""
    verdicts: dict[str, str] = {}
    for loss in radius.zones:
        for service in radius.served(loss):
            shown = service.recovery.to_json()
            if shown["outcome"] in ("down", "never") or (shown["outcome"] == "recovers" and shown["seconds_max"] > rto):
                verdict = "fail"
            elif shown["outcome"] == "unknown":
                verdict = "fail" if service.recovery.at_least > rto else "unknown"
            else:
                verdict = "pass"
            earlier = verdicts.get(service.urn, "pass")
            verdicts[service.urn] = max(earlier, verdict, key=["pass", "unknown", "fail"].index)
    return verdicts


@pytest.mark.parametrize("preview", MODES)
@pytest.mark.parametrize(("case", "stack", "overrides"), CAPACITY_CASES, ids=[c[0] for c in CAPACITY_CASES])
def test_blast_radius_and_rto_rule_give_one_answer(case, stack, overrides, preview):
    """One definition of recovery time: RT001's verdict on every service users reach is what the
    blast radius's recovery figures say against the declared RTO (100 s for the relay, 180 s for the CRM)."""
    from stayup.policies.blast import simulate

    graph = from_capture(graph_of(ROOT, stack, preview=preview, overrides=overrides))
    rto = {"crm-paris": 180.0, "video-frankfurt": 100.0}[stack]
    expected = rto_from_blast_radius(simulate(graph), rto)
    results = [r for r in evaluate(graph, load_settings({})) if r.rule.id == "RT001"]
    assert {r.finding.urn: str(r.finding.outcome) for r in results} == expected
    workload = "crm" if stack == "crm-paris" else "video"
    assert set(expected) == {child(stack, DNS, RECORD, f"{workload}-dns-primary")}  # users reach both sites through the failover name
