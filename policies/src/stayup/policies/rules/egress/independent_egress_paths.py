"""NE002 independent-egress-paths: a VPC's private egress does not hang on one zonal NAT.

Zonal NATs used by private subnets sit in at least min(N, AZs with routed private subnets)
distinct AZs, or the subnets use a regional NAT gateway.

Scenarios: pass (NAT per AZ; one regional NAT) · fail (one zonal NAT for two AZs) · not-applicable
(no NAT egress) · unknown (a NAT's zone unknown) · suppressed.
"""

from __future__ import annotations

from collections import defaultdict

from ...aws_types import SUBNET
from ...facts import nat_coverage, subnet_egress, subnet_tier, subnet_zone, vpc_of
from ...graph_schema import UNKNOWN
from ..base import Rule


def check(graph, params):
    need = int(params["minPaths"])
    by_vpc = defaultdict(lambda: {"zones": set(), "nats": {}, "owner": None})
    for subnet in graph.of_type(SUBNET):
        if subnet_tier(graph, subnet) != "private":
            continue
        nats = [t.resource for t in subnet_egress(graph, subnet) if t.kind == "nat" and t.resource is not None]
        if not nats:
            continue
        vpc = vpc_of(graph, subnet)
        entry = by_vpc[vpc.urn if vpc else nats[0].urn]
        entry["owner"] = vpc or nats[0]
        entry["zones"].add(subnet_zone(subnet))
        for nat in nats:
            entry["nats"][nat.urn] = nat
    for entry in by_vpc.values():
        owner = entry["owner"]
        covers = [nat_coverage(graph, nat) for nat in entry["nats"].values()]
        if any(c.regional and not c.unknown for c in covers):
            yield RULE.passed(owner)
            continue
        nat_zones = {z for c in covers for z in (c.zones or ())}
        wanted = min(need, len({z for z in entry["zones"] if z != UNKNOWN}) or 1)
        if len(nat_zones) >= wanted:
            yield RULE.passed(owner)
        elif any(c.unknown for c in covers):
            yield RULE.unknown(owner, "natGatewayId", "the AZ of a NAT gateway is not known")
        else:
            yield RULE.failed(
                owner,
                "natGatewayId",
                f"private subnets in {len(entry['zones'])} AZs share NAT gateways in only {len(nat_zones)} AZ "
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
