"""PZ005 serving-instances-span-power-zones: EC2 instances that serve traffic themselves run in at
least N AZs.

An instance serves traffic when it is reachable (an Elastic IP, a public IP, or a Route 53 record
pointing at it) and its security groups open a port other than SSH (22) or RDP (3389). Instances
that answer only on those ports are administrative hosts (bastions) and out of scope; instances
behind a target group are PZ004's. Serving instances form one service per DNS name pointing at
them, else per launch shape (AMI, instance type, user data): a lone web server fails, one per AZ
passes. The finding says how it decided.

Scenarios: pass (a web server per AZ behind one DNS name) · fail (a lone web server with an EIP; a
DNS record pointing at one instance; a lone server whose AZ AWS picks) · not-applicable (bastion
with SSH only; no instances) · unknown (security group rules unknown; the instance's AZ unknown) ·
suppressed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from ...aws_types import (
    EIP,
    EIP_ASSOCIATION,
    INSTANCE,
    RECORD,
    SECURITY_GROUP,
    SG_INGRESS_RULE,
    SG_RULE,
    SUBNET,
)
from ...facts import instance_targets_of, instance_zone
from ...model import Graph, Resource
from ...values import (
    NOT_KNOWN,
    Unknown,
    any_unknown,
    is_unknown,
    known,
    number,
    text,
    unknowns,
    word,
)
from ..base import Finding, Rule

ADMIN_PORTS = frozenset({22, 3389})
Ports = list[tuple[float, float]]


def _rule_ports(entry: Mapping[str, Any], protocol_key: str) -> Ports | Unknown:
    protocol = entry.get(protocol_key)
    if protocol in ("-1", "all", -1):
        return [(0, 65535)]
    low, high = number(entry.get("fromPort")), number(entry.get("toPort"))
    if isinstance(low, Unknown) or isinstance(high, Unknown) or is_unknown(protocol):
        return NOT_KNOWN
    return [(low or 0, high if high is not None else (low or 0))]


def _inbound(graph: Graph, instance: Resource) -> Ports | Unknown:
    """The port ranges the instance's security groups open inbound (from any source)."""
    groups: list[Resource] = []
    for key in ("vpcSecurityGroupIds", "securityGroups"):
        value = instance.get(key)
        if is_unknown(value) or (
            isinstance(value, list)
            and any_unknown(value)
            and not instance.property_dependencies.get(key)
        ):
            return NOT_KNOWN
        if isinstance(value, list) and value:
            linked = graph.linked(instance, key, SECURITY_GROUP)
            if len(linked) < len(value):
                return NOT_KNOWN  # a group defined outside this program
            groups += linked
    if not groups:
        return [(0, 65535)]  # the VPC's default group: all traffic from its members
    ports: Ports = []
    for group in groups:
        ingress = group.get("ingress")
        if is_unknown(ingress) or (ingress is not None and not isinstance(ingress, list)):
            return NOT_KNOWN  # a list of rules is all a group's ingress can be
        entries: list[tuple[Mapping[str, Any], str]] = [
            (e, "protocol") for e in (ingress or []) if isinstance(e, dict)
        ]
        entries += [
            (r.props, "ipProtocol")
            for r in graph.referrers(group, SG_INGRESS_RULE, "securityGroupId")
        ]
        entries += [
            (r.props, "protocol")
            for r in graph.referrers(group, SG_RULE, "securityGroupId")
            if word(r.get("type")) in ("ingress", NOT_KNOWN)
        ]
        for entry, protocol_key in entries:
            found = _rule_ports(entry, protocol_key)
            if isinstance(found, Unknown):
                return NOT_KNOWN
            ports += found
    return ports


def _exposure(graph: Graph, instance: Resource) -> tuple[list[str], bool]:
    """How the instance is reachable ("Elastic IP web", "DNS record www.example.com", "public IP"),
    and whether that is unknown (its public IP setting)."""
    ways = [f"Elastic IP {e.name}" for e in graph.referrers(instance, EIP, "instance")]
    ways += [
        f"Elastic IP association {a.name}"
        for a in graph.referrers(instance, EIP_ASSOCIATION, "instanceId")
    ]
    public = instance.get("associatePublicIpAddress")
    if public is None:
        subnets = graph.linked(instance, "subnetId", SUBNET)
        public = subnets[0].get("mapPublicIpOnLaunch") if subnets else None
    if public is True:
        ways.append("public IP")
    return ways, is_unknown(public)


