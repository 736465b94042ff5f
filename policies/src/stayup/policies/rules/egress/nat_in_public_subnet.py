"""NE003 nat-in-public-subnet: each zonal public NAT gateway sits in a public subnet of its AZ.

Scenarios: pass (NAT in a subnet routed to the internet gateway) · fail (NAT in a private subnet)
· not-applicable (no zonal NAT) · unknown (subnet not resolvable) · suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...aws_types import NAT, SUBNET
from ...facts import subnet_tier
from ...model import Graph
from ...values import is_unknown
from ..base import Finding, Rule


def check(graph: Graph, params: Mapping[str, Any]) -> Iterator[Finding]:
    for nat in graph.of_type(NAT):
        if nat.get("availabilityMode") == "regional" or nat.get("connectivityType") == "private":
            continue
        subnets = graph.linked(nat, "subnetId", SUBNET)
        if not subnets:
            yield RULE.unknown(nat, "subnetId", "its subnet is not part of this program")
            continue
        tier = subnet_tier(graph, subnets[0])
        if tier == "public":
            yield RULE.passed(nat)
        elif is_unknown(tier):
            yield RULE.unknown(nat, "subnetId", "whether its subnet reaches an internet gateway is not known")
        else:
            yield RULE.failed(
                nat,
                "subnetId",
                f"NAT gateway is in a {tier} subnet ({subnets[0].urn}) with no default route to an internet gateway",
                "place the NAT gateway in the public subnet of its AZ.",
            )


RULE = Rule(
    id="NE003",
    name="nat-in-public-subnet",
    description="Every zonal public NAT gateway sits in a public subnet whose route table reaches an internet gateway.",
    severity="high",
    remediation="Place each zonal NAT gateway in the public subnet of its AZ.",
    check=check,
    tags=("network-egress", "nat"),
)
