"""NE002 independent-egress-paths: a VPC's private egress does not hang on one zonal NAT.

Zonal NATs used by private subnets sit in at least min(N, AZs with routed private subnets)
distinct AZs, or the subnets use a regional NAT gateway.

Scenarios: pass (NAT per AZ; one regional NAT) · fail (one zonal NAT for two AZs) · not-applicable
(no NAT egress) · unknown (a NAT's zone unknown; another subnet's routes unknown) · suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...aws_types import SUBNET
from ...facts import nat_coverage, subnet_egress, subnet_tier, subnet_zone, vpc_of
from ...model import Graph, Resource
from ...values import is_unknown, known
from ..base import Finding, Rule


@dataclass
class _Egress:
    """A VPC's private subnets' zones and the NAT gateways they leave through."""

    owner: Resource
    zones: set[str] = field(default_factory=set)
    nats: dict[str, Resource] = field(default_factory=dict)


def check(graph: Graph, params: Mapping[str, Any]) -> Iterator[Finding]:
    need = int(params["minPaths"])
    by_vpc: dict[str, _Egress] = {}
    undecided: dict[str | None, int] = {}  # per VPC: subnets whose tier or routes are not known
    for subnet in graph.of_type(SUBNET):
        tier = subnet_tier(graph, subnet)
        if is_unknown(tier):
            vpc = vpc_of(graph, subnet)
            undecided[vpc.urn if vpc else None] = undecided.get(vpc.urn if vpc else None, 0) + 1
            continue
        if tier != "private":
            continue
        targets = subnet_egress(graph, subnet)
        if not isinstance(targets, list):
            vpc = vpc_of(graph, subnet)
            undecided[vpc.urn if vpc else None] = undecided.get(vpc.urn if vpc else None, 0) + 1
            continue
        nats = [t.resource for t in targets if t.kind == "nat" and t.resource is not None]
        if not nats:
            continue
        vpc = vpc_of(graph, subnet)
        owner = vpc or nats[0]
        entry = by_vpc.setdefault(owner.urn, _Egress(owner))
        entry.owner = owner
        entry.zones.add(subnet_zone(subnet))
        for nat in nats:
            entry.nats[nat.urn] = nat
    for entry in by_vpc.values():
        owner = entry.owner
        covers = [nat_coverage(graph, nat) for nat in entry.nats.values()]
        if any(c.regional and not c.unknown for c in covers):
            yield RULE.passed(owner)
            continue
        nat_zones = {z for c in covers for z in (c.zones or ())}
        wanted = min(need, len(known(entry.zones)) or 1)
        open_subnets = undecided.get(owner.urn, 0) + undecided.get(None, 0)
        if len(nat_zones) >= wanted and (len(nat_zones) >= need or not open_subnets):
            yield RULE.passed(owner)
        elif any(c.unknown for c in covers):
            yield RULE.unknown(owner, "natGatewayId", "the AZ of a NAT gateway is not known")
        elif open_subnets:
            # They may add AZs to serve, or NAT gateways elsewhere: neither verdict is certain.
            yield RULE.unknown(owner, "natGatewayId", f"the routes of {open_subnets} more subnet(s) are not known")
        else:
            yield RULE.failed(
                owner,
                "natGatewayId",
                f"private subnets in {len(entry.zones)} AZs share NAT gateways in only {len(nat_zones)} AZ "
                f"({', '.join(sorted(nat_zones))}): one power zone loss cuts all their egress",
                "add a NAT gateway per AZ (or a regional NAT gateway) so egress has independent paths.",
            )


RULE = Rule(
    id="NE002",
    name="independent-egress-paths",
    description="A VPC's private subnets egress through NAT gateways in at least 2 AZs, or a regional NAT gateway.",
    severity="critical",
    remediation="Add a NAT gateway in every AZ with private subnets, or switch to a regional NAT gateway.",
    check=check,
    tags=("network-egress", "nat", "dual-egress"),
    defaults={"minPaths": 2},
)