def _records(graph: Graph) -> dict[str, list[Resource]]:
    """DNS records by the instances (or their Elastic IPs) they point at."""
    pointing: dict[str, list[Resource]] = defaultdict(list)
    for record in graph.of_type(RECORD):
        for urn in record.property_dependencies.get("records", ()):
            target = graph.resources.get(urn)
            if target is not None and target.type == INSTANCE:
                pointing[urn].append(record)
            elif target is not None and target.type == EIP:
                for instance in graph.linked(target, "instance", INSTANCE):
                    pointing[instance.urn].append(record)
    return pointing


def _shape(instance: Resource) -> str:
    return repr([instance.get(k) for k in ("ami", "instanceType", "userData", "launchTemplate")])


def check(graph: Graph, params: Mapping[str, Any]) -> Iterator[Finding]:
    need = int(params["minZones"])
    behind_targets = instance_targets_of(graph)
    dns = _records(graph)
    services: dict[str, list[tuple[Resource, str]]] = defaultdict(list)
    for instance in graph.of_type(INSTANCE):
        if instance.urn in behind_targets:
            continue
        ways, public_unknown = _exposure(graph, instance)
        ways += [f"DNS record {text(r.get('name')) or r.name}" for r in dns.get(instance.urn, [])]
        if not ways and not public_unknown:
            continue
        ports = _inbound(graph, instance)
        if isinstance(ports, Unknown):
            yield RULE.unknown(
                instance,
                "vpcSecurityGroupIds",
                "its security groups' inbound ports are not known, so whether it serves traffic is not",
            )
            continue
        serving = sorted({(lo, hi) for lo, hi in ports if not (lo == hi and lo in ADMIN_PORTS)})
        if not serving:
            continue  # an administrative host: SSH/RDP only
        if not ways:
            yield RULE.unknown(
                instance, "associatePublicIpAddress", "whether it gets a public IP is not known"
            )
            continue
        opened = ", ".join(f"{lo:g}" if lo == hi else f"{lo:g}-{hi:g}" for lo, hi in serving)
        key = (
            f"dns {text(dns[instance.urn][0].get('name'))}"
            if dns.get(instance.urn)
            else _shape(instance)
        )
        services[key].append(
            (instance, f"serves traffic ({', '.join(ways)}; inbound ports {opened})")
        )
    for members in services.values():
        zones = [instance_zone(graph, i) for i, _ in members]
        placed = set(known(zones))
        at_most = len(placed) + unknowns(zones)  # each instance is in one AZ
        for (instance, how), zone in zip(members, zones, strict=True):
            if len(placed) >= need:
                yield RULE.passed(instance)
            elif any_unknown(zones) and at_most < need:
                yield RULE.failed(
                    instance,
                    "availabilityZone",
                    f"it {how}, and its service of {len(members)} instance(s) runs in at most {at_most} AZ: losing that power zone takes it down",
                    f"run it in at least {need} AZs behind a load balancer or health-checked DNS, or as an auto scaling group across AZs.",
                )
            elif any_unknown(zones):
                yield RULE.unknown(
                    instance,
                    "availabilityZone",
                    f"it {how}; the AZ of {'it' if is_unknown(zone) else 'another instance of its service'} is not known",
                )
            else:
                yield RULE.failed(
                    instance,
                    "availabilityZone",
                    f"it {how}, and its service runs in {len(placed)} AZ ({', '.join(sorted(placed))}): losing that power zone takes it down",
                    f"run it in at least {need} AZs behind a load balancer or health-checked DNS, or as an auto scaling group across AZs.",
                )


RULE = Rule(
    id="PZ005",
    name="serving-instances-span-power-zones",
    description="EC2 instances that serve traffic themselves (Elastic IP, public IP or DNS record, with ports other than SSH/RDP open) run in at least 2 AZs.",
    severity="high",
    remediation="Run serving instances in at least 2 AZs, behind a load balancer or health-checked DNS.",
    check=check,
    tags=("power-zones", "ec2", "single-point-of-failure"),
    defaults={"minZones": 2},
)
