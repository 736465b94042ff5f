"""NE001 private-egress-in-own-zone: each private subnet leaves through a NAT in its own AZ, or a
regional NAT that serves its AZ.

Scenarios: pass (NAT per AZ via separate routes; regional NAT serving every AZ) · fail (route to
another AZ's NAT; inline route through gatewayId to another AZ's NAT; regional NAT in manual mode
missing the AZ; main route table to another AZ's NAT) · not-applicable (no private subnet with
internet egress) · unknown (zone not resolvable) · suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...aws_types import DEFAULT_ROUTE_TABLE, ROUTE, ROUTE_TABLE, SUBNET
from ...facts import nat_coverage, subnet_egress, subnet_tier, subnet_zone
from ...model import Graph, Resource
from ...values import is_unknown
from ..base import Finding, Rule


def _table_name(graph: Graph, route: Resource) -> str:
    """The route table to change: the table a separate route belongs to, or the table itself."""
    if route.type == ROUTE:
        tables = graph.linked(route, "routeTableId", ROUTE_TABLE, DEFAULT_ROUTE_TABLE)
        return tables[0].name if len(tables) == 1 else str(route.get("routeTableId") or route.name)
    return route.name


def check(graph: Graph, params: Mapping[str, Any]) -> Iterator[Finding]:
    for subnet in graph.of_type(SUBNET):
        tier = subnet_tier(graph, subnet)
        if tier in ("public", "isolated"):
            continue
        if is_unknown(tier):
            yield RULE.unknown(subnet, "routeTableId", "its route table or default route target cannot be resolved")
            continue
        zone = subnet_zone(subnet)
        verdicts = []
        targets = subnet_egress(graph, subnet)
        for target in targets if isinstance(targets, list) else []:
            if target.kind != "nat":
                continue
            if target.resource is None:
                verdicts.append(RULE.unknown(target.route, target.via, "the NAT gateway is not part of this program"))
                continue
            cover = nat_coverage(graph, target.resource)
            if cover.unknown or is_unknown(zone):
                verdicts.append(RULE.unknown(subnet, "availabilityZone", "the subnet's or the NAT's AZ is not known"))
            elif cover.regional and (cover.zones is None or zone in cover.zones):
                verdicts.append(RULE.passed(subnet))
            elif cover.regional:
                verdicts.append(
                    RULE.failed(
                        subnet,
                        "availabilityZone",
                        f"private subnet in {zone} routes to a regional NAT gateway whose availabilityZoneAddresses omit {zone}",
                        f"add {zone} to the NAT's availabilityZoneAddresses, or use automatic mode.",
                    )
                )
            elif cover.zones is not None and zone in cover.zones:
                verdicts.append(RULE.passed(subnet))
            else:
                other = ", ".join(sorted(cover.zones or ()))
                verdicts.append(
                    RULE.failed(
                        subnet,
                        target.via,
                        f"private subnet in {zone} sends 0.0.0.0/0 through NAT gateway {target.resource.urn} in {other}: "
                        f"its internet egress dies with another power zone",
                        f"give {zone} its own NAT gateway and this subnet a route table whose default route points at it (it now uses route table {_table_name(graph, target.route)}), or use a regional NAT gateway.",
                    )
                )
        failing = [v for v in verdicts if v.outcome != "pass"]
        if failing:
            yield from failing
        elif verdicts:
            yield verdicts[0]


RULE = Rule(
    id="NE001",
    name="private-egress-in-own-zone",
    description="Every private subnet reaches the internet through a NAT gateway in its own AZ, or a regional NAT gateway serving its AZ.",
    severity="critical",
    remediation="Create a NAT gateway in each AZ and route each private subnet to the one in its AZ, or use a regional NAT gateway.",
    check=check,
    tags=("network-egress", "nat", "cross-az"),
)
